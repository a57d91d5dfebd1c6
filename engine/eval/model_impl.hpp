// The evaluator's state (Model::Impl): the program's tables, the three-valued evaluation of
// expressions and generators, the strata's fixpoints and the phases. Private to engine/eval:
// model.cpp runs a whole evaluation, incremental.cpp brings one up to date after facts change.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <memory>
#include <cstdio>
#include <unistd.h>
#include <new>
#include <optional>
#include <span>
#include <utility>

#include "engine/eval/model.hpp"
#include "engine/eval/table.hpp"

namespace phasegate::engine {

namespace eval_detail {

// Thrown inside the evaluator to stop at a limit or runtime error; never escapes evaluate_model.
struct EvalAbort {
  EvalError error;
};

using Frame = std::vector<Id>;

// An atom's key: a few ids kept inline, so the hot lookup paths do not allocate.
class KeyBuf {
 public:
  void assign(std::size_t n, Id v) {
    size_ = n;
    if (n > kInline) heap_.assign(n, v);
    else std::fill(inline_, inline_ + n, v);
  }
  Id* data() { return size_ > kInline ? heap_.data() : inline_; }
  const Id* data() const { return size_ > kInline ? heap_.data() : inline_; }
  Id& operator[](std::size_t i) { return data()[i]; }
  Id operator[](std::size_t i) const { return data()[i]; }
  std::size_t size() const { return size_; }

 private:
  static constexpr std::size_t kInline = 8;
  Id inline_[kInline];
  std::vector<Id> heap_;
  std::size_t size_ = 0;
};

// Which rows of the current stratum's tables a body's generators may read (semi-naive evaluation).
struct GenRanges {
  int delta_gen = -1;  // the generator that reads only the delta rows
  std::size_t delta_lo = 0, delta_hi = 0;
  const std::vector<std::size_t>* snapshot = nullptr;  // rows visible to the other generators
  bool* open_side = nullptr;  // set when a generator ranges over an open relation's unlisted tuples
};

// "60", "0.5": a limit as people write it.
inline std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

}  // namespace eval_detail

namespace eval_detail {

struct UpdatePlan;  // what updates read of the program (incremental.cpp)

// Runs f, turning a stop inside the evaluator (a limit, a runtime error, memory) into its error.
template <class F>
std::optional<EvalError> guarded(F&& f) {
  try {
    f();
  } catch (const EvalAbort& abort) {
    return abort.error;
  } catch (const std::bad_alloc&) {
    return EvalError{"evaluation stopped: out of memory", {}, "E0901"};
  }
  return std::nullopt;
}

}  // namespace eval_detail

using eval_detail::EvalAbort;
using eval_detail::guarded;
using eval_detail::Frame;
using eval_detail::GenRanges;
using eval_detail::Id;
using eval_detail::Interner;
using eval_detail::KeyBuf;
using eval_detail::kUnbound;
using eval_detail::seconds_text;
using eval_detail::Table;

// What the threads evaluating strata at once share besides the model (see run_strata_parallel):
// a flag that stops them all at their next tick, and the derived tuples counted so far.
struct StrataShare {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> derived{0};
};

struct Model::Impl {
  Impl(const Program& program, const FactBase& facts, const EvalOptions& options,
       std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now())
      : p(program), f(facts), opt(options), start(started), derived_limit(options.max_tuples) {}
  // A worker: evaluates strata of `parent`'s evaluation on another thread, reading and writing
  // parent's interner and tables (each stratum writes only its own relations' tables); its pass,
  // slots and counters are its own.
  Impl(Impl& parent, StrataShare& share)
      : p(parent.p), f(parent.f), opt(parent.opt), start(parent.start), in(parent.in), term_ids(parent.term_ids),
        gen_row(parent.gen_row), exact_atom(parent.exact_atom), max_frame(parent.max_frame), tables(parent.tables),
        unknown_value(parent.unknown_value), slot(parent.p.relations.size(), -1), shared(&share),
        derived_limit(0) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  const Program& p;
  const FactBase& f;
  EvalOptions opt;
  std::chrono::steady_clock::time_point start;

  // A worker's references name its parent's; the parent's name its own.
  Interner own_in;
  std::vector<std::vector<Id>> own_term_ids;
  std::vector<std::uint32_t> own_gen_row;
  std::vector<char> own_exact_atom;
  std::vector<Table> own_tables;
  std::vector<Value> own_unknown_value;

  Interner& in = own_in;
  std::vector<std::vector<Id>>& term_ids = own_term_ids;  // per expr: the id of each constant argument
  // Per atom expr: the row its generator is at while enumerating (so the body reads the tuple's
  // truth without a second lookup), and whether the atom names one tuple (no slot-less `_`).
  // Each atom is in one rule, so threads running different strata write different entries.
  static constexpr std::uint32_t kNoRow = 0xffffffffu;
  std::vector<std::uint32_t>& gen_row = own_gen_row;
  std::vector<char>& exact_atom = own_exact_atom;
  std::size_t max_frame = 0;  // the largest slot used anywhere, plus one
  std::vector<Table>& tables = own_tables;                // per relation: listed facts, or derived tuples once evaluated
  std::vector<Value>& unknown_value = own_unknown_value;  // per valued fact relation: any value of its type
  std::vector<int> slot;                  // per relation: its table in `pass` while its stratum runs, else -1
  std::vector<Table> pass;
  bool certain_pass = true;
  bool saw_unknown = false;
  std::uint64_t derived = 0, steps = 0;
  // A worker's: the share it reports to; its derived tuples up to `reported` are counted there.
  StrataShare* shared = nullptr;
  std::uint64_t reported = 0;
  std::uint64_t derived_limit;  // count_derived() looks further when `derived` passes it
  bool parallel_stopped = false;  // strata ran on several threads and one stopped: evaluate again on one
  bool release_tables = false;    // only the phases' verdicts are wanted: tables go once read (Releaser)

  Evaluation evaluation;
  // Per phase: where its results (sorted bindings) are in evaluation.phases, written in phase_order
  // and put in declaration order at the end (when the orders differ).
  std::vector<std::pair<std::size_t, std::size_t>> phase_range;
  std::span<const PhaseResult> results_of(int pid) const {
    auto [lo, hi] = phase_range[static_cast<std::size_t>(pid)];
    return {evaluation.phases.data() + lo, hi - lo};
  }
  // Per phase with a phase_index: the verdict of each of its rows (see run_phase); empty for the others.
  std::vector<std::vector<Verdict>> phase_verdicts;
  std::vector<Table> phase_index;  // per phase named in an `after`: its bindings, row i having verdict i
  std::vector<char> named_in_after;  // per phase
  // Set by the first update (incremental.cpp): every phase keeps phase_index, whose rows are then
  // every binding the phase has had (row order no longer that of the results), and phase_absent
  // marks the rows that are no binding any more.
  bool index_all_phases = false;
  std::vector<std::vector<char>> phase_absent;  // per phase, per row of phase_index
  bool broken = false;                          // an update stopped half way: evaluate again
  std::shared_ptr<const eval_detail::UpdatePlan> update_plan;  // built by the first update

  // ------------------------------------------------------------ reuse (Evaluator)

  // Tables no relation, pass or phase holds now, their memory kept: take_table gives one out
  // emptied, give_table takes one back. A single evaluation starts with none; an Evaluator's next
  // evaluation starts with all of the last one's (adopt), so a decision over a handful of facts
  // allocates next to nothing.
  std::vector<Table> spare_tables;
  Table take_table(int arity) {
    if (spare_tables.empty()) return Table(arity);
    Table t = std::move(spare_tables.back());
    spare_tables.pop_back();
    t.reset(arity);
    return t;
  }
  // Only small tables are kept: a large one (a stratum of a big workload) would hold its memory
  // until the evaluation ends; it is freed here.
  void give_table(Table&& t) {
    constexpr std::size_t kSpareRows = 1024;
    if (t.truth.capacity() <= kSpareRows) spare_tables.push_back(std::move(t));
  }
  // The PhaseResults of the last evaluation (adopt): run_phase writes over them (their vectors and
  // strings keep their memory) rather than building new ones.
  std::vector<PhaseResult> spare_results;
  PhaseResult take_result() {
    if (spare_results.empty()) return PhaseResult{};
    PhaseResult r = std::move(spare_results.back());
    spare_results.pop_back();
    return r;
  }

  // Takes over the memory of `old`, an evaluation of the same program that is done with (its
  // model is dropped), and of `previous`, the Evaluation it gave out: tables, interner, results,
  // and the scratch vectors, emptied. Before init(). What depends on the facts (ids, tables, drain
  // orders) is computed again; what depends on the program alone (closed aggregates) is kept.
  void adopt(Impl& old, Evaluation* previous) {
    own_in = std::move(old.own_in);
    own_in.reset();
    own_term_ids = std::move(old.own_term_ids);
    for (auto& ids : own_term_ids) ids.clear();
    own_gen_row = std::move(old.own_gen_row);
    own_exact_atom = std::move(old.own_exact_atom);
    own_unknown_value = std::move(old.own_unknown_value);
    own_unknown_value.clear();
    slot = std::move(old.slot);
    spare_tables = std::move(old.spare_tables);
    auto keep_tables = [&](std::vector<Table>& from) {
      for (Table& t : from) give_table(std::move(t));
      from.clear();
    };
    keep_tables(old.pass);
    keep_tables(old.phase_index);
    keep_tables(old.certain_tables);
    own_tables = std::move(old.own_tables);  // one per relation of the same program: init resets them in place
    pass = std::move(old.pass);
    certain_tables = std::move(old.certain_tables);
    closed_aggregate = std::move(old.closed_aggregate);
    aggregate_memo = std::move(old.aggregate_memo);
    spare_results = std::move(old.spare_results);
    if (previous) {
      for (PhaseResult& r : previous->phases) spare_results.push_back(std::move(r));
      previous->phases.clear();
      evaluation.phases = std::move(previous->phases);
    }
    rule_frame = std::move(old.rule_frame);
    rule_head = std::move(old.rule_head);
    rule_pending = std::move(old.rule_pending);
    collector = std::move(old.collector);
    collector.clear();
    visit_mark = std::move(old.visit_mark);
    for (auto& marks : visit_mark) marks.clear();
    drain_frame = std::move(old.drain_frame);
    found_tuples = std::move(old.found_tuples);
    found_tuples.clear();
    scratch = std::move(old.scratch);
    asked_strata = std::move(old.asked_strata);  // the program's alone: kept
  }

  // Vectors the steps of one evaluation use and leave, kept for the next step (and, through adopt,
  // the next evaluation) instead of allocated each time.
  struct Scratch {
    std::vector<int> rules, order;
    std::vector<std::size_t> snapshot, previous;
    std::vector<std::uint32_t> rows, next, rank, count;
    std::vector<Id> ids;
    Frame frame;
  } scratch;
  std::vector<Table> certain_tables;  // run_stratum's

  // ------------------------------------------------------------ setup

  void init() {
    // Tables of many identifiers: their numbers are found by value (up to a few per constant the
    // facts have). A handful of facts gains nothing from it and would pay a test per number.
    if (f.constants().size() >= 4096) {
      in.direct_below(static_cast<std::uint32_t>(std::min<std::size_t>(4 * f.constants().size(), FactBase::kSmallInts)));
    }
    in.share(f.constants());  // the facts' pool ids are ids here: their rows load as they are
    term_ids.resize(p.exprs.size());
    gen_row.assign(p.exprs.size(), kNoRow);
    exact_atom.assign(p.exprs.size(), 0);
    auto slot_used = [&](int v) { max_frame = std::max(max_frame, static_cast<std::size_t>(std::max(v, -1) + 1)); };
    for (const Rule& r : p.rules) max_frame = std::max(max_frame, r.var_names.size());
    for (const Phase& ph : p.phases) max_frame = std::max({max_frame, ph.var_names.size(), ph.params.size()});
    for (std::size_t e = 0; e < p.exprs.size(); ++e) {
      const Expr& x = p.exprs[e];
      slot_used(x.var);
      for (int l : x.locals) slot_used(l);
      for (const Term& t : x.args) slot_used(t.var);
      if (x.kind != ExprKind::atom && x.kind != ExprKind::atom_value) continue;
      exact_atom[e] = std::all_of(x.args.begin(), x.args.end(),
                                  [](const Term& t) { return t.kind == Term::Kind::constant || t.var >= 0; });
      for (const Term& t : x.args) term_ids[e].push_back(t.kind == Term::Kind::constant ? in.intern(t.constant) : kUnbound);
    }
    find_closed_aggregates();
    tables.resize(p.relations.size());  // empty, or an adopted evaluation's (emptied below)
    unknown_value.resize(p.relations.size());
    slot.assign(p.relations.size(), -1);
    for (std::size_t r = 0; r < p.relations.size(); ++r) {
      const Relation& rel = p.relations[r];
      tables[r].reset(static_cast<int>(rel.param_names.size()));
      if (rel.value_type) unknown_value[r] = Value::unknown_of(*rel.value_type, p);
      if (rel.kind == RelationKind::fact) load_facts(static_cast<int>(r));
    }
  }

  bool valued(int r) const {
    const Relation& rel = p.relations[static_cast<std::size_t>(r)];
    return rel.value_type && rel.value_type->base != BaseType::boolean;
  }

  // A relation's listed entries as its table (the facts hold one entry per tuple).
  void load_facts(int r) {
    const Relation& rel = p.relations[static_cast<std::size_t>(r)];
    Table& t = tables[static_cast<std::size_t>(r)];
    const std::size_t n = f.size(r), arity = rel.param_names.size();
    t.hold_facts();  // even empty: an update may list tuples later
    if (n == 0 || f.arity(r) != arity) return;
    if (valued(r)) t.values.reserve(n);
    if (opt.facts_fixed) {  // the rows as they are in the facts (pool ids are ids here), then their truths and values
      t.borrow(f.row(r, 0), n);
      for (std::size_t i = 0; i < n; ++i) put_entry(r, i, nullptr, i);
      return;
    }
    t.reserve(n);
    for (std::size_t i = 0; i < n; ++i) put_entry(r, i, f.row(r, i), std::nullopt);
  }

