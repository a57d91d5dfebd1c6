// Replay: the stored ruleset text and fact snapshot evaluated again, exactly as `advise` did.
#include "cli/replay.hpp"

#include "engine/calendar.hpp"

namespace phasegate::cli {

std::unique_ptr<Replay> replay_decision(const store::Decision& d) {
  auto r = std::make_unique<Replay>();
  std::vector<std::pair<std::string, std::string>> texts;
  for (const auto& f : d.rules_files) texts.emplace_back(f.path, f.text);
  r->rules = r->loader.load_rules_texts(texts);
  auto fail = [&](const std::string& what) {
    r->loader.diagnostics().sort_and_dedupe();
    throw std::runtime_error(what + "\n" + render_text(r->loader.diagnostics(), r->loader.sources()));
  };
  if (!r->rules) fail("the stored ruleset no longer checks");
  const auto& program = r->rules->program;
  engine::FactBaseBuilder builder(program);
  std::size_t i = 0;
  for (const auto& f : d.facts) {
    engine::FactOrigin origin;
    origin.file = f.file;
    origin.line = f.line;
    origin.source = f.source;
    if (auto day = engine::parse_iso_date(f.as_of)) origin.as_of = engine::Date{*day};
    origin.recorded_by = f.recorded_by;
    origin.recorded_at = f.recorded_at;
    origin.record_id = f.record_id;
    origin.assumption = f.assumption;
    if (!r->loader.add_line(program, "snapshot#" + std::to_string(++i), f.fact_text(), origin, builder))
      fail("the stored fact snapshot no longer loads");
  }
  r->facts = std::move(builder).build();
  engine::EvalOptions eo;
  auto today = engine::parse_iso_date(d.today);
  if (!today) throw std::runtime_error("the stored date `" + d.today + "` is not a date");
  eo.today.days = *today;
  std::vector<std::string> specs;
  if (d.options.is_object() && d.options.contains("phases"))
    for (const auto& p : d.options["phases"]) specs.push_back(p.get<std::string>());
  if (!specs.empty()) eo.phases = selected_phases(program, specs);  // as advise evaluated them
  auto outcome = engine::evaluate_model(program, r->facts, eo);
  if (!outcome.model) throw std::runtime_error("evaluation failed: " + (outcome.error ? outcome.error->message : ""));
  r->model = std::move(outcome.model);
  PhaseSelection sel;
  std::string error;
  if (!select_phases(program, specs, sel, error) ||
      !selected_rows(program, r->model->evaluation(), sel, r->rows, error))
    throw std::runtime_error(error);
  return r;
}

nlohmann::json replay_verdicts(const store::Decision& d) {
  auto r = replay_decision(d);
  return verdicts_json(r->rules->program, r->rows);
}

}  // namespace phasegate::cli
