// Unit tests of the lowering: generators and their order, binds, splitting, aggregates, strata, labels, members.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace phasegate;
using namespace phasegate::test;
using engine::ExprKind;

namespace {

const char* kIsf = R"(ruleset isf "t"
  source briefing "b"
fact disarmament_clarity: level { none < partial < clear } "d"
fact troops_committed(country: text): number in 0..50_000 "t"
fact roe_published: bool "r"
fact interim_roe_agreed: bool "i"
fact hostilities_resumed: bool "h"
fact hostages_released: bool "h"
fact sector(name: text) "s"
fact sector_secured(name: text): bool open
condition contributor(c) "c" when troops_committed(c) > 0
condition isf_support_sufficient "s"
  when sum(troops_committed(c)) >= 5_000 and count(contributor(c)) >= 3
  because "why" cite briefing
phase phase1 "p1"
  require hostages_released
  block if hostilities_resumed
phase phase2 "p2"
  after phase1
  require disarmament: disarmament_clarity >= clear because "x"
  require roe: roe_published
  require support: isf_support_sufficient
  waive roe when interim_roe_agreed because "y"
  block ceasefire_broken: if hostilities_resumed
phase handover(s) "h"
  for each sector(s)
  after phase2
  require secured: sector_secured(s)
)";

}  // namespace

TEST_CASE("the spec's ruleset lowers with the documented shape", "[lower]") {
  auto c = check_text(kIsf);
  INFO(c.rendered());
  REQUIRE(c.program);
  const auto& p = *c.program;

  const auto& contributor = rule_of(p, "contributor");
  CHECK(contributor.var_names.at(0) == "c");
  CHECK(contributor.head_vars == std::vector<int>{0});
  CHECK(generators(p, contributor.body.generators, contributor.var_names) == "value:troops_committed(c)");
  CHECK(p.exprs[contributor.body.expr].text == "troops_committed(c) > 0");
  int rc = p.find_relation("contributor");
  CHECK(p.relations[rc].param_types.at(0).base == engine::BaseType::text);

  const auto& support = rule_of(p, "isf_support_sufficient");
  const auto& body = p.exprs[support.body.expr];
  CHECK(body.text == "sum(troops_committed(c)) >= 5_000 and count(contributor(c)) >= 3");
  CHECK(support.body.generators.empty());
  CHECK(support.because == "why");
  CHECK(support.cite_source == std::optional<std::string>("briefing"));
  // each aggregate has its own local `c`
  const auto& sum = p.exprs[p.exprs[body.children[0]].children[0]];
  const auto& count = p.exprs[p.exprs[body.children[1]].children[0]];
  REQUIRE(sum.kind == ExprKind::aggregate);
  REQUIRE(count.kind == ExprKind::aggregate);
  REQUIRE(sum.locals.size() == 1);
  REQUIRE(count.locals.size() == 1);
  CHECK(sum.locals[0] != count.locals[0]);
  CHECK(support.var_names[sum.locals[0]] == "c");
  CHECK(generators(p, sum.generators, support.var_names) == "value:troops_committed(c)");
  CHECK(generators(p, count.generators, support.var_names) == "atom:contributor(c)");

  // strata: contributor before the condition that counts it
  int rs = p.find_relation("isf_support_sufficient");
  CHECK(p.relations[rc].stratum < p.relations[rs].stratum);
  REQUIRE(p.strata.size() == 2);

  // labels and waivers
  const auto& ph1 = p.phases[p.find_phase("phase1")];
  REQUIRE(ph1.clauses.size() == 2);
  CHECK(ph1.clauses[0].label == "#1");
  CHECK_FALSE(ph1.clauses[0].labelled);
  CHECK(ph1.clauses[1].label == "#2");
  CHECK(ph1.clauses[1].kind == engine::ClauseKind::block);
  const auto& ph2 = p.phases[p.find_phase("phase2")];
  REQUIRE(ph2.clauses.size() == 4);
  CHECK(ph2.clauses[1].label == "roe");
  CHECK(ph2.clauses[1].waivers == std::vector<int>{0});
  CHECK(ph2.waivers.at(0).text == "interim_roe_agreed");
  CHECK(ph2.clauses[3].label == "ceasefire_broken");
  CHECK(ph2.after == std::vector<int>{p.find_phase("phase1")});

  // member resolution
  const auto& dis = p.exprs[ph2.clauses[0].expr];
  CHECK(dis.text == "disarmament_clarity >= clear");
  CHECK(dis.kind == ExprKind::compare);
  const auto& clear = p.exprs[dis.children[1]];
  REQUIRE(std::holds_alternative<engine::Member>(clear.constant));
  CHECK(std::get<engine::Member>(clear.constant).index == 2);
  CHECK(p.exprs[dis.children[0]].kind == ExprKind::atom_value);

  // for each
  const auto& ho = p.phases[p.find_phase("handover")];
  REQUIRE(ho.for_each);
  CHECK(ho.var_names.at(0) == "s");
  CHECK(ho.param_types.at(0).base == engine::BaseType::text);
  CHECK(p.exprs[ho.for_each_atom].text == "sector(s)");
  CHECK(p.exprs[ho.clauses[0].expr].kind == ExprKind::atom);

  // phase order follows `after`
  CHECK(p.phase_order == std::vector<int>{0, 1, 2});
}

