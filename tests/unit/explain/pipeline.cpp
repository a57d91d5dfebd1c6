// Test helper: runs the parser, the checker and the evaluator like the CLI does.
#include "tests/unit/explain/pipeline.hpp"

#include "engine/calendar.hpp"
#include "engine/eval/value.hpp"
#include "grammar/parse.hpp"

namespace phasegate::test {

Loaded load(const std::string& rules, const std::vector<std::string>& facts, const std::vector<std::string>& assume,
            const std::string& today) {
  Loaded l;
  SourceMap sources;
  Diagnostics diags;
  syntax::Ruleset rs = read_ruleset(rules, sources, diags);
  if (diags.has_errors()) {
    l.error = render_text(diags, sources);
    return l;
  }
  auto prog = engine::check_ruleset(rs, diags);
  if (!prog || diags.has_errors()) {
    l.error = render_text(diags, sources);
    return l;
  }
  l.program = std::make_unique<engine::Program>(std::move(*prog));
  engine::FactBaseBuilder builder(*l.program);
  for (const std::string& f : facts) {
    syntax::FactsFile ff = read_facts(f, sources, diags);
    if (diags.has_errors() || !builder.add_file(ff, sources, diags)) {
      l.error = render_text(diags, sources);
      return l;
    }
  }
  for (std::size_t i = 0; i < assume.size(); ++i) {  // as the command line gives them: line N for the N-th
    const std::string& a = assume[i];
    auto line = parse_fact_line("--assume", a, diags);
    engine::FactOrigin origin;
    origin.file = "--assume";
    origin.line = static_cast<std::uint32_t>(i + 1);
    origin.assumption = true;
    if (!line || diags.has_errors() || !builder.add_line(*line, origin, diags)) {
      l.error = render_text(diags, sources);
      return l;
    }
  }
  l.facts = std::make_unique<engine::FactBase>(std::move(builder).build());
  auto d = engine::parse_iso_date(today);
  l.eval.today = engine::Date{d ? *d : 0};
  engine::ModelOutcome mo = engine::evaluate_model(*l.program, *l.facts, l.eval);
  if (mo.error) {
    l.error = mo.error->code + ": " + mo.error->message;
    return l;
  }
  l.model = std::move(mo.model);
  return l;
}

std::unique_ptr<engine::Model> evaluate_with(const Loaded& l, const engine::FactBase& facts) {
  engine::ModelOutcome mo = engine::evaluate_model(*l.program, facts, l.eval);
  return std::move(mo.model);
}

const engine::PhaseResult* find_row(const engine::Model& model, const std::string& phase) {
  const engine::Program& p = model.program();
  for (const engine::PhaseResult& r : model.evaluation().phases) {
    std::string s = p.phases[static_cast<std::size_t>(r.phase)].name;
    if (!r.args.empty()) {
      s += "(";
      for (std::size_t k = 0; k < r.args.size(); ++k) s += (k ? ", " : "") + engine::format_constant_text(r.args[k], p);
      s += ")";
    }
    if (s == phase) return &r;
  }
  return nullptr;
}

}  // namespace phasegate::test
