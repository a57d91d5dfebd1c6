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

// For the explanations of many rows of one model: what every row would otherwise find again.
static engine::ExplainOptions options_for_rows(const engine::Model& model, bool counterfactuals) {
  engine::ExplainOptions o = options(counterfactuals);
  o.assumed = assumed_facts_of(model);
  o.expandable = std::make_shared<const std::vector<std::int8_t>>(engine::expandable_relations(model));
  return o;
}

std::vector<std::string> explain_rows(const engine::Model& model, const std::vector<const engine::PhaseResult*>& rows,
                                      bool counterfactuals, unsigned builders) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  if (builders != 1 && !rows.empty()) {
    ExplanationStream stream(model, rows, counterfactuals, builders);
    for (std::size_t i = 0; i < rows.size(); ++i) stream.next(out.emplace_back());
    return out;
  }
  const engine::ExplainOptions o = options_for_rows(model, counterfactuals);
  engine::Explanation e;  // its vectors reused from one row to the next
  for (const auto* row : rows) {
    engine::explain_phase(model, *row, o, e);
    out.push_back(engine::explanation_json_text(model, e));
  }
  return out;
}

namespace {
constexpr std::size_t kBatch = 256;  // rows per batch handed over
constexpr std::size_t kAhead = 8;    // batches built ahead of the writer at most
}  // namespace

ExplanationStream::ExplanationStream(const engine::Model& model, const std::vector<const engine::PhaseResult*>& rows,
                                     bool counterfactuals, unsigned builders)
    : model_(model), rows_(rows), options_(options_for_rows(model, counterfactuals)),
      batches_((rows.size() + kBatch - 1) / kBatch) {
  if (builders == 0) builders = std::max(1u, std::thread::hardware_concurrency());
  // What would it take / what could stop it format their changes through the model and measure their
  // time budget by the clock (time spent waiting on the lock would cut the searches short): one builder.
  if (counterfactuals) builders = 1;
  builders = std::min<unsigned>({builders, kMaxBuilders, static_cast<unsigned>(std::max<std::size_t>(batches_, 1))});
  if (builders > 1) {
    options_.model_lock = &model_lock_;
    model_.facts().index_all();  // the builders read the facts at once, without the lock
  }
  builders_.reserve(builders);
  try {
    for (unsigned i = 0; i < builders; ++i) builders_.emplace_back([this] { build(); });
  } catch (...) {  // no thread to be had: those started finish the work
    if (builders_.empty()) throw;
  }
}

ExplanationStream::~ExplanationStream() {
  quit_.store(true, std::memory_order_relaxed);  // a builder leaves its batch at the next row
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  for (auto& t : builders_) t.join();
}

// A builder claims the next batch (batches are claimed in order, at most kAhead past the one being
// written), builds its trees and turns each into JSON text at once, freeing it before the next is
// built (the next reuses its memory where the allocator keeps it for this thread: a batch of trees
// freed together overflowed that cache, and allocating was a quarter of building).
void ExplanationStream::build() {
  for (;;) {
    std::size_t b = 0;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stop_ || error_ || claimed_ >= batches_ || claimed_ < written_ + kAhead; });
      if (stop_ || error_ || claimed_ >= batches_) return;
      b = claimed_++;
    }
    try {
      std::vector<std::string> batch;
      const std::size_t first = b * kBatch, last = std::min(rows_.size(), first + kBatch);
      batch.reserve(last - first);
      engine::Explanation e;  // its vectors reused from one row to the next
      for (std::size_t i = first; i < last && !quit_.load(std::memory_order_relaxed); ++i) {
        engine::explain_phase(model_, *rows_[i], options_, e);
        batch.push_back(engine::explanation_json_text(model_, e));
      }
      std::lock_guard lock(mutex_);
      ready_.emplace(b, std::move(batch));
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (b < failed_batch_) {
        failed_batch_ = b;
        error_ = std::current_exception();
      }
    }
    changed_.notify_all();
  }
}

void ExplanationStream::next(std::string& out) {
  if (taken_ == current_.size()) {
    std::unique_lock lock(mutex_);
    const std::size_t want = written_;
    if (want >= batches_) throw std::logic_error("ExplanationStream: more explanations asked for than rows");
    // Every batch before the first that failed is claimed before it, so it comes.
    changed_.wait(lock, [&] { return ready_.count(want) != 0 || failed_batch_ == want; });
    if (failed_batch_ == want) std::rethrow_exception(error_);
    auto it = ready_.find(want);
    current_ = std::move(it->second);
    ready_.erase(it);
    ++written_;
    taken_ = 0;
    lock.unlock();
    changed_.notify_all();
  }
  out += current_[taken_];
  std::string().swap(current_[taken_++]);  // written: its memory goes back now, not with the batch
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
