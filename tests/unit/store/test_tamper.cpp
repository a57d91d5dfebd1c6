// Tamper tests: edit the store file with raw SQL as an attacker would; verify must catch each edit and name the record.
#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "store/impl.hpp"
#include "support.hpp"

using namespace store_test;

namespace {

// Five decisions with distinct fact snapshots; decision 2 has its own rules text.
// Also two fact imports.
struct Fixture {
  TempDir dir;
  std::string path = dir.file("audit.db");
  std::string head;
  Fixture() {
    auto s = ps::Store::open(path, ps::OpenMode::create_if_missing);
    s.import_facts({fact("gate_p1", "", "true"), fact("gate_p2", "", "false")}, by("alice"));
    s.import_facts({fact("gate_p2", "", "true")}, by("bob"));
    for (int i = 1; i <= 5; ++i) {
      std::string rules = i == 2 ? "phases: p1 p2" : "phases: p1 p2 p3";
      std::vector<ps::SnapshotFact> facts = {snap("gate_p1", "true"), snap("gate_p2", i % 2 ? "true" : "false"),
                                             snap("n", std::to_string(i))};
      s.record_decision(toy_decision(rules, facts, i == 4 ? "bob" : "alice"));
    }
    head = s.head()->hash;
    REQUIRE(s.verify(toy_replay, head).ok());
  }
  ps::VerifyReport verify(std::optional<std::string> h = std::nullopt) {
    auto s = ps::Store::open(path, ps::OpenMode::must_exist);
    return s.verify(toy_replay, h);
  }
};

std::set<std::int64_t> named(const ps::VerifyReport& r) {
  std::set<std::int64_t> out;
  for (const auto& p : r.problems)
    if (p.decision_id) out.insert(p.decision_id);
  return out;
}

bool has(const ps::VerifyReport& r, std::int64_t id, ps::ProblemKind k) {
  for (const auto& p : r.problems)
    if (p.decision_id == id && p.kind == k) return true;
  return false;
}

std::string all_messages(const ps::VerifyReport& r) {
  std::string s;
  for (const auto& p : r.problems) s += std::string(ps::to_string(p.kind)) + ": " + p.message + "\n";
  return s;
}

// What a careful attacker does after an edit: recompute every hash so that the chain links again.
void rehash_chain(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  std::vector<ps::detail::DecisionRow> rows;
  sqlite3_stmt* st = nullptr;
  std::string sql = std::string("SELECT ") + ps::detail::kDecisionColumns + " FROM decision ORDER BY id";
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  auto text = [&](int i) {
    auto p = sqlite3_column_text(st, i);
    return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
  };
  while (sqlite3_step(st) == SQLITE_ROW) {
    ps::detail::DecisionRow r;
    r.id = sqlite3_column_int64(st, 0);
    std::string* f[] = {&r.recorded_at, &r.actor,        &r.ruleset_name, &r.ruleset_version, &r.ruleset_sha256,
                        &r.rules_files, &r.facts_sha256, &r.today,        &r.known_at,        &r.facts_known_at,
                        &r.options,     &r.verdicts,     &r.explanation,  &r.prev_hash,       &r.hash};
    for (int i = 0; i < 15; ++i) *f[i] = text(i + 1);
    rows.push_back(r);
  }
  sqlite3_finalize(st);
  std::string prev = ps::kGenesisHash;
  for (auto& r : rows) {
    r.prev_hash = prev;
    r.hash = ps::detail::row_hash(r);
    prev = r.hash;
    std::string up = "UPDATE decision SET prev_hash = '" + r.prev_hash + "', hash = '" + r.hash +
                     "' WHERE id = " + std::to_string(r.id);
    REQUIRE(sqlite3_exec(db, up.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  sqlite3_close(db);
}

// The same for the chain of fact imports (docs/store.md): every batch's hash recomputed in id order.
void rehash_imports(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  auto rows = [&](const std::string& sql) {
    std::vector<std::vector<std::string>> out;
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        auto p = sqlite3_column_text(st, i);
        row.push_back(p ? std::string(reinterpret_cast<const char*>(p)) : std::string());
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return out;
  };
  std::string prev = ps::kGenesisHash;
  for (const auto& b : rows("SELECT id, recorded_at, actor, title, files, line_count FROM import_batch ORDER BY id")) {
    ps::detail::BatchHasher h;
    h.header(std::stoll(b[0]), b[1], b[2], b[3], b[4], std::stoll(b[5]));
    for (const auto& a : rows("SELECT id, name, args, kind, value, source, as_of, actor, recorded_at, file, line "
                              "FROM fact_assertion WHERE batch_id = " + b[0] + " ORDER BY id"))
      h.assertion(std::stoll(a[0]), a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], std::stoll(a[10]));
    std::string hash = h.hash(prev);
    std::string up = "UPDATE import_batch SET prev_hash = '" + prev + "', hash = '" + hash + "' WHERE id = " + b[0];
    REQUIRE(sqlite3_exec(db, up.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    prev = hash;
  }
  sqlite3_close(db);
}

}  // namespace

// The store's clock (meta `clock`) set ahead makes every later record carry a time still to come; so
// does a forged recorded_at. Verify flags any record dated after the check (a day's leeway).
TEST_CASE("tamper: records dated after the check are caught", "[store][tamper]") {
  TempDir dir;
  const std::string path = dir.file("clock.db");
  {
    auto s = ps::Store::open(path, ps::OpenMode::create_if_missing);
    s.import_facts({fact("gate_p1", "", "true")}, by("alice"));
    s.record_decision(toy_decision("phases: p1", {snap("gate_p1", "true")}));
  }
  auto verify = [&] { return ps::Store::open(path, ps::OpenMode::must_exist).verify(toy_replay); };
  REQUIRE(verify().ok());
  // 2 January 2100 in microseconds since 1970.
  raw_sql(path, "UPDATE meta SET value = '4102531200000000' WHERE key = 'clock'");
  {
    auto s = ps::Store::open(path, ps::OpenMode::must_exist);
    s.import_facts({fact("gate_p1", "", "false")}, by("mallory"));  // import 2, dated 2100
    s.record_decision(toy_decision("phases: p1", {snap("gate_p1", "false")}));  // decision 2, dated 2100
  }
  auto r = verify();
  INFO(all_messages(r));
  CHECK(has(r, 2, ps::ProblemKind::out_of_order));
  CHECK_FALSE(has(r, 1, ps::ProblemKind::out_of_order));
  bool import_flagged = false;
  for (const auto& p : r.problems)
    import_flagged = import_flagged || (p.batch_id == 2 && p.kind == ps::ProblemKind::out_of_order &&
                                        p.message.find("after the time of this check") != std::string::npos);
  CHECK(import_flagged);
}

TEST_CASE("tamper: changing a verdict is caught and names the decision", "[store][tamper]") {
  Fixture fx;
  raw_sql(fx.path,
          "UPDATE decision SET verdicts = replace(verdicts, '\"verdict\":\"GO\"', '\"verdict\":\"NO-GO\"') "
          "WHERE id = 3");
  auto r = fx.verify();
  INFO(all_messages(r));
  CHECK_FALSE(r.ok());
  CHECK(named(r) == std::set<std::int64_t>{3});
  CHECK(has(r, 3, ps::ProblemKind::hash_mismatch));
  CHECK(has(r, 3, ps::ProblemKind::verdict_mismatch));
}

TEST_CASE("tamper: changing any field of a decision breaks its hash", "[store][tamper]") {
  Fixture fx;
  const char* edits[] = {"actor = 'mallory'",     "today = '2026-01-01'",
                         "ruleset_version = '9'", "recorded_at = (SELECT recorded_at FROM decision WHERE id = 3)",
                         "explanation = NULL",    "known_at = '2026-11-20'"};
  for (const char* e : edits) {
    Fixture f2;
    raw_sql(f2.path, std::string("UPDATE decision SET ") + e + " WHERE id = 4");
    auto r = f2.verify();
    INFO(e << "\n" << all_messages(r));
    CHECK(has(r, 4, ps::ProblemKind::hash_mismatch));
    CHECK(named(r) == std::set<std::int64_t>{4});
  }
}

TEST_CASE("tamper: changing a fact value in a decision's snapshot is caught", "[store][tamper]") {
  Fixture fx;
  raw_sql(fx.path,
          "UPDATE fact_snapshot SET body = replace(body, '\"value\":\"false\"', '\"value\":\"true\"') "
          "WHERE sha256 = (SELECT facts_sha256 FROM decision WHERE id = 2)");
  auto r = fx.verify();
  INFO(all_messages(r));
  CHECK(named(r) == std::set<std::int64_t>{2});
  CHECK(has(r, 2, ps::ProblemKind::snapshot_modified));
  // Also when the attacker updates the snapshot's key and the decision's reference to it.
  Fixture f2;
  raw_sql(f2.path,
          "UPDATE decision SET facts_sha256 = 'x' || facts_sha256 WHERE id = 2;"
          "UPDATE fact_snapshot SET sha256 = 'x' || sha256 WHERE sha256 = (SELECT substr(facts_sha256, 2) FROM "
          "decision WHERE id = 2)");
  r = f2.verify();
  INFO(all_messages(r));
  CHECK(has(r, 2, ps::ProblemKind::hash_mismatch));
}

TEST_CASE("tamper: changing a stored rules text is caught", "[store][tamper]") {
  Fixture fx;
  raw_sql(fx.path, "UPDATE rules_text SET text = 'phases: p1' WHERE text = 'phases: p1 p2'");
  auto r = fx.verify();
  INFO(all_messages(r));
  CHECK(named(r) == std::set<std::int64_t>{2});
  CHECK(has(r, 2, ps::ProblemKind::rules_text_modified));
  CHECK(r.problems[0].message.find("toy.rules") != std::string::npos);
  // The shared text of the other decisions: every decision using it is named.
  Fixture f2;
  raw_sql(f2.path, "UPDATE rules_text SET text = text || ' p4' WHERE text = 'phases: p1 p2 p3'");
  r = f2.verify();
  CHECK(named(r) == std::set<std::int64_t>{1, 3, 4, 5});
  Fixture f3;
  raw_sql(f3.path, "DELETE FROM rules_text WHERE text = 'phases: p1 p2'");
  r = f3.verify();
  CHECK(has(r, 2, ps::ProblemKind::rules_text_modified));
}

TEST_CASE("tamper: deleting a middle record is caught and names it", "[store][tamper]") {
  Fixture fx;
  raw_sql(fx.path, "DELETE FROM decision WHERE id = 3");
  auto r = fx.verify();
  INFO(all_messages(r));
  CHECK(has(r, 4, ps::ProblemKind::missing_record));
  CHECK(has(r, 4, ps::ProblemKind::broken_link));
  CHECK(all_messages(r).find("decision 3 is missing") != std::string::npos);
  CHECK(named(r) == std::set<std::int64_t>{4});
  // Renumbering to hide the gap still breaks the hashes and the link.
  Fixture f2;
  raw_sql(f2.path,
          "DELETE FROM decision WHERE id = 3; UPDATE decision SET id = id + 999 WHERE id > 3;"
          "UPDATE decision SET id = id - 1000 WHERE id > 1000");
  r = f2.verify();
  INFO(all_messages(r));
  CHECK(has(r, 3, ps::ProblemKind::broken_link));
  CHECK(has(r, 3, ps::ProblemKind::hash_mismatch));
}

TEST_CASE("tamper: reordering two records is caught", "[store][tamper]") {
  Fixture fx;
  raw_sql(fx.path,
          "UPDATE decision SET id = 100 WHERE id = 2; UPDATE decision SET id = 2 WHERE id = 3;"
          "UPDATE decision SET id = 3 WHERE id = 100");
  auto r = fx.verify();
  INFO(all_messages(r));
  CHECK(has(r, 2, ps::ProblemKind::broken_link));
  CHECK(has(r, 3, ps::ProblemKind::broken_link));
  CHECK(has(r, 3, ps::ProblemKind::out_of_order));
  CHECK(all_messages(r).find("reordered") != std::string::npos);
  CHECK(named(r) == std::set<std::int64_t>{2, 3, 4});  // 4 links to the old 3, now at id 2
}

TEST_CASE("tamper: truncating the tail is caught with --head", "[store][tamper]") {
  Fixture fx;
  raw_sql(fx.path, "DELETE FROM decision WHERE id >= 4");
  {  // the index rows left behind give it away
    auto left = fx.verify();
    INFO(all_messages(left));
    CHECK(has(left, 4, ps::ProblemKind::index_mismatch));
    CHECK(has(left, 5, ps::ProblemKind::index_mismatch));
  }
  raw_sql(fx.path, "DELETE FROM decision_phase WHERE decision_id >= 4");
  CHECK(fx.verify().ok());  // without the kept head a clean truncation is invisible
  auto r = fx.verify(fx.head);
  INFO(all_messages(r));
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].kind == ps::ProblemKind::head_not_found);
  CHECK(r.problems[0].message.find("decision 3") != std::string::npos);
}

TEST_CASE("tamper: an attacker who re-hashes the chain is caught by the replay and by --head", "[store][tamper]") {
  Fixture fx;
  raw_sql(fx.path,
          "UPDATE decision SET verdicts = replace(verdicts, '\"verdict\":\"NO-GO\"', '\"verdict\":\"GO\"') "
          "WHERE id = 2; UPDATE decision_phase SET verdict = 'GO' WHERE decision_id = 2");
  rehash_chain(fx.path);
  auto r = fx.verify();
  INFO(all_messages(r));
  CHECK(named(r) == std::set<std::int64_t>{2});
  CHECK(has(r, 2, ps::ProblemKind::verdict_mismatch));
  CHECK_FALSE(has(r, 2, ps::ProblemKind::hash_mismatch));
  r = fx.verify(fx.head);
  CHECK(r.problems.back().kind == ps::ProblemKind::head_not_found);
}

TEST_CASE("tamper: the per-phase index used by audit list is checked", "[store][tamper]") {
  Fixture fx;
  raw_sql(fx.path, "UPDATE decision_phase SET verdict = 'GO' WHERE decision_id = 2 AND verdict = 'NO-GO'");
  auto r = fx.verify();
  CHECK(named(r) == std::set<std::int64_t>{2});
  CHECK(has(r, 2, ps::ProblemKind::index_mismatch));
}

TEST_CASE("tamper: index rows of no decision are reported and do not block recording", "[store][tamper]") {
  Fixture fx;
  raw_sql(fx.path, "INSERT INTO decision_phase VALUES (6, 'p1', 'GO', 1)");  // decision 6 is not recorded yet
  auto r = fx.verify();
  INFO(all_messages(r));
  CHECK(has(r, 6, ps::ProblemKind::index_mismatch));
  {
    auto s = ps::Store::open(fx.path, ps::OpenMode::must_exist);
    auto rec = s.record_decision(toy_decision("phases: p1 p2 p3", {snap("gate_p1", "true")}, "carol"));
    CHECK(rec.id == 6);
    fx.head = s.head()->hash;
  }
  auto after = fx.verify(fx.head);  // the stray row was replaced by decision 6's own
  INFO(all_messages(after));
  CHECK(after.ok());
}

TEST_CASE("tamper: editing, deleting or inserting fact assertions breaks the import chain", "[store][tamper]") {
  auto batch_problem = [](const ps::VerifyReport& r, std::int64_t batch, ps::ProblemKind k) {
    for (const auto& p : r.problems)
      if (p.batch_id == batch && p.kind == k) return true;
    return false;
  };
  {
    Fixture fx;
    raw_sql(fx.path, "UPDATE fact_assertion SET value = 'false' WHERE batch_id = 1 AND name = 'gate_p1'");
    auto r = fx.verify();
    INFO(all_messages(r));
    CHECK(batch_problem(r, 1, ps::ProblemKind::hash_mismatch));
    CHECK(all_messages(r).find("fact import 1") != std::string::npos);
    CHECK(r.problems.size() == 1);
  }
  {
    Fixture fx;
    raw_sql(fx.path, "UPDATE fact_assertion SET source = 'forged', actor = 'carol' WHERE batch_id = 2");
    CHECK(batch_problem(fx.verify(), 2, ps::ProblemKind::hash_mismatch));
  }
  {
    Fixture fx;
    raw_sql(fx.path, "DELETE FROM fact_assertion WHERE batch_id = 1 AND name = 'gate_p2'");
    CHECK(batch_problem(fx.verify(), 1, ps::ProblemKind::hash_mismatch));
  }
  {
    Fixture fx;
    raw_sql(fx.path, "DELETE FROM fact_assertion WHERE batch_id = 1; DELETE FROM import_batch WHERE id = 1");
    auto r = fx.verify();
    INFO(all_messages(r));
    CHECK(batch_problem(r, 2, ps::ProblemKind::missing_record));
    CHECK(batch_problem(r, 2, ps::ProblemKind::broken_link));
  }
}

TEST_CASE("a damaged store file is reported, never passed as intact", "[store][tamper]") {
  Fixture fx;
  std::int64_t page_size = raw_int(fx.path, "PRAGMA page_size");
  std::int64_t root = raw_int(fx.path, "SELECT rootpage FROM sqlite_schema WHERE name = 'decision'");
  REQUIRE(root > 1);
  {
    std::fstream f(fx.path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((root - 1) * page_size);
    std::string junk(static_cast<std::size_t>(page_size), '\xff');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  try {
    auto r = fx.verify();
    INFO(all_messages(r));
    CHECK_FALSE(r.ok());
    CHECK(r.problems[0].kind == ps::ProblemKind::store_corrupt);
  } catch (const ps::StoreError& e) {
    INFO(e.what());
    CHECK(e.exit_code() == 74);  // or the damage stops the walk: an I/O failure, not a pass
  }
}

// A decision that took facts from the store names their records; `advise --db --known-at` re-reads
// them. Deleting the import they came from (the import chain then simply ends earlier) or rewriting
// one of them must be caught, though the decision log itself is untouched.
TEST_CASE("tamper: deleting or rewriting the store records a decision used is caught", "[store][tamper]") {
  TempDir dir;
  const std::string path = dir.file("imports.db");
  std::string head;
  {
    auto s = ps::Store::open(path, ps::OpenMode::create_if_missing);
    s.import_facts({fact("gate_p1", "", "true")}, by("alice"));     // record 1
    s.import_facts({fact("gate_p2", "", "false")}, by("bob"));      // record 2
    // As `advise --db` takes them: value and provenance from the store's records.
    std::vector<ps::SnapshotFact> used;
    for (const ps::StoredFact& sf : s.facts().facts) {
      ps::SnapshotFact f = snap(sf.name, sf.value_text, sf.source);
      f.as_of = sf.as_of;
      f.recorded_by = sf.actor;
      f.recorded_at = sf.recorded_at;
      f.record_id = sf.id;
      used.push_back(f);
    }
    REQUIRE(used.size() == 2);
    s.record_decision(toy_decision("phases: p1 p2", used, "carol"));
    head = s.head()->hash;
    REQUIRE(s.verify(toy_replay, head).ok());
  }
  auto verify = [&](const std::string& p) { return ps::Store::open(p, ps::OpenMode::must_exist).verify(toy_replay, head); };
  SECTION("the last import deleted") {
    raw_sql(path, "DELETE FROM fact_assertion WHERE batch_id = 2; DELETE FROM import_batch WHERE id = 2");
    auto r = verify(path);
    INFO(all_messages(r));
    CHECK(has(r, 1, ps::ProblemKind::store_fact_changed));
    CHECK(all_messages(r).find("store record 2 (`gate_p2 = false`)") != std::string::npos);
  }
  SECTION("a record rewritten") {
    raw_sql(path, "UPDATE fact_assertion SET value = 'true' WHERE id = 2");
    auto r = verify(path);
    INFO(all_messages(r));
    CHECK(has(r, 1, ps::ProblemKind::store_fact_changed));
  }
  SECTION("a record's provenance rewritten, the import chain re-hashed") {
    raw_sql(path, "UPDATE fact_assertion SET actor = 'mallory', source = 'a blog', as_of = '2020-01-01' WHERE id = 2");
    rehash_imports(path);
    auto r = verify(path);
    INFO(all_messages(r));
    CHECK(has(r, 1, ps::ProblemKind::store_fact_changed));
    CHECK(has(r, 1, ps::ProblemKind::imports_changed));
    CHECK(all_messages(r).find("another source, as-of date, author or time") != std::string::npos);
  }
  SECTION("an import the decision did not use rewritten, the import chain re-hashed") {
    raw_sql(path, "UPDATE import_batch SET title = 'forged' WHERE id = 1");
    rehash_imports(path);
    auto r = verify(path);
    INFO(all_messages(r));
    CHECK(!has(r, 1, ps::ProblemKind::store_fact_changed));
    CHECK(has(r, 1, ps::ProblemKind::imports_changed));
    CHECK(all_messages(r).find("made after fact import 2 ") != std::string::npos);
  }
  SECTION("a back-dated import appended after the decision") {
    {
      auto s = ps::Store::open(path, ps::OpenMode::must_exist);
      s.import_facts({fact("gate_p1", "", "false")}, by("mallory"));  // batch 3
    }
    raw_sql(path,
            "UPDATE import_batch SET recorded_at = (SELECT recorded_at FROM import_batch WHERE id = 2) || 'x' "
            "WHERE id = 3");
    raw_sql(path, "UPDATE fact_assertion SET recorded_at = (SELECT recorded_at FROM import_batch WHERE id = 3) "
                  "WHERE batch_id = 3");
    rehash_imports(path);
    auto r = verify(path);
    INFO(all_messages(r));
    CHECK(!r.ok());
    bool back_dated = false;
    for (const auto& p : r.problems)
      back_dated = back_dated || (p.batch_id == 3 && p.kind == ps::ProblemKind::out_of_order &&
                                  p.message.find("back-dated") != std::string::npos);
    CHECK(back_dated);
  }
  SECTION("an import appended after the decision, not back-dated, is fine") {
    {
      auto s = ps::Store::open(path, ps::OpenMode::must_exist);
      s.import_facts({fact("gate_p1", "", "false")}, by("dave"));
    }
    auto r = verify(path);
    INFO(all_messages(r));
    CHECK(r.ok());
  }
  SECTION("an assertion inserted outside every import") {
    raw_sql(path,
            "INSERT INTO fact_assertion (batch_id, name, args, kind, value, source, as_of, actor, recorded_at, file, line) "
            "SELECT 0, name, args, kind, 'false', source, as_of, actor, recorded_at, file, line FROM fact_assertion "
            "WHERE id = 1");
    auto r = verify(path);
    INFO(all_messages(r));
    CHECK(!r.ok());
    CHECK(all_messages(r).find("belongs to no fact import") != std::string::npos);
  }
  SECTION("a record turned into a retraction") {
    raw_sql(path, "UPDATE fact_assertion SET kind = 'retract', value = NULL WHERE id = 1");
    auto r = verify(path);
    INFO(all_messages(r));
    CHECK(has(r, 1, ps::ProblemKind::store_fact_changed));
  }
}
