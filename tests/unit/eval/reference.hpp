// A naive reference evaluator: every variable ranges over the whole domain, no indexes, no semi-naive.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/eval/evaluate.hpp"
#include "engine/program.hpp"

namespace pgtest {

using namespace phasegate::engine;

struct RefResult {
  // condition tuples that are not false: "name(args)" -> truth
  std::map<std::string, Truth> conditions;
  // "phase(args)" -> verdict, and the truth of its binding
  std::map<std::string, Verdict> verdicts;
  std::map<std::string, Truth> bindings;
};

// Evaluates by brute force over the constants of the program and the facts. Supports what the
// random tests generate: no `_` in atoms, open relations only as lookups or first aggregate generator.
RefResult reference_evaluate(const Program& p, const FactBase& f, Date today);

// The key used in RefResult: `name("a", 2)`, or `name` without arguments.
std::string ref_key(const Program& p, const std::string& name, const std::vector<Constant>& args);

}  // namespace pgtest
