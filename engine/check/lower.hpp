// Lowering of one body (a condition alternative or a phase clause) from syntax to typed IR expressions.
#pragma once

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/check/context.hpp"

namespace phasegate::engine::check {

// The variable frame of a rule or a phase: slot -> name, type.
struct Frame {
  std::vector<std::string>* names = nullptr;
  std::vector<std::optional<ValueType>> types;
  std::vector<syntax::Position> typed_at;  // where each slot got its type
  int wildcards = 0;

  int add(const std::string& name) {
    names->push_back(name);
    types.emplace_back();
    typed_at.emplace_back();
    return static_cast<int>(names->size() - 1);
  }
};

class Lowerer {
 public:
  enum class Mode { condition, phase };
  struct Options {
    Mode mode = Mode::condition;
    int owner_relation = -1;  // the condition whose rule this is (for dependency edges)
    bool quiet = false;       // inference round: no diagnostics, no recorded uses
    // Phases: how often each name is written in the whole phase (`for each`, clauses, waivers), so
    // that a variable written once in one clause and again in another is not read as `_`.
    const std::unordered_map<std::string, int>* phase_counts = nullptr;
  };

  Lowerer(Context& cx, Frame& frame, Options opt);

  // Starts a body: `preset` are slots already bound from outside (head params
  // are NOT bound; phase params are), `direct` the names of the body's root scope.
  void begin(const std::vector<std::pair<std::string, int>>& preset, const std::vector<const syntax::Expr*>& roots);
  // Lowers one expression of the root scope.
  ExprId lower(const syntax::Expr& e);
  // Builds an `and` of several conjuncts (already lowered), or returns the only one.
  ExprId conjunction(const std::vector<ExprId>& parts, const syntax::Position& pos);

  // Orders the generators of a conjunction and checks that its variables are
  // bound; `bound` holds the slots bound from outside and receives the rest.
  std::vector<ExprId> bind(const std::vector<ExprId>& roots, std::set<int>& bound, bool inside_aggregate);

  // Reports each variable of `expr` (outside its aggregates) that is not in `bound`.
  void require_bound(ExprId expr, const std::set<int>& bound, const std::string& why);
  void require_head_bound(const std::vector<syntax::Ident>& head, const std::vector<int>& slots,
                          const std::set<int>& bound);

  // Counts the names of `roots` only (no lowering): for Options::phase_counts.
  const std::unordered_map<std::string, int>& count_only(const std::vector<const syntax::Expr*>& roots);
  Diagnostics& diags() { return *diags_; }
  bool failed() const { return failed_; }
  bool is_boolean(ExprId id) const;
  // Reports a non-boolean expression used as a condition.
  void expect_boolean(ExprId id, const syntax::Position& pos);

 private:
  struct Scope {
    std::unordered_map<std::string, int> slots;
    std::set<std::string> direct;
    std::vector<int> locals;  // slots owned (aggregate scopes)
    bool aggregate = false;
  };
  enum class Polarity { positive, negation, aggregate };

  struct L {
    ExprId id = kNoExpr;
    bool typed = true;  // false: `unknown` or a variable whose type is not known yet
    bool error = false;
  };

  // A variable of a phase clause written once, in an atom of a boolean relation: it means `_`
  // (LANGUAGE 2.2) where the atom is positive and outside an aggregate.
  bool reads_as_wildcard(const Relation& rel, const std::string& name);
  L lower_expr(const syntax::Expr& e, Polarity pol);
  L lower_name(const syntax::Expr& e, const syntax::NameRef& n, Polarity pol);
  L lower_atom(const syntax::Expr& e, const syntax::Atom& a, Polarity pol);
  L lower_aggregate(const syntax::Expr& e, const syntax::Aggregate& a, Polarity pol);
  L lower_compare(const syntax::Expr& e, const syntax::Binary& b, Polarity pol);
  L lower_arith(const syntax::Expr& e, const syntax::Binary& b, Polarity pol);
  L make_atom_node(const syntax::Expr& e, int rel, std::vector<Term> args, std::vector<std::string> arg_text,
                   Polarity pol);
  L member_or_free(const syntax::Expr& e, const std::string& name, const ValueType* hint, bool bind_ok);
  L error_node(const syntax::Expr& e);

  ExprId add(Expr x);
  void drop_text(ExprId id);  // frees an operator node's text (see add)
  Expr& at(ExprId id) { return cx_.program.exprs[static_cast<std::size_t>(id)]; }
  const Expr& at(ExprId id) const { return cx_.program.exprs[static_cast<std::size_t>(id)]; }
  // The literal `unknown` where a number, date or duration is read (`x + unknown`, `-unknown`,
  // `sum(unknown ...)`): typed as one, so it evaluates to any value of that type, not to no value.
  void type_unknown_literal(ExprId id, BaseType base);

  int find_slot(const std::string& name) const;
  int slot_for(const std::string& name);  // finds or allocates in the owning scope
  bool is_variable_name(const std::string& name) const;
  bool is_free_name(const syntax::Expr& e) const;
  // A declared fact or condition named like a member of some level or choice.
  bool member_named(const syntax::Expr& e) const;
  bool is_member(const std::string& name, const ValueType& t) const;
  // Whether some level or `one of` type has a member of this name.
  bool names_a_member(const std::string& name) const;
  // The value type of a fact or condition without parameters, if declared.
  const ValueType* scalar_type(const std::string& name) const;
  void set_var_type(int slot, const ValueType& t, const syntax::Position& pos, bool report);
  void prescan(const syntax::Expr& e);  // types of variables from the atoms of the current scope
  void collect_direct(const syntax::Expr& e, std::set<std::string>& out) const;
  void count_names(const syntax::Expr& e);
  std::string suggest(const std::string& name) const;
  void undeclared(const syntax::Position& pos, const std::string& name, const std::string& what);

  Context& cx_;
  Frame& frame_;
  Options opt_;
  Diagnostics scratch_;
  Diagnostics* diags_;
  std::vector<Scope> scopes_;
  std::set<std::string> arg_names_;
  std::set<std::string> bind_candidates_;  // names on a side of `=`
  std::set<std::string> bind_names_;       // ... used more than once: variables a bind may bind
  std::unordered_map<std::string, int> counts_;
  std::set<int> reported_unbound_;
  std::set<int> wildcard_slots_;
  std::set<std::string> reported_undeclared_;
  bool failed_ = false;
};


}  // namespace phasegate::engine::check
