// The evaluator: facts into tables, conditions stratum by stratum (certain and possible semi-naive
// fixpoints), three-valued expressions and aggregates, then the phases and their unknown inputs.
#include "engine/eval/model.hpp"

#include "engine/eval/model_impl.hpp"

namespace phasegate::engine {

namespace {

int constant_kind_rank(const Constant& c) { return static_cast<int>(c.index()); }

// Lexicographic, unbound slots first: the canonical order of bindings and argument lists, so what
// the model lists does not depend on the order facts were given or tuples derived (an updated model
// lists what a fresh one lists).
template <class Slots>
bool slots_less(const Slots& a, const Slots& b) {
  auto get = [](const auto& slot) -> const Constant* {
    if constexpr (std::is_same_v<std::decay_t<decltype(slot)>, Constant>) return &slot;
    else return slot ? &*slot : nullptr;
  };
  for (std::size_t k = 0; k < a.size() && k < b.size(); ++k) {
    const Constant *x = get(a[k]), *y = get(b[k]);
    if (!x || !y) {
      if (x || y) return !x;
      continue;
    }
    if (constant_less(*x, *y)) return true;
    if (constant_less(*y, *x)) return false;
  }
  return a.size() < b.size();
}

}  // namespace

bool constant_less(const Constant& a, const Constant& b) {
  if (a.index() != b.index()) return constant_kind_rank(a) < constant_kind_rank(b);
  switch (a.index()) {
    case 0: return std::get<bool>(a) < std::get<bool>(b);
    case 1: return std::get<Decimal>(a) < std::get<Decimal>(b);
    case 2: return std::get<std::string>(a) < std::get<std::string>(b);
    case 3: return std::get<Date>(a) < std::get<Date>(b);
    case 4: return std::get<Duration>(a) < std::get<Duration>(b);
    case 5: {
      const Member &x = std::get<Member>(a), &y = std::get<Member>(b);
      return std::pair(x.enumeration, x.index) < std::pair(y.enumeration, y.index);
    }
    default: return false;
  }
}


// ---------------------------------------------------------------- Model

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;

const Program& Model::program() const { return impl_->p; }

const FactBase& Model::facts() const { return impl_->f; }
const EvalOptions& Model::options() const { return impl_->opt; }
const Evaluation& Model::evaluation() const { return impl_->evaluation; }

Truth Model::truth(int relation, const std::vector<Constant>& args) const {
  if (relation < 0 || static_cast<std::size_t>(relation) >= impl_->p.relations.size()) return Truth::false_;
  std::vector<Id> key = impl_->key_of(args);
  const Table& t = impl_->tables[static_cast<std::size_t>(relation)];
  if (key.size() != static_cast<std::size_t>(t.arity())) return Truth::false_;
  auto row = t.find(key.data());
  if (row && !t.unlisted(*row)) return t.truth[*row];
  Truth fuzzy = Truth::false_;  // a derived tuple holding an uncertain value may be this one
  for (std::uint32_t r : t.uncertain_rows) fuzzy = truth_or(fuzzy, truth_and(t.truth[r], impl_->fuzzy_row_match(key, t.row(r))));
  return truth_or(fuzzy, impl_->unlisted_truth(relation));
}

Value Model::value(int relation, const std::vector<Constant>& args) const {
  if (relation < 0 || static_cast<std::size_t>(relation) >= impl_->p.relations.size()) return Value::none();
  if (!impl_->valued(relation)) {
    const Truth t = truth(relation, args);
    if (t == Truth::false_ && impl_->bool_valued_closed(relation)) {  // unlisted: no value (see Impl::eval)
      std::vector<Id> key = impl_->key_of(args);
      const Table& table = impl_->tables[static_cast<std::size_t>(relation)];
      auto row = key.size() == static_cast<std::size_t>(table.arity()) ? table.find(key.data()) : std::nullopt;
      if (!row || table.unlisted(*row)) return Value::none();
    }
    return Value::of_truth(t);
  }
  std::vector<Id> key = impl_->key_of(args);
  const Table& t = impl_->tables[static_cast<std::size_t>(relation)];
  if (key.size() != static_cast<std::size_t>(t.arity())) return Value::none();
  auto row = t.find(key.data());
  if (!row || t.unlisted(*row)) {
    const Relation& rel = impl_->p.relations[static_cast<std::size_t>(relation)];
    return rel.open || rel.param_names.empty() ? impl_->unknown_value[static_cast<std::size_t>(relation)] : Value::none();
  }
  return t.values[*row];
}

Value Model::eval(ExprId expr, const Binding& binding, EvalError* error) const {
  try {
    Frame fr = impl_->frame_of(binding);
    return impl_->eval(expr, fr);
  } catch (const EvalAbort& abort) {
    if (error) *error = abort.error;
    return Value::none();
  }
}

std::vector<TupleTruth> Model::match(ExprId atom, const Binding& binding) const {
  std::vector<TupleTruth> out;
  const Expr& e = impl_->p.exprs.at(static_cast<std::size_t>(atom));
  if (e.kind != ExprKind::atom && e.kind != ExprKind::atom_value) return out;
  Frame fr = impl_->frame_of(binding);
  std::vector<Id> key;
  std::uint64_t mask = impl_->atom_key(atom, fr, key);
  const Table& t = impl_->tables[static_cast<std::size_t>(e.relation)];
  bool has_values = impl_->valued(e.relation);
  auto add = [&](std::size_t r, Truth truth) {
    if (truth == Truth::false_) return;
    TupleTruth tt;
    const Id* cells = t.row(r);
    for (int k = 0; k < t.arity(); ++k) tt.args.push_back(impl_->in.get(cells[k]));
    tt.truth = truth;
    tt.value = has_values ? t.values[r] : Value::of_truth(truth);
    tt.fact_entry = t.fact_entry(r);
    out.push_back(std::move(tt));
  };
  t.for_matches(mask, key.data(), 0, t.rows(), [&](std::size_t r) {
    add(r, truth_and(t.truth[r], impl_->uncertain_match(key, mask, t.row(r))));
  });
  for (std::uint32_t r : t.uncertain_rows)  // derived tuples holding uncertain values
    if (impl_->has_uncertain_cell(mask, t.row(r), t.arity()))
      add(r, truth_and(t.truth[r], impl_->fuzzy_row_match(key, t.row(r))));
  std::sort(out.begin(), out.end(), [](const TupleTruth& a, const TupleTruth& b) { return slots_less(a.args, b.args); });
  return out;
}

std::vector<TupleTruth> Model::tuples(int relation) const {
  std::vector<TupleTruth> out;
  if (relation < 0 || static_cast<std::size_t>(relation) >= impl_->p.relations.size()) return out;
  const Table& t = impl_->tables[static_cast<std::size_t>(relation)];
  bool has_values = impl_->valued(relation);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    if (t.truth[r] == Truth::false_) continue;
    TupleTruth tt;
    const Id* cells = t.row(r);
    for (int k = 0; k < t.arity(); ++k) tt.args.push_back(impl_->in.get(cells[k]));
    tt.truth = t.truth[r];
    tt.value = has_values ? t.values[r] : Value::of_truth(t.truth[r]);
    tt.fact_entry = t.fact_entry(r);
    out.push_back(std::move(tt));
  }
  return out;
}

