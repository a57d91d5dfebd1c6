// Explanations of a phase verdict: the why tree, what would it take, what could stop it, which unknowns matter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/eval/evaluate.hpp"
#include "engine/eval/model.hpp"
#include "engine/program.hpp"

namespace phasegate::engine {

struct FactRef;

struct ExplainOptions {
  bool counterfactuals = true;  // compute "what would it take" / "what could stop it" (off for advise --explain on many bindings)
  std::size_t max_sets = 8;     // sets listed per question
  std::size_t max_set_size = 4;
  double max_seconds = 2.0;     // search budget; when exhausted, the output says so
  std::size_t max_list = 10;    // long lists folded with a count in text renderings
  // Without counterfactuals only: how many levels of derivations an atomic condition atom shows
  // (`blocked(u)` -> `blocker(u, 8)` is one level). With counterfactuals the tree is always complete.
  std::size_t derivation_depth = 1;
  // The facts given by --assume (assumed_facts(model)), when the caller explains many bindings of one
  // model and finds them once; else each explanation finds them.
  std::shared_ptr<const std::vector<FactRef>> assumed;
  // Set when several threads explain bindings of one model at once (advise --explain builds the trees
  // of many rows in parallel): every read of the model is then made under this lock. A model's
  // readers share state (the constants they intern, the row each generator is at), and they are a
  // small part of building a tree: the rest (texts, nodes, provenance) runs in parallel. The facts
  // are read without it: call FactBase::index_all() first, and their readers change nothing.
  std::mutex* model_lock = nullptr;
  // expandable_relations(model), when the caller explains many bindings of one model and finds it once.
  std::shared_ptr<const std::vector<std::int8_t>> expandable;
};

// An input fact read by a node of the tree, with its value and where it came from.
struct FactRef {
  int relation = -1;
  std::vector<Constant> args;
  std::string tuple;  // `troops_committed("Indonesia")`
  std::string value;  // `1_000`, `unknown`, `true`, `absent`, `no value`
  std::string range;  // for an unknown value: the interval it may take (`0..50_000`); else empty
  bool known = true;  // false: unknown value, or unknown absence in an open relation
  bool listed = false;
  std::optional<FactOrigin> origin;  // absent for an unlisted tuple
};

// One tuple of an aggregate: whether it took part (true / unknown / false) and its value.
struct AggregateTuple {
  std::string tuple;  // the local variables' values, `c = "Indonesia"`
  Truth part = Truth::true_;
  std::string value;  // sum/min/max: the value it contributes
};

enum class NodeKind : std::uint8_t {
  phase,      // a phase binding (an `and` of its parts)
  binding,    // the `for each` atom of a parameterized phase
  after,      // an `after PHASE` requirement (child: the phase)
  require,    // a requirement: expr or any of its waivers
  block,      // a block: not expr
  waiver,     // a waiver of a requirement
  and_,
  or_,
  not_,
  condition,  // a condition tuple: or of its rules
  rule,       // one rule (alternative) of a condition under a binding
  comparison, // an atomic comparison
  atom,       // an atomic atom (a fact, or a condition not expanded)
  constant,   // `true` / `false` / `unknown` written in the rules
  aggregate,  // evidence: an aggregate's tuples (not part of the formula)
  derivation, // evidence: one derivation of an atomic condition atom
};

const char* to_string(NodeKind k);

// Where a node's rule text is: a view of the program's own SourcePos (the program outlives its
// explanations; nodes are many, and a copied file name was an allocation each).
struct NodePos {
  std::string_view file;
  std::uint32_t line = 0, column = 0;
  NodePos() = default;
  NodePos(const SourcePos& p) : file(p.file), line(p.line), column(p.column) {}  // NOLINT: implicit by design
};

// A node of the why tree. Formula nodes (everything but aggregate/derivation evidence) combine their
// formula children; a node with `condition >= 0` is atomic: its children are evidence only.
struct ExplainNode {
  NodeKind kind = NodeKind::and_;
  Truth truth = Truth::unknown;
  std::string label;    // requirement label (`#2`), waiver label, condition tuple, phase tuple
  std::string text;     // the expression, instantiated (`disarmament_clarity >= clear`)
  std::string value;    // atomic nodes: current values of the non-constant sides
  std::string_view because;  // the program's text
  std::string cite;     // `briefing: "U.S. officials' ..." (locator)`
  NodePos pos;
  std::vector<int> children;  // indices into Explanation::nodes
  std::vector<bool> reason;   // per child: part of the minimal reasons
  int condition = -1;         // atomic: index into Explanation::conditions
  std::vector<FactRef> facts; // atomic: the input facts it reads
  std::vector<AggregateTuple> tuples;  // aggregate evidence
  std::size_t tuples_omitted = 0;
  bool cycle = false;        // a recursive condition already explained above
  bool cut = false;          // a false derived condition whose attempts were not followed (too deep)
  bool evidence = false;     // not part of the formula (aggregate / derivation detail)
  bool derivations_complete = false;  // atomic atom: its children are all its derivations (as formulas)
};

// A fact-level realisation of a literal: the value to give one fact (or the tuple to add / remove).
struct FactChange {
  int relation = -1;
  std::vector<Constant> args;
  std::optional<Constant> value;
  bool remove = false;
};

// An atomic condition of the rules, instantiated: the unit of "what would it take".
struct AtomicCondition {
  std::string text;      // `disarmament_clarity >= clear`
  std::string negated;   // the condition made false, as text (`disarmament_clarity < clear`)
  Truth truth = Truth::unknown;
  std::string value;     // the current value of its non-constant sides (`disarmament_clarity = partial`)
  bool changeable = true;  // false for a constant of the rules
  std::string bound_true, bound_false;  // for a threshold on one number: what it needs (`x >= 1_500`)
  std::string question_true, question_false;  // phrased for a meeting
  // The same for the condition as written, not as a bound (for a set that also moves another fact the
  // bound was worked out from: see Change::as_written).
  std::string written_question_true, written_question_false;
  int node = -1;         // the first tree node that is this condition
  // Set for conditions on one fact that appear in a set: the fact value that makes it true / false.
  std::optional<FactChange> realise_true, realise_false;
};

// One literal of a set: the condition made true or false.
struct Change {
  int condition = -1;
  bool make_true = true;
  // Set when other changes of the same set move the same fact: one value that does them all
  // (`x >= 10.5` and `x <= 10.7` both realised as `x = 10.5`); else the condition's own realisation.
  std::optional<FactChange> assume;
  // The condition's bound (`n >= 3.333333334`) was worked out with the current value of another fact
  // this set also moves (`x < 60`): the change is shown as the condition written, which stays true.
  bool as_written = false;
};
using ChangeSet = std::vector<Change>;


// An unknown input fact that can still change the verdict.
struct UnknownThatMatters {
  FactRef fact;
  bool decides_alone = false;           // some value of this fact alone makes the verdict GO or NO-GO
  std::vector<std::string> can_make;    // the verdicts it alone can bring ("GO", "NO-GO")
  bool tested = false;                  // false when the budget ran out before it was tried
  // `fuel(_)`: the unlisted tuples of an open relation an aggregate ranges over, not one fact; it
  // is not tried alone (tested stays false, and that does not make the list incomplete).
  bool wildcard = false;
};

struct Explanation {
  int phase = -1;
  std::vector<Constant> args;
  std::string phase_tuple;  // `handover("Rafah")`
  std::string title;
  Verdict verdict = Verdict::go;
  std::vector<ExplainNode> nodes;
  int root = -1;
  std::vector<AtomicCondition> conditions;
  bool counterfactuals = false;  // whether the sets below were computed
  std::vector<ChangeSet> to_go;      // what would it take (NO-GO, UNDETERMINED)
  bool to_go_complete = true;
  std::vector<ChangeSet> to_stop;    // what could stop it (GO, UNDETERMINED)
  bool to_stop_complete = true;
  std::vector<UnknownThatMatters> unknowns;  // UNDETERMINED
  bool unknowns_complete = true;
  std::string budget_note;  // why a search is incomplete, empty when complete
  ExplainOptions options;
  // Every fact given by --assume, whether or not the tree reads it (`s("Y") = false` removes a tuple a
  // count no longer sees): shown with the assumptions.
  std::vector<FactRef> assumed;
};

Explanation explain_phase(const Model& model, const PhaseResult& row, const ExplainOptions& options);
// The same into `e`, whose node and condition vectors are reused (one Explanation for the bindings
// of a large phase explained one after the other).
void explain_phase(const Model& model, const PhaseResult& row, const ExplainOptions& options, Explanation& e);
// The facts given by --assume, as an explanation shows them (for ExplainOptions::assumed).
std::vector<FactRef> assumed_facts(const Model& model);
// Per relation, 1 when every rule of the condition has all its variables fixed by its head (a
// ground tuple's rules are then shown as formulas, false ones included), else 0.
std::vector<std::int8_t> expandable_relations(const Model& model);
// A constant as a JSON value: a number exactly as it is (`123456789.123456789`, never through a
// double), a date as "YYYY-MM-DD", text as a string, a level member or a duration as its text, unknown
// as null. Phase arguments in `advise` and `explain` JSON.
std::string constant_json_text(const Program& p, const Constant& c);
nlohmann::json explanation_json(const Model& model, const Explanation& e);  // stable, documented in docs/explanations.md
// The same JSON as explanation_json(model, e).dump(), written directly (much faster: use it for
// `advise --explain` over many bindings); and only the `why` tree, as explanation_json(...)["why"].dump().
// `indent`, `level`: as JsonOut's, to write it inside a pretty-printed document.
std::string explanation_json_text(const Model& model, const Explanation& e, int indent = 0, int level = 0);
std::string explanation_why_json_text(const Model& model, const Explanation& e);
std::string explanation_text(const Model& model, const Explanation& e, bool color);
std::string explanation_markdown(const Model& model, const Explanation& e);
std::string explanation_dot(const Model& model, const Explanation& e);
// Several explanations as one graph, a cluster each (one explanation: explanation_dot's graph).
std::string explanations_dot(const Model& model, const std::vector<Explanation>& es);

// The fact value that realises a change of a set (what to pass to --assume), if there is one.
const std::optional<FactChange>& realisation(const Explanation& e, const Change& ch);

// Helpers for tests and the CLI.
// The facts with one change applied as an `--assume` would (value replaced, or tuple added/removed).
FactBase facts_with(const FactBase& facts, int relation, const std::vector<Constant>& args,
                    const std::optional<Constant>& value, bool remove);
// The value a change set asks of each fact, when every literal of the set is a condition on one
// fact (`x >= clear`, `roe_published`, `sum(...) >= K` with one number): relation, args, value, remove.
// Fact-level realisations of a set; nullopt when some literal is not a condition on one fact.
std::optional<std::vector<FactChange>> fact_changes(const Model& model, const Explanation& e, const ChangeSet& set);

}  // namespace phasegate::engine