  // Entry i of a fact relation into its table, as the row with this key: appended (row nullopt)
  // or written over an existing row.
  void put_entry(int r, std::size_t i, const Id* key, std::optional<std::size_t> row) {
    const Relation& rel = p.relations[static_cast<std::size_t>(r)];
    Table& t = tables[static_cast<std::size_t>(r)];
    const std::uint32_t vid = f.value_id(r, i);
    const Constant* v = vid == FactBase::kNoValue ? nullptr : &f.constants()[vid];
    Truth truth = Truth::true_;
    const bool has_values = valued(r);
    if (!has_values && v) {
      if (std::holds_alternative<bool>(*v)) truth = std::get<bool>(*v) ? Truth::true_ : Truth::false_;
      else if (std::holds_alternative<Unknown>(*v)) truth = Truth::unknown;
    }
    // The row's value, named by its constant's id in the facts (kNoValue: the type's unknown value).
    auto set_value = [&](std::size_t at) {
      t.values.set(at, vid, [&] {
        return v ? value_of_constant(*v, &*rel.value_type, p) : unknown_value[static_cast<std::size_t>(r)];
      });
    };
    if (row) {
      t.truth[*row] = truth;
      if (has_values) set_value(*row);
      t.set_fact_entry(*row, static_cast<int>(i));
      return;
    }
    if (has_values) set_value(t.values.size());
    t.set_fact_entry(t.append(key, truth), static_cast<int>(i));
  }

  // ------------------------------------------------------------ limits

  [[noreturn]] void fail(const char* code, std::string message, const SourcePos& pos = {}) {
    throw EvalAbort{EvalError{std::move(message), pos, code}};
  }

  void tick() {
    if ((++steps & 0x3fff) != 0) return;
    if (shared && shared->stop.load(std::memory_order_relaxed)) fail("E0901", "evaluation stopped by another thread");
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > opt.max_seconds)
      fail("E0902", "evaluation stopped: the time limit of " + seconds_text(opt.max_seconds) +
                        (opt.max_seconds == 1.0 ? " second" : " seconds") + " was reached");
    if ((steps & 0x3ffff) == 0) check_memory();
  }

  // Stops before the machine runs out: the resident size against EvalOptions::max_memory_mb.
  void check_memory() {
    const std::uint64_t limit = memory_limit_mb();
    const std::uint64_t used = resident_mb();
    if (limit == 0 || used <= limit) return;
    fail("E0905", "evaluation stopped: the memory limit of " + std::to_string(limit) + " MiB was reached (" +
                      std::to_string(used) + " MiB in use)");
  }

  std::uint64_t memory_limit_mb() const {
    if (opt.max_memory_mb) return opt.max_memory_mb;
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return 0;
    return static_cast<std::uint64_t>(pages) / 1024 * static_cast<std::uint64_t>(page) / 1024 * 4 / 5;
  }

  static std::uint64_t resident_mb() {
#ifdef __linux__
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long size = 0, resident = 0;
    const int got = std::fscanf(f, "%lu %lu", &size, &resident);
    std::fclose(f);
    if (got != 2) return 0;
    return static_cast<std::uint64_t>(resident) * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE)) / (1024 * 1024);
#else
    return 0;
