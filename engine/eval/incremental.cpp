// Incremental evaluation: after facts change, only the condition tuples and phase bindings that
// depend on the changed tuples are evaluated again (Model::update).
//
// A change travels as a set of touched tuples per relation: the changed facts, then every condition
// tuple derived again whose truth changed or is unknown (an unknown tuple's unknown inputs may have
// changed even when its truth did not). A rule that reads a touched tuple through an atom whose
// variables fill some columns of the rule's head can only change head tuples with those columns:
// the ones the table holds now, and the ones the rule derives with those variables bound. Each such
// tuple is derived again from all the rules of its relation. Phases are updated the same way, by
// their parameters. Where no column links a change to the head (or the parameters), or the stratum
// is recursive, the stratum (or phase) is evaluated again whole and its old and new tables compared.
#include "engine/eval/model_impl.hpp"

#include <stdexcept>

namespace phasegate::engine {

namespace eval_detail {

// An atom of an expression, with the aggregate locals in scope where it stands.
struct AtomSite {
  ExprId atom;
  std::vector<int> locals;
};

// What updates read of the program, worked out once (by the first update) and kept by the model.
struct UpdatePlan {
  struct RuleSites {
    std::vector<AtomSite> atoms;  // every atom of the body
    std::vector<char> keys;       // per variable slot: bound by a generator (see Updater::bind_atom)
  };
  std::vector<std::vector<int>> strata;       // Impl::strata_list()
  std::vector<char> recursive;                // per stratum: a rule reads a relation of its own stratum
  std::vector<RuleSites> rules;               // per rule
  std::vector<std::vector<AtomSite>> phases;  // per phase: the atoms of its for-each, clauses and waivers
  std::vector<int> phase_order;               // Impl::phase_order_list()
};

}  // namespace eval_detail

namespace {

using eval_detail::AtomSite;
using eval_detail::UpdatePlan;

// The change cannot be followed tuple by tuple here: Model::update evaluates everything again.
struct Fallback {};

class Updater {
 public:
  explicit Updater(Model::Impl& m) : m_(m), p_(m.p) {}

  UpdateStats run(const std::vector<ChangedFact>& changes) {
    if (!m_.opt.results) throw Fallback{};
    for (std::size_t r = 0; r < p_.relations.size(); ++r)
      if (p_.relations[r].kind == RelationKind::condition && !m_.tables[r].uncertain_rows.empty()) throw Fallback{};
    m_.start = std::chrono::steady_clock::now();
    m_.steps = 0;
    m_.derived = 0;
    if (!m_.update_plan) m_.update_plan = make_plan();
    plan_ = m_.update_plan.get();
    touched_.clear();
    for (const Relation& rel : p_.relations) touched_.emplace_back(static_cast<int>(rel.param_names.size()));
    apply_facts(changes);
    for (std::size_t s = 0; s < plan_->strata.size(); ++s) update_stratum(s);
    update_phases();
    m_.evaluation.derived_tuples += m_.derived;
    return stats_;
  }

 private:
  Model::Impl& m_;
  const Program& p_;
  const UpdatePlan* plan_ = nullptr;
  UpdateStats stats_;
  std::vector<Table> touched_;  // per relation: the tuples that changed (a set of keys)

  void touch(int r, const Id* key) {
    Table& t = touched_[static_cast<std::size_t>(r)];
    if (!t.find(key)) t.append(key, Truth::true_);
  }
  bool touched(int r) const { return touched_[static_cast<std::size_t>(r)].rows() > 0; }

  Frame frame(std::size_t vars) const { return Frame(std::max(vars, m_.max_frame), kUnbound); }

  // ------------------------------------------------------------ facts

