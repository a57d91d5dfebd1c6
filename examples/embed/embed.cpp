// Embedding phasegate in a C++ program: load a ruleset, load facts, evaluate, read the verdicts.
//
//   embed_example RULES FACTS
//
// The same steps the `phasegate advise` command takes, without the command line: the engine
// library has no I/O of its own besides reading the files you name, and no global state. Then what
// a long-running service does when a fact changes: update the model it holds (Model::update).
#include <iostream>

#include "engine/calendar.hpp"
#include "engine/check/check.hpp"
#include "engine/eval/evaluate.hpp"
#include "engine/eval/model.hpp"
#include "grammar/parse.hpp"

using namespace phasegate;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: embed_example RULES FACTS\n";
    return 64;
  }
  // 1. Read and check the ruleset. Every problem is a diagnostic with a position.
  SourceMap sources;
  Diagnostics diags;
  syntax::Ruleset parsed = read_ruleset(argv[1], sources, diags);
  std::optional<engine::Program> program;
  if (!diags.has_errors()) program = engine::check_ruleset(parsed, diags, {.warnings = false});
  if (!program) {
    std::cerr << render_text(diags, sources);
    return 65;
  }

  // 2. Facts: a facts file, then a value the program sets itself (marked as an assumption).
  engine::FactBaseBuilder builder(*program);
  syntax::FactsFile facts_file = read_facts(argv[2], sources, diags);
  bool ok = !diags.has_errors() && builder.add_file(facts_file, sources, diags);
  engine::FactOrigin assumed;
  assumed.file = "embed_example";
  assumed.assumption = true;
  if (auto line = parse_fact_line("embed_example", "troops_committed(\"Egypt\") = 4_000", diags))
    ok = builder.add_line(*line, assumed, diags) && ok;
  if (!ok) {
    std::cerr << render_text(diags, sources);
    return 65;
  }
  engine::FactBase facts = std::move(builder).build();

  // 3. Evaluate on a given day.
  engine::EvalOptions options;
  options.today.days = *engine::parse_iso_date("2025-11-24");
  engine::EvalOutcome outcome = engine::evaluate(*program, facts, options);
  if (!outcome.evaluation) {
    std::cerr << outcome.error->message << '\n';
    return 65;
  }

  // 4. Read the verdicts: one per phase binding, with the value of each clause.
  for (const engine::PhaseResult& row : outcome.evaluation->phases) {
    const engine::Phase& phase = program->phases[static_cast<std::size_t>(row.phase)];
    std::cout << phase.name;
    if (!row.args.empty()) std::cout << '(' << engine::format_constant(*program, row.args[0]) << (row.args.size() > 1 ? ", ..." : "") << ')';
    std::cout << ": " << engine::to_string(row.verdict) << '\n';
    for (const engine::ClauseResult& clause : row.clauses)
      if (clause.met != engine::Truth::true_)
        std::cout << "    " << phase.clauses[static_cast<std::size_t>(clause.clause)].label << " is "
                  << engine::to_string(clause.met) << '\n';
  }
  std::cout << "(with Egypt at 4 000 troops, assumed)\n";

  // 5. A new report: a service keeps the model and updates it when facts change. Only what depends
  //    on the changed fact is evaluated again (Model::update), with the same result as evaluating anew.
  engine::ModelOutcome held = engine::evaluate_model(*program, facts, options);
  if (!held.model) {
    std::cerr << held.error->message << '\n';
    return 65;
  }
  const int roe = program->find_relation("roe_published");
  engine::FactOrigin reported;
  reported.file = "embed_example";
  reported.source = "ISF command";
  facts.set(roe, engine::FactEntry{{}, engine::Constant{true}, reported});
  engine::UpdateOutcome update = held.model->update({engine::ChangedFact{roe, {}}});
  if (update.error) {
    std::cerr << update.error->message << '\n';
    return 65;
  }
  std::cout << "after roe_published = true: " << update.stats.bindings_reevaluated << " of "
            << held.model->evaluation().phases.size() << " phase bindings evaluated again\n";
  for (const engine::PhaseResult& row : held.model->evaluation().phases) {
    const engine::Phase& phase = program->phases[static_cast<std::size_t>(row.phase)];
    if (phase.name != "phase2") continue;
    std::cout << "phase2: " << engine::to_string(row.verdict) << '\n';
    for (const engine::ClauseResult& clause : row.clauses)
      if (clause.met != engine::Truth::true_)
        std::cout << "    " << phase.clauses[static_cast<std::size_t>(clause.clause)].label << " is "
                  << engine::to_string(clause.met) << '\n';
  }
  return 0;
}
