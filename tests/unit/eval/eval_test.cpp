// The evaluator on hand-built programs: unknowns, open/closed relations, recursion, aggregates, phases, limits.
#include <catch2/catch.hpp>

#include "builder.hpp"
#include "engine/calendar.hpp"
#include "engine/eval/evaluate.hpp"
#include "engine/eval/model.hpp"

using namespace pgtest;

namespace {

constexpr Truth T = Truth::true_, F = Truth::false_, U = Truth::unknown;

Evaluation run(Builder& b, EvalOptions opt = {}) {
  b.finish();
  EvalOutcome out = evaluate(b.p, b.f, opt);
  if (out.error) FAIL("evaluation error " << out.error->code << ": " << out.error->message);
  return *out.evaluation;
}

const PhaseResult& result(const Evaluation& ev, const Program& p, const std::string& name,
                          std::vector<Constant> args = {}) {
  int id = p.find_phase(name);
  for (const auto& r : ev.phases)
    if (r.phase == id && r.args == args) return r;
  FAIL("no result for phase " << name);
  throw 0;
}

// A numeric edge relation and its closure: path(x, y) when edge(x, y); path(x, y) when path(x, z)
// and edge(z, y) -- or, with `squared`, when path(x, z) and path(z, y). Returns {edge, path}.
std::pair<int, int> closure(Builder& b, const std::string& name, bool squared = false, int edge = -1) {
  if (edge < 0) edge = b.fact("edge", {t_num(), t_num()});
  int path = b.cond(name, {t_num(), t_num()});
  ExprId e1 = b.atom(edge, {V(0), V(1)});
  b.rule(path, {0, 1}, 2, e1, {e1});
  ExprId p1 = b.atom(path, {V(0), V(2)});
  ExprId second = squared ? b.atom(path, {V(2), V(1)}) : b.atom(edge, {V(2), V(1)});
  b.rule(path, {0, 1}, 3, b.and_({p1, second}), {p1, second});
  return {edge, path};
}

// The ISF example of LANGUAGE.md, lowered by hand.
struct Isf {
  Builder b;
  int troops, contributor, sufficient, hostages, hostilities, unsc, sector, secured, roe, interim, clarity_fact;
  int clarity_enum;
  int phase1, phase2, handover;

  Isf() {
    clarity_enum = b.level({"none", "partial", "clear"});
    unsc = b.fact("unsc_authorized", {}, t_bool());
    clarity_fact = b.fact("disarmament_clarity", {}, b.t_level(clarity_enum));
    troops = b.fact("troops_committed", {t_text()}, t_num(0, 50000));
    roe = b.fact("roe_published", {}, t_bool());
    interim = b.fact("interim_roe_agreed", {}, t_bool());
    hostilities = b.fact("hostilities_resumed", {}, t_bool());
    hostages = b.fact("hostages_released", {}, t_bool());
    sector = b.fact("sector", {t_text()});
    secured = b.fact("sector_secured", {t_text()}, t_bool(), true);
    contributor = b.cond("contributor", {t_text()});
    sufficient = b.cond("isf_support_sufficient", {});
    // contributor(c) when troops_committed(c) > 0
    ExprId tv = b.value(troops, {V(0)});
    b.rule(contributor, {0}, 1, b.cmp(CompareOp::gt, tv, b.num(0)), {tv});
    // sum(troops_committed(c)) >= 5000 and count(contributor(c)) >= 3
    ExprId t1 = b.value(troops, {V(0)});
    ExprId sum = b.aggregate(AggregateOp::sum, t1, kNoExpr, {0}, {t1});
    ExprId c1 = b.atom(contributor, {V(1)});
    ExprId count = b.aggregate(AggregateOp::count, c1, kNoExpr, {1}, {c1});
    b.rule(sufficient, {}, 2,
           b.and_({b.cmp(CompareOp::ge, sum, b.num(5000)), b.cmp(CompareOp::ge, count, b.num(3))}), {});
    phase1 = b.phase("phase1");
    b.require(phase1, b.atom(hostages, {}));
    b.block(phase1, b.atom(hostilities, {}));
    phase2 = b.phase("phase2");
    b.after(phase2, phase1);
    b.require(phase2, b.atom(unsc, {}), "mandate");
    b.require(phase2,
              b.cmp(CompareOp::ge, b.value(clarity_fact, {}), b.constant(Member{clarity_enum, 2}, b.t_level(clarity_enum))),
              "disarmament");
    int roe_clause = b.require(phase2, b.atom(roe, {}), "roe");
    b.require(phase2, b.atom(sufficient, {}), "support");
    b.waive(phase2, roe_clause, b.atom(interim, {}));
    b.block(phase2, b.atom(hostilities, {}), "ceasefire_broken");
    handover = b.phase("handover", 1);
    b.for_each(handover, b.atom(sector, {V(0)}));
    b.after(handover, phase2);
    b.require(handover, b.atom(secured, {V(0)}), "secured");
  }
};

}  // namespace

