// Phase selection, the verdicts array and the fact snapshot shared by `advise` and the audit replay.
#include <cstdio>
#include "cli/advice.hpp"

#include <algorithm>
#include <climits>
#include <iostream>

#include "cli/common.hpp"
#include "cli/reasons.hpp"
#include "engine/calendar.hpp"
#include "engine/check/check.hpp"
#include "engine/explain/explain.hpp"
#include "grammar/lexer.hpp"
#include "grammar/diagnostics.hpp"
#include "store/store.hpp"

namespace phasegate::cli {

// "handover( \"Rafah\" )" -> "handover(\"Rafah\")": spaces outside quotes dropped, one after each comma.
std::string normalise_key(const std::string& s) {
  std::string out, token;
  bool quoted = false;
  // An argument outside quotes that is a number is written one way (`2.0`, `2`, `+2` are `2`;
  // `1500` and `1_500` are one number), as the facts compare numbers by value.
  auto flush = [&] {
    std::string digits;
    for (char c : token)
      if (c != '_') digits += c;
    auto d = engine::Decimal::parse(digits);
    out += d && !token.empty() ? d->to_source() : token;
    token.clear();
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      out += c;
      if (c == '\\' && i + 1 < s.size()) out += s[++i];
      else if (c == '"') quoted = false;
      continue;
    }
    if (c == ' ' || c == '\t') continue;
    if (c == '"' || c == '(' || c == ',' || c == ')') {
      flush();
      out += c;
      if (c == '"') quoted = true;
      if (c == ',') out += ' ';
      continue;
    }
    token += c;
  }
  flush();
  return out;
}

bool parse_today(const std::string& text, const char* command, engine::Date& out) {
  if (text.empty()) {
    out.days = engine::today_local();
    return true;
  }
  if (auto d = engine::parse_iso_date(text)) {
    out.days = *d;
    return true;
  }
  // Written YYYY-MM-DD but not a day of the calendar (`2026-02-30`): say which part is wrong, as the
  // parser does for a date in a file.
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (text.size() == 10 && std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && text[4] == '-' &&
      text[7] == '-') {
    const std::string why = grammar::invalid_date_reason(y, m);
    std::cerr << "phasegate " << command << ": --today: `" << text << "` is not a valid date: " << why << "\n";
    return false;
  }
  std::cerr << "phasegate " << command << ": --today wants a date as YYYY-MM-DD, not `" << text << "`\n";
  return false;
}

std::unique_ptr<engine::Model> evaluate_or_report(Loader& loader, const engine::Program& program,
                                                  const engine::FactBase& facts, const engine::EvalOptions& options) {
  auto outcome = engine::evaluate_model(program, facts, options);
  if (outcome.model) return std::move(outcome.model);
  report_eval_error(loader, outcome.error.value_or(engine::EvalError{"evaluation failed", {}, "E0900"}));
  return nullptr;
}

void report_eval_error(Loader& loader, const engine::EvalError& e) {
  // A limit has no place in the rules: the diagnostic is the command's ("phasegate: error[E0905]: ...").
  const std::string where = e.pos.file.empty() ? "phasegate" : e.pos.file;
  loader.diagnostics().error(e.code, syntax::Position{where, e.pos.line, e.pos.column, 0}, e.message);
  loader.print_diagnostics();
}

int verdict_exit_code(const std::vector<engine::PhaseCount>& counts) {
  bool any_no_go = false, any_undetermined = false;
  for (const auto& c : counts) {
    any_no_go = any_no_go || c.no_go > 0;
    any_undetermined = any_undetermined || c.undetermined > 0;
  }
  return any_no_go ? kNoGo : any_undetermined ? kUndetermined : kOk;
}

namespace {
// The phase a `--phase` spec (NAME or NAME(ARGS)) names; select_phases refuses one that names none.
std::string spec_phase_name(const std::string& spec) {
  std::string name = spec.substr(0, spec.find('('));
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
  return name;
}

// Whether `--phase` specs name the phase (every phase when there are none).
bool phase_wanted(const std::vector<std::string>& specs, const std::string& name) {
  return specs.empty() || std::any_of(specs.begin(), specs.end(),
                                      [&](const std::string& spec) { return spec_phase_name(spec) == name; });
}
}  // namespace

