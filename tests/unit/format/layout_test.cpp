// Layout of whole files: trees built by hand (no original text), then text through the parser
// for what only the original can tell (comments, blank lines, where a citation was written).
#include <catch2/catch.hpp>

#include "corpus.hpp"
#include "format/format.hpp"

using namespace phasegate;
using phasegate::FileKind;

namespace {

syntax::ExprPtr make(decltype(syntax::Expr::node) node) {
  return std::make_shared<const syntax::Expr>(syntax::Expr{{}, std::move(node)});
}
syntax::ExprPtr name(const std::string& n) { return make(syntax::NameRef{n}); }
syntax::Ident id(const std::string& n) { return {{}, n}; }
syntax::TypeSpec type(syntax::TypeKind k) {
  syntax::TypeSpec t;
  t.kind = k;
  return t;
}

}  // namespace

TEST_CASE("a ruleset built by hand", "[layout]") {
  syntax::RulesFile f;
  f.header = syntax::RulesetHeader{{}, id("isf"), "Phases", "2026.1"};
  f.sources.push_back({{}, id("unscr2803"), "UN resolution"});
  f.sources.push_back({{}, id("briefing"), "Briefing"});
  syntax::FactDecl long_fact{{}, id("unsc_authorized"), {}, type(syntax::TypeKind::boolean), false,
                             "The UN Security Council has authorized the ISF and the Board of Peace."};
  syntax::FactDecl short_fact{{}, id("roe"), {}, type(syntax::TypeKind::boolean), false, "Published."};
  syntax::FactDecl relation{{}, id("sector"), {{id("name"), type(syntax::TypeKind::text)}}, std::nullopt, true,
                            std::nullopt};
  f.decls = {long_fact, short_fact, relation};
  syntax::ConditionDecl cond;
  cond.name = id("ready");
  cond.description = "Ready";
  auto chain = name("a");
  for (const char* n : {"a_rather_long_name_for_a_fact", "another_rather_long_fact_name", "third_fact"})
    chain = make(syntax::Binary{syntax::BinaryOp::and_, chain, name(n)});
  cond.when = chain;
  cond.why.because = "Because.";
  cond.why.cite = syntax::Citation{{}, id("briefing"), "p. 2"};
  f.decls.push_back(cond);
  syntax::PhaseDecl phase;
  phase.name = id("handover");
  phase.params = {id("s")};
  phase.title = "Hand-over";
  phase.clauses.push_back(syntax::ForEachClause{{}, syntax::Atom{id("sector"), {name("s")}}});
  phase.clauses.push_back(syntax::AfterClause{{}, {id("p1"), id("p2")}});
  phase.clauses.push_back(syntax::RequireClause{{}, id("secured"), name("x"), {"Why.", syntax::Citation{{}, id("unscr2803"), {}}}});
  phase.clauses.push_back(syntax::BlockClause{{}, std::nullopt, name("y"), {}});
  phase.clauses.push_back(syntax::WaiveClause{{}, id("secured"), name("z"), {}});
  f.decls.push_back(phase);

  CHECK(format_rules_file(f, "") ==
        "ruleset isf \"Phases\"\n"
        "  version \"2026.1\"\n"
        "  source unscr2803 \"UN resolution\"\n"
        "  source briefing  \"Briefing\"\n"
        "\n"
        "fact unsc_authorized: bool\n"
        "  \"The UN Security Council has authorized the ISF and the Board of Peace.\"\n"
        "fact roe: bool \"Published.\"\n"
        "fact sector(name: text) open\n"
        "\n"
        "condition ready \"Ready\"\n"
        "  when a\n"
        "   and a_rather_long_name_for_a_fact\n"
        "   and another_rather_long_fact_name\n"
        "   and third_fact\n"
        "  because \"Because.\"\n"
        "  cite briefing \"p. 2\"\n"
        "\n"
        "phase handover(s) \"Hand-over\"\n"
        "  for each sector(s)\n"
        "  after p1, p2\n"
        "  require secured: x\n"
        "    because \"Why.\"\n"
        "    cite unscr2803\n"
        "  block if y\n"
        "  waive secured when z\n");
}

