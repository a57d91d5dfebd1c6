// Unit tests of FactBaseBuilder: facts lines, overrides, provenance, errors, `load` tables.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/calendar.hpp"
#include "support.hpp"

using namespace phasegate;
using namespace phasegate::test;
namespace fs = std::filesystem;

namespace {

const char* kRules = R"(ruleset isf "t"
fact unsc_authorized: bool "u"
fact disarmament_clarity: level { none < partial < clear } "d"
fact troops_committed(country: text): number in 0..50_000 "t"
fact roe_published: bool "r"
fact hostilities_resumed: bool "h"
fact sector(name: text) "s"
fact unit(u: number, kind: one of { infantry, medical }, since: date)
condition contributor(c) "c" when troops_committed(c) > 0
phase p "p"
  require unsc_authorized and disarmament_clarity >= clear and count(contributor(c)) > 1
  require count(sector(s)) > 0 and count(unit(u, k, d)) > 0 and not roe_published and not hostilities_resumed
)";

struct Fixture {
  Checked checked = check_text(kRules);
  const engine::Program& program() {
    INFO(checked.rendered());
    REQUIRE(checked.program);
    return *checked.program;
  }
};

syntax::FactsFile parse_facts(const std::string& path, const std::string& text, SourceMap& sources, Diagnostics& d) {
  sources.add(path, text);
  return parse_facts_text(path, text, d);
}

std::vector<engine::FactEntry> entries(const engine::FactBase& fb, const engine::Program& p, const std::string& rel) {
  std::vector<engine::FactEntry> out;
  int r = p.find_relation(rel);
  for (std::size_t i = 0; i < fb.size(r); ++i) out.push_back(fb.entry(r, i));
  return out;
}

std::optional<engine::FactEntry> find(const engine::FactBase& fb, const engine::Program& p, const std::string& rel,
                                      std::size_t i = 0) {
  auto v = entries(fb, p, rel);
  if (i < v.size()) return v[i];
  return std::nullopt;
}

// A fresh directory for a test's tables.
fs::path table_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / name;
  fs::create_directories(dir);
  return dir;
}

// `text` read as the facts file t.facts in `dir` (beside the tables the test wrote there) by a fresh
// builder: whether the file was accepted, and what the builder holds.
std::pair<bool, engine::FactBase> load_in(const engine::Program& p, const fs::path& dir, const std::string& text,
                                          SourceMap& sources, Diagnostics& d) {
  auto file = parse_facts((dir / "t.facts").string(), text, sources, d);
  engine::FactBaseBuilder b(p);
  const bool ok = b.add_file(file, sources, d);
  return {ok, std::move(b).build()};
}

std::string codes(Diagnostics& d) {
  d.sort_and_dedupe();
  std::string s;
  for (const auto& x : d.items()) s += (s.empty() ? "" : " ") + x.code;
  return s;
}

}  // namespace

TEST_CASE("the briefing facts load with their provenance", "[facts]") {
  Fixture f;
  const auto& p = f.program();
  SourceMap sources;
  Diagnostics d;
  auto file = parse_facts("b.facts", R"(facts "Briefing"
  as of 2026-11-20
  source "U.S. officials"

unsc_authorized = true
disarmament_clarity = partial
roe_published = false   source "European diplomats"
troops_committed("Azerbaijan") = 1_000
troops_committed("Indonesia") = unknown   as of 2026-11-18
sector("Rafah")
hostilities_resumed = false
troops_committed("Azerbaijan") = 1_200
)",
                          sources, d);
  engine::FactBaseBuilder b(p);
  REQUIRE(b.add_file(file, sources, d));
  INFO(render_text(d, sources));
  CHECK(d.error_count() == 0);
  auto fb = std::move(b).build();
  REQUIRE(fb.relations() == p.relations.size());
  CHECK(std::get<bool>(*find(fb, p, "unsc_authorized")->value) == true);
  CHECK(std::get<engine::Member>(*find(fb, p, "disarmament_clarity")->value).index == 1);
  const auto roe = find(fb, p, "roe_published");
  CHECK(roe->origin.source == "European diplomats");
  CHECK(roe->origin.file == "b.facts");
  CHECK(roe->origin.line == 7);
  // the later Azerbaijan line replaced the earlier one
  const auto troops = entries(fb, p, "troops_committed");
  REQUIRE(troops.size() == 2);
  CHECK(std::get<std::string>(troops[0].args[0]) == "Azerbaijan");
  CHECK(std::get<engine::Decimal>(*troops[0].value) == engine::Decimal::from_int(1200));
  CHECK(troops[0].origin.line == 12);
  CHECK(std::holds_alternative<engine::Unknown>(*troops[1].value));
  CHECK(troops[1].origin.as_of->days == engine::days_from_civil(2026, 11, 18));
  CHECK(troops[0].origin.as_of->days == engine::days_from_civil(2026, 11, 20));
  CHECK(troops[0].origin.source == "U.S. officials");
  const auto sector = find(fb, p, "sector");
  REQUIRE(sector);
  CHECK_FALSE(sector->value.has_value());
}

