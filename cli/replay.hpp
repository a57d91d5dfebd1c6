// Replaying a recorded decision from its stored rules texts and fact snapshot.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/advice.hpp"
#include "cli/load.hpp"
#include "engine/eval/model.hpp"
#include "store/store.hpp"

namespace phasegate::cli {

// Everything a replay needs to stay alive while its model is read.
struct Replay {
  Loader loader;
  std::optional<LoadedRules> rules;
  engine::FactBase facts;
  std::unique_ptr<engine::Model> model;
  std::vector<const engine::PhaseResult*> rows;
};

// Re-evaluates the decision; throws std::runtime_error with the reason when it cannot.
std::unique_ptr<Replay> replay_decision(const store::Decision& d);
// The verdicts the replay gives, in the shape the log stores.
nlohmann::json replay_verdicts(const store::Decision& d);

}  // namespace phasegate::cli
