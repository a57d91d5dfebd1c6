// The checked program: a ruleset lowered once from the syntax tree into the engine's own Boost-free form.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/decimal.hpp"

namespace phasegate::engine {

// Where a construct came from, for explanations and diagnostics (file:line:column).
struct SourcePos {
  std::string file;
  std::uint32_t line = 0, column = 0;
};

// ---------------------------------------------------------------- types

enum class BaseType : std::uint8_t { boolean, number, text, date, duration, level, choice };

struct ValueType {
  BaseType base = BaseType::boolean;
  int enumeration = -1;                 // level/choice: index into Program::enums
  std::optional<Decimal> lo, hi;        // number: the declared range `in LO..HI` (absent: unbounded)
};

// A `level { a < b < c }` (ordered) or `one of { a, b, c }` (unordered).
struct Enumeration {
  bool ordered = false;
  std::vector<std::string> members;  // level: in increasing order
};

// ---------------------------------------------------------------- constants

struct Date {
  std::int32_t days = 0;  // days since 1970-01-01
  friend auto operator<=>(const Date&, const Date&) = default;
};
struct Duration {
  std::int64_t days = 0;
  friend auto operator<=>(const Duration&, const Duration&) = default;
};
struct Member {
  int enumeration = -1;
  int index = -1;
  friend bool operator==(const Member&, const Member&) = default;
};
struct Unknown {  // the literal `unknown`
  friend bool operator==(const Unknown&, const Unknown&) = default;
};

// A known constant from the rules or the facts.
using Constant = std::variant<bool, Decimal, std::string, Date, Duration, Member, Unknown>;

// ---------------------------------------------------------------- relations

enum class RelationKind : std::uint8_t { fact, condition };

// A fact (an input) or a condition (derived). Facts and conditions share one namespace.
struct Relation {
  std::string name;
  RelationKind kind = RelationKind::fact;
  SourcePos pos;
  std::string description;
  std::vector<std::string> param_names;
  std::vector<ValueType> param_types;  // conditions: as inferred from their rules
  // Facts only: the value a tuple carries. Absent for a boolean relation
  // (`sector(name: text)`: a tuple exists or not). A scalar fact has no
  // parameters and a value type.
  std::optional<ValueType> value_type;
  bool open = false;
  std::vector<int> rules;  // conditions: indices into Program::rules (alternatives, or-ed)
  int stratum = 0;         // conditions: evaluation stratum (facts: 0)
};

// ---------------------------------------------------------------- expressions

// Expressions live in Program::exprs and refer to each other by index.
using ExprId = std::int32_t;
constexpr ExprId kNoExpr = -1;

enum class ExprKind : std::uint8_t {
  constant,   // constant
  today,      // the evaluation date
  variable,   // var: slot in the rule's (or phase's) variable frame
  atom,       // relation(args...) as a truth value (a boolean relation, a bool-valued fact, a condition)
  atom_value, // relation(args...) as the value of a valued fact (number, text, date, level, ...)
  aggregate,  // agg over the bindings of its local variables
  not_,
  negate,
  and_,       // children: 2 or more
  or_,        // children: 2 or more
  compare,    // children: lhs, rhs
  arith,      // children: lhs, rhs
  bind,       // `VAR = EXPR` that binds VAR (var) to the value of children[0]; true when it binds
};

enum class CompareOp : std::uint8_t { eq, ne, lt, le, gt, ge };
enum class ArithOp : std::uint8_t { add, sub, mul, div };
enum class AggregateOp : std::uint8_t { count, sum, min, max };

// An atom argument: a variable slot, a constant, or `_` (a fresh local variable, never read).
struct Term {
  enum class Kind : std::uint8_t { variable, constant, wildcard } kind = Kind::wildcard;
  int var = -1;
  Constant constant;
};

struct Expr {
  ExprKind kind = ExprKind::constant;
  ValueType type;  // the expression's type (boolean for truth-valued nodes)
  SourcePos pos;
  // The expression as written (normalised spacing). Kept for names, constants and atoms, and for the
  // roots the checker handed out; an operator inside another has it empty (see expr_text).
  std::string text;

