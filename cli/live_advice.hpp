// An advice held open over the fact store: after new imports, only what depends on the facts they
// changed is evaluated again (engine::Model::update), instead of reading and evaluating everything.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cli/advice.hpp"
#include "cli/store_facts.hpp"

namespace phasegate::cli {

// What one refresh read and did.
struct LiveRefresh {
  std::size_t assertions = 0;  // store assertions recorded since the last refresh
  std::size_t changed = 0;     // fact tuples set or removed in the model
  std::size_t skipped = 0;     // not declared by the ruleset, or given by a facts file or --assume (they win)
  engine::UpdateStats stats;   // what the model evaluated again
};

class LiveAdvice {
 public:
  LiveAdvice() = default;
  LiveAdvice(const LiveAdvice&) = delete;
  LiveAdvice& operator=(const LiveAdvice&) = delete;

  // Computes the advice as `advise --db` does: the store's current facts, then the facts files and
  // assumptions of the request over them. The request must name a store and no --known-at (a live
  // advice follows the store). Returns an exit code; diagnostics are printed.
  int open(const AdviceRequest& request);

  // Reads the assertions the store recorded since the last refresh (or open), applies the latest of
  // each fact tuple to the facts (a retraction removes the tuple; a fact a facts file or --assume
  // gives is left as they give it), and brings the model and the rows up to date. The result is
  // what open() would give now (tests/unit/cli/live_advice_test.cpp checks it on random imports).
  // Returns an exit code: 0; 65 (an ill-typed store fact: nothing of this refresh is applied, and
  // the next refresh reads it again; or an evaluation limit: the model is evaluated again whole at
  // the next refresh); 64 (a binding asked for by --phase NAME(ARGS) is gone); 74 (store failure).
  int refresh(LiveRefresh* out = nullptr);

  const Advice& advice() const { return advice_; }
  // The newest store assertion the advice includes.
  std::int64_t last_id() const { return last_id_; }

 private:
  AdviceRequest request_;
  Advice advice_;
  std::int64_t last_id_ = 0;
};

}  // namespace phasegate::cli
