// Explanations for advice rows through the explainer of engine/explain.
#include "cli/explain_hook.hpp"

#include "engine/explain/explain.hpp"

namespace phasegate::cli {

static engine::ExplainOptions options(bool counterfactuals) {
  engine::ExplainOptions o;
  o.counterfactuals = counterfactuals;
  return o;
}

std::vector<std::string> explain_rows(const engine::Model& model, const std::vector<const engine::PhaseResult*>& rows,
                                      bool counterfactuals) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  auto o = options(counterfactuals);
  for (const auto* row : rows)
    out.push_back(engine::explanation_json_text(model, engine::explain_phase(model, *row, o)));
  return out;
}

std::string explanation_text_for(const engine::Model& model, const engine::PhaseResult& row, bool color,
                                 bool counterfactuals) {
  return engine::explanation_text(model, engine::explain_phase(model, row, options(counterfactuals)), color);
}

std::string explanation_markdown_for(const engine::Model& model, const engine::PhaseResult& row,
                                     bool counterfactuals) {
  return engine::explanation_markdown(model, engine::explain_phase(model, row, options(counterfactuals)));
}

}  // namespace phasegate::cli
