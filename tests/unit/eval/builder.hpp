// A small test-side builder of checked Programs and FactBases, so evaluator tests need no parser or checker.
#pragma once

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/program.hpp"

namespace pgtest {

using namespace phasegate::engine;

inline Decimal decs(const char* s) { return *Decimal::parse(s); }
inline Decimal dec(long v) { return Decimal::from_int(v); }

inline ValueType t_bool() { return ValueType{BaseType::boolean, -1, std::nullopt, std::nullopt}; }
inline ValueType t_text() { return ValueType{BaseType::text, -1, std::nullopt, std::nullopt}; }
inline ValueType t_date() { return ValueType{BaseType::date, -1, std::nullopt, std::nullopt}; }
inline ValueType t_duration() { return ValueType{BaseType::duration, -1, std::nullopt, std::nullopt}; }
inline ValueType t_num() { return ValueType{BaseType::number, -1, std::nullopt, std::nullopt}; }
inline ValueType t_num(long lo, long hi) { return ValueType{BaseType::number, -1, dec(lo), dec(hi)}; }

inline Term V(int slot) {
  Term t;
  t.kind = Term::Kind::variable;
  t.var = slot;
  return t;
}
inline Term C(Constant c) {
  Term t;
  t.kind = Term::Kind::constant;
  t.constant = std::move(c);
  return t;
}
inline Term W() { return Term{}; }
inline Constant S(const char* s) { return std::string(s); }
inline Constant N(long v) { return dec(v); }

struct Builder {
  Program p;
  FactBase f;

  int level(std::vector<std::string> members, bool ordered = true) {
    p.enums.push_back(Enumeration{ordered, std::move(members)});
    return static_cast<int>(p.enums.size()) - 1;
  }
  ValueType t_level(int e) const {
    ValueType t;
    t.base = p.enums[static_cast<std::size_t>(e)].ordered ? BaseType::level : BaseType::choice;
    t.enumeration = e;
    return t;
  }

  int fact(const std::string& name, std::vector<ValueType> params, std::optional<ValueType> value = std::nullopt,
           bool open = false) {
    Relation r;
    r.name = name;
    r.kind = RelationKind::fact;
    for (std::size_t i = 0; i < params.size(); ++i) r.param_names.push_back("p" + std::to_string(i));
    r.param_types = std::move(params);
    r.value_type = std::move(value);
    r.open = open;
    p.relations.push_back(std::move(r));
    return static_cast<int>(p.relations.size()) - 1;
  }
  int cond(const std::string& name, std::vector<ValueType> params) {
    Relation r;
    r.name = name;
    r.kind = RelationKind::condition;
    for (std::size_t i = 0; i < params.size(); ++i) r.param_names.push_back("p" + std::to_string(i));
    r.param_types = std::move(params);
    p.relations.push_back(std::move(r));
    return static_cast<int>(p.relations.size()) - 1;
  }

  // A fact entry; value absent for a bare tuple.
  void add(int rel, std::vector<Constant> args, std::optional<Constant> value = std::nullopt) {
    f.set(rel, FactEntry{std::move(args), std::move(value), {}});
  }