TEST_CASE("ISF briefing: sums and counts with an unknown contributor are undetermined") {
  Isf isf;
  Builder& b = isf.b;
  b.add(isf.unsc, {}, true);
  b.add(isf.clarity_fact, {}, Member{isf.clarity_enum, 2});
  b.add(isf.troops, {S("Azerbaijan")}, N(1000));
  b.add(isf.troops, {S("Pakistan")}, N(2500));
  b.add(isf.troops, {S("Indonesia")}, Unknown{});
  b.add(isf.roe, {}, false);
  b.add(isf.interim, {}, true);
  b.add(isf.hostilities, {}, false);
  b.add(isf.hostages, {}, true);
  b.add(isf.sector, {S("Rafah")});
  b.add(isf.sector, {S("Gaza City")});
  b.add(isf.secured, {S("Rafah")}, true);
  Evaluation ev = run(b);
  const Program& p = b.p;
  CHECK(result(ev, p, "phase1").verdict == Verdict::go);
  const PhaseResult& p2 = result(ev, p, "phase2");
  CHECK(p2.verdict == Verdict::undetermined);
  REQUIRE(p2.clauses.size() == 5);
  CHECK(p2.clauses[0].met == T);
  CHECK(p2.clauses[1].met == T);
  CHECK(p2.clauses[2].expr_value == F);  // roe not published ...
  CHECK(p2.clauses[2].met == T);         // ... but waived
  CHECK(p2.clauses[2].waivers_true == std::vector<int>{0});
  CHECK(p2.clauses[3].met == U);
  CHECK(p2.clauses[4].met == T);
  CHECK(p2.unknowns == std::vector<std::string>{"troops_committed(\"Indonesia\")"});
  // handover: sorted bindings, after phase2 (undetermined), Gaza City's security is unknown (open)
  std::vector<const PhaseResult*> hs;
  for (const auto& r : ev.phases)
    if (r.phase == isf.handover) hs.push_back(&r);
  REQUIRE(hs.size() == 2);
  CHECK(hs[0]->args == std::vector<Constant>{S("Gaza City")});
  CHECK(hs[1]->args == std::vector<Constant>{S("Rafah")});
  CHECK(hs[0]->verdict == Verdict::undetermined);
  CHECK(hs[1]->verdict == Verdict::undetermined);
  CHECK(hs[0]->unknowns == std::vector<std::string>{"sector_secured(\"Gaza City\")", "troops_committed(\"Indonesia\")"});
  CHECK(hs[1]->unknowns == std::vector<std::string>{"troops_committed(\"Indonesia\")"});
  // results come in declaration order of the phases
  CHECK(ev.phases[0].phase == isf.phase1);
  CHECK(ev.phases[1].phase == isf.phase2);
}

TEST_CASE("ISF: enough troops make support certain; too few make it false") {
  for (int scenario = 0; scenario < 2; ++scenario) {
    Isf isf;
    Builder& b = isf.b;
    b.add(isf.unsc, {}, true);
    b.add(isf.clarity_fact, {}, Member{isf.clarity_enum, 1});
    b.add(isf.troops, {S("A")}, N(1000));
    b.add(isf.troops, {S("B")}, N(scenario == 0 ? 2500 : 0));
    b.add(isf.troops, {S("C")}, scenario == 0 ? Constant{N(1500)} : Constant{N(0)});
    b.add(isf.roe, {}, true);
    b.add(isf.hostilities, {}, false);
    b.add(isf.hostages, {}, true);
    Evaluation ev = run(b);
    const PhaseResult& p2 = result(ev, b.p, "phase2");
    CHECK(p2.clauses[3].met == (scenario == 0 ? T : F));
    CHECK(p2.clauses[1].met == F);  // partial < clear
    CHECK(p2.verdict == Verdict::no_go);
    CHECK(p2.unknowns.empty());
  }
}

TEST_CASE("scalars with no value are unknown; a block that is unknown caps at UNDETERMINED") {
  Isf isf;
  Builder& b = isf.b;
  b.add(isf.hostages, {}, true);
  Evaluation ev = run(b);
  const PhaseResult& p1 = result(ev, b.p, "phase1");
  CHECK(p1.verdict == Verdict::undetermined);
  CHECK(p1.clauses[1].expr_value == U);
  CHECK(p1.unknowns == std::vector<std::string>{"hostilities_resumed"});
  const PhaseResult& p2 = result(ev, b.p, "phase2");
  CHECK(p2.verdict == Verdict::no_go);  // no troops listed: the sum is 0, support is false
  CHECK(p2.clauses[3].met == F);
  CHECK(p2.clauses[0].met == U);
  CHECK(p2.after[0].verdict == Verdict::undetermined);
  CHECK(p2.unknowns == std::vector<std::string>{"disarmament_clarity", "hostilities_resumed", "interim_roe_agreed",
                                                "roe_published", "unsc_authorized"});
  // a true block makes it NO-GO regardless of unknowns
  Isf isf2;
  isf2.b.add(isf2.hostilities, {}, true);
  Evaluation ev2 = run(isf2.b);
  CHECK(result(ev2, isf2.b.p, "phase1").verdict == Verdict::no_go);
  CHECK(result(ev2, isf2.b.p, "phase2").verdict == Verdict::no_go);
}