std::vector<Derivation> Model::derivations(int relation, const std::vector<Constant>& args, bool attempts) const {
  std::vector<Derivation> out;
  if (relation < 0 || static_cast<std::size_t>(relation) >= impl_->p.relations.size()) return out;
  std::vector<Id> key = impl_->key_of(args);
  try {
    for (int ri : impl_->p.relations[static_cast<std::size_t>(relation)].rules) {
      const Rule& rule = impl_->p.rules[static_cast<std::size_t>(ri)];
      Frame fr(std::max(rule.var_names.size(), impl_->max_frame), kUnbound);
      if (!impl_->bind_head(rule, key, fr)) continue;
      GenRanges none;
      auto yield = [&]() {
        Truth t = impl_->eval_truth(rule.body.expr, fr);
        if (t != Truth::false_ || attempts) out.push_back(Derivation{ri, impl_->binding_of(fr), t});
      };
      if (!attempts) {
        impl_->enumerate(rule.body.generators, 0, fr, none, yield);
        continue;
      }
      // An attempt goes past an atom whose arguments are all bound by then (`reach(c, b)` after
      // `link(a, c)`, `active(t)` after `threat(a, t)`): that it is false is part of why the attempt
      // fails, not a reason to leave the attempt out. The body, evaluated whole, still reads it.
      std::vector<char> bound(fr.size(), 0);
      for (int v : rule.head_vars)
        if (v >= 0 && static_cast<std::size_t>(v) < bound.size()) bound[static_cast<std::size_t>(v)] = 1;
      std::vector<ExprId> gens;
      for (ExprId g : rule.body.generators) {
        const Expr& x = impl_->p.exprs[static_cast<std::size_t>(g)];
        const bool atom = x.kind == ExprKind::atom || x.kind == ExprKind::atom_value;
        if (atom && std::all_of(x.args.begin(), x.args.end(), [&](const Term& t) {
              return t.kind == Term::Kind::constant ||
                     (t.kind == Term::Kind::variable && t.var >= 0 && static_cast<std::size_t>(t.var) < bound.size() &&
                      bound[static_cast<std::size_t>(t.var)]);
            }))
          continue;
        gens.push_back(g);
        if (atom)
          for (const Term& t : x.args)
            if (t.var >= 0 && static_cast<std::size_t>(t.var) < bound.size()) bound[static_cast<std::size_t>(t.var)] = 1;
        if (x.kind == ExprKind::bind && x.var >= 0 && static_cast<std::size_t>(x.var) < bound.size())
          bound[static_cast<std::size_t>(x.var)] = 1;
      }
      impl_->enumerate(gens, 0, fr, none, yield);
    }
  } catch (const EvalAbort&) {
  }
  std::sort(out.begin(), out.end(), [](const Derivation& a, const Derivation& b) {
    return a.rule != b.rule ? a.rule < b.rule : slots_less(a.binding, b.binding);
  });
  return out;
}

