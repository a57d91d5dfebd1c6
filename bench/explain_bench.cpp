// Explanations, in process: a ruleset and its facts evaluated once, then the why tree of every phase
// binding built (engine::explain_phase, as `advise --explain` does) and written as JSON text, on one
// thread, timed apart per phase so that the cost of a tree can be followed phase by phase.
//
// usage: explain_bench RULES_FILE FACTS_FILE [ROUNDS]   (default 3 rounds; the median is printed)
// Prints, per phase: bindings, mean nodes per tree, and per binding the time to build the tree, to
// write it as JSON and its size; then the evaluation time for comparison.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/load.hpp"
#include "engine/eval/model.hpp"
#include "engine/explain/explain.hpp"

using namespace phasegate;
using Clock = std::chrono::steady_clock;

namespace {
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fputs("usage: explain_bench RULES_FILE FACTS_FILE [ROUNDS]\n", stderr);
    return 64;
  }
  const int rounds = argc > 3 ? std::max(1, std::stoi(argv[3])) : 3;
  bench::Loaded loaded;
  if (!bench::load(argv[1], argv[2], loaded)) return 65;
  const auto& program = loaded.program;
  engine::FactBase& facts = *loaded.facts;
  auto t = Clock::now();
  auto outcome = engine::evaluate_model(*program, facts, engine::EvalOptions{});
  if (!outcome.model) {
    std::fputs("explain_bench: the evaluation failed\n", stderr);
    return 70;
  }
  const double eval_s = seconds_since(t);
  const engine::Model& model = *outcome.model;
  const auto& rows = model.evaluation().phases;

  engine::ExplainOptions o;
  o.counterfactuals = false;
  o.assumed = std::make_shared<const std::vector<engine::FactRef>>(engine::assumed_facts(model));
  o.expandable = std::make_shared<const std::vector<std::int8_t>>(engine::expandable_relations(model));
  struct PerPhase {
    std::size_t bindings = 0, nodes = 0, bytes = 0;
    std::vector<double> build_s, write_s;
  };
  std::vector<PerPhase> per(program->phases.size());
  for (int round = 0; round < rounds; ++round) {
    std::vector<double> build(per.size(), 0), write(per.size(), 0);
    for (auto& p : per) p.bindings = p.nodes = p.bytes = 0;
    engine::Explanation e;  // reused, as advise --explain does
    for (const auto& row : rows) {
      auto& p = per[static_cast<std::size_t>(row.phase)];
      auto t0 = Clock::now();
      engine::explain_phase(model, row, o, e);
      auto t1 = Clock::now();
      std::string text = engine::explanation_json_text(model, e);
      auto t2 = Clock::now();
      build[static_cast<std::size_t>(row.phase)] += std::chrono::duration<double>(t1 - t0).count();
      write[static_cast<std::size_t>(row.phase)] += std::chrono::duration<double>(t2 - t1).count();
      ++p.bindings;
      p.nodes += e.nodes.size();
      p.bytes += text.size();
    }
    for (std::size_t i = 0; i < per.size(); ++i) {
      per[i].build_s.push_back(build[i]);
      per[i].write_s.push_back(write[i]);
    }
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  double total_build = 0, total_write = 0;
  std::printf("%-16s %9s %7s %12s %12s %9s\n", "phase", "bindings", "nodes", "build us", "write us", "bytes");
  for (std::size_t i = 0; i < per.size(); ++i) {
    const auto& p = per[i];
    if (p.bindings == 0) continue;
    const double n = static_cast<double>(p.bindings), b = median(p.build_s), w = median(p.write_s);
    total_build += b;
    total_write += w;
    std::printf("%-16s %9zu %7.1f %12.2f %12.2f %9.0f\n", program->phases[i].name.c_str(), p.bindings,
                static_cast<double>(p.nodes) / n, b / n * 1e6, w / n * 1e6, static_cast<double>(p.bytes) / n);
  }
  std::printf("all %zu bindings: build %.3f s, write %.3f s (median of %d rounds, one thread); evaluation %.3f s\n",
              rows.size(), total_build, total_write, rounds, eval_s);
  return 0;
}
