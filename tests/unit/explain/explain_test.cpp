// Property tests of explanations: every "what would it take" set, applied as assumptions, makes the phase GO
// and no proper subset does; every "what could stop it" set makes it NO-GO; reasons alone give each node's value.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/eval/value.hpp"
#include "engine/explain/explain.hpp"
#include "tests/unit/explain/pipeline.hpp"

using namespace phasegate;
using engine::Truth;
using engine::Verdict;

namespace {

struct Case {
  std::string rules;
  std::vector<std::string> facts;
  std::vector<std::string> assume;
  std::vector<std::string> phases;
};

// Every golden case doubles as a property-test case.
std::vector<Case> golden_cases() {
  namespace fs = std::filesystem;
  std::vector<Case> out;
  fs::path dir = "tests/golden/explain";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".case") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    Case c;
    std::ifstream in(f);
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      auto colon = line.find(':');
      std::string key = line.substr(0, colon), value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(value.begin());
      if (key == "rules") c.rules = (dir / value).lexically_normal().string();
      else if (key == "facts") c.facts.push_back((dir / value).lexically_normal().string());
      else if (key == "assume") c.assume.push_back(value);
      else if (key == "phase") c.phases.push_back(value);
    }
    out.push_back(c);
  }
  return out;
}

Verdict verdict_with(const test::Loaded& l, const engine::PhaseResult& row, const std::vector<engine::FactChange>& changes) {
  engine::FactBase fb = *l.facts;
  for (const engine::FactChange& ch : changes) fb = engine::facts_with(fb, ch.relation, ch.args, ch.value, ch.remove);
  auto model = test::evaluate_with(l, fb);
  REQUIRE(model);
  for (const engine::PhaseResult& r : model->evaluation().phases)
    if (r.phase == row.phase && r.args == row.args) return r.verdict;
  FAIL("phase binding disappeared");
  return Verdict::undetermined;
}

Truth combine(char op, const std::vector<Truth>& ts) {
  Truth acc = op == 'a' ? Truth::true_ : Truth::false_;
  for (Truth t : ts) acc = op == 'a' ? engine::truth_and(acc, t) : engine::truth_or(acc, t);
  return acc;
}

char op_of(const engine::ExplainNode& n) {
  using engine::NodeKind;
  if (n.condition >= 0) return 'l';
  switch (n.kind) {
    case NodeKind::phase:
    case NodeKind::and_: return 'a';
    case NodeKind::require:
    case NodeKind::or_:
    case NodeKind::condition: return 'o';
    case NodeKind::block:
    case NodeKind::not_: return 'n';
    default: return 'p';
  }
}

struct Chdir {
  Chdir() { std::filesystem::current_path(PG_SOURCE_DIR); }
};
Chdir chdir_once;

}  // namespace