std::vector<std::pair<Binding, Truth>> Model::solutions(const Body& body, const Binding& binding) const {
  std::vector<std::pair<Binding, Truth>> out;
  try {
    Frame fr = impl_->frame_of(binding);
    GenRanges none;
    auto yield = [&]() {
      Truth t = impl_->eval_truth(body.expr, fr);
      if (t != Truth::false_) out.emplace_back(impl_->binding_of(fr), t);
    };
    impl_->enumerate(body.generators, 0, fr, none, yield);
  } catch (const EvalAbort&) {
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return slots_less(a.first, b.first); });
  return out;
}

std::string Model::format_tuple(int relation, const std::vector<Constant>& args) const {
  std::vector<Id> key = impl_->key_of(args);
  return impl_->format_ids(relation, key);
}

std::optional<EvalError> run_all(std::unique_ptr<Model::Impl>& impl) {
  auto run = [&] {
    return guarded([&] {
      impl->init();
      Model::Impl::MemoScope memo(*impl);  // closed aggregates once per evaluation
      impl->run_strata();
      impl->run_phases();
    });
  };
  std::optional<EvalError> error = run();
  if (error && impl->parallel_stopped) {  // again on one thread, within the same time limit
    const Program& program = impl->p;
    const FactBase& facts = impl->f;
    EvalOptions options = impl->opt;
    const unsigned threads = options.threads;
    options.threads = 1;
    const auto start = impl->start;
    const bool release_tables = impl->release_tables;
    error = guarded([&] {
      impl.reset();  // its memory first: a memory limit may be what stopped it
      impl = std::make_unique<Model::Impl>(program, facts, options, start);
      impl->release_tables = release_tables;
    });
    if (error) return error;
    error = run();
    impl->opt.threads = threads;  // as asked, for the model's options and its updates
  }
  return error;
}

ModelOutcome evaluate_model(const Program& program, const FactBase& facts, const EvalOptions& options) {
  ModelOutcome outcome;
  auto impl = std::make_unique<Model::Impl>(program, facts, options);
  outcome.error = run_all(impl);
  if (!outcome.error) outcome.model = std::make_unique<Model>(std::move(impl));
  return outcome;
}

struct Evaluator::State {
  const Program& program;
  std::unique_ptr<Model::Impl> impl;  // the last evaluation's, done with: its memory is reused
  EvalOutcome outcome;
};

Evaluator::Evaluator(const Program& program) : state_(std::make_unique<State>(State{program, nullptr, {}})) {}
Evaluator::~Evaluator() = default;

const EvalOutcome& Evaluator::evaluate(const FactBase& facts, const EvalOptions& options) {
  State& s = *state_;
  auto impl = std::make_unique<Model::Impl>(s.program, facts, options);
  if (s.impl) impl->adopt(*s.impl, s.outcome.evaluation ? &*s.outcome.evaluation : nullptr);
  s.impl.reset();
  impl->release_tables = !options.results;
  s.outcome.error = run_all(impl);
  if (s.outcome.error) {
    s.outcome.evaluation.reset();
  } else {
    if (!s.outcome.evaluation) s.outcome.evaluation.emplace();
    std::swap(*s.outcome.evaluation, impl->evaluation);  // the model keeps the emptied vectors of the last one
  }
  s.impl = std::move(impl);
  return s.outcome;
}

EvalOutcome evaluate(const Program& program, const FactBase& facts, const EvalOptions& options) {
  EvalOutcome out;
  auto impl = std::make_unique<Model::Impl>(program, facts, options);
  impl->release_tables = !options.results;  // counts only: no table is read after the phases
  out.error = run_all(impl);
  if (!out.error) out.evaluation = std::move(impl->evaluation);  // the model is dropped: no copy
  return out;
}

}  // namespace phasegate::engine
