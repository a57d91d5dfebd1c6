// Unit tests of the front end's lexical layer, expression precedence, contextual words and diagnostics.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "grammar/dump.hpp"
#include "grammar/parse.hpp"

using namespace phasegate;
namespace fs = std::filesystem;

namespace {

// The `when` expression of a one-condition ruleset, dumped; or "CODE: message" of the first diagnostic.
std::string cond(const std::string& expr) {
  Diagnostics d;
  auto f = parse_rules_text("t.rules", "ruleset x \"t\"\ncondition c when " + expr + "\n", d);
  if (!d.items().empty()) return d.items()[0].code + ": " + d.items()[0].message;
  REQUIRE(f.decls.size() == 1);
  return dump(*std::get<syntax::ConditionDecl>(f.decls[0]).when);
}

// The value of a one-line facts file, dumped; or the first diagnostic.
std::string value(const std::string& v) {
  Diagnostics d;
  auto f = parse_facts_text("t.facts", "x = " + v + "\n", d);
  if (!d.items().empty()) return d.items()[0].code + ": " + d.items()[0].message;
  REQUIRE(f.items.size() == 1);
  return dump(*std::get<syntax::FactLine>(f.items[0]).value);
}

std::string first_code(const std::string& rules) {
  Diagnostics d;
  parse_rules_text("t.rules", rules, d);
  return d.items().empty() ? "" : d.items()[0].code;
}

}  // namespace

TEST_CASE("numbers drop underscores and keep their sign and decimals") {
  CHECK(value("5_000") == "5000");
  CHECK(value("3.5") == "3.5");
  CHECK(value("-7") == "-7");
  CHECK(value("1_000_000.000_5") == "1000000.0005");
  CHECK(cond("x > -7") == "(>@2:18 x@2:18 -7@2:22)");
  CHECK(cond("x > 5_000") == "(>@2:18 x@2:18 5000@2:22)");
}

TEST_CASE("malformed numbers are errors with their own code") {
  CHECK(value("5__000").rfind("E0009", 0) == 0);
  CHECK(value("5_").rfind("E0009", 0) == 0);
  CHECK(value("12abc").rfind("E0009", 0) == 0);
  CHECK(value("1.2.3").rfind("E0009", 0) == 0);
  CHECK(cond("x > 3_").rfind("E0009", 0) == 0);
}

TEST_CASE("dates are validated, leap years included") {
  CHECK(value("2026-03-31") == "2026-03-31");
  CHECK(value("2024-02-29") == "2024-02-29");
  CHECK(value("2000-02-29") == "2000-02-29");
  CHECK(value("2026-02-30") == "E0008: `2026-02-30` is not a valid date");
  CHECK(value("2023-02-29").rfind("E0008", 0) == 0);
  CHECK(value("2100-02-29").rfind("E0008", 0) == 0);
  CHECK(value("2026-13-01").rfind("E0008", 0) == 0);
  CHECK(value("2026-04-31").rfind("E0008", 0) == 0);
  CHECK(value("2026-01-00").rfind("E0008", 0) == 0);
}

TEST_CASE("a date token takes precedence over subtraction") {
  CHECK(cond("d > 2026-01-01") == "(>@2:18 d@2:18 2026-01-01@2:22)");
  CHECK(cond("d - 2026-01-01 > 3 days") == "(>@2:18 (-@2:18 d@2:18 2026-01-01@2:22) (3 days)@2:35)");
  CHECK(cond("2026 - 01 - 01 = x") == "(=@2:18 (-@2:18 (-@2:18 2026@2:18 01@2:25) 01@2:30) x@2:35)");
  CHECK(cond("a-1 = b") == "(=@2:18 (-@2:18 a@2:18 1@2:20) b@2:24)");
}

TEST_CASE("durations") {
  CHECK(value("30 days") == "(30 days)");
  CHECK(value("2 weeks") == "(2 weeks)");
  CHECK(cond("today - d < 2 weeks") == "(<@2:18 (-@2:18 today@2:18 d@2:26) (2 weeks)@2:30)");
  CHECK(value("3.5 days").rfind("E0012", 0) == 0);
}

