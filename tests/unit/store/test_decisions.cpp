// Decision log tests: recording on the chain, reading back, listing with filters, head, diff and a clean verify.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace store_test;

namespace {

const std::string kRules = "phases: p1 p2 p3";

std::vector<ps::SnapshotFact> gates(std::string p1, std::string p2, std::string p3 = "unknown") {
  return {snap("gate_p1", p1), snap("gate_p2", p2), snap("gate_p3", p3)};
}

}  // namespace

TEST_CASE("decisions are recorded on a hash chain and read back whole", "[store][audit]") {
  TempDir dir;
  FakeClock clock;
  ps::StoreOptions opt;
  opt.clock = clock.fn();
  std::string path = dir.file("s.db");
  auto s = ps::Store::open(path, ps::OpenMode::create_if_missing, opt);
  CHECK_FALSE(s.head());

  auto in1 = toy_decision(kRules, gates("true", "false"));
  in1.known_at = "2026-11-20";
  in1.facts_known_at = "2026-11-20T08:00:00Z";
  in1.options = {{"phases", nlohmann::json::array()}};
  // Given out of order: the snapshot is stored sorted by name and args.
  std::swap(in1.facts[0], in1.facts[2]);
  auto d1 = s.record_decision(in1);
  clock.set("2026-11-21T09:00:00Z");
  auto d2 = s.record_decision(toy_decision(kRules, gates("true", "true"), "bob", "2026-11-21"));

  CHECK(d1.id == 1);
  CHECK(d2.id == 2);
  CHECK(d1.hash.size() == 64);
  CHECK(d1.hash != d2.hash);
  REQUIRE(s.head());
  CHECK(s.head()->id == 2);
  CHECK(s.head()->hash == d2.hash);

  auto r1 = s.decision(1);
  CHECK(r1.recorded_at == "2026-11-20T09:00:00.000000Z");
  CHECK(r1.actor == "alice");
  CHECK(r1.ruleset_name == "toy");
  CHECK(r1.ruleset_version == "1");
  CHECK(r1.ruleset_sha256 == ps::sha256_hex(kRules));
  REQUIRE(r1.rules_files.size() == 1);
  CHECK(r1.rules_files[0].path == "toy.rules");
  CHECK(r1.rules_files[0].text == kRules);
  CHECK(r1.rules_file_sha256[0] == ps::sha256_hex(kRules));
  REQUIRE(r1.facts.size() == 3);
  CHECK(r1.facts[0].name == "gate_p1");
  CHECK(r1.facts[2].name == "gate_p3");
  CHECK(r1.facts[0].source == "briefing");
  CHECK(r1.facts[0].line == 3);
  CHECK(r1.facts[0].fact_text() == "gate_p1 = true");
  CHECK(r1.today == "2026-11-20");
  CHECK(r1.known_at == "2026-11-20T23:59:59.999999Z");
  CHECK(r1.facts_known_at == "2026-11-20T08:00:00.000000Z");
  CHECK(r1.options == in1.options);
  CHECK(r1.verdicts == in1.verdicts);
  CHECK(r1.explanation == in1.explanation);
  CHECK(r1.prev_hash == std::string(64, '0'));
  CHECK(r1.hash == d1.hash);
  CHECK(s.decision(2).prev_hash == d1.hash);
  CHECK(s.decision(2).explanation == nlohmann::json({{"tree", "because"}}));

  // The rules text is stored once per content hash.
  CHECK(raw_int(path, "SELECT count(*) FROM rules_text") == 1);
  CHECK(raw_int(path, "SELECT count(*) FROM fact_snapshot") == 2);
  s.record_decision(toy_decision(kRules, gates("true", "true"), "bob", "2026-11-21"));
  CHECK(raw_int(path, "SELECT count(*) FROM fact_snapshot") == 2);  // same snapshot, shared

  try {
    s.decision(99);
    FAIL("found decision 99");
  } catch (const ps::StoreError& e) {
    CHECK(e.kind() == ps::ErrorKind::no_such_record);
  }

  auto rep = s.verify(toy_replay);
  CHECK(rep.ok());
  CHECK(rep.records == 3);
  CHECK(rep.replayed == 3);
  CHECK(rep.head == s.head()->hash);
}

