// Incremental evaluation (Model::update): after random sequences of fact changes, the updated model
// gives what an evaluation from scratch gives — every condition tuple, every phase result with its
// clauses and unknowns, the counts — and a change reaches only what depends on it.
#include <catch2/catch.hpp>

#include <random>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "builder.hpp"
#include "engine/eval/model.hpp"
#include "random_program.hpp"

using namespace pgtest;

namespace {

std::string show(const Program& p, const PhaseResult& r) {
  std::ostringstream os;
  os << ref_key(p, p.phases[static_cast<std::size_t>(r.phase)].name, r.args) << " " << to_string(r.verdict)
     << " binding " << to_string(r.binding);
  for (const ClauseResult& c : r.clauses) {
    os << " [" << c.clause << " " << to_string(c.expr_value) << " " << to_string(c.met);
    for (int w : c.waivers_true) os << " w+" << w;
    for (int w : c.waivers_unknown) os << " w?" << w;
    os << "]";
  }
  for (const AfterResult& a : r.after) os << " after " << a.phase << " " << to_string(a.verdict);
  for (const std::string& u : r.unknowns) os << " ?" << u;
  return os.str();
}

std::string show(const Program& p, const Model& m, const std::vector<int>& conds) {
  std::ostringstream os;
  for (int r : conds)
    for (const auto& args : tuples(static_cast<int>(p.relations[static_cast<std::size_t>(r)].param_names.size()), kDomain))
      os << ref_key(p, p.relations[static_cast<std::size_t>(r)].name, args) << " " << to_string(m.truth(r, args)) << "\n";
  for (const PhaseResult& r : m.evaluation().phases) os << show(p, r) << "\n";
  for (const PhaseCount& c : m.evaluation().counts) os << "count " << c.phase << " " << c.go << " " << c.no_go << " " << c.undetermined << "\n";
  return os.str();
}

// One random change of the facts of a RandomProgram: a tuple set (possibly to unknown or false) or erased.
ChangedFact random_change(RandomProgram& rp) {
  const std::vector<int> rels{rp.u, rp.e, rp.o, rp.n, rp.m, rp.s, rp.k};
  const int r = rels[static_cast<std::size_t>(rp.pick(static_cast<int>(rels.size())))];
  const Relation& rel = rp.b.p.relations[static_cast<std::size_t>(r)];
  std::vector<Constant> args;
  for (std::size_t a = 0; a < rel.param_names.size(); ++a) args.push_back(S(rp.names[static_cast<std::size_t>(rp.pick(3))]));
  if (rp.chance(0.3)) {
    rp.b.f.erase(r, args);
  } else {
    std::optional<Constant> value;
    const bool valued = rel.value_type && rel.value_type->base != BaseType::boolean;
    const int v = rp.pick(4);
    if (valued) value = v == 0 ? Constant{Unknown{}} : rp.some_number();
    else if (rel.value_type || rel.open || r == rp.u || r == rp.e) value = v == 0 ? std::optional<Constant>(Unknown{}) : v == 1 ? std::optional<Constant>(false) : std::nullopt;
    if (value && std::holds_alternative<bool>(*value) && r == rp.u) value.reset();
    FactEntry entry{args, value, {}};
    entry.origin.file = "change";
    rp.b.f.set(r, entry);
  }
  return ChangedFact{r, args};
}

// fact unit(u: text); fact fuel(u: text): number open; condition low(u) when unit(u) and fuel(u) < 10.
// The relation ids of unit, fuel and low.
std::tuple<int, int, int> low_fuel(Builder& b) {
  int unit = b.fact("unit", {t_text()});
  int fuel = b.fact("fuel", {t_text()}, t_num(0, 100), true);
  int low = b.cond("low", {t_text()});
  ExprId g = b.atom(unit, {V(0)});
  b.rule(low, {0}, 1, b.and_({g, b.cmp(CompareOp::lt, b.value(fuel, {V(0)}), b.num(10))}), {g});
  return {unit, fuel, low};
}

}  // namespace

