// Fact store tests: opening, imports, the state as known at a moment, history, export and re-import.
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>

#include "support.hpp"

using namespace store_test;

namespace {

std::map<std::string, std::string> state_map(const ps::FactState& s) {
  std::map<std::string, std::string> out;
  for (const auto& f : s.facts)
    out[f.name + f.args_text] = (f.kind == ps::AssertionKind::tuple ? std::string("<tuple>") : *f.value_text) + " | " +
                                f.source + " | " + f.as_of;
  return out;
}

}  // namespace

TEST_CASE("timestamps format with microseconds and parse every documented form", "[store][time]") {
  auto t = ps::parse_timestamp("2026-11-20T12:30:05.25Z");
  REQUIRE(t);
  CHECK(ps::format_timestamp(*t) == "2026-11-20T12:30:05.250000Z");
  CHECK(ps::format_timestamp(*ps::parse_timestamp("2026-11-20 12:30")) == "2026-11-20T12:30:00.000000Z");
  CHECK(ps::format_timestamp(*ps::parse_timestamp("2026-11-20T14:30:00+02:00")) == "2026-11-20T12:30:00.000000Z");
  CHECK(ps::format_timestamp(*ps::parse_timestamp("2026-11-20")) == "2026-11-20T23:59:59.999999Z");
  CHECK(ps::format_timestamp(*ps::parse_timestamp("2026-11-20", ps::DateBound::start_of_day)) ==
        "2026-11-20T00:00:00.000000Z");
  CHECK_FALSE(ps::parse_timestamp("2026-02-30"));
  CHECK_FALSE(ps::parse_timestamp("2026-11-20T25:00"));
  CHECK_FALSE(ps::parse_timestamp("yesterday"));
  CHECK_FALSE(ps::parse_timestamp("2026-11-20T12:00Zjunk"));
  // Only moments whose UTC year has four digits: compared as text, a fifth digit sorted first.
  CHECK_FALSE(ps::parse_timestamp("9999-12-31T23:59:59-02:00"));
  CHECK_FALSE(ps::parse_timestamp("0001-01-01T01:00+02:00"));
  CHECK_FALSE(ps::parse_timestamp("0000-06-01"));
  CHECK(ps::format_timestamp(*ps::parse_timestamp("9999-12-31")) == "9999-12-31T23:59:59.999999Z");
  CHECK(ps::format_timestamp(*ps::parse_timestamp("0001-01-01T01:00+01:00")) == "0001-01-01T00:00:00.000000Z");
  CHECK(ps::is_iso_date("2024-02-29"));
  CHECK_FALSE(ps::is_iso_date("2025-02-29"));
}