TEST_CASE("strings resolve escapes and may not span lines") {
  CHECK(value(R"("a\"b\\c\nd\te")") == R"("a\"b\\c\nd\te")");
  Diagnostics d;
  auto f = parse_facts_text("t.facts", "x = \"a\\\"b\"\n", d);
  REQUIRE(d.items().empty());
  CHECK(std::get<syntax::StringLit>(*std::get<syntax::FactLine>(f.items[0]).value).value == "a\"b");
  CHECK(value(R"("a\qb")") == "E0007: unknown escape `\\q` in a text in quotes");
  CHECK(value("\"abc\ny = 2").rfind("E0006", 0) == 0);
  CHECK(value("\"abc").rfind("E0006", 0) == 0);
  CHECK(value("\"\"") == "\"\"");
  CHECK(value("\"caf\xC3\xA9 # not a comment\"") == "\"caf\xC3\xA9 # not a comment\"");
}

TEST_CASE("expression precedence: or < and < not < comparison < + - < * / < unary -") {
  CHECK(cond("a or b and c") == "(or@2:18 a@2:18 (and@2:23 b@2:23 c@2:29))");
  CHECK(cond("a and b or c") == "(or@2:18 (and@2:18 a@2:18 b@2:24) c@2:29)");
  CHECK(cond("not a = b") == "(not@2:18 (=@2:22 a@2:22 b@2:26))");
  CHECK(cond("not a and b") == "(and@2:18 (not@2:18 a@2:22) b@2:28)");
  CHECK(cond("not not a") == "(not@2:18 (not@2:22 a@2:26))");
  CHECK(cond("a + b * c >= d") == "(>=@2:18 (+@2:18 a@2:18 (*@2:22 b@2:22 c@2:26)) d@2:31)");
  CHECK(cond("a - b - c = 0") == "(=@2:18 (-@2:18 (-@2:18 a@2:18 b@2:22) c@2:26) 0@2:30)");
  CHECK(cond("a / b / c = 0") == "(=@2:18 (/@2:18 (/@2:18 a@2:18 b@2:22) c@2:26) 0@2:30)");
  CHECK(cond("-a * b = 0") == "(=@2:18 (*@2:18 (neg@2:18 a@2:19) b@2:23) 0@2:27)");
  CHECK(cond("(a or b) and c") == "(and@2:19 (or@2:19 a@2:19 b@2:24) c@2:31)");
  CHECK(cond("a != b") == "(!=@2:18 a@2:18 b@2:23)");
  CHECK(cond("x <= 0.1 + 0.2") == "(<=@2:18 x@2:18 (+@2:23 0.1@2:23 0.2@2:29))");
}

TEST_CASE("comparisons are non-associative") {
  CHECK(cond("a < b < c") == "E0121: comparisons cannot be chained");
  CHECK(cond("a = b = c") == "E0121: comparisons cannot be chained");
  CHECK(cond("(a < b) = c") == "(=@2:19 (<@2:19 a@2:19 b@2:23) c@2:28)");
}

TEST_CASE("atoms, aggregates and literals in expressions") {
  CHECK(cond("sum(w where equip(u, _, _, w)) > 0") ==
        "(>@2:18 (sum@2:18 w@2:22 (where (atom equip@2:30 u@2:36 _@2:39 _@2:42 w@2:45))) 0@2:51)");
  CHECK(cond("min(strength(x) where unit(x, c)) >= 1") ==
        "(>=@2:18 (min@2:18 (atom strength@2:22 x@2:31) (where (atom unit@2:40 x@2:45 c@2:48))) 1@2:55)");
  CHECK(cond("count(contributor(c)) >= 3") == "(>=@2:18 (count@2:18 (atom contributor@2:24 c@2:36)) 3@2:43)");
  CHECK(cond("r()") == "(atom r@2:18)");
  CHECK(cond("road(a, \"Port\")") == "(atom road@2:18 a@2:23 \"Port\"@2:26)");
  CHECK(cond("x = true or y = unknown or z = false") ==
        "(or@2:18 (or@2:18 (=@2:18 x@2:18 true@2:22) (=@2:30 y@2:30 unknown@2:34)) (=@2:45 z@2:45 false@2:49))");
  CHECK(cond("max(v(x)) > 0 and counter > 1") ==
        "(and@2:18 (>@2:18 (max@2:18 (atom v@2:22 x@2:24)) 0@2:30) (>@2:36 counter@2:36 1@2:46))");
}

TEST_CASE("contextual words are names outside their place") {
  Diagnostics d;
  auto f = parse_rules_text("t.rules",
                            "ruleset x \"t\"\n"
                            "fact road(from: text, to: text)\n"
                            "fact days: number\n"
                            "fact each: bool\n"
                            "fact one(of: text): one of { as, is, in }\n"
                            "phase one(from) \"One\"\n"
                            "  for each road(from, to)\n"
                            "  require days > 3 days and each and in_force\n",
                            d);
  INFO(render_text(d, SourceMap{}));
  REQUIRE(d.items().empty());
  REQUIRE(f.decls.size() == 5);
  const auto& p = std::get<syntax::PhaseDecl>(f.decls[4]);
  CHECK(p.name.name == "one");
  CHECK(p.params.at(0).name == "from");
  const auto& one = std::get<syntax::FactDecl>(f.decls[3]);
  CHECK(one.params.at(0).name.name == "of");
  CHECK(one.value_type->kind == syntax::TypeKind::choice);
  CHECK(one.value_type->members.size() == 3);
  CHECK(dump(*std::get<syntax::RequireClause>(p.clauses[1]).expr) ==
        "(and@8:11 (and@8:11 (>@8:11 days@8:11 (3 days)@8:18) each@8:29) in_force@8:38)");
}

TEST_CASE("reserved words are never names") {
  Diagnostics d;
  parse_rules_text("t.rules", "ruleset x \"t\"\nfact when: bool\n", d);
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "E0101");
  CHECK(d.items()[0].message == "expected the fact's name after `fact`, found the reserved word `when`");
  CHECK(d.items()[0].pos.line == 2);
  CHECK(d.items()[0].pos.column == 6);
  CHECK(first_code("ruleset x \"t\"\nphase count \"c\"\n") == "E0101");
  CHECK(first_code("ruleset x \"t\"\ncondition c when today > x and open\n") != "");
}

