// Random programs over a few facts (open and closed, valued, scalars) and conditions (joins,
// negation, aggregates, recursion, `or`), with phases, `after` and waivers: what the differential,
// soundness and incremental tests evaluate.
#pragma once

#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "builder.hpp"
#include "engine/eval/value.hpp"
#include "reference.hpp"

namespace pgtest {

struct RandomProgram {
  Builder b;
  std::mt19937 rng;
  int u = -1, e = -1, o = -1, n = -1, m = -1, s = -1, k = -1;
  std::vector<int> conds, arity;
  std::set<long> constants{0, 10};
  const std::vector<const char*> names{"a", "b", "c"};

  bool with_binds = false;  // `d = EXPR` bindings (the reference evaluates them only when known)

  explicit RandomProgram(unsigned seed, bool binds = false) : rng(seed), with_binds(binds) {}

  int pick(int n_) { return std::uniform_int_distribution<int>(0, n_ - 1)(rng); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
  long konst(long hi = 10) {
    long c = pick(static_cast<int>(hi) + 1);
    constants.insert(c);
    return c;
  }
  CompareOp op() { return static_cast<CompareOp>(pick(6)); }

  Term term_of(const std::vector<Term>& avail) { return avail[static_cast<std::size_t>(pick(static_cast<int>(avail.size())))]; }

  // A boolean literal over the bound terms `avail` for a rule of condition `level` (-1: a phase),
  // allocating aggregate locals from `next_slot`.
  ExprId literal(const std::vector<Term>& avail, int level, int& next_slot, int depth = 0) {
    for (;;) {
      int kind = pick(14);
      switch (kind) {
        case 0: return b.not_(b.atom(u, {term_of(avail)}));
        case 1: {  // not c_j(...) for a lower condition
          std::vector<int> js;
          for (int j = 0; j < (level < 0 ? static_cast<int>(conds.size()) : level); ++j) js.push_back(j);
          if (js.empty()) continue;
          int j = js[static_cast<std::size_t>(pick(static_cast<int>(js.size())))];
          std::vector<Term> args;
          for (int a = 0; a < arity[static_cast<std::size_t>(j)]; ++a) args.push_back(term_of(avail));
          return b.not_(b.atom(conds[static_cast<std::size_t>(j)], args));
        }
        case 2: return b.cmp(op(), b.value(n, {term_of(avail)}), b.num(konst()));
        case 3: return b.cmp(op(), b.value(m, {term_of(avail)}), b.num(konst()));
        case 4: return chance(0.5) ? b.atom(o, {term_of(avail)}) : b.not_(b.atom(o, {term_of(avail)}));
        case 5: return chance(0.5) ? b.atom(s, {}) : b.cmp(op(), b.value(k, {}), b.num(konst()));
        case 6: {
          int l = next_slot++;
          ExprId g = b.atom(e, {term_of(avail), V(l)});
          return b.cmp(op(), b.aggregate(AggregateOp::count, g, kNoExpr, {l}, {g}), b.num(konst(3)));
        }
        case 7: {
          int l = next_slot++;
          ExprId g = b.atom(e, {term_of(avail), V(l)});
          ExprId nv = b.value(n, {V(l)});
          return b.cmp(op(), b.aggregate(AggregateOp::sum, nv, g, {l}, {g, nv}), b.num(konst(20)));
        }
        case 8: {
          int l = next_slot++;
          ExprId g = b.atom(o, {V(l)});
          return b.cmp(op(), b.aggregate(AggregateOp::count, g, kNoExpr, {l}, {g}), b.num(konst(3)));
        }
        case 9: {
          int l = next_slot++;
          ExprId g = b.atom(u, {V(l)});
          ExprId mv = b.value(m, {V(l)});
          return b.cmp(op(), b.aggregate(AggregateOp::min, mv, g, {l}, {g}), b.num(konst()));
        }
        case 10: {
          int l = next_slot++;
          ExprId g = b.atom(e, {V(l), term_of(avail)});
          ExprId nv = b.value(n, {V(l)});
          return b.cmp(op(), b.aggregate(AggregateOp::max, nv, g, {l}, {g, nv}), b.num(konst()));
        }
        case 11: {
          if (depth > 1) continue;
          return b.or_({literal(avail, level, next_slot, depth + 1), literal(avail, level, next_slot, depth + 1)});
        }
        case 12: {  // a positive lookup of a condition (same stratum allowed: monotone)
          int limit = level < 0 ? static_cast<int>(conds.size()) : level + 1;
          if (limit == 0) continue;
          int j = pick(limit);
          std::vector<Term> args;
          for (int a = 0; a < arity[static_cast<std::size_t>(j)]; ++a) args.push_back(term_of(avail));
          return b.atom(conds[static_cast<std::size_t>(j)], args);
        }
        case 13: {
          int l = next_slot++;
          ExprId g = b.atom(o, {V(l)});
          ExprId nv = b.value(m, {V(l)});
          return b.cmp(op(), b.aggregate(AggregateOp::sum, nv, g, {l}, {g}), b.num(konst(20)));
        }
      }
    }
  }

  void make_rule(int i) {
    int rel = conds[static_cast<std::size_t>(i)];
    int ar = arity[static_cast<std::size_t>(i)];
    int next = ar;
    std::vector<ExprId> conj, gens;
    auto same_arity = [&](int want) {
      std::vector<int> js;
      for (int j = 0; j <= i; ++j)
        if (arity[static_cast<std::size_t>(j)] == want) js.push_back(j);
      return js;
    };
    int choice = pick(4);
    if (ar == 1) {
      if (choice == 0) {
        ExprId g = b.atom(u, {V(0)});
        conj.push_back(g);
        gens.push_back(g);
      } else if (choice == 1 && !same_arity(1).empty()) {
        auto js = same_arity(1);
        ExprId g = b.atom(conds[static_cast<std::size_t>(js[static_cast<std::size_t>(pick(static_cast<int>(js.size())))])], {V(0)});
        conj.push_back(g);
        gens.push_back(g);
      } else if (choice == 2) {
        ExprId g = b.value(n, {V(0)});
        conj.push_back(b.cmp(op(), g, b.num(konst())));
        gens.push_back(g);
      } else {
        int v1 = next++;
        ExprId g = b.atom(e, {V(0), V(v1)});
        conj.push_back(g);
        gens.push_back(g);
      }
    } else {
      if (choice == 0) {
        ExprId g = b.atom(e, {V(0), V(1)});
        conj.push_back(g);
        gens.push_back(g);
      } else if (choice == 1 && !same_arity(2).empty()) {
        auto js = same_arity(2);
        ExprId g = b.atom(conds[static_cast<std::size_t>(js[static_cast<std::size_t>(pick(static_cast<int>(js.size())))])], {V(0), V(1)});
        conj.push_back(g);
        gens.push_back(g);
      } else if (choice == 2 && !same_arity(2).empty()) {
        auto js = same_arity(2);
        int v2 = next++;
        ExprId g1 = b.atom(conds[static_cast<std::size_t>(js[static_cast<std::size_t>(pick(static_cast<int>(js.size())))])], {V(0), V(v2)});
        ExprId g2 = b.atom(e, {V(v2), V(1)});
        conj.push_back(g1);
        conj.push_back(g2);
        gens.push_back(g1);
        gens.push_back(g2);
      } else {
        ExprId g1 = b.atom(u, {V(0)});
        ExprId g2 = b.atom(u, {V(1)});
        conj.push_back(g1);
        conj.push_back(g2);
        gens.push_back(g1);
        gens.push_back(g2);
      }
    }
    std::vector<Term> avail;
    for (int v = 0; v < next; ++v) avail.push_back(V(v));
    if (with_binds && chance(0.4)) {
      // d = m(x) + K  or  d = n(x) * K, then a comparison on d
      int d = next++;
      ExprId val = chance(0.5) ? b.value(m, {V(0)}) : b.value(n, {V(0)});
      ExprId rhs = chance(0.5) ? b.arith(ArithOp::add, val, b.num(konst(5))) : b.arith(ArithOp::mul, val, b.num(konst(3)));
      ExprId bd = b.bind(d, rhs);
      conj.push_back(bd);
      gens.push_back(bd);
      conj.push_back(b.cmp(op(), b.var(d, t_num()), b.num(konst(20))));
    }
    if (chance(0.3)) avail.push_back(C(S(names[static_cast<std::size_t>(pick(3))])));
    int extras = pick(3);
    for (int x = 0; x < extras; ++x) conj.push_back(literal(avail, i, next));
    b.rule(rel, [&] {
      std::vector<int> h;
      for (int v = 0; v < ar; ++v) h.push_back(v);
      return h;
    }(), next, b.and_(conj), gens);
  }

  void make_phase_clauses(int ph, std::vector<Term> avail, int& next) {
    int requires_ = 1 + pick(2);
    for (int r = 0; r < requires_; ++r) {
      int c = b.require(ph, literal(avail, -1, next));
      if (chance(0.3)) b.waive(ph, c, literal(avail, -1, next));
    }
    if (chance(0.5)) {
      int c = b.block(ph, literal(avail, -1, next));
      if (chance(0.2)) b.waive(ph, c, literal(avail, -1, next));
    }
  }

  void build() {
    u = b.fact("u", {t_text()});
    e = b.fact("e", {t_text(), t_text()});
    o = b.fact("o", {t_text()}, std::nullopt, true);
    n = b.fact("n", {t_text()}, t_num(0, 10));
    m = b.fact("m", {t_text()}, t_num(0, 10), true);
    s = b.fact("s", {}, t_bool());
    k = b.fact("k", {}, t_num(0, 10));
    int nconds = 1 + pick(4);
    for (int i = 0; i < nconds; ++i) {
      arity.push_back(1 + (chance(0.35) ? 1 : 0));
      std::vector<ValueType> params(static_cast<std::size_t>(arity.back()), t_text());
      conds.push_back(b.cond("c" + std::to_string(i), params));
    }
    for (int i = 0; i < nconds; ++i) {
      int rules = 1 + pick(2);
      for (int r = 0; r < rules; ++r) make_rule(i);
    }
    int p0 = b.phase("p0");
    int next = 0;
    std::vector<Term> consts{C(S("a")), C(S("b")), C(S("c"))};
    make_phase_clauses(p0, consts, next);
    b.ph(p0).var_names.assign(static_cast<std::size_t>(next), "l");
    int p1 = b.phase("p1", 1);
    std::vector<int> ones;
    for (int j = 0; j < nconds; ++j)
      if (arity[static_cast<std::size_t>(j)] == 1) ones.push_back(j);
    // p1 ranges over a condition, the closed u, or the open o (p2 after p1 then waits on bindings
    // p1 may or may not have).
    if (chance(0.25)) b.for_each(p1, b.atom(o, {V(0)}));
    else if (!ones.empty() && chance(0.5)) b.for_each(p1, b.atom(conds[static_cast<std::size_t>(ones[static_cast<std::size_t>(pick(static_cast<int>(ones.size())))])], {V(0)}));
    else b.for_each(p1, b.atom(u, {V(0)}));
    next = 1;
    make_phase_clauses(p1, {V(0), V(0), C(S("a"))}, next);
    if (chance(0.5)) b.after(p1, p0);
    b.ph(p1).var_names.assign(static_cast<std::size_t>(next), "x");
    int p2 = b.phase("p2", 1);
    b.for_each(p2, b.atom(u, {V(0)}));
    next = 1;
    if (chance(0.5)) make_phase_clauses(p2, {V(0)}, next);
    b.after(p2, p1);
    if (chance(0.3)) b.after(p2, p0);
    b.ph(p2).var_names.assign(static_cast<std::size_t>(next), "x");
    facts();
    b.finish();
  }

  Constant some_number() { return N(pick(11)); }

  void facts() {
    for (const char* x : names) {
      if (chance(0.75)) b.add(u, {S(x)}, chance(0.15) ? std::optional<Constant>(Unknown{}) : std::nullopt);
      for (const char* y : names)
        if (chance(0.35)) b.add(e, {S(x), S(y)}, chance(0.15) ? std::optional<Constant>(Unknown{}) : std::nullopt);
      if (chance(0.5)) {
        int v = pick(3);
        b.add(o, {S(x)}, v == 0 ? Constant{true} : v == 1 ? Constant{false} : Constant{Unknown{}});
      }
      if (chance(0.7)) b.add(n, {S(x)}, chance(0.2) ? Constant{Unknown{}} : some_number());
      if (chance(0.5)) b.add(m, {S(x)}, chance(0.2) ? Constant{Unknown{}} : some_number());
    }
    int sv = pick(4);
    if (sv == 1) b.add(s, {}, true);
    if (sv == 2) b.add(s, {}, false);
    if (sv == 3) b.add(s, {}, Unknown{});
    int kv = pick(3);
    if (kv == 1) b.add(k, {}, some_number());
    if (kv == 2) b.add(k, {}, Unknown{});
  }
};

inline std::vector<std::vector<Constant>> tuples(int arity, const std::vector<Constant>& domain) {
  std::vector<std::vector<Constant>> out{{}};
  for (int a = 0; a < arity; ++a) {
    std::vector<std::vector<Constant>> next;
    for (const auto& t : out)
      for (const auto& c : domain) {
        auto x = t;
        x.push_back(c);
        next.push_back(x);
      }
    out = next;
  }
  return out;
}

inline std::string describe(const Program& p, const FactBase& f) {
  std::ostringstream os;
  for (std::size_t r = 0; r < f.relations(); ++r)
    for (std::size_t i = 0; i < f.size(static_cast<int>(r)); ++i) {
      const FactEntry e = f.entry(static_cast<int>(r), i);
      os << ref_key(p, p.relations[r].name, e.args);
      if (e.value) os << " = " << format_constant_text(*e.value, p);
      os << "\n";
    }
  return os.str();
}

inline const std::vector<Constant> kDomain{S("a"), S("b"), S("c")};

}  // namespace pgtest