#endif
  }

  void count_derived() {
    if (++derived > derived_limit) over_derived_limit();
  }

  // Alone, the limit is the limit; a worker reports its tuples to the share every kReportEvery and
  // stops once all threads' together pass the limit (an evaluation that stops is run again on one
  // thread, which stops at the exact tuple).
  void over_derived_limit() {
    if (shared) {
      constexpr std::uint64_t kReportEvery = 1024;
      const std::uint64_t total = shared->derived.fetch_add(derived - reported) + (derived - reported);
      reported = derived;
      derived_limit = derived + kReportEvery;
      if (total <= opt.max_tuples) return;
    }
    fail_tuple_limit();
  }

  [[noreturn]] void fail_tuple_limit() {
    fail("E0901", "evaluation stopped: the limit of " + std::to_string(opt.max_tuples) + " derived tuples was reached");
  }

  // ------------------------------------------------------------ lookups

  bool in_pass(int r) const { return slot[static_cast<std::size_t>(r)] >= 0; }
  const Table& table_of(int r) const {
    int s = slot[static_cast<std::size_t>(r)];
    return s >= 0 ? pass[static_cast<std::size_t>(s)] : tables[static_cast<std::size_t>(r)];
  }

  // The key of an atom under a frame: ids of constants and bound variables; mask of those columns.
  template <class Key>
  std::uint64_t atom_key(ExprId id, const Frame& fr, Key& key) const {
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    key.assign(e.args.size(), kUnbound);
    std::uint64_t mask = 0;
    for (std::size_t k = 0; k < e.args.size(); ++k) {
      const Term& t = e.args[k];
      Id v = kUnbound;
      if (t.kind == Term::Kind::constant) v = term_ids[static_cast<std::size_t>(id)][k];
      else if (t.var >= 0 && static_cast<std::size_t>(t.var) < fr.size()) v = fr[static_cast<std::size_t>(t.var)];  // a variable, or `_` with its own slot
      key[k] = v;
      // An uncertain value (see intern_uncertain) is bound but cannot be looked up: the column
      // stays out of the mask and uncertain_match() compares it with each tuple.
      if (v != kUnbound && k < 64 && !in.uncertain(v)) mask |= 1ULL << k;
    }
    return mask;
  }

  bool has_uncertain_cell(std::uint64_t mask, const Id* cells, int arity) const {
    for (int k = 0; k < arity && k < 64; ++k)
      if ((mask & (1ULL << k)) && in.uncertain(cells[k])) return true;
    return false;
  }

  // How far a row holding uncertain values matches a key, column by column.
  template <class Key>
  Truth fuzzy_row_match(const Key& key, const Id* cells) const {
    Truth t = Truth::true_;
    for (std::size_t k = 0; k < key.size(); ++k) {
      Id a = key[k], c = cells[k];
      if (a == kUnbound || a == c) continue;
      const Value *ua = in.uncertain(a), *uc = in.uncertain(c);
      if (!ua && !uc) return Truth::false_;
      Value va = ua ? *ua : value_of_constant(in.get(a), nullptr, p);
      Value vc = uc ? *uc : value_of_constant(in.get(c), nullptr, p);
      t = truth_and(t, compare(CompareOp::eq, va, vc));
      if (t == Truth::false_) return t;
    }
    return t;
  }

  // How far a tuple matches the bound columns that hold uncertain values (true when there are none).
  template <class Key>
  Truth uncertain_match(const Key& key, std::uint64_t mask, const Id* cells) const {
    Truth t = Truth::true_;
    for (std::size_t k = 0; k < key.size() && k < 64; ++k) {
      if (key[k] == kUnbound || (mask & (1ULL << k))) continue;
      const Value* uv = in.uncertain(key[k]);
      if (!uv) continue;
      t = truth_and(t, compare(CompareOp::eq, *uv, value_of_constant(in.get(cells[k]), nullptr, p)));
    }
    return t;
  }

  // Absent from a fact's listing: unknown for an open relation and for a scalar, else false.
  Truth unlisted_truth(int r) const {
    const Relation& rel = p.relations[static_cast<std::size_t>(r)];
    if (rel.kind == RelationKind::fact && (rel.open || rel.param_names.empty())) return Truth::unknown;
    return Truth::false_;
  }

  Truth atom_truth(ExprId id, const Frame& fr) const {
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    const Table& t = table_of(e.relation);
    bool pass_table = in_pass(e.relation);
    if (std::uint32_t row = gen_row[static_cast<std::size_t>(id)]; row != kNoRow)
      return pass_table ? Truth::true_ : t.truth[row];  // the tuple its generator is at
    KeyBuf key;
    std::uint64_t mask = atom_key(id, fr, key);
    Truth fuzzy = Truth::false_;  // rows holding uncertain values that may be this tuple
    for (std::uint32_t r : t.uncertain_rows)
      if (r < t.rows() && has_uncertain_cell(mask, t.row(r), t.arity()))
        fuzzy = truth_or(fuzzy, truth_and(pass_table ? Truth::true_ : t.truth[r], fuzzy_row_match(key, t.row(r))));
    if (mask == t.full_mask() && t.arity() < 64) {
      auto row = t.find(key.data());
      if (!row || t.unlisted(*row)) return truth_or(fuzzy, pass_table ? Truth::false_ : unlisted_truth(e.relation));
      return pass_table ? Truth::true_ : t.truth[*row];
    }
    // Some arguments range (`_` or an unbound variable): true if some tuple is.
    Truth best = fuzzy;
    t.for_matches(mask, key.data(), 0, t.rows(), [&](std::size_t r) {
      Truth row_truth = pass_table ? Truth::true_ : t.truth[r];
      best = truth_or(best, truth_and(row_truth, uncertain_match(key, mask, t.row(r))));
    });
    const Relation& rel = p.relations[static_cast<std::size_t>(e.relation)];
    if (!pass_table && rel.kind == RelationKind::fact && rel.open) best = truth_or(best, Truth::unknown);
    return best;
  }

  // A fact relation with parameters declared `: bool`, not open: its unlisted tuples have no value
  // (a relation declared without a type says which tuples exist: its unlisted ones are false).
  bool bool_valued_closed(int r) const {
    const Relation& rel = p.relations[static_cast<std::size_t>(r)];
    return rel.kind == RelationKind::fact && !rel.open && !rel.param_names.empty() && rel.value_type &&
           rel.value_type->base == BaseType::boolean;
  }

  // Whether some listed tuple (or one holding an uncertain value) may be the one an atom names.
  bool listed_match(ExprId id, const Frame& fr) const {
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    const Table& t = tables[static_cast<std::size_t>(e.relation)];
    if (std::uint32_t row = gen_row[static_cast<std::size_t>(id)]; row != kNoRow) return !t.unlisted(row);
    KeyBuf key;
    const std::uint64_t mask = atom_key(id, fr, key);
    bool any = false;
    t.for_matches(mask, key.data(), 0, t.rows(), [&](std::size_t r) {
      if (!t.unlisted(r) && uncertain_match(key, mask, t.row(r)) != Truth::false_) any = true;
    });
    for (std::uint32_t r : t.uncertain_rows)
      if (!any && r < t.rows() && !t.unlisted(r) && fuzzy_row_match(key, t.row(r)) != Truth::false_) any = true;
    return any;
  }

  Value atom_value(ExprId id, const Frame& fr) const {
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    if (!valued(e.relation)) return Value::of_truth(atom_truth(id, fr));
    if (std::uint32_t row = gen_row[static_cast<std::size_t>(id)]; row != kNoRow)
      return tables[static_cast<std::size_t>(e.relation)].values[row];
    KeyBuf key;
    std::uint64_t mask = atom_key(id, fr, key);
    const Table& t = tables[static_cast<std::size_t>(e.relation)];
    const Relation& rel = p.relations[static_cast<std::size_t>(e.relation)];
    bool open = rel.open || rel.param_names.empty();
    if (mask == t.full_mask() && t.arity() < 64) {
      auto row = t.find(key.data());
      if (!row || t.unlisted(*row)) return open ? unknown_value[static_cast<std::size_t>(e.relation)] : Value::none();
      return t.values[*row];
    }
    std::size_t matches = 0, last = 0;
    bool fuzzy = false;
    t.for_matches(mask, key.data(), 0, t.rows(), [&](std::size_t r) {
      if (t.unlisted(r)) return;
      Truth m = uncertain_match(key, mask, t.row(r));
      if (m == Truth::false_) return;
      fuzzy = fuzzy || m == Truth::unknown;
      ++matches;
      last = r;
    });
    if (matches == 0) return open ? unknown_value[static_cast<std::size_t>(e.relation)] : Value::none();
    if (matches == 1 && !open && !fuzzy) return t.values[last];
    Value v = unknown_value[static_cast<std::size_t>(e.relation)];
    if (!open) v.maybe_none = true;  // the tuple meant may not be listed
    return v;
  }

  // ------------------------------------------------------------ expressions

  Truth truth_of(const Value& v) const {
    if (v.kind == Value::Kind::truth) return v.truth;
    return v.kind == Value::Kind::none ? Truth::false_ : Truth::unknown;
  }

  // Conditions are evaluated to a truth without building Values where they can be: connectives,
  // atoms, and comparisons of two known constants (below).
  Truth eval_truth(ExprId id, Frame& fr) {
    if (id == kNoExpr) return Truth::true_;
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    switch (e.kind) {
      case ExprKind::atom: return atom_truth(id, fr);
      case ExprKind::not_: return truth_not(eval_truth(e.children.at(0), fr));
      case ExprKind::and_: {
        Truth r = Truth::true_;
        for (ExprId c : e.children) {
          r = truth_and(r, eval_truth(c, fr));
          if (r == Truth::false_) break;
        }
        return r;
      }
      case ExprKind::or_: {
        Truth r = Truth::false_;
        for (ExprId c : e.children) {
          r = truth_or(r, eval_truth(c, fr));
          if (r == Truth::true_) break;
        }
        return r;
      }
      case ExprKind::compare: {
        if (auto r = compare_constants(e.cmp, known_operand(e.children.at(0), fr), known_operand(e.children.at(1), fr)))
          return *r;
        Value a = eval(e.children.at(0), fr);
        Value b = eval(e.children.at(1), fr);
        return compare(e.cmp, a, b);
      }
      case ExprKind::bind: {
        Id bound = e.var < 0 || static_cast<std::size_t>(e.var) >= fr.size() ? kUnbound : fr[static_cast<std::size_t>(e.var)];
        if (bound != kUnbound) {
          if (auto r = compare_constants(CompareOp::eq, &in.get(bound), known_operand(e.children.at(0), fr))) return *r;
          if (bound_here(id, e.var, bound)) return assigned(e.children.at(0), fr);
        }
        return truth_of(eval(id, fr));
      }
      default: return truth_of(eval(id, fr));
    }
  }

  // The constant an operand is without evaluating it: a constant, or a variable's (a variable bound
  // to an uncertain value reads as `unknown`, which compare_constants leaves alone); nullptr otherwise.
  const Constant* known_operand(ExprId id, const Frame& fr) const {
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    if (e.kind == ExprKind::constant) return &e.constant;
    if (e.kind != ExprKind::variable || e.var < 0 || static_cast<std::size_t>(e.var) >= fr.size()) return nullptr;
    const Id v = fr[static_cast<std::size_t>(e.var)];
    return v == kUnbound ? nullptr : &in.get(v);
  }

  // Two known numbers, dates or durations compared as they are: what compare() gives for their
  // Values (points), without building them. Most of a policy's comparisons are these (`p < ms`,
  // `c >= 3`, `code = 1`). nullopt for anything else (either side unknown, other kinds).
  static std::optional<Truth> compare_constants(CompareOp op, const Constant* a, const Constant* b) {
    if (!a || !b || a->index() != b->index()) return std::nullopt;
    int128 x = 0, y = 0;
    if (const auto* d = std::get_if<Decimal>(a)) {
      x = d->raw();
      y = std::get<Decimal>(*b).raw();
    } else if (const auto* d = std::get_if<Date>(a)) {
      x = d->days;
      y = std::get<Date>(*b).days;
    } else if (const auto* d = std::get_if<Duration>(a)) {
      x = d->days;
      y = std::get<Duration>(*b).days;
    } else {
      return std::nullopt;
    }
    return compare_known_values(op, x, y);
  }

  Value eval(ExprId id, Frame& fr) {
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    switch (e.kind) {
      case ExprKind::constant: return value_of_constant(e.constant, &e.type, p);
      case ExprKind::today: return Value::point(BaseType::date, Decimal::from_int(opt.today.days));
      case ExprKind::variable: {
        if (e.var < 0 || static_cast<std::size_t>(e.var) >= fr.size() || fr[static_cast<std::size_t>(e.var)] == kUnbound)
          return Value::unknown_of(e.type, p);
        Id v = fr[static_cast<std::size_t>(e.var)];
        if (const Value* uv = in.uncertain(v)) return *uv;
        return value_of_constant(in.get(v), &e.type, p);
      }
      case ExprKind::atom: {
        const Truth t = atom_truth(id, fr);
        // A closed `: bool` relation's unlisted tuple has no value (LANGUAGE.md 3.2): as a condition it
        // is false, but `checked("X") = false` needs its value and is false too, not true.
        if (t == Truth::false_ && bool_valued_closed(e.relation) && !listed_match(id, fr)) return Value::none();
        return Value::of_truth(t);
      }
      case ExprKind::not_:
      case ExprKind::and_:
      case ExprKind::or_:
      case ExprKind::compare: return Value::of_truth(eval_truth(id, fr));
      case ExprKind::atom_value: return atom_value(id, fr);
      case ExprKind::aggregate: return aggregate_value(id, fr);
      case ExprKind::negate: {
        Value out;
        negate(eval(e.children.at(0), fr), out);
        return out;
      }
      case ExprKind::arith: {
        Value a = eval(e.children.at(0), fr);
        Value b = eval(e.children.at(1), fr);
        Value out;
        switch (arith(e.arith, a, b, e.type.base, out)) {
          case ArithStatus::ok: break;
          case ArithStatus::division_by_zero: fail("E0903", "division by zero in `" + expr_text(p, id) + "`", e.pos);
          case ArithStatus::date_range:
            fail("E0904", "the date `" + expr_text(p, id) + "` falls outside the years 1 to 9999", e.pos);
          case ArithStatus::overflow:
            fail("E0904", "arithmetic overflow in `" + expr_text(p, id) + "` (numbers must stay within ±1.7e29, with at most 9 digits after the point)", e.pos);
        }
        return out;
      }
      case ExprKind::bind: {
        Value v = eval(e.children.at(0), fr);
        if (e.var < 0 || static_cast<std::size_t>(e.var) >= fr.size() || fr[static_cast<std::size_t>(e.var)] == kUnbound)
          return Value::of_truth(v.kind == Value::Kind::none ? Truth::false_ : Truth::unknown);
        const ValueType& type = p.exprs[static_cast<std::size_t>(e.children[0])].type;
        Id bound_id = fr[static_cast<std::size_t>(e.var)];
        if (bound_here(id, e.var, bound_id)) return Value::of_truth(assigned(e.children.at(0), fr));
        const Value* uv = in.uncertain(bound_id);
        Value bound = uv ? *uv : value_of_constant(in.get(bound_id), &type, p);
        return Value::of_truth(compare(CompareOp::eq, bound, v));
      }
    }
    return Value::none();
  }

  // `VAR = EXPR` that bound VAR itself to an uncertain value (EXPR unknown) is an assignment, not a
  // test: it holds, with VAR's value unknown, as `x = strength("B")` holds for strength("B") unknown.
  // Read again as a comparison it would compare the interval with itself and be unknown, and a tuple
  // of an aggregate that certainly takes part would count as one that may not (LANGUAGE 2.4, 3.3).
  // bind_owner[v] is the bind that gave v its uncertain value in the enumeration under way.
  std::vector<ExprId> bind_owner;
  bool bound_here(ExprId bind, int var, Id value) const {
    return var >= 0 && static_cast<std::size_t>(var) < bind_owner.size() &&
           bind_owner[static_cast<std::size_t>(var)] == bind && in.uncertain(value) != nullptr;
  }
  // The truth of an assignment: true, or unknown when EXPR may have no value.
  Truth assigned(ExprId expr, Frame& fr) {
    Value v = eval(expr, fr);
    if (v.kind == Value::Kind::none) return Truth::false_;
    return v.maybe_none ? Truth::unknown : Truth::true_;
  }

  // ------------------------------------------------------------ generators

  template <class F>
  void enumerate(const std::vector<ExprId>& gens, std::size_t i, Frame& fr, const GenRanges& ranges, F& yield) {
    tick();
    if (i == gens.size()) {
      yield();
      return;
    }
    ExprId gid = gens[i];
    const Expr& g = p.exprs[static_cast<std::size_t>(gid)];
    switch (g.kind) {
      case ExprKind::atom:
      case ExprKind::atom_value: {
        KeyBuf key;
        std::uint64_t mask = atom_key(gid, fr, key);
        bool pass_table = in_pass(g.relation);
        const Table& t = table_of(g.relation);
        std::size_t lo = 0, hi = t.rows();
        if (pass_table) {
          if (static_cast<int>(i) == ranges.delta_gen) {
            lo = ranges.delta_lo;
            hi = ranges.delta_hi;
          } else if (ranges.snapshot) {
            hi = std::min(hi, (*ranges.snapshot)[static_cast<std::size_t>(slot[static_cast<std::size_t>(g.relation)])]);
          }
        }
        const Relation& rel = p.relations[static_cast<std::size_t>(g.relation)];
        if (ranges.open_side && rel.kind == RelationKind::fact && rel.open && mask != t.full_mask()) *ranges.open_side = true;
        int bound_inline[8];
        std::vector<int> bound_heap(g.args.size() > 8 ? g.args.size() : 0);
        int* bound_here = g.args.size() > 8 ? bound_heap.data() : bound_inline;
        std::size_t nbound = 0;
        t.for_matches(mask, key.data(), lo, hi, [&](std::size_t r) {
          if (!pass_table && t.truth[r] == Truth::false_) return;
          const Id* cells = t.row(r);
          Truth fuzzy = uncertain_match(key, mask, cells);
          if (fuzzy == Truth::false_) return;
          nbound = 0;
          bool ok = true;
          for (std::size_t k = 0; k < g.args.size(); ++k) {
            const Term& term = g.args[k];
            // `_` with a slot of its own is bound like a variable, so each tuple is seen with its own truth
            if (term.kind == Term::Kind::constant || term.var < 0 || static_cast<std::size_t>(term.var) >= fr.size() ||
                key[k] != kUnbound)
              continue;
            Id& slot_value = fr[static_cast<std::size_t>(term.var)];
            if (slot_value == kUnbound) {
              slot_value = cells[k];
              bound_here[nbound++] = term.var;
            } else if (slot_value != cells[k]) {  // a variable repeated in the atom
              ok = false;
              break;
            }
          }
          if (ok) {
            std::uint32_t& cached = gen_row[static_cast<std::size_t>(gid)];
            std::uint32_t saved = cached;
            if (exact_atom[static_cast<std::size_t>(gid)] && fuzzy == Truth::true_) cached = static_cast<std::uint32_t>(r);
            enumerate(gens, i + 1, fr, ranges, yield);
            cached = saved;
          }
          for (std::size_t b = 0; b < nbound; ++b) fr[static_cast<std::size_t>(bound_here[b])] = kUnbound;
        });
        // Rows whose uncertain values the index could not match by value.
        for (std::size_t j = 0; j < t.uncertain_rows.size(); ++j) {
          std::size_t r = t.uncertain_rows[j];
          if (r < lo || r >= hi || !has_uncertain_cell(mask, t.row(r), t.arity())) continue;
          if (!pass_table && t.truth[r] == Truth::false_) continue;
          if (fuzzy_row_match(key, t.row(r)) == Truth::false_) continue;
          std::vector<int> bound;
          bool ok = true;
          for (std::size_t k = 0; k < g.args.size(); ++k) {
            const Term& term = g.args[k];
            if (term.kind == Term::Kind::constant || term.var < 0 || static_cast<std::size_t>(term.var) >= fr.size() ||
                key[k] != kUnbound)
              continue;
            Id cell = t.row(r)[k];
            Id& slot_value = fr[static_cast<std::size_t>(term.var)];
            if (slot_value == kUnbound) {
              slot_value = cell;
              bound.push_back(term.var);
            } else if (slot_value != cell) {
              ok = false;
              break;
            }
          }
          if (ok) enumerate(gens, i + 1, fr, ranges, yield);
          for (int v : bound) fr[static_cast<std::size_t>(v)] = kUnbound;
        }
        return;
      }
      case ExprKind::bind: {
        if (g.var < 0 || static_cast<std::size_t>(g.var) >= fr.size()) return;
        Id& slot_value = fr[static_cast<std::size_t>(g.var)];
        if (slot_value != kUnbound) {
          enumerate(gens, i + 1, fr, ranges, yield);
          return;
        }
        Value v = eval(g.children.at(0), fr);
        if (v.kind == Value::Kind::none) return;  // no value: nothing to bind
        // A value that is not known binds the variable to that uncertain value: comparisons
        // with it are unknown, and a tuple that holds it is at most unknown (possible only).
        Id id = v.is_known() ? in.intern(constant_of_value(v)) : in.intern_uncertain(v);
        fr[static_cast<std::size_t>(g.var)] = id;
        if (v.is_known()) {
          enumerate(gens, i + 1, fr, ranges, yield);
        } else {  // the bind is an assignment for what follows, not a test (see bound_here)
          if (bind_owner.size() <= static_cast<std::size_t>(g.var)) bind_owner.resize(static_cast<std::size_t>(g.var) + 1, kNoExpr);
          const ExprId outer = std::exchange(bind_owner[static_cast<std::size_t>(g.var)], gid);
          enumerate(gens, i + 1, fr, ranges, yield);
          bind_owner[static_cast<std::size_t>(g.var)] = outer;
        }
        fr[static_cast<std::size_t>(g.var)] = kUnbound;
        return;
      }
      default:
        if (eval_truth(gid, fr) != Truth::false_) enumerate(gens, i + 1, fr, ranges, yield);
        return;
    }
  }

  // ------------------------------------------------------------ aggregates

  // What `count` counts: a valued atom counts when its tuple exists, whatever its value.
  Truth count_truth(ExprId body, Frame& fr) {
    const Expr& b = p.exprs[static_cast<std::size_t>(body)];
    if (b.kind == ExprKind::atom || b.kind == ExprKind::atom_value) return atom_truth(body, fr);
    return eval_truth(body, fr);
  }

  // Aggregates that read no variable from outside (`sum(troops_committed(c) where contributor(c))`)
  // have one value per evaluation: they range over lower strata only, complete when the aggregate is
  // first read. While `memo_on` (an evaluation or an update running, see MemoScope) that value is
  // kept, so that a clause, the condition it names and the search for unknown inputs do not range
  // over the same tuples again and again.
  std::vector<char> closed_aggregate;  // per expr (init)
  std::vector<std::optional<Value>> aggregate_memo;  // per expr, while memo_on
  bool memo_on = false;

  // Marks the aggregates that read no variable bound outside them.
  void find_closed_aggregates() {
    if (closed_aggregate.size() == p.exprs.size() && aggregate_memo.size() == p.exprs.size()) return;  // adopted: same program
    closed_aggregate.assign(p.exprs.size(), 0);
    aggregate_memo.assign(p.exprs.size(), std::nullopt);
    std::vector<int> used, locals;
    auto vars_of = [&](auto& self, ExprId id) -> void {  // every slot the subtree reads or binds
      const Expr& x = p.exprs[static_cast<std::size_t>(id)];
      if (x.var >= 0) used.push_back(x.var);
      for (const Term& t : x.args)
        if (t.kind != Term::Kind::constant) used.push_back(t.var);
      for (ExprId c : x.children) self(self, c);
      for (ExprId g : x.generators) self(self, g);
    };
    auto locals_of = [&](auto& self, ExprId id, std::vector<int>& out) -> void {  // its own and nested aggregates' locals
      const Expr& x = p.exprs[static_cast<std::size_t>(id)];
      out.insert(out.end(), x.locals.begin(), x.locals.end());
      for (ExprId c : x.children) self(self, c, out);
      for (ExprId g : x.generators) self(self, g, out);
    };
    for (std::size_t e = 0; e < p.exprs.size(); ++e) {
      if (p.exprs[e].kind != ExprKind::aggregate) continue;
      used.clear();
      vars_of(vars_of, static_cast<ExprId>(e));
      locals.clear();
      locals_of(locals_of, static_cast<ExprId>(e), locals);
      closed_aggregate[e] = std::all_of(used.begin(), used.end(), [&](int v) {
        return v >= 0 && std::find(locals.begin(), locals.end(), v) != locals.end();
      });
    }
  }

  // Keeps closed aggregates' values while it lives (the tables they read do not change meanwhile).
  struct MemoScope {
    Impl& m;
    explicit MemoScope(Impl& model) : m(model) {
      std::fill(m.aggregate_memo.begin(), m.aggregate_memo.end(), std::nullopt);
      m.memo_on = true;
    }
    ~MemoScope() {
      m.memo_on = false;
      std::fill(m.aggregate_memo.begin(), m.aggregate_memo.end(), std::nullopt);
    }
    MemoScope(const MemoScope&) = delete;
    MemoScope& operator=(const MemoScope&) = delete;
  };

  Value aggregate_value(ExprId id, Frame& fr) {
    const auto i = static_cast<std::size_t>(id);
    if (!memo_on || i >= closed_aggregate.size() || !closed_aggregate[i]) return eval_aggregate(id, fr);
    if (!aggregate_memo[i]) aggregate_memo[i] = eval_aggregate(id, fr);
    return *aggregate_memo[i];
  }

  // Whether a tuple an open generator of aggregate `e` did not list may take part (its locals
  // unbound in `fr`): not when a conjunct of the filter is false whatever the tuple is. A conjunct
  // that reads none of the locals (`where false`, `where flag` with flag false), or that compares a
  // fact's value at the tuple, which lies in the fact's declared range or is absent, with what reads
  // none of them (`where stock(y) > 100`, stock in 0..10). Otherwise it may (LANGUAGE 3.3).
  bool unlisted_may_take_part(const Expr& e, Frame& fr) {
    if (e.children.size() < 2) return true;
    auto reads_locals = [&](ExprId id) {
      std::vector<int> vars;
      frame_vars(id, vars);
      for (int v : vars)
        if (std::find(e.locals.begin(), e.locals.end(), v) != e.locals.end()) return true;
      return false;
    };
    std::vector<ExprId> todo{e.children[1]};
    while (!todo.empty()) {
      const ExprId c = todo.back();
      todo.pop_back();
      const Expr& x = p.exprs[static_cast<std::size_t>(c)];
      if (x.kind == ExprKind::and_) {
        todo.insert(todo.end(), x.children.begin(), x.children.end());
        continue;
      }
      if (!reads_locals(c)) {
        // Read here even when no tuple was listed (and the filter never read): an arithmetic error in
        // it (`10 / n` with n = 0) leaves the unlisted tuples as they were, not stops the evaluation.
        try {
          if (eval_truth(c, fr) == Truth::false_) return false;
        } catch (const EvalAbort& stop) {
          if (stop.error.code != "E0903" && stop.error.code != "E0904") throw;  // limits stop everything
        }
        continue;
      }
      if (x.kind != ExprKind::compare || x.children.size() != 2) continue;
      for (int side = 0; side < 2; ++side) {
        const Expr& a = p.exprs[static_cast<std::size_t>(x.children[static_cast<std::size_t>(side)])];
        const ExprId other = x.children[static_cast<std::size_t>(1 - side)];
        if (a.kind != ExprKind::atom_value || a.relation < 0 || !valued(a.relation) ||
            p.relations[static_cast<std::size_t>(a.relation)].kind != RelationKind::fact || reads_locals(other))
          continue;
        const Value& any = unknown_value[static_cast<std::size_t>(a.relation)];
        Value o;
        try {
          o = eval(other, fr);
        } catch (const EvalAbort& stop) {
          if (stop.error.code != "E0903" && stop.error.code != "E0904") throw;
          continue;
        }
        if (any.kind != Value::Kind::numeric || o.kind != Value::Kind::numeric) continue;
        const Truth t = side == 0 ? compare(x.cmp, any, o) : compare(x.cmp, o, any);
        if (t == Truth::false_) return false;
      }
    }
    return true;
  }

  Value eval_aggregate(ExprId id, Frame& fr) {
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    KeyBuf saved;  // the locals' bindings outside (an aggregate runs once per outer binding: no allocation)
    saved.assign(e.locals.size(), kUnbound);
    for (std::size_t k = 0; k < e.locals.size(); ++k) {
      saved[k] = fr[static_cast<std::size_t>(e.locals[k])];
      fr[static_cast<std::size_t>(e.locals[k])] = kUnbound;
    }
    bool open_side = false;
    GenRanges ranges;
    ranges.open_side = &open_side;
    std::uint64_t count_lo = 0, count_hi = 0;
    Value sum = Value::point(e.type.base == BaseType::boolean ? BaseType::number : e.type.base, Decimal{});
    bool have_def = false, have_maybe = false;
    Bound def_lo, def_hi, all_lo, all_hi;  // min/max accumulators
    bool any = false;
    ExprId body = e.children.empty() ? kNoExpr : e.children[0];
    ExprId filter = e.children.size() > 1 ? e.children[1] : kNoExpr;
    auto yield = [&]() {
      Truth part = Truth::true_;
      for (ExprId g : e.generators)
        if (p.exprs[static_cast<std::size_t>(g)].kind == ExprKind::atom) part = truth_and(part, atom_truth(g, fr));
      if (filter != kNoExpr) part = truth_and(part, eval_truth(filter, fr));
      if (e.agg == AggregateOp::count && body != kNoExpr) part = truth_and(part, count_truth(body, fr));
      if (part == Truth::false_) return;
      if (e.agg == AggregateOp::count) {
        if (part == Truth::true_) ++count_lo;
        ++count_hi;
        return;
      }
      Value v = eval(body, fr);
      if (v.kind != Value::Kind::numeric) return;  // no value: does not take part
      if (v.maybe_none) part = truth_and(part, Truth::unknown);
      if (e.agg == AggregateOp::sum) {
        if (part == Truth::true_ && v.is_known() && sum.is_known()) {  // the common case, without intervals
          auto total = Decimal::add(sum.lo.v, v.lo.v);
          if (!total) fail("E0904", "arithmetic overflow in `" + expr_text(p, id) + "`", e.pos);
          sum.lo.v = sum.hi.v = *total;
          return;
        }
        Value add = v;
        if (part == Truth::unknown) {  // may or may not take part: add 0 or v
          Bound zero = Bound::finite(Decimal{});
          if (zero < add.lo) add.lo = zero;
          if (add.hi < zero) add.hi = zero;
        }
        add.maybe_none = false;
        Value out;
        if (arith(ArithOp::add, sum, add, sum.base, out) != ArithStatus::ok)
          fail("E0904", "arithmetic overflow in `" + expr_text(p, id) + "`", e.pos);
        sum = out;
        return;
      }
      bool is_min = e.agg == AggregateOp::min;
      if (!any) {
        all_lo = v.lo;
        all_hi = v.hi;
        any = true;
      } else {
        if (v.lo < all_lo) all_lo = v.lo;
        if (all_hi < v.hi) all_hi = v.hi;
      }
      if (part == Truth::true_) {
        if (!have_def) {
          def_lo = v.lo;
          def_hi = v.hi;
          have_def = true;
        } else if (is_min) {
          if (v.lo < def_lo) def_lo = v.lo;
          if (v.hi < def_hi) def_hi = v.hi;
        } else {
          if (def_lo < v.lo) def_lo = v.lo;
          if (def_hi < v.hi) def_hi = v.hi;
        }
      } else {
        have_maybe = true;
      }
    };
    enumerate(e.generators, 0, fr, ranges, yield);
    if (open_side && !unlisted_may_take_part(e, fr)) open_side = false;
    for (std::size_t k = 0; k < e.locals.size(); ++k) fr[static_cast<std::size_t>(e.locals[k])] = saved[k];

    // The unlisted tuples of an open relation that a generator ranged over.
    Value open_range = Value::range(BaseType::number, Bound::minus_infinity(), Bound::plus_infinity());
    if (open_side && body != kNoExpr && p.exprs[static_cast<std::size_t>(body)].kind == ExprKind::atom_value) {
      const Relation& rel = p.relations[static_cast<std::size_t>(p.exprs[static_cast<std::size_t>(body)].relation)];
      if (rel.open && valued(p.exprs[static_cast<std::size_t>(body)].relation))
        open_range = unknown_value[static_cast<std::size_t>(p.exprs[static_cast<std::size_t>(body)].relation)];
    }
    switch (e.agg) {
      case AggregateOp::count: {
        Value v = Value::range(BaseType::number, Bound::finite(Decimal::from_int(static_cast<std::int64_t>(count_lo))),
                               Bound::finite(Decimal::from_int(static_cast<std::int64_t>(count_hi))));
        if (open_side) v.hi = Bound::plus_infinity();
        return v;
      }
      case AggregateOp::sum: {
        if (open_side) {
          Bound zero = Bound::finite(Decimal{});
          if (open_range.kind != Value::Kind::numeric || open_range.lo < zero) sum.lo = Bound::minus_infinity();
          if (open_range.kind != Value::Kind::numeric || zero < open_range.hi) sum.hi = Bound::plus_infinity();
        }
        return sum;
      }
      case AggregateOp::min:
      case AggregateOp::max: {
        bool is_min = e.agg == AggregateOp::min;
        BaseType base = e.type.base;
        int enumeration = e.type.enumeration;
        Value v;
        if (have_def) {
          v = is_min ? Value::range(base, all_lo, def_hi, enumeration) : Value::range(base, def_lo, all_hi, enumeration);
        } else if (have_maybe) {
          v = Value::range(base, all_lo, all_hi, enumeration);
          v.maybe_none = true;
        } else if (!open_side) {
          return Value::none();
        } else {
          v = Value::range(base, open_range.lo, open_range.hi, enumeration);
          v.maybe_none = true;
          return v;
        }
        if (open_side) {
          if (open_range.kind != Value::Kind::numeric) {
            v.lo = Bound::minus_infinity();
            v.hi = Bound::plus_infinity();
          } else if (is_min) {
            if (open_range.lo < v.lo) v.lo = open_range.lo;
            if (!have_def && v.hi < open_range.hi) v.hi = open_range.hi;
          } else {
            if (v.hi < open_range.hi) v.hi = open_range.hi;
            if (!have_def && open_range.lo < v.lo) v.lo = open_range.lo;
          }
        }
        return v;
      }
    }
    return Value::none();
  }

  // ------------------------------------------------------------ conditions

  // run_rule's frame, head and batch, kept from one run to the next (a decision runs rules dozens of
  // times; nothing a rule runs runs another rule).
  Frame rule_frame;
  std::vector<Id> rule_head, rule_pending;

  // `batched`: the rule's new tuples are looked up and appended in batches, not one by one: the
  // lookups of a batch are prefetched together (in a large table each is a cache miss), so their
  // misses overlap. Only for a rule whose body names this stratum's relations in its generators
  // alone (a semi-naive plan), where the delay cannot be seen: its generators read this stratum's
  // tables up to the round's snapshot only; the one other read, atom_truth of a generator atom it
  // does not find by its row (a `_`, an uncertain key), takes the `or` of the rows that match, and
  // the generator's own row already matches, so rows appended later cannot change that truth.
  // The limit of derived tuples still stops at the same candidate: a batch is flushed as soon as
  // its candidates could cross it.
  void run_rule(int ri, const GenRanges& ranges, bool batched) {
    const Rule& r = p.rules[static_cast<std::size_t>(ri)];
    Frame& fr = rule_frame;
    fr.assign(std::max(r.var_names.size(), max_frame), kUnbound);
    Table& out = pass[static_cast<std::size_t>(slot[static_cast<std::size_t>(r.relation)])];
    std::vector<Id>& head = rule_head;
    head.assign(r.head_vars.size(), kUnbound);
    auto add = [&](const Id* key, std::optional<std::uint32_t> hash) {
      if (out.find(key, hash)) return;
      std::size_t row = out.append(key, Truth::true_);
      if (std::any_of(key, key + head.size(), [&](Id v) { return in.uncertain(v) != nullptr; }))
        out.uncertain_rows.push_back(static_cast<std::uint32_t>(row));
      count_derived();
    };
    constexpr std::size_t kBatch = 32;
    batched = batched && !head.empty();
    std::vector<Id>& pending = rule_pending;
    pending.resize(batched ? kBatch * head.size() : 0);
    std::size_t npending = 0;
    auto flush = [&]() {
      std::uint32_t hashes[kBatch];
      for (std::size_t k = 0; k < npending; ++k) hashes[k] = out.prepare_find(&pending[k * head.size()]);
      for (std::size_t k = 0; k < npending; ++k) add(&pending[k * head.size()], hashes[k]);
      npending = 0;
    };
    auto yield = [&]() {
      Truth t = eval_truth(r.body.expr, fr);
      if (t == Truth::unknown && certain_pass) saw_unknown = true;
      if (certain_pass ? t != Truth::true_ : t == Truth::false_) return;
      for (std::size_t k = 0; k < head.size(); ++k) {
        int v = r.head_vars[k];
        head[k] = v >= 0 && static_cast<std::size_t>(v) < fr.size() ? fr[static_cast<std::size_t>(v)] : kUnbound;
        if (head[k] == kUnbound) return;
        if (certain_pass && in.uncertain(head[k])) {  // an uncertain value names no certain tuple
          saw_unknown = true;
          return;
        }
      }
      if (!batched) {
        add(head.data(), std::nullopt);
        return;
      }
      std::copy(head.begin(), head.end(), pending.begin() + static_cast<std::ptrdiff_t>(npending * head.size()));
      if (++npending == kBatch || derived + npending > derived_limit) flush();
    };
    enumerate(r.body.generators, 0, fr, ranges, yield);
    flush();
  }

  // Counts the atoms of same-stratum relations anywhere in an expression.
  int same_stratum_atoms(ExprId id) const {
    if (id == kNoExpr) return 0;
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    int n = (e.kind == ExprKind::atom || e.kind == ExprKind::atom_value) && in_pass(e.relation) ? 1 : 0;
    for (ExprId c : e.children) n += same_stratum_atoms(c);
    return n;
  }

  struct FixPlan {
    int rule = -1;
    std::vector<int> recursive_gens;  // generator positions over this stratum's relations
    bool semi_naive = true;
  };
  std::vector<FixPlan> fix_plans;  // fixpoint's (kept: their vectors are reused)

  void fixpoint(const std::vector<int>& rels, const std::vector<int>& rules, bool certain) {
    certain_pass = certain;
    for (Table& t : pass) give_table(std::move(t));
    pass.clear();
    pass.reserve(rels.size());
    for (int r : rels) pass.push_back(take_table(static_cast<int>(p.relations[static_cast<std::size_t>(r)].param_names.size())));
    std::vector<FixPlan>& plans = fix_plans;
    if (plans.size() < rules.size()) plans.resize(rules.size());
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const int ri = rules[i];
      const Rule& rule = p.rules[static_cast<std::size_t>(ri)];
      FixPlan& plan = plans[i];
      plan.rule = ri;
      plan.recursive_gens.clear();
      plan.semi_naive = true;
      for (std::size_t g = 0; g < rule.body.generators.size(); ++g) {
        const Expr& ge = p.exprs[static_cast<std::size_t>(rule.body.generators[g])];
        if ((ge.kind == ExprKind::atom || ge.kind == ExprKind::atom_value) && in_pass(ge.relation))
          plan.recursive_gens.push_back(static_cast<int>(g));
      }
      int occurrences = same_stratum_atoms(rule.body.expr);
      // Generators are nodes of the body; when this stratum's relations also occur elsewhere
      // (under `or`, say), the rule is re-run whole each round instead.
      plan.semi_naive = occurrences == static_cast<int>(plan.recursive_gens.size());
      if (occurrences > 0 && plan.recursive_gens.empty()) plan.semi_naive = false;
    }
    const std::span<const FixPlan> used(plans.data(), rules.size());
    std::vector<std::size_t>& snapshot = scratch.snapshot;
    std::vector<std::size_t>& previous = scratch.previous;
    snapshot.assign(rels.size(), 0);
    GenRanges all;
    all.snapshot = &snapshot;
    for (const FixPlan& plan : used) run_rule(plan.rule, all, plan.semi_naive);
    for (;;) {
      previous = snapshot;
      for (std::size_t k = 0; k < rels.size(); ++k) snapshot[k] = pass[k].rows();
      if (snapshot == previous) break;
      for (const FixPlan& plan : used) {
        bool refers = !plan.recursive_gens.empty() || !plan.semi_naive;
        if (!refers) continue;
        if (!plan.semi_naive) {
          run_rule(plan.rule, all, false);
          continue;
        }
        const Rule& rule = p.rules[static_cast<std::size_t>(plan.rule)];
        for (int g : plan.recursive_gens) {
          int rel = p.exprs[static_cast<std::size_t>(rule.body.generators[static_cast<std::size_t>(g)])].relation;
          std::size_t s = static_cast<std::size_t>(slot[static_cast<std::size_t>(rel)]);
          if (previous[s] == snapshot[s]) continue;
          GenRanges delta;
          delta.delta_gen = g;
          delta.delta_lo = previous[s];
          delta.delta_hi = snapshot[s];
          delta.snapshot = &snapshot;
          run_rule(plan.rule, delta, true);
        }
      }
    }
  }

  // The strata in evaluation order; a condition that no stratum names (a program not made by the
  // checker) runs last.
  std::vector<std::vector<int>> strata_list() const {
    std::vector<std::vector<int>> strata = p.strata;
    if (auto rest = unstratified(); !rest.empty()) strata.push_back(std::move(rest));
    return strata;
  }

  // The conditions no stratum names (none in a program made by the checker).
  std::vector<int> unstratified() const {
    std::vector<char> covered(p.relations.size(), 0);
    for (const auto& s : p.strata)
      for (int r : s) covered[static_cast<std::size_t>(r)] = 1;
    std::vector<int> rest;
    for (std::size_t r = 0; r < p.relations.size(); ++r)
      if (p.relations[r].kind == RelationKind::condition && !covered[r]) rest.push_back(static_cast<int>(r));
    return rest;
  }

  void run_strata() {
    // The program's strata as they are when they cover every condition (no copy: a decision's
    // evaluation would copy them each time).
    std::vector<std::vector<int>> own;
    bool owned = false;
    if (auto rest = unstratified(); !rest.empty()) {
      own = p.strata;
      own.push_back(std::move(rest));
      owned = true;
    }
    if (opt.phases && !opt.phases->empty()) {  // some phases asked for: only the strata they read
      // Worked out once per selection (an Evaluator deciding the same phase again keeps it).
      if (!asked_strata || asked_strata->first != *opt.phases) {
        if (!owned) own = p.strata;
        const std::vector<char> needed = relations_read_by_phases();
        std::erase_if(own, [&](const std::vector<int>& stratum) {
          return std::none_of(stratum.begin(), stratum.end(), [&](int r) { return needed[static_cast<std::size_t>(r)]; });
        });
        asked_strata.emplace(*opt.phases, std::move(own));
      }
      return run_strata_list(asked_strata->second);
    }
    run_strata_list(owned ? own : p.strata);
  }

  // The strata asked for last (EvalOptions::phases) and those they come to (see run_strata).
  std::optional<std::pair<std::vector<int>, std::vector<std::vector<int>>>> asked_strata;

  void run_strata_list(const std::vector<std::vector<int>>& strata) {
    const unsigned threads = strata_threads(strata);  // before any table is given back
    // What the strata read: for threads and for giving tables back; a small evaluation (a single
    // decision) needs neither and does not pay for it.
    const StrataReads plan = threads > 1 || release_tables ? strata_reads(strata) : StrataReads{};
    Releaser release(*this, strata, plan);
    if (threads > 1 && plan.apart) {
      run_strata_parallel(strata, plan, threads, release);
      return;
    }
    for (std::size_t i = 0; i < strata.size(); ++i) {
      run_stratum(strata[i]);
      release.done(i);
    }
  }

  // The relations the phases evaluated (those asked for and those they wait on) read, directly or
  // through the rules of the conditions they name: a decision on one phase derives nothing else.
  std::vector<char> relations_read_by_phases() const {
    std::vector<char> needed(p.relations.size(), 0);
    std::vector<int> todo;
    auto mark = [&](ExprId, const Expr& e) {
      if ((e.kind == ExprKind::atom || e.kind == ExprKind::atom_value) && e.relation >= 0 &&
          static_cast<std::size_t>(e.relation) < needed.size() && !needed[static_cast<std::size_t>(e.relation)]) {
        needed[static_cast<std::size_t>(e.relation)] = 1;
        todo.push_back(e.relation);
      }
      return true;
    };
    std::vector<int> order;
    for (int pid : phase_order_list(order)) {
      const Phase& ph = p.phases[static_cast<std::size_t>(pid)];
      if (ph.for_each) {
        walk_exprs(ph.for_each->expr, mark);
        for (ExprId g : ph.for_each->generators) walk_exprs(g, mark);
      }
      walk_exprs(ph.for_each_atom, mark);
      for (const Clause& c : ph.clauses) walk_exprs(c.expr, mark);
      for (const Waiver& w : ph.waivers) walk_exprs(w.expr, mark);
    }
    while (!todo.empty()) {
      const int r = todo.back();
      todo.pop_back();
      for (int ri : p.relations[static_cast<std::size_t>(r)].rules) {
        const Body& body = p.rules[static_cast<std::size_t>(ri)].body;
        walk_exprs(body.expr, mark);
        for (ExprId g : body.generators) walk_exprs(g, mark);
      }
    }
    return needed;
  }

  // How many threads evaluate the strata: one for a few facts, a single stratum, or when asked.
  unsigned strata_threads(const std::vector<std::vector<int>>& strata) const {
    if (opt.threads == 1 || strata.size() < 2) return 1;
    std::size_t facts = 0;
    for (std::size_t r = 0; r < p.relations.size(); ++r)
      if (p.relations[r].kind == RelationKind::fact) facts += tables[r].rows();
    if (facts < opt.parallel_min_facts) return 1;
    unsigned threads = opt.threads ? opt.threads : std::min(std::thread::hardware_concurrency(), 8u);
    return static_cast<unsigned>(std::min<std::size_t>(threads, strata.size()));
  }

  // Calls f(id, expr) for an expression and those under it (children, and aggregates' generators),
  // going below a node only when f returns true.
  template <class F>
  void walk_exprs(ExprId id, F&& f) const {
    if (id == kNoExpr) return;
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    if (!f(id, e)) return;
    for (ExprId c : e.children) walk_exprs(c, f);
    for (ExprId g : e.generators) walk_exprs(g, f);
  }

  // What each stratum (in strata_list() order) reads: the relations of the facts and of earlier
  // strata named in its rules, and the earlier strata it waits on. `apart`: strata can run on
  // threads of their own; not when an expression is in the rules of two strata (they would share
  // its gen_row) or a rule reads a later stratum (a program not made by the checker).
  struct StrataReads {
    std::vector<std::vector<int>> relations, waits;
    bool apart = true;
  };
  StrataReads strata_reads(const std::vector<std::vector<int>>& strata) const {
    StrataReads out;
    std::vector<int> stratum_of(p.relations.size(), -1);
    for (std::size_t i = 0; i < strata.size(); ++i)
      for (int r : strata[i]) {
        int& of = stratum_of[static_cast<std::size_t>(r)];
        if (of >= 0 || p.relations[static_cast<std::size_t>(r)].kind != RelationKind::condition) out.apart = false;
        of = static_cast<int>(i);
      }
    std::vector<int> owner(p.exprs.size(), -1);
    out.relations.resize(strata.size());
    out.waits.resize(strata.size());
    for (std::size_t i = 0; i < strata.size(); ++i) {
      const int me = static_cast<int>(i);
      std::vector<char> reads(p.relations.size(), 0), waits(strata.size(), 0);
      auto visit = [&](ExprId id, const Expr& e) {
        int& o = owner[static_cast<std::size_t>(id)];
        if (o == me) return false;
        if (o >= 0) out.apart = false;
        o = me;
        if ((e.kind == ExprKind::atom || e.kind == ExprKind::atom_value) && e.relation >= 0) {
          const int j = stratum_of[static_cast<std::size_t>(e.relation)];
          if (j > me) out.apart = false;
          if (j != me) reads[static_cast<std::size_t>(e.relation)] = 1;
          if (j >= 0 && j < me) waits[static_cast<std::size_t>(j)] = 1;
        }
        return true;
      };
      for (int r : strata[i])
        for (int ri : p.relations[static_cast<std::size_t>(r)].rules) {
          const Body& body = p.rules[static_cast<std::size_t>(ri)].body;
          walk_exprs(body.expr, visit);
          for (ExprId g : body.generators) walk_exprs(g, visit);
        }
      for (std::size_t r = 0; r < reads.size(); ++r)
        if (reads[r]) out.relations[i].push_back(static_cast<int>(r));
      for (std::size_t j = 0; j < i; ++j)
        if (waits[j]) out.waits[i].push_back(static_cast<int>(j));
    }
    return out;
  }

  // With release_tables (an evaluation whose model is not kept, only counted), a table that no phase
  // reads is given back as soon as the strata that read it, and its own, are done: a summary of a
  // large workload does not hold every intermediate condition and fact index to the end.
  class Releaser {
   public:
    Releaser(Impl& m, const std::vector<std::vector<int>>& strata, const StrataReads& plan)
        : m_(m), strata_(strata), plan_(plan) {
      if (!m.release_tables) return;
      const Program& p = m.p;
      pending_.assign(p.relations.size(), 0);
      kept_.assign(p.relations.size(), 0);
      auto keep = [&](ExprId, const Expr& e) {
        if ((e.kind == ExprKind::atom || e.kind == ExprKind::atom_value) && e.relation >= 0)
          kept_[static_cast<std::size_t>(e.relation)] = 1;
        return true;
      };
      for (const Phase& ph : p.phases) {
        if (ph.for_each) {
          m.walk_exprs(ph.for_each->expr, keep);
          for (ExprId g : ph.for_each->generators) m.walk_exprs(g, keep);
        }
        m.walk_exprs(ph.for_each_atom, keep);
        for (const Clause& c : ph.clauses) m.walk_exprs(c.expr, keep);
        for (const Waiver& w : ph.waivers) m.walk_exprs(w.expr, keep);
      }
      std::vector<char> in_strata(p.relations.size(), 0);
      for (const auto& rels : strata)
        for (int r : rels) {
          ++pending_[static_cast<std::size_t>(r)];  // its own stratum
          in_strata[static_cast<std::size_t>(r)] = 1;
        }
      for (const auto& reads : plan.relations)
        for (int r : reads) ++pending_[static_cast<std::size_t>(r)];
      for (std::size_t r = 0; r < p.relations.size(); ++r)
        if (pending_[r] == 0 && !in_strata[r]) give_back(static_cast<int>(r));  // facts nothing reads
    }
    // Stratum i is done (called by one thread at a time).
    void done(std::size_t i) {
      if (!m_.release_tables) return;
      for (int r : strata_[i]) drop(r);
      for (int r : plan_.relations[i]) drop(r);
    }

   private:
    void drop(int r) {
      if (--pending_[static_cast<std::size_t>(r)] == 0) give_back(r);
    }
    void give_back(int r) {
      if (kept_[static_cast<std::size_t>(r)]) return;
      m_.tables[static_cast<std::size_t>(r)] = Table(m_.tables[static_cast<std::size_t>(r)].arity());
    }
    Impl& m_;
    const std::vector<std::vector<int>>& strata_;
    const StrataReads& plan_;
    std::vector<std::size_t> pending_;  // per relation: strata still to read it (and its own, not done)
    std::vector<char> kept_;            // per relation: a phase reads it
  };

  // The strata on `threads` threads, each worker (an Impl sharing this one's interner and tables)
  // taking the earliest stratum whose strata it waits on are done. A worker that stops (a limit, an
  // error) stops the others; the evaluation is then run again on one thread (parallel_stopped).
  void run_strata_parallel(const std::vector<std::vector<int>>& strata, const StrataReads& plan, unsigned threads,
                           Releaser& release) {
    const std::vector<std::vector<int>>& waits = plan.waits;
    const std::size_t n = strata.size();
    std::vector<std::vector<int>> dependents(n);
    std::vector<std::size_t> pending(n);
    std::vector<char> ready(n, 0);  // nothing allocates once the workers run: they cannot fail outside a stratum
    std::size_t nready = 0;
    for (std::size_t i = 0; i < n; ++i) {
      pending[i] = waits[i].size();
      for (int j : waits[i]) dependents[static_cast<std::size_t>(j)].push_back(static_cast<int>(i));
      if (pending[i] == 0) ready[i] = 1, ++nready;
    }
    StrataShare share;
    std::vector<std::unique_ptr<Impl>> workers;
    for (unsigned t = 0; t < threads; ++t) workers.push_back(std::make_unique<Impl>(*this, share));
    std::mutex m;
    std::condition_variable changed;
    std::size_t done = 0;
    bool stopped = false;
    std::exception_ptr failure;
    auto work = [&](Impl& w) {
      std::unique_lock<std::mutex> lock(m);
      for (;;) {
        changed.wait(lock, [&] { return stopped || done == n || nready > 0; });
        if (stopped || done == n) return;
        const auto s = static_cast<std::size_t>(std::find(ready.begin(), ready.end(), 1) - ready.begin());
        ready[s] = 0;
        --nready;
        lock.unlock();
        try {
          w.run_stratum(strata[s]);
        } catch (...) {
          lock.lock();
          if (!failure) failure = std::current_exception();
          stopped = true;
          share.stop = true;
          changed.notify_all();
          return;
        }
        lock.lock();
        ++done;
        release.done(s);
        for (int d : dependents[s])
          if (--pending[static_cast<std::size_t>(d)] == 0) ready[static_cast<std::size_t>(d)] = 1, ++nready;
        changed.notify_all();
      }
    };
    in.concurrent(true);
    {
      std::vector<std::jthread> pool;
      for (unsigned t = 1; t < threads; ++t) {
        try {
          pool.emplace_back([&, t] { work(*workers[t]); });
        } catch (const std::system_error&) {  // no thread to be had: the others do its share
          break;
        }
      }
      work(*workers[0]);
    }  // joined
    in.concurrent(false);
    for (const auto& w : workers) derived += w->derived;
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const EvalAbort&) {
      } catch (const std::bad_alloc&) {
      }
      parallel_stopped = true;  // other exceptions (not the evaluation's) went on above
      fail("E0901", "evaluation stopped on one of its threads");
    }
    if (derived > opt.max_tuples) {  // each worker checks now and then: the exact stop is on one thread
      parallel_stopped = true;
      fail_tuple_limit();
    }
  }

  // One stratum's relations from scratch: the certain fixpoint, and the possible one when some
  // body was unknown; tuples derived only in the second are unknown.
  void run_stratum(const std::vector<int>& rels) {
    std::vector<int>& rules = scratch.rules;
    rules.clear();
    for (std::size_t k = 0; k < rels.size(); ++k) {
      slot[static_cast<std::size_t>(rels[k])] = static_cast<int>(k);
      for (int ri : p.relations[static_cast<std::size_t>(rels[k])].rules) rules.push_back(ri);
    }
    saw_unknown = false;
    fixpoint(rels, rules, true);
    std::vector<Table>& certain = certain_tables;
    certain.swap(pass);  // certain takes the certain pass's tables; pass is left empty
    bool need_possible = saw_unknown;
    if (need_possible) fixpoint(rels, rules, false);
    for (std::size_t k = 0; k < rels.size(); ++k) slot[static_cast<std::size_t>(rels[k])] = -1;
    for (std::size_t k = 0; k < rels.size(); ++k) {
      Table& target = tables[static_cast<std::size_t>(rels[k])];
      if (!need_possible) {
        std::swap(target, certain[k]);  // the empty table goes back to the pool below
        continue;
      }
      Table merged = take_table(pass[k].arity());
      merged.reserve(pass[k].rows());
      for (std::size_t r = 0; r < pass[k].rows(); ++r) {
        const Id* row = pass[k].row(r);
        merged.append(row, certain[k].find(row) ? Truth::true_ : Truth::unknown);
      }
      merged.uncertain_rows = pass[k].uncertain_rows;
      std::swap(target, merged);
      give_table(std::move(merged));
    }
    for (Table& t : certain) give_table(std::move(t));
    certain.clear();
    for (Table& t : pass) give_table(std::move(t));
    pass.clear();
  }

  // ------------------------------------------------------------ phases

  Truth verdict_truth(Verdict v) const {
    return v == Verdict::go ? Truth::true_ : (v == Verdict::no_go ? Truth::false_ : Truth::unknown);
  }

  void run_phases() {
    phase_range.assign(p.phases.size(), {0, 0});
    phase_verdicts.assign(p.phases.size(), {});
    phase_absent.assign(p.phases.size(), {});
    evaluation.counts.assign(p.phases.size(), PhaseCount{});
    for (std::size_t i = 0; i < p.phases.size(); ++i) evaluation.counts[i].phase = static_cast<int>(i);
    for (Table& t : phase_index) give_table(std::move(t));
    phase_index.clear();
    phase_index.resize(p.phases.size());
    named_in_after.assign(p.phases.size(), 0);
    for (const Phase& ph : p.phases)
      for (int a : ph.after) named_in_after[static_cast<std::size_t>(a)] = 1;
    const std::vector<int>& order = phase_order_list(scratch.order);
    // Every phase's bindings first: their number sizes the results once (no reallocation moving them).
    std::vector<PhaseBindings>& bindings = phase_bindings_scratch;
    bindings.resize(p.phases.size());
    std::size_t total = 0;
    for (int pid : order) {
      bindings[static_cast<std::size_t>(pid)] = phase_bindings(pid);
      total += bindings[static_cast<std::size_t>(pid)].rows().rows();
    }
    if (opt.results) evaluation.phases.reserve(total);
    for (int pid : order) {
      const std::size_t lo = evaluation.phases.size();
      run_phase(pid, bindings[static_cast<std::size_t>(pid)], evaluation.phases);
      PhaseBindings& done = bindings[static_cast<std::size_t>(pid)];  // done with: give it back now
      give_table(std::move(done.own));
      done = PhaseBindings{};
      phase_range[static_cast<std::size_t>(pid)] = {lo, evaluation.phases.size()};
    }
    if (!std::is_sorted(order.begin(), order.end())) {  // into declaration order
      std::vector<PhaseResult> ordered;
      ordered.reserve(evaluation.phases.size());
      for (std::size_t pid = 0; pid < p.phases.size(); ++pid) {
        auto [lo, hi] = phase_range[pid];
        phase_range[pid] = {ordered.size(), ordered.size() + (hi - lo)};
        for (std::size_t i = lo; i < hi; ++i) ordered.push_back(std::move(evaluation.phases[i]));
      }
      evaluation.phases = std::move(ordered);
    }
    evaluation.derived_tuples = derived;
  }

  // Phases in evaluation order: each after the phases it waits on (declaration order for a program
  // not made by the checker).
  const std::vector<int>& phase_order_list(std::vector<int>& order) const {
    order = p.phase_order;
    if (order.size() != p.phases.size()) {
      order.clear();
      for (std::size_t i = 0; i < p.phases.size(); ++i) order.push_back(static_cast<int>(i));
    }
    if (opt.phases) {  // the phases asked for and, through `after`, those they wait on
      std::vector<char> wanted(p.phases.size(), 0);
      std::vector<int> todo = *opt.phases;
      while (!todo.empty()) {
        const int pid = todo.back();
        todo.pop_back();
        if (pid < 0 || static_cast<std::size_t>(pid) >= p.phases.size() || wanted[static_cast<std::size_t>(pid)]) continue;
        wanted[static_cast<std::size_t>(pid)] = 1;
        for (int a : p.phases[static_cast<std::size_t>(pid)].after) todo.push_back(a);
      }
      std::erase_if(order, [&](int pid) { return !wanted[static_cast<std::size_t>(pid)]; });
    }
    return order;
  }

  // The phase's bindings (rows of parameter ids, truth: the `for each` value), in output order:
  // by the constants' order, column by column. Each distinct constant gets its rank once; then a
  // stable counting sort per column, last column first (a radix sort: linear in the bindings).
  const std::vector<std::uint32_t>& sorted_rows(const Table& bindings) {
    const std::size_t arity = static_cast<std::size_t>(bindings.arity()), n = bindings.rows();
    std::vector<std::uint32_t>& order = scratch.rows;
    order.resize(n);
    for (std::size_t r = 0; r < n; ++r) order[r] = static_cast<std::uint32_t>(r);
    if (arity == 0 || n < 2) return order;
    std::vector<Id>& ids = scratch.ids;
    ids.clear();
    for (std::size_t r = 0; r < n; ++r) ids.insert(ids.end(), bindings.row(r), bindings.row(r) + arity);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::sort(ids.begin(), ids.end(), [&](Id x, Id y) { return constant_less(in.get(x), in.get(y)); });
    std::vector<std::uint32_t>& rank = scratch.rank;
    rank.assign(in.size(), 0);
    for (std::size_t i = 0; i < ids.size(); ++i)  // equal constants (uncertain values) share a rank
      rank[ids[i]] = i > 0 && !constant_less(in.get(ids[i - 1]), in.get(ids[i])) ? rank[ids[i - 1]]
                                                                                   : static_cast<std::uint32_t>(i);
    std::vector<std::uint32_t>& next = scratch.next;
    std::vector<std::uint32_t>& count = scratch.count;
    next.resize(n);
    count.resize(ids.size() + 1);
    for (std::size_t k = arity; k-- > 0;) {
      std::fill(count.begin(), count.end(), 0);
      for (std::uint32_t r : order) ++count[rank[bindings.row(r)[k]] + 1];
      for (std::size_t i = 1; i < count.size(); ++i) count[i] += count[i - 1];
      for (std::uint32_t r : order) next[count[rank[bindings.row(r)[k]]]++] = r;
      order.swap(next);
    }
    return order;
  }

  // Whether every binding of a `for each` is a distinct tuple of one atom that names exactly
  // the parameters, each once: then enumerating gives no binding twice.
  bool distinct_bindings(const Phase& ph) const {
    const Body& body = *ph.for_each;
    if (body.generators.size() != 1) return false;
    const Expr& atom = p.exprs[static_cast<std::size_t>(body.generators[0])];
    if (atom.kind != ExprKind::atom && atom.kind != ExprKind::atom_value) return false;
    if (atom.args.size() != ph.params.size()) return false;
    std::vector<char> seen(ph.params.size(), 0);
    for (const Term& t : atom.args) {
      if (t.kind != Term::Kind::variable || t.var < 0 || static_cast<std::size_t>(t.var) >= seen.size() ||
          seen[static_cast<std::size_t>(t.var)])
        return false;
      seen[static_cast<std::size_t>(t.var)] = 1;
    }
    return true;
  }

  // A phase's bindings: rows of its parameters' ids, each with its `for each` value. A table of their
  // own, or the table of the relation the `for each` ranges over, not copied, when every tuple of it
  // is one binding (see direct_source): the 4 M tuples of a transitive closure are not held twice.
  struct PhaseBindings {
    Table own = Table(0);
    const Table* shared = nullptr;
    std::vector<Truth> shared_truth;  // when some binding's value is not its tuple's truth; else empty
    const Table& rows() const { return shared ? *shared : own; }
    const std::vector<Truth>& truth() const {
      return !shared ? own.truth : shared_truth.empty() ? shared->truth : shared_truth;
    }
  };
  std::vector<PhaseBindings> phase_bindings_scratch;  // run_phases's

  // The relation table a phase's bindings can be read from: its `for each` is one atom whose
  // arguments are the parameters, in order (so a tuple is a binding, and no two tuples the same one),
  // over a table of settled tuples (no uncertain values, which bind differently).
  const Table* direct_source(const Phase& ph) const {
    if (!ph.for_each || ph.for_each->generators.size() != 1) return nullptr;
    const Expr& atom = p.exprs[static_cast<std::size_t>(ph.for_each->generators[0])];
    if ((atom.kind != ExprKind::atom && atom.kind != ExprKind::atom_value) || atom.args.size() != ph.params.size())
      return nullptr;
    for (std::size_t k = 0; k < atom.args.size(); ++k)
      if (atom.args[k].kind != Term::Kind::variable || atom.args[k].var != static_cast<int>(k)) return nullptr;
    if (in_pass(atom.relation)) return nullptr;
    const Table& t = tables[static_cast<std::size_t>(atom.relation)];
    return t.uncertain_rows.empty() && t.arity() == static_cast<int>(ph.params.size()) ? &t : nullptr;
  }

  // The bindings of a phase's parameters (rows), each with its `for each` value (truth).
  PhaseBindings phase_bindings(int pid) {
    const Phase& ph = p.phases[static_cast<std::size_t>(pid)];
    std::size_t nparams = ph.params.size();
    std::size_t frame_size = std::max({ph.var_names.size(), nparams, max_frame});
    PhaseBindings out;
    Table& bindings = out.own;
    bindings = take_table(static_cast<int>(nparams));
    if (const Table* source = direct_source(ph)) {
      // What enumerating the atom would give: its tuples that are not false, in table order, each
      // with the body's value (the generator at that tuple, as enumerate() leaves it).
      const Body& body = *ph.for_each;
      const ExprId gid = body.generators[0];
      Frame fr(frame_size, kUnbound);
      // The values, kept only from the first binding whose value is not its tuple's truth (until
      // then they are the table's own: no copy the size of the table when none differs).
      std::vector<Truth> truth;
      bool differs = false, every_row = true;
      std::uint32_t& cached = gen_row[static_cast<std::size_t>(gid)];
      const std::uint32_t saved = cached;
      for (std::size_t r = 0; r < source->rows(); ++r) {
        tick();
        Truth t = Truth::false_;
        if (source->truth[r] != Truth::false_) {
          std::copy(source->row(r), source->row(r) + nparams, fr.begin());
          if (exact_atom[static_cast<std::size_t>(gid)]) cached = static_cast<std::uint32_t>(r);
          t = body.expr == kNoExpr ? Truth::true_ : count_truth(body.expr, fr);
          cached = saved;
        }
        every_row = every_row && t != Truth::false_;
        if (!differs && t != source->truth[r]) {
          differs = true;
          truth.reserve(source->rows());
          truth.assign(source->truth.begin(), source->truth.begin() + static_cast<std::ptrdiff_t>(r));
        }
        if (differs) truth.push_back(t);
      }
      const std::vector<Truth>& values = differs ? truth : source->truth;
      if (every_row) {
        out.shared = source;
        if (differs) out.shared_truth = std::move(truth);
      } else {
        for (std::size_t r = 0; r < source->rows(); ++r)
          if (values[r] != Truth::false_) bindings.append(source->row(r), values[r]);
      }
      return out;
    }
    if (ph.for_each) {
      Frame fr(frame_size, kUnbound);
      const Body& body = *ph.for_each;
      GenRanges none;
      const bool distinct = distinct_bindings(ph);
      auto yield = [&]() {
        // `for each troops_committed(c)`: a valued atom enumerates the tuples that exist
        Truth t = body.expr == kNoExpr ? Truth::true_ : count_truth(body.expr, fr);
        if (t == Truth::false_) return;
        const Id* key = fr.data();
        for (std::size_t k = 0; k < nparams; ++k)
          if (key[k] == kUnbound) return;
        if (distinct) {
          bindings.append(key, t);
        } else if (auto row = bindings.find(key)) {
          bindings.truth[*row] = truth_or(bindings.truth[*row], t);
        } else {
          bindings.append(key, t);
        }
      };
      enumerate(body.generators, 0, fr, none, yield);
    } else if (nparams == 0) {
      bindings.append(nullptr, Truth::true_);
    }
    return out;
  }

  // The verdicts of a phase's bindings: one PhaseResult each (sorted), or, when the options ask only
  // for counts, the counts alone. For a phase another phase waits on (or every phase, once updates
  // need them), phase_verdicts[pid][i] is the verdict of row i of phase_index[pid] (rows in the
  // order of the results, or of enumeration for counts); for the others neither is kept.
  void run_phase(int pid, const PhaseBindings& of_phase, std::vector<PhaseResult>& out) {
    const Phase& ph = p.phases[static_cast<std::size_t>(pid)];
    const Table& bindings = of_phase.rows();
    const std::vector<Truth>& truth = of_phase.truth();
    std::size_t nparams = ph.params.size();
    std::size_t frame_size = std::max({ph.var_names.size(), nparams, max_frame});
    const bool keep = opt.results;
    const bool indexed = index_all_phases || named_in_after[static_cast<std::size_t>(pid)];
    auto& verdicts = phase_verdicts[static_cast<std::size_t>(pid)];
    Table& index = phase_index[static_cast<std::size_t>(pid)];
    index.reset(static_cast<int>(nparams));
    if (indexed) {
      verdicts.reserve(bindings.rows());
      index.reserve(bindings.rows());
    }
    PhaseCount& count = evaluation.counts[static_cast<std::size_t>(pid)];
    Frame& fr = scratch.frame;
    fr.assign(frame_size, kUnbound);
    PhaseResult pr;
    auto visit = [&](std::uint32_t row) {
      const Id* key = bindings.row(row);
      if (keep) pr = take_result();
      phase_result(pid, key, truth[row], fr, keep, pr);
      ++(pr.verdict == Verdict::go ? count.go : pr.verdict == Verdict::no_go ? count.no_go : count.undetermined);
      if (indexed) {
        verdicts.push_back(pr.verdict);
        index.append(key, pr.binding);
      }
      if (keep) out.push_back(std::move(pr));
    };
    if (keep) {  // results in sorted order
      for (std::uint32_t row : sorted_rows(bindings)) visit(row);
    } else {  // counts only: enumeration order
      for (std::size_t row = 0; row < bindings.rows(); ++row) visit(static_cast<std::uint32_t>(row));
    }
    phase_absent[static_cast<std::size_t>(pid)].assign(index.rows(), 0);
  }

  // The verdict of one binding of a phase (its parameters' ids `key`, its `for each` value), with its
  // clauses, `after` phases and unknown inputs when `keep` (else only phase, binding and verdict).
  // The result is written into `pr` (its vectors keep their memory: a PhaseResult of an earlier
  // evaluation can be given).
  void phase_result(int pid, const Id* key, Truth binding, Frame& fr, bool keep, PhaseResult& pr) {
    const Phase& ph = p.phases[static_cast<std::size_t>(pid)];
    const std::size_t nparams = ph.params.size();
    std::fill(fr.begin(), fr.end(), kUnbound);
    std::copy(key, key + nparams, fr.begin());
    pr.phase = pid;
    pr.binding = binding;
    pr.args.clear();
    pr.after.clear();
    Truth all = pr.binding;
    if (keep) {
      pr.args.reserve(nparams);
      for (std::size_t k = 0; k < nparams; ++k) pr.args.push_back(in.get(key[k]));
      pr.clauses.resize(ph.clauses.size());
    } else {
      pr.clauses.clear();
    }
    ClauseResult unkept;
    for (std::size_t ci = 0; ci < ph.clauses.size(); ++ci) {
      const Clause& clause = ph.clauses[ci];
      ClauseResult& cr = keep ? pr.clauses[ci] : unkept;
      cr.waivers_true.clear();
      cr.waivers_unknown.clear();
      cr.clause = static_cast<int>(ci);
      cr.expr_value = eval_truth(clause.expr, fr);
      Truth met = clause.kind == ClauseKind::require ? cr.expr_value : truth_not(cr.expr_value);
      for (int w : clause.waivers) {
        Truth wt = eval_truth(ph.waivers[static_cast<std::size_t>(w)].expr, fr);
        if (keep && wt == Truth::true_) cr.waivers_true.push_back(w);
        if (keep && wt == Truth::unknown) cr.waivers_unknown.push_back(w);
        met = truth_or(met, wt);
      }
      cr.met = met;
      all = truth_and(all, met);
    }
    for (int a : ph.after) {
      AfterResult ar;
      ar.phase = a;
      ar.verdict = after_verdict(a, key, nparams);
      all = truth_and(all, verdict_truth(ar.verdict));
      if (keep) pr.after.push_back(ar);
    }
    pr.verdict = all == Truth::true_ ? Verdict::go : (all == Truth::false_ ? Verdict::no_go : Verdict::undetermined);
    if (keep && pr.verdict != Verdict::go) collect_phase_unknowns(ph, pr, fr);
    else pr.unknowns.clear();
  }

  // The result of a phase's binding (its parameters' ids), if it has one.
  const PhaseResult* result_for(int pid, const Id* key) const {
    auto at = result_position(pid, key);
    return at.second ? &evaluation.phases[at.first] : nullptr;
  }

  // Where a binding's result is, or would go, in evaluation.phases (results are sorted by their
  // arguments), and whether it is there.
  std::pair<std::size_t, bool> result_position(int pid, const Id* key) const {
    const std::size_t n = p.phases[static_cast<std::size_t>(pid)].params.size();
    auto [lo, hi] = phase_range[static_cast<std::size_t>(pid)];
    auto less = [&](const PhaseResult& r) {  // r's arguments before the key's
      for (std::size_t k = 0; k < n; ++k) {
        const Constant& c = in.get(key[k]);
        if (constant_less(r.args[k], c)) return true;
        if (constant_less(c, r.args[k])) return false;
      }
      return false;
    };
    std::size_t first = lo, count = hi - lo;
    while (count > 0) {
      std::size_t step = count / 2;
      if (less(evaluation.phases[first + step])) {
        first += step + 1;
        count -= step + 1;
      } else {
        count = step;
      }
    }
    bool found = first < hi;
    for (std::size_t k = 0; found && k < n; ++k) found = !constant_less(in.get(key[k]), evaluation.phases[first].args[k]);
    return {first, found};
  }

  // The verdict of an `after` phase for a binding: same parameters, or none (applies to all).
  Verdict after_verdict(int a, const Id* key, std::size_t nkey) {
    const Phase& other = p.phases[static_cast<std::size_t>(a)];
    const auto& verdicts = phase_verdicts[static_cast<std::size_t>(a)];
    const auto& absent = phase_absent[static_cast<std::size_t>(a)];
    auto gone = [&](std::size_t row) { return row < absent.size() && absent[row]; };
    if (other.params.empty()) return verdicts.empty() ? Verdict::no_go : verdicts.front();
    if (other.params.size() == nkey) {
      auto row = phase_index[static_cast<std::size_t>(a)].find(key);
      if (!row || gone(*row)) return absent_binding_verdict(a, key);
      return verdicts[*row];
    }
    // A phase without parameters after a parametrised one: every binding must be GO.
    Truth all = Truth::true_;
    for (std::size_t row = 0; row < verdicts.size(); ++row)
      if (!gone(row)) all = truth_and(all, verdict_truth(verdicts[row]));
    return all == Truth::true_ ? Verdict::go : (all == Truth::false_ ? Verdict::no_go : Verdict::undetermined);
  }

  // The verdict of a binding the `after` phase does not have: NO-GO when its `for each` tuple is
  // false; when that tuple is unknown (an open relation's unlisted tuple) it may yet be a binding,
  // and the verdict is what it would be as an unknown binding: UNDETERMINED, or NO-GO when a
  // requirement fails whatever the tuple.
  Verdict absent_binding_verdict(int a, const Id* key) {
    const Phase& other = p.phases[static_cast<std::size_t>(a)];
    if (!other.for_each || other.for_each->expr == kNoExpr) return Verdict::no_go;
    Frame fr(std::max(max_frame, other.params.size()), kUnbound);
    std::copy(key, key + other.params.size(), fr.begin());
    const Truth binding = count_truth(other.for_each->expr, fr);
    if (binding == Truth::false_) return Verdict::no_go;
    PhaseResult r;
    phase_result(a, key, truth_and(binding, Truth::unknown), fr, false, r);
    return r.verdict;
  }

  // ------------------------------------------------------------ unknown inputs

  // What collect_phase_unknowns gathers for one binding, without allocating per tuple: the input
  // tuples found (flat: relation, arity, then the key's ids, kUnbound for `_`), and the unknown
  // condition tuples still to follow (relation, row), each followed once per binding (visit_mark).
  struct Collector {
    std::vector<Id> found;
    std::vector<std::pair<int, std::uint32_t>> work;
    void clear() {
      found.clear();
      work.clear();
    }
    template <class Key>
    void add(int relation, const Key& key, std::size_t n) {
      found.push_back(static_cast<Id>(relation));
      found.push_back(static_cast<Id>(n));
      for (std::size_t k = 0; k < n; ++k) found.push_back(key[k]);
    }
  };
  Collector collector;
  std::vector<std::vector<std::uint32_t>> visit_mark;  // per relation, per row: the binding that last followed it
  std::uint32_t visit_stamp = 0;

  // A new binding's collection: every condition tuple unvisited.
  void next_visit() {
    if (++visit_stamp == 0) {  // wrapped: forget every mark
      for (auto& marks : visit_mark) std::fill(marks.begin(), marks.end(), 0);
      visit_stamp = 1;
    }
    visit_mark.resize(tables.size());
  }

  // Marks a condition tuple visited; false if it already was for this binding.
  bool visit(int r, std::uint32_t row) {
    auto& marks = visit_mark[static_cast<std::size_t>(r)];
    if (marks.size() <= row) marks.resize(tables[static_cast<std::size_t>(r)].rows(), 0);
    if (marks[row] == visit_stamp) return false;
    marks[row] = visit_stamp;
    return true;
  }

  template <class Key>
  std::string format_ids(int r, const Key& key, std::size_t n) const {
    std::string s;
    format_ids_into(s, r, key, n);
    return s;
  }
  // The same written over `s` (which keeps its memory).
  template <class Key>
  void format_ids_into(std::string& s, int r, const Key& key, std::size_t n) const {
    const Relation& rel = p.relations[static_cast<std::size_t>(r)];
    s.clear();
    if (rel.param_names.empty()) {
      s += rel.name;
      return;
    }
    s.reserve(rel.name.size() + 2 + 24 * n);  // one allocation for most tuples
    s += rel.name;
    s += '(';
    for (std::size_t k = 0; k < n; ++k) {
      if (k) s += ", ";
      if (key[k] == kUnbound) s += '_';
      else s += format_constant_text(in.get(key[k]), p);
    }
    s += ')';
  }
  std::string format_ids(int r, const std::vector<Id>& key) const { return format_ids(r, key, key.size()); }

  void collect_if_uncertain(ExprId id, Frame& fr, Collector& c) {
    if (id == kNoExpr) return;
    if (eval(id, fr).is_uncertain()) collect(id, fr, c);
  }

  void collect_atom(ExprId id, Frame& fr, Collector& c) {
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    const Relation& rel = p.relations[static_cast<std::size_t>(e.relation)];
    const Table& t = tables[static_cast<std::size_t>(e.relation)];
    const std::size_t arity = static_cast<std::size_t>(t.arity());
    KeyBuf key;
    std::uint64_t mask = atom_key(id, fr, key);
    bool full = mask == t.full_mask() && t.arity() < 64;
    auto uncertain_row = [&](std::size_t r) {
      return t.truth[r] == Truth::unknown || (valued(e.relation) && t.values[r].is_uncertain());
    };
    if (rel.kind == RelationKind::fact) {
      bool any = false;
      t.for_matches(mask, key.data(), 0, t.rows(), [&](std::size_t r) {
        if (t.unlisted(r)) return;
        any = true;
        if (uncertain_row(r)) c.add(e.relation, t.row(r), arity);
      });
      if ((!any && (rel.open || rel.param_names.empty())) || (!full && rel.open)) c.add(e.relation, key, key.size());
      return;
    }
    t.for_matches(mask, key.data(), 0, t.rows(), [&](std::size_t r) {
      if (t.truth[r] == Truth::unknown && visit(e.relation, static_cast<std::uint32_t>(r)))
        c.work.emplace_back(e.relation, static_cast<std::uint32_t>(r));
    });
    // Rows holding uncertain values that may be this tuple (as atom_truth reads them): `due("B",
    // 2026-01-15)` against the row due("B", <unknown date>) that `d = arrived(t) + 2 weeks` derived.
    // Whether it is depends on what their values were computed from.
    for (std::uint32_t r : t.uncertain_rows)
      if (r < t.rows() && t.truth[r] != Truth::false_ && has_uncertain_cell(mask, t.row(r), t.arity()) &&
          fuzzy_row_match(key, t.row(r)) != Truth::false_ && visit(e.relation, r))
        c.work.emplace_back(e.relation, r);
  }

  void collect(ExprId id, Frame& fr, Collector& c) {
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    switch (e.kind) {
      case ExprKind::atom:
      case ExprKind::atom_value: collect_atom(id, fr, c); return;
      case ExprKind::aggregate: {
        KeyBuf saved;
        saved.assign(e.locals.size(), kUnbound);
        for (std::size_t k = 0; k < e.locals.size(); ++k) {
          saved[k] = fr[static_cast<std::size_t>(e.locals[k])];
          fr[static_cast<std::size_t>(e.locals[k])] = kUnbound;
        }
        bool open_side = false;
        GenRanges ranges;
        ranges.open_side = &open_side;
        // Per tuple, what eval_aggregate reads: whether it takes part (its atoms, the filter, for
        // `count` its atom), and for sum/min/max its value. A tuple that surely does not take part
        // (`where ok(u) and u = "A"` for u = "B") reads nothing that can change the result; one that
        // surely does reads only its value; only a tuple that may or may not take part reads the
        // unknowns of its atoms and filter (of the conjuncts that are unknown: `str(u) >= 0` over
        // 0..100 is true, so `str("B")` is not an input that matters).
        const ExprId body = e.children.empty() ? kNoExpr : e.children[0];
        const ExprId filter = e.children.size() > 1 ? e.children[1] : kNoExpr;
        const bool counting = e.agg == AggregateOp::count && body != kNoExpr;
        auto yield = [&]() {
          Truth part = Truth::true_;
          for (ExprId g : e.generators)
            if (p.exprs[static_cast<std::size_t>(g)].kind == ExprKind::atom) part = truth_and(part, atom_truth(g, fr));
          if (filter != kNoExpr) part = truth_and(part, eval_truth(filter, fr));
          if (counting) part = truth_and(part, count_truth(body, fr));
          if (part == Truth::false_) return;
          if (part == Truth::unknown) {
            for (ExprId g : e.generators)
              if (p.exprs[static_cast<std::size_t>(g)].kind == ExprKind::atom && !(counting && g == body) &&
                  atom_truth(g, fr) == Truth::unknown)
                collect(g, fr, c);
            if (filter != kNoExpr && eval_truth(filter, fr) == Truth::unknown) collect(filter, fr, c);
            if (counting && count_truth(body, fr) == Truth::unknown) collect(body, fr, c);
          }
          if (e.agg != AggregateOp::count) collect_if_uncertain(body, fr, c);
        };
        enumerate(e.generators, 0, fr, ranges, yield);
        if (open_side && !unlisted_may_take_part(e, fr)) open_side = false;
        for (std::size_t k = 0; k < e.locals.size(); ++k) fr[static_cast<std::size_t>(e.locals[k])] = saved[k];
        if (open_side)
          for (ExprId g : e.generators) {
            const Expr& ge = p.exprs[static_cast<std::size_t>(g)];
            if ((ge.kind == ExprKind::atom || ge.kind == ExprKind::atom_value) &&
                p.relations[static_cast<std::size_t>(ge.relation)].open) {
              KeyBuf key;
              atom_key(g, fr, key);
              c.add(ge.relation, key, key.size());
            }
          }
        return;
      }
      case ExprKind::variable: {  // assigned an uncertain value by a bind: what the bind read
        const std::size_t v = static_cast<std::size_t>(e.var);
        if (e.var >= 0 && v < bind_owner.size() && bind_owner[v] != kNoExpr && v < fr.size() &&
            in.uncertain(fr[v]))
          collect_if_uncertain(p.exprs[static_cast<std::size_t>(bind_owner[v])].children.at(0), fr, c);
        return;
      }
      default:
        for (ExprId ch : e.children) collect_if_uncertain(ch, fr, c);
        return;
    }
  }

  // The variables an expression reads from its frame (an aggregate's own locals aside).
  void frame_vars(ExprId id, std::vector<int>& out) const {
    std::vector<int> locals;
    walk_exprs(id, [&](ExprId, const Expr& e) {
      if (e.kind == ExprKind::variable && e.var >= 0) out.push_back(e.var);
      if (e.kind == ExprKind::bind && e.var >= 0) out.push_back(e.var);
      for (const Term& t : e.args)
        if (t.kind == Term::Kind::variable && t.var >= 0) out.push_back(t.var);
      locals.insert(locals.end(), e.locals.begin(), e.locals.end());
      return true;
    });
    std::erase_if(out, [&](int v) { return std::find(locals.begin(), locals.end(), v) != locals.end(); });
  }

  // The order drain enumerates a rule's generators in, its head's variables bound: the body as the
  // checker ordered it for a rule run forward (nothing bound) can scan where a lookup would do
  // (`path(a, c) when path(a, b) and edge(b, c)` with a and c bound reads every path(a, _) before
  // edge(_, c): cubic over a chain). Greedily: a test or `=` binding as soon as what it reads is
  // bound, else the atom with the fewest arguments unbound, of those the one over the smallest
  // table (the first of equals). The same bindings, in another order.
  std::vector<std::optional<std::vector<ExprId>>> drain_orders;  // per rule, built when first drained
  const std::vector<ExprId>& drain_order(int ri) {
    const std::vector<ExprId>& written = p.rules[static_cast<std::size_t>(ri)].body.generators;
    if (written.size() < 2) return written;  // one order only
    if (drain_orders.size() < p.rules.size()) drain_orders.resize(p.rules.size());
    auto& slot_order = drain_orders[static_cast<std::size_t>(ri)];
    if (slot_order) return *slot_order;
    const Rule& rule = p.rules[static_cast<std::size_t>(ri)];
    std::vector<char> bound(std::max(max_frame, rule.var_names.size()) + 1, 0);
    auto is_bound = [&](int v) { return v < 0 || (static_cast<std::size_t>(v) < bound.size() && bound[static_cast<std::size_t>(v)]); };
    auto set_bound = [&](int v) { if (v >= 0 && static_cast<std::size_t>(v) < bound.size()) bound[static_cast<std::size_t>(v)] = 1; };
    for (int v : rule.head_vars) set_bound(v);
    std::vector<ExprId> rest = rule.body.generators, order;
    std::vector<int> vars;
    while (!rest.empty()) {
      std::size_t best = rest.size();
      std::pair<std::size_t, std::size_t> best_cost{~std::size_t{0}, ~std::size_t{0}};  // (unbound, rows)
      for (std::size_t i = 0; i < rest.size(); ++i) {
        const Expr& g = p.exprs[static_cast<std::size_t>(rest[i])];
        std::pair<std::size_t, std::size_t> cost;
        if (g.kind == ExprKind::atom || g.kind == ExprKind::atom_value) {
          cost.first = 1;  // after any test that is ready
          for (const Term& t : g.args) cost.first += t.kind == Term::Kind::constant || is_bound(t.var) ? 0 : 1;
          cost.second = tables[static_cast<std::size_t>(g.relation)].rows();
        } else {
          vars.clear();
          frame_vars(g.kind == ExprKind::bind && !g.children.empty() ? g.children[0] : rest[i], vars);
          if (!std::all_of(vars.begin(), vars.end(), is_bound)) continue;  // not ready
          cost = {0, 0};  // ready: a test, or one value
        }
        if (cost < best_cost) {
          best_cost = cost;
          best = i;
        }
      }
      if (best == rest.size()) {  // nothing ready (not from the checker): the rest as it was
        order.insert(order.end(), rest.begin(), rest.end());
        break;
      }
      const Expr& g = p.exprs[static_cast<std::size_t>(rest[best])];
      if (g.kind == ExprKind::atom || g.kind == ExprKind::atom_value)
        for (const Term& t : g.args) set_bound(t.var);
      if (g.kind == ExprKind::bind) set_bound(g.var);
      order.push_back(rest[best]);
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(best));
    }
    slot_order = std::move(order);
    return *slot_order;
  }

  // Follows the unknown condition tuples to the inputs their unknown derivations read.
  Frame drain_frame;  // drain's, kept from one binding to the next
  void drain(Collector& c) {
    Frame& fr = drain_frame;
    if (fr.size() < max_frame) fr.resize(max_frame);
    while (!c.work.empty()) {
      auto [r, row] = c.work.back();
      c.work.pop_back();
      const Table& t = tables[static_cast<std::size_t>(r)];
      for (int ri : p.relations[static_cast<std::size_t>(r)].rules) {
        const Rule& rule = p.rules[static_cast<std::size_t>(ri)];
        if (fr.size() < rule.var_names.size()) fr.resize(rule.var_names.size());
        std::fill(fr.begin(), fr.end(), kUnbound);
        if (!bind_head(rule, t.row(row), static_cast<std::size_t>(t.arity()), fr)) continue;
        GenRanges none;
        auto yield = [&]() {
          if (eval_truth(rule.body.expr, fr) == Truth::unknown) collect(rule.body.expr, fr, c);
        };
        enumerate(drain_order(ri), 0, fr, none, yield);
      }
    }
  }

  bool bind_head(const Rule& rule, const Id* key, std::size_t n, Frame& fr) const {
    for (std::size_t k = 0; k < rule.head_vars.size() && k < n; ++k) {
      int v = rule.head_vars[k];
      if (v < 0 || static_cast<std::size_t>(v) >= fr.size()) return false;
      if (fr[static_cast<std::size_t>(v)] != kUnbound && fr[static_cast<std::size_t>(v)] != key[k]) return false;
      fr[static_cast<std::size_t>(v)] = key[k];
    }
    return true;
  }

  bool bind_head(const Rule& rule, const std::vector<Id>& key, Frame& fr) const {
    return bind_head(rule, key.data(), key.size(), fr);
  }

  std::vector<std::span<const Id>> found_tuples;  // collect_phase_unknowns's, kept from one binding to the next
  // Into pr.unknowns, written over the strings it holds (they keep their memory).
  void collect_phase_unknowns(const Phase& ph, PhaseResult& pr, Frame& fr) {
    Collector& c = collector;
    c.clear();
    next_visit();
    if (pr.binding == Truth::unknown && ph.for_each) collect(ph.for_each->expr, fr, c);
    for (const ClauseResult& cr : pr.clauses) {
      if (cr.met != Truth::unknown) continue;
      const Clause& clause = ph.clauses[static_cast<std::size_t>(cr.clause)];
      if (cr.expr_value == Truth::unknown) collect(clause.expr, fr, c);
      for (int w : cr.waivers_unknown) collect(ph.waivers[static_cast<std::size_t>(w)].expr, fr, c);
    }
    drain(c);
    // The inputs found, each once (a tuple is often reached along several paths), as text.
    auto& tuples = found_tuples;
    tuples.clear();
    for (std::size_t i = 0; i < c.found.size(); i += 2 + c.found[i + 1])
      tuples.emplace_back(c.found.data() + i, 2 + c.found[i + 1]);
    auto span_less = [](std::span<const Id> a, std::span<const Id> b) {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    };
    auto span_equal = [](std::span<const Id> a, std::span<const Id> b) { return std::ranges::equal(a, b); };
    std::sort(tuples.begin(), tuples.end(), span_less);
    tuples.erase(std::unique(tuples.begin(), tuples.end(), span_equal), tuples.end());
    std::vector<std::string>& out = pr.unknowns;
    out.reserve(tuples.size());
    std::size_t n = 0;
    auto put = [&]() -> std::string& {
      if (n == out.size()) out.emplace_back();
      return out[n++];
    };
    for (auto t : tuples) format_ids_into(put(), static_cast<int>(t[0]), t.data() + 2, t[1]);
    out.resize(n);
    for (const AfterResult& ar : pr.after) {
      if (ar.verdict != Verdict::undetermined) continue;
      std::vector<Id> key;
      const Phase& other = p.phases[static_cast<std::size_t>(ar.phase)];
      for (std::size_t k = 0; k < other.params.size() && k < fr.size(); ++k) key.push_back(fr[k]);
      const auto results = results_of(ar.phase);
      auto add = [&](const PhaseResult& r) { out.insert(out.end(), r.unknowns.begin(), r.unknowns.end()); };
      if (other.params.empty()) {
        if (!results.empty()) add(results.front());
      } else if (other.params.size() == ph.params.size()) {
        if (const PhaseResult* r = result_for(ar.phase, key.data())) {
          add(*r);
        } else {  // not a binding of it, but may be one (see absent_binding_verdict): what it would read
          // (This binding's collector and tuples are done with: the nested collection may reuse them.)
          Frame other_fr(std::max(max_frame, other.params.size()), kUnbound);
          PhaseResult other_result;
          phase_result(ar.phase, key.data(), Truth::unknown, other_fr, true, other_result);
          add(other_result);
        }
      } else {
        for (const auto& r : results)
          if (r.verdict == Verdict::undetermined) add(r);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }

  // ------------------------------------------------------------ public helpers

  // A frame for a binding given from outside: at least as large as any frame of the program,
  // so a short binding cannot make an aggregate's locals fall outside it.
  Frame frame_of(const Binding& b) {
    Frame fr(std::max(b.size(), max_frame), kUnbound);
    for (std::size_t k = 0; k < b.size(); ++k)
      if (b[k] && !std::holds_alternative<Unknown>(*b[k])) fr[k] = in.intern(*b[k]);
    return fr;
  }

  Binding binding_of(const Frame& fr) const {
    Binding b(fr.size());
    for (std::size_t k = 0; k < fr.size(); ++k)
      if (fr[k] != kUnbound) b[k] = in.get(fr[k]);
    return b;
  }

  std::vector<Id> key_of(const std::vector<Constant>& args) {
    std::vector<Id> key;
    for (const Constant& c : args) key.push_back(in.intern(c));
    return key;
  }
};

// A whole evaluation into `impl` (init, strata, phases): its error, if one stopped it. When strata
// ran on several threads and stopped, it is evaluated again on one thread (a new `impl`), so that
// the error is the one a single thread meets first.
std::optional<EvalError> run_all(std::unique_ptr<Model::Impl>& impl);

}  // namespace phasegate::engine