TEST_CASE("facts are checked against the declarations; a file with errors adds nothing", "[facts]") {
  Fixture f;
  const auto& p = f.program();
  SourceMap sources;
  Diagnostics d;
  auto file = parse_facts("bad.facts", R"(facts "Bad"
unsc_authorised = true
disarmament_clarity = complete
troops_committed("Chad") = 60_000
troops_committed("Chad", 2) = 1
troops_committed(Chad) = 1
contributor("x")
roe_published = 3
unsc_authorized = true
)",
                          sources, d);
  engine::FactBaseBuilder b(p);
  CHECK_FALSE(b.add_file(file, sources, d));
  CHECK(codes(d) == "E0601 E0604 E0603 E0605 E0602 E0606 E0602");
  d.sort_and_dedupe();
  CHECK(d.items()[0].notes.at(0) == "did you mean `unsc_authorized`?");
  CHECK(d.items()[1].notes.back() == "the members are: none, partial, clear");
  CHECK(d.items()[1].pos.line == 3);
  CHECK(d.items()[1].pos.column == 23);
  auto fb = std::move(b).build();
  CHECK(entries(fb, p, "unsc_authorized").empty());
}

TEST_CASE("--assume lines keep the caller's origin and override earlier values", "[facts]") {
  Fixture f;
  const auto& p = f.program();
  Diagnostics d;
  engine::FactBaseBuilder b(p);
  auto one = parse_fact_line("--assume", "disarmament_clarity = partial", d);
  auto two = parse_fact_line("--assume", "disarmament_clarity = clear", d);
  REQUIRE(one);
  REQUIRE(two);
  engine::FactOrigin o;
  o.file = "--assume";
  o.assumption = true;
  CHECK(b.add_line(*one, o, d));
  CHECK(b.add_line(*two, o, d));
  auto bad = parse_fact_line("--assume", "disarmament_clarity = complete", d);
  REQUIRE(bad);
  CHECK_FALSE(b.add_line(*bad, o, d));
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].message.find("disarmament_clarity") != std::string::npos);
  CHECK(d.items()[0].pos.file == "--assume");
  auto fb = std::move(b).build();
  const auto v = entries(fb, p, "disarmament_clarity");
  REQUIRE(v.size() == 1);
  CHECK(std::get<engine::Member>(*v[0].value).index == 2);
  CHECK(v[0].origin.assumption);
}