TEST_CASE("incremental: updates give what evaluating from scratch gives, on random change sequences") {
  int updates = 0, followed = 0, keyed = 0, skipped = 0, recomputed = 0;
  for (unsigned seed = 1; seed <= 600; ++seed) {
    RandomProgram rp(seed, seed % 3 == 0);  // a third with `VAR = EXPR` bindings (uncertain values)
    rp.build();
    const Program& p = rp.b.p;
    auto outcome = evaluate_model(p, rp.b.f, {});
    REQUIRE(outcome.model);
    Model& model = *outcome.model;
    for (int step = 0; step < 8; ++step) {
      std::vector<ChangedFact> changes;
      const int n = 1 + rp.pick(3);
      for (int i = 0; i < n; ++i) changes.push_back(random_change(rp));
      UpdateOutcome u = model.update(changes);
      REQUIRE_FALSE(u.error);
      ++updates;
      if (!u.stats.full) ++followed;
      keyed += static_cast<int>(u.stats.strata_keyed + u.stats.phases_keyed);
      skipped += static_cast<int>(u.stats.strata_skipped + u.stats.phases_skipped);
      recomputed += static_cast<int>(u.stats.strata_recomputed + u.stats.phases_recomputed);
      auto fresh = evaluate_model(p, rp.b.f, {});
      REQUIRE(fresh.model);
      const std::string want = show(p, *fresh.model, rp.conds), got = show(p, model, rp.conds);
      if (got != want)
        FAIL("seed " << seed << " step " << step << ": the updated model differs from a fresh evaluation\n--- updated\n"
                     << got << "--- fresh\n" << want << "--- facts\n" << describe(p, rp.b.f));
    }
  }
  // The updates were followed, not redone; strata and phases that read no changed tuple were skipped,
  // many were updated tuple by tuple (these small programs read scalars and whole-relation aggregates
  // often, which no key follows, so many strata and phases are evaluated again whole).
  INFO(updates << " updates: " << followed << " followed, " << keyed << " strata or phases keyed, " << skipped
                << " skipped, " << recomputed << " evaluated again whole");
  CHECK(followed == updates);
  CHECK(keyed > updates / 4);
  CHECK(skipped > updates);
}

TEST_CASE("incremental: one changed fact re-derives its own tuples and re-evaluates its own bindings") {
  // low fuel (see low_fuel), and
  // phase deploy(u) for each unit(u) block low: if low(u); phase ready(u) for each unit(u) after deploy
  Builder b;
  auto [unit, fuel, low] = low_fuel(b);
  int deploy = b.phase("deploy", 1);
  b.for_each(deploy, b.atom(unit, {V(0)}));
  b.block(deploy, b.atom(low, {V(0)}));
  b.ph(deploy).var_names.assign(1, "u");
  int ready = b.phase("ready", 1);
  b.for_each(ready, b.atom(unit, {V(0)}));
  b.after(ready, deploy);
  b.ph(ready).var_names.assign(1, "u");
  for (int i = 0; i < 200; ++i) {
    b.add(unit, {S(("u" + std::to_string(i)).c_str())});
    b.add(fuel, {S(("u" + std::to_string(i)).c_str())}, N(50));
  }
  b.finish();
  auto outcome = evaluate_model(b.p, b.f, {});
  REQUIRE(outcome.model);
  Model& model = *outcome.model;
  auto verdict_of = [&](int phase, const char* u) {
    for (const PhaseResult& r : model.evaluation().phases)
      if (r.phase == phase && r.args == std::vector<Constant>{S(u)}) return r.verdict;
    FAIL("no binding " << u);
    return Verdict::go;
  };
  REQUIRE(verdict_of(ready, "u7") == Verdict::go);

  // fuel("u7") = 5: low("u7") becomes true, deploy("u7") and ready("u7") NO-GO; nothing else is touched.
  b.f.set(fuel, FactEntry{{S("u7")}, N(5), {}});
  UpdateOutcome u = model.update({ChangedFact{fuel, {S("u7")}}});
  REQUIRE_FALSE(u.error);
  CHECK_FALSE(u.stats.full);
  CHECK(u.stats.strata_keyed == 1);
  CHECK(u.stats.tuples_rederived == 1);
  CHECK(u.stats.phases_keyed == 2);
  CHECK(u.stats.bindings_reevaluated == 2);
  CHECK(verdict_of(deploy, "u7") == Verdict::no_go);
  CHECK(verdict_of(ready, "u7") == Verdict::no_go);
  CHECK(model.evaluation().counts[static_cast<std::size_t>(ready)].no_go == 1);

  // Erased (fuel is open): unknown, so UNDETERMINED, with fuel("u7") as the unknown that matters.
  b.f.erase(fuel, {S("u7")});
  u = model.update({ChangedFact{fuel, {S("u7")}}});
  REQUIRE_FALSE(u.error);
  CHECK(verdict_of(ready, "u7") == Verdict::undetermined);
  for (const PhaseResult& r : model.evaluation().phases)
    if (r.phase == ready && r.args == std::vector<Constant>{S("u7")}) CHECK(r.unknowns == std::vector<std::string>{"fuel(\"u7\")"});

  // A new unit: a new binding of both phases, in its sorted place.
  b.f.set(unit, FactEntry{{S("u70a")}, std::nullopt, {}});
  u = model.update({ChangedFact{unit, {S("u70a")}}});
  REQUIRE_FALSE(u.error);
  CHECK(u.stats.bindings_reevaluated == 2);
  auto fresh = evaluate_model(b.p, b.f, {});
  REQUIRE(fresh.model);
  REQUIRE(fresh.model->evaluation().phases.size() == model.evaluation().phases.size());
  for (std::size_t i = 0; i < model.evaluation().phases.size(); ++i)
    CHECK(show(b.p, model.evaluation().phases[i]) == show(b.p, fresh.model->evaluation().phases[i]));

  CHECK_THROWS_AS(model.update({ChangedFact{low, {S("u1")}}}), std::invalid_argument);

  // A model that keeps counts only is evaluated again whole, and its counts follow.
  EvalOptions counts_only;
  counts_only.results = false;
  auto counting = evaluate_model(b.p, b.f, counts_only);
  REQUIRE(counting.model);
  b.f.set(fuel, FactEntry{{S("u9")}, N(1), {}});
  u = counting.model->update({ChangedFact{fuel, {S("u9")}}});
  REQUIRE_FALSE(u.error);
  CHECK(u.stats.full);
  CHECK(counting.model->evaluation().counts[static_cast<std::size_t>(deploy)].no_go == 1);
  CHECK(counting.model->evaluation().counts[static_cast<std::size_t>(deploy)].undetermined == 2);  // u7, u70a: no fuel
}