std::vector<engine::PhaseCount> selected_counts(const engine::Program& program, const engine::Evaluation& evaluation,
                                                const std::vector<std::string>& phases) {
  std::vector<engine::PhaseCount> out;
  for (const auto& c : evaluation.counts)
    if (phase_wanted(phases, program.phases[static_cast<std::size_t>(c.phase)].name)) out.push_back(c);
  return out;
}

std::vector<int> selected_phases(const engine::Program& program, const std::vector<std::string>& phases) {
  std::vector<int> out;
  for (std::size_t i = 0; i < program.phases.size(); ++i)
    if (phase_wanted(phases, program.phases[i].name)) out.push_back(static_cast<int>(i));
  return out;
}

int verdict_exit_code(const std::vector<const engine::PhaseResult*>& rows) {
  bool any_no_go = false, any_undetermined = false;
  for (const auto* row : rows) {
    any_no_go = any_no_go || row->verdict == engine::Verdict::no_go;
    any_undetermined = any_undetermined || row->verdict == engine::Verdict::undetermined;
  }
  return any_no_go ? kNoGo : any_undetermined ? kUndetermined : kOk;
}

bool select_phases(const engine::Program& program, const std::vector<std::string>& specs, PhaseSelection& out,
                   std::string& error) {
  for (const auto& spec : specs) {
    const std::string name = spec_phase_name(spec);
    int id = program.find_phase(name);
    if (id < 0) {
      std::vector<std::string> names;
      for (const auto& p : program.phases) names.push_back(p.name);
      std::string near = nearest_name(name, names);
      error = "no phase `" + name + "` in ruleset " + program.name;
      if (!near.empty()) error += "; did you mean `" + near + "`?";
      return false;
    }
    if (spec.find('(') == std::string::npos) {
      out.wanted.emplace_back(id, "");
      continue;
    }
    // `NAME(ARGS)`: as many arguments as the phase has parameters, and nothing after the `)`.
    const std::string key = normalise_key(spec);
    std::size_t args = 0, depth = 0;
    bool quoted = false, closed = false, any = false;
    for (std::size_t i = key.find('('); i < key.size(); ++i) {
      const char c = key[i];
      if (closed) {
        error = "unexpected `" + key.substr(i) + "` after `" + key.substr(0, i) + "` in --phase";
        return false;
      }
      if (quoted) {
        if (c == '\\') ++i;
        else if (c == '"') quoted = false;
        continue;
      }
      if (c == '"') quoted = true;
      if (c == '(') ++depth;
      else if (c == ')') closed = --depth == 0;
      else if (c == ',' && depth == 1) ++args;
      else if (depth == 1) any = true;
      if (c == '"') any = true;
    }
    if (!closed) {
      error = std::string(quoted ? "an unclosed quote" : "no closing `)`") + " in --phase `" + spec +
              "` (write NAME or NAME(ARG, ...))";
      return false;
    }
    if (any) ++args;
    const std::size_t params = program.phases[static_cast<std::size_t>(id)].params.size();
    if (args != params) {
      error = "phase `" + name + "` takes " + std::to_string(params) + " argument(s), not " + std::to_string(args);
      return false;
    }
    out.wanted.emplace_back(id, params == 0 ? "" : key);  // `phase1()` is `phase1`
  }
  return true;
}