TEST_CASE("what would it take / what could stop it hold when applied as assumptions") {
  std::size_t checked_go = 0, checked_stop = 0, checked_joint = 0;
  for (const Case& c : golden_cases()) {
    test::Loaded l = test::load(c.rules, c.facts, c.assume, "2026-11-24");
    INFO(c.rules << "\n" << l.error);
    REQUIRE(l.model);
    for (const std::string& ph : c.phases) {
      INFO("phase " << ph);
      const engine::PhaseResult* row = test::find_row(*l.model, ph);
      REQUIRE(row);
      engine::ExplainOptions opt;
      opt.max_seconds = 30;
      engine::Explanation e = engine::explain_phase(*l.model, *row, opt);
      REQUIRE(e.root >= 0);
      // Some set, or the list says it is incomplete (unrealisable.rules: every set found was left out),
      // or no value of its facts can make it GO (set_cleanup.rules, phase `impossible`).
      if (row->verdict != Verdict::go && ph != "impossible") CHECK((!e.to_go.empty() || !e.to_go_complete));
      if (row->verdict != Verdict::no_go) CHECK((!e.to_stop.empty() || !e.to_stop_complete));
      for (const engine::ChangeSet& set : e.to_go) {
        auto changes = engine::fact_changes(*l.model, e, set);
        if (!changes) continue;  // a literal that is not a condition on one fact
        INFO("set of " << set.size());
        CHECK(verdict_with(l, *row, *changes) == Verdict::go);
        ++checked_go;
        // No proper subset makes it GO. Changes of the set that move the same fact are realised by one
        // value (`x >= 10.5` and `x <= 10.7` both by x = 10.5): that fact change counts once.
        std::vector<engine::FactChange> distinct;
        for (const engine::FactChange& fc : *changes) {
          bool dup = false;
          for (const engine::FactChange& d : distinct)
            dup = dup || (d.relation == fc.relation && d.args == fc.args && d.value == fc.value && d.remove == fc.remove);
          if (!dup) distinct.push_back(fc);
        }
        if (distinct.size() < changes->size()) ++checked_joint;
        *changes = distinct;
        std::size_t n = changes->size();
        for (std::size_t mask = 0; mask + 1 < (std::size_t{1} << n); ++mask) {
          std::vector<engine::FactChange> sub;
          for (std::size_t k = 0; k < n; ++k)
            if (mask & (std::size_t{1} << k)) sub.push_back((*changes)[k]);
          CHECK(verdict_with(l, *row, sub) != Verdict::go);
        }
      }
      for (const engine::ChangeSet& set : e.to_stop) {
        auto changes = engine::fact_changes(*l.model, e, set);
        if (!changes) continue;
        CHECK(verdict_with(l, *row, *changes) == Verdict::no_go);
        ++checked_stop;
      }
    }
  }
  CHECK(checked_go >= 8);
  CHECK(checked_stop >= 8);
  CHECK(checked_joint >= 1);  // decimal_bound's escort: two thresholds on one fact
}

TEST_CASE("reasons alone give each node's value, and the tree agrees with the model") {
  for (const Case& c : golden_cases()) {
    test::Loaded l = test::load(c.rules, c.facts, c.assume, "2026-11-24");
    REQUIRE(l.model);
    for (const std::string& ph : c.phases) {
      const engine::PhaseResult* row = test::find_row(*l.model, ph);
      REQUIRE(row);
      for (bool cf : {true, false}) {
        engine::ExplainOptions opt;
        opt.counterfactuals = cf;
        engine::Explanation e = engine::explain_phase(*l.model, *row, opt);
        INFO(c.rules << " " << ph << " counterfactuals=" << cf);
        CHECK(e.nodes[static_cast<std::size_t>(e.root)].truth ==
              (row->verdict == Verdict::go ? Truth::true_ : row->verdict == Verdict::no_go ? Truth::false_ : Truth::unknown));
        for (const engine::ExplainNode& n : e.nodes) {
          char op = op_of(n);
          if (n.evidence || op == 'l') continue;
          std::vector<Truth> all, reasons;
          for (std::size_t k = 0; k < n.children.size(); ++k) {
            const engine::ExplainNode& ch = e.nodes[static_cast<std::size_t>(n.children[k])];
            if (ch.evidence) continue;
            all.push_back(ch.truth);
            if (n.reason[k]) reasons.push_back(ch.truth);
          }
          INFO(engine::to_string(n.kind) << " " << n.label << " " << n.text);
          REQUIRE(!reasons.empty());
          if (op == 'n') {
            CHECK(n.truth == engine::truth_not(reasons[0]));
          } else if (op == 'p') {
            CHECK(n.truth == reasons[0]);
          } else {
            CHECK(combine(op, reasons) == n.truth);
            if (cf) CHECK(combine(op, all) == n.truth);  // the full formula agrees with the model
            if (op == 'o' && n.truth == Truth::true_ && n.kind != engine::NodeKind::require) CHECK(reasons.size() == 1);
          }
        }
      }
    }
  }
}

