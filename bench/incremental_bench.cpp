// Re-advise after one fact changes, in process: the readiness workload evaluated once, then one fact
// at a time changed in the facts (a fuel report, a withdrawn report, a status, a comms link, a staff
// count) and the model brought up to date with Model::update, as a service holding the model would.
// At the end the updated model is compared with a fresh evaluation of the changed facts.
//
// usage: incremental_bench RULES_FILE FACTS_FILE [CHANGES]   (default 1 000 changes)
// Prints the median, 90th percentile and max time per update, the first update apart (it indexes
// every phase's bindings once), and what the updates re-evaluated on average.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "engine/calendar.hpp"
#include "bench/load.hpp"
#include "engine/eval/model.hpp"

using namespace phasegate;
using Clock = std::chrono::steady_clock;
using engine::Constant;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

Constant number(long v) { return Constant{engine::Decimal::from_int(v)}; }

bool same_results(const engine::Evaluation& a, const engine::Evaluation& b) {
  if (a.phases.size() != b.phases.size()) return false;
  for (std::size_t i = 0; i < a.phases.size(); ++i) {
    const auto &x = a.phases[i], &y = b.phases[i];
    if (x.phase != y.phase || x.args != y.args || x.verdict != y.verdict || x.binding != y.binding ||
        x.unknowns != y.unknowns)
      return false;
  }
  for (std::size_t i = 0; i < a.counts.size(); ++i)
    if (a.counts[i].go != b.counts[i].go || a.counts[i].no_go != b.counts[i].no_go ||
        a.counts[i].undetermined != b.counts[i].undetermined)
      return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fputs("usage: incremental_bench RULES_FILE FACTS_FILE [CHANGES]\n", stderr);
    return 64;
  }
  const long changes = argc > 3 ? std::stol(argv[3]) : 1'000;
  bench::Loaded loaded;
  if (!bench::load(argv[1], argv[2], loaded)) return 65;
  const auto& program = loaded.program;
  engine::FactBase& facts = *loaded.facts;
  const int unit = program->find_relation("unit"), fuel = program->find_relation("fuel"),
            status = program->find_relation("status"), comms = program->find_relation("comms"),
            staff = program->find_relation("staff");
  if (unit < 0 || fuel < 0 || status < 0 || comms < 0 || staff < 0) {
    std::fputs("incremental_bench: the ruleset is not the readiness workload (bench/policy/policy.rules)\n", stderr);
    return 64;
  }
  engine::EvalOptions options;
  auto t = Clock::now();
  auto outcome = engine::evaluate_model(*program, facts, options);
  if (!outcome.model) {
    std::fprintf(stderr, "incremental_bench: %s\n", outcome.error->message.c_str());
    return 65;
  }
  const double full = seconds_since(t);
  engine::Model& model = *outcome.model;
  const std::size_t units = facts.size(unit);
  std::printf("readiness: %zu units, %zu facts, %zu phase bindings; evaluated from scratch in %.3f s\n", units,
              facts.total(), model.evaluation().phases.size(), full);

  std::mt19937 rng(42);
  auto pick = [&](long n) { return std::uniform_int_distribution<long>(0, n - 1)(rng); };
  std::vector<double> times;
  double first = 0;
  std::size_t rederived = 0, reevaluated = 0, recomputed = 0;
  for (long i = 0; i <= changes; ++i) {
    const std::vector<Constant> u = facts.args(unit, static_cast<std::size_t>(pick(static_cast<long>(units))));
    std::vector<engine::ChangedFact> batch;
    engine::FactEntry entry{u, std::nullopt, {}};
    entry.origin.file = "incremental_bench";
    switch (pick(5)) {
      case 0:  // a new fuel report
      case 1:
        entry.value = number(pick(100));
        facts.set(fuel, entry);
        batch.push_back({fuel, u});
        break;
      case 2:  // a fuel report withdrawn: unknown again (fuel is open)
        facts.erase(fuel, u);
        batch.push_back({fuel, u});
        break;
      case 3:  // comms lost or restored
        if (!facts.erase(comms, u)) facts.set(comms, entry);
        batch.push_back({comms, u});
        break;
      default: {  // a new status: status(u, s) replaced
        for (long s = 0; s < 4; ++s) {
          std::vector<Constant> old = u;
          old.push_back(number(s));
          if (facts.erase(status, old)) batch.push_back({status, old});
        }
        entry.args.push_back(number(pick(4)));
        facts.set(status, entry);
        batch.push_back({status, entry.args});
        break;
      }
    }
    t = Clock::now();
    auto up = model.update(batch);
    const double s = seconds_since(t);
    if (up.error) {
      std::fprintf(stderr, "incremental_bench: %s\n", up.error->message.c_str());
      return 65;
    }
    if (i == 0) {
      first = s;
      continue;
    }
    times.push_back(s);
    rederived += up.stats.tuples_rederived;
    reevaluated += up.stats.bindings_reevaluated;
    recomputed += up.stats.strata_recomputed + up.stats.phases_recomputed + (up.stats.full ? 1 : 0);
  }
  std::sort(times.begin(), times.end());
  auto ms = [&](double q) { return times[static_cast<std::size_t>(q * static_cast<double>(times.size() - 1))] * 1e3; };
  std::printf("update after one fact changes (%ld changes): median %.3f ms, p90 %.3f ms, max %.3f ms; first %.3f ms\n",
              changes, ms(0.5), ms(0.9), ms(1.0), first * 1e3);
  std::printf("per update: %.1f condition tuples derived again, %.1f phase bindings re-evaluated, %zu strata or phases evaluated whole in all\n",
              static_cast<double>(rederived) / static_cast<double>(changes),
              static_cast<double>(reevaluated) / static_cast<double>(changes), recomputed);
  auto fresh = engine::evaluate_model(*program, facts, options);
  const bool same = fresh.model && same_results(model.evaluation(), fresh.model->evaluation());
  std::printf("identical to a fresh evaluation of the changed facts: %s\n", same ? "yes" : "NO");
  return same ? 0 : 1;
}