TEST_CASE("incremental: each listed tuple keeps pointing at its entry in the facts") {
  Builder b;
  auto [unit, fuel, low] = low_fuel(b);
  auto name = [](int i) { return S(("u" + std::to_string(i)).c_str()); };
  for (int i = 0; i < 50; ++i) {
    b.add(unit, {name(i)});
    b.add(fuel, {name(i)}, N(i % 20));
  }
  b.finish();
  auto outcome = evaluate_model(b.p, b.f, {});
  REQUIRE(outcome.model);
  Model& model = *outcome.model;
  // Each tuple's entry has its arguments; after an earlier entry was erased the entry may be later
  // than the tuple's (the documented hint), never earlier.
  auto check_entries = [&](int rel) {
    for (const TupleTruth& t : model.tuples(rel)) {
      INFO(ref_key(b.p, b.p.relations[static_cast<std::size_t>(rel)].name, t.args));
      auto at = b.f.find(rel, t.args);
      REQUIRE(at);
      CHECK(t.fact_entry >= static_cast<int>(*at));
      CHECK(t.fact_entry < static_cast<int>(*at) + 2);  // one erase below
    }
  };
  for (int rel : {unit, fuel})
    for (const TupleTruth& t : model.tuples(rel)) CHECK(b.f.entry(rel, static_cast<std::size_t>(t.fact_entry)).args == t.args);
  for (const TupleTruth& t : model.tuples(low)) CHECK(t.fact_entry == -1);

  // A value changed in place, a tuple added, a tuple erased.
  b.f.set(fuel, FactEntry{{name(3)}, N(90), {}});
  b.f.set(unit, FactEntry{{S("new")}, std::nullopt, {}});
  b.f.set(fuel, FactEntry{{S("new")}, N(1), {}});
  REQUIRE_FALSE(model.update({{fuel, {name(3)}}, {unit, {S("new")}}, {fuel, {S("new")}}}).error);
  for (int rel : {unit, fuel})
    for (const TupleTruth& t : model.tuples(rel)) CHECK(b.f.entry(rel, static_cast<std::size_t>(t.fact_entry)).args == t.args);
  CHECK(model.truth(low, {S("new")}) == Truth::true_);
  b.f.erase(unit, {name(10)});
  REQUIRE_FALSE(model.update({{unit, {name(10)}}}).error);
  check_entries(unit);
  check_entries(fuel);
  CHECK(model.tuples(unit).size() == 50);  // the erased one is no tuple any more
  CHECK(model.truth(unit, {name(10)}) == Truth::false_);
  // An erased tuple of an open relation is unknown again, not false.
  b.f.erase(fuel, {name(4)});
  REQUIRE_FALSE(model.update({{fuel, {name(4)}}}).error);
  CHECK(model.truth(low, {name(4)}) == Truth::unknown);
  CHECK(model.truth(low, {name(5)}) == Truth::true_);
  for (const TupleTruth& t : model.tuples(low)) CHECK(t.fact_entry == -1);
}