TEST_CASE("closed valued relation: an unlisted tuple has no value") {
  Builder b;
  int police = b.fact("police_trained", {t_text()}, t_num(0, 10000));
  int ph = b.phase("p");
  b.require(ph, b.cmp(CompareOp::ge, b.value(police, {C(S("X"))}), b.num(200)));
  b.require(ph, b.not_(b.cmp(CompareOp::ge, b.value(police, {C(S("X"))}), b.num(200))));
  b.require(ph, b.cmp(CompareOp::lt, b.value(police, {C(S("X"))}), b.num(200)));
  Evaluation ev = run(b);
  const PhaseResult& r = result(ev, b.p, "p");
  CHECK(r.clauses[0].expr_value == F);
  CHECK(r.clauses[1].expr_value == T);
  CHECK(r.clauses[2].expr_value == F);
  CHECK(r.verdict == Verdict::no_go);
}

TEST_CASE("open valued relation: unlisted is unknown within the declared range") {
  Builder b;
  int fuel = b.fact("fuel", {t_text()}, t_num(0, 100), true);
  int unit = b.fact("unit", {t_text()});
  int low = b.cond("low", {t_text()});
  ExprId u = b.atom(unit, {V(0)});
  b.rule(low, {0}, 1, b.and_({u, b.cmp(CompareOp::lt, b.value(fuel, {V(0)}), b.num(10))}), {u});
  int ok = b.cond("in_range", {t_text()});
  ExprId u2 = b.atom(unit, {V(0)});
  b.rule(ok, {0}, 1, b.and_({u2, b.cmp(CompareOp::le, b.value(fuel, {V(0)}), b.num(100))}), {u2});
  b.add(unit, {S("a")});
  b.add(unit, {S("b")});
  b.add(unit, {S("c")});
  b.add(fuel, {S("a")}, N(5));
  b.add(fuel, {S("b")}, N(50));
  b.finish();
  auto m = evaluate_model(b.p, b.f, {});
  REQUIRE(m.model);
  CHECK(m.model->truth(low, {S("a")}) == T);
  CHECK(m.model->truth(low, {S("b")}) == F);
  CHECK(m.model->truth(low, {S("c")}) == U);
  CHECK(m.model->truth(ok, {S("c")}) == T);  // every value in 0..100 is <= 100
  CHECK(m.model->truth(fuel, {S("zzz")}) == U);
  Value v = m.model->value(fuel, {S("c")});
  CHECK(v.kind == Value::Kind::numeric);
  CHECK(v.lo == Bound::finite(dec(0)));
  CHECK(v.hi == Bound::finite(dec(100)));
  CHECK(m.model->value(fuel, {S("a")}).is_known());
}

TEST_CASE("recursion: closure with an unknown edge, negation of it, and semi-naive rounds") {
  Builder b;
  int edge = b.fact("edge", {t_text(), t_text()});
  int node = b.fact("node", {t_text()});
  int path = b.cond("path", {t_text(), t_text()});
  int isolated = b.cond("cut_off", {t_text()});
  ExprId e1 = b.atom(edge, {V(0), V(1)});
  b.rule(path, {0, 1}, 2, e1, {e1});
  ExprId p1 = b.atom(path, {V(0), V(2)});
  ExprId e2 = b.atom(edge, {V(2), V(1)});
  b.rule(path, {0, 1}, 3, b.and_({p1, e2}), {p1, e2});
  ExprId n = b.atom(node, {V(0)});
  b.rule(isolated, {0}, 1, b.and_({n, b.not_(b.atom(path, {V(0), C(S("d"))}))}), {n});
  for (const char* x : {"a", "b", "c", "d", "e"}) b.add(node, {S(x)});
  b.add(edge, {S("a"), S("b")});
  b.add(edge, {S("b"), S("c")}, Unknown{});
  b.add(edge, {S("c"), S("d")});
  b.add(edge, {S("d"), S("e")});
  b.finish();
  auto m = evaluate_model(b.p, b.f, {});
  REQUIRE(m.model);
  CHECK(m.model->truth(path, {S("a"), S("b")}) == T);
  CHECK(m.model->truth(path, {S("a"), S("c")}) == U);
  CHECK(m.model->truth(path, {S("a"), S("e")}) == U);
  CHECK(m.model->truth(path, {S("c"), S("e")}) == T);
  CHECK(m.model->truth(path, {S("e"), S("a")}) == F);
  CHECK(m.model->truth(isolated, {S("a")}) == U);
  CHECK(m.model->truth(isolated, {S("c")}) == F);
  CHECK(m.model->truth(isolated, {S("e")}) == T);
  CHECK(m.model->truth(isolated, {S("d")}) == T);
  // derivations and matches for explanations
  auto ds = m.model->derivations(path, {S("a"), S("c")});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].truth == U);
  CHECK(ds[0].binding[2] == std::optional<Constant>(S("b")));
  auto ms = m.model->match(b.atom(edge, {V(0), V(1)}), Binding{Constant{S("b")}, std::nullopt});
  REQUIRE(ms.size() == 1);
  CHECK(ms[0].truth == U);
  CHECK(ms[0].fact_entry == 1);
}

