// Single-decision benchmark: the shipped ISF ruleset and a briefing's facts, evaluated in process over
// and over (the ruleset and facts are read and checked once, as a service embedding the engine would),
// then evaluated and recorded in a store, one durable transaction per decision.
//
// usage: decision_bench [RULES_FILE] [FACTS_FILE] [DECISIONS] [RECORDED]
// Defaults: rules/isf/isf.rules, examples/isf/2025-11-20-briefing.facts, 100 000 decisions, 1 000 recorded.
// Prints the median, min and max over 5 batches of the time per decision (all phases; then each phase on
// its own, as `advise RULES --phase NAME` evaluates it), and recorded decisions per second.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <unistd.h>
#include <string>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/check/check.hpp"
#include "engine/eval/evaluate.hpp"
#include "grammar/parse.hpp"
#include "store/store.hpp"

#ifndef PHASEGATE_SOURCE_DIR
#define PHASEGATE_SOURCE_DIR "."
#endif

using namespace phasegate;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// What the decision log keeps of an evaluation: the verdict of every phase binding.
nlohmann::json verdicts_of(const engine::Program& program, const engine::Evaluation& e) {
  auto out = nlohmann::json::array();
  for (const auto& row : e.phases) {
    auto args = nlohmann::json::array();
    for (const auto& a : row.args) args.push_back(engine::format_constant(program, a));
    out.push_back({{"phase", program.phases[static_cast<std::size_t>(row.phase)].name},
                   {"args", args},
                   {"verdict", engine::to_string(row.verdict)},
                   {"unknowns", row.unknowns}});
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string root = PHASEGATE_SOURCE_DIR;
  const std::string rules_path = argc > 1 ? argv[1] : root + "/rules/isf/isf.rules";
  const std::string facts_path = argc > 2 ? argv[2] : root + "/examples/isf/2025-11-20-briefing.facts";
  const long decisions = argc > 3 ? std::stol(argv[3]) : 100'000;
  const long recorded = argc > 4 ? std::stol(argv[4]) : 1'000;

  SourceMap sources;
  Diagnostics diags;
  auto parsed = read_ruleset(rules_path, sources, diags);
  std::optional<engine::Program> program;
  if (!diags.has_errors()) program = engine::check_ruleset(parsed, diags, {.warnings = false});
  engine::FactBaseBuilder builder(*program);
  auto facts_file = read_facts(facts_path, sources, diags);
  if (!program || diags.has_errors() || !builder.add_file(facts_file, sources, diags)) {
    std::fputs(render_text(diags, sources).c_str(), stderr);
    return 65;
  }
  const engine::FactBase facts = std::move(builder).build();
  engine::EvalOptions options;
  options.today.days = *engine::parse_iso_date("2026-02-16");

  // In process, the verdict of every phase binding (clauses, unknowns) each time: through an
  // engine::Evaluator, which a service answering decisions keeps (its memory reused from one
  // decision to the next), and through engine::evaluate(), which sets everything up each time.
  std::size_t bindings = 0;
  auto time_decisions = [&](auto&& decide) {
    std::vector<double> per_decision;
    for (int batch = 0; batch < 5; ++batch) {
      auto t = Clock::now();
      for (long i = 0; i < decisions / 5; ++i) bindings = decide();
      per_decision.push_back(seconds_since(t) / static_cast<double>(decisions / 5) * 1e6);
    }
    std::sort(per_decision.begin(), per_decision.end());
    return per_decision;
  };
  engine::Evaluator evaluator(*program);
  auto reused = time_decisions([&] {
    const engine::EvalOutcome& outcome = evaluator.evaluate(facts, options);
    return outcome.evaluation ? outcome.evaluation->phases.size() : 0;
  });
  auto each_time = time_decisions([&] {
    auto outcome = engine::evaluate(*program, facts, options);
    return outcome.evaluation ? outcome.evaluation->phases.size() : 0;
  });
  const std::size_t all_bindings = bindings;
  // A decision on one phase (as `advise RULES --phase NAME`): its own strata only.
  std::vector<double> one_phase;
  for (std::size_t ph = 0; ph < program->phases.size(); ++ph) {
    engine::EvalOptions one = options;
    one.phases = std::vector<int>{static_cast<int>(ph)};
    one_phase.push_back(time_decisions([&] {
      const engine::EvalOutcome& outcome = evaluator.evaluate(facts, one);
      return outcome.evaluation ? outcome.evaluation->phases.size() : 0;
    })[2]);
  }
  std::printf("decision (%s, %zu phase bindings, %zu facts), Evaluator: median %.2f us, min %.2f, max %.2f over 5 x %ld\n",
              program->name.c_str(), all_bindings, facts.total(), reused[2], reused[0], reused[4], decisions / 5);
  std::printf("decision on one phase, Evaluator, median of the phases':");
  for (std::size_t ph = 0; ph < one_phase.size(); ++ph)
    std::printf(" %s %.2f us%s", program->phases[ph].name.c_str(), one_phase[ph], ph + 1 < one_phase.size() ? "," : "\n");
  std::printf("decision, evaluate() (set up each time): median %.2f us, min %.2f, max %.2f (x%.2f the Evaluator)\n",
              each_time[2], each_time[0], each_time[4], each_time[2] / reused[2]);

  // Evaluated and recorded: one transaction per decision, synchronous=FULL (fsync at every commit).
  auto dir = std::filesystem::temp_directory_path() / ("decision_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    auto store = store::Store::open((dir / "bench.db").string(), store::OpenMode::create_if_missing);
    store::DecisionInput in;
    in.actor = "decision_bench";
    in.ruleset_name = program->name;
    in.ruleset_version = program->version;
    in.ruleset_sha256 = std::string(64, '0');
    for (const auto& f : program->files) {
      const std::string* text = sources.text(f);
      in.rules_files.push_back({f, text ? *text : std::string()});
    }
    for (std::size_t r = 0; r < facts.relations(); ++r)
      for (std::size_t i = 0; i < facts.size(static_cast<int>(r)); ++i) {
        store::SnapshotFact sf;
        sf.name = program->relations[r].name;
        auto v = facts.value(static_cast<int>(r), i);
        if (v) sf.value_text = engine::format_constant(*program, *v);
        sf.file = facts_path;
        sf.line = facts.origin(static_cast<int>(r), i).line;
        in.facts.push_back(std::move(sf));
      }
    in.today = "2026-02-16";
    auto t = Clock::now();
    for (long i = 0; i < recorded; ++i) {
      auto outcome = engine::evaluate(*program, facts, options);
      in.verdicts = verdicts_of(*program, *outcome.evaluation);
      store.record_decision(in);
    }
    double s = seconds_since(t);
    std::printf("evaluated and recorded (durable): %ld decisions in %.2f s, %.0f decisions/s\n", recorded, s,
                static_cast<double>(recorded) / s);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
