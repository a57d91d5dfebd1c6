// Rendering the go/no-go table: text for people, JSON for programs, Markdown for reports.
#pragma once

#include <cstdint>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/eval/evaluate.hpp"
#include "engine/program.hpp"

namespace phasegate::cli {

struct AdviseReport {
  const engine::Program* program = nullptr;
  std::string sha256;
  std::string today;  // YYYY-MM-DD
  std::optional<std::string> known_at;
  std::optional<std::int64_t> decision_id;  // a number in JSON, as `audit list` gives it
  std::vector<const engine::PhaseResult*> rows;  // the phase bindings asked about, in output order
  // `--summary` of whole phases: the counts per phase (then rows is empty).
  std::vector<engine::PhaseCount> counts;
  // `--summary` counted from the rows (recorded, explained, or of some bindings): the phases asked
  // about, in declaration order, each with a line even when no row is of it.
  std::vector<int> summary_phases;
  // Per row, present with --explain: the explanation as JSON text (same index as rows).
  std::vector<std::string> explanations;
  // Or, for the JSON table only: appends the next row's explanation as JSON text (rows in order),
  // so explanations are written as they are built (ExplanationStream::next).
  std::function<void(std::string&)> next_explanation;
};

// The `advise --format json` document, explanations spliced in as they were written.
void write_advise_json(std::ostream& out, const AdviseReport& report);
std::string advise_text(const AdviseReport& report, bool color);
std::string advise_markdown(const AdviseReport& report);

// `--summary`: the number of GO, NO-GO and UNDETERMINED bindings per phase.
nlohmann::ordered_json summary_json(const AdviseReport& report);  // keys in the order of CLI.md
std::string summary_text(const AdviseReport& report, bool color);
std::string summary_markdown(const AdviseReport& report);

}  // namespace phasegate::cli