TEST_CASE("comments are kept with their position and trailing flag") {
  Diagnostics d;
  auto f = parse_rules_text("t.rules", "# head  \nruleset x \"t # not\" # tail\n  # indented\n", d);
  REQUIRE(d.items().empty());
  REQUIRE(f.comments.size() == 3);
  CHECK(f.comments[0].text == " head");
  CHECK_FALSE(f.comments[0].trailing);
  CHECK(f.comments[1].text == " tail");
  CHECK(f.comments[1].trailing);
  CHECK(f.comments[1].pos.line == 2);
  CHECK(f.comments[1].pos.column == 21);
  CHECK_FALSE(f.comments[2].trailing);
  CHECK(f.comments[2].pos.column == 3);
}

TEST_CASE("columns are 1-based bytes; offsets are bytes") {
  Diagnostics d;
  auto f = parse_facts_text("t.facts", "x = \"\xC3\xA9\xC3\xA9\" @ = 1\n", d);
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].pos.line == 1);
  CHECK(d.items()[0].pos.column == 12);
  CHECK(d.items()[0].pos.offset == 11);
}

TEST_CASE("a description may follow on the next line") {
  Diagnostics d;
  auto f = parse_rules_text("t.rules", "ruleset x \"t\"\nfact a: bool\n  \"A.\"\nfact b: bool open\n\n\"B.\"\n", d);
  REQUIRE(d.items().empty());
  CHECK(std::get<syntax::FactDecl>(f.decls[0]).description == "A.");
  CHECK(std::get<syntax::FactDecl>(f.decls[1]).open);
  CHECK(std::get<syntax::FactDecl>(f.decls[1]).description == "B.");
}

TEST_CASE("parse_fact_line reads one --assume line") {
  Diagnostics d;
  auto l = parse_fact_line("--assume", "troops_committed(\"Egypt\") = 2_000", d);
  REQUIRE(l);
  CHECK(dump(*l) == "(line@1:1 troops_committed@1:1 (args \"Egypt\"@1:18) = 2000@1:29)");
  Diagnostics d2;
  CHECK_FALSE(parse_fact_line("--assume", "x = 1 y = 2", d2));
  REQUIRE(d2.items().size() == 1);
  CHECK(d2.items()[0].code == "E0132");
  Diagnostics d3;
  CHECK_FALSE(parse_fact_line("--assume", "", d3));
  CHECK(d3.has_errors());
  Diagnostics d4;
  CHECK_FALSE(parse_fact_line("--assume", "x =", d4));
  CHECK(d4.items().at(0).code == "E0107");
}