  void apply_facts(const std::vector<ChangedFact>& changes) {
    for (const ChangedFact& c : changes) {
      if (c.relation < 0 || static_cast<std::size_t>(c.relation) >= p_.relations.size() ||
          p_.relations[static_cast<std::size_t>(c.relation)].kind != RelationKind::fact)
        throw std::invalid_argument("Model::update: a change names no fact relation");
      if (c.args.size() != p_.relations[static_cast<std::size_t>(c.relation)].param_names.size())
        throw std::invalid_argument("Model::update: a change of " + p_.relations[static_cast<std::size_t>(c.relation)].name +
                                    " has the wrong number of arguments");
    }
    for (const ChangedFact& c : changes) {
      std::vector<Id> key = m_.key_of(c.args);
      touch(c.relation, key.data());
      Table& t = m_.tables[static_cast<std::size_t>(c.relation)];
      auto row = t.find(key.data());
      if (auto entry = m_.f.find(c.relation, c.args)) {
        m_.put_entry(c.relation, *entry, key.data(), row);
      } else if (row) {  // erased: the row stays, unlisted (the later entries' indexes are now one
        t.truth[*row] = Truth::false_;  // too high: fact_entry is a hint, see TupleTruth)
        t.set_fact_entry(*row, -1);
      }
    }
  }

  // ------------------------------------------------------------ conditions

  // Every atom of an expression (aggregates' generators and children included).
  void atoms_of(ExprId id, std::vector<int>& locals, std::vector<AtomSite>& out) const {
    if (id == kNoExpr) return;
    const Expr& e = p_.exprs[static_cast<std::size_t>(id)];
    if (e.kind == ExprKind::atom || e.kind == ExprKind::atom_value) {
      for (const AtomSite& s : out)
        if (s.atom == id) return;
      out.push_back({id, locals});
      return;
    }
    const std::size_t depth = locals.size();
    locals.insert(locals.end(), e.locals.begin(), e.locals.end());
    for (ExprId c : e.children) atoms_of(c, locals, out);
    for (ExprId g : e.generators) atoms_of(g, locals, out);
    locals.resize(depth);
  }

  std::vector<AtomSite> atoms_of_body(const Body& body) const {
    std::vector<AtomSite> out;
    std::vector<int> locals;
    atoms_of(body.expr, locals, out);
    for (ExprId g : body.generators) atoms_of(g, locals, out);
    return out;
  }

  bool reads_touched(const std::vector<AtomSite>& sites) const {
    for (const AtomSite& s : sites)
      if (touched(p_.exprs[static_cast<std::size_t>(s.atom)].relation)) return true;
    return false;
  }

  // Binds the variables `keys` of an atom to a touched tuple of its relation; false when the tuple
  // cannot match it (a constant differs, a repeated variable takes two values). Only variables that
  // the body's generators bind are keys: binding one ahead only narrows the enumeration to the
  // derivations that read this tuple here, where binding a variable that ranges (`not e(u, _)`)
  // would change what the atom means.
  bool bind_atom(const AtomSite& site, const std::vector<char>& keys, const Id* tuple, Frame& fr) const {
    const Expr& e = p_.exprs[static_cast<std::size_t>(site.atom)];
    for (std::size_t k = 0; k < e.args.size(); ++k) {
      const Term& t = e.args[k];
      if (t.kind == Term::Kind::constant) {
        if (m_.term_ids[static_cast<std::size_t>(site.atom)][k] != tuple[k]) return false;
        continue;
      }
      if (!is_key(site, keys, t)) continue;
      Id& v = fr[static_cast<std::size_t>(t.var)];
      if (v != kUnbound && v != tuple[k]) return false;
      v = tuple[k];
    }
    return true;
  }

  static bool is_key(const AtomSite& site, const std::vector<char>& keys, const Term& t) {
    return t.kind == Term::Kind::variable && t.var >= 0 && static_cast<std::size_t>(t.var) < keys.size() &&
           keys[static_cast<std::size_t>(t.var)] &&
           std::find(site.locals.begin(), site.locals.end(), t.var) == site.locals.end();
  }