TEST_CASE("load tables: CSV with a header and quoting, TSV in declaration order", "[facts][tables]") {
  Fixture f;
  const auto& p = f.program();
  fs::path dir = table_dir("pg_check_tables");
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "sub" / "troops.csv") << "value,country\r\n1000,Azerbaijan\r\n,\"Indo, \"\"nesia\"\"\"\r\n"
                                               "unknown,Egypt\n2_500,Turkey\n";
  std::ofstream(dir / "units.tsv") << "1\tinfantry\t2026-01-02\n2\tmedical\t2026-02-03\n";
  SourceMap sources;
  Diagnostics d;
  auto [ok, fb] = load_in(p, dir,
                          "facts \"T\"\n  source \"table\"\nload troops_committed from \"sub/troops.csv\"\n"
                          "load unit from \"units.tsv\"\n",
                          sources, d);
  INFO(render_text(d, sources));
  REQUIRE(ok);
  const auto troops = entries(fb, p, "troops_committed");
  REQUIRE(troops.size() == 4);
  CHECK(std::get<std::string>(troops[1].args[0]) == "Indo, \"nesia\"");
  CHECK(std::holds_alternative<engine::Unknown>(*troops[1].value));
  CHECK(std::holds_alternative<engine::Unknown>(*troops[2].value));
  CHECK(std::get<engine::Decimal>(*troops[3].value) == engine::Decimal::from_int(2500));
  CHECK(troops[3].origin.line == 5);
  CHECK(troops[3].origin.source == "table");
  CHECK(troops[0].origin.file == (dir / "sub" / "troops.csv").string());
  const auto units = entries(fb, p, "unit");
  REQUIRE(units.size() == 2);
  CHECK(std::get<engine::Member>(units[1].args[1]).index == 1);
  CHECK(std::get<engine::Date>(units[1].args[2]).days == engine::days_from_civil(2026, 2, 3));
}

TEST_CASE("a repeated row of a table replaces the earlier entry in its place", "[facts][tables]") {
  Fixture f;
  const auto& p = f.program();
  fs::path dir = table_dir("pg_check_tables_repeat");
  std::ofstream(dir / "troops.csv") << "country,value\nTurkey,100\nEgypt,200\nTurkey,300\nIndonesia,50\n";
  SourceMap sources;
  Diagnostics d;
  auto [ok, fb] = load_in(p, dir,
                          "facts \"T\"\n  source \"table\"\ntroops_committed(\"Indonesia\") = 10\n"
                          "load troops_committed from \"troops.csv\"\n",
                          sources, d);
  INFO(render_text(d, sources));
  REQUIRE(ok);
  const auto troops = entries(fb, p, "troops_committed");
  REQUIRE(troops.size() == 3);  // Indonesia (the fact line, its value from the table), Turkey, Egypt
  CHECK(std::get<std::string>(troops[0].args[0]) == "Indonesia");
  CHECK(std::get<engine::Decimal>(*troops[0].value) == engine::Decimal::from_int(50));
  CHECK(troops[0].origin.line == 5);
  CHECK(troops[0].origin.file == (dir / "troops.csv").string());
  CHECK(std::get<std::string>(troops[1].args[0]) == "Turkey");
  CHECK(std::get<engine::Decimal>(*troops[1].value) == engine::Decimal::from_int(300));
  CHECK(troops[1].origin.line == 4);
  CHECK(std::get<std::string>(troops[2].args[0]) == "Egypt");
}

TEST_CASE("table errors name the table, its line and column", "[facts][tables]") {
  Fixture f;
  const auto& p = f.program();
  fs::path dir = table_dir("pg_check_tables_bad");
  std::ofstream(dir / "troops.csv") << "country,valeu\nChad,1\n";
  std::ofstream(dir / "units.tsv")
      << "1\tinfantry\t2026-01-02\nx\tmedical\t2026-02-03\n3\tcavalry\t2026-02-03\n4\tmedical\n";
  SourceMap sources;
  Diagnostics d;
  auto [ok, fb] = load_in(p, dir,
                          "facts \"T\"\nload troops_committed from \"troops.csv\"\nload unit from \"units.tsv\"\n"
                          "load sector from \"missing.csv\"\n",
                          sources, d);
  CHECK_FALSE(ok);
  d.sort_and_dedupe();
  std::vector<std::string> got;
  for (const auto& x : d.items())
    got.push_back(fs::path(x.pos.file).filename().string() + ":" + std::to_string(x.pos.line) + ":" +
                  std::to_string(x.pos.column) + " " + x.code);
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{"t.facts:4:1 E0608", "troops.csv:1:9 E0609", "units.tsv:2:1 E0609",
                                        "units.tsv:3:3 E0609", "units.tsv:4:1 E0609"});
  CHECK(entries(fb, p, "unit").empty());
}

