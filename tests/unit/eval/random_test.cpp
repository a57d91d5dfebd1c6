// Random programs: the engine against the naive reference (differential), and every GO / NO-GO and
// every true / false condition against all (or sampled) two-valued completions of the unknowns (soundness).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>
#include <set>
#include <sstream>

#include "builder.hpp"
#include "engine/eval/model.hpp"
#include "reference.hpp"

using namespace pgtest;

namespace {

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
    if (!ones.empty() && chance(0.5)) b.for_each(p1, b.atom(conds[static_cast<std::size_t>(ones[static_cast<std::size_t>(pick(static_cast<int>(ones.size())))])], {V(0)}));
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

std::vector<std::vector<Constant>> tuples(int arity, const std::vector<Constant>& domain) {
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

std::string describe(const Program& p, const FactBase& f) {
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

const std::vector<Constant> kDomain{S("a"), S("b"), S("c")};

// PG_EVAL_LONG=N multiplies the number of random programs (default 1) for a longer run.
unsigned scale() {
  const char* env = std::getenv("PG_EVAL_LONG");
  return env ? static_cast<unsigned>(std::max(1, std::atoi(env))) : 1u;
}

}  // namespace

TEST_CASE("differential: engine vs naive reference on random programs") {
  int compared = 0;
  for (unsigned seed = 1; seed <= 1500 * scale(); ++seed) {
    RandomProgram rp(seed);
    rp.build();
    const Program& p = rp.b.p;
    auto m = evaluate_model(p, rp.b.f, {});
    REQUIRE(m.model);
    RefResult ref = reference_evaluate(p, rp.b.f, Date{});
    for (int r : rp.conds) {
      for (const auto& args : tuples(static_cast<int>(p.relations[static_cast<std::size_t>(r)].param_names.size()), kDomain)) {
        std::string key = ref_key(p, p.relations[static_cast<std::size_t>(r)].name, args);
        auto it = ref.conditions.find(key);
        Truth want = it == ref.conditions.end() ? Truth::false_ : it->second;
        Truth got = m.model->truth(r, args);
        if (got != want) FAIL("seed " << seed << ": " << key << " engine " << to_string(got) << " reference " << to_string(want) << "\n" << describe(p, rp.b.f));
        ++compared;
      }
    }
    const Evaluation& ev = m.model->evaluation();
    REQUIRE(ev.phases.size() == ref.verdicts.size());
    for (const auto& r : ev.phases) {
      std::string key = ref_key(p, p.phases[static_cast<std::size_t>(r.phase)].name, r.args);
      auto it = ref.verdicts.find(key);
      if (it == ref.verdicts.end()) FAIL("seed " << seed << ": engine has " << key << " that the reference does not");
      if (it->second != r.verdict || ref.bindings[key] != r.binding)
        FAIL("seed " << seed << ": " << key << " engine " << to_string(r.verdict) << " reference " << to_string(it->second) << "\n" << describe(p, rp.b.f));
      ++compared;
    }
    // Counts only (EvalOptions::results = false): the same verdicts, counted, and nothing else kept.
    std::vector<PhaseCount> tally(p.phases.size());
    for (const auto& r : ev.phases) {
      auto& t = tally[static_cast<std::size_t>(r.phase)];
      ++(r.verdict == Verdict::go ? t.go : r.verdict == Verdict::no_go ? t.no_go : t.undetermined);
    }
    EvalOptions counts_only;
    counts_only.results = false;
    auto c = evaluate(p, rp.b.f, counts_only);
    REQUIRE(c.evaluation);
    CHECK(c.evaluation->phases.empty());
    REQUIRE(c.evaluation->counts.size() == p.phases.size());
    for (std::size_t i = 0; i < p.phases.size(); ++i) {
      const auto& got = c.evaluation->counts[i];
      if (got.go != tally[i].go || got.no_go != tally[i].no_go || got.undetermined != tally[i].undetermined)
        FAIL("seed " << seed << ": counts of phase " << p.phases[i].name << " differ from the full results");
      if (ev.counts[i].go != tally[i].go || ev.counts[i].no_go != tally[i].no_go)
        FAIL("seed " << seed << ": the full evaluation's counts of phase " << p.phases[i].name << " are wrong");
    }
  }
  CHECK(compared > 5000);
}

namespace {

// One unknown of the facts and the values it may take in a completion.
struct ChoicePoint {
  int relation;
  std::vector<Constant> args;
  std::vector<std::optional<Constant>> options;  // nullopt: the tuple is absent
};

}  // namespace

TEST_CASE("soundness: every GO / NO-GO and every true / false condition holds in every completion") {
  int checked_worlds = 0, definite = 0;
  for (unsigned seed = 5000; seed < 5000 + 300 * scale(); ++seed) {
    RandomProgram rp(seed, seed % 2 == 0);
    rp.build();
    const Program& p = rp.b.p;
    auto m = evaluate_model(p, rp.b.f, {});
    REQUIRE(m.model);
    std::vector<Constant> numbers;
    for (long c : rp.constants)
      for (long d : {c - 1, c, c + 1})
        if (d >= 0 && d <= 10) numbers.push_back(N(d));
    std::sort(numbers.begin(), numbers.end(), constant_less);
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
    std::vector<std::optional<Constant>> number_options(numbers.begin(), numbers.end());

    // Choice points: unknown listed tuples, unlisted tuples of open relations, scalars without a value.
    std::vector<ChoicePoint> points;
    FactBase base = rp.b.f;
    for (std::size_t r = 0; r < p.relations.size(); ++r) {
      const Relation& rel = p.relations[r];
      if (rel.kind != RelationKind::fact) continue;
      bool valued = rel.value_type && rel.value_type->base != BaseType::boolean;
      std::vector<FactEntry> list;
      for (std::size_t i = 0; i < base.size(static_cast<int>(r)); ++i) list.push_back(base.entry(static_cast<int>(r), i));
      std::set<std::vector<std::string>> listed;
      for (const auto& e : list) {
        std::vector<std::string> key;
        for (const auto& a : e.args) key.push_back(format_constant_text(a, p));
        listed.insert(key);
        if (e.value && std::holds_alternative<Unknown>(*e.value)) {
          if (valued) points.push_back({static_cast<int>(r), e.args, number_options});
          else points.push_back({static_cast<int>(r), e.args, {Constant{true}, Constant{false}}});
          base.erase(static_cast<int>(r), e.args);  // a choice point: each world lists it its own way
        }
      }
      if (rel.open || rel.param_names.empty()) {
        for (const auto& args : tuples(static_cast<int>(rel.param_names.size()), kDomain)) {
          std::vector<std::string> key;
          for (const auto& a : args) key.push_back(format_constant_text(a, p));
          if (listed.count(key)) continue;
          if (valued) points.push_back({static_cast<int>(r), args, number_options});
          else points.push_back({static_cast<int>(r), args, {Constant{true}, Constant{false}}});
        }
      }
    }
    // Completions: all of them when few, else a random sample with the extremes.
    double total = 1;
    for (const auto& cp : points) total *= static_cast<double>(cp.options.size());
    std::vector<std::vector<std::size_t>> worlds;
    if (total <= 48) {
      std::vector<std::size_t> idx(points.size(), 0);
      for (;;) {
        worlds.push_back(idx);
        std::size_t i = 0;
        while (i < idx.size() && ++idx[i] == points[i].options.size()) idx[i++] = 0;
        if (i == idx.size()) break;
      }
    } else {
      std::mt19937 rng(seed);
      std::vector<std::size_t> lo(points.size(), 0), hi(points.size());
      for (std::size_t i = 0; i < points.size(); ++i) hi[i] = points[i].options.size() - 1;
      worlds.push_back(lo);
      worlds.push_back(hi);
      for (int w = 0; w < 40; ++w) {
        std::vector<std::size_t> idx(points.size());
        for (std::size_t i = 0; i < points.size(); ++i) idx[i] = std::uniform_int_distribution<std::size_t>(0, points[i].options.size() - 1)(rng);
        worlds.push_back(idx);
      }
    }
    Program closed = p;
    for (auto& rel : closed.relations) rel.open = false;
    for (const auto& w : worlds) {
      FactBase fb = base;
      for (std::size_t i = 0; i < points.size(); ++i) {
        const auto& opt = points[i].options[w[i]];
        if (!opt) continue;
        FactEntry e;
        e.args = points[i].args;
        const Relation& rel = p.relations[static_cast<std::size_t>(points[i].relation)];
        if (rel.value_type) e.value = *opt;
        else if (!std::get<bool>(*opt)) continue;  // a boolean relation lists only its true tuples
        fb.set(points[i].relation, e);
      }
      RefResult world = reference_evaluate(closed, fb, Date{});
      ++checked_worlds;
      for (int r : rp.conds)
        for (const auto& args : tuples(static_cast<int>(p.relations[static_cast<std::size_t>(r)].param_names.size()), kDomain)) {
          Truth engine = m.model->truth(r, args);
          if (engine == Truth::unknown) continue;
          std::string key = ref_key(p, p.relations[static_cast<std::size_t>(r)].name, args);
          auto it = world.conditions.find(key);
          Truth actual = it == world.conditions.end() ? Truth::false_ : it->second;
          if (actual == Truth::unknown) FAIL("seed " << seed << ": a completion is not two-valued at " << key);
          if (actual != engine)
            FAIL("seed " << seed << ": condition " << key << " is " << to_string(engine) << " but " << to_string(actual) << " in a completion\n"
                         << describe(p, fb));
        }
      for (const auto& r : m.model->evaluation().phases) {
        if (r.verdict == Verdict::undetermined) continue;
        ++definite;
        std::string key = ref_key(p, p.phases[static_cast<std::size_t>(r.phase)].name, r.args);
        auto it = world.verdicts.find(key);
        if (it == world.verdicts.end()) {
          // the binding itself may be false in this completion: only a GO (binding true) is wrong
          if (r.verdict == Verdict::go) FAIL("seed " << seed << ": " << key << " is GO but has no binding in a completion");
          continue;
        }
        Verdict actual = it->second;
        if (actual != r.verdict)
          FAIL("seed " << seed << ": " << key << " is " << to_string(r.verdict) << " but " << to_string(actual) << " in a completion\n"
                       << describe(p, fb));
      }
    }
  }
  CHECK(checked_worlds > 1000);
  CHECK(definite > 1000);
}