  Constant constant;           // constant
  int var = -1;                // variable, bind
  int relation = -1;           // atom, atom_value
  std::vector<Term> args;      // atom, atom_value
  std::vector<ExprId> children;
  CompareOp cmp = CompareOp::eq;
  ArithOp arith = ArithOp::add;
  AggregateOp agg = AggregateOp::count;
  // aggregate: children[0] is the body (count: an atom; sum/min/max: a number
  // expression), children[1] the `where` filter when present; `locals` are the
  // variable slots it ranges over, `generators` the positive atoms (in body
  // and filter) that bind them, in a safe evaluation order.
  std::vector<int> locals;
  std::vector<ExprId> generators;
};

// One conjunction whose variables are all bound: the body of a rule
// alternative, a phase requirement, a `for each`. `generators` are the
// positive atoms and `bind`s of the top-level conjunction, in an order in
// which each one's inputs are bound by those before it; evaluating `expr`
// under a full binding gives the truth value.
struct Body {
  ExprId expr = kNoExpr;
  std::vector<ExprId> generators;
};

// One alternative of a condition: `head(vars) when body`.
struct Rule {
  int relation = -1;
  SourcePos pos;
  std::vector<int> head_vars;               // slot of each head parameter
  std::vector<std::string> var_names;       // the frame: slot -> variable name ("_1" for wildcards)
  Body body;
  std::string because;                      // empty when none
  std::optional<std::string> cite_source;   // a source id
  std::optional<std::string> cite_locator;
};

// ---------------------------------------------------------------- phases

enum class ClauseKind : std::uint8_t { require, block };

struct Clause {
  ClauseKind kind = ClauseKind::require;
  std::string label;  // as written, or "#1", "#2", ... by position among the phase's require/block clauses
  bool labelled = false;
  SourcePos pos;
  ExprId expr = kNoExpr;  // over the phase's frame; for a block, the condition that must be false
  std::string text;       // the expression as written
  std::string because;
  std::optional<std::string> cite_source;
  std::optional<std::string> cite_locator;
  std::vector<int> waivers;  // indices into Phase::waivers
};

struct Waiver {
  std::string label;  // the requirement it waives
  SourcePos pos;
  ExprId expr = kNoExpr;
  std::string text;
  std::string because;
  std::optional<std::string> cite_source;
  std::optional<std::string> cite_locator;
};

struct Phase {
  std::string name;
  std::string title;
  SourcePos pos;
  std::vector<std::string> params;
  std::vector<ValueType> param_types;
  std::vector<std::string> var_names;  // the frame: params first (slots 0..n-1), then locals
  // `for each ATOM`: enumerates bindings of the parameters (required when there are any).
  std::optional<Body> for_each;
  ExprId for_each_atom = kNoExpr;
  std::vector<int> after;  // indices into Program::phases; same parameters (in order) or none
  std::vector<Clause> clauses;  // require and block, in source order
  std::vector<Waiver> waivers;
};

// ---------------------------------------------------------------- the program

struct SourceRef {
  std::string id;
  std::string citation;
  SourcePos pos;
};

struct Program {
  std::string name, title, version;
  std::vector<std::string> files;  // the main file first, then included files
  std::vector<SourceRef> sources;
  std::vector<Enumeration> enums;
  std::vector<Relation> relations;
  std::vector<Rule> rules;
  std::vector<Expr> exprs;
  std::vector<Phase> phases;                  // declaration order
  std::vector<std::vector<int>> strata;       // condition relation ids, in evaluation order
  std::vector<int> phase_order;               // phase ids, each after the phases it names in `after`

