// The naive reference evaluator used by the differential and soundness tests.
#include "reference.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <optional>
#include <set>

#include "engine/eval/value.hpp"

namespace pgtest {

namespace {

using Assignment = std::vector<std::optional<Constant>>;
using Key = std::vector<std::string>;

struct Ref {
  const Program& p;
  const FactBase& f;
  Date today;
  std::vector<Constant> domain;
  struct FactRow {
    Truth truth;
    Value value;
  };
  std::vector<std::map<Key, FactRow>> facts;
  std::vector<std::map<Key, Truth>> conds;       // evaluated strata: true / unknown
  std::vector<std::set<Key>> current;            // the running pass of the current stratum
  std::vector<char> in_current;
  bool certain = true;

  Ref(const Program& program, const FactBase& fb, Date t) : p(program), f(fb), today(t) {}

  std::string text(const Constant& c) const { return format_constant_text(c, p); }

  void setup() {
    std::set<std::string> seen;
    auto add = [&](const Constant& c) {
      if (std::holds_alternative<Unknown>(c)) return;
      std::string k = std::to_string(c.index()) + text(c);
      if (seen.insert(k).second) domain.push_back(c);
    };
    for (std::size_t r = 0; r < f.relations(); ++r)
      for (std::size_t i = 0; i < f.size(static_cast<int>(r)); ++i)
        for (const auto& a : f.args(static_cast<int>(r), i)) add(a);
    for (const auto& e : p.exprs)
      for (const auto& t : e.args)
        if (t.kind == Term::Kind::constant) add(t.constant);
    facts.resize(p.relations.size());
    conds.resize(p.relations.size());
    current.resize(p.relations.size());
    in_current.assign(p.relations.size(), 0);
    for (std::size_t r = 0; r < p.relations.size() && r < f.relations(); ++r) {
      const Relation& rel = p.relations[r];
      for (std::size_t i = 0; i < f.size(static_cast<int>(r)); ++i) {
        const FactEntry e = f.entry(static_cast<int>(r), i);
        Key key;
        for (const auto& a : e.args) key.push_back(text(a));
        FactRow row{Truth::true_, Value::of_truth(Truth::true_)};
        bool valued = rel.value_type && rel.value_type->base != BaseType::boolean;
        if (valued) {
          row.value = e.value ? value_of_constant(*e.value, &*rel.value_type, p) : Value::unknown_of(*rel.value_type, p);
        } else if (e.value) {
          if (std::holds_alternative<bool>(*e.value)) row.truth = std::get<bool>(*e.value) ? Truth::true_ : Truth::false_;
          if (std::holds_alternative<Unknown>(*e.value)) row.truth = Truth::unknown;
          row.value = Value::of_truth(row.truth);
        }
        facts[r][key] = row;
      }
    }
  }

  bool is_open(int r) const {
    const Relation& rel = p.relations[static_cast<std::size_t>(r)];
    return rel.kind == RelationKind::fact && (rel.open || rel.param_names.empty());
  }
  bool valued(int r) const {
    const Relation& rel = p.relations[static_cast<std::size_t>(r)];
    return rel.value_type && rel.value_type->base != BaseType::boolean;
  }

  // Every way to fill the unbound argument positions of an atom from the domain.
  void each_key(const Expr& e, const Assignment& a, const std::function<void(const Key&)>& fn) {
    Key key(e.args.size());
    std::function<void(std::size_t)> go = [&](std::size_t k) {
      if (k == e.args.size()) {
        fn(key);
        return;
      }
      const Term& t = e.args[k];
      if (t.kind == Term::Kind::constant) {
        key[k] = text(t.constant);
        go(k + 1);
      } else if (t.kind == Term::Kind::variable && a[static_cast<std::size_t>(t.var)]) {
        key[k] = text(*a[static_cast<std::size_t>(t.var)]);
        go(k + 1);
      } else {
        for (const Constant& c : domain) {
          key[k] = text(c);
          go(k + 1);
        }
      }
    };
    go(0);
  }