TEST_CASE("decisions recorded one after another on changing facts and rules keep each their own snapshot",
          "[store][audit]") {
  // The store keeps the last snapshot's body and the rules texts' hashes, and its prepared
  // statements, from one decision to the next: each decision must still get what it was given.
  TempDir dir;
  FakeClock clock;
  ps::StoreOptions opt;
  opt.clock = clock.fn();
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing, opt);
  const std::string other_rules = "phases: p1 p2 p3 # v2";
  auto a = toy_decision(kRules, gates("true", "false"));
  auto b = toy_decision(other_rules, gates("true", "true"));
  auto c = toy_decision(kRules, gates("true", "false"));
  c.facts[1].source = "another source";  // one field of one fact differs
  for (const auto* in : {&a, &b, &a, &c, &c, &b}) s.record_decision(*in);
  std::vector<ps::Decision> got;
  for (int id = 1; id <= 6; ++id) got.push_back(s.decision(id));
  CHECK(got[0].facts_sha256 == got[2].facts_sha256);
  CHECK(got[0].facts_sha256 != got[1].facts_sha256);
  CHECK(got[0].facts_sha256 != got[3].facts_sha256);
  CHECK(got[3].facts_sha256 == got[4].facts_sha256);
  CHECK(got[5].facts_sha256 == got[1].facts_sha256);
  CHECK(got[3].facts[1].source == "another source");
  CHECK(got[2].facts[1].source == "briefing");
  CHECK(got[1].rules_files[0].text == other_rules);
  CHECK(got[1].rules_file_sha256[0] == ps::sha256_hex(other_rules));
  CHECK(got[2].rules_file_sha256[0] == ps::sha256_hex(kRules));
  CHECK(got[5].rules_file_sha256[0] == ps::sha256_hex(other_rules));
  auto rep = s.verify(toy_replay);
  CHECK(rep.ok());
  CHECK(rep.records == 6);
}

TEST_CASE("a decision with malformed verdicts is refused and nothing is written", "[store][audit]") {
  TempDir dir;
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing);
  auto in = toy_decision(kRules, gates("true", "true"));
  in.verdicts = nlohmann::json::array({{{"phase", "p1"}, {"verdict", "MAYBE"}}});
  CHECK_THROWS_AS(s.record_decision(in), ps::StoreError);
  in.verdicts = nlohmann::json::object();
  CHECK_THROWS_AS(s.record_decision(in), ps::StoreError);
  in = toy_decision(kRules, gates("true", "true"));
  in.today = "20 Nov";
  CHECK_THROWS_AS(s.record_decision(in), ps::StoreError);
  CHECK_FALSE(s.head());
}

TEST_CASE("audit list filters by phase, verdict, date and actor", "[store][audit]") {
  TempDir dir;
  FakeClock clock;
  ps::StoreOptions opt;
  opt.clock = clock.fn();
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing, opt);
  clock.set("2026-11-20T10:00:00Z");
  s.record_decision(toy_decision(kRules, gates("true", "false"), "alice"));  // 1: p2 NO-GO
  clock.set("2026-11-21T10:00:00Z");
  s.record_decision(toy_decision("phases: p1", gates("true", "false"), "bob"));  // 2: only p1
  clock.set("2026-11-22T10:00:00Z");
  s.record_decision(toy_decision(kRules, gates("true", "true", "true"), "alice"));  // 3: all GO

  auto ids = [&](const ps::DecisionFilter& f) {
    std::vector<std::int64_t> out;
    for (const auto& d : s.list_decisions(f)) out.push_back(d.id);
    return out;
  };
  using V = std::vector<std::int64_t>;
  CHECK(ids({}) == V{1, 2, 3});
  ps::DecisionFilter f;
  f.phase = "p2";
  CHECK(ids(f) == V{1, 3});
  f.verdict = "no_go";
  CHECK(ids(f) == V{1});
  f = {};
  f.verdict = "UNDETERMINED";
  CHECK(ids(f) == V{1});
  f = {};
  f.actor = "bob";
  CHECK(ids(f) == V{2});
  f = {};
  f.from = "2026-11-21";
  CHECK(ids(f) == V{2, 3});
  f.to = "2026-11-21";
  CHECK(ids(f) == V{2});
  f = {};
  f.limit = 2;
  CHECK(ids(f) == V{2, 3});
  f = {};
  f.verdict = "SOMETIMES";
  CHECK_THROWS_AS(s.list_decisions(f), ps::StoreError);

  auto all = s.list_decisions();
  REQUIRE(all[0].counts.size() == 3);
  CHECK(all[0].counts[1].phase == "p2");
  CHECK(all[0].counts[1].verdict == "NO-GO");
  CHECK(all[0].counts[1].count == 1);
  CHECK(all[2].hash == s.head()->hash);
}