TEST_CASE("one run reports every independent syntax error") {
  Diagnostics d;
  auto f = parse_rules_text("t.rules",
                            "ruleset x \"t\"\n"
                            "fact a: boo\n"
                            "fact b: bool\n"
                            "condition c when\n"
                            "phase p \"P\"\n"
                            "  require a and\n"
                            "  block if\n"
                            "  require ok: b\n"
                            "fact d: date\n",
                            d);
  REQUIRE(d.items().size() == 4);
  CHECK(d.items()[0].pos.line == 2);
  CHECK(d.items()[1].pos.line == 4);
  CHECK(d.items()[2].pos.line == 6);
  CHECK(d.items()[3].pos.line == 7);
  REQUIRE(f.decls.size() == 3);  // b, p (keeping its good clause) and d
  const auto& p = std::get<syntax::PhaseDecl>(f.decls[1]);
  REQUIRE(p.clauses.size() == 1);
  CHECK(std::get<syntax::RequireClause>(p.clauses[0]).label->name == "ok");
}

TEST_CASE("hostile input is refused with a diagnostic, never a crash") {
  ParseLimits small;
  small.max_file_bytes = 10;
  Diagnostics d;
  parse_rules_text("t.rules", "ruleset x \"title\"\n", d, small);
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "E0002");

  Diagnostics d2;
  std::string deep = "ruleset x \"t\"\ncondition c when " + std::string(100000, '(') + "a" + std::string(100000, ')');
  parse_rules_text("t.rules", deep, d2);
  REQUIRE(d2.items().size() == 1);
  CHECK(d2.items()[0].code == "E0005");

  Diagnostics d3;
  std::string nots = "ruleset x \"t\"\ncondition c when ";
  for (int i = 0; i < 100000; ++i) nots += "not ";
  parse_rules_text("t.rules", nots + "a\n", d3);
  REQUIRE(d3.items().size() == 1);
  CHECK(d3.items()[0].code == "E0005");

  Diagnostics d4;
  parse_rules_text("t.rules", std::string("ruleset\0x", 9), d4);
  CHECK(d4.items().at(0).code == "E0004");

  Diagnostics d5;
  parse_facts_text("t.facts", "x = \"\xFF\"\n", d5);
  CHECK(d5.items().at(0).code == "E0003");
  CHECK(d5.items().at(0).pos.column == 6);

  Diagnostics d6;
  parse_scenarios_text("t.scenarios", "", d6);
  CHECK(d6.items().at(0).code == "W0001");

  Diagnostics d7;
  std::string big_id(1 << 20, 'a');
  auto f = parse_rules_text("t.rules", "ruleset x \"t\"\nfact " + big_id + ": bool \"" + big_id + "\"\n", d7);
  CHECK(d7.items().empty());
  CHECK(std::get<syntax::FactDecl>(f.decls.at(0)).name.name.size() == big_id.size());
}

TEST_CASE("nearest_name suggests close names only") {
  CHECK(nearest_name("troops_comitted", {"troops_committed", "sector"}) == "troops_committed");
  CHECK(nearest_name("sectr", {"troops_committed", "sector"}) == "sector");
  CHECK(nearest_name("zzz", {"troops_committed", "sector"}).empty());
  CHECK(nearest_name("ab", {"ba", "ac"}) == "ac");
}

TEST_CASE("render_text shows file, position, code, line, caret and notes") {
  SourceMap sources;
  sources.add("t.rules", "ruleset x \"t\"\nfact a: boo\n");
  Diagnostics d;
  parse_rules_text("t.rules", *sources.text("t.rules"), d);
  REQUIRE(d.items().size() == 1);
  std::string text = render_text(d, sources);
  CHECK(text ==
        "t.rules:2:9: error[E0103]: expected a type after `:`, found `boo`\n"
        "  |\n"
        "2 | fact a: boo\n"
        "  |         ^\n"
        "  = note: did you mean `bool`?\n"
        "  = note: expected one of: `bool`, `number`, `number in LO..HI`, `text`, `date`, `level { a < b }`, "
        "`one of { a, b }`\n");
}

TEST_CASE("colour is off only when NO_COLOR is set and not empty (no-color.org)") {
  SourceMap sources;
  sources.add("t.rules", "ruleset x \"t\"\nfact a: boo\n");
  Diagnostics d;
  parse_rules_text("t.rules", *sources.text("t.rules"), d);
  const char* saved = std::getenv("NO_COLOR");
  const std::string kept = saved ? saved : "";
  ::unsetenv("NO_COLOR");
  CHECK_FALSE(no_color_requested());
  CHECK(render_text(d, sources, true).find("\x1b[") != std::string::npos);
  ::setenv("NO_COLOR", "", 1);
  CHECK_FALSE(no_color_requested());
  CHECK(render_text(d, sources, true).find("\x1b[") != std::string::npos);
  ::setenv("NO_COLOR", "1", 1);
  CHECK(no_color_requested());
  CHECK(render_text(d, sources, true).find("\x1b[") == std::string::npos);
  if (saved) ::setenv("NO_COLOR", kept.c_str(), 1);
  else ::unsetenv("NO_COLOR");
}