  ExprId push(Expr e) {
    p.exprs.push_back(std::move(e));
    return static_cast<ExprId>(p.exprs.size()) - 1;
  }
  ExprId constant(Constant c, ValueType type) {
    Expr e;
    e.kind = ExprKind::constant;
    e.constant = std::move(c);
    e.type = type;
    e.text = "const";
    return push(std::move(e));
  }
  ExprId num(long v) { return constant(dec(v), t_num()); }
  ExprId nums(const char* v) { return constant(decs(v), t_num()); }
  ExprId boolean(bool b) { return constant(b, t_bool()); }
  ExprId unknown_bool() { return constant(Unknown{}, t_bool()); }
  ExprId str(const char* s) { return constant(std::string(s), t_text()); }
  ExprId today() {
    Expr e;
    e.kind = ExprKind::today;
    e.type = t_date();
    return push(std::move(e));
  }
  ExprId var(int slot, ValueType type) {
    Expr e;
    e.kind = ExprKind::variable;
    e.var = slot;
    e.type = type;
    return push(std::move(e));
  }
  ExprId atom(int rel, std::vector<Term> args) {
    Expr e;
    e.kind = ExprKind::atom;
    e.relation = rel;
    e.args = std::move(args);
    e.type = t_bool();
    e.text = p.relations[static_cast<std::size_t>(rel)].name;
    return push(std::move(e));
  }
  ExprId value(int rel, std::vector<Term> args) {
    Expr e;
    e.kind = ExprKind::atom_value;
    e.relation = rel;
    e.args = std::move(args);
    e.type = *p.relations[static_cast<std::size_t>(rel)].value_type;
    e.text = p.relations[static_cast<std::size_t>(rel)].name;
    return push(std::move(e));
  }
  ExprId node(ExprKind kind, std::vector<ExprId> children, ValueType type = t_bool()) {
    Expr e;
    e.kind = kind;
    e.children = std::move(children);
    e.type = type;
    e.text = "expr";
    return push(std::move(e));
  }
  ExprId and_(std::vector<ExprId> c) { return c.size() == 1 ? c[0] : node(ExprKind::and_, std::move(c)); }
  ExprId or_(std::vector<ExprId> c) { return c.size() == 1 ? c[0] : node(ExprKind::or_, std::move(c)); }
  ExprId not_(ExprId c) { return node(ExprKind::not_, {c}); }
  ExprId cmp(CompareOp op, ExprId a, ExprId b) {
    ExprId id = node(ExprKind::compare, {a, b});
    p.exprs[static_cast<std::size_t>(id)].cmp = op;
    return id;
  }
  ExprId arith(ArithOp op, ExprId a, ExprId b) {
    ValueType t = p.exprs[static_cast<std::size_t>(a)].type;
    const ValueType& tb = p.exprs[static_cast<std::size_t>(b)].type;
    if (t.base == BaseType::date && tb.base == BaseType::date) t = t_duration();
    else if (t.base == BaseType::duration && tb.base == BaseType::date) t = t_date();
    t.lo.reset();
    t.hi.reset();
    ExprId id = node(ExprKind::arith, {a, b}, t);
    p.exprs[static_cast<std::size_t>(id)].arith = op;
    p.exprs[static_cast<std::size_t>(id)].text = "arith";
    return id;
  }
  ExprId negate(ExprId a) {
    ValueType t = p.exprs[static_cast<std::size_t>(a)].type;
    return node(ExprKind::negate, {a}, t);
  }
  ExprId bind(int slot, ExprId value) {
    ExprId id = node(ExprKind::bind, {value});
    p.exprs[static_cast<std::size_t>(id)].var = slot;
    return id;
  }
  ExprId aggregate(AggregateOp op, ExprId body, ExprId filter, std::vector<int> locals, std::vector<ExprId> gens) {
    ValueType t = op == AggregateOp::count ? t_num() : p.exprs[static_cast<std::size_t>(body)].type;
    t.lo.reset();
    t.hi.reset();
    std::vector<ExprId> children{body};
    if (filter != kNoExpr) children.push_back(filter);
    ExprId id = node(ExprKind::aggregate, children, t);
    Expr& e = p.exprs[static_cast<std::size_t>(id)];
    e.agg = op;
    e.locals = std::move(locals);
    e.generators = std::move(gens);
    e.text = "aggregate";
    return id;
  }

  int rule(int rel, std::vector<int> head, int nvars, ExprId body, std::vector<ExprId> gens) {
    Rule r;
    r.relation = rel;
    r.head_vars = std::move(head);
    for (int i = 0; i < nvars; ++i) r.var_names.push_back("v" + std::to_string(i));
    r.body.expr = body;
    r.body.generators = std::move(gens);
    p.rules.push_back(std::move(r));
    int id = static_cast<int>(p.rules.size()) - 1;
    p.relations[static_cast<std::size_t>(rel)].rules.push_back(id);
    return id;
  }

