// What the in-process benchmarks share: a ruleset and a facts file read and checked once, as a
// service embedding the engine would, diagnostics printed to stderr on failure.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "engine/check/check.hpp"
#include "grammar/parse.hpp"

namespace phasegate::bench {

struct Loaded {
  SourceMap sources;
  std::optional<engine::Program> program;
  std::optional<engine::FactBase> facts;
};

// False (the diagnostics printed) when the rules or the facts do not read or check.
inline bool load(const std::string& rules_path, const std::string& facts_path, Loaded& out) {
  Diagnostics diags;
  auto parsed = read_ruleset(rules_path, out.sources, diags);
  if (!diags.has_errors()) out.program = engine::check_ruleset(parsed, diags, {.warnings = false});
  if (!out.program || diags.has_errors()) {
    std::fputs(render_text(diags, out.sources).c_str(), stderr);
    return false;
  }
  engine::FactBaseBuilder builder(*out.program);
  auto facts_file = read_facts(facts_path, out.sources, diags);
  if (!builder.add_file(facts_file, out.sources, diags) || diags.has_errors()) {
    std::fputs(render_text(diags, out.sources).c_str(), stderr);
    return false;
  }
  out.facts.emplace(std::move(builder).build());
  return true;
}

}  // namespace phasegate::bench