  // The variables a body's generators bind (atoms and `VAR = EXPR`), by slot.
  std::vector<char> generated(const Body& body, std::size_t slots) const {
    std::vector<char> out(slots, 0);
    auto mark = [&](int v) {
      if (v >= 0 && static_cast<std::size_t>(v) < slots) out[static_cast<std::size_t>(v)] = 1;
    };
    for (ExprId g : body.generators) {
      const Expr& e = p_.exprs[static_cast<std::size_t>(g)];
      if (e.kind == ExprKind::bind) mark(e.var);
      if (e.kind == ExprKind::atom || e.kind == ExprKind::atom_value)
        for (const Term& t : e.args)
          if (t.kind == Term::Kind::variable) mark(t.var);
    }
    return out;
  }

  // The head columns an atom's key variables fill, as a mask.
  std::uint64_t head_mask(const Rule& rule, const AtomSite& site, const std::vector<char>& keys) const {
    const Expr& e = p_.exprs[static_cast<std::size_t>(site.atom)];
    std::uint64_t mask = 0;
    for (std::size_t j = 0; j < rule.head_vars.size() && j < 64; ++j)
      for (const Term& t : e.args)
        if (is_key(site, keys, t) && t.var == rule.head_vars[j]) mask |= 1ULL << j;
    return mask;
  }

  std::shared_ptr<const UpdatePlan> make_plan() const {
    auto plan = std::make_shared<UpdatePlan>();
    for (const Rule& rule : p_.rules) plan->rules.push_back({atoms_of_body(rule.body), generated(rule.body, rule.var_names.size())});
    plan->strata = m_.strata_list();
    for (const auto& rels : plan->strata) {
      bool recursive = false;
      for (int r : rels)
        for (int ri : p_.relations[static_cast<std::size_t>(r)].rules)
          for (const AtomSite& s : plan->rules[static_cast<std::size_t>(ri)].atoms)
            recursive = recursive || std::find(rels.begin(), rels.end(), p_.exprs[static_cast<std::size_t>(s.atom)].relation) != rels.end();
      plan->recursive.push_back(recursive);
    }
    for (const Phase& ph : p_.phases) plan->phases.push_back(atoms_of_phase(ph));
    m_.phase_order_list(plan->phase_order);
    return plan;
  }

  void update_stratum(std::size_t s) {
    const std::vector<int>& rels = plan_->strata[s];
    bool reads = false;
    for (int r : rels)
      for (int ri : p_.relations[static_cast<std::size_t>(r)].rules)
        reads = reads || reads_touched(plan_->rules[static_cast<std::size_t>(ri)].atoms);
    if (!reads) {
      ++stats_.strata_skipped;
      return;
    }
    if (rels.size() == 1 && !plan_->recursive[s] && update_by_key(rels[0])) {
      ++stats_.strata_keyed;
      return;
    }
    recompute_stratum(rels);
    ++stats_.strata_recomputed;
  }