bool selected_rows(const engine::Program& program, const engine::Evaluation& evaluation, const PhaseSelection& sel,
                   std::vector<const engine::PhaseResult*>& rows, std::string& error) {
  std::vector<bool> found(sel.wanted.size(), false);
  for (const auto& row : evaluation.phases) {
    if (sel.empty()) {
      rows.push_back(&row);
      continue;
    }
    std::string key;
    bool take = false;
    for (std::size_t i = 0; i < sel.wanted.size(); ++i) {
      const auto& [id, want] = sel.wanted[i];
      if (id != row.phase) continue;
      if (!want.empty()) {
        if (key.empty()) key = normalise_key(phase_key(program, row));
        if (key != want) continue;
      }
      found[i] = true;
      take = true;
    }
    if (take) rows.push_back(&row);
  }
  for (std::size_t i = 0; i < sel.wanted.size(); ++i)
    if (!sel.wanted[i].second.empty() && !found[i]) {
      error = "phase " + sel.wanted[i].second + " has no such binding";
      return false;
    }
  return true;
}

void write_verdict_members(engine::JsonOut& out, const engine::Program& p, const engine::PhaseResult& row) {
  const auto& phase = p.phases[static_cast<std::size_t>(row.phase)];
  // Keys in the order of CLI.md's example (phase, args, title, verdict, reasons, unknowns), then the
  // waivers that applied.
  out.member("phase", phase.name);
  out.key("args");
  out.begin_array();
  for (const auto& a : row.args) out.raw(engine::constant_json_text(p, a));
  out.end_array();
  out.member("title", phase.title);
  out.member("verdict", engine::to_string(row.verdict));
  out.key("reasons");
  out.begin_array();
  for (const auto& reason : reasons_for(p, row)) {
    out.begin_object();
    out.member("label", reason.label);
    out.member("kind", reason.kind);
    out.member("value", engine::to_string(reason.value));
    out.member("text", reason.text);
    out.member("because", reason.because);
    if (!reason.cite.empty()) {
      out.member("cite", reason.cite);
    }
    if (!reason.waived_by.empty()) {
      out.member("waivable_by", reason.waived_by);
    }
    out.end_object();
  }
  out.end_array();
  out.key("unknowns");
  out.begin_array();
  for (const auto& u : row.unknowns) out.string(u);
  out.end_array();
  auto waived = waivers_applied(p, row);
  if (!waived.empty()) {
    out.key("waived");
    out.begin_array();
    for (const auto& w : waived) {
      out.begin_object();
      out.member("label", w.label);
      out.member("when", w.text);
      out.member("because", w.because);
      out.end_object();
    }
    out.end_array();
  }
}

nlohmann::json verdicts_json(const engine::Program& p, const std::vector<const engine::PhaseResult*>& rows) {
  std::string text;
  engine::JsonOut out(text);
  out.begin_array();
  for (const auto* row : rows) {
    out.begin_object();
    write_verdict_members(out, p, *row);
    out.end_object();
  }
  out.end_array();
  return nlohmann::json::parse(text);
}

std::string args_text(const engine::Program& program, const std::vector<engine::Constant>& args) {
  std::string out = "(";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i) out += ", ";
    out += engine::format_constant(program, args[i]);
  }
  return out + ")";
}

std::vector<store::SnapshotFact> snapshot(const engine::Program& program, const engine::FactBase& facts) {
  std::vector<store::SnapshotFact> out;
  for (std::size_t rel = 0; rel < facts.relations() && rel < program.relations.size(); ++rel) {
    const auto& relation = program.relations[rel];
    for (std::size_t i = 0; i < facts.size(static_cast<int>(rel)); ++i) {
      const engine::FactEntry entry = facts.entry(static_cast<int>(rel), i);
      store::SnapshotFact f;
      f.name = relation.name;
      f.args_text = relation.param_names.empty() ? "" : args_text(program, entry.args);
      if (entry.value) f.value_text = engine::format_constant(program, *entry.value);
      f.source = entry.origin.source;
      if (entry.origin.as_of) f.as_of = engine::format_iso_date(entry.origin.as_of->days);
      f.file = entry.origin.file;
      f.line = entry.origin.line;
      f.recorded_by = entry.origin.recorded_by;
      f.recorded_at = entry.origin.recorded_at;
      f.record_id = entry.origin.record_id;
      f.assumption = entry.origin.assumption;
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace phasegate::cli
