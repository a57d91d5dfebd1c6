// Phase selection, the verdicts array and the fact snapshot shared by `advise` and the audit replay.
#include "cli/advice.hpp"

#include <iostream>

#include "cli/common.hpp"
#include "cli/reasons.hpp"
#include "engine/calendar.hpp"
#include "engine/check/check.hpp"
#include "grammar/diagnostics.hpp"
#include "store/store.hpp"

namespace phasegate::cli {

// "handover( \"Rafah\" )" -> "handover(\"Rafah\")": spaces outside quotes dropped, one after each comma.
std::string normalise_key(const std::string& s) {
  std::string out;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      out += c;
      if (c == '\\' && i + 1 < s.size()) out += s[++i];
      else if (c == '"') quoted = false;
      continue;
    }
    if (c == '"') quoted = true;
    if (c == ' ' || c == '\t') continue;
    out += c;
    if (c == ',') out += ' ';
  }
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
  std::cerr << "phasegate " << command << ": --today wants a date as YYYY-MM-DD, not `" << text << "`\n";
  return false;
}

std::unique_ptr<engine::Model> evaluate_or_report(Loader& loader, const engine::Program& program,
                                                  const engine::FactBase& facts, const engine::EvalOptions& options) {
  auto outcome = engine::evaluate_model(program, facts, options);
  if (outcome.model) return std::move(outcome.model);
  auto e = outcome.error.value_or(engine::EvalError{"evaluation failed", {}, "E0900"});
  loader.diagnostics().error(e.code, syntax::Position{e.pos.file, e.pos.line, e.pos.column, 0}, e.message);
  loader.print_diagnostics();
  return nullptr;
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
    std::string name = spec.substr(0, spec.find('('));
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    int id = program.find_phase(name);
    if (id < 0) {
      std::vector<std::string> names;
      for (const auto& p : program.phases) names.push_back(p.name);
      std::string near = nearest_name(name, names);
      error = "no phase `" + name + "` in ruleset " + program.name;
      if (!near.empty()) error += "; did you mean `" + near + "`?";
      return false;
    }
    out.wanted.emplace_back(id, spec.find('(') == std::string::npos ? "" : normalise_key(spec));
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

nlohmann::json verdicts_json(const engine::Program& p, const std::vector<const engine::PhaseResult*>& rows) {
  auto phases = nlohmann::json::array();
  for (const auto* rp : rows) {
    const auto& row = *rp;
    const auto& phase = p.phases[static_cast<std::size_t>(row.phase)];
    nlohmann::json e;
    e["phase"] = phase.name;
    auto args = nlohmann::json::array();
    for (const auto& a : row.args) args.push_back(arg_json(p, a));
    e["args"] = args;
    e["title"] = phase.title;
    e["verdict"] = engine::to_string(row.verdict);
    auto reasons = nlohmann::json::array();
    for (const auto& reason : reasons_for(p, row)) {
      nlohmann::json j = {{"label", reason.label},
                          {"kind", reason.kind},
                          {"value", engine::to_string(reason.value)},
                          {"text", reason.text},
                          {"because", reason.because}};
      if (!reason.cite.empty()) j["cite"] = reason.cite;
      if (!reason.waived_by.empty()) j["waivable_by"] = reason.waived_by;
      reasons.push_back(std::move(j));
    }
    e["reasons"] = reasons;
    auto waived = nlohmann::json::array();
    for (const auto& w : waivers_applied(p, row))
      waived.push_back({{"label", w.label}, {"when", w.text}, {"because", w.because}});
    if (!waived.empty()) e["waived"] = waived;
    e["unknowns"] = row.unknowns;
    phases.push_back(std::move(e));
  }
  return phases;
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