TEST_CASE("long chain closure is complete (semi-naive)") {
  Builder b;
  auto [edge, path] = closure(b, "path");
  int count_rel = b.cond("big", {});
  ExprId pa = b.atom(path, {V(0), V(1)});
  ExprId cnt = b.aggregate(AggregateOp::count, pa, kNoExpr, {0, 1}, {pa});
  b.rule(count_rel, {}, 2, b.cmp(CompareOp::eq, cnt, b.num(60 * 59 / 2)), {});
  for (long i = 0; i + 1 < 60; ++i) b.add(edge, {N(i), N(i + 1)});
  b.finish();
  auto m = evaluate_model(b.p, b.f, {});
  REQUIRE(m.model);
  CHECK(m.model->truth(count_rel, {}) == T);
  CHECK(m.model->evaluation().derived_tuples == 60 * 59 / 2 + 1);
}

// New tuples are looked up and appended in batches: a dense closure repeats candidates within a
// batch and across rounds, and each pair must still be derived exactly once.
TEST_CASE("closure of a random graph: every reachable pair once, nothing else") {
  constexpr int kNodes = 90;
  Builder b;
  auto [edge, path] = closure(b, "path");
  // the same closure by joining the closure with itself: two generators over this stratum
  int reach = closure(b, "reach", /*squared=*/true, edge).second;
  std::vector<std::vector<int>> out(kNodes);
  std::uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u, static_cast<int>((seed >> 8) % kNodes); };
  for (int k = 0; k < 2 * kNodes; ++k) {
    int from = next(), to = next();
    if (std::find(out[from].begin(), out[from].end(), to) != out[from].end()) continue;
    out[from].push_back(to);
    b.add(edge, {N(from), N(to)});
  }
  b.finish();
  auto m = evaluate_model(b.p, b.f, {});
  REQUIRE(m.model);
  std::size_t pairs = 0;
  for (int from = 0; from < kNodes; ++from) {
    std::vector<char> seen(kNodes, 0);
    std::vector<int> todo(out[from]);
    while (!todo.empty()) {
      int x = todo.back();
      todo.pop_back();
      if (seen[x]) continue;
      seen[x] = 1;
      todo.insert(todo.end(), out[x].begin(), out[x].end());
    }
    for (int to = 0; to < kNodes; ++to) {
      pairs += seen[to] ? 1 : 0;
      if (m.model->truth(path, {N(from), N(to)}) != (seen[to] ? T : F)) FAIL("path(" << from << ", " << to << ")");
      if (m.model->truth(reach, {N(from), N(to)}) != (seen[to] ? T : F)) FAIL("reach(" << from << ", " << to << ")");
    }
  }
  CHECK(pairs > 1000);
  CHECK(m.model->evaluation().derived_tuples == 2 * pairs);
}

TEST_CASE("limits: derived tuples and division by zero are errors with a code") {
  Builder b;
  int edge = closure(b, "path").first;
  for (long i = 0; i + 1 < 100; ++i) b.add(edge, {N(i), N(i + 1)});
  b.finish();
  EvalOptions opt;
  opt.max_tuples = 1000;
  EvalOutcome out = evaluate(b.p, b.f, opt);
  REQUIRE(out.error);
  CHECK(out.error->code == "E0901");
  opt.max_tuples = 10000;
  opt.max_seconds = -1;  // already over: stops at the first check
  for (long i = 100; i + 1 < 400; ++i) b.add(edge, {N(i), N(i + 1)});
  out = evaluate(b.p, b.f, opt);
  REQUIRE(out.error);
  CHECK((out.error->code == "E0902" || out.error->code == "E0901"));

  Builder z;
  int k = z.fact("k", {}, t_num(0, 10));
  int ph = z.phase("p");
  ExprId div = z.arith(ArithOp::div, z.num(1), z.value(k, {}));
  z.p.exprs[static_cast<std::size_t>(div)].pos = SourcePos{"x.rules", 7, 3};
  z.p.exprs[static_cast<std::size_t>(div)].text = "1 / k";
  z.require(ph, z.cmp(CompareOp::gt, div, z.num(1)));
  z.add(k, {}, N(0));
  z.finish();
  out = evaluate(z.p, z.f, {});
  REQUIRE(out.error);
  CHECK(out.error->code == "E0903");
  CHECK(out.error->pos.line == 7);
  CHECK(out.error->message.find("1 / k") != std::string::npos);
  // an unknown k in 0..10 only makes the quotient unbounded
  z.f.erase(k, {});
  out = evaluate(z.p, z.f, {});
  REQUIRE(out.evaluation);
  CHECK(out.evaluation->phases[0].verdict == Verdict::undetermined);
}