TEST_CASE("opening: missing, created, foreign and newer stores", "[store][open]") {
  TempDir dir;
  std::string path = dir.file("s.db");

  SECTION("a missing store is not_found for read commands (exit 66)") {
    try {
      ps::Store::open(path, ps::OpenMode::must_exist);
      FAIL("opened a missing store");
    } catch (const ps::StoreError& e) {
      CHECK(e.kind() == ps::ErrorKind::not_found);
      CHECK(e.exit_code() == 66);
    }
    CHECK_FALSE(fs::exists(path));
  }
  SECTION("create_if_missing creates a WAL store at the current schema version") {
    auto s = ps::Store::open(path, ps::OpenMode::create_if_missing);
    CHECK(s.schema_version() == ps::kSchemaVersion);
    CHECK(s.integrity_check() == "ok");
    CHECK(raw_int(path, "PRAGMA user_version") == ps::kSchemaVersion);
    auto again = ps::Store::open(path, ps::OpenMode::must_exist);
    CHECK(again.facts().facts.empty());
  }
  SECTION("a store from a newer phasegate is refused and left alone") {
    { ps::Store::open(path, ps::OpenMode::create_if_missing); }
    raw_sql(path, "PRAGMA user_version = 7");
    try {
      ps::Store::open(path, ps::OpenMode::must_exist);
      FAIL("opened a newer store");
    } catch (const ps::StoreError& e) {
      CHECK(e.kind() == ps::ErrorKind::incompatible);
      CHECK(std::string(e.what()).find("newer phasegate") != std::string::npos);
      CHECK(std::string(e.what()).find("version 7") != std::string::npos);
    }
    CHECK(raw_int(path, "PRAGMA user_version") == 7);
  }
  SECTION("another application's SQLite file is refused") {
    raw_sql(path, "CREATE TABLE t(x)");
    CHECK_THROWS_AS(ps::Store::open(path, ps::OpenMode::create_if_missing), ps::StoreError);
    try {
      ps::Store::open(path, ps::OpenMode::must_exist);
    } catch (const ps::StoreError& e) {
      CHECK(e.kind() == ps::ErrorKind::incompatible);
    }
  }
  SECTION("a file that is not a database is an I/O error (exit 74)") {
    std::ofstream(path) << "this is not a database, just some text that is long enough to look like a header....";
    try {
      ps::Store::open(path, ps::OpenMode::must_exist);
      FAIL("opened garbage");
    } catch (const ps::StoreError& e) {
      CHECK(e.exit_code() == 74);
    }
  }
  SECTION("an empty file is not a store for read commands, and stays empty") {
    std::ofstream(path).close();
    try {
      ps::Store::open(path, ps::OpenMode::must_exist);
      FAIL("opened an empty file");
    } catch (const ps::StoreError& e) {
      CHECK(e.exit_code() == 66);
    }
    CHECK(fs::file_size(path) == 0);
  }
  SECTION("a store opened read-only (as one in a folder this process cannot write) is read and verified") {
    std::string head;
    {
      auto s = ps::Store::open(path, ps::OpenMode::create_if_missing);
      s.import_facts({fact("gate_p1", "", "true")}, by("alice"));
      s.record_decision(toy_decision("phases: p1", {snap("gate_p1", "true")}));
      head = s.head()->hash;
    }
    REQUIRE_FALSE(fs::exists(path + "-wal"));  // closed cleanly: the file holds every commit
    ps::StoreOptions ro;
    ro.read_only = true;
    auto s = ps::Store::open(path, ps::OpenMode::must_exist, ro);
    CHECK(s.facts().facts.size() == 1);
    CHECK(s.verify(toy_replay, head).ok());
    CHECK_THROWS_AS(s.import_facts({fact("gate_p1", "", "false")}, by("bob")), ps::StoreError);
    CHECK_FALSE(fs::exists(path + "-wal"));
    CHECK_FALSE(fs::exists(path + "-shm"));
    {  // and while a writer has it open (a log beside it), through the log
      auto w = ps::Store::open(path, ps::OpenMode::must_exist);
      w.import_facts({fact("gate_p2", "", "true")}, by("bob"));
      REQUIRE(fs::exists(path + "-wal"));
      auto r = ps::Store::open(path, ps::OpenMode::must_exist, ro);
      CHECK(r.facts().facts.size() == 2);
    }
  }
  SECTION("the default path comes from PHASEGATE_DB, then ./phasegate.db") {
    setenv("PHASEGATE_DB", "/x/y.db", 1);
    CHECK(ps::Store::default_path() == "/x/y.db");
    unsetenv("PHASEGATE_DB");
    CHECK(ps::Store::default_path() == "./phasegate.db");
  }
}

TEST_CASE("imports append; the current state is the latest assertion per fact", "[store][facts]") {
  TempDir dir;
  FakeClock clock;
  ps::StoreOptions opt;
  opt.clock = clock.fn();
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing, opt);

  auto r1 = s.import_facts(
      {fact("unsc_authorized", "", "true"), fact("troops_committed", "(\"Azerbaijan\")", "1_000"),
       fact("troops_committed", "(\"Indonesia\")", "unknown", "officials", "2026-11-18"),
       fact("sector", "(\"Rafah\")", std::nullopt), fact("disarmament_clarity", "", "none", "x", "", "b.facts", 5),
       fact("disarmament_clarity", "", "partial", "x", "", "b.facts", 9)},
      by("alice"));
  CHECK(r1.batch_id == 1);
  CHECK(r1.count == 6);
  CHECK(r1.recorded_at == "2026-11-20T09:00:00.000000Z");

  auto st = s.facts();
  REQUIRE(st.facts.size() == 5);  // the later disarmament_clarity line replaced the earlier one
  auto m = state_map(st);
  CHECK(m["disarmament_clarity"] == "partial | x | ");
  CHECK(m["troops_committed(\"Indonesia\")"] == "unknown | officials | 2026-11-18");
  CHECK(m["sector(\"Rafah\")"] == "<tuple> | briefing | 2026-11-20");
  CHECK(st.known_at == r1.recorded_at);
  for (const auto& f : st.facts) {
    CHECK(f.actor == "alice");
    CHECK(f.file == "b.facts");
    CHECK(f.batch_id == 1);
  }
  // Sorted by name, then args.
  CHECK(st.facts.front().name == "disarmament_clarity");
  CHECK(st.facts.back().name == "unsc_authorized");
  CHECK(st.facts.back().fact_text() == "unsc_authorized = true");
  CHECK(st.facts[2].fact_text() == "troops_committed(\"Azerbaijan\") = 1_000");

  clock.set("2026-11-21T09:00:00Z");
  s.import_facts({fact("unsc_authorized", "", "false", "UN"), retraction("sector", "(\"Rafah\")")}, by("bob"));
  auto st2 = s.facts();
  auto m2 = state_map(st2);
  CHECK(m2.size() == 4);
  CHECK(m2.count("sector(\"Rafah\")") == 0);
  CHECK(m2["unsc_authorized"] == "false | UN | 2026-11-20");

  SECTION("nothing is updated in place: every assertion stays") {
    auto h = s.history("unsc_authorized");
    REQUIRE(h.size() == 2);
    CHECK(*h[0].value_text == "true");
    CHECK(h[0].actor == "alice");
    CHECK(*h[1].value_text == "false");
    CHECK(h[1].actor == "bob");
    CHECK(h[0].recorded_at < h[1].recorded_at);
    auto hs = s.history("sector");
    REQUIRE(hs.size() == 2);
    CHECK(hs[0].kind == ps::AssertionKind::tuple);
    CHECK(hs[1].kind == ps::AssertionKind::retraction);
    CHECK(s.history("troops_committed").size() == 2);  // every argument tuple
    CHECK(s.history("nope").empty());
  }
  SECTION("batches record who imported what") {
    auto b = s.batches();
    REQUIRE(b.size() == 2);
    CHECK(b[0].actor == "alice");
    CHECK(b[0].count == 6);
    CHECK(b[0].files == std::vector<std::string>{"b.facts"});
    CHECK(b[1].actor == "bob");
  }
}

