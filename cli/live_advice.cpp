// A held advice brought up to date from the store's newer assertions.
#include "cli/live_advice.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <map>
#include <utility>

#include "cli/common.hpp"

namespace phasegate::cli {

int LiveAdvice::open(const AdviceRequest& request) {
  if (request.facts.db.empty() || !request.facts.known_at.empty() || request.facts.state) {
    std::cerr << "phasegate " << request.command << ": a live advice needs a store (--db) and follows it (no --known-at)\n";
    return kUsage;
  }
  request_ = request;
  request_.keep_file_facts = true;  // the facts files and assumptions win over later store facts too
  request_.eval.facts_fixed = false;  // the model follows the facts as they change (Model::update)
  request_.release_fact_index = false;
  if (int rc = compute_advice(request_, advice_)) return rc;
  last_id_ = advice_.gathered.facts_last_id;
  return kOk;
}

int LiveAdvice::refresh(LiveRefresh* out) {
  LiveRefresh stats;
  const auto& program = advice_.program();
  store::FactUpdates updates;
  try {
    updates = advice_.gathered.db->facts_since(last_id_);
  } catch (const store::StoreError& e) {
    std::cerr << "phasegate: " << e.what() << '\n';
    return e.exit_code();
  }
  stats.assertions = updates.assertions.size();

  // The newest assertion of each fact tuple is the one the store's state now holds.
  std::map<std::pair<std::string, std::string>, const store::StoredFact*> latest;
  for (const auto& f : updates.assertions) latest[{f.name, f.args_text}] = &f;
  Loader loader;  // one per refresh: its sources hold this refresh's lines only
  engine::FactBaseBuilder set_builder(program), removed_builder(program);
  bool ok = true;
  for (const auto& [key, f] : latest) {
    if (!program.declares_fact(f->name)) {
      ++stats.skipped;
      continue;
    }
    auto& builder = f->kind == store::AssertionKind::retraction ? removed_builder : set_builder;
    ok = add_store_fact(loader, program, *f, builder) && ok;
  }
  if (!ok) {
    loader.print_diagnostics();
    return kBadInput;
  }
  const engine::FactBase set = std::move(set_builder).build();
  const engine::FactBase removed = std::move(removed_builder).build();

  std::vector<engine::ChangedFact> changes;
  for (std::size_t r = 0; r < set.relations(); ++r) {
    const int rel = static_cast<int>(r);
    for (std::size_t i = 0; i < set.size(rel); ++i) {
      engine::FactEntry entry = set.entry(rel, i);
      if (advice_.file_facts.find(rel, entry.args)) {
        ++stats.skipped;
        continue;
      }
      changes.push_back({rel, entry.args});
      advice_.facts.set(rel, entry);
    }
    for (std::size_t i = 0; i < removed.size(rel); ++i) {
      std::vector<engine::Constant> args = removed.args(rel, i);
      if (advice_.file_facts.find(rel, args)) {
        ++stats.skipped;
        continue;
      }
      if (advice_.facts.erase(rel, args)) changes.push_back({rel, std::move(args)});
    }
  }
  last_id_ = updates.last_id;
  if (!updates.latest.empty()) advice_.gathered.facts_known_at = updates.latest;
  stats.changed = changes.size();
  if (out) *out = stats;
  if (changes.empty()) return kOk;

  auto outcome = advice_.model->update(changes);
  if (out) out->stats = outcome.stats;
  spdlog::info("live advice: {} assertion(s), {} fact(s) changed, {} binding(s) evaluated again{}", stats.assertions,
               stats.changed, outcome.stats.bindings_reevaluated, outcome.stats.full ? " (everything again)" : "");
  advice_.rows.clear();
  if (outcome.error) {
    report_eval_error(loader, *outcome.error);
    return kBadInput;
  }
  std::string error;
  if (!selected_rows(program, advice_.model->evaluation(), advice_.selection, advice_.rows, error)) {
    std::cerr << "phasegate " << request_.command << ": " << error << '\n';
    return kUsage;
  }
  return kOk;
}

}  // namespace phasegate::cli