// A quoted CSV cell may hold a line break: the cells after it are on the next line of the file,
// and their errors must say so (they were reported on the record's first line, past its end).
TEST_CASE("table errors after a quoted cell with a line break name the line the cell is on", "[facts][tables]") {
  Fixture f;
  const auto& p = f.program();
  fs::path dir = table_dir("pg_check_tables_multiline");
  std::ofstream(dir / "bad_value.csv") << "country,value\n\"Chad\nNorth\",xyz\n";
  std::ofstream(dir / "too_many.csv") << "country,value\n\"Chad\nNorth\",1,7\n";
  std::ofstream(dir / "after_quote.csv") << "country,value\nMali,1\n\"Chad\nNorth\"x,1\n";
  for (const auto& [file, where] : std::vector<std::pair<std::string, std::string>>{
           {"bad_value.csv", "3:8"}, {"too_many.csv", "3:10"}, {"after_quote.csv", "4:7"}}) {
    SourceMap sources;
    Diagnostics d;
    auto [ok, fb] = load_in(p, dir, "facts \"T\"\nload troops_committed from \"" + file + "\"\n", sources, d);
    CHECK_FALSE(ok);
    REQUIRE(d.items().size() == 1);
    const auto& x = d.items()[0];
    CHECK(file + " " + std::to_string(x.pos.line) + ":" + std::to_string(x.pos.column) == file + " " + where);
  }
}

// A loaded table gives back its relation's index at once; whatever lists the relation later must
// still find the table's entries (and replace them in place rather than add them twice).
TEST_CASE("entries listed after a table replace the table's entries in place", "[facts][tables]") {
  Fixture f;
  const auto& p = f.program();
  fs::path dir = table_dir("pg_check_tables_after");
  std::ofstream(dir / "a.csv") << "country,value\nTurkey,100\nEgypt,200\nIndonesia,50\n";
  std::ofstream(dir / "b.csv") << "country,value\nEgypt,250\nAzerbaijan,70\n";
  std::ofstream(dir / "units.tsv") << "1\tinfantry\t2026-01-02\n2\tmedical\t2026-02-03\n";
  SourceMap sources;
  Diagnostics d;
  // The units table comes between: loading it gives back the index of the troops table before.
  auto first = parse_facts((dir / "t.facts").string(),
                           "facts \"T\"\nload troops_committed from \"a.csv\"\nload unit from \"units.tsv\"\n"
                           "troops_committed(\"Turkey\") = 150\nload troops_committed from \"b.csv\"\n"
                           "unit(2, medical, 2026-02-03)\n",
                           sources, d);
  auto second = parse_facts((dir / "u.facts").string(), "facts \"U\"\ntroops_committed(\"Indonesia\") = 1_500\n",
                            sources, d);
  engine::FactBaseBuilder b(p);
  REQUIRE(b.add_file(first, sources, d));
  REQUIRE(b.add_file(second, sources, d));
  INFO(render_text(d, sources));
  engine::FactBase fb = std::move(b).build();
  const auto troops = entries(fb, p, "troops_committed");
  REQUIRE(troops.size() == 4);  // Turkey, Egypt, Indonesia from a.csv, then Azerbaijan from b.csv
  const std::vector<std::pair<std::string, int>> expected{
      {"Turkey", 150}, {"Egypt", 250}, {"Indonesia", 1500}, {"Azerbaijan", 70}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO(expected[i].first);
    CHECK(std::get<std::string>(troops[i].args[0]) == expected[i].first);
    CHECK(std::get<engine::Decimal>(*troops[i].value) == engine::Decimal::from_int(expected[i].second));
  }
  CHECK(troops[1].origin.file == (dir / "b.csv").string());
  CHECK(troops[2].origin.file == (dir / "u.facts").string());
  const int r = p.find_relation("troops_committed");
  CHECK(fb.find(r, {engine::Constant{std::string("Egypt")}}) == std::optional<std::size_t>{1});
  CHECK(fb.find(r, {engine::Constant{std::string("Chad")}}) == std::nullopt);
  const auto units = entries(fb, p, "unit");
  REQUIRE(units.size() == 2);  // the line repeats the table's second row
  CHECK(units[1].origin.file == (dir / "t.facts").string());
}