TEST_CASE("the threshold bound is exact") {
  test::Loaded l = test::load("tests/golden/explain/threshold.rules", {"tests/golden/explain/threshold.facts"}, {}, "2026-11-24");
  REQUIRE(l.model);
  const engine::PhaseResult* row = test::find_row(*l.model, "deploy");
  REQUIRE(row);
  engine::Explanation e = engine::explain_phase(*l.model, *row, {});
  REQUIRE(e.to_go.size() == 1);
  REQUIRE(e.to_go[0].size() == 1);
  const engine::AtomicCondition& c = e.conditions[static_cast<std::size_t>(e.to_go[0][0].condition)];
  CHECK(c.bound_true == "troops_committed(\"Indonesia\") >= 1_500");
  CHECK(c.question_true == "Is troops_committed(\"Indonesia\") at least 1 500?");
  // 1 500 makes it GO, 1 499 does not.
  auto changes = engine::fact_changes(*l.model, e, e.to_go[0]);
  REQUIRE(changes);
  CHECK(verdict_with(l, *row, *changes) == Verdict::go);
  (*changes)[0].value = engine::Constant{engine::Decimal::from_int(1499)};
  CHECK(verdict_with(l, *row, *changes) != Verdict::go);
  // Unknowns that matter: Indonesia alone decides it either way.
  REQUIRE(e.unknowns.size() == 1);
  CHECK(e.unknowns[0].decides_alone);
  CHECK(e.unknowns[0].can_make == std::vector<std::string>{"GO", "NO-GO"});
}

TEST_CASE("a bound on a decimal number is exact to the last decimal") {
  test::Loaded l =
      test::load("tests/golden/explain/decimal_bound.rules", {"tests/golden/explain/decimal_bound.facts"}, {}, "2026-11-24");
  REQUIRE(l.model);
  // The bound that makes `phase` GO, and the verdicts just below and at it.
  auto check_bound = [&](const std::string& phase, const std::string& bound, const char* below, const char* at) {
    INFO(phase);
    const engine::PhaseResult* row = test::find_row(*l.model, phase);
    REQUIRE(row);
    engine::Explanation e = engine::explain_phase(*l.model, *row, {});
    REQUIRE(e.to_go.size() == 1);
    REQUIRE(e.to_go[0].size() == 1);
    const engine::AtomicCondition& c = e.conditions[static_cast<std::size_t>(e.to_go[0][0].condition)];
    CHECK(c.bound_true == bound);
    auto changes = engine::fact_changes(*l.model, e, e.to_go[0]);
    REQUIRE(changes);
    (*changes)[0].value = engine::Constant{*engine::Decimal::parse(below)};
    CHECK(verdict_with(l, *row, *changes) != Verdict::go);
    (*changes)[0].value = engine::Constant{*engine::Decimal::parse(at)};
    CHECK(verdict_with(l, *row, *changes) == Verdict::go);
  };
  check_bound("staffing", "readiness_ratio >= 0.5", "0.499999999", "0.5");          // x * 10 >= 5
  check_bound("supply", "fuel_share >= 0.333333334", "0.333333333", "0.333333334");  // x * 3 > 1
  check_bound("budget", "share(\"Japan\") > 0.2", "0.2", "0.200000001");           // 0.25 + 0.3 + x > 0.75
  // A window inside the range: the ends of the range give only NO-GO, a value inside gives GO.
  const engine::PhaseResult* row = test::find_row(*l.model, "escort");
  REQUIRE(row);
  engine::Explanation e = engine::explain_phase(*l.model, *row, {});
  REQUIRE(e.unknowns.size() == 1);
  CHECK(e.unknowns[0].can_make == std::vector<std::string>{"GO", "NO-GO"});
}

TEST_CASE("assumptions are shown as such") {
  test::Loaded l = test::load("rules/isf/isf.rules", {"examples/isf/2025-11-20-briefing.facts"},
                              {"disarmament_clarity = clear"}, "2026-11-24");
  REQUIRE(l.model);
  const engine::PhaseResult* row = test::find_row(*l.model, "phase2");
  REQUIRE(row);
  engine::Explanation e = engine::explain_phase(*l.model, *row, {});
  nlohmann::json j = engine::explanation_json(*l.model, e);
  std::string dump = j.dump();
  CHECK(dump.find("\"assumption\":true") != std::string::npos);
  CHECK(engine::explanation_markdown(*l.model, e).find("**assumption**") != std::string::npos);
}

