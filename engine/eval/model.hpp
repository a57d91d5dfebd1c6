// The evaluated model: every relation's tuples with their truth, and three-valued evaluation of any
// expression of the program under a binding — what evaluate() and the explainer both read.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/eval/evaluate.hpp"
#include "engine/eval/value.hpp"
#include "engine/program.hpp"

namespace phasegate::engine {

// Values of a frame's variable slots (a Rule's or a Phase's var_names); nullopt: unbound.
using Binding = std::vector<std::optional<Constant>>;

// One tuple of a relation that matches an atom, with its truth (and value, for a valued fact).
struct TupleTruth {
  std::vector<Constant> args;
  Truth truth = Truth::false_;
  Value value;          // valued facts: the tuple's value; otherwise Value::of_truth(truth)
  // Facts: the entry's index in the FactBase (FactBase::entry); -1 for derived tuples. After an
  // update that erased an earlier entry it may point past the tuple: check the entry's arguments
  // (or FactBase::find them).
  int fact_entry = -1;
};

// One way a condition tuple is derived: a full binding of the rule's frame and the body's value.
struct Derivation {
  int rule = -1;
  Binding binding;
  Truth truth = Truth::false_;
};

// A tuple of a fact relation whose entry was set or erased, in place, in the FactBase a model reads.
struct ChangedFact {
  int relation = -1;
  std::vector<Constant> args;
};

// What an update re-evaluated.
struct UpdateStats {
  bool full = false;                  // everything again (see Model::update for when)
  std::size_t strata_skipped = 0;     // strata no changed tuple reaches
  std::size_t strata_keyed = 0;       // strata updated tuple by tuple
  std::size_t strata_recomputed = 0;  // strata evaluated again whole (recursive ones, or no key to follow)
  std::size_t tuples_rederived = 0;   // condition tuples whose truth was derived again
  std::size_t phases_skipped = 0, phases_keyed = 0, phases_recomputed = 0;
  std::size_t bindings_reevaluated = 0;  // phase bindings whose verdict was computed again
};

struct UpdateOutcome {
  UpdateStats stats;
  std::optional<EvalError> error;  // a limit or runtime error stopped it (the model is then stale)
};

class Model {
 public:
  struct Impl;
  explicit Model(std::unique_ptr<Impl> impl);
  ~Model();
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;

  // The program and facts evaluated (they must outlive the model).
  const Program& program() const;
  const FactBase& facts() const;
  const EvalOptions& options() const;
  // The verdicts (what evaluate() returns).
  const Evaluation& evaluation() const;

  // (a) The truth of a tuple of any relation: facts by their listing, open/closed rules and
  // values; conditions as derived (true, unknown, or false when not derivable).
  Truth truth(int relation, const std::vector<Constant>& args) const;
  // The value of a tuple of a valued fact (Value::none() for an unlisted tuple of a closed relation).
  Value value(int relation, const std::vector<Constant>& args) const;

  // (b) The three-valued value of an expression of the program under a binding of its frame.
  // Returns Value::none() and sets *error on a runtime error (division by zero, overflow).
  Value eval(ExprId expr, const Binding& binding, EvalError* error = nullptr) const;

  // (c) The tuples (listed or derived, of any truth but false) matching an atom/atom_value
  // expression under a binding: bound variables and constants filter, the rest range. match,
  // derivations and solutions list in a canonical order (by arguments, by rule then binding; constants
  // compared by constant_less), not in the order facts were given or tuples derived: explanations
  // read them, and must not depend on how the model came to be (evaluated once, or updated).
  std::vector<TupleTruth> match(ExprId atom, const Binding& binding) const;

  // Every tuple of a relation that is not false (listed facts, derived conditions), in table order.
  std::vector<TupleTruth> tuples(int relation) const;

  // The bindings of a condition's rules that derive the tuple `args` (body true or unknown); with
  // `attempts`, also those whose generators hold but whose body is false (why a false tuple is not
  // derived: `road("C", "D")` listed, `not closed("C", "D")` false).
  std::vector<Derivation> derivations(int relation, const std::vector<Constant>& args, bool attempts = false) const;
  // The bindings of a Body (a `for each`, a rule body) consistent with a partial binding, with the body's value
  // (only those not false).
  std::vector<std::pair<Binding, Truth>> solutions(const Body& body, const Binding& binding) const;

  // Brings the model up to date after the facts it reads were changed in place (FactBase::set and
  // FactBase::erase on the same FactBase), `changes` naming every tuple set or erased. Only what
  // depends on them is evaluated again: strata that read none of the changed relations are kept;
  // in the others, the condition tuples that share a key with a changed tuple are derived again (a
  // stratum whose rules are recursive, or whose rule joins the changed tuple on no column of its
  // head, is evaluated again whole); then the phase bindings that share parameters with a changed
  // tuple, or wait on a binding that changed. The result is what evaluate_model would give on the
  // changed facts (tests/unit/eval/incremental_test.cpp checks it on random change sequences).
  // Everything is evaluated again when the model keeps counts only (EvalOptions::results false), when
  // a condition holds an uncertain value (`VAR = EXPR` with EXPR unknown), or after a failed update.
  // Throws std::invalid_argument for a change that names no fact relation or has the wrong arity.
  UpdateOutcome update(const std::vector<ChangedFact>& changes);

  // `name("arg", 2)` (or `name` for a scalar).
  std::string format_tuple(int relation, const std::vector<Constant>& args) const;

 private:
  std::unique_ptr<Impl> impl_;
};

struct ModelOutcome {
  std::unique_ptr<Model> model;
  std::optional<EvalError> error;
};

// Evaluates the program on the facts (conditions stratum by stratum, then the phases).
ModelOutcome evaluate_model(const Program& program, const FactBase& facts, const EvalOptions& options);

// A total order on constants (by kind, then value) for deterministic output.
bool constant_less(const Constant& a, const Constant& b);

}  // namespace phasegate::engine