// TSV tables of numbers read most records by a fast path (small whole numbers straight to ids); the
// records it does not take (other numbers, `unknown`, blank lines, CRLF) take the general one. The
// same records as a CSV table (always the general path) must give the same entries and lines.
TEST_CASE("a TSV table of numbers gives what the same rows give as CSV", "[facts][tables]") {
  Checked checked = check_text(R"(ruleset t "t"
fact m(a: number, b: number): number "m"
fact ranged(a: number): number in 0..500 "r"
phase p "p"
  require sum(m(a, b)) > 0 and sum(ranged(a)) > 0
)");
  INFO(checked.rendered());
  REQUIRE(checked.program);
  const auto& p = *checked.program;
  const std::vector<std::string> rows = {
      "1\t2\t3",        "007\t0\t4194303",  // leading zeros; the largest small number
      "",               "4194304\t1\t2",    // a blank line; a number past the small ones
      "12345678\t1\t1", "5\t6\t2.5",        // eight digits; a decimal
      "7\t8\tunknown",  "9\t10\t11\r",      // an unknown value; a CRLF line
      "1\t2\t30",       "-1\t2\t3",         // a repeated tuple (replaces the first); a negative number
      "3\t4\t5"};                           // the last line, without a newline
  std::string tsv, csv = "a,b,value\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string& r = rows[i];
    const std::string end = i + 1 < rows.size() ? "\n" : "";
    tsv += r + end;
    std::string c = r;
    std::replace(c.begin(), c.end(), '\t', ',');
    csv += c + end;
  }
  fs::path dir = table_dir("pg_check_tables_digits");
  std::ofstream(dir / "m.tsv") << tsv;
  std::ofstream(dir / "m.csv") << csv;
  std::ofstream(dir / "r.tsv") << "1\t499\n2\t501\n";
  auto load = [&](const std::string& table) {
    SourceMap sources;
    Diagnostics d;
    auto [ok, fb] = load_in(p, dir, "facts \"T\"\nload m from \"" + table + "\"\n", sources, d);
    INFO(render_text(d, sources));
    CHECK(ok);
    return std::move(fb);
  };
  const engine::FactBase from_tsv = load("m.tsv"), from_csv = load("m.csv");
  const auto a = entries(from_tsv, p, "m"), b = entries(from_csv, p, "m");
  REQUIRE(a.size() == 9);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("entry " << i);
    CHECK(a[i].args == b[i].args);
    CHECK(a[i].value == b[i].value);
    CHECK(a[i].origin.line + 1 == b[i].origin.line);  // the CSV's header is its line 1
    CHECK(from_tsv.find(p.find_relation("m"), a[i].args) == std::optional<std::size_t>(i));  // one id per constant
  }
  CHECK(a[0].origin.line == 9);  // the repeat replaced the entry of line 1, in its place
  CHECK(std::get<engine::Decimal>(*a[0].value) == engine::Decimal::from_int(30));
  CHECK(a[1].args[0] == engine::Constant{engine::Decimal::from_int(7)});
  CHECK(a[2].origin.line == 4);  // after the blank line
  CHECK(a.back().origin.line == 11);

  // A column with a range is checked as ever: 501 is refused.
  SourceMap sources;
  Diagnostics d;
  auto [ok, fb] = load_in(p, dir, "facts \"T\"\nload ranged from \"r.tsv\"\n", sources, d);
  CHECK_FALSE(ok);
  CHECK(codes(d) == "E0609");
}

TEST_CASE("a table path that is a folder is an error at its load line, not a crash", "[facts][tables]") {
  Fixture f;
  const auto& p = f.program();
  fs::path dir = table_dir("pg_check_tables_folder");
  fs::create_directories(dir / "units.tsv");
  SourceMap sources;
  Diagnostics d;
  auto [ok, fb] = load_in(p, dir, "facts \"T\"\nload unit from \"units.tsv\"\n", sources, d);
  CHECK_FALSE(ok);
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "E0608");
  CHECK(d.items()[0].pos.line == 2);
  CHECK(d.items()[0].message.find("folder") != std::string::npos);
}
