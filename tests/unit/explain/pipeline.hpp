// Test helper: rules + facts files -> checked program, facts, model (the pipeline the CLI runs).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/check/check.hpp"
#include "engine/eval/model.hpp"
#include "grammar/diagnostics.hpp"

namespace phasegate::test {

struct Loaded {
  std::string error;  // rendered diagnostics when something failed
  std::unique_ptr<engine::Program> program;
  std::unique_ptr<engine::FactBase> facts;
  engine::EvalOptions eval;
  std::unique_ptr<engine::Model> model;
};

// Paths relative to the current directory; assumptions are facts lines (`x = 3`) marked as `--assume`.
Loaded load(const std::string& rules, const std::vector<std::string>& facts, const std::vector<std::string>& assume,
            const std::string& today);
// Re-evaluates a program with other facts (the caller keeps `facts` alive as long as the model).
std::unique_ptr<engine::Model> evaluate_with(const Loaded& l, const engine::FactBase& facts);
// The row of a phase binding written `name` or `name("arg", 2)`; nullptr when absent.
const engine::PhaseResult* find_row(const engine::Model& model, const std::string& phase);

}  // namespace phasegate::test