TEST_CASE("a bind waits for its inputs; atoms come in source order", "[lower]") {
  auto c = check_text(R"(ruleset r "t"
fact troops(c: text): number
fact unit(u: text, c: text)
condition big(c, n) when n = troops(c) * 2 and unit(u, c) and n > 10
)");
  INFO(c.rendered());
  REQUIRE(c.program);
  const auto& r = rule_of(*c.program, "big");
  CHECK(generators(*c.program, r.body.generators, r.var_names) ==
        "value:troops(c) ; bind:n=troops(c) * 2 ; atom:unit(u, c)");
  CHECK(c.program->relations[c.program->find_relation("big")].param_types.at(1).base == engine::BaseType::number);
}

TEST_CASE("a bind whose input comes later is ordered after its generator", "[lower]") {
  auto c = check_text(R"(ruleset r "t"
fact troops(c: text): number
fact unit(c: text)
condition big(c, n) when n = 2 * m and m = 3 and unit(c)
)");
  INFO(c.rendered());
  REQUIRE(c.program);
  const auto& r = rule_of(*c.program, "big");
  CHECK(generators(*c.program, r.body.generators, r.var_names) == "bind:m=3 ; bind:n=2 * m ; atom:unit(c)");
}

TEST_CASE("a top-level `or` whose branches bind differently becomes alternatives", "[lower]") {
  auto c = check_text(R"(ruleset r "t"
fact a(x: number)
fact b(x: number)
fact flag: bool
condition either(x) when a(x) or b(x)
condition filtered(x) when a(x) and (flag or b(x))
)");
  INFO(c.rendered());
  REQUIRE(c.program);
  const auto& p = *c.program;
  const auto& rel = p.relations[p.find_relation("either")];
  REQUIRE(rel.rules.size() == 2);
  CHECK(p.exprs[p.rules[rel.rules[0]].body.expr].text == "a(x)");
  CHECK(p.exprs[p.rules[rel.rules[1]].body.expr].text == "b(x)");
  // `x` is bound by `a(x)`: the `or` stays a filter
  const auto& f = p.relations[p.find_relation("filtered")];
  REQUIRE(f.rules.size() == 1);
  CHECK(p.exprs[p.rules[f.rules[0]].body.expr].text == "a(x) and (flag or b(x))");
}

TEST_CASE("range restriction names the unbound variable", "[safety]") {
  auto c = check_text(R"(ruleset r "t"
fact road(a: text, b: text)
condition isolated(x) when not road(x, "Port")
)");
  CHECK_FALSE(c.program);
  CHECK(c.codes() == "E0401");
  CHECK(c.diags.items().at(0).message.find("`x`") != std::string::npos);
}

TEST_CASE("a valued atom of an open relation binds nothing outside an aggregate", "[safety]") {
  auto bad = check_text(R"(ruleset r "t"
fact fuel(u: text): number open
condition low(u) when fuel(u) < 10
)");
  CHECK(bad.codes() == "E0401");
  auto good = check_text(R"(ruleset r "t"
fact fuel(u: text): number open
fact unit(u: text)
condition low(u) when unit(u) and fuel(u) < 10
condition total when sum(fuel(u)) > 10
)");
  INFO(good.rendered());
  REQUIRE(good.program);
  const auto& r = rule_of(*good.program, "low");
  CHECK(generators(*good.program, r.body.generators, r.var_names) == "atom:unit(u)");
}

