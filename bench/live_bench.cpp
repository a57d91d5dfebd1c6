// Re-advise from the store after one import, in process: an advice held open over a fact store
// (cli::LiveAdvice), then one fact at a time imported into the store by another handle (a fuel
// report, a withdrawn one, a comms link) and the advice refreshed, as a service would.
//
// usage: live_bench RULES_FILE STORE [CHANGES]   (default 200; the store must hold the readiness
//        facts, e.g. `phasegate facts import bench/data/policy-2000/policy.facts --rules ... --db STORE`)
// Prints the open time, then the median, 90th percentile and max time per refresh (reading the new
// assertion from the store, applying it, Model::update), and checks the final table against a fresh
// `advise --db` of the store (after every change with LIVE_BENCH_CHECK_EACH=1). Exit 1 if they differ.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "cli/live_advice.hpp"
#include "engine/calendar.hpp"
#include "engine/check/check.hpp"

using namespace phasegate;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

bool same_rows(const cli::Advice& a, const cli::Advice& b) {
  if (a.rows.size() != b.rows.size())
    std::fprintf(stderr, "live_bench: %zu rows live, %zu fresh\n", a.rows.size(), b.rows.size());
  for (std::size_t i = 0; i < a.rows.size() && i < b.rows.size(); ++i) {
    const auto &x = *a.rows[i], &y = *b.rows[i];
    if (x.phase != y.phase || x.args != y.args || x.verdict != y.verdict || x.unknowns != y.unknowns) {
      const auto& p = a.program();
      std::string args;
      for (const auto& c : x.args) args += engine::format_constant(p, c) + " ";
      std::string yargs;
      for (const auto& c : y.args) yargs += engine::format_constant(p, c) + " ";
      std::fprintf(stderr, "live_bench: row %zu differs: live %s(%s) %s [%zu unknowns], fresh %s(%s) %s [%zu unknowns]\n", i,
                   p.phases[static_cast<std::size_t>(x.phase)].name.c_str(), args.c_str(), engine::to_string(x.verdict),
                   x.unknowns.size(), p.phases[static_cast<std::size_t>(y.phase)].name.c_str(), yargs.c_str(),
                   engine::to_string(y.verdict), y.unknowns.size());
      return false;
    }
  }
  return a.rows.size() == b.rows.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: live_bench RULES_FILE STORE [CHANGES]\n");
    return 64;
  }
  spdlog::set_level(spdlog::level::warn);
  const int changes = std::max(1, argc > 3 ? std::atoi(argv[3]) : 200);
  cli::AdviceRequest request;
  request.rules = {argv[1]};
  request.facts.db = argv[2];
  request.eval.today = engine::Date{*engine::parse_iso_date("2026-11-24")};

  auto t0 = Clock::now();
  cli::LiveAdvice live;
  if (int rc = live.open(request)) return rc;
  const double open_s = seconds_since(t0);
  const std::size_t units = live.advice().facts.size(live.advice().program().find_relation("unit"));
  if (units == 0) {
    std::fprintf(stderr, "live_bench: the store holds no unit facts\n");
    return 65;
  }

  auto store = store::Store::open(argv[2], store::OpenMode::must_exist);
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> unit(0, static_cast<int>(units) - 1), kind(0, 2), fuel(0, 100);
  std::vector<double> times;
  double rederived = 0, bindings = 0;
  for (int i = 0; i < changes; ++i) {
    store::FactAssertion a;
    // The store keys a fact by its canonical text (`1_956`, as `facts import` writes it).
    const std::string u = "(" + engine::Decimal::from_int(unit(rng)).to_source() + ")";
    switch (kind(rng)) {
      case 0: a.name = "fuel"; a.args_text = u; a.value_text = std::to_string(fuel(rng)); break;
      case 1: a.name = "fuel"; a.args_text = u; a.retract = true; break;
      default: a.name = "comms"; a.args_text = u; a.retract = fuel(rng) < 50; break;
    }
    a.source = "live_bench";
    a.file = "live_bench";
    store::ImportOptions o;
    o.actor = "live_bench";
    store.import_facts({a}, o);
    cli::LiveRefresh r;
    auto t = Clock::now();
    if (int rc = live.refresh(&r)) return rc;
    times.push_back(seconds_since(t));
    if (std::getenv("LIVE_BENCH_CHECK_EACH")) {
      cli::Advice now;
      if (int rc = cli::compute_advice(request, now)) return rc;
      if (!same_rows(live.advice(), now)) {
        std::fprintf(stderr, "live_bench: after change %d (%s%s %s%s): full %d\n", i, a.name.c_str(), a.args_text.c_str(),
                     a.retract ? "retracted" : "= ", a.value_text.value_or("").c_str(), r.stats.full);
        return 1;
      }
    }
    rederived += static_cast<double>(r.stats.tuples_rederived);
    bindings += static_cast<double>(r.stats.bindings_reevaluated);
  }
  std::vector<double> rest(times.begin() + 1, times.end());
  std::sort(rest.begin(), rest.end());
  auto at = [&](double q) { return rest.empty() ? 0.0 : rest[static_cast<std::size_t>(q * (rest.size() - 1))]; };

  t0 = Clock::now();
  cli::Advice fresh;
  if (int rc = cli::compute_advice(request, fresh)) return rc;
  const double fresh_s = seconds_since(t0);
  const bool same = same_rows(live.advice(), fresh);
  std::printf("units %zu, bindings %zu: open %.3f s, fresh advise --db %.3f s\n", units, live.advice().rows.size(),
              open_s, fresh_s);
  std::printf("refresh after one import (%d): first %.3f ms, median %.3f ms, p90 %.3f ms, max %.3f ms\n", changes,
              times.front() * 1e3, at(0.5) * 1e3, at(0.9) * 1e3, rest.empty() ? 0.0 : rest.back() * 1e3);
  std::printf("per refresh: %.1f condition tuples and %.1f bindings evaluated again; %s a fresh advice\n",
              rederived / changes, bindings / changes, same ? "identical to" : "DIFFERENT FROM");
  return same ? 0 : 1;
}
