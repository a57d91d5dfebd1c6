// A live advice (cli/live_advice.hpp) brought up to date from the store after random imports and
// retractions must say exactly what a fresh `advise --db` says on the same store: the same table,
// reasons, unknowns and explanations (with the store records they cite).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "cli/explain_hook.hpp"
#include "cli/live_advice.hpp"
#include "cli/render_advise.hpp"
#include "engine/calendar.hpp"
#include "tests/unit/store/support.hpp"

namespace pc = phasegate::cli;
namespace ps = phasegate::store;

namespace {

const bool quiet = [] {  // the refreshes log at info level; the test's output is its assertions
  spdlog::set_level(spdlog::level::warn);
  return true;
}();

using store_test::TempDir;  // a fresh folder, removed at the end of the scope
using store_test::by;

// The readiness policy of the benchmark: joins, negation, aggregates, an open relation, `after`.
const std::string kRules = std::string(PG_SOURCE_DIR) + "/bench/policy/policy.rules";

// The advise --format json document (with explanations) of an advice.
std::string table_of(const pc::Advice& advice) {
  pc::AdviseReport report;
  report.program = &advice.program();
  report.sha256 = advice.rules->sha256;
  report.today = "2026-11-24";
  report.rows = advice.rows;
  report.explanations = pc::explain_rows(*advice.model, advice.rows, /*counterfactuals=*/false);
  std::ostringstream out;
  pc::write_advise_json(out, report);
  return out.str();
}

ps::FactAssertion assertion(const std::string& name, const std::vector<int>& args, std::optional<std::string> value,
                            bool retract = false) {
  ps::FactAssertion a;
  a.name = name;
  if (!args.empty()) {
    a.args_text = "(";
    for (std::size_t i = 0; i < args.size(); ++i) a.args_text += (i ? ", " : "") + std::to_string(args[i]);
    a.args_text += ")";
  }
  a.value_text = std::move(value);
  a.retract = retract;
  a.source = "test";
  a.file = "test.facts";
  a.line = 1;
  return a;
}

// A random assertion or retraction over a few units.
ps::FactAssertion random_assertion(std::mt19937& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int u = pick(1, 6);
  bool retract = pick(0, 4) == 0;
  switch (pick(0, 13)) {
    case 0: return assertion("unit", {u}, std::nullopt, retract);
    case 1: return assertion("kind", {u, pick(1, 3)}, std::nullopt, retract);
    case 2: return assertion("region", {u, pick(1, 2)}, std::nullopt, retract);
    case 3: return assertion("status", {u, pick(0, 3)}, std::nullopt, retract);
    case 4: {
      static const char* values[] = {"5", "20", "40", "60", "unknown"};
      return assertion("fuel", {u}, std::string(values[pick(0, 4)]), retract);
    }
    case 5: return assertion("fuel_listed", {u, pick(0, 3) * 20}, std::nullopt, retract);
    case 6: return assertion("staff", {u, pick(0, 4) * 10}, std::nullopt, retract);
    case 7: return assertion("training", {u, pick(0, 4) * 100}, std::nullopt, retract);
    case 8: return assertion("maint", {u, pick(0, 4) * 250}, std::nullopt, retract);
    case 9: return assertion("power", {u}, std::nullopt, retract);
    case 10: return assertion("comms", {u}, std::nullopt, retract);
    case 11: return assertion("certified", {u}, std::nullopt, retract);
    case 12: return assertion("equip", {u, pick(1, 3), pick(1, 4), pick(1, 3) * 10}, std::nullopt, retract);
    default: return assertion("kindp", {pick(1, 3), pick(1, 3) * 10, pick(0, 2), 40}, std::nullopt, retract);
  }
}

pc::AdviceRequest request_for(const std::string& db) {
  pc::AdviceRequest r;
  r.rules = {kRules};
  r.facts.db = db;
  r.eval.today = phasegate::engine::Date{*phasegate::engine::parse_iso_date("2026-11-24")};
  return r;
}


}  // namespace

TEST_CASE("a live advice follows random imports and retractions exactly as a fresh advise does") {
  std::mt19937 rng(20261124);
  int full_updates = 0, refreshes = 0;
  for (int round = 0; round < 12; ++round) {
    TempDir dir;
    const std::string db = dir.file("store.db");
    auto store = ps::Store::open(db, ps::OpenMode::create_if_missing);
    std::vector<ps::FactAssertion> first;
    for (int i = 0; i < 30; ++i) first.push_back(random_assertion(rng));
    store.import_facts(first, by("first"));

    pc::AdviceRequest request = request_for(db);
    // Assumptions and facts files win over the store, also over what it learns later.
    if (round % 3 == 1) request.facts.assume = {"comms(2) = true", "fuel(3) = 40"};
    if (round % 3 == 2) {
      std::ofstream(dir.file("given.facts")) << "facts \"Given\"\n  source \"planning cell\"\npower(4)\nfuel(5) = unknown\n";
      request.facts.files = {dir.file("given.facts")};
    }
    pc::LiveAdvice live;
    REQUIRE(live.open(request) == 0);
    for (int batch = 0; batch < 10; ++batch) {
      std::vector<ps::FactAssertion> lines;
      int n = std::uniform_int_distribution<int>(1, 4)(rng);
      for (int i = 0; i < n; ++i) lines.push_back(random_assertion(rng));
      store.import_facts(lines, by("batch" + std::to_string(batch)));

      pc::LiveRefresh refreshed;
      REQUIRE(live.refresh(&refreshed) == 0);
      CHECK(refreshed.assertions == lines.size());
      ++refreshes;
      if (refreshed.stats.full) ++full_updates;

      pc::Advice fresh;
      REQUIRE(pc::compute_advice(request, fresh) == 0);
      INFO("round " << round << ", batch " << batch);
      const std::string got = table_of(live.advice()), want = table_of(fresh);
      std::size_t at = std::mismatch(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(std::min(got.size(), want.size())),
                                     want.begin()).first - got.begin();
      INFO("first difference at " << at << ": live `" << got.substr(at > 200 ? at - 200 : 0, 400) << "` fresh `"
                                  << want.substr(at > 200 ? at - 200 : 0, 400) << "`");
      REQUIRE(got == want);
      CHECK(live.last_id() == fresh.gathered.facts_last_id);
      CHECK(live.advice().gathered.facts_known_at == fresh.gathered.facts_known_at);
    }
  }
  CHECK(refreshes == 120);
  CHECK(full_updates == 0);  // every refresh was incremental
}