TEST_CASE("aggregates: locals, wildcards and grouping variables", "[lower]") {
  auto c = check_text(R"(ruleset r "t"
fact unit(u: text)
fact equip(u: text, id: number, w: number)
condition heavy(u) when unit(u) and sum(w where equip(u, _, w)) > 100
)");
  INFO(c.rendered());
  REQUIRE(c.program);
  const auto& p = *c.program;
  const auto& r = rule_of(p, "heavy");
  const auto& cmp = p.exprs[p.exprs[r.body.expr].children[1]];
  const auto& agg = p.exprs[cmp.children[0]];
  REQUIRE(agg.kind == ExprKind::aggregate);
  CHECK(agg.text == "sum(w where equip(u, _, w))");
  std::vector<std::string> locals;
  for (int v : agg.locals) locals.push_back(r.var_names[v]);
  std::sort(locals.begin(), locals.end());
  CHECK(locals == std::vector<std::string>{"_1", "w"});
  CHECK(generators(p, agg.generators, r.var_names) == "atom:equip(u, _, w)");
  // u is a grouping variable: bound outside, by unit(u)
  CHECK(generators(p, r.body.generators, r.var_names) == "atom:unit(u)");
}

TEST_CASE("recursion through positive atoms is one stratum; parameter types are inferred", "[strata]") {
  auto c = check_text(R"(ruleset r "t"
fact edge(a: number, b: number)
condition path(x, z) when path(x, y) and edge(y, z)
condition path(x, y) when edge(x, y)
condition far(x) when path(x, _) and not near(x)
condition near(x) when edge(x, 1)
)");
  INFO(c.rendered());
  REQUIRE(c.program);
  const auto& p = *c.program;
  const auto& path = p.relations[p.find_relation("path")];
  CHECK(path.rules.size() == 2);
  CHECK(path.param_types[0].base == engine::BaseType::number);
  CHECK(path.param_types[1].base == engine::BaseType::number);
  CHECK(p.relations[p.find_relation("far")].stratum > path.stratum);
  CHECK(p.relations[p.find_relation("far")].stratum > p.relations[p.find_relation("near")].stratum);
}

TEST_CASE("a cycle through `not` is an error that prints the cycle", "[strata]") {
  auto c = check_text(R"(ruleset r "t"
fact s(x: text)
condition a(x) when s(x) and not b(x)
condition b(x) when s(x) and a(x)
)");
  CHECK_FALSE(c.program);
  REQUIRE(c.codes() == "E0501");
  const auto& d = c.diags.items()[0];
  CHECK(d.message == "condition `a` depends on itself through `not`");
  REQUIRE(d.notes.size() == 4);
  CHECK(d.notes[1] == "`a` uses `b` through `not` at t.rules:3:34");
  CHECK(d.notes[2] == "`b` uses `a` at t.rules:4:30");
}

TEST_CASE("members: a name compared with a level resolves; a stranger lists the members", "[types]") {
  auto c = check_text(R"(ruleset r "t"
fact d: level { none < partial < clear }
fact k: one of { red, green }
phase p "p"
  require d >= clearr
  require k < red
)");
  CHECK_FALSE(c.program);
  CHECK(c.codes() == "E0305 E0303");
  CHECK(c.diags.items()[0].notes.back() == "the members are: none, partial, clear");
}

TEST_CASE("a member written as an atom argument is a constant when used once", "[lower]") {
  auto c = check_text(R"(ruleset r "t"
fact status(u: text, s: one of { active, reserve })
fact unit(u: text)
condition active_unit(u) when unit(u) and status(u, active)
)");
  INFO(c.rendered());
  REQUIRE(c.program);
  const auto& p = *c.program;
  const auto& r = rule_of(p, "active_unit");
  const auto& atom = p.exprs[p.exprs[r.body.expr].children[1]];
  REQUIRE(atom.args.size() == 2);
  CHECK(atom.args[1].kind == engine::Term::Kind::constant);
}