  // The tuples of relation r that a touched tuple may change, derived again one by one; false (and
  // nothing changed) when some rule reads a touched tuple through no column of its head.
  bool update_by_key(int r) {
    const Relation& rel = p_.relations[static_cast<std::size_t>(r)];
    const int arity = static_cast<int>(rel.param_names.size());
    if (arity >= 64) return false;
    Table& table = m_.tables[static_cast<std::size_t>(r)];
    Table candidates(arity);
    auto add = [&](const Id* key) {
      if (!candidates.find(key)) candidates.append(key, Truth::true_);
    };
    struct Site {
      int rule;
      const AtomSite* site;
      std::uint64_t mask;
    };
    std::vector<Site> sites;
    for (int ri : rel.rules) {
      const Rule& rule = p_.rules[static_cast<std::size_t>(ri)];
      const UpdatePlan::RuleSites& planned = plan_->rules[static_cast<std::size_t>(ri)];
      for (const AtomSite& s : planned.atoms) {
        if (!touched(p_.exprs[static_cast<std::size_t>(s.atom)].relation)) continue;
        std::uint64_t mask = head_mask(rule, s, planned.keys);
        if (arity > 0 && mask == 0) return false;
        sites.push_back({ri, &s, mask});
      }
    }
    std::vector<Id> head(static_cast<std::size_t>(arity));
    for (const Site& s : sites) {
      const Rule& rule = p_.rules[static_cast<std::size_t>(s.rule)];
      const Table& changed = touched_[static_cast<std::size_t>(p_.exprs[static_cast<std::size_t>(s.site->atom)].relation)];
      for (std::size_t d = 0; d < changed.rows(); ++d) {
        Frame fr = frame(rule.var_names.size());
        if (!bind_atom(*s.site, plan_->rules[static_cast<std::size_t>(s.rule)].keys, changed.row(d), fr)) continue;
        // The tuples the rule derived with these columns...
        for (std::size_t j = 0; j < head.size(); ++j) head[j] = (s.mask >> j) & 1 ? fr[static_cast<std::size_t>(rule.head_vars[j])] : kUnbound;
        table.for_matches(s.mask, head.data(), 0, table.rows(), [&](std::size_t row) { add(table.row(row)); });
        // ... and those it derives now.
        GenRanges none;
        auto yield = [&]() {
          if (m_.eval_truth(rule.body.expr, fr) == Truth::false_) return;
          for (std::size_t j = 0; j < head.size(); ++j) {
            int v = rule.head_vars[j];
            head[j] = v >= 0 && static_cast<std::size_t>(v) < fr.size() ? fr[static_cast<std::size_t>(v)] : kUnbound;
            if (head[j] == kUnbound) return;
            if (m_.in.uncertain(head[j])) throw Fallback{};
          }
          add(head.data());
        };
        m_.enumerate(rule.body.generators, 0, fr, none, yield);
      }
    }
    for (std::size_t c = 0; c < candidates.rows(); ++c) {
      const Id* key = candidates.row(c);
      Truth now = derive(r, key);
      auto row = table.find(key);
      Truth before = row ? table.truth[*row] : Truth::false_;
      if (row) {
        table.truth[*row] = now;
      } else if (now != Truth::false_) {
        table.append(key, now);
        m_.count_derived();
      }
      if (now != before || now == Truth::unknown || before == Truth::unknown) touch(r, key);
      ++stats_.tuples_rederived;
    }
    return true;
  }

  // A condition tuple's truth from all its rules: true when some body is true, unknown when some
  // body is unknown (what the certain and the possible fixpoints give a non-recursive stratum).
  Truth derive(int r, const Id* key) {
    Truth best = Truth::false_;
    const Relation& rel = p_.relations[static_cast<std::size_t>(r)];
    const std::vector<Id> head(key, key + rel.param_names.size());
    for (int ri : rel.rules) {
      const Rule& rule = p_.rules[static_cast<std::size_t>(ri)];
      Frame fr = frame(rule.var_names.size());
      if (!m_.bind_head(rule, head, fr)) continue;
      GenRanges none;
      auto yield = [&]() { best = truth_or(best, m_.eval_truth(rule.body.expr, fr)); };
      m_.enumerate(rule.body.generators, 0, fr, none, yield);
    }
    return best;
  }

  // A stratum evaluated again whole; the tuples whose truth differs (or is unknown) are touched.
  void recompute_stratum(const std::vector<int>& rels) {
    std::vector<Table> old;
    for (int r : rels) old.push_back(std::move(m_.tables[static_cast<std::size_t>(r)]));
    m_.run_stratum(rels);
    for (std::size_t k = 0; k < rels.size(); ++k) {
      const Table& now = m_.tables[static_cast<std::size_t>(rels[k])];
      if (!now.uncertain_rows.empty()) throw Fallback{};
      for (std::size_t row = 0; row < now.rows(); ++row) {
        auto was = old[k].find(now.row(row));
        Truth before = was ? old[k].truth[*was] : Truth::false_;
        if (before != now.truth[row] || before == Truth::unknown || now.truth[row] == Truth::unknown)
          touch(rels[k], now.row(row));
      }
      for (std::size_t row = 0; row < old[k].rows(); ++row)
        if (old[k].truth[row] != Truth::false_ && !now.find(old[k].row(row))) touch(rels[k], old[k].row(row));
    }
  }

