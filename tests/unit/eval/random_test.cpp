// Random programs: the engine against the naive reference (differential), and every GO / NO-GO and
// every true / false condition against all (or sampled) two-valued completions of the unknowns (soundness).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>
#include <set>
#include <sstream>

#include "builder.hpp"
#include "random_program.hpp"
#include "engine/eval/model.hpp"
#include "reference.hpp"

using namespace pgtest;

namespace {

// PG_EVAL_LONG=N multiplies the number of random programs (default 1) for a longer run.
unsigned scale() {
  const char* env = std::getenv("PG_EVAL_LONG");
  return env ? static_cast<unsigned>(std::max(1, std::atoi(env))) : 1u;
}

}  // namespace

TEST_CASE("differential: engine vs naive reference on random programs") {
  int compared = 0;
  for (unsigned seed = 1; seed <= 1500 * scale(); ++seed) {
    RandomProgram rp(seed);
    rp.build();
    const Program& p = rp.b.p;
    auto m = evaluate_model(p, rp.b.f, {});
    REQUIRE(m.model);
    RefResult ref = reference_evaluate(p, rp.b.f, Date{});
    for (int r : rp.conds) {
      for (const auto& args : tuples(static_cast<int>(p.relations[static_cast<std::size_t>(r)].param_names.size()), kDomain)) {
        std::string key = ref_key(p, p.relations[static_cast<std::size_t>(r)].name, args);
        auto it = ref.conditions.find(key);
        Truth want = it == ref.conditions.end() ? Truth::false_ : it->second;
        Truth got = m.model->truth(r, args);
        if (got != want) FAIL("seed " << seed << ": " << key << " engine " << to_string(got) << " reference " << to_string(want) << "\n" << describe(p, rp.b.f));
        ++compared;
      }
    }
    const Evaluation& ev = m.model->evaluation();
    REQUIRE(ev.phases.size() == ref.verdicts.size());
    for (const auto& r : ev.phases) {
      std::string key = ref_key(p, p.phases[static_cast<std::size_t>(r.phase)].name, r.args);
      auto it = ref.verdicts.find(key);
      if (it == ref.verdicts.end()) FAIL("seed " << seed << ": engine has " << key << " that the reference does not");
      if (it->second != r.verdict || ref.bindings[key] != r.binding)
        FAIL("seed " << seed << ": " << key << " engine " << to_string(r.verdict) << " reference " << to_string(it->second) << "\n" << describe(p, rp.b.f));
      ++compared;
    }
    // Counts only (EvalOptions::results = false): the same verdicts, counted, and nothing else kept.
    std::vector<PhaseCount> tally(p.phases.size());
    for (const auto& r : ev.phases) {
      auto& t = tally[static_cast<std::size_t>(r.phase)];
      ++(r.verdict == Verdict::go ? t.go : r.verdict == Verdict::no_go ? t.no_go : t.undetermined);
    }
    EvalOptions counts_only;
    counts_only.results = false;
    auto c = evaluate(p, rp.b.f, counts_only);
    REQUIRE(c.evaluation);
    CHECK(c.evaluation->phases.empty());
    REQUIRE(c.evaluation->counts.size() == p.phases.size());
    for (std::size_t i = 0; i < p.phases.size(); ++i) {
      const auto& got = c.evaluation->counts[i];
      if (got.go != tally[i].go || got.no_go != tally[i].no_go || got.undetermined != tally[i].undetermined)
        FAIL("seed " << seed << ": counts of phase " << p.phases[i].name << " differ from the full results");
      if (ev.counts[i].go != tally[i].go || ev.counts[i].no_go != tally[i].no_go)
        FAIL("seed " << seed << ": the full evaluation's counts of phase " << p.phases[i].name << " are wrong");
    }
  }
  CHECK(compared > 5000);
}

namespace {

// One unknown of the facts and the values it may take in a completion.
struct ChoicePoint {
  int relation;
  std::vector<Constant> args;
  std::vector<std::optional<Constant>> options;  // nullopt: the tuple is absent
};

}  // namespace