TEST_CASE("the state as known at a moment", "[store][facts][known-at]") {
  TempDir dir;
  FakeClock clock;
  ps::StoreOptions opt;
  opt.clock = clock.fn();
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing, opt);

  clock.set("2026-11-20T10:00:00Z");
  s.import_facts({fact("a", "", "1"), fact("b", "", "true")}, by("x"));
  clock.set("2026-11-21T10:00:00Z");
  s.import_facts({fact("a", "", "2"), retraction("b", "")}, by("x"));
  clock.set("2026-11-22T10:00:00Z");
  s.import_facts({fact("a", "", "3"), fact("b", "", "false")}, by("x"));

  auto at = [&](const std::string& t) { return state_map(s.facts(t)); };
  CHECK(at("2026-11-19").empty());
  CHECK(at("2026-11-20") ==
        std::map<std::string, std::string>{{"a", "1 | briefing | 2026-11-20"}, {"b", "true | briefing | 2026-11-20"}});
  CHECK(at("2026-11-21T09:59:59Z").size() == 2);
  CHECK(at("2026-11-21T10:00:00Z") == std::map<std::string, std::string>{{"a", "2 | briefing | 2026-11-20"}});
  CHECK(at("2026-11-22")["b"] == "false | briefing | 2026-11-20");
  CHECK(s.facts("2026-11-21").known_at == "2026-11-21T23:59:59.999999Z");
  CHECK(s.facts().known_at == "2026-11-22T10:00:00.000000Z");
  // The current state's known_at reproduces it exactly.
  CHECK(state_map(s.facts(s.facts().known_at)) == state_map(s.facts()));
  CHECK_THROWS_AS(s.facts(std::string("last tuesday")), ps::StoreError);
}

TEST_CASE("facts_since lists the assertions after an id, retractions included, oldest first",
          "[store][facts][since]") {
  TempDir dir;
  FakeClock clock;
  ps::StoreOptions opt;
  opt.clock = clock.fn();
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing, opt);
  CHECK(s.facts().last_id == 0);
  CHECK(s.facts_since(0).assertions.empty());
  CHECK(s.facts_since(0).last_id == 0);

  clock.set("2026-11-20T10:00:00Z");
  s.import_facts({fact("a", "", "1"), fact("b", "(\"x\")", std::nullopt)}, by("x"));
  const auto first = s.facts();
  CHECK(first.last_id == 2);
  clock.set("2026-11-21T10:00:00Z");
  s.import_facts({fact("a", "", "2"), retraction("b", "(\"x\")")}, by("y"));

  auto since = s.facts_since(first.last_id);
  REQUIRE(since.assertions.size() == 2);
  CHECK(since.assertions[0].id == 3);
  CHECK(since.assertions[0].value_text == std::optional<std::string>("2"));
  CHECK(since.assertions[0].actor == "y");
  CHECK(since.assertions[1].kind == ps::AssertionKind::retraction);
  CHECK(since.last_id == 4);
  CHECK(since.latest == "2026-11-21T10:00:00.000000Z");
  CHECK(s.facts().last_id == 4);
  // The state as known at a moment covers the assertions up to it only.
  CHECK(s.facts("2026-11-20").last_id == 2);
  // Nothing newer: the id given back, nothing listed.
  CHECK(s.facts_since(4).assertions.empty());
  CHECK(s.facts_since(4).last_id == 4);
  CHECK(s.facts_since(4).latest.empty());
}