  // ------------------------------------------------------------ phases

  // Gives every phase an index of its bindings (run_phases keeps one only for phases named in
  // `after`) and its verdicts: row i is result i, as run_phase wrote them.
  void index_phases() {
    if (m_.index_all_phases) return;
    for (std::size_t pid = 0; pid < p_.phases.size(); ++pid) {
      if (m_.named_in_after[pid]) continue;
      Table index(static_cast<int>(p_.phases[pid].params.size()));
      auto& verdicts = m_.phase_verdicts[pid];
      verdicts.clear();
      for (const PhaseResult& r : m_.results_of(static_cast<int>(pid))) {
        std::vector<Id> key = m_.key_of(r.args);
        index.append(key.data(), r.binding);
        verdicts.push_back(r.verdict);
      }
      m_.phase_absent[pid].assign(index.rows(), 0);
      m_.phase_index[pid] = std::move(index);
    }
    m_.index_all_phases = true;
  }

  void update_phases() {
    index_phases();
    changed_.clear();
    for (const Phase& ph : p_.phases) changed_.emplace_back(static_cast<int>(ph.params.size()));
    all_changed_.assign(p_.phases.size(), 0);
    for (int pid : plan_->phase_order) update_phase(pid);
  }

  std::vector<Table> changed_;     // per phase: bindings whose result changed
  std::vector<char> all_changed_;  // per phase: evaluated again whole

  std::vector<AtomSite> atoms_of_phase(const Phase& ph) const {
    std::vector<AtomSite> out = ph.for_each ? atoms_of_body(*ph.for_each) : std::vector<AtomSite>{};
    std::vector<int> locals;
    for (const Clause& c : ph.clauses) atoms_of(c.expr, locals, out);
    for (const Waiver& w : ph.waivers) atoms_of(w.expr, locals, out);
    return out;
  }

  void update_phase(int pid) {
    const Phase& ph = p_.phases[static_cast<std::size_t>(pid)];
    const std::size_t nparams = ph.params.size();
    const std::vector<AtomSite>& sites = plan_->phases[static_cast<std::size_t>(pid)];
    bool affected = reads_touched(sites), keyed = nparams > 0 && nparams < 64 && ph.for_each.has_value();
    for (int a : ph.after) {
      const std::size_t ai = static_cast<std::size_t>(a);
      if (!all_changed_[ai] && changed_[ai].rows() == 0) continue;
      affected = true;
      if (all_changed_[ai] || p_.phases[ai].params.size() != nparams) keyed = false;
    }
    if (!affected) {
      ++stats_.phases_skipped;
      return;
    }
    if (!keyed) {
      recompute_phase(pid);
      ++stats_.phases_recomputed;
      return;
    }
    // The bindings a touched tuple may change: those with the parameters it fills, had or new.
    Table candidates(static_cast<int>(nparams));
    auto add = [&](const Id* key) {
      for (std::size_t k = 0; k < nparams; ++k)
        if (key[k] == kUnbound) return;
        else if (m_.in.uncertain(key[k])) throw Fallback{};
      if (!candidates.find(key)) candidates.append(key, Truth::true_);
    };
    const Table& index = m_.phase_index[static_cast<std::size_t>(pid)];
    std::vector<Id> key(nparams);
    const std::vector<char> params(nparams, 1);  // the parameters are the keys: `for each` binds them
    const bool open_for_each = ph.for_each_atom != kNoExpr && [&] {
      const Relation& rel = p_.relations[static_cast<std::size_t>(p_.exprs[static_cast<std::size_t>(ph.for_each_atom)].relation)];
      return rel.kind == RelationKind::fact && rel.open;
    }();
    for (const AtomSite& s : sites) {
      const Table& changed = touched_[static_cast<std::size_t>(p_.exprs[static_cast<std::size_t>(s.atom)].relation)];
      if (changed.rows() == 0) continue;
      std::uint64_t mask = 0;
      for (const Term& t : p_.exprs[static_cast<std::size_t>(s.atom)].args)
        if (is_key(s, params, t)) mask |= 1ULL << t.var;
      if (mask == 0) {
        recompute_phase(pid);
        ++stats_.phases_recomputed;
        return;
      }
      for (std::size_t d = 0; d < changed.rows(); ++d) {
        Frame fr = frame(ph.var_names.size());
        if (!bind_atom(s, params, changed.row(d), fr)) continue;
        for (std::size_t k = 0; k < nparams; ++k) key[k] = (mask >> k) & 1 ? fr[k] : kUnbound;
        index.for_matches(mask, key.data(), 0, index.rows(), [&](std::size_t row) { add(index.row(row)); });
        // A binding or not: a phase after this one reads what the binding would be when it is not
        // one (absent_binding_verdict), from its `for each` tuple and, when that tuple is unknown,
        // its clauses too.
        if (s.atom == ph.for_each_atom || open_for_each) add(key.data());
        GenRanges none;
        auto yield = [&]() {
          if (ph.for_each->expr != kNoExpr && m_.count_truth(ph.for_each->expr, fr) == Truth::false_) return;
          add(fr.data());
        };
        m_.enumerate(ph.for_each->generators, 0, fr, none, yield);
      }
    }
    for (int a : ph.after) {
      const Table& changed = changed_[static_cast<std::size_t>(a)];
      for (std::size_t d = 0; d < changed.rows(); ++d) add(changed.row(d));
    }
    ++stats_.phases_keyed;
    for (std::size_t c = 0; c < candidates.rows(); ++c) reevaluate(pid, candidates.row(c));
  }

