// Explanations for advice rows through the explainer of engine/explain.
#include "cli/explain_hook.hpp"

#include "engine/explain/explain.hpp"

#include <algorithm>
#include <stdexcept>

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
  o.assumed = assumed_facts_of(model);  // once for all rows
  for (const auto* row : rows)
    out.push_back(engine::explanation_json_text(model, engine::explain_phase(model, *row, o)));
  return out;
}

namespace {
constexpr std::size_t kBatch = 256;   // rows per batch handed over
constexpr std::size_t kAhead = 8;     // batches built ahead of the writer at most
}  // namespace

ExplanationStream::ExplanationStream(const engine::Model& model, const std::vector<const engine::PhaseResult*>& rows,
                                     bool counterfactuals)
    : model_(model), rows_(rows), counterfactuals_(counterfactuals), builder_([this] { build(); }) {}

ExplanationStream::~ExplanationStream() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  builder_.join();
}

void ExplanationStream::build() {
  try {
    auto o = options(counterfactuals_);
    o.assumed = assumed_facts_of(model_);  // once for all rows
    for (std::size_t first = 0; first < rows_.size(); first += kBatch) {
      // Each tree is written as JSON text and freed at once, before the next is built: the next
      // reuses its memory where the allocator keeps it for this thread (a batch of trees freed
      // together overflowed that cache, and allocating was a quarter of building).
      std::vector<std::string> batch;
      batch.reserve(std::min(kBatch, rows_.size() - first));
      for (std::size_t i = first; i < rows_.size() && i < first + kBatch; ++i)
        batch.push_back(engine::explanation_json_text(model_, engine::explain_phase(model_, *rows_[i], o)));
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stop_ || ready_.size() < kAhead; });
      if (stop_) return;
      ready_.push_back(std::move(batch));
      lock.unlock();
      changed_.notify_all();
    }
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
  }
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  changed_.notify_all();
}

void ExplanationStream::next(std::string& out) {
  if (taken_ == current_.size()) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !ready_.empty() || done_; });
    if (ready_.empty()) {
      if (error_) std::rethrow_exception(error_);
      throw std::logic_error("ExplanationStream: more explanations asked for than rows");
    }
    current_ = std::move(ready_.front());
    ready_.pop_front();
    taken_ = 0;
    lock.unlock();
    changed_.notify_all();
  }
  out += current_[taken_++];
}

AssumedFacts assumed_facts_of(const engine::Model& model) {
  return std::make_shared<const std::vector<engine::FactRef>>(engine::assumed_facts(model));
}

std::string explanation_text_for(const engine::Model& model, const engine::PhaseResult& row, bool color,
                                 bool counterfactuals, AssumedFacts assumed) {
  auto o = options(counterfactuals);
  o.assumed = std::move(assumed);
  return engine::explanation_text(model, engine::explain_phase(model, row, o), color);
}

std::string explanation_markdown_for(const engine::Model& model, const engine::PhaseResult& row,
                                     bool counterfactuals, AssumedFacts assumed) {
  auto o = options(counterfactuals);
  o.assumed = std::move(assumed);
  return engine::explanation_markdown(model, engine::explain_phase(model, row, o));
}

}  // namespace phasegate::cli