TEST_CASE("diagnostics sort by position and drop exact duplicates") {
  Diagnostics d;
  d.error("E1", syntax::Position{"b", 1, 1, 0}, "m");
  d.error("E1", syntax::Position{"a", 2, 1, 0}, "m");
  d.error("E1", syntax::Position{"a", 1, 5, 0}, "m");
  d.error("E1", syntax::Position{"a", 1, 5, 0}, "m");
  d.warning("W1", syntax::Position{"a", 1, 5, 0}, "m");
  d.sort_and_dedupe();
  REQUIRE(d.items().size() == 4);
  CHECK(d.items()[0].pos.file == "a");
  CHECK(d.items()[0].pos.line == 1);
  CHECK(d.items()[3].pos.file == "b");
  CHECK(d.error_count() == 3);
  CHECK(d.warning_count() == 1);
  d.promote_warnings();
  CHECK(d.error_count() == 4);
}

TEST_CASE("read_ruleset follows includes and reports cycles and missing files at the include line") {
  fs::path dir = fs::temp_directory_path() / ("pg_grammar_inc_" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "main.rules") << "ruleset m \"M\"\ninclude \"sub/a.rules\"\ninclude \"missing.rules\"\n"
                                       "fact x: bool\n";
  std::ofstream(dir / "sub" / "a.rules") << "include \"b.rules\"\nfact a: bool\n";
  std::ofstream(dir / "sub" / "b.rules") << "include \"a.rules\"\nfact b: bool\n";
  SourceMap sources;
  Diagnostics d;
  ReadResult rr;
  auto rs = read_ruleset((dir / "main.rules").string(), sources, d, &rr);
  CHECK_FALSE(rr.io_error);
  REQUIRE(rs.files.size() == 3);
  CHECK(fs::path(rs.files[1].path).filename() == "a.rules");
  CHECK(fs::path(rs.files[2].path).filename() == "b.rules");
  d.sort_and_dedupe();
  REQUIRE(d.items().size() == 2);
  std::vector<std::string> codes = {d.items()[0].code, d.items()[1].code};
  std::sort(codes.begin(), codes.end());
  CHECK(codes == std::vector<std::string>{"E0125", "E0126"});
  for (const auto& item : d.items()) {
    if (item.code == "E0126") CHECK(item.pos.line == 3);
    if (item.code == "E0125") CHECK(fs::path(item.pos.file).filename() == "b.rules");
  }
  Diagnostics d2;
  ReadResult rr2;
  read_ruleset((dir / "nope.rules").string(), sources, d2, &rr2);
  CHECK(rr2.io_error);
  CHECK(d2.items().at(0).code == "E0001");
  fs::remove_all(dir);
}

TEST_CASE("limits are settable") {
  ParseLimits tight;
  tight.max_nesting = 3;
  Diagnostics ok;
  parse_rules_text("t.rules", "ruleset x \"t\"\ncondition c when ((a)) and not not b\n", ok, tight);
  CHECK(ok.items().empty());
  Diagnostics deep;
  parse_rules_text("t.rules", "ruleset x \"t\"\ncondition c when ((((a))))\n", deep, tight);
  REQUIRE(deep.items().size() == 1);
  CHECK(deep.items()[0].code == "E0005");
  CHECK(deep.items()[0].message.find("3 levels") != std::string::npos);
  Diagnostics nots;
  parse_rules_text("t.rules", "ruleset x \"t\"\ncondition c when not not not not a\n", nots, tight);
  REQUIRE(nots.items().size() == 1);
  CHECK(nots.items()[0].code == "E0005");
  Diagnostics chain;  // tree depth: 4 x max_nesting = 12
  parse_rules_text("t.rules", "ruleset x \"t\"\ncondition c when a+a+a+a+a+a+a+a+a+a+a+a+a+a > 0\n", chain, tight);
  REQUIRE(chain.items().size() == 1);
  CHECK(chain.items()[0].code == "E0005");
}