TEST_CASE("recorded_at is strictly increasing even when the clock steps back", "[store][facts][time]") {
  TempDir dir;
  FakeClock clock;
  ps::StoreOptions opt;
  opt.clock = clock.fn();
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing, opt);
  clock.set("2026-11-20T10:00:00Z");
  auto a = s.import_facts({fact("a", "", "1")}, by("x"));
  auto b = s.import_facts({fact("a", "", "2")}, by("x"));
  clock.set("2026-11-19T10:00:00Z");
  auto c = s.import_facts({fact("a", "", "3")}, by("x"));
  CHECK(a.recorded_at < b.recorded_at);
  CHECK(b.recorded_at < c.recorded_at);
  CHECK(b.recorded_at == "2026-11-20T10:00:00.000001Z");
  CHECK(*s.facts().facts[0].value_text == "3");
}

TEST_CASE("bad assertions are refused and change nothing", "[store][facts]") {
  TempDir dir;
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing);
  s.import_facts({fact("a", "", "1")}, by("x"));
  try {
    s.import_facts({fact("a", "", "2"), fact("b", "", "1", "s", "2026-02-30", "f.facts", 7)}, by("x"));
    FAIL("accepted a bad date");
  } catch (const ps::StoreError& e) {
    CHECK(e.kind() == ps::ErrorKind::invalid);
    CHECK(std::string(e.what()).find("f.facts:7") != std::string::npos);
  }
  CHECK(s.history("a").size() == 1);
  CHECK(s.batches().size() == 1);
}

TEST_CASE("export writes a facts file that imports back to the same state", "[store][facts][export]") {
  TempDir dir;
  FakeClock clock;
  ps::StoreOptions opt;
  opt.clock = clock.fn();
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing, opt);
  s.import_facts({fact("unsc_authorized", "", "true", "U.S. officials, as reported"),
                  fact("troops_committed", "(\"Indonesia\")", "unknown", "say \"maybe\"\\", "2026-11-18"),
                  fact("sector", "(\"Rafah\")", std::nullopt, "", ""), fact("gone", "", "1")},
                 by("alice"));
  clock.set("2026-11-21T00:00:00Z");
  s.import_facts({retraction("gone", "")}, by("alice"));

  std::string text = s.export_facts(std::nullopt, "Snapshot");
  std::string expected_body =
      "facts \"Snapshot\"\n\n"
      "sector(\"Rafah\")\n"
      "troops_committed(\"Indonesia\") = unknown   as of 2026-11-18   source \"say \\\"maybe\\\"\\\\\"\n"
      "unsc_authorized = true   as of 2026-11-20   source \"U.S. officials, as reported\"\n";
  CHECK(text.substr(text.find("facts \"")) == expected_body);
  CHECK(text.find("as known at 2026-11-21T00:00:00.000000Z") != std::string::npos);

  // Re-import the exported state (as the CLI would after parsing the file) into a fresh store.
  auto s2 = ps::Store::open(dir.file("t.db"), ps::OpenMode::create_if_missing);
  std::vector<ps::FactAssertion> lines;
  for (const auto& f : s.facts().facts) {
    ps::FactAssertion a;
    a.name = f.name;
    a.args_text = f.args_text;
    a.value_text = f.value_text;
    a.source = f.source;
    a.as_of = f.as_of;
    lines.push_back(a);
  }
  s2.import_facts(lines, by("bob"));
  CHECK(state_map(s2.facts()) == state_map(s.facts()));
  // Export as known at an earlier moment still has the retracted fact.
  CHECK(s.export_facts(std::string("2026-11-20")).find("gone = 1") != std::string::npos);
}

TEST_CASE("a writer that holds the lock past the busy timeout gives a clear error; readers are not blocked",
          "[store][busy]") {
  TempDir dir;
  std::string path = dir.file("s.db");
  { ps::Store::open(path, ps::OpenMode::create_if_missing).import_facts({fact("a", "", "1")}, by("x")); }
  sqlite3* holder = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &holder) == SQLITE_OK);
  REQUIRE(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  ps::StoreOptions opt;
  opt.busy_timeout_ms = 300;
  auto s = ps::Store::open(path, ps::OpenMode::must_exist, opt);
  CHECK(s.facts().facts.size() == 1);  // WAL: reading while another process writes
  auto start = std::chrono::steady_clock::now();
  try {
    s.import_facts({fact("a", "", "2")}, by("x"));
    FAIL("wrote through a held lock");
  } catch (const ps::StoreError& e) {
    CHECK(e.exit_code() == 74);
    CHECK(std::string(e.what()).find("locked") != std::string::npos);
  }
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(250));
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  s.import_facts({fact("a", "", "2")}, by("x"));  // and works once the lock is released
  CHECK(*s.facts().facts[0].value_text == "2");
}
