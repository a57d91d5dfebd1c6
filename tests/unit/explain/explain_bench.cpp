// Measures the cost of explanations against evaluation: explain_bench RULES FACTS... [--json]
// Prints the time to evaluate, to explain every phase binding without counterfactuals, and to render
// them as JSON (what `advise --explain --format json` adds).
#include <chrono>
#include <iostream>

#include "engine/explain/explain.hpp"
#include "tests/unit/explain/pipeline.hpp"

using namespace phasegate;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: explain_bench RULES FACTS...\n";
    return 2;
  }
  std::vector<std::string> facts(argv + 2, argv + argc);
  auto t0 = std::chrono::steady_clock::now();
  test::Loaded l = test::load(argv[1], facts, {}, "2026-11-24");
  if (!l.model) {
    std::cerr << l.error << "\n";
    return 1;
  }
  auto t1 = std::chrono::steady_clock::now();
  auto again = test::evaluate_with(l, *l.facts);
  auto t2 = std::chrono::steady_clock::now();
  engine::ExplainOptions opt;
  opt.counterfactuals = false;
  std::size_t nodes = 0, bytes = 0;
  for (const engine::PhaseResult& row : l.model->evaluation().phases) {
    engine::Explanation e = engine::explain_phase(*l.model, row, opt);
    nodes += e.nodes.size();
  }
  auto t3 = std::chrono::steady_clock::now();
  for (const engine::PhaseResult& row : l.model->evaluation().phases) {
    engine::Explanation e = engine::explain_phase(*l.model, row, opt);
    bytes += engine::explanation_why_json_text(*l.model, e).size();
  }
  auto t4 = std::chrono::steady_clock::now();
  auto s = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::cout << l.model->evaluation().phases.size() << " bindings\n"
            << "load+check+evaluate " << s(t0, t1) << " s\n"
            << "evaluate            " << s(t1, t2) << " s\n"
            << "explain (cheap)     " << s(t2, t3) << " s, " << nodes << " nodes\n"
            << "explain + json      " << s(t3, t4) << " s, " << bytes << " bytes\n";
  return 0;
}