  Truth tuple_truth(int r, const Key& key) {
    const Relation& rel = p.relations[static_cast<std::size_t>(r)];
    if (rel.kind == RelationKind::condition) {
      if (in_current[static_cast<std::size_t>(r)]) return current[static_cast<std::size_t>(r)].count(key) ? Truth::true_ : Truth::false_;
      auto it = conds[static_cast<std::size_t>(r)].find(key);
      return it == conds[static_cast<std::size_t>(r)].end() ? Truth::false_ : it->second;
    }
    auto it = facts[static_cast<std::size_t>(r)].find(key);
    if (it == facts[static_cast<std::size_t>(r)].end()) return is_open(r) ? Truth::unknown : Truth::false_;
    return it->second.truth;
  }

  bool listed(int r, const Key& key) {
    const Relation& rel = p.relations[static_cast<std::size_t>(r)];
    if (rel.kind == RelationKind::condition) return tuple_truth(r, key) != Truth::false_;
    auto it = facts[static_cast<std::size_t>(r)].find(key);
    return it != facts[static_cast<std::size_t>(r)].end() && it->second.truth != Truth::false_;
  }

  Truth atom(const Expr& e, const Assignment& a) {
    Truth best = Truth::false_;
    each_key(e, a, [&](const Key& k) { best = truth_or(best, tuple_truth(e.relation, k)); });
    return best;
  }

  Value atom_value(const Expr& e, const Assignment& a) {
    if (!valued(e.relation)) return Value::of_truth(atom(e, a));
    Key key;
    for (const Term& t : e.args) key.push_back(t.kind == Term::Kind::constant ? text(t.constant) : text(*a[static_cast<std::size_t>(t.var)]));
    auto it = facts[static_cast<std::size_t>(e.relation)].find(key);
    if (it == facts[static_cast<std::size_t>(e.relation)].end())
      return is_open(e.relation) ? Value::unknown_of(*p.relations[static_cast<std::size_t>(e.relation)].value_type, p) : Value::none();
    return it->second.value;
  }

  Truth truth(ExprId id, Assignment& a) {
    if (id == kNoExpr) return Truth::true_;
    Value v = eval(id, a);
    if (v.kind == Value::Kind::truth) return v.truth;
    return v.kind == Value::Kind::none ? Truth::false_ : Truth::unknown;
  }

  Value eval(ExprId id, Assignment& a) {
    const Expr& e = p.exprs[static_cast<std::size_t>(id)];
    switch (e.kind) {
      case ExprKind::constant: return value_of_constant(e.constant, &e.type, p);
      case ExprKind::today: return Value::point(BaseType::date, Decimal::from_int(today.days));
      case ExprKind::variable: return value_of_constant(*a[static_cast<std::size_t>(e.var)], &e.type, p);
      case ExprKind::atom: {
        // A closed `: bool` relation's unlisted tuple has no value (LANGUAGE.md 3.2).
        const Truth t = atom(e, a);
        const Relation& rel = p.relations[static_cast<std::size_t>(e.relation)];
        if (t == Truth::false_ && rel.kind == RelationKind::fact && !rel.open && !rel.param_names.empty() &&
            rel.value_type && rel.value_type->base == BaseType::boolean) {
          bool any = false;
          each_key(e, a, [&](const Key& k) { any = any || facts[static_cast<std::size_t>(e.relation)].count(k) > 0; });
          if (!any) return Value::none();
        }
        return Value::of_truth(t);
      }
      case ExprKind::atom_value: return atom_value(e, a);
      case ExprKind::not_: return Value::of_truth(truth_not(truth(e.children[0], a)));
      case ExprKind::and_: {
        Truth t = Truth::true_;
        for (ExprId c : e.children) t = truth_and(t, truth(c, a));
        return Value::of_truth(t);
      }
      case ExprKind::or_: {
        Truth t = Truth::false_;
        for (ExprId c : e.children) t = truth_or(t, truth(c, a));
        return Value::of_truth(t);
      }
      case ExprKind::compare: {
        Value x = eval(e.children[0], a), y = eval(e.children[1], a);
        return Value::of_truth(compare(e.cmp, x, y));
      }
      case ExprKind::arith: {
        Value x = eval(e.children[0], a), y = eval(e.children[1], a), out;
        if (arith(e.arith, x, y, e.type.base, out) != ArithStatus::ok) throw std::runtime_error("arith error");
        return out;
      }
      case ExprKind::negate: {
        Value out;
        negate(eval(e.children[0], a), out);
        return out;
      }
      case ExprKind::bind: {
        Value x = value_of_constant(*a[static_cast<std::size_t>(e.var)], nullptr, p), y = eval(e.children[0], a);
        return Value::of_truth(compare(CompareOp::eq, x, y));
      }
      case ExprKind::aggregate: return aggregate(e, a);
    }
    return Value::none();
  }

