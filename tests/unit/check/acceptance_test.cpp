// End to end through the checker and the evaluator: the acceptance runs of /work/shared/acceptance
// (expect.json) evaluated in-process, to show that the checked program means what the spec says.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/check/check.hpp"
#include "engine/eval/evaluate.hpp"
#include "grammar/parse.hpp"

using namespace phasegate;
namespace fs = std::filesystem;

namespace {

std::string key(const engine::Program& p, const engine::PhaseResult& r) {
  std::string k = p.phases[static_cast<std::size_t>(r.phase)].name;
  if (r.args.empty()) return k;
  k += "(";
  for (std::size_t i = 0; i < r.args.size(); ++i) k += (i ? ", " : "") + engine::format_constant(p, r.args[i]);
  return k + ")";
}

}  // namespace

TEST_CASE("acceptance runs give the expected verdicts", "[acceptance]") {
  fs::path dir = fs::path(PG_ACCEPTANCE_DIR) / "isf-spec";
  if (!fs::exists(dir / "expect.json")) {
    WARN("no acceptance folder at " << dir.string());
    return;
  }
  auto runs = nlohmann::json::parse(std::ifstream(dir / "expect.json"));
  int n = 0;
  for (const auto& run : runs) {
    ++n;
    INFO("run #" << n);
    SourceMap sources;
    Diagnostics diags;
    auto rs = read_ruleset((dir / run.value("rules", "case.rules")).string(), sources, diags);
    auto program = engine::check_ruleset(rs, diags);
    REQUIRE(program);
    engine::FactBaseBuilder builder(*program);
    bool ok = true;
    for (const auto& f : run.value("facts", nlohmann::json::array())) {
      auto facts = read_facts((dir / f.get<std::string>()).string(), sources, diags);
      ok = builder.add_file(facts, sources, diags) && ok;
    }
    for (const auto& a : run.value("assume", nlohmann::json::array())) {
      auto line = parse_fact_line("--assume", a.get<std::string>(), diags);
      REQUIRE(line);
      engine::FactOrigin o;
      o.file = "--assume";
      o.assumption = true;
      ok = builder.add_line(*line, o, diags) && ok;
    }
    if (run["exit"] == 65) {
      CHECK_FALSE(ok);
      std::string text = render_text(diags, sources);
      CHECK(text.find(run["error_at"].get<std::string>()) != std::string::npos);
      for (const auto& w : run.value("mentions", nlohmann::json::array()))
        CHECK(text.find(w.get<std::string>()) != std::string::npos);
      continue;
    }
    REQUIRE(ok);
    auto fb = std::move(builder).build();
    engine::EvalOptions opt;
    auto out = engine::evaluate(*program, fb, opt);
    REQUIRE(out.evaluation);
    std::map<std::string, std::string> got;
    for (const auto& r : out.evaluation->phases) got[key(*program, r)] = engine::to_string(r.verdict);
    for (const auto& [k, v] : run["verdicts"].items()) {
      INFO(k);
      CHECK(got[k] == v.get<std::string>());
    }
  }
}