  int find_relation(const std::string& name) const;  // -1 when absent
  bool declares_fact(const std::string& name) const;  // a `fact` of that name (not a condition)
  int find_phase(const std::string& name) const;     // -1 when absent
};

// The normalised text of an expression, rendered from its tree: an operator node inside another
// keeps no text of its own (a chain of n operators would otherwise hold O(n^2) text).
std::string expr_text(const Program& program, ExprId id);
// The precedence of a node for printing (higher binds tighter): where expression texts bracket operands.
int expr_precedence(const Expr& e);

// ---------------------------------------------------------------- facts

// Where a fact value came from.
struct FactOrigin {
  std::string file;  // facts file, table file, "--assume", or "store"
  std::uint32_t line = 0, column = 0;
  std::string source;        // the `source "..."` in force
  std::optional<Date> as_of; // the `as of` in force
  std::string recorded_by;   // store only: the actor
  std::string recorded_at;   // store only: ISO 8601 timestamp
  std::int64_t record_id = 0;  // store only
  bool assumption = false;   // from `--assume`
};

// One listed tuple (or a scalar's value). `value` is absent for a bare tuple
// of a boolean relation; it holds Unknown for `= unknown`.
struct FactEntry {
  std::vector<Constant> args;
  std::optional<Constant> value;
  FactOrigin origin;
};

// The facts of one evaluation, checked against a program, later entries
// already resolved (one entry per relation and argument tuple).
//
// Stored compactly, because tables bring millions of tuples: every distinct
// constant is kept once in a pool and a tuple is a row of pool ids; the
// provenance many tuples share (a table, a file's `source` and `as of`) is
// kept once and each tuple keeps only its line. entry() gives a tuple back
// in full.
class FactBase {
 public:
  static constexpr std::uint32_t kNoValue = 0xffffffffu;

  FactBase() = default;
  explicit FactBase(std::size_t relations) : rel_(relations) {}

  // Relation ids run over 0..relations()-1 (only fact relations have entries).
  std::size_t relations() const { return rel_.size(); }
  std::size_t size(int relation) const;
  std::size_t total() const;  // entries of all relations

  // Entry `i` of a relation (in the order first listed), in full.
  FactEntry entry(int relation, std::size_t i) const;
  std::vector<Constant> args(int relation, std::size_t i) const;
  std::optional<Constant> value(int relation, std::size_t i) const;
  FactOrigin origin(int relation, std::size_t i) const;
  // The index of the entry with these arguments, if listed.
  std::optional<std::size_t> find(int relation, const std::vector<Constant>& args) const;
  // The entries given by `--assume` (relation, index), in relation and entry order: none at the cost
  // of a look at the distinct origins when nothing was assumed.
  std::vector<std::pair<int, std::size_t>> assumed_entries() const;

  // Adds an entry, or replaces the one with the same arguments (keeping its place).
  void set(int relation, const FactEntry& entry);
  // Removes the entry with these arguments; later entries move up one place.
  bool erase(int relation, const std::vector<Constant>& args);

  // Compact access, for the evaluator: the pool, and each entry as pool ids. The pool only grows and
  // its constants keep their place and address: an evaluation shares them (see Interner::share).
  const std::deque<Constant>& constants() const { return pool_; }
  std::uint32_t intern(const Constant& c);
  // Whole numbers 0 <= v < kSmallInts (identifiers, counts: most of a table's cells) are found
  // by direct indexing rather than hashing.
  static constexpr std::uint32_t kSmallInts = 1u << 22;
  std::uint32_t intern_small(std::uint32_t v);  // v < kSmallInts
  // The whole number v < kSmallInts that `c` is, if it is one (such numbers are looked up directly).
  static std::optional<std::uint32_t> small_value(const Constant& c);
  std::size_t arity(int relation) const;
  const std::uint32_t* row(int relation, std::size_t i) const;
  std::uint32_t value_id(int relation, std::size_t i) const;  // kNoValue: no value given
  // Adds or replaces an entry given as pool ids (`arity` of them) with an origin.
  void set_ids(int relation, const std::uint32_t* ids, std::size_t arity, std::uint32_t value, const FactOrigin& origin);
  // Many entries at once (a table): append_ids adds an entry without looking for an equal one, and
  // settle(relation, first) then indexes the entries from `first` on together, each merged into an
  // equal earlier entry as set_ids would (its value and origin replace that entry's, in its place).
  // Nothing may read or write the relation in between.
  void append_ids(int relation, const std::uint32_t* ids, std::size_t arity, std::uint32_t value,
                  const FactOrigin& origin);
  // The same with the origin as origin_id gave it (the entries of one table share it) and a line.
  void append_ids(int relation, const std::uint32_t* ids, std::size_t arity, std::uint32_t value,
                  std::uint32_t origin, std::uint32_t line);
  // The origin's number, without its line, for append_ids: a new one, or one of the last few.
  std::uint32_t origin_id(const FactOrigin& origin);
  void settle(int relation, std::size_t first);
  // Room for `more` entries of a relation.
  void reserve(int relation, std::size_t arity, std::size_t more);
  // Frees the hash indexes over the entries and the constants (a third of the memory of large
  // tables), for a fact base about to be evaluated: the evaluator keeps its own. Whatever needs them
  // later (find, set, erase, merge, intern) builds them again first; so find() on a const FactBase
  // then writes, and must not run concurrently with other calls.
  void release_index();
  // Builds again what release_index() dropped. Afterwards, and until the next change, the const
  // readers change nothing: several threads may read the fact base at once.
  void index_all() const;
  // The same for one relation's entries only. FactBaseBuilder gives back the index of each relation
  // it loads from tables, so that loading many large tables holds one table's index at a time: the
  // caution above holds for every FactBase it built with a table (one thread looking facts up).
  void release_index(int relation);
  // Adds every entry of `other` in its order, as set() would.
  void merge(FactBase&& other);

