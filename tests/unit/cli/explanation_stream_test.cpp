// cli::ExplanationStream (advise --explain --format json) builds the trees of many rows on several
// threads and hands them out in row order: whatever the number of builders, the texts must be those
// built one after the other (cli::explain_rows with one builder), each for its own row.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "cli/explain_hook.hpp"
#include "engine/check/check.hpp"
#include "grammar/parse.hpp"

namespace pg = phasegate;
namespace pc = phasegate::cli;

namespace {

// The readiness policy of the benchmark over `units` generated units (joins, negation, aggregates,
// an open relation, `after`, parameterized phases): about four rows per unit.
struct Readiness {
  pg::SourceMap sources;
  std::optional<pg::engine::Program> program;
  std::optional<pg::engine::FactBase> facts;
  std::unique_ptr<pg::engine::Model> model;
  std::vector<const pg::engine::PhaseResult*> rows;

  explicit Readiness(int units) {
    const auto path = std::filesystem::temp_directory_path() / "explanation_stream_test.facts";
    {
      std::ofstream f(path);
      f << "facts \"generated\"\n  source \"explanation_stream_test\"\n";
      for (int u = 1; u <= units; ++u) {
        f << "unit(" << u << ")\nkind(" << u << ", " << u % 3 + 1 << ")\nregion(" << u << ", " << u % 2 + 1
          << ")\nstatus(" << u << ", " << u % 4 << ")\nstaff(" << u << ", " << u % 40 << ")\nequip(" << u
          << ", 1, " << u % 5 << ", 10)\n";
        if (u % 5 != 0) f << "fuel(" << u << ") = " << u % 70 << "\n";
        if (u % 3 != 0) f << "power(" << u << ")\n";
        if (u % 4 != 0) f << "comms(" << u << ")\n";
      }
      f << "kindp(1, 20, 1, 30)\nkindp(2, 20, 1, 30)\nkindp(3, 20, 1, 30)\nalert(2)\n";
    }
    pg::Diagnostics diags;
    auto parsed = pg::read_ruleset(std::string(PG_SOURCE_DIR) + "/bench/policy/policy.rules", sources, diags);
    program = pg::engine::check_ruleset(parsed, diags, {.warnings = false});
    pg::engine::FactBaseBuilder builder(*program);
    auto file = pg::read_facts(path.string(), sources, diags);
    REQUIRE(builder.add_file(file, sources, diags));
    REQUIRE_FALSE(diags.has_errors());
    facts.emplace(std::move(builder).build());
    std::filesystem::remove(path);
    auto outcome = pg::engine::evaluate_model(*program, *facts, pg::engine::EvalOptions{});
    REQUIRE(outcome.model);
    model = std::move(outcome.model);
    for (const auto& row : model->evaluation().phases) rows.push_back(&row);
  }
};

}  // namespace

TEST_CASE("explanations streamed by several builders come in row order, each the one built alone") {
  Readiness r(900);  // about 3 600 rows: fourteen batches of 256
  REQUIRE(r.rows.size() > 3000);
  const std::vector<std::string> alone = pc::explain_rows(*r.model, r.rows, /*counterfactuals=*/false, 1);
  for (unsigned builders : {1u, 2u, 3u, 7u, 0u}) {
    pc::ExplanationStream stream(*r.model, r.rows, /*counterfactuals=*/false, builders);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
      std::string out;
      stream.next(out);
      if (out != alone[i]) ++differ;
    }
    INFO("builders: " << builders);
    CHECK(differ == 0);
    std::string more;
    CHECK_THROWS_AS(stream.next(more), std::logic_error);  // one past the last row
  }
}

TEST_CASE("explain_rows on several builders gives the rows' explanations in order") {
  Readiness r(700);
  CHECK(pc::explain_rows(*r.model, r.rows, false, 3) == pc::explain_rows(*r.model, r.rows, false, 1));
  CHECK(pc::explain_rows(*r.model, {}, false, 3).empty());
}

TEST_CASE("with counterfactuals the stream builds on one thread, as alone") {
  Readiness r(20);  // what would it take / what could stop it: timed searches, model re-evaluated
  std::vector<const pg::engine::PhaseResult*> some(r.rows.begin(), r.rows.begin() + std::min<std::ptrdiff_t>(60, std::ssize(r.rows)));
  CHECK(pc::explain_rows(*r.model, some, true, 4) == pc::explain_rows(*r.model, some, true, 1));
}

TEST_CASE("builders read facts whose index was released (advise without --explain releases it)") {
  Readiness r(600);
  const std::vector<std::string> alone = pc::explain_rows(*r.model, r.rows, /*counterfactuals=*/false, 1);
  r.facts->release_index();  // the builders read the facts without a lock: the stream builds it again first
  pc::ExplanationStream stream(*r.model, r.rows, /*counterfactuals=*/false, 3);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    std::string out;
    stream.next(out);
    if (out != alone[i]) ++differ;
  }
  CHECK(differ == 0);
}

TEST_CASE("a stream left before its last row stops its builders") {
  Readiness r(600);
  for (unsigned builders : {1u, 4u}) {
    pc::ExplanationStream stream(*r.model, r.rows, /*counterfactuals=*/false, builders);
    std::string out;
    for (int i = 0; i < 10; ++i) stream.next(out);
    CHECK(out.find("\"verdict\"") != std::string::npos);
  }  // the destructor joins builders that wait for the writer (kAhead batches ahead)
}