  // One binding of a phase evaluated again: its result replaced, added or removed.
  void reevaluate(int pid, const Id* key) {
    const Phase& ph = p_.phases[static_cast<std::size_t>(pid)];
    const std::size_t nparams = ph.params.size(), ip = static_cast<std::size_t>(pid);
    ++stats_.bindings_reevaluated;
    Frame fr = frame(std::max(ph.var_names.size(), nparams));
    std::copy(key, key + nparams, fr.begin());
    Truth binding = Truth::false_;
    GenRanges none;
    auto yield = [&]() {
      binding = truth_or(binding, ph.for_each->expr == kNoExpr ? Truth::true_ : m_.count_truth(ph.for_each->expr, fr));
    };
    m_.enumerate(ph.for_each->generators, 0, fr, none, yield);

    Table& index = m_.phase_index[ip];
    auto& verdicts = m_.phase_verdicts[ip];
    auto& absent = m_.phase_absent[ip];
    PhaseCount& count = m_.evaluation.counts[ip];
    auto tally = [&](Verdict v, int by) {
      std::uint64_t& n = v == Verdict::go ? count.go : v == Verdict::no_go ? count.no_go : count.undetermined;
      n = static_cast<std::uint64_t>(static_cast<std::int64_t>(n) + by);
    };
    auto row = index.find(key);
    const bool was = row && !absent[*row];
    auto [at, found] = m_.result_position(pid, key);
    if (was != found) throw Fallback{};  // the index and the results disagree: do not guess
    if (binding == Truth::false_) {
      if (!was) {  // still no binding, but its `for each` tuple changed: phases after this one look again
        mark_changed(pid, key);
        return;
      }
      tally(verdicts[*row], -1);
      absent[*row] = 1;
      remove_result(pid, at);
      mark_changed(pid, key);
      return;
    }
    PhaseResult pr;
    m_.phase_result(pid, key, binding, fr, true, pr);
    tally(pr.verdict, +1);
    if (was) {
      const PhaseResult& old = m_.evaluation.phases[at];
      tally(old.verdict, -1);
      if (old.verdict != pr.verdict || old.verdict == Verdict::undetermined || pr.verdict == Verdict::undetermined)
        mark_changed(pid, key);
      verdicts[*row] = pr.verdict;
      m_.evaluation.phases[at] = std::move(pr);
      return;
    }
    if (row) {
      absent[*row] = 0;
      verdicts[*row] = pr.verdict;
    } else {
      index.append(key, binding);
      verdicts.push_back(pr.verdict);
      absent.push_back(0);
    }
    insert_result(pid, at, std::move(pr));
    mark_changed(pid, key);
  }