TEST_CASE("soundness: every GO / NO-GO and every true / false condition holds in every completion") {
  int checked_worlds = 0, definite = 0;
  for (unsigned seed = 5000; seed < 5000 + 300 * scale(); ++seed) {
    RandomProgram rp(seed, seed % 2 == 0);
    rp.build();
    const Program& p = rp.b.p;
    auto m = evaluate_model(p, rp.b.f, {});
    REQUIRE(m.model);
    std::vector<Constant> numbers;
    for (long c : rp.constants)
      for (long d : {c - 1, c, c + 1})
        if (d >= 0 && d <= 10) numbers.push_back(N(d));
    std::sort(numbers.begin(), numbers.end(), constant_less);
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
    std::vector<std::optional<Constant>> number_options(numbers.begin(), numbers.end());

    // Choice points: unknown listed tuples, unlisted tuples of open relations, scalars without a value.
    std::vector<ChoicePoint> points;
    FactBase base = rp.b.f;
    for (std::size_t r = 0; r < p.relations.size(); ++r) {
      const Relation& rel = p.relations[r];
      if (rel.kind != RelationKind::fact) continue;
      bool valued = rel.value_type && rel.value_type->base != BaseType::boolean;
      std::vector<FactEntry> list;
      for (std::size_t i = 0; i < base.size(static_cast<int>(r)); ++i) list.push_back(base.entry(static_cast<int>(r), i));
      std::set<std::vector<std::string>> listed;
      for (const auto& e : list) {
        std::vector<std::string> key;
        for (const auto& a : e.args) key.push_back(format_constant_text(a, p));
        listed.insert(key);
        if (e.value && std::holds_alternative<Unknown>(*e.value)) {
          if (valued) points.push_back({static_cast<int>(r), e.args, number_options});
          else points.push_back({static_cast<int>(r), e.args, {Constant{true}, Constant{false}}});
          base.erase(static_cast<int>(r), e.args);  // a choice point: each world lists it its own way
        }
      }
      if (rel.open || rel.param_names.empty()) {
        for (const auto& args : tuples(static_cast<int>(rel.param_names.size()), kDomain)) {
          std::vector<std::string> key;
          for (const auto& a : args) key.push_back(format_constant_text(a, p));
          if (listed.count(key)) continue;
          if (valued) points.push_back({static_cast<int>(r), args, number_options});
          else points.push_back({static_cast<int>(r), args, {Constant{true}, Constant{false}}});
        }
      }
    }
    // Completions: all of them when few, else a random sample with the extremes.
    double total = 1;
    for (const auto& cp : points) total *= static_cast<double>(cp.options.size());
    std::vector<std::vector<std::size_t>> worlds;
    if (total <= 48) {
      std::vector<std::size_t> idx(points.size(), 0);
      for (;;) {
        worlds.push_back(idx);
        std::size_t i = 0;
        while (i < idx.size() && ++idx[i] == points[i].options.size()) idx[i++] = 0;
        if (i == idx.size()) break;
      }
    } else {
      std::mt19937 rng(seed);
      std::vector<std::size_t> lo(points.size(), 0), hi(points.size());
      for (std::size_t i = 0; i < points.size(); ++i) hi[i] = points[i].options.size() - 1;
      worlds.push_back(lo);
      worlds.push_back(hi);
      for (int w = 0; w < 40; ++w) {
        std::vector<std::size_t> idx(points.size());
        for (std::size_t i = 0; i < points.size(); ++i) idx[i] = std::uniform_int_distribution<std::size_t>(0, points[i].options.size() - 1)(rng);
        worlds.push_back(idx);
      }
    }
    Program closed = p;
    for (auto& rel : closed.relations) rel.open = false;
    for (const auto& w : worlds) {
      FactBase fb = base;
      for (std::size_t i = 0; i < points.size(); ++i) {
        const auto& opt = points[i].options[w[i]];
        if (!opt) continue;
        FactEntry e;
        e.args = points[i].args;
        const Relation& rel = p.relations[static_cast<std::size_t>(points[i].relation)];
        if (rel.value_type) e.value = *opt;
        else if (!std::get<bool>(*opt)) continue;  // a boolean relation lists only its true tuples
        fb.set(points[i].relation, e);
      }
      RefResult world = reference_evaluate(closed, fb, Date{});
      ++checked_worlds;
      for (int r : rp.conds)
        for (const auto& args : tuples(static_cast<int>(p.relations[static_cast<std::size_t>(r)].param_names.size()), kDomain)) {
          Truth engine = m.model->truth(r, args);
          if (engine == Truth::unknown) continue;
          std::string key = ref_key(p, p.relations[static_cast<std::size_t>(r)].name, args);
          auto it = world.conditions.find(key);
          Truth actual = it == world.conditions.end() ? Truth::false_ : it->second;
          if (actual == Truth::unknown) FAIL("seed " << seed << ": a completion is not two-valued at " << key);
          if (actual != engine)
            FAIL("seed " << seed << ": condition " << key << " is " << to_string(engine) << " but " << to_string(actual) << " in a completion\n"
                         << describe(p, fb));
        }
      for (const auto& r : m.model->evaluation().phases) {
        if (r.verdict == Verdict::undetermined) continue;
        ++definite;
        std::string key = ref_key(p, p.phases[static_cast<std::size_t>(r.phase)].name, r.args);
        auto it = world.verdicts.find(key);
        if (it == world.verdicts.end()) {
          // the binding itself may be false in this completion: only a GO (binding true) is wrong
          if (r.verdict == Verdict::go) FAIL("seed " << seed << ": " << key << " is GO but has no binding in a completion");
          continue;
        }
        Verdict actual = it->second;
        if (actual != r.verdict)
          FAIL("seed " << seed << ": " << key << " is " << to_string(r.verdict) << " but " << to_string(actual) << " in a completion\n"
                       << describe(p, fb));
      }
    }
  }
  CHECK(checked_worlds > 1000);
  CHECK(definite > 1000);
}

