// What a planner reads off one verdict: its reasons, and the phase binding's printed name.
#pragma once

#include <nlohmann/json.hpp>
#include <functional>
#include <string>
#include <vector>

#include "engine/eval/evaluate.hpp"
#include "engine/program.hpp"

namespace phasegate::cli {

// One reason for a NO-GO (the clauses that are false) or an UNDETERMINED (the unknown ones).
struct Reason {
  std::string label;  // requirement label, `#2`, the after-phase's name, or `for each`
  std::string kind;   // "require", "block", "after", "for each"
  engine::Truth value = engine::Truth::false_;
  std::string text;     // the expression as written
  std::string because;  // may be empty
  std::string cite;     // "source id" or "source id, locator"; may be empty
  std::string waived_by;  // require: the waivers that could still meet it (unknown), `b or c`; empty if none
  // The expression's own value: `value` but for a requirement that an unknown waiver leaves
  // unknown (`r` false, `waive ... when w` unknown: value unknown, expr_value false).
  engine::Truth expr_value = engine::Truth::false_;
};

// What a reason says of its expression on one line: "TEXT is false", and for a requirement an
// unknown waiver may still meet, ", unless waived: WAIVER (unknown)". `quote` wraps TEXT (markdown: "`").
// (An `after` reason: "it is NO-GO" or "it is UNDETERMINED".)
std::string reason_statement(const Reason& r, const std::string& quote = "");
// The same with each expression written by `code` (a Markdown code span fit for a table cell).
std::string reason_statement(const Reason& r, const std::function<std::string(const std::string&)>& code);
// The reason's label as the table shows it: `after phase2` for an `after` reason, else its label.
std::string reason_label(const Reason& r);

// Minimal reasons: for NO-GO only what is false, for UNDETERMINED only what is unknown, none for GO.
std::vector<Reason> reasons_for(const engine::Program& program, const engine::PhaseResult& result);

// Requirements met only thanks to a waiver (shown with every verdict they affect).
struct AppliedWaiver {
  std::string label;  // the requirement
  std::string text;   // the waiver's condition
  std::string because;
};
std::vector<AppliedWaiver> waivers_applied(const engine::Program& program, const engine::PhaseResult& result);

// `handover("Rafah")`, `phase1`: how a phase binding is named in output and in `--phase`.
std::string phase_key(const engine::Program& program, const engine::PhaseResult& result);
// An argument as it appears in a phase key: "Rafah" quoted, 5, 2026-03-31, a member name.
std::string format_arg(const engine::Program& program, const engine::Constant& c);

}  // namespace phasegate::cli