  void mark_changed(int pid, const Id* key) {
    Table& t = changed_[static_cast<std::size_t>(pid)];
    if (!t.find(key)) t.append(key, Truth::true_);
  }

  // Results are one vector, phase after phase: the later phases' ranges move with an insertion.
  void shift_after(int pid, std::ptrdiff_t by) {
    auto& ranges = m_.phase_range;
    ranges[static_cast<std::size_t>(pid)].second = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(ranges[static_cast<std::size_t>(pid)].second) + by);
    for (std::size_t q = static_cast<std::size_t>(pid) + 1; q < ranges.size(); ++q) {
      ranges[q].first = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(ranges[q].first) + by);
      ranges[q].second = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(ranges[q].second) + by);
    }
  }
  void insert_result(int pid, std::size_t at, PhaseResult pr) {
    auto& all = m_.evaluation.phases;
    all.insert(all.begin() + static_cast<std::ptrdiff_t>(at), std::move(pr));
    shift_after(pid, 1);
  }
  void remove_result(int pid, std::size_t at) {
    auto& all = m_.evaluation.phases;
    all.erase(all.begin() + static_cast<std::ptrdiff_t>(at));
    shift_after(pid, -1);
  }

  // A phase evaluated again whole: its results, index and counts replaced.
  void recompute_phase(int pid) {
    const std::size_t ip = static_cast<std::size_t>(pid);
    m_.phase_verdicts[ip].clear();
    m_.evaluation.counts[ip] = PhaseCount{pid, 0, 0, 0};
    std::vector<PhaseResult> results;
    m_.run_phase(pid, m_.phase_bindings(pid), results);
    for (const PhaseResult& r : results)
      for (const Constant& c : r.args)
        if (std::holds_alternative<Unknown>(c)) throw Fallback{};  // an uncertain value: no order to keep
    auto& all = m_.evaluation.phases;
    auto [lo, hi] = m_.phase_range[ip];
    const auto first = all.begin() + static_cast<std::ptrdiff_t>(lo);
    const std::ptrdiff_t by = static_cast<std::ptrdiff_t>(results.size()) - static_cast<std::ptrdiff_t>(hi - lo);
    all.erase(first, all.begin() + static_cast<std::ptrdiff_t>(hi));
    all.insert(all.begin() + static_cast<std::ptrdiff_t>(lo), std::make_move_iterator(results.begin()),
               std::make_move_iterator(results.end()));
    shift_after(pid, by);
    all_changed_[ip] = 1;
    stats_.bindings_reevaluated += results.size();
  }
};

}  // namespace

UpdateOutcome Model::update(const std::vector<ChangedFact>& changes) {
  if (impl_->opt.facts_fixed)
    throw std::logic_error("Model::update: the model was evaluated with EvalOptions::facts_fixed");
  UpdateOutcome out;
  if (!impl_->broken && !impl_->opt.phases) {  // a model of some phases only is evaluated again whole
    try {
      out.error = guarded([&] { out.stats = Updater(*impl_).run(changes); });
      impl_->broken = out.error.has_value();
      return out;
    } catch (const Fallback&) {
    }
  }
  // Everything again, on the facts as they are now.
  auto fresh = std::make_unique<Impl>(impl_->p, impl_->f, impl_->opt);
  out.error = run_all(fresh);
  if (out.error) {
    impl_->broken = true;
    return out;
  }
  impl_ = std::move(fresh);
  out.stats = UpdateStats{};
  out.stats.full = true;
  return out;
}

}  // namespace phasegate::engine