TEST_CASE("audit diff names changed facts and flipped verdicts", "[store][audit][diff]") {
  TempDir dir;
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing);
  auto f1 = gates("true", "false");
  f1.push_back(snap("old_fact", "1"));
  f1.push_back(snap("same", "1"));
  auto f2 = gates("true", "true");
  f2.push_back(snap("new_fact", "\"x\""));
  f2.push_back(snap("same", "1", "another source"));
  s.record_decision(toy_decision(kRules, f1));
  s.record_decision(toy_decision("phases: p1 p2 p4", f2, "alice", "2026-11-21"));
  auto d = s.diff(1, 2);
  CHECK(d.ruleset_changed);
  CHECK(d.today_a == "2026-11-20");
  CHECK(d.today_b == "2026-11-21");
  std::map<std::string, std::string> kinds;
  for (const auto& c : d.facts) kinds[c.name + c.args_text] = ps::to_string(c.kind);
  CHECK(kinds == std::map<std::string, std::string>{
                     {"gate_p2", "changed"}, {"new_fact", "added"}, {"old_fact", "removed"}, {"same", "restated"}});
  std::map<std::string, std::string> flips;
  for (const auto& v : d.verdicts)
    flips[v.phase] = (v.before.empty() ? "-" : v.before) + ">" + (v.after.empty() ? "-" : v.after);
  CHECK(flips ==
        std::map<std::string, std::string>{{"p2", "NO-GO>GO"}, {"p3", "UNDETERMINED>-"}, {"p4", "->UNDETERMINED"}});
  for (const auto& v : d.verdicts)
    if (v.phase == "p2") CHECK(v.after_detail.contains("reasons"));
  CHECK(s.diff(1, 1).facts.empty());
  CHECK(s.diff(1, 1).verdicts.empty());
  CHECK_THROWS_AS(s.diff(1, 5), ps::StoreError);
}

TEST_CASE("verify --head: the current head passes; appended records are not an error", "[store][audit][verify]") {
  TempDir dir;
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing);
  s.record_decision(toy_decision(kRules, gates("true", "false")));
  std::string kept = s.head()->hash;
  auto rep = s.verify(toy_replay, kept);
  CHECK(rep.ok());
  CHECK(rep.after_head == 0);
  s.record_decision(toy_decision(kRules, gates("true", "true")));
  rep = s.verify(toy_replay, kept);
  CHECK(rep.ok());
  CHECK(rep.after_head == 1);
  rep = s.verify(nullptr, std::string(64, 'a'));
  REQUIRE(rep.problems.size() == 1);
  CHECK(rep.problems[0].kind == ps::ProblemKind::head_not_found);
}

TEST_CASE("verify replays every decision and catches a recorded verdict the engine does not give",
          "[store][audit][verify]") {
  TempDir dir;
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing);
  s.record_decision(toy_decision(kRules, gates("true", "false")));
  auto lie = toy_decision(kRules, gates("true", "false"));
  lie.verdicts[1]["verdict"] = "GO";  // the recorder claimed GO for p2
  s.record_decision(lie);
  auto rep = s.verify(toy_replay);
  REQUIRE(rep.problems.size() == 1);
  CHECK(rep.problems[0].decision_id == 2);
  CHECK(rep.problems[0].kind == ps::ProblemKind::verdict_mismatch);
  CHECK(rep.problems[0].message.find("p2: recorded GO, replay gives NO-GO") != std::string::npos);

  // A replay that cannot load the stored rules is reported, not thrown.
  auto broken = [](const ps::Decision&) -> nlohmann::json { throw std::runtime_error("toy.rules:1:1: error"); };
  rep = s.verify(broken);
  CHECK(rep.problems.size() == 2);
  CHECK(rep.problems[0].kind == ps::ProblemKind::replay_failed);
  CHECK(rep.problems[0].message.find("toy.rules:1:1") != std::string::npos);
}

namespace {

// What `advise --db` does with the store's facts and the toy engine.
ps::DecisionInput toy_advise(const ps::FactState& st, const std::string& today) {
  std::vector<ps::SnapshotFact> facts;
  for (const auto& f : st.facts) {
    ps::SnapshotFact sf = snap(f.name, f.value_text, f.source);
    sf.as_of = f.as_of;
    sf.file = "store";
    sf.recorded_by = f.actor;
    sf.recorded_at = f.recorded_at;
    sf.record_id = f.id;
    facts.push_back(sf);
  }
  return toy_decision(kRules, facts, "planner", today);
}

}  // namespace