TEST_CASE("a live advice reads only what is new, skips what it does not declare, and keeps files' facts") {
  TempDir dir;
  const std::string db = dir.file("store.db");
  auto store = ps::Store::open(db, ps::OpenMode::create_if_missing);
  store.import_facts({assertion("unit", {1}, std::nullopt), assertion("power", {1}, std::nullopt),
                      assertion("comms", {1}, std::nullopt), assertion("certified", {1}, std::nullopt),
                      assertion("unit", {2}, std::nullopt)},
                     by("first"));
  pc::AdviceRequest request = request_for(db);
  request.facts.assume = {"power(2) = true"};
  pc::LiveAdvice live;
  REQUIRE(live.open(request) == 0);

  auto verdict = [&](const std::string& phase, int unit) {
    for (const auto* row : live.advice().rows)
      if (live.advice().program().phases[static_cast<std::size_t>(row->phase)].name == phase &&
          row->args == std::vector<phasegate::engine::Constant>{phasegate::engine::Constant(phasegate::engine::Decimal::from_int(unit))})
        return row->verdict;
    FAIL("no row " << phase << "(" << unit << ")");
    return phasegate::engine::Verdict::go;
  };
  // unit 1 has no fuel report (open): UNDETERMINED; unit 2 has no comms etc. but deploys unless blocked.
  CHECK(verdict("deploy", 1) == phasegate::engine::Verdict::undetermined);

  pc::LiveRefresh r;
  REQUIRE(live.refresh(&r) == 0);  // nothing new
  CHECK(r.assertions == 0);
  CHECK(r.changed == 0);

  store.import_facts({assertion("fuel", {1}, std::string("60")), assertion("undeclared", {1}, std::nullopt),
                      assertion("power", {2}, std::nullopt, /*retract=*/true)},
                     by("second"));
  REQUIRE(live.refresh(&r) == 0);
  CHECK(r.assertions == 3);
  CHECK(r.changed == 1);   // fuel(1)
  CHECK(r.skipped == 2);   // `undeclared`, and power(2), which --assume gives
  CHECK(r.stats.bindings_reevaluated <= 4);
  CHECK(verdict("deploy", 1) == phasegate::engine::Verdict::go);

  // A retraction removes the tuple: unit 1 loses its power and is blocked (blocker 1).
  store.import_facts({assertion("power", {1}, std::nullopt, /*retract=*/true)}, by("third"));
  REQUIRE(live.refresh(&r) == 0);
  CHECK(r.changed == 1);
  CHECK(verdict("deploy", 1) == phasegate::engine::Verdict::no_go);
}

TEST_CASE("an ill-typed store fact is reported and nothing of that refresh is applied") {
  TempDir dir;
  const std::string db = dir.file("store.db");
  auto store = ps::Store::open(db, ps::OpenMode::create_if_missing);
  store.import_facts({assertion("unit", {1}, std::nullopt)}, by("first"));
  pc::LiveAdvice live;
  REQUIRE(live.open(request_for(db)) == 0);
  const auto before = table_of(live.advice());
  const auto last = live.last_id();
  store.import_facts({assertion("fuel", {1}, std::string("\"full\"")), assertion("power", {1}, std::nullopt)},
                     by("second"));
  CHECK(live.refresh() == 65);
  CHECK(live.last_id() == last);
  CHECK(table_of(live.advice()) == before);
  // The store corrects it; the next refresh reads both batches and applies the latest of each fact.
  store.import_facts({assertion("fuel", {1}, std::string("70"))}, by("third"));
  pc::LiveRefresh r;
  REQUIRE(live.refresh(&r) == 0);
  CHECK(r.assertions == 3);
  CHECK(r.changed == 2);
  pc::Advice fresh;
  REQUIRE(pc::compute_advice(request_for(db), fresh) == 0);
  CHECK(table_of(live.advice()) == table_of(fresh));
}

TEST_CASE("a live advice needs a store and no --known-at") {
  pc::LiveAdvice live;
  pc::AdviceRequest request;
  request.rules = {kRules};
  CHECK(live.open(request) == 64);
  request.facts.db = "x.db";
  request.facts.known_at = "2026-11-20";
  pc::LiveAdvice other;
  CHECK(other.open(request) == 64);
}