TEST_CASE("facts and scenarios built by hand", "[layout]") {
  syntax::FactsFile facts;
  facts.title = "Briefing";
  facts.defaults.as_of = syntax::DateLit{2026, 11, 20};
  facts.defaults.source = "Officials";
  syntax::FactLine scalar;
  scalar.name = id("roe_published");
  scalar.value = syntax::Literal{syntax::BoolLit{false}};
  scalar.prov.source = "Diplomats";
  syntax::FactLine tuple;
  tuple.name = id("troops_committed");
  tuple.args = std::vector<syntax::Literal>{syntax::StringLit{"Indonesia"}};
  tuple.value = syntax::Literal{syntax::UnknownLit{}};
  tuple.prov.as_of = syntax::DateLit{2026, 11, 18};
  syntax::FactLine exists;
  exists.name = id("sector");
  exists.args = std::vector<syntax::Literal>{syntax::StringLit{"Rafah"}};
  facts.items = {scalar, tuple, exists, syntax::LoadLine{{}, id("unit"), "units.csv", {}}};
  CHECK(format_facts_file(facts, "") ==
        "facts \"Briefing\"\n"
        "  as of 2026-11-20\n"
        "  source \"Officials\"\n"
        "\n"
        "roe_published = false   source \"Diplomats\"\n"
        "troops_committed(\"Indonesia\") = unknown   as of 2026-11-18\n"
        "sector(\"Rafah\")\n"
        "load unit from \"units.csv\"\n");

  syntax::ScenariosFile sc;
  sc.rules_path = "isf.rules";
  syntax::Scenario s;
  s.title = "Mandate";
  s.items.push_back(syntax::GivenFile{{}, "briefing.facts"});
  syntax::FactLine given;
  given.name = id("troops_committed");
  given.args = std::vector<syntax::Literal>{syntax::StringLit{"Egypt"}};
  given.value = syntax::Literal{syntax::NumberLit{"2000"}};
  s.items.push_back(given);
  s.items.push_back(syntax::ExpectVerdict{{}, {id("phase2"), {}, {}}, syntax::Verdict::no_go});
  s.items.push_back(syntax::ExpectBecause{{}, {id("phase2"), {}, {}}, id("disarmament")});
  s.items.push_back(
      syntax::ExpectVerdict{{}, {id("handover"), {syntax::StringLit{"Rafah"}}, {}}, syntax::Verdict::undetermined});
  sc.scenarios = {s, s};
  CHECK(format_scenarios_file(sc, "") ==
        "scenarios for \"isf.rules\"\n"
        "\n"
        "scenario \"Mandate\"\n"
        "  given \"briefing.facts\"\n"
        "  given troops_committed(\"Egypt\") = 2_000\n"
        "  expect phase2 is NO-GO\n"
        "  expect phase2 because disarmament\n"
        "  expect handover(\"Rafah\") is UNDETERMINED\n"
        "\n"
        "scenario \"Mandate\"\n"
        "  given \"briefing.facts\"\n"
        "  given troops_committed(\"Egypt\") = 2_000\n"
        "  expect phase2 is NO-GO\n"
        "  expect phase2 because disarmament\n"
        "  expect handover(\"Rafah\") is UNDETERMINED\n");
}

TEST_CASE("kind of file by extension or first word", "[layout]") {
  CHECK(file_kind_from_path("a/b.rules") == FileKind::rules);
  CHECK(file_kind_from_path("b.facts") == FileKind::facts);
  CHECK(file_kind_from_path("b.scenarios") == FileKind::scenarios);
  CHECK(!file_kind_from_path("-"));
  CHECK(detect_file_kind("-", "# c\nruleset x \"t\"\n") == FileKind::rules);
  CHECK(detect_file_kind("-", "fact a: bool\n") == FileKind::rules);
  CHECK(detect_file_kind("-", "  facts \"x\"\n") == FileKind::facts);
  CHECK(detect_file_kind("-", "a = 1\n") == FileKind::facts);
  CHECK(detect_file_kind("-", "load u from \"u.csv\"\n") == FileKind::facts);
  CHECK(detect_file_kind("-", "scenarios for \"a.rules\"\n") == FileKind::scenarios);
  CHECK(detect_file_kind("x.facts", "ruleset") == FileKind::facts);
}