  // Enumerates the given slots over the domain.
  void each_assignment(const std::vector<int>& slots, std::size_t k, Assignment& a, const std::function<void()>& fn) {
    if (k == slots.size()) {
      fn();
      return;
    }
    for (const Constant& c : domain) {
      a[static_cast<std::size_t>(slots[k])] = c;
      each_assignment(slots, k + 1, a, fn);
    }
    a[static_cast<std::size_t>(slots[k])].reset();
  }

  Key key_of(const Expr& e, const Assignment& a) const {
    Key key;
    for (const Term& t : e.args) key.push_back(t.kind == Term::Kind::constant ? text(t.constant) : text(*a[static_cast<std::size_t>(t.var)]));
    return key;
  }

  Value aggregate(const Expr& e, Assignment& a) {
    bool open_side = false;
    for (ExprId g : e.generators) {
      const Expr& ge = p.exprs[static_cast<std::size_t>(g)];
      if ((ge.kind == ExprKind::atom || ge.kind == ExprKind::atom_value) && p.relations[static_cast<std::size_t>(ge.relation)].open)
        for (const Term& t : ge.args)
          if (t.kind == Term::Kind::variable && std::find(e.locals.begin(), e.locals.end(), t.var) != e.locals.end()) open_side = true;
    }
    struct Item {
      Truth part;
      Value v;
    };
    std::vector<Item> items;
    each_assignment(e.locals, 0, a, [&]() {
      Truth part = Truth::true_;
      for (ExprId g : e.generators) {
        const Expr& ge = p.exprs[static_cast<std::size_t>(g)];
        if (ge.kind != ExprKind::atom && ge.kind != ExprKind::atom_value) continue;
        Key key = key_of(ge, a);
        if (!listed(ge.relation, key)) return;  // generators range over listed tuples
        if (ge.kind == ExprKind::atom) part = truth_and(part, tuple_truth(ge.relation, key));
      }
      if (e.children.size() > 1) part = truth_and(part, truth(e.children[1], a));
      const Expr& body = p.exprs[static_cast<std::size_t>(e.children[0])];
      if (e.agg == AggregateOp::count) {
        Truth bt = (body.kind == ExprKind::atom || body.kind == ExprKind::atom_value) ? tuple_truth(body.relation, key_of(body, a))
                                                                                     : truth(e.children[0], a);
        part = truth_and(part, bt);
        if (part != Truth::false_) items.push_back({part, Value::none()});
        return;
      }
      if (part == Truth::false_) return;
      Value v = eval(e.children[0], a);
      if (v.kind != Value::Kind::numeric) return;
      if (v.maybe_none) part = truth_and(part, Truth::unknown);
      items.push_back({part, v});
    });
    const Bound zero = Bound::finite(Decimal{});
    Value open_range = Value::range(BaseType::number, Bound::minus_infinity(), Bound::plus_infinity());
    const Expr& body = p.exprs[static_cast<std::size_t>(e.children[0])];
    if (body.kind == ExprKind::atom_value && p.relations[static_cast<std::size_t>(body.relation)].open && valued(body.relation))
      open_range = Value::unknown_of(*p.relations[static_cast<std::size_t>(body.relation)].value_type, p);
    if (e.agg == AggregateOp::count) {
      long lo = 0, hi = 0;
      for (const Item& it : items) {
        lo += it.part == Truth::true_;
        hi += 1;
      }
      Value v = Value::range(BaseType::number, Bound::finite(Decimal::from_int(lo)), Bound::finite(Decimal::from_int(hi)));
      if (open_side) v.hi = Bound::plus_infinity();
      return v;
    }
    if (e.agg == AggregateOp::sum) {
      Value total = Value::point(e.type.base, Decimal{});
      for (const Item& it : items) {
        Value add = it.v;
        add.maybe_none = false;
        if (it.part == Truth::unknown) {
          if (zero < add.lo) add.lo = zero;
          if (add.hi < zero) add.hi = zero;
        }
        Value out;
        arith(ArithOp::add, total, add, total.base, out);
        total = out;
      }
      if (open_side) {
        if (open_range.lo < zero) total.lo = Bound::minus_infinity();
        if (zero < open_range.hi) total.hi = Bound::plus_infinity();
      }
      return total;
    }
    // min / max: the definite participants bound the result on one side, everyone on the other.
    bool is_min = e.agg == AggregateOp::min;
    std::optional<Bound> lo_all, hi_all, lo_def, hi_def;
    for (const Item& it : items) {
      if (!lo_all || it.v.lo < *lo_all) lo_all = it.v.lo;
      if (!hi_all || *hi_all < it.v.hi) hi_all = it.v.hi;
      if (it.part == Truth::true_) {
        if (is_min) {
          if (!lo_def || it.v.lo < *lo_def) lo_def = it.v.lo;
          if (!hi_def || it.v.hi < *hi_def) hi_def = it.v.hi;
        } else {
          if (!lo_def || *lo_def < it.v.lo) lo_def = it.v.lo;
          if (!hi_def || *hi_def < it.v.hi) hi_def = it.v.hi;
        }
      }
    }
    Value v;
    bool definite = lo_def.has_value();
    if (definite) {
      v = is_min ? Value::range(e.type.base, *lo_all, *hi_def, e.type.enumeration)
                 : Value::range(e.type.base, *lo_def, *hi_all, e.type.enumeration);
    } else if (!items.empty()) {
      v = Value::range(e.type.base, *lo_all, *hi_all, e.type.enumeration);
      v.maybe_none = true;
    } else if (!open_side) {
      return Value::none();
    } else {
      v = Value::range(e.type.base, open_range.lo, open_range.hi, e.type.enumeration);
      v.maybe_none = true;
      return v;
    }
    if (open_side) {
      if (is_min) {
        if (open_range.lo < v.lo) v.lo = open_range.lo;
        if (!definite && v.hi < open_range.hi) v.hi = open_range.hi;
      } else {
        if (v.hi < open_range.hi) v.hi = open_range.hi;
        if (!definite && open_range.lo < v.lo) v.lo = open_range.lo;
      }
    }
    return v;
  }

