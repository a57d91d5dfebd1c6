// Between the fact store and the engine: store facts into a FactBase, facts files into store assertions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/advice.hpp"
#include "cli/load.hpp"
#include "engine/check/check.hpp"
#include "engine/eval/model.hpp"
#include "store/store.hpp"

namespace phasegate::cli {

// Adds the store's facts (with their provenance) to the builder. Facts the ruleset does not
// declare are skipped (a store may serve several rulesets); ill-typed ones are errors.
// One store assertion (a retraction is added as its tuple with the value `unknown`: the caller
// knows to remove it).
bool add_store_fact(Loader& loader, const engine::Program& program, const store::StoredFact& f,
                    engine::FactBaseBuilder& builder);
bool add_store_facts(Loader& loader, const engine::Program& program, const store::FactState& state,
                     engine::FactBaseBuilder& builder);

// Where the facts of one evaluation come from: the store (with --db), files, assumptions.
struct FactInputs {
  std::vector<std::string> files;
  std::vector<std::string> assume;
  std::string db;        // "" = no store facts
  std::string known_at;  // "" = now
  // When set, the store's facts as already read (by Store::record_decision) instead of reading them.
  const store::FactState* state = nullptr;
};
struct GatheredFacts {
  std::optional<store::Store> db;      // open when facts came from it (or `open_for_record`)
  std::optional<std::string> known_at;  // as given
  std::string facts_known_at;           // the moment the store state is reproducible at
  std::int64_t facts_last_id = 0;       // the newest store assertion read (FactState::last_id)
};
// Store first, then files in order, then assumptions (each overriding the one before). Returns an
// exit code: 0, 64 (bad --known-at), 65 (bad facts), 66 (missing file or store), 74 (store failure);
// diagnostics are printed. `open_for_record` opens (or creates) the default store even without --db.
// With `file_facts`, the files and assumptions go there instead of into `builder` (the caller merges).
int gather_facts(Loader& loader, const engine::Program& program, const FactInputs& in, bool open_for_record,
                 engine::FactBaseBuilder& builder, GatheredFacts& out, engine::FactBase* file_facts = nullptr);

// One advice computed: rules loaded, facts gathered, evaluated, the rows asked about selected.
// The model refers to `rules` and `facts`: an Advice is filled in place and never moved.
struct AdviceRequest {
  const char* command = "advise";  // for messages
  std::vector<std::string> rules;
  std::vector<std::string> phases;
  FactInputs facts;
  bool open_for_record = false;
  engine::EvalOptions eval;
  bool keep_file_facts = false;  // also keep the files' and assumptions' facts apart (Advice::file_facts)
  // Nothing looks facts up by their arguments once evaluated (no explanations, no updates): their
  // hash indexes are freed before the evaluation, which keeps its own.
  bool release_fact_index = false;
};
struct Advice {
  Loader loader;
  std::optional<LoadedRules> rules;
  GatheredFacts gathered;
  engine::FactBase facts;
  engine::FactBase file_facts;  // with keep_file_facts: what the facts files and assumptions give
  std::unique_ptr<engine::Model> model;
  PhaseSelection selection;  // the phases asked for (`--phase`)
  std::vector<const engine::PhaseResult*> rows;
  const engine::Program& program() const { return rules->program; }
};
// 0, or the exit code to return (the diagnostics or the message are already printed).
int compute_advice(const AdviceRequest& request, Advice& out);
// The first steps of compute_advice: reads and checks the rules, then the `--phase` filters; prints
// what is wrong and returns the exit code (kOk when both are fine).
int load_rules_and_phases(Loader& loader, const std::vector<std::string>& rules, const std::vector<std::string>& phases,
                          const char* command, std::optional<LoadedRules>& out, PhaseSelection& selection);

// The assertions of a facts file, as the store keeps them. Without a program the values are
// taken as written (tables need a program: their columns are typed by the declarations).
bool assertions_from_file(Loader& loader, const engine::Program* program, const std::string& path,
                          std::vector<store::FactAssertion>& out, std::string& title);

}  // namespace phasegate::cli