TEST_CASE("format_constant writes facts-file text", "[format]") {
  engine::Program p;
  p.enums.push_back({true, {"none", "clear"}});
  CHECK(engine::format_constant(p, engine::Constant{*engine::Decimal::parse("1000")}) == "1_000");
  CHECK(engine::format_constant(p, engine::Constant{*engine::Decimal::parse("-1234567.5")}) == "-1_234_567.5");
  CHECK(engine::format_constant(p, engine::Constant{*engine::Decimal::parse("999")}) == "999");
  CHECK(engine::format_constant(p, engine::Constant{std::string("Ra\"fah")}) == "\"Ra\\\"fah\"");
  CHECK(engine::format_constant(p, engine::Constant{engine::Date{20412}}) == "2025-11-20");
  CHECK(engine::format_constant(p, engine::Constant{engine::Member{0, 1}}) == "clear");
  CHECK(engine::format_constant(p, engine::Constant{engine::Unknown{}}) == "unknown");
  CHECK(engine::format_constant(p, engine::Constant{engine::Duration{30}}) == "30 days");
  CHECK(engine::format_constant(p, engine::Constant{engine::Duration{14}}) == "2 weeks");
  CHECK(engine::format_constant(p, engine::Constant{true}) == "true");
}

TEST_CASE("atoms without variables are tests, not generators", "[lower]") {
  auto c = check_text(R"(ruleset r "t"
fact opened: date
fact status: one of { running, closed }
fact convoy(id: number, dest: text)
fact cargo(id: number): number in 0..40
fact flag: bool
condition long_open when today - opened >= 2 weeks and status = running and flag
condition loaded(id, t) when convoy(id, _) and t = cargo(id) * 2 and t <= 80 and convoy(1, "x")
)");
  INFO(c.rendered());
  REQUIRE(c.program);
  const auto& p = *c.program;
  CHECK(rule_of(p, "long_open").body.generators.empty());
  const auto& r = rule_of(p, "loaded");
  CHECK(generators(p, r.body.generators, r.var_names) == "atom:convoy(id, _) ; value:cargo(id) ; bind:t=cargo(id) * 2");
}

// An operator inside another keeps no text (a chain would hold every prefix); expr_text renders it
// from the tree, exactly as the checker wrote the text of the clause it belongs to.
TEST_CASE("expr_text renders an expression exactly as the checker wrote its text", "[lower]") {
  auto c = check_text(R"(ruleset t "t"
fact a: number "a"
fact b: number "b"
fact d: date "d"
fact f: bool "f"
fact g: bool "g"
fact n(x: text): number "n"
fact m(x: text) "m"
phase p "p"
  require r1: a + b * (a - b) / 2 - -a > (a + b) * 3
  require r2: not (f and g) or not not f and (g or f)
  require r3: sum(n(x) where n(x) > a + 1) - count(m(x) where n(x) > 0) * 2 >= -(a - b)
  require r4: d + 3 days - 1 weeks < d
  block if a - (b - (a - b)) = 0 or (f and g and not f)
)");
  INFO(c.rendered());
  REQUIRE(c.program);
  const auto& p = *c.program;
  std::size_t compared = 0;
  for (const auto& ph : p.phases)
    for (const auto& cl : ph.clauses) {
      engine::Program copy = p;
      copy.exprs[static_cast<std::size_t>(cl.expr)].text.clear();  // rendered from its children
      CHECK(engine::expr_text(copy, cl.expr) == cl.text);
      ++compared;
    }
  CHECK(compared == 5);
  // and the inner operators have no text of their own, yet render
  const auto& r1 = p.phases.at(0).clauses.at(0);
  const auto& cmp = p.exprs[static_cast<std::size_t>(r1.expr)];
  REQUIRE(cmp.kind == ExprKind::compare);
  const auto& lhs = p.exprs[static_cast<std::size_t>(cmp.children.at(0))];  // `... - -a`: a comparison's operand
  CHECK(engine::expr_text(p, cmp.children.at(0)) == "a + b * (a - b) / 2 - -a");
  CHECK(p.exprs[static_cast<std::size_t>(lhs.children.at(0))].text.empty());
  CHECK(engine::expr_text(p, lhs.children.at(0)) == "a + b * (a - b) / 2");
}