  // Slots of a frame that are not aggregate locals.
  std::vector<int> free_slots(std::size_t frame, const std::vector<ExprId>& roots) {
    std::set<int> locals;
    std::function<void(ExprId)> walk = [&](ExprId id) {
      if (id == kNoExpr) return;
      const Expr& e = p.exprs[static_cast<std::size_t>(id)];
      if (e.kind == ExprKind::aggregate) locals.insert(e.locals.begin(), e.locals.end());
      for (ExprId c : e.children) walk(c);
    };
    for (ExprId r : roots) walk(r);
    std::vector<int> out;
    for (std::size_t s = 0; s < frame; ++s)
      if (!locals.count(static_cast<int>(s))) out.push_back(static_cast<int>(s));
    return out;
  }

  void run_stratum(const std::vector<int>& rels) {
    std::set<Key> empty;
    std::vector<std::set<Key>> certain_sets, possible_sets;
    for (int pass = 0; pass < 2; ++pass) {
      certain = pass == 0;
      for (int r : rels) {
        in_current[static_cast<std::size_t>(r)] = 1;
        current[static_cast<std::size_t>(r)].clear();
      }
      for (bool changed = true; changed;) {
        changed = false;
        for (int r : rels)
          for (int ri : p.relations[static_cast<std::size_t>(r)].rules) {
            const Rule& rule = p.rules[static_cast<std::size_t>(ri)];
            Assignment a(rule.var_names.size());
            std::vector<int> slots = free_slots(rule.var_names.size(), {rule.body.expr});
            std::vector<ExprId> binds;
            for (ExprId g : rule.body.generators)
              if (p.exprs[static_cast<std::size_t>(g)].kind == ExprKind::bind) {
                binds.push_back(g);
                slots.erase(std::remove(slots.begin(), slots.end(), p.exprs[static_cast<std::size_t>(g)].var), slots.end());
              }
            each_assignment(slots, 0, a, [&]() {
              // `d = EXPR`: d takes EXPR's value (only known values occur in the completions checked)
              std::vector<int> bound;
              struct Reset {
                Assignment& a;
                std::vector<int>& bound;
                ~Reset() {
                  for (int v : bound) a[static_cast<std::size_t>(v)].reset();
                }
              } reset{a, bound};
              for (ExprId g : binds) {
                const Expr& be = p.exprs[static_cast<std::size_t>(g)];
                Value v = eval(be.children[0], a);
                if (v.kind == Value::Kind::none) return;
                if (!v.is_known()) throw std::runtime_error("reference: a binding to an unknown value");
                a[static_cast<std::size_t>(be.var)] = constant_of_value(v);
                bound.push_back(be.var);
              }
              // generators range over listed tuples: an unlisted generator tuple binds nothing
              for (ExprId g : rule.body.generators) {
                const Expr& ge = p.exprs[static_cast<std::size_t>(g)];
                if ((ge.kind == ExprKind::atom || ge.kind == ExprKind::atom_value) && !listed(ge.relation, key_of(ge, a))) return;
              }
              Truth t = truth(rule.body.expr, a);
              if (certain ? t != Truth::true_ : t == Truth::false_) return;
              Key head;
              for (int v : rule.head_vars) head.push_back(text(*a[static_cast<std::size_t>(v)]));
              if (current[static_cast<std::size_t>(r)].insert(head).second) changed = true;
            });
          }
      }
      for (int r : rels) (pass == 0 ? certain_sets : possible_sets).push_back(current[static_cast<std::size_t>(r)]);
    }
    for (std::size_t k = 0; k < rels.size(); ++k) {
      int r = rels[k];
      in_current[static_cast<std::size_t>(r)] = 0;
      for (const Key& key : possible_sets[k])
        conds[static_cast<std::size_t>(r)][key] = certain_sets[k].count(key) ? Truth::true_ : Truth::unknown;
    }
  }