TEST_CASE("the budget is reported when exhausted") {
  test::Loaded l = test::load("rules/isf/isf.rules", {"examples/isf/2025-11-20-briefing.facts"}, {}, "2026-11-24");
  REQUIRE(l.model);
  const engine::PhaseResult* row = test::find_row(*l.model, "phase2");
  REQUIRE(row);
  engine::ExplainOptions opt;
  opt.max_sets = 1;
  engine::Explanation e = engine::explain_phase(*l.model, *row, opt);
  CHECK(e.to_go.size() == 1);
  CHECK_FALSE(e.to_go_complete);
  CHECK_FALSE(e.budget_note.empty());
  CHECK(engine::explanation_text(*l.model, e, false).find("incomplete") != std::string::npos);
  opt.max_sets = 8;
  opt.max_seconds = 0;
  engine::Explanation z = engine::explain_phase(*l.model, *row, opt);
  CHECK_FALSE(z.to_go_complete);
  CHECK(engine::explanation_json(*l.model, z)["budget"]["complete"] == false);
}

TEST_CASE("all derivations over a graph of many paths stop growing at a bound") {
  // A 6 x 6 grid of two-way roads: every derivation of every derivation of reach(...) took 4.6 GB
  // before explain gave up (review). Past Builder::kMaxFullNodes one derivation is shown, and the
  // budget note says so.
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "pg_explain_grid";
  fs::create_directories(dir);
  {
    std::ofstream r(dir / "grid.rules");
    r << "ruleset grid \"Roads of a grid\"\n"
         "fact road(from: text, to: text) \"A usable road.\"\n"
         "fact depot(name: text) \"A depot.\"\n"
         "condition reach(a, b) \"b can be reached from a\" when road(a, b)\n"
         "condition reach(a, b) \"b can be reached from a\" when road(a, c) and reach(c, b)\n"
         "phase go(d) \"Supply a depot\"\n"
         "  for each depot(d)\n"
         "  require reachable: reach(\"Port\", d)\n";
    std::ofstream f(dir / "grid.facts");
    f << "facts \"A grid\"\n";
    auto node = [](int i, int j) { return "\"n" + std::to_string(i) + "_" + std::to_string(j) + "\""; };
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j) {
        if (i + 1 < 6) f << "road(" << node(i, j) << ", " << node(i + 1, j) << ")\nroad(" << node(i + 1, j) << ", " << node(i, j) << ")\n";
        if (j + 1 < 6) f << "road(" << node(i, j) << ", " << node(i, j + 1) << ")\nroad(" << node(i, j + 1) << ", " << node(i, j) << ")\n";
      }
    f << "road(\"Port\", " << node(0, 0) << ")\ndepot(" << node(5, 5) << ")\n";
  }
  test::Loaded l = test::load((dir / "grid.rules").string(), {(dir / "grid.facts").string()}, {}, "2026-11-24");
  INFO(l.error);
  REQUIRE(l.model);
  const engine::PhaseResult* row = test::find_row(*l.model, "go(\"n5_5\")");
  REQUIRE(row);
  CHECK(row->verdict == Verdict::go);
  engine::ExplainOptions opt;
  opt.max_seconds = 60;  // the bound on nodes, not the time budget, is what stops it
  engine::Explanation e = engine::explain_phase(*l.model, *row, opt);
  CHECK(e.nodes.size() < 1'000'000);
  CHECK(e.budget_note.find("derivations past") != std::string::npos);
  CHECK_FALSE(e.to_stop_complete);
  CHECK(!e.to_stop.empty());  // road("Port", "n0_0"), at least
  fs::remove_all(dir);
}