// New tuples wait in a batch before they are appended; the limit must still stop the evaluation at
// the candidate that crosses it, before a later candidate can fail otherwise (here: 1 / 0).
TEST_CASE("limits: the tuple over the limit stops the evaluation before later candidates are evaluated") {
  Builder b;
  int f = b.fact("f", {t_num()});
  int g = b.fact("g", {t_num()}, t_num());
  int c = b.cond("c", {t_num()});
  ExprId fx = b.atom(f, {V(0)});
  ExprId quotient = b.arith(ArithOp::div, b.num(1), b.value(g, {V(0)}));
  b.rule(c, {0}, 1, b.and_({fx, b.cmp(CompareOp::gt, quotient, b.num(0))}), {fx});
  for (long x = 1; x <= 3; ++x) {
    b.add(f, {N(x)});
    b.add(g, {N(x)}, N(x == 3 ? 0 : 1));
  }
  b.finish();
  EvalOptions opt;
  opt.max_tuples = 1;
  EvalOutcome out = evaluate(b.p, b.f, opt);
  REQUIRE(out.error);
  CHECK(out.error->code == "E0901");
  opt.max_tuples = 2;  // c(1) and c(2) fit: the division by zero at x = 3 is reached
  out = evaluate(b.p, b.f, opt);
  REQUIRE(out.error);
  CHECK(out.error->code == "E0903");
}

TEST_CASE("aggregates: unknown filters widen count, min/max over nothing have no value") {
  Builder b;
  int item = b.fact("item", {t_text()}, t_num(0, 100));
  int ok = b.fact("ok", {t_text()}, t_bool());
  int ph = b.phase("p", 0, 4);
  // count(item(x) where ok(x))
  ExprId iv = b.value(item, {V(0)});
  ExprId cnt = b.aggregate(AggregateOp::count, iv, b.atom(ok, {V(0)}), {0}, {iv});
  b.require(ph, b.cmp(CompareOp::ge, cnt, b.num(1)), "ge1");
  b.require(ph, b.cmp(CompareOp::ge, cnt, b.num(2)), "ge2");
  b.require(ph, b.cmp(CompareOp::ge, cnt, b.num(3)), "ge3");
  // min(item(x) where ok(x)) <= 10
  ExprId iv2 = b.value(item, {V(1)});
  ExprId mn = b.aggregate(AggregateOp::min, iv2, b.atom(ok, {V(1)}), {1}, {iv2});
  b.require(ph, b.cmp(CompareOp::le, mn, b.num(10)), "min");
  // max over nothing: no value
  ExprId iv3 = b.value(item, {V(2)});
  ExprId mx = b.aggregate(AggregateOp::max, iv3, b.cmp(CompareOp::gt, iv3, b.num(1000)), {2}, {iv3});
  b.require(ph, b.cmp(CompareOp::ge, mx, b.num(0)), "max");
  b.require(ph, b.not_(b.cmp(CompareOp::ge, mx, b.num(0))), "notmax");
  // sum with an unknown value and an unknown participant
  ExprId iv4 = b.value(item, {V(3)});
  ExprId sm = b.aggregate(AggregateOp::sum, iv4, b.atom(ok, {V(3)}), {3}, {iv4});
  b.require(ph, b.cmp(CompareOp::ge, sm, b.num(5)), "sum5");
  b.require(ph, b.cmp(CompareOp::le, sm, b.num(200)), "sum200");
  b.add(item, {S("a")}, N(5));
  b.add(item, {S("b")}, N(20));
  b.add(item, {S("c")}, Unknown{});
  b.add(item, {S("d")}, N(1));
  b.add(ok, {S("a")}, true);
  b.add(ok, {S("b")}, Unknown{});
  b.add(ok, {S("c")}, true);
  b.add(ok, {S("d")}, false);
  Evaluation ev = run(b);
  const PhaseResult& r = ev.phases[0];
  CHECK(r.clauses[0].expr_value == T);  // count in 2..3
  CHECK(r.clauses[1].expr_value == T);
  CHECK(r.clauses[2].expr_value == U);
  CHECK(r.clauses[3].expr_value == T);  // min <= 5 whatever b and c are
  CHECK(r.clauses[4].expr_value == F);
  CHECK(r.clauses[5].expr_value == T);
  CHECK(r.clauses[6].expr_value == T);  // 5 + [0,20] + [0,100] >= 5
  CHECK(r.clauses[7].expr_value == T);  // <= 125
  CHECK(r.verdict == Verdict::no_go);   // the max requirement fails; ge3 stays unknown
  CHECK(r.unknowns == std::vector<std::string>{"ok(\"b\")"});
}