  static Truth of(Verdict v) { return v == Verdict::go ? Truth::true_ : v == Verdict::no_go ? Truth::false_ : Truth::unknown; }
  static Verdict verdict(Truth t) { return t == Truth::true_ ? Verdict::go : t == Truth::false_ ? Verdict::no_go : Verdict::undetermined; }

  // The value of a phase's binding `args` whose `for each` has the value `binding`: its clauses
  // with their waivers, and its after-phases. An after-phase without that binding is false, unless
  // its `for each` tuple is unknown (an open relation's unlisted tuple): then the binding may exist,
  // and counts with the value it would have as an unknown binding.
  Truth phase_value(int pid, const std::vector<Constant>& args, Truth binding,
                    const std::vector<std::map<std::vector<std::string>, Verdict>>& verdicts) {
    const Phase& ph = p.phases[static_cast<std::size_t>(pid)];
    const std::size_t n = ph.params.size();
    Assignment a(std::max(ph.var_names.size(), n));
    for (std::size_t i = 0; i < n; ++i) a[i] = args[i];
    Truth all = binding;
    for (const Clause& c : ph.clauses) {
      Truth v = truth(c.expr, a);
      Truth met = c.kind == ClauseKind::require ? v : truth_not(v);
      for (int w : c.waivers) met = truth_or(met, truth(ph.waivers[static_cast<std::size_t>(w)].expr, a));
      all = truth_and(all, met);
    }
    std::vector<std::string> key;
    for (const Constant& c : args) key.push_back(text(c));
    for (int o : ph.after) {
      const Phase& other = p.phases[static_cast<std::size_t>(o)];
      const auto& ov = verdicts[static_cast<std::size_t>(o)];
      Truth t;
      if (other.params.empty()) {
        t = ov.empty() ? Truth::false_ : of(ov.begin()->second);
      } else if (other.params.size() == n) {
        auto it = ov.find(key);
        if (it != ov.end()) {
          t = of(it->second);
        } else {
          Assignment oa(std::max(other.var_names.size(), n));
          for (std::size_t i = 0; i < n; ++i) oa[i] = args[i];
          Truth ob = other.for_each ? truth(other.for_each->expr, oa) : Truth::false_;
          t = ob == Truth::false_ ? Truth::false_ : phase_value(o, args, Truth::unknown, verdicts);
        }
      } else {
        t = Truth::true_;
        for (const auto& [k2, v2] : ov) t = truth_and(t, of(v2));
      }
      all = truth_and(all, t);
    }
    return all;
  }

