// The limits of one evaluation (`--max-tuples`, `--max-seconds`, `--max-memory`), for every command
// that evaluates: advise, explain's verdicts, test (each scenario), diff (each version, each situation).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

#include "cli/common.hpp"
#include "engine/eval/evaluate.hpp"

namespace phasegate::cli {

struct EvalLimits {
  std::uint64_t max_tuples = 50'000'000;
  double max_seconds = 60.0;
  std::uint64_t max_memory = 0;  // MiB; 0: 4/5 of the machine's memory

  void apply(engine::EvalOptions& eo) const {
    eo.max_tuples = max_tuples;
    eo.max_seconds = max_seconds;
    eo.max_memory_mb = max_memory;
  }

  // `what`: what one evaluation is, for the help ("each scenario").
  void add_options(CLI::App* cmd, const std::string& what = "") {
    const std::string each = what.empty() ? "" : " (" + what + ")";
    cmd->add_option("--max-tuples", max_tuples, "Stop when more tuples are derived" + each)
        ->capture_default_str()
        ->check([](const std::string& s) { return count_check(s, true); });
    cmd->add_option("--max-seconds", max_seconds, "Stop evaluation after this long" + each)
        ->capture_default_str()
        ->check([](const std::string& s) { return seconds_check(s, true); });
    cmd->add_option("--max-memory", max_memory, "Stop evaluation above this resident size in MiB (0: 4/5 of RAM)")
        ->capture_default_str()
        ->check([](const std::string& s) { return count_check(s, false); });
  }
};

}  // namespace phasegate::cli
