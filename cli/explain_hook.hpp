// Explanations for the rows of an advice, in the renderings the CLI offers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/eval/evaluate.hpp"
#include "engine/eval/model.hpp"

namespace phasegate::cli {

// One explanation per row, as JSON text (written directly: cheap enough for every binding of a
// large phase); `counterfactuals` adds what would it take / what could stop it.
std::vector<std::string> explain_rows(const engine::Model& model, const std::vector<const engine::PhaseResult*>& rows,
                                      bool counterfactuals);
std::string explanation_text_for(const engine::Model& model, const engine::PhaseResult& row, bool color,
                                 bool counterfactuals = false);
std::string explanation_markdown_for(const engine::Model& model, const engine::PhaseResult& row,
                                     bool counterfactuals = false);

}  // namespace phasegate::cli