TEST_CASE("a file with more expression parts than max_expr_nodes stops at the first past the limit") {
  ParseLimits tight;
  tight.max_expr_nodes = 20;
  const std::string text =
      "ruleset x \"t\"\ncondition c when a and b\ncondition d when a+a+a+a+a+a+a+a+a+a+a+a > 0\n"
      "condition e when a+a+a+a+a+a+a+a+a+a+a+a > 0\ncondition f when a+a+a+a+a+a+a+a+a+a+a+a > 0\n";
  Diagnostics d;
  auto f = parse_rules_text("t.rules", text, d, tight);
  REQUIRE(d.items().size() == 1);  // one error: the parse stops there, no E0014, nothing after
  CHECK(d.items()[0].code == "E0015");
  CHECK(d.items()[0].pos.line == 3);
  CHECK(d.items()[0].message.find("more than 20 expression parts") != std::string::npos);
  CHECK(f.decls.size() == 1);  // `c` parsed; `d` on is not read
  Diagnostics ok;
  parse_rules_text("t.rules", text, ok);  // the default limit is far above
  CHECK(ok.items().empty());
}

TEST_CASE("phase clauses outside a phase, and clause-level recovery") {
  Diagnostics d;
  auto f = parse_rules_text("t.rules",
                            "ruleset x \"t\"\nfact a: bool\n  require a\nphase p\n  require a <\n  block if a\n", d);
  REQUIRE(d.items().size() == 2);
  CHECK(d.items()[0].code == "E0133");
  CHECK(d.items()[0].pos.line == 3);
  CHECK(d.items()[1].code == "E0104");
  const auto& p = std::get<syntax::PhaseDecl>(f.decls.at(1));
  REQUIRE(p.clauses.size() == 1);
  CHECK(std::holds_alternative<syntax::BlockClause>(p.clauses[0]));
}

TEST_CASE("facts and scenarios files keep comments and provenance") {
  Diagnostics d;
  auto f = parse_facts_text("t.facts",
                            "facts \"T\" as of 2026-01-02 source \"S\" # header\n"
                            "x = 1 source \"line\" as of 2026-01-03\n# own line\n",
                            d);
  REQUIRE(d.items().empty());
  CHECK(f.title == "T");
  CHECK(f.defaults.as_of->day == 2);
  CHECK(*f.defaults.source == "S");
  const auto& l = std::get<syntax::FactLine>(f.items.at(0));
  CHECK(l.prov.as_of->day == 3);
  CHECK(*l.prov.source == "line");
  REQUIRE(f.comments.size() == 2);
  CHECK(f.comments[0].trailing);
  CHECK_FALSE(f.comments[1].trailing);

  Diagnostics d2;
  auto s = parse_scenarios_text("t.scenarios",
                                "scenarios for \"a.rules\"\nscenario \"one\"\n  expect one(\"x\", 2) is NO-GO # c\n",
                                d2);
  REQUIRE(d2.items().empty());
  CHECK(s.rules_path == "a.rules");
  const auto& e = std::get<syntax::ExpectVerdict>(s.scenarios.at(0).items.at(0));
  CHECK(e.phase.name.name == "one");
  CHECK(e.phase.args.size() == 2);
  CHECK(e.phase.arg_pos.at(1).column == 19);
  CHECK(e.verdict == syntax::Verdict::no_go);
  CHECK(s.comments.size() == 1);
}

TEST_CASE("the reserved word list is the spec's") {
  Diagnostics d;
  for (const char* w : {"ruleset", "fact", "condition", "phase", "when", "because", "cite", "source", "require",
                        "block", "if", "waive", "after", "and", "or", "not", "true", "false", "unknown", "level",
                        "count", "sum", "min", "max", "where", "facts", "scenarios", "scenario", "given", "expect",
                        "version", "open", "today", "include", "load"}) {
    Diagnostics one;
    parse_rules_text("t.rules", std::string("ruleset x \"t\"\nfact ") + w + ": bool\n", one);
    INFO(w);
    CHECK(one.items().size() == 1);
  }
  for (const char* w : {"for", "each", "one", "of", "as", "is", "in", "days", "weeks", "from", "bool", "number",
                        "text", "date"}) {
    Diagnostics one;
    parse_rules_text("t.rules", std::string("ruleset x \"t\"\nfact ") + w + ": bool\n", one);
    INFO(w);
    CHECK(one.items().empty());
  }
}