  RefResult run() {
    setup();
    for (const auto& s : p.strata) run_stratum(s);
    RefResult out;
    for (std::size_t r = 0; r < p.relations.size(); ++r)
      for (const auto& [key, t] : conds[r]) {
        std::string k = p.relations[r].name;
        if (!key.empty()) {
          k += "(";
          for (std::size_t i = 0; i < key.size(); ++i) k += (i ? ", " : "") + key[i];
          k += ")";
        }
        out.conditions[k] = t;
      }
    std::vector<std::map<std::vector<std::string>, Verdict>> verdicts(p.phases.size());
    for (int pid : p.phase_order) {
      const Phase& ph = p.phases[static_cast<std::size_t>(pid)];
      std::size_t n = ph.params.size();
      std::map<std::vector<std::string>, std::pair<std::vector<Constant>, Truth>> bindings;
      if (ph.for_each) {
        std::size_t frame = std::max(ph.var_names.size(), n);
        Assignment a(frame);
        std::vector<int> slots = free_slots(frame, {ph.for_each->expr});
        each_assignment(slots, 0, a, [&]() {
          for (ExprId g : ph.for_each->generators) {
            const Expr& ge = p.exprs[static_cast<std::size_t>(g)];
            if ((ge.kind == ExprKind::atom || ge.kind == ExprKind::atom_value) && !listed(ge.relation, key_of(ge, a))) return;
          }
          Truth t = truth(ph.for_each->expr, a);
          if (t == Truth::false_) return;
          std::vector<std::string> key;
          std::vector<Constant> args;
          for (std::size_t i = 0; i < n; ++i) {
            key.push_back(text(*a[i]));
            args.push_back(*a[i]);
          }
          auto [it, fresh] = bindings.emplace(key, std::pair(args, t));
          if (!fresh) it->second.second = truth_or(it->second.second, t);
        });
      } else if (n == 0) {
        bindings[{}] = {{}, Truth::true_};
      }
      for (auto& [key, bt] : bindings) {
        Truth all = phase_value(pid, bt.first, bt.second, verdicts);
        verdicts[static_cast<std::size_t>(pid)][key] = verdict(all);
        out.verdicts[ref_key(p, ph.name, bt.first)] = verdict(all);
        out.bindings[ref_key(p, ph.name, bt.first)] = bt.second;
      }
    }
    return out;
  }
};

}  // namespace

std::string ref_key(const Program& p, const std::string& name, const std::vector<Constant>& args) {
  if (args.empty()) return name;
  std::string k = name + "(";
  for (std::size_t i = 0; i < args.size(); ++i) k += (i ? ", " : "") + format_constant_text(args[i], p);
  return k + ")";
}

RefResult reference_evaluate(const Program& p, const FactBase& f, Date today) {
  Ref ref(p, f, today);
  return ref.run();
}

}  // namespace pgtest