TEST_CASE("parallel strata: one thread and four give the same model on random programs") {
  EvalOptions four;
  four.threads = 4;
  four.parallel_min_facts = 0;
  int compared = 0;
  for (unsigned seed = 1; seed <= 1500 * scale(); ++seed) {
    RandomProgram rp(seed);
    rp.build();
    const Program& p = rp.b.p;
    auto one = evaluate_model(p, rp.b.f, {});
    auto many = evaluate_model(p, rp.b.f, four);
    REQUIRE(one.model);
    REQUIRE(many.model);
    for (int r : rp.conds)
      for (const auto& args : tuples(static_cast<int>(p.relations[static_cast<std::size_t>(r)].param_names.size()), kDomain)) {
        if (one.model->truth(r, args) != many.model->truth(r, args))
          FAIL("seed " << seed << ": " << ref_key(p, p.relations[static_cast<std::size_t>(r)].name, args) << " differs\n"
                       << describe(p, rp.b.f));
        ++compared;
      }
    const auto& a = one.model->evaluation().phases;
    const auto& b = many.model->evaluation().phases;
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].args != b[i].args || a[i].verdict != b[i].verdict || a[i].binding != b[i].binding || a[i].unknowns != b[i].unknowns)
        FAIL("seed " << seed << ": phase result " << i << " differs\n" << describe(p, rp.b.f));
      ++compared;
    }
    CHECK(one.model->evaluation().derived_tuples == many.model->evaluation().derived_tuples);
    // Counts only: tables are given back as their last reader is done, on any thread.
    EvalOptions counts_four = four;
    counts_four.results = false;
    auto counted = evaluate(p, rp.b.f, counts_four);
    REQUIRE(counted.evaluation);
    for (std::size_t i = 0; i < p.phases.size(); ++i) {
      const auto& want = one.model->evaluation().counts[i];
      const auto& got = counted.evaluation->counts[i];
      if (got.go != want.go || got.no_go != want.no_go || got.undetermined != want.undetermined)
        FAIL("seed " << seed << ": counts of phase " << p.phases[i].name << " differ on four threads");
    }
  }
  CHECK(compared > 5000);
}
