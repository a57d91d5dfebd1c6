// One piece of advice, computed the same way by `advise` and by the audit replay: phases asked about, facts, verdicts.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/load.hpp"
#include "engine/eval/evaluate.hpp"
#include "engine/eval/model.hpp"
#include "engine/json_out.hpp"
#include "engine/program.hpp"

namespace phasegate::store {
struct SnapshotFact;
}

namespace phasegate::cli {

// The phase bindings asked about with `--phase NAME` or `--phase 'NAME(ARGS)'`.
struct PhaseSelection {
  std::vector<std::pair<int, std::string>> wanted;  // phase id, normalised key ("" = every binding)
  bool empty() const { return wanted.empty(); }
};
// Resolves `--phase` specs; on an unknown phase returns false with a message (did you mean ...).
bool select_phases(const engine::Program& program, const std::vector<std::string>& specs, PhaseSelection& out,
                   std::string& error);
// The rows of an evaluation that the selection asks for, in output order; false with a message when a
// binding asked for by its arguments does not exist.
bool selected_rows(const engine::Program& program, const engine::Evaluation& evaluation, const PhaseSelection& sel,
                   std::vector<const engine::PhaseResult*>& rows, std::string& error);

// The members of one element of the `phases` array of `advise --format json` (args, phase, reasons,
// title, unknowns, verdict, waived), written between the caller's begin_object() and end_object().
void write_verdict_members(engine::JsonOut& out, const engine::Program& program, const engine::PhaseResult& row);
// The `phases` array of `advise --format json`, without explanations: what the audit log stores and replays.
nlohmann::json verdicts_json(const engine::Program& program, const std::vector<const engine::PhaseResult*>& rows);

// What the evaluation used, fact by fact with provenance, for the decision log.
std::vector<store::SnapshotFact> snapshot(const engine::Program& program, const engine::FactBase& facts);

// `(\"Indonesia\", 2)` for the store's argument text.
std::string args_text(const engine::Program& program, const std::vector<engine::Constant>& args);

std::string normalise_key(const std::string& s);

// `--today`: empty means the system date. False (after saying why on stderr) when not a date.
bool parse_today(const std::string& text, const char* command, engine::Date& out);
// Evaluates; an evaluation error is printed as a diagnostic and nullptr returned (exit 65).
std::unique_ptr<engine::Model> evaluate_or_report(Loader& loader, const engine::Program& program,
                                                  const engine::FactBase& facts, const engine::EvalOptions& options);
// Prints an evaluation error as the command's diagnostic.
void report_eval_error(Loader& loader, const engine::EvalError& e);
// 0 when every row is GO, 1 when one is NO-GO, 2 when none is NO-GO and one is UNDETERMINED.
int verdict_exit_code(const std::vector<const engine::PhaseResult*>& rows);
int verdict_exit_code(const std::vector<engine::PhaseCount>& counts);
// The per-phase counts of the phases named by `--phase NAME` (all when none), a phase without
// bindings too (with zeros): `--summary` has a line for every phase asked about.
std::vector<engine::PhaseCount> selected_counts(const engine::Program& program, const engine::Evaluation& evaluation,
                                                const std::vector<std::string>& phases);
// The phases `--phase` names (NAME or NAME(ARGS); all when none), in declaration order.
std::vector<int> selected_phases(const engine::Program& program, const std::vector<std::string>& phases);

}  // namespace phasegate::cli