TEST_CASE("full audit trail: facts on three dates, decisions, --known-at each date, diff", "[store][audit][trail]") {
  TempDir dir;
  FakeClock clock;
  ps::StoreOptions opt;
  opt.clock = clock.fn();
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing, opt);
  const char* days[] = {"2026-11-20", "2026-11-21", "2026-11-22"};
  std::vector<std::vector<std::string>> gate_values = {{"false", "false"}, {"true", "false"}, {"true", "true"}};
  std::vector<ps::RecordedDecision> recorded;
  for (int i = 0; i < 3; ++i) {
    clock.set(std::string(days[i]) + "T09:00:00Z");
    s.import_facts({fact("gate_p1", "", gate_values[i][0], "briefing", days[i]),
                    fact("gate_p2", "", gate_values[i][1], "briefing", days[i])},
                   by("alice"));
    clock.set(std::string(days[i]) + "T12:00:00Z");
    recorded.push_back(
        s.record_decision(std::nullopt, [&](const ps::FactState& st) { return toy_advise(st, days[i]); }));
  }
  for (int i = 0; i < 3; ++i) {
    auto d = s.decision(recorded[i].id);
    CHECK(d.facts_known_at == std::string(days[i]) + "T09:00:00.000000Z");
    CHECK(d.known_at.empty());
    // `advise --known-at DATE` (end of day) and `--known-at <recorded_at>` give the recorded verdicts.
    auto later_day = toy_advise(s.facts(std::string(days[i]) + "T23:00"), days[i]);
    auto at_record = toy_advise(s.facts(d.recorded_at), days[i]);
    CHECK(later_day.verdicts == d.verdicts);
    CHECK(at_record.verdicts == d.verdicts);
    CHECK(toy_advise(s.facts(d.facts_known_at), days[i]).facts.size() == d.facts.size());
  }
  auto d12 = s.diff(1, 2);
  REQUIRE(d12.facts.size() == 2);
  CHECK(d12.facts[0].name == "gate_p1");
  CHECK(d12.facts[0].kind == ps::FactChange::Kind::changed);
  CHECK(*d12.facts[0].before->value_text == "false");
  CHECK(*d12.facts[0].after->value_text == "true");
  CHECK(d12.facts[1].kind == ps::FactChange::Kind::restated);  // same value, new as-of
  REQUIRE(d12.verdicts.size() == 1);
  CHECK(d12.verdicts[0].phase == "p1");
  CHECK(d12.verdicts[0].before == "NO-GO");
  CHECK(d12.verdicts[0].after == "GO");
  auto d23 = s.diff(2, 3);
  REQUIRE(d23.verdicts.size() == 1);
  CHECK(d23.verdicts[0].phase == "p2");
  CHECK(s.verify(toy_replay, s.head()->hash).ok());
}

TEST_CASE("recording on store facts re-evaluates when an import lands in between", "[store][audit]") {
  TempDir dir;
  std::string path = dir.file("s.db");
  auto s = ps::Store::open(path, ps::OpenMode::create_if_missing);
  s.import_facts({fact("gate_p1", "", "false")}, by("alice"));
  int calls = 0;
  auto d = s.record_decision(std::nullopt, [&](const ps::FactState& st) {
    if (++calls == 1) {  // another process imports while we evaluate
      auto other = ps::Store::open(path, ps::OpenMode::must_exist);
      other.import_facts({fact("gate_p1", "", "true")}, by("bob"));
    }
    return toy_advise(st, "2026-11-20");
  });
  CHECK(calls == 2);
  auto rec = s.decision(d.id);
  CHECK(rec.verdicts[0]["verdict"] == "GO");
  CHECK(toy_advise(s.facts(rec.recorded_at), "2026-11-20").verdicts == rec.verdicts);
  CHECK(toy_advise(s.facts(rec.facts_known_at), "2026-11-20").verdicts == rec.verdicts);

  // With --known-at in the past, later imports do not matter.
  calls = 0;
  auto d2 = s.record_decision(std::string("2000-01-01"), [&](const ps::FactState& st) {
    ++calls;
    auto other = ps::Store::open(path, ps::OpenMode::must_exist);
    other.import_facts({fact("gate_p1", "", "false")}, by("bob"));
    return toy_advise(st, "2026-11-20");
  });
  CHECK(calls == 1);
  CHECK(s.decision(d2.id).known_at == "2000-01-01T23:59:59.999999Z");
  CHECK(s.decision(d2.id).facts.empty());
}

// `--known-at` a moment still to come: imports after the decision would belong to that moment, so the
// decision records the moment it read the store at (its recorded_at), which later imports leave alone.
TEST_CASE("a decision with --known-at in the future is reproducible at its facts_known_at", "[store][audit]") {
  TempDir dir;
  std::string path = dir.file("s.db");
  auto s = ps::Store::open(path, ps::OpenMode::create_if_missing);
  s.import_facts({fact("gate_p1", "", "true")}, by("alice"));
  auto d = s.record_decision(std::string("2999-01-01"),
                             [&](const ps::FactState& st) { return toy_advise(st, "2026-11-20"); });
  s.import_facts({fact("gate_p1", "", "false")}, by("bob"));
  auto rec = s.decision(d.id);
  CHECK(rec.known_at == "2999-01-01T23:59:59.999999Z");
  CHECK(rec.facts_known_at == rec.recorded_at);
  CHECK(toy_advise(s.facts(rec.facts_known_at), "2026-11-20").verdicts == rec.verdicts);
  CHECK(rec.verdicts[0]["verdict"] == "GO");
}