TEST_CASE("the why tree without counterfactuals is cheap for many bindings") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "pg_explain_cost";
  fs::create_directories(dir);
  {
    std::ofstream r(dir / "many.rules");
    r << "ruleset many \"Many bindings\"\n"
         "fact unit(name: text) \"A unit.\"\n"
         "fact fuel(name: text): number in 0..100 \"Fuel.\"\n"
         "fact crew_ready(name: text): bool \"Crew ready.\"\n"
         "fact region_safe: bool \"Region safe.\"\n"
         "condition supplied(u) when fuel(u) >= 40\n"
         "phase deploy(u) \"Deploy a unit\"\n"
         "  for each unit(u)\n"
         "  require fuelled: supplied(u)\n"
         "  require crew: crew_ready(u)\n"
         "  block if not region_safe\n";
    std::ofstream f(dir / "many.facts");
    f << "facts \"Many\"\nregion_safe = true\nload unit from \"unit.csv\"\nload fuel from \"fuel.csv\"\nload crew_ready from \"crew.csv\"\n";
    std::ofstream u(dir / "unit.csv"), fu(dir / "fuel.csv"), cr(dir / "crew.csv");
    u << "name\n";
    fu << "name,value\n";
    cr << "name,value\n";
    for (int i = 0; i < 20000; ++i) {
      u << "u" << i << "\n";
      fu << "u" << i << "," << (i % 7 == 0 ? std::string("") : std::to_string(i % 100)) << "\n";
      cr << "u" << i << "," << (i % 3 ? "true" : "false") << "\n";
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  test::Loaded l = test::load((dir / "many.rules").string(), {(dir / "many.facts").string()}, {}, "2026-11-24");
  INFO(l.error);
  REQUIRE(l.model);
  auto t1 = std::chrono::steady_clock::now();
  // Re-evaluation alone, for comparison.
  auto again = test::evaluate_with(l, *l.facts);
  auto t2 = std::chrono::steady_clock::now();
  engine::ExplainOptions opt;
  opt.counterfactuals = false;
  std::size_t nodes = 0;
  for (const engine::PhaseResult& row : l.model->evaluation().phases) {
    engine::Explanation e = engine::explain_phase(*l.model, row, opt);
    nodes += e.nodes.size();
  }
  auto t3 = std::chrono::steady_clock::now();
  double eval_s = std::chrono::duration<double>(t2 - t1).count();
  double explain_s = std::chrono::duration<double>(t3 - t2).count();
  WARN("20 000 bindings: load+evaluate " << std::chrono::duration<double>(t1 - t0).count() << " s, evaluate "
                                          << eval_s << " s, explain all (no counterfactuals) " << explain_s << " s, "
                                          << nodes << " nodes");
  CHECK(l.model->evaluation().phases.size() == 20000);
  // A guard against a search left running, not a measure: the cost is measured by the benchmarks
  // (bench/README.md); a sanitizer build on a busy machine took 23 s here.
  CHECK(explain_s < 120.0);
  fs::remove_all(dir);
}

TEST_CASE("the direct JSON writer gives the same text as the DOM") {
  for (const Case& c : golden_cases()) {
    test::Loaded l = test::load(c.rules, c.facts, c.assume, "2026-11-24");
    REQUIRE(l.model);
    for (const std::string& ph : c.phases) {
      const engine::PhaseResult* row = test::find_row(*l.model, ph);
      REQUIRE(row);
      for (bool cf : {true, false}) {
        engine::ExplainOptions opt;
        opt.counterfactuals = cf;
        engine::Explanation e = engine::explain_phase(*l.model, *row, opt);
        INFO(c.rules << " " << ph << " counterfactuals=" << cf);
        nlohmann::json j = engine::explanation_json(*l.model, e);
        CHECK(engine::explanation_json_text(*l.model, e) == j.dump());
        CHECK(engine::explanation_json_text(*l.model, e, 2) == j.dump(2));  // the compact text re-indented
        CHECK(engine::explanation_json_text(*l.model, e, 4) == j.dump(4));
        CHECK(engine::explanation_why_json_text(*l.model, e) == j["why"].dump());
      }
    }
  }
}
