// Explanations for the rows of an advice, in the renderings the CLI offers.
#pragma once

#include <nlohmann/json.hpp>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/eval/evaluate.hpp"
#include "engine/eval/model.hpp"
#include "engine/explain/explain.hpp"

namespace phasegate::cli {

// One explanation per row, as JSON text (written directly: cheap enough for every binding of a
// large phase); `counterfactuals` adds what would it take / what could stop it.
std::vector<std::string> explain_rows(const engine::Model& model, const std::vector<const engine::PhaseResult*>& rows,
                                      bool counterfactuals);
// The explanations of many rows as JSON text, in row order, for a writer that writes each as it comes
// (`advise --explain --format json`): the trees, which read the model, are built and turned into text
// on a second thread a batch ahead while the caller writes them, so the two overlap and only a few
// batches are held at once. The model and rows must not change while the stream lives.
class ExplanationStream {
 public:
  ExplanationStream(const engine::Model& model, const std::vector<const engine::PhaseResult*>& rows,
                    bool counterfactuals);
  ~ExplanationStream();
  ExplanationStream(const ExplanationStream&) = delete;
  ExplanationStream& operator=(const ExplanationStream&) = delete;

  // Appends the next row's explanation (rows in order) to `out`; rethrows what building it threw.
  void next(std::string& out);

 private:
  void build();

  const engine::Model& model_;
  const std::vector<const engine::PhaseResult*>& rows_;
  bool counterfactuals_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<std::string>> ready_;  // built and turned into JSON text, not yet taken
  bool stop_ = false, done_ = false;
  std::exception_ptr error_;
  std::vector<std::string> current_;  // the batch being written
  std::size_t taken_ = 0;                     // of current_
  std::thread builder_;
};

// The facts given by --assume, found once for the explanations of many rows of one model.
using AssumedFacts = std::shared_ptr<const std::vector<engine::FactRef>>;
AssumedFacts assumed_facts_of(const engine::Model& model);

std::string explanation_text_for(const engine::Model& model, const engine::PhaseResult& row, bool color,
                                 bool counterfactuals = false, AssumedFacts assumed = nullptr);
std::string explanation_markdown_for(const engine::Model& model, const engine::PhaseResult& row,
                                     bool counterfactuals = false, AssumedFacts assumed = nullptr);

}  // namespace phasegate::cli