 private:
  // Where each entry of a relation came from: an index into origins_, and a line. Entries come
  // table by table and file by file, so while they are only appended they are kept as runs: the
  // entries from a run's first to the next run's share its origin, and their lines count up from its
  // line by its step (0 or 1). The runs become two columns (8 bytes per entry) when an entry's
  // provenance changes (a later listing of it), when entries are erased or dropped (a table that
  // repeats a tuple), or when runs are so short that columns are smaller.
  class Provenance {
   public:
    std::size_t size() const { return n_; }
    std::uint32_t origin(std::size_t i) const { return dense_ ? origin_[i] : run_of(i).origin; }
    std::uint32_t line(std::size_t i) const;
    void push(std::uint32_t origin, std::uint32_t line);
    void set(std::size_t i, std::uint32_t origin, std::uint32_t line);
    void erase(std::size_t i);
    void copy(std::size_t to, std::size_t from);  // entry `from`'s provenance to entry `to`
    void truncate(std::size_t n);
    void reserve(std::size_t n);

   private:
    struct Run {
      std::uint32_t first, origin, line, step;
    };
    const Run& run_of(std::size_t i) const;
    void densify();
    std::size_t n_ = 0;
    bool dense_ = false;
    std::vector<Run> runs_;                      // until dense_
    std::vector<std::uint32_t> origin_, line_;  // once dense_: per entry
  };
  struct Rows {
    std::size_t arity = 0;
    std::vector<std::uint32_t> cells;   // arity ids per entry
    bool valued = false;                // whether any entry has had a value (then `values` has one per entry)
    std::vector<std::uint32_t> values;  // per entry, kNoValue for none
    Provenance prov;                    // per entry; its size is the number of entries
    mutable std::vector<std::uint64_t> slots;  // open addressing over the entries' arguments (see facts.cpp);
                                               // empty when released
  };
  Rows& rows_of(int relation, std::size_t arity);
  Rows* rows_for_entry(int relation, std::size_t arity);
  std::uint64_t hash_row(const std::uint32_t* ids, std::size_t arity) const;
  std::size_t probe(const Rows& rows, const std::uint32_t* ids, std::uint64_t hash) const;
  std::optional<std::size_t> find_ids(const Rows& rows, const std::uint32_t* ids) const;
  std::optional<std::uint32_t> find_constant(const Constant& c) const;
  void rehash(const Rows& rows, std::size_t capacity, std::size_t entries) const;
  void rehash_pool(std::size_t capacity) const;
  void place(Rows& rows, const std::uint32_t* ids, std::uint32_t value, std::uint32_t origin, std::uint32_t line);
  static void value_column(Rows& rows, std::uint32_t value);
  static void push_entry(Rows& rows, const std::uint32_t* ids, std::uint32_t value, std::uint32_t origin,
                         std::uint32_t line);

  std::vector<Rows> rel_;
  std::deque<Constant> pool_;
  mutable std::vector<std::uint64_t> pool_slots_;  // open addressing over pool_ but small whole numbers (see
                                                   // facts.cpp); empty when released
  std::size_t hashed_ = 0;                 // constants in pool_slots_
  std::vector<std::uint32_t> small_ids_;   // small whole number v -> its id + 1, 0 when absent
  std::vector<FactOrigin> origins_;        // line 0: each entry has its own
};

}  // namespace phasegate::engine
