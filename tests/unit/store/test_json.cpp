// JSON forms of store records: the field names the CLI's `--format json` relies on.
#include <catch2/catch.hpp>

#include "store/json.hpp"
#include "support.hpp"

using namespace store_test;

TEST_CASE("JSON forms of facts, decisions, diffs and verify reports", "[store][json]") {
  TempDir dir;
  FakeClock clock;
  ps::StoreOptions opt;
  opt.clock = clock.fn();
  auto s = ps::Store::open(dir.file("s.db"), ps::OpenMode::create_if_missing, opt);
  auto imp =
      s.import_facts({fact("gate_p1", "", "true"), fact("sector", "(\"Rafah\")", std::nullopt, "", "")}, by("alice"));
  CHECK(ps::as_json(imp) ==
        nlohmann::json::parse(R"({"batch":1,"recorded_at":"2026-11-20T09:00:00.000000Z","count":2})"));
  auto state = ps::as_json(s.facts());
  CHECK(state["known_at"] == "2026-11-20T09:00:00.000000Z");
  CHECK(state["facts"][0] == nlohmann::json::parse(R"({"id":1,"batch":1,"fact":"gate_p1 = true","name":"gate_p1","args":"","kind":"value",
      "value":"true","source":"briefing","as_of":"2026-11-20","actor":"alice",
      "recorded_at":"2026-11-20T09:00:00.000000Z","file":"b.facts","line":1})"));
  CHECK(state["facts"][1]["kind"] == "tuple");
  CHECK(state["facts"][1]["value"].is_null());
  CHECK(state["facts"][1]["source"].is_null());

  auto d1 = s.record_decision(toy_decision("phases: p1", {snap("gate_p1", "false")}));
  auto d2 = s.record_decision(toy_decision("phases: p1", {snap("gate_p1", "true")}));
  CHECK(ps::as_json(d1)["decision_id"] == 1);
  auto shown = ps::as_json(s.decision(2));
  CHECK(shown["ruleset"]["name"] == "toy");
  CHECK(shown["ruleset"]["files"][0]["path"] == "toy.rules");
  CHECK_FALSE(shown["ruleset"]["files"][0].contains("text"));
  CHECK(ps::as_json(s.decision(2), true)["ruleset"]["files"][0]["text"] == "phases: p1");
  CHECK(shown["facts"][0]["value"] == "true");
  CHECK(shown["facts"][0]["fact"] == "gate_p1 = true");
  CHECK(shown["verdicts"].is_array());  // the stored verdicts, under the name store.md gives them
  CHECK(shown["prev_hash"] == d1.hash);
  CHECK(shown["hash"] == d2.hash);
  auto listed = ps::as_json(s.list_decisions()[0]);
  CHECK(listed["counts"][0] == nlohmann::json::parse(R"({"phase":"p1","verdict":"NO-GO","count":1})"));
  auto diff = ps::as_json(s.diff(1, 2));
  CHECK(diff["facts"][0]["kind"] == "changed");
  CHECK(diff["verdicts"][0]["before"] == "NO-GO");
  CHECK(diff["verdicts"][0]["after"] == "GO");
  auto rep = ps::as_json(s.verify(toy_replay));
  CHECK(rep["ok"] == true);
  CHECK(rep["records"] == 2);
  CHECK(rep["imports"] == 1);
  CHECK(rep["problems"].empty());
}
