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
  syntax::FactDecl long_fact{{},    id("unsc_authorized"),
                             {},    type(syntax::TypeKind::boolean),
                             false, "The UN Security Council has authorized the ISF and the Board of Peace."};
  syntax::FactDecl short_fact{{}, id("roe"), {}, type(syntax::TypeKind::boolean), false, "Published."};
  syntax::FactDecl relation{{},           id("sector"), {{id("name"), type(syntax::TypeKind::text)}},
                            std::nullopt, true,         std::nullopt};
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
  phase.clauses.push_back(
      syntax::RequireClause{{}, id("secured"), name("x"), {"Why.", syntax::Citation{{}, id("unscr2803"), {}}}});
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

TEST_CASE("empty files and files of comments only", "[layout]") {
  CHECK(pgtest::fmt(FileKind::rules, "") == std::string());
  CHECK(pgtest::fmt(FileKind::rules, "\n\n  \n") == std::string());
  CHECK(pgtest::fmt(FileKind::rules, "\n\n# only\n\n\n#  comments   \n\n") == std::string("# only\n\n#  comments\n"));
  CHECK(pgtest::fmt(FileKind::facts, "# nothing yet\n") == std::string("# nothing yet\n"));
}

TEST_CASE("CRLF line ends and a missing final newline", "[layout]") {
  CHECK(pgtest::fmt(FileKind::facts, "a = 1\r\n\r\n\r\nb = 2  # two\r\nc = 3") ==
        std::string("a = 1\n\nb = 2  # two\nc = 3\n"));
}

TEST_CASE("comments stay next to the code they were written by", "[layout]") {
  // A second trailing comment on what becomes one line moves below it.
  CHECK(pgtest::fmt(FileKind::rules, "condition k when a and  # first\n  b  # second\n\ncondition m when b\n") ==
        std::string("condition k when a and b  # first\n# second\n\ncondition m when b\n"));
  // A full-line comment inside an expression moves above the line holding the expression.
  CHECK(pgtest::fmt(FileKind::rules, "phase p\n  require a and\n    # why b\n    b\n") ==
        std::string("phase p\n  # why b\n  require a and b\n"));
  // Comments before a declaration stay with it, at its indentation; blank lines around them are kept.
  CHECK(pgtest::fmt(FileKind::rules,
                    "fact a: bool\n\n   # about b\n\n\nfact b: bool\nphase p\n# about r\n    require a\n") ==
        std::string("fact a: bool\n\n# about b\n\nfact b: bool\n\nphase p\n  # about r\n  require a\n"));
  // Trailing comments of consecutive lines line up.
  CHECK(pgtest::fmt(FileKind::facts, "a = 1 # one\nlonger_name = 2 # two\n\nc = 3 # three\n") ==
        std::string("a = 1            # one\nlonger_name = 2  # two\n\nc = 3  # three\n"));
}

TEST_CASE("descriptions, citations and long conditions", "[layout]") {
  // A description moves under its fact only when the line would pass 80 columns.
  CHECK(pgtest::fmt(FileKind::rules, "fact a: bool\n  \"Short.\"\n") == std::string("fact a: bool \"Short.\"\n"));
  const std::string long_desc = "\"" + std::string(70, 'x') + "\"";
  CHECK(pgtest::fmt(FileKind::rules, "fact a: bool " + long_desc + "\n") == "fact a: bool\n  " + long_desc + "\n");
  // So does a condition without `because` or `cite`; consecutive one-line conditions keep their grouping.
  CHECK(
      pgtest::fmt(FileKind::rules, "condition p(x, z)\n  when e(x, z)\ncondition p(x, z) when p(x, y) and e(y, z)\n") ==
      std::string("condition p(x, z) when e(x, z)\ncondition p(x, z) when p(x, y) and e(y, z)\n"));
  CHECK(pgtest::fmt(FileKind::rules, "condition p when e\ncondition q when e because \"B\"\ncondition r when e\n") ==
        std::string("condition p when e\n\ncondition q\n  when e\n  because \"B\"\n\ncondition r when e\n"));
  CHECK(pgtest::fmt(FileKind::rules, "condition p when " + std::string(70, 'e') + "\n") ==
        "condition p\n  when " + std::string(70, 'e') + "\n");
  // `cite` stays on the `because` line when written there, else goes on its own line.
  CHECK(pgtest::fmt(FileKind::rules, "phase p require a because \"B\" cite s\n") ==
        std::string("phase p\n  require a\n    because \"B\" cite s\n"));
  CHECK(pgtest::fmt(FileKind::rules, "phase p require a because \"B\"\n cite s \"p. 1\"\n") ==
        std::string("phase p\n  require a\n    because \"B\"\n    cite s \"p. 1\"\n"));
  CHECK(pgtest::fmt(FileKind::rules, "phase p require a cite s\n") ==
        std::string("phase p\n  require a\n    cite s\n"));
  // A long `or` chain breaks before each `or`, operands under the first one.
  CHECK(pgtest::fmt(FileKind::rules,
                    "phase p block stop: if first_reason_to_stop or second_reason_to_stop or third_reason_to_stop\n") ==
        std::string("phase p\n  block stop: if first_reason_to_stop\n              or second_reason_to_stop\n"
                    "              or third_reason_to_stop\n"));
}

TEST_CASE("format_text reports parse errors and leaves the text alone", "[layout]") {
  Diagnostics diags;
  CHECK(!format_text("bad.rules", "fact : bool\n", diags));
  CHECK(diags.has_errors());
  Diagnostics ok;
  CHECK(format_text("-", "b=1\n", ok) == std::string("b = 1\n"));
  CHECK(!ok.has_errors());
  Diagnostics sc;
  CHECK(format_text("-", "scenarios for \"x.rules\"\nscenario \"s\" expect p is GO\n", sc) ==
        std::string("scenarios for \"x.rules\"\n\nscenario \"s\"\n  expect p is GO\n"));
}