TEST_CASE("min with only uncertain participants is at most unknown; open relation aggregates are open above") {
  Builder b;
  int item = b.fact("item", {t_text()}, t_num(0, 100));
  int ok = b.fact("ok", {t_text()}, t_bool());
  int seen = b.fact("seen", {t_text()}, std::nullopt, true);
  int ph = b.phase("p", 0, 3);
  ExprId iv = b.value(item, {V(0)});
  ExprId mn = b.aggregate(AggregateOp::min, iv, b.atom(ok, {V(0)}), {0}, {iv});
  b.require(ph, b.cmp(CompareOp::le, mn, b.num(50)));
  b.require(ph, b.cmp(CompareOp::ge, mn, b.num(50)));
  ExprId sa = b.atom(seen, {V(1)});
  ExprId cnt = b.aggregate(AggregateOp::count, sa, kNoExpr, {1}, {sa});
  b.require(ph, b.cmp(CompareOp::ge, cnt, b.num(1)));
  b.require(ph, b.cmp(CompareOp::ge, cnt, b.num(2)));
  b.require(ph, b.cmp(CompareOp::le, cnt, b.num(0)));
  b.add(item, {S("a")}, N(5));
  b.add(ok, {S("a")}, Unknown{});
  b.add(seen, {S("a")});
  Evaluation ev = run(b);
  const PhaseResult& r = ev.phases[0];
  CHECK(r.clauses[0].expr_value == U);  // 5 if a takes part, no value otherwise
  CHECK(r.clauses[1].expr_value == F);
  CHECK(r.clauses[2].expr_value == T);
  CHECK(r.clauses[3].expr_value == U);
  CHECK(r.clauses[4].expr_value == F);
  CHECK(std::find(r.unknowns.begin(), r.unknowns.end(), "seen(_)") != r.unknowns.end());
}

TEST_CASE("grouping: aggregates with outer variables") {
  Builder b;
  int unit = b.fact("unit", {t_text()});
  int equip = b.fact("equip", {t_text(), t_text(), t_num()}, std::nullopt);
  int heavy = b.cond("heavy", {t_text()});
  // heavy(u) when unit(u) and sum(w where equip(u, _, w)) > 10
  ExprId u = b.atom(unit, {V(0)});
  ExprId eq = b.atom(equip, {V(0), W(), V(1)});
  ExprId w = b.var(1, t_num());
  ExprId sm = b.aggregate(AggregateOp::sum, w, eq, {1}, {eq});
  b.rule(heavy, {0}, 2, b.and_({u, b.cmp(CompareOp::gt, sm, b.num(10))}), {u});
  b.add(unit, {S("u1")});
  b.add(unit, {S("u2")});
  b.add(equip, {S("u1"), S("e1"), N(6)});
  b.add(equip, {S("u1"), S("e2"), N(6)});  // same weight, another item: both count
  b.add(equip, {S("u2"), S("e1"), N(6)});
  b.add(equip, {S("u2"), S("e2"), N(4)}, Unknown{});
  b.finish();
  auto m = evaluate_model(b.p, b.f, {});
  REQUIRE(m.model);
  CHECK(m.model->truth(heavy, {S("u1")}) == T);
  CHECK(m.model->truth(heavy, {S("u2")}) == F);  // 6 or 10: never > 10
}