  int phase(const std::string& name, int nparams = 0, int nvars = 0) {
    Phase ph;
    ph.name = name;
    for (int i = 0; i < nparams; ++i) ph.params.push_back("x" + std::to_string(i));
    for (int i = 0; i < std::max(nvars, nparams); ++i) ph.var_names.push_back("x" + std::to_string(i));
    p.phases.push_back(std::move(ph));
    return static_cast<int>(p.phases.size()) - 1;
  }
  Phase& ph(int id) { return p.phases[static_cast<std::size_t>(id)]; }
  void for_each(int phase_id, ExprId atom, std::vector<ExprId> gens = {}) {
    if (gens.empty()) gens.push_back(atom);
    ph(phase_id).for_each = Body{atom, std::move(gens)};
    ph(phase_id).for_each_atom = atom;
  }
  int require(int phase_id, ExprId e, std::string label = "") {
    Clause c;
    c.kind = ClauseKind::require;
    c.expr = e;
    c.labelled = !label.empty();
    c.label = label.empty() ? "#" + std::to_string(ph(phase_id).clauses.size() + 1) : label;
    ph(phase_id).clauses.push_back(std::move(c));
    return static_cast<int>(ph(phase_id).clauses.size()) - 1;
  }
  int block(int phase_id, ExprId e, std::string label = "") {
    int c = require(phase_id, e, std::move(label));
    ph(phase_id).clauses[static_cast<std::size_t>(c)].kind = ClauseKind::block;
    return c;
  }
  void waive(int phase_id, int clause, ExprId e) {
    Waiver w;
    w.label = ph(phase_id).clauses[static_cast<std::size_t>(clause)].label;
    w.expr = e;
    ph(phase_id).waivers.push_back(std::move(w));
    ph(phase_id).clauses[static_cast<std::size_t>(clause)].waivers.push_back(static_cast<int>(ph(phase_id).waivers.size()) - 1);
  }
  void after(int phase_id, int other) { ph(phase_id).after.push_back(other); }

  // Strata by dependency levels (negation, aggregates and comparisons raise the level), and
  // phases in an order where each comes after the phases it names.
  Program& finish() {
    std::size_t n = p.relations.size();
    std::vector<int> lvl(n, 0);
    std::vector<std::vector<std::pair<int, bool>>> deps(n);  // (relation, strict)
    std::function<void(ExprId, bool, std::vector<std::pair<int, bool>>&)> walk = [&](ExprId id, bool strict,
                                                                               std::vector<std::pair<int, bool>>& out) {
      if (id == kNoExpr) return;
      const Expr& e = p.exprs[static_cast<std::size_t>(id)];
      bool s = strict || e.kind == ExprKind::not_ || e.kind == ExprKind::aggregate || e.kind == ExprKind::compare ||
               e.kind == ExprKind::bind || e.kind == ExprKind::arith || e.kind == ExprKind::negate;
      if ((e.kind == ExprKind::atom || e.kind == ExprKind::atom_value) &&
          p.relations[static_cast<std::size_t>(e.relation)].kind == RelationKind::condition)
        out.emplace_back(e.relation, strict);
      for (ExprId c : e.children) walk(c, s, out);
    };
    for (const Rule& r : p.rules) walk(r.body.expr, false, deps[static_cast<std::size_t>(r.relation)]);
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t r = 0; r < n; ++r)
        for (auto [d, strict] : deps[r]) {
          int need = lvl[static_cast<std::size_t>(d)] + (strict ? 1 : 0);
          if (lvl[r] < need) {
            lvl[r] = need;
            changed = true;
            if (need > static_cast<int>(n) + 1) throw std::runtime_error("not stratified");
          }
        }
    }
    std::map<int, std::vector<int>> by_level;
    for (std::size_t r = 0; r < n; ++r)
      if (p.relations[r].kind == RelationKind::condition) by_level[lvl[r]].push_back(static_cast<int>(r));
    p.strata.clear();
    for (auto& [l, rels] : by_level) {
      p.strata.push_back(rels);
      for (int r : rels) p.relations[static_cast<std::size_t>(r)].stratum = l;
    }
    p.phase_order.clear();
    std::set<int> placed;
    while (p.phase_order.size() < p.phases.size()) {
      for (std::size_t i = 0; i < p.phases.size(); ++i) {
        if (placed.count(static_cast<int>(i))) continue;
        bool ready = true;
        for (int a : p.phases[i].after) ready = ready && placed.count(a);
        if (ready) {
          placed.insert(static_cast<int>(i));
          p.phase_order.push_back(static_cast<int>(i));
        }
      }
    }
    return p;
  }
};

}  // namespace pgtest
