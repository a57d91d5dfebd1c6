// Explanations for the rows of an advice, in the renderings the CLI offers.
#pragma once

#include <nlohmann/json.hpp>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
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
// large phase); `counterfactuals` adds what would it take / what could stop it. Built by an
// ExplanationStream (`builders` threads, 0: one per core); with builders = 1, one after the other on
// the calling thread.
std::vector<std::string> explain_rows(const engine::Model& model, const std::vector<const engine::PhaseResult*>& rows,
                                      bool counterfactuals, unsigned builders = 0);
// The explanations of many rows as JSON text, in row order, for a writer that writes each as it comes
// (`advise --explain --format json`): the trees, which only read the model, are built and turned into
// text in batches on builder threads (one per core the machine offers, at most kMaxBuilders; one
// with counterfactuals, whose searches are timed and format through the model), a few
// batches ahead of the caller, who writes them in row order as they come; only a few batches are held
// at once. The model and rows must not change while the stream lives.
class ExplanationStream {
 public:
  ExplanationStream(const engine::Model& model, const std::vector<const engine::PhaseResult*>& rows,
                    bool counterfactuals, unsigned builders = 0);  // 0: one per core
  ~ExplanationStream();
  ExplanationStream(const ExplanationStream&) = delete;
  ExplanationStream& operator=(const ExplanationStream&) = delete;

  // Appends the next row's explanation (rows in order) to `out`; rethrows what building it threw.
  void next(std::string& out);

  static constexpr unsigned kMaxBuilders = 8;

 private:
  void build();

  const engine::Model& model_;
  const std::vector<const engine::PhaseResult*>& rows_;
  engine::ExplainOptions options_;  // shared by the builders (read only)
  std::mutex model_lock_;           // with several builders: their reads of the model (ExplainOptions::model_lock)
  std::size_t batches_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::size_t, std::vector<std::string>> ready_;  // by batch: built, not yet taken
  std::size_t claimed_ = 0;   // batches handed to a builder
  std::size_t written_ = 0;   // batches taken by the writer
  bool stop_ = false;
  std::atomic<bool> quit_{false};  // stop_, read by the builders between rows without the mutex
  std::size_t failed_batch_ = SIZE_MAX;  // the first batch whose building threw, and what it threw
  std::exception_ptr error_;
  std::vector<std::string> current_;  // the batch being written
  std::size_t taken_ = 0;             // of current_
  std::vector<std::thread> builders_;
};

// The facts given by --assume, found once for the explanations of many rows of one model.
using AssumedFacts = std::shared_ptr<const std::vector<engine::FactRef>>;
AssumedFacts assumed_facts_of(const engine::Model& model);

std::string explanation_text_for(const engine::Model& model, const engine::PhaseResult& row, bool color,
                                 bool counterfactuals = false, AssumedFacts assumed = nullptr);
std::string explanation_markdown_for(const engine::Model& model, const engine::PhaseResult& row,
                                     bool counterfactuals = false, AssumedFacts assumed = nullptr);

}  // namespace phasegate::cli