TEST_CASE("alternatives are or-ed; bind generators; dates and today") {
  Builder b;
  int a = b.fact("a", {t_num()});
  int c = b.fact("c", {t_num()});
  int board = b.fact("board_announced_on", {}, t_date());
  int either = b.cond("either", {t_num()});
  ExprId ga = b.atom(a, {V(0)});
  b.rule(either, {0}, 1, ga, {ga});
  ExprId gc = b.atom(c, {V(0)});
  b.rule(either, {0}, 1, gc, {gc});
  int twice = b.cond("twice", {t_num()});
  ExprId ge = b.atom(either, {V(0)});
  ExprId bd = b.bind(1, b.arith(ArithOp::mul, b.var(0, t_num()), b.num(2)));
  b.rule(twice, {1}, 2, b.and_({ge, bd}), {ge, bd});
  int ph = b.phase("dated");
  ExprId since = b.arith(ArithOp::sub, b.today(), b.value(board, {}));
  b.require(ph, b.cmp(CompareOp::ge, since, b.constant(Duration{30}, t_duration())));
  ExprId plus = b.arith(ArithOp::add, b.value(board, {}), b.constant(Duration{14}, t_duration()));
  b.require(ph, b.cmp(CompareOp::lt, plus, b.today()));
  b.add(a, {N(1)});
  b.add(c, {N(2)});
  b.add(a, {N(2)}, Unknown{});
  b.add(board, {}, Date{days_from_civil(2026, 10, 1)});
  b.finish();
  EvalOptions opt;
  opt.today = Date{days_from_civil(2026, 11, 20)};
  auto m = evaluate_model(b.p, b.f, opt);
  REQUIRE(m.model);
  CHECK(m.model->truth(either, {N(1)}) == T);
  CHECK(m.model->truth(either, {N(2)}) == T);  // unknown or true
  CHECK(m.model->truth(twice, {N(4)}) == T);
  CHECK(m.model->truth(twice, {N(2)}) == T);
  CHECK(m.model->truth(twice, {N(3)}) == F);
  CHECK(m.model->evaluation().phases[0].verdict == Verdict::go);
  opt.today = Date{days_from_civil(2026, 10, 20)};
  auto m2 = evaluate_model(b.p, b.f, opt);
  REQUIRE(m2.model);
  CHECK(m2.model->evaluation().phases[0].verdict == Verdict::no_go);
  CHECK(m2.model->evaluation().phases[0].clauses[1].expr_value == T);
  // eval under a binding, for explanations
  Value v = m2.model->eval(since, {});
  CHECK(std::get<Duration>(constant_of_value(v)).days == 19);
}

TEST_CASE("for each: unknown bindings cap at UNDETERMINED; after with parameters; waivers unknown") {
  Builder b;
  int sector = b.fact("sector", {t_text()});
  int ready = b.fact("ready", {t_text()}, t_bool());
  int waived = b.fact("exempt", {t_text()}, t_bool());
  int prep = b.phase("prep", 1);
  b.for_each(prep, b.atom(sector, {V(0)}));
  int rc = b.require(prep, b.atom(ready, {V(0)}), "ready");
  b.waive(prep, rc, b.atom(waived, {V(0)}));
  int go = b.phase("go", 1);
  b.for_each(go, b.atom(sector, {V(0)}));
  b.after(go, prep);
  b.add(sector, {S("n")});
  b.add(sector, {S("s")}, Unknown{});
  b.add(sector, {S("e")});
  b.add(sector, {S("w")});
  b.add(ready, {S("n")}, true);
  b.add(ready, {S("s")}, true);
  b.add(ready, {S("e")}, false);
  b.add(waived, {S("e")}, Unknown{});
  b.add(ready, {S("w")}, false);
  b.add(waived, {S("w")}, false);
  Evaluation ev = run(b);
  std::vector<std::pair<std::string, Verdict>> got;
  for (const auto& r : ev.phases)
    if (r.phase == prep) got.emplace_back(std::get<std::string>(r.args[0]), r.verdict);
  std::vector<std::pair<std::string, Verdict>> want{
      {"e", Verdict::undetermined}, {"n", Verdict::go}, {"s", Verdict::undetermined}, {"w", Verdict::no_go}};
  CHECK(got == want);
  const PhaseResult& e = result(ev, b.p, "prep", {S("e")});
  CHECK(e.clauses[0].waivers_unknown == std::vector<int>{0});
  CHECK(e.unknowns == std::vector<std::string>{"exempt(\"e\")"});
  const PhaseResult& s = result(ev, b.p, "prep", {S("s")});
  CHECK(s.binding == U);
  CHECK(s.unknowns == std::vector<std::string>{"sector(\"s\")"});
  CHECK(result(ev, b.p, "go", {S("n")}).verdict == Verdict::go);
  CHECK(result(ev, b.p, "go", {S("w")}).verdict == Verdict::no_go);
  CHECK(result(ev, b.p, "go", {S("e")}).unknowns == std::vector<std::string>{"exempt(\"e\")"});
}