TEST_CASE("facts read in place (EvalOptions::facts_fixed) give what copied facts give") {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    RandomProgram rp(seed, seed % 3 == 0);
    rp.build();
    const Program& p = rp.b.p;
    EvalOptions fixed;
    fixed.facts_fixed = true;
    auto copied = evaluate_model(p, rp.b.f, {});
    auto in_place = evaluate_model(p, rp.b.f, fixed);
    REQUIRE(copied.model);
    REQUIRE(in_place.model);
    const std::string want = show(p, *copied.model, rp.conds), got = show(p, *in_place.model, rp.conds);
    if (got != want) FAIL("seed " << seed << "\n--- in place\n" << got << "--- copied\n" << want);
    for (int r : {rp.u, rp.e, rp.o, rp.n, rp.m, rp.s, rp.k}) {  // the facts' tuples, with their entries
      auto a = copied.model->tuples(r), b = in_place.model->tuples(r);
      REQUIRE(a.size() == b.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].args == b[i].args);
        CHECK(a[i].truth == b[i].truth);
        CHECK(a[i].fact_entry == b[i].fact_entry);
      }
    }
    // Such a model does not follow changes: the facts it reads may have moved.
    CHECK_THROWS_AS(in_place.model->update({}), std::logic_error);
  }
}

TEST_CASE("incremental: a tuple listed by an update in a relation that had none points at its entry") {
  Builder b;
  auto [unit, fuel, low] = low_fuel(b);
  b.add(unit, {S("u1")});  // fuel has no entry when evaluated
  b.finish();
  auto outcome = evaluate_model(b.p, b.f, {});
  REQUIRE(outcome.model);
  b.f.set(fuel, FactEntry{{S("u1")}, N(3), {}});
  REQUIRE_FALSE(outcome.model->update({{fuel, {S("u1")}}}).error);
  auto listed = outcome.model->tuples(fuel);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].fact_entry == 0);
  CHECK(outcome.model->truth(low, {S("u1")}) == Truth::true_);
}

TEST_CASE("an Evaluator gives what evaluate() gives, evaluation after evaluation, on random change sequences") {
  int compared = 0;
  for (unsigned seed = 1; seed <= 400; ++seed) {
    RandomProgram rp(seed, seed % 3 == 0);
    rp.build();
    const Program& p = rp.b.p;
    Evaluator evaluator(p);
    for (int step = 0; step < 8; ++step) {
      EvalOptions options;
      options.results = step % 4 != 3;  // now and then counts only (tables given back as they are read)
      auto want = evaluate(p, rp.b.f, options);
      const EvalOutcome& got = evaluator.evaluate(rp.b.f, options);
      REQUIRE(want.evaluation);
      REQUIRE(got.evaluation);
      REQUIRE_FALSE(got.error);
      std::ostringstream a, b;
      for (const PhaseResult& r : want.evaluation->phases) a << show(p, r) << "\n";
      for (const PhaseResult& r : got.evaluation->phases) b << show(p, r) << "\n";
      for (const PhaseCount& c : want.evaluation->counts) a << "count " << c.phase << " " << c.go << " " << c.no_go << " " << c.undetermined << "\n";
      for (const PhaseCount& c : got.evaluation->counts) b << "count " << c.phase << " " << c.go << " " << c.no_go << " " << c.undetermined << "\n";
      a << "derived " << want.evaluation->derived_tuples;
      b << "derived " << got.evaluation->derived_tuples;
      if (a.str() != b.str())
        FAIL("seed " << seed << " step " << step << ": the Evaluator differs from evaluate()\n--- Evaluator\n"
                     << b.str() << "\n--- evaluate()\n" << a.str() << "\n--- facts\n" << describe(p, rp.b.f));
      ++compared;
      const int n = 1 + rp.pick(3);
      for (int i = 0; i < n; ++i) random_change(rp);
    }
  }
  CHECK(compared == 400 * 8);
}

TEST_CASE("an Evaluator reports a runtime error, then evaluates the next facts as if new") {
  Builder b;
  int n = b.fact("n", {}, t_num(-10, 10));
  int pid = b.phase("p");
  b.require(pid, b.cmp(CompareOp::gt, b.arith(ArithOp::div, b.num(10), b.value(n, {})), b.num(1)));
  b.add(n, {}, N(2));
  b.finish();
  Evaluator evaluator(b.p);
  REQUIRE(evaluator.evaluate(b.f, {}).evaluation);
  CHECK(evaluator.evaluate(b.f, {}).evaluation->phases.at(0).verdict == Verdict::go);
  b.add(n, {}, N(0));
  const EvalOutcome& failed = evaluator.evaluate(b.f, {});
  REQUIRE(failed.error);
  CHECK(failed.error->code == "E0903");
  CHECK_FALSE(failed.evaluation);
  b.add(n, {}, N(-5));
  const EvalOutcome& again = evaluator.evaluate(b.f, {});
  REQUIRE(again.evaluation);
  REQUIRE_FALSE(again.error);
  CHECK(again.evaluation->phases.at(0).verdict == Verdict::no_go);
}