TEST_CASE("or with an unknown branch; a condition used under or is re-run whole") {
  Builder b;
  int n = b.fact("n", {t_num()});
  int m = b.fact("m", {t_num()}, t_bool());
  int reach = b.cond("reach", {t_num()});
  // reach(x) when n(x) and (x = 5 or reach(5)) -- recursion under `or`
  ExprId g = b.atom(n, {V(0)});
  b.rule(reach, {0}, 1,
         b.and_({g, b.or_({b.cmp(CompareOp::eq, b.var(0, t_num()), b.num(5)), b.atom(reach, {C(N(5))})})}), {g});
  int either = b.cond("either", {t_num()});
  ExprId g2 = b.atom(n, {V(0)});
  b.rule(either, {0}, 1,
         b.and_({g2, b.or_({b.atom(m, {V(0)}), b.cmp(CompareOp::gt, b.var(0, t_num()), b.num(3))})}), {g2});
  for (long i = 0; i < 6; ++i) b.add(n, {N(i)});
  b.add(m, {N(1)}, Unknown{});
  b.add(m, {N(2)}, true);
  b.finish();
  auto md = evaluate_model(b.p, b.f, {});
  REQUIRE(md.model);
  for (long i = 0; i < 6; ++i) CHECK(md.model->truth(reach, {N(i)}) == T);
  CHECK(md.model->truth(either, {N(0)}) == F);
  CHECK(md.model->truth(either, {N(1)}) == U);
  CHECK(md.model->truth(either, {N(2)}) == T);
  CHECK(md.model->truth(either, {N(5)}) == T);
}

TEST_CASE("a variable bound to an uncertain value makes the tuples it names at most unknown") {
  Builder b;
  int val = b.fact("val", {t_text()}, t_num(0, 10));
  int dbl = b.cond("dbl", {t_text(), t_num()});
  int big = b.cond("big", {t_text()});
  ExprId v = b.value(val, {V(0)});
  ExprId bd = b.bind(1, b.arith(ArithOp::mul, v, b.num(2)));
  b.rule(dbl, {0, 1}, 2, b.and_({bd}), {v, bd});
  ExprId g = b.atom(dbl, {V(0), V(1)});
  b.rule(big, {0}, 2, b.and_({g, b.cmp(CompareOp::ge, b.var(1, t_num()), b.num(15))}), {g});
  // joined(x) when dbl(x, d) and hit(d): an uncertain d may equal a listed value
  int hit = b.fact("hit", {t_num()});
  int joined = b.cond("joined", {t_text()});
  ExprId g2 = b.atom(dbl, {V(0), V(1)});
  ExprId h = b.atom(hit, {V(1)});
  b.rule(joined, {0}, 2, b.and_({g2, h}), {g2, h});
  // not_ten(x) when val(x) and not dbl(x, 10)
  int not_ten = b.cond("not_ten", {t_text()});
  ExprId g3 = b.value(val, {V(0)});
  b.rule(not_ten, {0}, 1, b.and_({b.cmp(CompareOp::ge, g3, b.num(0)), b.not_(b.atom(dbl, {V(0), C(N(10))}))}), {g3});
  b.add(hit, {N(18)});
  b.add(hit, {N(30)});
  int ph = b.phase("p", 1);
  b.for_each(ph, b.atom(val, {V(0)}));
  b.block(ph, b.atom(big, {V(0)}));
  b.add(val, {S("a")}, N(9));
  b.add(val, {S("b")}, N(2));
  b.add(val, {S("c")}, Unknown{});
  b.finish();
  auto m = evaluate_model(b.p, b.f, {});
  REQUIRE(m.model);
  CHECK(m.model->truth(dbl, {S("a"), N(18)}) == T);
  CHECK(m.model->truth(big, {S("a")}) == T);
  CHECK(m.model->truth(big, {S("b")}) == F);
  CHECK(m.model->truth(big, {S("c")}) == U);  // 2 * (0..10) may or may not reach 15
  CHECK(m.model->truth(joined, {S("a")}) == T);
  CHECK(m.model->truth(joined, {S("b")}) == F);
  CHECK(m.model->truth(joined, {S("c")}) == U);  // 18 is within 0..20, 30 is not
  CHECK(m.model->truth(not_ten, {S("a")}) == T);
  CHECK(m.model->truth(not_ten, {S("b")}) == T);
  CHECK(m.model->truth(not_ten, {S("c")}) == U);  // dbl("c", 10) may hold
  CHECK(m.model->truth(dbl, {S("c"), N(10)}) == U);
  CHECK(m.model->truth(dbl, {S("c"), N(21)}) == F);  // 2 * (0..10) never reaches 21
  auto rows = m.model->tuples(dbl);
  REQUIRE(rows.size() == 3);
  int unknown_rows = 0;
  for (const auto& r : rows)
    if (r.truth == U) {
      ++unknown_rows;
      CHECK(std::holds_alternative<Unknown>(r.args[1]));
    }
  CHECK(unknown_rows == 1);
  const auto& phases = m.model->evaluation().phases;
  REQUIRE(phases.size() == 3);
  CHECK(phases[0].verdict == Verdict::no_go);
  CHECK(phases[1].verdict == Verdict::go);
  CHECK(phases[2].verdict == Verdict::undetermined);
  CHECK(phases[2].unknowns == std::vector<std::string>{"val(\"c\")"});
}
