// Builds explanations: the why tree from a phase verdict down to its input facts, and the smallest
// sets of atomic conditions whose change would make the phase GO or NO-GO.
#include "engine/explain/explain.hpp"

#include <algorithm>
#include <cstdio>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "engine/check/check.hpp"
#include "engine/eval/value.hpp"
#include "grammar/parse.hpp"

namespace phasegate::engine {

// Defined in render.cpp: a change of a set as text (`x < 4`, `not c`).
std::string explain_change_text(const Explanation& e, const Change& ch);

const char* to_string(NodeKind k) {
  switch (k) {
    case NodeKind::phase: return "phase";
    case NodeKind::binding: return "for_each";
    case NodeKind::after: return "after";
    case NodeKind::require: return "require";
    case NodeKind::block: return "block";
    case NodeKind::waiver: return "waiver";
    case NodeKind::and_: return "and";
    case NodeKind::or_: return "or";
    case NodeKind::not_: return "not";
    case NodeKind::condition: return "condition";
    case NodeKind::rule: return "rule";
    case NodeKind::comparison: return "comparison";
    case NodeKind::atom: return "atom";
    case NodeKind::constant: return "constant";
    case NodeKind::aggregate: return "aggregate";
    case NodeKind::derivation: return "derivation";
  }
  return "?";
}

namespace {

using Clock = std::chrono::steady_clock;
using Names = std::vector<std::string>;

Truth truth_of_value(const Value& v) {
  switch (v.kind) {
    case Value::Kind::truth: return v.truth;
    case Value::Kind::none: return Truth::false_;
    default: return v.is_known() ? Truth::true_ : Truth::unknown;
  }
}

Truth verdict_truth(Verdict v) {
  switch (v) {
    case Verdict::go: return Truth::true_;
    case Verdict::no_go: return Truth::false_;
    default: return Truth::unknown;
  }
}

const char* op_text(CompareOp op) {
  switch (op) {
    case CompareOp::eq: return "=";
    case CompareOp::ne: return "!=";
    case CompareOp::lt: return "<";
    case CompareOp::le: return "<=";
    case CompareOp::gt: return ">";
    case CompareOp::ge: return ">=";
  }
  return "?";
}

CompareOp op_negated(CompareOp op) {
  switch (op) {
    case CompareOp::eq: return CompareOp::ne;
    case CompareOp::ne: return CompareOp::eq;
    case CompareOp::lt: return CompareOp::ge;
    case CompareOp::le: return CompareOp::gt;
    case CompareOp::gt: return CompareOp::le;
    case CompareOp::ge: return CompareOp::lt;
  }
  return op;
}

const char* op_words(CompareOp op) {
  switch (op) {
    case CompareOp::eq: return "equal to";
    case CompareOp::ne: return "other than";
    case CompareOp::lt: return "less than";
    case CompareOp::le: return "at most";
    case CompareOp::gt: return "more than";
    case CompareOp::ge: return "at least";
  }
  return "?";
}

// Numbers in questions read as people write them: 1_500 -> 1 500.
std::string spoken(std::string s) {
  for (std::size_t i = 1; i + 1 < s.size(); ++i)
    if (s[i] == '_' && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
        std::isdigit(static_cast<unsigned char>(s[i + 1])))
      s[i] = ' ';
  return s;
}

int precedence(const Expr& x) {
  switch (x.kind) {
    case ExprKind::or_: return 1;
    case ExprKind::and_: return 2;
    case ExprKind::not_: return 3;
    case ExprKind::compare:
    case ExprKind::bind: return 4;
    case ExprKind::arith: return (x.arith == ArithOp::add || x.arith == ArithOp::sub) ? 5 : 6;
    case ExprKind::negate: return 7;
    default: return 8;
  }
}

// Per-atomic-condition details the renderers do not need.
struct LeafInfo {
  ExprId expr = kNoExpr;  // kNoExpr: the `for each` atom's truth comes from the row
  Binding binding;
  std::vector<FactRef> facts;
};

// A set of literals: condition*2 + (make_true ? 1 : 0), sorted.
using Lits = std::vector<int>;
struct Sets {
  std::vector<Lits> sets;
  bool complete = true;
};

class Builder {
 public:
  Builder(const Model& m, const ExplainOptions& opt, Explanation& e)
      : m_(m), p_(m.program()), fb_(m.facts()), opt_(opt), e_(e), start_(Clock::now()) {
    if (opt.expandable && opt.expandable->size() == p_.relations.size())
      expandable_.assign(opt.expandable->begin(), opt.expandable->end());
    else
      expandable_.assign(p_.relations.size(), -1);
  }

  // A read of the model: under ExplainOptions::model_lock when there is one (the facts are read
  // without it: see ExplainOptions::model_lock).
  template <class Read>
  auto reading(Read&& read) const {
    if (!opt_.model_lock) return read();
    std::lock_guard lock(*opt_.model_lock);
    return read();
  }

  bool out_of_time() const {
    return std::chrono::duration<double>(Clock::now() - start_).count() > opt_.max_seconds;
  }

  // ------------------------------------------------------------ text of expressions

  std::string constant_text(const Constant& c) const { return format_constant_text(c, p_); }

  void term_to(std::string& s, const Term& t, const Binding& b, const Names& names) const {
    switch (t.kind) {
      case Term::Kind::constant: s += constant_text(t.constant); return;
      case Term::Kind::wildcard:  // `_` is a slot of its own: a derivation binds it
      case Term::Kind::variable:
        if (t.var >= 0 && static_cast<std::size_t>(t.var) < b.size() && b[static_cast<std::size_t>(t.var)]) {
          s += constant_text(*b[static_cast<std::size_t>(t.var)]);
          return;
        }
        if (t.kind == Term::Kind::wildcard) {
          s += '_';
          return;
        }
        s += t.var >= 0 && static_cast<std::size_t>(t.var) < names.size() ? names[static_cast<std::size_t>(t.var)] : "_";
        return;
    }
    s += '_';
  }

  // An expression as written, its bound variables replaced by their values (`fuel(87) < 10`).
  std::string render(ExprId id, const Binding& b, const Names& names) const {
    std::string s;
    render_to(s, id, b, names);
    return s;
  }

  // The text of an expression, appended (in parentheses when it binds less tightly than min_prec).
  void wrap_to(std::string& s, ExprId id, int min_prec, const Binding& b, const Names& names) const {
    const bool paren = precedence(p_.exprs[static_cast<std::size_t>(id)]) < min_prec;
    if (paren) s += '(';
    render_to(s, id, b, names);
    if (paren) s += ')';
  }

  void render_to(std::string& s, ExprId id, const Binding& b, const Names& names) const {
    if (id < 0 || static_cast<std::size_t>(id) >= p_.exprs.size()) return;
    const Expr& x = p_.exprs[static_cast<std::size_t>(id)];
    switch (x.kind) {
      case ExprKind::constant: s += constant_text(x.constant); return;
      case ExprKind::today: s += "today"; return;
      case ExprKind::variable: {
        Term t;
        t.kind = Term::Kind::variable;
        t.var = x.var;
        term_to(s, t, b, names);
        return;
      }
      case ExprKind::atom:
      case ExprKind::atom_value: {
        s += p_.relations[static_cast<std::size_t>(x.relation)].name;
        if (!x.args.empty()) {
          s += '(';
          for (std::size_t k = 0; k < x.args.size(); ++k) {
            if (k) s += ", ";
            term_to(s, x.args[k], b, names);
          }
          s += ')';
        }
        return;
      }
      case ExprKind::aggregate: {
        static const char* agg_names[] = {"count", "sum", "min", "max"};
        s += agg_names[static_cast<int>(x.agg)];
        s += '(';
        if (!x.children.empty()) render_to(s, x.children[0], b, names);
        if (x.children.size() > 1) {
          s += " where ";
          render_to(s, x.children[1], b, names);
        }
        s += ')';
        return;
      }
      case ExprKind::not_: {
        ExprId c = x.children.at(0);
        const Expr& cx = p_.exprs[static_cast<std::size_t>(c)];
        if (cx.kind == ExprKind::compare) {
          s += "not (";
          render_to(s, c, b, names);
          s += ')';
          return;
        }
        s += "not ";
        wrap_to(s, c, 3, b, names);
        return;
      }
      case ExprKind::negate:
        s += '-';
        wrap_to(s, x.children.at(0), 8, b, names);
        return;
      case ExprKind::and_:
      case ExprKind::or_: {
        int own = precedence(x);
        for (std::size_t k = 0; k < x.children.size(); ++k) {
          if (k) s += x.kind == ExprKind::and_ ? " and " : " or ";
          wrap_to(s, x.children[k], own + 1, b, names);
        }
        return;
      }
      case ExprKind::compare:
        wrap_to(s, x.children.at(0), 5, b, names);
        s += ' ';
        s += op_text(x.cmp);
        s += ' ';
        wrap_to(s, x.children.at(1), 5, b, names);
        return;
      case ExprKind::arith: {
        static const char* ops[] = {"+", "-", "*", "/"};
        int own = precedence(x);
        bool right_strict = x.arith == ArithOp::sub || x.arith == ArithOp::div;
        wrap_to(s, x.children.at(0), own, b, names);
        s += ' ';
        s += ops[static_cast<int>(x.arith)];
        s += ' ';
        wrap_to(s, x.children.at(1), right_strict ? own + 1 : own, b, names);
        return;
      }
      case ExprKind::bind:
        s += x.var >= 0 && static_cast<std::size_t>(x.var) < names.size() ? names[static_cast<std::size_t>(x.var)]
                                                                          : std::string("_");
        s += " = ";
        wrap_to(s, x.children.at(0), 5, b, names);
        return;
    }
    s += x.text;
  }

  // ------------------------------------------------------------ facts and provenance

  bool ground(const Expr& x, const Binding& b, std::vector<Constant>& args) const {
    args.clear();
    for (const Term& t : x.args) {
      if (t.kind == Term::Kind::constant) {
        args.push_back(t.constant);
      } else if (t.kind != Term::Kind::constant && t.var >= 0 && static_cast<std::size_t>(t.var) < b.size() &&
                 b[static_cast<std::size_t>(t.var)]) {
        args.push_back(*b[static_cast<std::size_t>(t.var)]);
      } else {
        return false;
      }
    }
    return true;
  }

  std::optional<FactEntry> find_entry(int relation, const std::vector<Constant>& args) const {
    if (auto i = fb_.find(relation, args)) return fb_.entry(relation, *i);
    return std::nullopt;
  }

  // `name("arg", 2)`, like Model::format_tuple but without touching the model's interner.
  std::string tuple_text(int relation, const std::vector<Constant>& args) const {
    std::string s = p_.relations[static_cast<std::size_t>(relation)].name;
    if (args.empty()) return s;
    s += "(";
    for (std::size_t k = 0; k < args.size(); ++k) {
      if (k) s += ", ";
      s += constant_text(args[k]);
    }
    return s + ")";
  }

  // An input fact: its entry in the FactBase (found by its arguments) if listed, else its value in the model.
  FactRef fact_ref(int relation, const std::vector<Constant>& args) const {
    FactRef f;
    f.relation = relation;
    f.args = args;
    f.tuple = tuple_text(relation, args);
    const Relation& rel = p_.relations[static_cast<std::size_t>(relation)];
    const std::optional<std::size_t> entry = fb_.find(relation, args);
    f.listed = entry.has_value();
    if (entry) {
      // A listed tuple: its value is the entry's (no model look-up needed).
      f.origin = fb_.origin(relation, *entry);
      const std::optional<Constant> v = fb_.value(relation, *entry);
      bool unknown = v && std::holds_alternative<Unknown>(*v);
      if (!rel.value_type) {
        f.known = !unknown;
        f.value = unknown ? "unknown" : (!v || (std::holds_alternative<bool>(*v) && std::get<bool>(*v))) ? "true" : "false";
        return f;
      }
      if (v && !unknown) {
        f.value = constant_text(*v);
        return f;
      }
      f.known = false;
      f.value = "unknown";
      Value range = Value::unknown_of(*rel.value_type, p_);
      if (range.kind == Value::Kind::numeric) {
        std::string r = to_string(range, p_);
        if (r != "unknown") f.range = r;
      }
      return f;
    }
    if (!rel.value_type) {  // a boolean relation, not listed
      Truth t = reading([&] { return m_.truth(relation, args); });
      f.known = t != Truth::unknown;
      if (t == Truth::true_) f.value = "true";
      else if (t == Truth::unknown) f.value = "unknown (not listed, open)";
      else f.value = "false (not listed)";
      return f;
    }
    Value v = reading([&] { return m_.value(relation, args); });
    f.known = !v.is_uncertain();
    if (v.kind == Value::Kind::none) {
      f.value = "no value";
      f.known = true;
    } else if (f.known) {
      f.value = to_string(v, p_);
    } else {
      f.value = "unknown";
      if (v.kind == Value::Kind::numeric) {
        std::string r = to_string(v, p_);
        if (r != "unknown") f.range = r;
      }
    }
    if (!f.known && rel.open) f.value += " (not listed, open)";
    return f;
  }

  // The facts given by --assume (see Explanation::assumed).
  std::vector<FactRef> assumed_facts() const {
    std::vector<FactRef> out;
    for (auto [r, i] : fb_.assumed_entries()) out.push_back(fact_ref(r, fb_.args(r, i)));
    return out;
  }

  void add_fact(std::vector<FactRef>& out, FactRef f) const {
    for (const FactRef& g : out)
      if (g.relation == f.relation && g.args == f.args) return;
    out.push_back(std::move(f));
  }

  // The input facts an expression reads under a binding; aggregates become evidence nodes.
  void collect_facts(ExprId id, const Binding& b, const Names& names, std::vector<FactRef>& out,
                     std::vector<int>& evidence) {
    const Expr& x = p_.exprs[static_cast<std::size_t>(id)];
    if (x.kind == ExprKind::atom || x.kind == ExprKind::atom_value) {
      const Relation& rel = p_.relations[static_cast<std::size_t>(x.relation)];
      std::vector<Constant> args;
      if (rel.kind == RelationKind::fact && ground(x, b, args)) add_fact(out, fact_ref(x.relation, args));
      return;
    }
    if (x.kind == ExprKind::aggregate) {
      evidence.push_back(aggregate_node(id, b, names, out));
      return;
    }
    for (ExprId c : x.children) collect_facts(c, b, names, out, evidence);
  }

  // Evidence: the tuples an aggregate ranged over, which took part and which are unknown.
  int aggregate_node(ExprId id, const Binding& outer, const Names& names, std::vector<FactRef>& facts) {
    const Expr& a = p_.exprs[static_cast<std::size_t>(id)];
    ExplainNode n;
    n.kind = NodeKind::aggregate;
    n.evidence = true;
    n.text = render(id, outer, names);
    n.pos = a.pos;
    Value v = reading([&] { return m_.eval(id, outer); });
    n.value = to_string(v, p_);
    n.truth = truth_of_value(v);
    Binding b = outer;
    for (int l : a.locals)
      if (l >= 0 && static_cast<std::size_t>(l) < b.size()) b[static_cast<std::size_t>(l)].reset();
    ExprId body = a.children.empty() ? kNoExpr : a.children[0];
    ExprId filter = a.children.size() > 1 ? a.children[1] : kNoExpr;
    std::vector<Binding> sols;
    std::vector<Truth> sol_truth;  // the test's truth per solution, as the enumeration saw it
    ExprId test = filter;
    if (test == kNoExpr && body != kNoExpr && p_.exprs[static_cast<std::size_t>(body)].kind == ExprKind::atom) test = body;
    if (test == kNoExpr)
      for (ExprId g : a.generators)
        if (p_.exprs[static_cast<std::size_t>(g)].kind == ExprKind::atom) test = g;
    const std::size_t cap = full_ ? 1000 : std::max<std::size_t>(opt_.max_list, 1);  // the cheap tree lists what is shown
    std::size_t total = 0;
    if (test != kNoExpr) {
      Body bd;
      bd.expr = test;
      bd.generators = a.generators;
      for (auto& s : reading([&] { return m_.solutions(bd, b); })) {
        ++total;
        if (sols.size() < cap) {
          sols.push_back(std::move(s.first));
          sol_truth.push_back(s.second);
        }
      }
    } else if (a.generators.size() == 1) {
      ExprId g = a.generators[0];
      const Expr& gx = p_.exprs[static_cast<std::size_t>(g)];
      for (const TupleTruth& tt : reading([&] { return m_.match(g, b); })) {
        ++total;
        if (sols.size() >= cap) continue;
        Binding s = b;
        bool ok = true;
        for (std::size_t k = 0; k < gx.args.size() && k < tt.args.size(); ++k) {
          const Term& t = gx.args[k];
          if (t.kind == Term::Kind::constant || t.var < 0 || static_cast<std::size_t>(t.var) >= s.size()) continue;
          auto& slot = s[static_cast<std::size_t>(t.var)];
          if (slot && !(*slot == tt.args[k])) ok = false;
          slot = tt.args[k];
        }
        if (ok) sols.push_back(std::move(s));
      }
    }
    struct Row {
      AggregateTuple t;
      std::vector<FactRef> facts;
      Binding binding;           // the solution, for the filter's tree
      Truth filter = Truth::true_;
    };
    std::vector<Row> rows;
    for (std::size_t si = 0; si < sols.size(); ++si) {
      const Binding& s = sols[si];
      Truth part = Truth::true_;
      for (ExprId g : a.generators)
        if (p_.exprs[static_cast<std::size_t>(g)].kind == ExprKind::atom) part = truth_and(part, truth_of_value(reading([&] { return m_.eval(g, s); })));
      // The filter as the enumeration evaluated it: there `x = EXPR` with EXPR unknown assigned x
      // (true); evaluated again from the solution it would be a comparison of unknowns.
      Truth filter_truth = Truth::true_;
      if (filter != kNoExpr) {
        filter_truth = test == filter && si < sol_truth.size() ? sol_truth[si] : truth_of_value(reading([&] { return m_.eval(filter, s); }));
        part = truth_and(part, filter_truth);
      }
      if (a.agg == AggregateOp::count && body != kNoExpr) {
        const Expr& bx = p_.exprs[static_cast<std::size_t>(body)];
        if (bx.kind == ExprKind::atom_value) {
          std::vector<Constant> args;
          if (ground(bx, s, args)) part = truth_and(part, reading([&] { return m_.truth(bx.relation, args); }));
        } else {
          part = truth_and(part, truth_of_value(reading([&] { return m_.eval(body, s); })));
        }
      }
      if (part == Truth::false_) {
        --total;
        continue;
      }
      Row r;
      r.t.part = part;
      r.t.tuple = body != kNoExpr ? render(assigned_from(body, filter), s, names) : "";
      if (a.agg != AggregateOp::count && body != kNoExpr) r.t.value = to_string(reading([&] { return m_.eval(assigned_from(body, filter), s); }), p_);
      for (ExprId g : a.generators) {
        const Expr& gx = p_.exprs[static_cast<std::size_t>(g)];
        if (gx.kind != ExprKind::atom && gx.kind != ExprKind::atom_value) continue;
        std::vector<Constant> args;
        if (p_.relations[static_cast<std::size_t>(gx.relation)].kind == RelationKind::fact && ground(gx, s, args))
          r.facts.push_back(fact_ref(gx.relation, args));
      }
      // And the facts the value and the filter read that no generator lists (a valued atom of an
      // `open` relation binds nothing: `fuel(u)` in `sum(fuel(u) where tag(u, "x"))`).
      for (ExprId x : {body, filter}) tuple_facts(x, s, r.facts);
      r.binding = s;
      r.filter = filter_truth;
      rows.push_back(std::move(r));
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) {
      if (x.t.part != y.t.part) return x.t.part > y.t.part;  // counted first, then unknown
      return x.t.tuple < y.t.tuple;
    });
    // Why each tuple took part, or may: its filter down to the facts, when the filter reads more
    // than the generators' own facts (`not ready_to_hand_over(s)`: the police count that is short).
    // Only in the full tree (`explain`), under a comparison that does not hold (where the tuples are
    // why), and once per explanation; the cheap tree lists the tuples.
    std::vector<int> why_counted;
    if (full_ && leaf_truth_ != Truth::true_ && filter_reads_conditions(filter) && expanded_aggregates_.insert(n.text).second) {
      // Which tuples are reasons: those that may take part when the comparison caps the aggregate
      // (`count(...) = 0`, `sum(...) <= 10`: too many); those whose part is unknown otherwise (a count
      // too low is not explained by the tuples that passed).
      const bool capped = caps_aggregate(leaf_expr_, id);
      for (const Row& r : rows)
        if (capped || r.t.part == Truth::unknown) why_counted.push_back(build_expr(filter, r.binding, names, r.filter));
    }
    for (Row& r : rows) {
      n.tuples.push_back(r.t);
      for (FactRef& f : r.facts) add_fact(facts, std::move(f));
    }
    n.tuples_omitted = total > rows.size() ? total - rows.size() : 0;
    n.children = std::move(why_counted);
    n.reason.assign(n.children.size(), true);
    return add(std::move(n));
  }

  // The input facts an expression reads under a binding, nested aggregates aside, each once.
  void tuple_facts(ExprId id, const Binding& b, std::vector<FactRef>& out) const {
    if (id == kNoExpr) return;
    const Expr& x = p_.exprs[static_cast<std::size_t>(id)];
    if (x.kind == ExprKind::aggregate) return;
    if (x.kind == ExprKind::atom || x.kind == ExprKind::atom_value) {
      std::vector<Constant> args;
      if (p_.relations[static_cast<std::size_t>(x.relation)].kind == RelationKind::fact && ground(x, b, args))
        add_fact(out, fact_ref(x.relation, args));
      return;
    }
    for (ExprId c : x.children) tuple_facts(c, b, out);
  }

  // Whether the comparison `leaf` bounds the aggregate `agg` from above (`agg <= k`, `agg < k`,
  // `k >= agg`, `count(...) = 0`): then more tuples taking part is what makes it fail. `to_zero`,
  // when given, is set when the bound is a constant that leaves a count nothing but 0 (`<= 0`,
  // `= 0`, `< 1`).
  bool caps_aggregate(ExprId leaf, ExprId agg, bool* to_zero = nullptr) const {
    if (to_zero) *to_zero = false;
    if (leaf == kNoExpr) return false;
    const Expr& x = p_.exprs[static_cast<std::size_t>(leaf)];
    if (x.kind != ExprKind::compare || x.children.size() != 2) return false;
    const bool left = x.children[0] == agg, right = x.children[1] == agg;
    if (!left && !right) return false;
    CompareOp op = x.cmp;
    if (right) op = op == CompareOp::lt ? CompareOp::gt : op == CompareOp::le ? CompareOp::ge
                  : op == CompareOp::gt ? CompareOp::lt : op == CompareOp::ge ? CompareOp::le : op;
    const Expr& k = p_.exprs[static_cast<std::size_t>(x.children[left ? 1 : 0])];
    const Decimal* bound = k.kind == ExprKind::constant ? std::get_if<Decimal>(&k.constant) : nullptr;
    const bool zero = bound && bound->is_zero();
    if (to_zero) *to_zero = ((op == CompareOp::le || op == CompareOp::eq) && zero) ||
                            (op == CompareOp::lt && bound && *bound == Decimal::from_int(1));
    return op == CompareOp::lt || op == CompareOp::le || (op == CompareOp::eq && zero);
  }

  // Whether a filter reads a condition (a derived atom) or an aggregate: then why a tuple passed it
  // is more than the facts the tuple lists.
  bool filter_reads_conditions(ExprId filter) const {
    if (filter == kNoExpr) return false;
    const Expr& x = p_.exprs[static_cast<std::size_t>(filter)];
    if (x.kind == ExprKind::atom || x.kind == ExprKind::atom_value)
      return p_.relations[static_cast<std::size_t>(x.relation)].kind == RelationKind::condition;
    if (x.kind == ExprKind::aggregate) return true;
    for (ExprId c : x.children)
      if (filter_reads_conditions(c)) return true;
    return false;
  }

  // `s` in `sum(s where team(t) and s = strength(t))`: the expression the filter assigns it
  // (`strength("B")` reads better than the value, which may be unknown); else the expression itself.
  ExprId assigned_from(ExprId id, ExprId filter) const {
    const Expr& x = p_.exprs[static_cast<std::size_t>(id)];
    if (x.kind != ExprKind::variable || filter == kNoExpr) return id;
    std::vector<ExprId> todo{filter};
    while (!todo.empty()) {
      const Expr& f = p_.exprs[static_cast<std::size_t>(todo.back())];
      todo.pop_back();
      if (f.kind == ExprKind::bind && f.var == x.var && !f.children.empty()) return f.children[0];
      if (f.kind == ExprKind::and_) todo.insert(todo.end(), f.children.begin(), f.children.end());
    }
    return id;
  }

  // ------------------------------------------------------------ the tree

  int add(ExplainNode&& n) {
    e_.nodes.push_back(std::move(n));
    return static_cast<int>(e_.nodes.size()) - 1;
  }

  std::string cite_text(const std::optional<std::string>& source, const std::optional<std::string>& locator) const {
    if (!source) return "";
    std::string s = *source;
    for (const SourceRef& r : p_.sources)
      if (r.id == *source) s += ": " + r.citation;
    if (locator && !locator->empty()) s += " (" + *locator + ")";
    return s;
  }

  int register_condition(const std::string& text, Truth t, const std::string& value, bool changeable, int node,
                         LeafInfo info) {
    if (e_.options.counterfactuals) {
      auto it = cond_index_.find(text);
      if (it != cond_index_.end()) return it->second;
    }
    if (!e_.options.counterfactuals) {  // the cheap tree: no sharing needed, no search follows
      AtomicCondition& c = e_.conditions.emplace_back();  // in place: a condition is a dozen strings
      c.text = text;
      c.truth = t;
      c.changeable = changeable;
      c.node = node;
      (void)value;
      leaf_.emplace_back();
      return static_cast<int>(e_.conditions.size()) - 1;
    }
    AtomicCondition c;
    c.text = text;
    c.truth = t;
    c.value = value;
    c.changeable = changeable;
    c.node = node;
    e_.conditions.push_back(std::move(c));
    leaf_.push_back(std::move(info));
    int id = static_cast<int>(e_.conditions.size()) - 1;
    cond_index_.emplace(text, id);
    return id;
  }

  // Whether every rule of a condition has all its variables fixed by its head (so a ground tuple's
  // rules can be evaluated as formulas, false ones included).
  bool expandable(int relation) {
    int8_t& c = expandable_[static_cast<std::size_t>(relation)];
    if (c >= 0) return c == 1;
    bool ok = true;
    for (int ri : p_.relations[static_cast<std::size_t>(relation)].rules) {
      const Rule& r = p_.rules[static_cast<std::size_t>(ri)];
      if (!closed_by(r.head_vars, r.body.expr)) ok = false;
    }
    c = ok ? 1 : 0;
    return ok;
  }

  // Whether every variable of an expression is one of `head` (an aggregate's locals are its own).
  bool closed_by(const std::vector<int>& head, ExprId id) const {
    auto in_head = [&](int v) { return std::find(head.begin(), head.end(), v) != head.end(); };
    const Expr& x = p_.exprs[static_cast<std::size_t>(id)];
    switch (x.kind) {
      case ExprKind::aggregate: return true;
      case ExprKind::variable: return in_head(x.var);
      case ExprKind::bind: return false;
      case ExprKind::atom:
      case ExprKind::atom_value:
        for (const Term& t : x.args)
          if (t.kind == Term::Kind::wildcard || (t.kind == Term::Kind::variable && !in_head(t.var))) return false;
        return true;
      default:
        for (ExprId ch : x.children)
          if (!closed_by(head, ch)) return false;
        return true;
    }
  }

  // Which children are reasons: minimal, as LANGUAGE 3.5 defines them.
  static std::vector<bool> reasons(char op, Truth t, const std::vector<Truth>& kids) {
    std::vector<bool> r(kids.size(), false);
    if (op == 'n' || op == 'p') {
      std::fill(r.begin(), r.end(), true);
      return r;
    }
    bool is_and = op == 'a';
    if (t == Truth::unknown) {
      for (std::size_t k = 0; k < kids.size(); ++k) r[k] = kids[k] == Truth::unknown;
    } else if ((is_and && t == Truth::false_) || (!is_and && t == Truth::true_)) {
      // A false `and`: its false children; a true `or`: one true child.
      for (std::size_t k = 0; k < kids.size(); ++k) {
        if (kids[k] == t) {
          r[k] = true;
          if (!is_and) break;
        }
      }
    } else {
      std::fill(r.begin(), r.end(), true);
    }
    return r;
  }

  bool reads_inputs(ExprId id) const {
    const Expr& x = p_.exprs[static_cast<std::size_t>(id)];
    switch (x.kind) {
      case ExprKind::atom:
      case ExprKind::atom_value:
      case ExprKind::aggregate:
      case ExprKind::today: return true;
      case ExprKind::bind: return false;
      default:
        for (ExprId c : x.children)
          if (reads_inputs(c)) return true;
        return false;
    }
  }

  int leaf_node(NodeKind kind, ExprId id, const Binding& b, const Names& names, Truth t) {
    ExplainNode n;
    n.kind = kind;
    n.truth = t;
    n.text = render(id, b, names);
    n.pos = p_.exprs[static_cast<std::size_t>(id)].pos;
    std::vector<FactRef> facts;
    std::vector<int> evidence;
    const Truth outer_truth = std::exchange(leaf_truth_, t);
    const ExprId outer_leaf = std::exchange(leaf_expr_, id);
    collect_facts(id, b, names, facts, evidence);
    leaf_truth_ = outer_truth;
    leaf_expr_ = outer_leaf;
    const Expr& x = p_.exprs[static_cast<std::size_t>(id)];
    if (x.kind == ExprKind::compare) {
      std::string value;
      for (ExprId side : x.children) {
        const Expr& sx = p_.exprs[static_cast<std::size_t>(side)];
        if (sx.kind == ExprKind::constant || sx.kind == ExprKind::variable) continue;
        if (!value.empty()) value += "; ";
        value += render(side, b, names) + " = " + to_string(reading([&] { return m_.eval(side, b); }), p_);
      }
      n.value = value;
    } else if (kind == NodeKind::atom && facts.size() == 1) {
      n.value = facts[0].value;
    }
    n.children = evidence;
    n.reason.assign(evidence.size(), true);
    // A comparison of constants and bound variables (`707 > 600` in a derivation, `code = 4`) is fixed by
    // the facts that bound them: only conditions that read inputs can change.
    bool changeable = kind != NodeKind::constant && reads_inputs(id);
    LeafInfo info;
    if (full_) {  // only the searches need these
      info.expr = id;
      info.binding = b;
      info.facts = facts;
    }
    n.facts = std::move(facts);
    int me = add(std::move(n));
    int c = register_condition(e_.nodes[static_cast<std::size_t>(me)].text, t, e_.nodes[static_cast<std::size_t>(me)].value,
                               changeable, me, std::move(info));
    e_.nodes[static_cast<std::size_t>(me)].condition = c;
    return me;
  }

  int build_expr(ExprId id, const Binding& b, const Names& names, Truth t) {
    const Expr& x = p_.exprs[static_cast<std::size_t>(id)];
    switch (x.kind) {
      case ExprKind::and_:
      case ExprKind::or_: {
        ExplainNode n;
        n.kind = x.kind == ExprKind::and_ ? NodeKind::and_ : NodeKind::or_;
        n.truth = t;
        n.text = render(id, b, names);
        n.pos = x.pos;
        std::vector<Truth> kids;
        for (ExprId c : x.children) kids.push_back(truth_of_value(reading([&] { return m_.eval(c, b); })));
        std::vector<bool> r = reasons(x.kind == ExprKind::and_ ? 'a' : 'o', t, kids);
        std::vector<int> ch;
        std::vector<bool> rs;
        for (std::size_t k = 0; k < x.children.size(); ++k) {
          if (!full_ && !r[k]) continue;
          ch.push_back(build_expr(x.children[k], b, names, kids[k]));
          rs.push_back(r[k]);
        }
        int me = add(std::move(n));
        e_.nodes[static_cast<std::size_t>(me)].children = std::move(ch);
        e_.nodes[static_cast<std::size_t>(me)].reason = std::move(rs);
        return me;
      }
      case ExprKind::not_: {
        ExplainNode n;
        n.kind = NodeKind::not_;
        n.truth = t;
        n.text = render(id, b, names);
        n.pos = x.pos;
        int c = build_expr(x.children.at(0), b, names, truth_not(t));
        int me = add(std::move(n));
        e_.nodes[static_cast<std::size_t>(me)].children = {c};
        e_.nodes[static_cast<std::size_t>(me)].reason = {true};
        return me;
      }
      case ExprKind::atom: {
        const Relation& rel = p_.relations[static_cast<std::size_t>(x.relation)];
        std::vector<Constant> args;
        if (rel.kind == RelationKind::condition && ground(x, b, args)) {
          if (expandable(x.relation) && depth_ < 24) return build_condition(x.relation, args, t);
          int me = leaf_node(NodeKind::atom, id, b, names, t);
          // The cheap tree (advise --explain over many bindings) shows derivations only so deep.
          if (full_ || deriv_depth_ < static_cast<int>(opt_.derivation_depth)) add_derivations(me, x.relation, args, t);
          return me;
        }
        return leaf_node(NodeKind::atom, id, b, names, t);
      }
      case ExprKind::constant: return leaf_node(NodeKind::constant, id, b, names, t);
      default: return leaf_node(NodeKind::comparison, id, b, names, t);
    }
  }

  int rule_node(int ri, const Binding& rb, Truth t) {
    const Rule& r = p_.rules[static_cast<std::size_t>(ri)];
    ExplainNode n;
    n.kind = NodeKind::rule;
    n.truth = t;
    n.label = p_.relations[static_cast<std::size_t>(r.relation)].name;
    n.text = render(r.body.expr, rb, r.var_names);
    n.because = r.because;
    n.cite = cite_text(r.cite_source, r.cite_locator);
    n.pos = r.pos;
    int c = build_expr(r.body.expr, rb, r.var_names, t);
    int me = add(std::move(n));
    e_.nodes[static_cast<std::size_t>(me)].children = {c};
    e_.nodes[static_cast<std::size_t>(me)].reason = {true};
    return me;
  }

  // A ground condition tuple whose rules are formulas of their head: an `or` of its rules.
  int build_condition(int relation, const std::vector<Constant>& args, Truth t) {
    const Relation& rel = p_.relations[static_cast<std::size_t>(relation)];
    std::string key = tuple_text(relation, args);
    ExplainNode n;
    n.kind = NodeKind::condition;
    n.truth = t;
    n.label = key;
    n.text = rel.description;
    n.pos = rel.pos;
    if (std::find(path_.begin(), path_.end(), key) != path_.end()) {
      n.cycle = true;
      n.kind = NodeKind::atom;
      n.text = key;
      int me = add(std::move(n));
      LeafInfo info;
      e_.nodes[static_cast<std::size_t>(me)].condition = register_condition(key, t, "", true, me, std::move(info));
      return me;
    }
    path_.push_back(key);
    ++depth_;
    std::vector<int> rules;
    std::vector<Binding> bindings;
    std::vector<Truth> kids;
    for (int ri : rel.rules) {
      const Rule& r = p_.rules[static_cast<std::size_t>(ri)];
      Binding rb(r.var_names.size());
      bool ok = true;
      for (std::size_t k = 0; k < r.head_vars.size() && k < args.size(); ++k) {
        auto& slot = rb.at(static_cast<std::size_t>(r.head_vars[k]));
        if (slot && !(*slot == args[k])) ok = false;
        slot = args[k];
      }
      if (!ok) continue;
      rules.push_back(ri);
      kids.push_back(truth_of_value(reading([&] { return m_.eval(r.body.expr, rb); })));
      bindings.push_back(std::move(rb));
    }
    std::vector<bool> r = reasons('o', t, kids);
    std::vector<int> ch;
    std::vector<bool> rs;
    for (std::size_t k = 0; k < rules.size(); ++k) {
      if (!full_ && !r[k]) continue;
      ch.push_back(rule_node(rules[k], bindings[k], kids[k]));
      rs.push_back(r[k]);
    }
    --depth_;
    path_.pop_back();
    int me = add(std::move(n));
    e_.nodes[static_cast<std::size_t>(me)].children = std::move(ch);
    e_.nodes[static_cast<std::size_t>(me)].reason = std::move(rs);
    return me;
  }

  // Evidence for an atomic condition tuple: one true derivation, or its unknown ones (recursion: one, no cycles).
  void add_derivations(int me, int relation, const std::vector<Constant>& args, Truth t) {
    // A false tuple has no derivation; the full tree shows why each attempt failed (the bindings of
    // its rules' atoms, each body false), so that it reaches the facts (`closed("C", "D")`), three
    // derived levels deep at most (over a graph of roads every attempt has attempts of its own).
    if ((t == Truth::false_ && !full_) || depth_ >= 24) return;
    std::string key = tuple_text(relation, args);
    if (std::find(path_.begin(), path_.end(), key) != path_.end()) {
      e_.nodes[static_cast<std::size_t>(me)].cycle = true;
      return;
    }
    if (t == Truth::false_ && deriv_depth_ >= 3) {  // not followed: no way found through it, none ruled out
      e_.nodes[static_cast<std::size_t>(me)].cut = true;
      return;
    }
    struct Level {
      int& d;
      explicit Level(int& x) : d(x) { ++d; }
      ~Level() { --d; }
    } level(deriv_depth_);
    path_.push_back(key);
    ++depth_;
    // For a false tuple, its rules' attempts (Model::derivations passes every atom whose arguments
    // are bound, so a rule the head fixes whole, `reach(a, b) when link(a, b)`, is one attempt).
    std::vector<Derivation> ds = reading([&] { return m_.derivations(relation, args, t == Truth::false_); });
    // Every derivation of every derivation grows exponentially over a graph with many paths (a grid
    // of roads: 4.6 GB for 36 places): past kMaxFullNodes nodes or the time budget, one derivation is
    // shown as evidence, and what could stop the tuple is no longer searched through it.
    const bool room = e_.nodes.size() < kMaxFullNodes && !out_of_time();
    if (full_ && !room) tree_cut_ = true;
    if (full_ && room && !ds.empty() && ds.size() <= 16) {
      // All its derivations, as formulas: what could stop the atom is what stops every one of them.
      std::size_t chosen = ds.size();
      for (std::size_t k = 0; k < ds.size() && chosen == ds.size(); ++k)
        if (ds[k].truth == t) chosen = k;
      for (std::size_t k = 0; k < ds.size(); ++k) {
        int rn = rule_node(ds[k].rule, ds[k].binding, ds[k].truth);
        e_.nodes[static_cast<std::size_t>(rn)].kind = NodeKind::derivation;
        bool reason = t == Truth::true_ ? k == chosen : t == Truth::false_ || ds[k].truth == Truth::unknown;
        e_.nodes[static_cast<std::size_t>(me)].children.push_back(rn);
        e_.nodes[static_cast<std::size_t>(me)].reason.push_back(reason);
      }
      e_.nodes[static_cast<std::size_t>(me)].derivations_complete = true;
      --depth_;
      path_.pop_back();
      return;
    }
    if (t == Truth::false_) {  // too many attempts to show, or none: the atom stays a leaf
      --depth_;
      path_.pop_back();
      return;
    }
    std::size_t shown = 0;
    for (const Derivation& d : ds) {
      if (t == Truth::true_ && d.truth != Truth::true_) continue;
      const Rule& r = p_.rules[static_cast<std::size_t>(d.rule)];
      // Skip a derivation that goes through a tuple already being explained (a cycle).
      if (t == Truth::true_ && through_path(r.body.expr, d.binding)) continue;
      bool saved = full_;
      full_ = false;  // evidence: reasons only
      int rn = rule_node(d.rule, d.binding, d.truth);
      full_ = saved;
      mark_evidence(rn);
      e_.nodes[static_cast<std::size_t>(me)].children.push_back(rn);
      e_.nodes[static_cast<std::size_t>(me)].reason.push_back(true);
      ++shown;
      if (t == Truth::true_ || shown >= opt_.max_list) break;
    }
    --depth_;
    path_.pop_back();
  }

  // Whether an expression names, under a binding, a condition tuple already being explained (on path_).
  bool through_path(ExprId id, const Binding& b) const {
    const Expr& x = p_.exprs[static_cast<std::size_t>(id)];
    if (x.kind == ExprKind::atom && p_.relations[static_cast<std::size_t>(x.relation)].kind == RelationKind::condition &&
        !path_.empty()) {
      std::vector<Constant> a;
      if (ground(x, b, a) && std::find(path_.begin(), path_.end(), tuple_text(x.relation, a)) != path_.end()) return true;
    }
    if (x.kind != ExprKind::aggregate)
      for (ExprId c : x.children)
        if (through_path(c, b)) return true;
    return false;
  }

  void mark_evidence(int node) {
    ExplainNode& n = e_.nodes[static_cast<std::size_t>(node)];
    n.evidence = true;
    if (n.kind == NodeKind::rule) n.kind = NodeKind::derivation;
    for (int c : std::vector<int>(n.children)) mark_evidence(c);
  }

  // Rows are in declaration order of phases, bindings of one phase sorted by their arguments.
  const PhaseResult* find_row(int phase, const std::vector<Constant>& args) const {
    const auto& rows = m_.evaluation().phases;
    auto less_args = [](const std::vector<Constant>& a, const std::vector<Constant>& b) {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), constant_less);
    };
    auto it = std::lower_bound(rows.begin(), rows.end(), std::make_pair(phase, &args),
                               [&](const PhaseResult& r, const std::pair<int, const std::vector<Constant>*>& k) {
                                 if (r.phase != k.first) return r.phase < k.first;
                                 return less_args(r.args, *k.second);
                               });
    if (it != rows.end() && it->phase == phase && it->args == args) return &*it;
    return nullptr;
  }

  int build_phase(int pid, const PhaseResult& row) {
    const Phase& ph = p_.phases[static_cast<std::size_t>(pid)];
    Binding b(std::max(ph.var_names.size(), ph.params.size()));
    for (std::size_t k = 0; k < ph.params.size() && k < row.args.size(); ++k) b[k] = row.args[k];
    ExplainNode n;
    n.kind = NodeKind::phase;
    n.truth = verdict_truth(row.verdict);
    {
      std::string s = ph.name;
      if (!ph.params.empty()) {
        s += "(";
        for (std::size_t k = 0; k < row.args.size(); ++k) s += (k ? ", " : "") + constant_text(row.args[k]);
        s += ")";
      }
      n.label = s;
    }
    n.text = ph.title;
    n.pos = ph.pos;
    std::string key = "phase " + n.label;
    path_.push_back(key);
    ++depth_;
    std::vector<int> ch;
    std::vector<Truth> kids;
    if (ph.for_each && ph.for_each_atom != kNoExpr) {
      int c = leaf_node(NodeKind::binding, ph.for_each_atom, b, ph.var_names, row.binding);
      // This phase's own: removing it removes the binding, no verdict. An after-phase's is a change
      // like any other: without it that phase has no binding, and this one is NO-GO.
      if (depth_ == 1) binding_conditions_.insert(e_.nodes[static_cast<std::size_t>(c)].condition);
      ch.push_back(c);
      kids.push_back(row.binding);
    }
    for (const AfterResult& ar : row.after) {
      const Phase& other = p_.phases[static_cast<std::size_t>(ar.phase)];
      ExplainNode an;
      an.kind = NodeKind::after;
      an.truth = verdict_truth(ar.verdict);
      std::vector<Constant> oargs = other.params.empty() ? std::vector<Constant>{} : row.args;
      std::string label = other.name;
      if (!oargs.empty()) {
        label += "(";
        for (std::size_t k = 0; k < oargs.size(); ++k) label += (k ? ", " : "") + constant_text(oargs[k]);
        label += ")";
      }
      an.label = label;
      an.text = "after " + label + " (must be GO, is " + to_string(ar.verdict) + ")";
      an.pos = other.pos;
      const PhaseResult* orow = find_row(ar.phase, oargs);
      int inner = -1;
      if (orow && depth_ < 24 && std::find(path_.begin(), path_.end(), "phase " + label) == path_.end())
        inner = build_phase(ar.phase, *orow);
      int me = add(std::move(an));
      if (inner >= 0) {
        e_.nodes[static_cast<std::size_t>(me)].children = {inner};
        e_.nodes[static_cast<std::size_t>(me)].reason = {true};
      } else {
        // Without the phase's row the after-phase is an atomic condition of its own.
        LeafInfo info;
        e_.nodes[static_cast<std::size_t>(me)].condition =
            register_condition(label + " is GO", an.truth, to_string(ar.verdict), true, me, std::move(info));
      }
      ch.push_back(me);
      kids.push_back(verdict_truth(ar.verdict));
    }
    for (const ClauseResult& cr : row.clauses) {
      const Clause& cl = ph.clauses[static_cast<std::size_t>(cr.clause)];
      ExplainNode cn;
      cn.kind = cl.kind == ClauseKind::require ? NodeKind::require : NodeKind::block;
      cn.truth = cr.met;
      cn.label = cl.label;
      cn.text = render(cl.expr, b, ph.var_names);
      cn.because = cl.because;
      cn.cite = cite_text(cl.cite_source, cl.cite_locator);
      cn.pos = cl.pos;
      std::vector<int> cc;
      std::vector<Truth> ck;
      cc.push_back(build_expr(cl.expr, b, ph.var_names, cr.expr_value));
      ck.push_back(cr.expr_value);
      if (cl.kind == ClauseKind::require) {
        for (int wi : cl.waivers) {
          const Waiver& w = ph.waivers[static_cast<std::size_t>(wi)];
          Truth wt = Truth::false_;
          if (std::find(cr.waivers_true.begin(), cr.waivers_true.end(), wi) != cr.waivers_true.end()) wt = Truth::true_;
          else if (std::find(cr.waivers_unknown.begin(), cr.waivers_unknown.end(), wi) != cr.waivers_unknown.end())
            wt = Truth::unknown;
          ExplainNode wn;
          wn.kind = NodeKind::waiver;
          wn.truth = wt;
          wn.label = w.label;
          wn.text = render(w.expr, b, ph.var_names);
          wn.because = w.because;
          wn.cite = cite_text(w.cite_source, w.cite_locator);
          wn.pos = w.pos;
          int inner = build_expr(w.expr, b, ph.var_names, wt);
          int wme = add(std::move(wn));
          e_.nodes[static_cast<std::size_t>(wme)].children = {inner};
          e_.nodes[static_cast<std::size_t>(wme)].reason = {true};
          cc.push_back(wme);
          ck.push_back(wt);
        }
      }
      std::vector<bool> r = reasons(cl.kind == ClauseKind::require ? 'o' : 'n', cr.met, ck);
      // A waiver that applied is always shown, even when the requirement also holds on its own.
      for (std::size_t k = 1; k < ck.size(); ++k)
        if (ck[k] == Truth::true_) r[k] = true;
      int me = add(std::move(cn));
      e_.nodes[static_cast<std::size_t>(me)].children = std::move(cc);
      e_.nodes[static_cast<std::size_t>(me)].reason = std::move(r);
      ch.push_back(me);
      kids.push_back(cr.met);
    }
    --depth_;
    path_.pop_back();
    int me = add(std::move(n));
    e_.nodes[static_cast<std::size_t>(me)].children = std::move(ch);
    e_.nodes[static_cast<std::size_t>(me)].reason = reasons('a', verdict_truth(row.verdict), kids);
    return me;
  }

  // ------------------------------------------------------------ smallest sets

  char op_of(const ExplainNode& n) const {
    if (n.condition >= 0) return 'l';
    switch (n.kind) {
      case NodeKind::phase:
      case NodeKind::and_: return 'a';
      case NodeKind::require:
      case NodeKind::or_:
      case NodeKind::condition: return 'o';
      case NodeKind::block:
      case NodeKind::not_: return 'n';
      default: return 'p';
    }
  }

  void normalise(Sets& s) {
    std::vector<Lits> out;
    for (Lits& l : s.sets) {
      std::sort(l.begin(), l.end());
      l.erase(std::unique(l.begin(), l.end()), l.end());
      bool contradictory = false;
      for (std::size_t k = 0; k + 1 < l.size(); ++k)
        if (l[k] / 2 == l[k + 1] / 2) contradictory = true;
      if (contradictory) continue;
      if (l.size() > opt_.max_set_size) {
        size_cut_ = true;
        continue;
      }
      out.push_back(std::move(l));
    }
    std::sort(out.begin(), out.end(), [](const Lits& a, const Lits& b) {
      if (a.size() != b.size()) return a.size() < b.size();
      return a < b;
    });
    out.erase(std::unique(out.begin(), out.end()), out.end());
    std::vector<Lits> minimal;
    for (Lits& l : out) {
      bool superset = false;
      for (const Lits& k : minimal)
        if (std::includes(l.begin(), l.end(), k.begin(), k.end())) {
          superset = true;
          break;
        }
      if (!superset) minimal.push_back(std::move(l));
    }
    std::size_t cap = std::max<std::size_t>(64, opt_.max_sets * 8);
    if (minimal.size() > cap) {
      minimal.resize(cap);
      s.complete = false;
      limit_hit_ = true;
    }
    s.sets = std::move(minimal);
  }

  Sets combine_or(std::vector<Sets> parts) {
    Sets out;
    for (Sets& p : parts) {
      out.complete = out.complete && p.complete;
      for (Lits& l : p.sets) out.sets.push_back(std::move(l));
    }
    normalise(out);
    return out;
  }

  Sets combine_and(std::vector<Sets> parts) {
    Sets acc;
    acc.sets.push_back({});
    for (Sets& p : parts) {
      acc.complete = acc.complete && p.complete;
      if (out_of_time()) {
        acc.complete = false;
        timed_out_ = true;
        break;
      }
      Sets next;
      next.complete = acc.complete;
      for (const Lits& a : acc.sets)
        for (const Lits& b : p.sets) {
          Lits u = a;
          u.insert(u.end(), b.begin(), b.end());
          next.sets.push_back(std::move(u));
        }
      normalise(next);
      acc = std::move(next);
      if (acc.sets.empty()) break;
    }
    return acc;
  }

  // Smallest sets of literals making the node true (want = true) or false.
  Sets sets_of(int node, bool want) {
    const ExplainNode& n = e_.nodes[static_cast<std::size_t>(node)];
    Sets s;
    char op = op_of(n);
    if (op == 'l') {
      const AtomicCondition& c = e_.conditions[static_cast<std::size_t>(n.condition)];
      Truth target = want ? Truth::true_ : Truth::false_;
      // A tuple met again inside its own derivation (recursion) supports nothing by itself: stopping
      // the derivations around it stops it too (they form an unfounded set), and it cannot be what
      // makes them hold. Not a change to make either way.
      if (n.cycle) {
        if (!want) s.sets.push_back({});
        return s;
      }
      // A false condition whose attempts were not followed: made to hold only through facts below
      // it, which were not searched (the derived atom itself is no change --assume can make).
      if (n.cut && want) {
        s.complete = false;
        derivations_followed_ = true;
        return s;
      }
      if (c.truth == target) s.sets.push_back({});
      // Removing a `for each` tuple removes the binding itself: that is no verdict, not a NO-GO.
      else if (!want && binding_conditions_.count(n.condition)) return s;
      // A derived atom with all its derivations known: stopping it means stopping each of them.
      else if (!want && n.derivations_complete) {
        std::vector<Sets> parts;
        for (int ch : n.children)
          if (e_.nodes[static_cast<std::size_t>(ch)].kind == NodeKind::derivation) parts.push_back(sets_of(ch, false));
        return combine_and(std::move(parts));
      }
      // Making it hold: any one of its derivations made to hold, down to the facts (the unknown road
      // of `reach("A", "D")`, which --assume can give); the atom itself only when none can.
      else if (want && n.derivations_complete) {
        std::vector<Sets> parts;
        for (int ch : n.children)
          if (e_.nodes[static_cast<std::size_t>(ch)].kind == NodeKind::derivation) parts.push_back(sets_of(ch, true));
        Sets through = combine_or(std::move(parts));
        if (!through.sets.empty() || !c.changeable) {
          // Only the derivations that may hold now were followed: a base case false today (another
          // road) is another way, not searched, so the list does not claim to be complete.
          through.complete = false;
          derivations_followed_ = true;
          return through;
        }
        s.sets.push_back({n.condition * 2 + 1});
      }
      else if (want && none_counted_through(n, s)) return s;
      else if (c.changeable) s.sets.push_back({n.condition * 2 + (want ? 1 : 0)});
      return s;
    }
    std::vector<int> kids;
    for (int c : n.children)
      if (!e_.nodes[static_cast<std::size_t>(c)].evidence) kids.push_back(c);
    if (op == 'n') return kids.empty() ? s : sets_of(kids[0], !want);
    if (op == 'p') return kids.empty() ? s : sets_of(kids[0], want);
    std::vector<Sets> parts;
    for (int c : kids) parts.push_back(sets_of(c, want));
    bool conj = (op == 'a') == want;
    return conj ? combine_and(std::move(parts)) : combine_or(std::move(parts));
  }

  // `count(sector(s) where not ready(s)) = 0` made to hold: every tuple counted now, or that may be,
  // made to fail its filter (each filter's tree, built by aggregate_node, down to the facts: the
  // police counts short of 200). Removing a generator's tuple (the sector itself) is another way,
  // not searched, so the sets found are not claimed complete. False when the leaf is not such a
  // comparison or its tuples were not all listed; `out` then is untouched.
  bool none_counted_through(const ExplainNode& leaf, Sets& out) {
    const LeafInfo& li = leaf_[static_cast<std::size_t>(leaf.condition)];
    if (li.expr == kNoExpr) return false;
    const Expr& cmp = p_.exprs[static_cast<std::size_t>(li.expr)];
    if (cmp.kind != ExprKind::compare || cmp.children.size() != 2) return false;
    const Expr& lhs = p_.exprs[static_cast<std::size_t>(cmp.children[0])];
    bool to_zero = false;
    if (lhs.kind != ExprKind::aggregate || lhs.agg != AggregateOp::count ||
        !caps_aggregate(li.expr, cmp.children[0], &to_zero) || !to_zero)
      return false;
    const ExplainNode* agg = nullptr;
    for (int ch : leaf.children) {
      const ExplainNode& x = e_.nodes[static_cast<std::size_t>(ch)];
      if (x.kind == NodeKind::aggregate) agg = &x;
    }
    if (!agg || agg->tuples_omitted > 0 || agg->children.size() != agg->tuples.size() || agg->children.empty())
      return false;
    std::vector<Sets> parts;
    for (int ch : std::vector<int>(agg->children)) parts.push_back(sets_of(ch, false));
    Sets through = combine_and(std::move(parts));
    if (through.sets.empty()) return false;
    through.complete = false;
    aggregate_followed_ = true;
    out = std::move(through);
    return true;
  }

  // ------------------------------------------------------------ realisations on facts

  // Re-evaluates the model with one fact changed, with the verdicts of `phases` only (and of the
  // phases they wait on): a runtime error in an unrelated phase (a division by zero at the probed
  // value) does not spoil the probe. nullptr on an evaluation error.
  std::unique_ptr<Model> reevaluate(const FactBase& facts, std::vector<int> phases) const {
    EvalOptions options = m_.options();
    options.phases = std::move(phases);
    ModelOutcome mo = evaluate_model(p_, facts, options);
    return std::move(mo.model);
  }

  // What `read(model, error)` finds with one change of the facts applied (the facts kept in `storage`
  // while the model reads them); unknown when evaluation or the read fails (a division by zero at
  // this value: no value, not false).
  template <class Read>
  Truth truth_with(const FactChange& ch, FactBase& storage, Read&& read) {
    storage = facts_with(fb_, ch.relation, ch.args, ch.value, ch.remove);
    auto model = reevaluate(storage, {});  // a leaf reads facts and conditions, no verdict
    if (!model) return Truth::unknown;
    EvalError error;
    const Truth t = read(*model, error);
    return error.code.empty() ? t : Truth::unknown;
  }

  Truth leaf_truth_with(int cond, const FactChange& ch, FactBase& storage) {
    const LeafInfo& li = leaf_[static_cast<std::size_t>(cond)];
    return truth_with(ch, storage, [&](const Model& m, EvalError& error) {
      return truth_of_value(m.eval(li.expr, li.binding, &error));
    });
  }

  // For a leaf on one fact: a value of that fact that makes it true / false, and for a threshold on
  // a number the bound it needs.
  void realise(int cond) {
    AtomicCondition& c = e_.conditions[static_cast<std::size_t>(cond)];
    const LeafInfo& li = leaf_[static_cast<std::size_t>(cond)];
    if (li.expr == kNoExpr || realised_.count(cond)) return;
    realised_.insert(cond);
    // Which fact to move: the single uncertain one, else the single one.
    const FactRef* target = nullptr;
    std::size_t uncertain = 0;
    for (const FactRef& f : li.facts)
      if (!f.known) {
        ++uncertain;
        target = &f;
      }
    if (uncertain > 1) return;
    if (uncertain == 0) {
      if (li.facts.size() != 1) return;
      target = &li.facts[0];
    }
    const Relation& rel = p_.relations[static_cast<std::size_t>(target->relation)];
    FactBase storage;
    auto try_value = [&](const std::optional<Constant>& v, bool remove) {
      FactChange ch{target->relation, target->args, v, remove};
      Truth t = leaf_truth_with(cond, ch, storage);
      if (t == Truth::true_ && !c.realise_true) c.realise_true = ch;
      if (t == Truth::false_ && !c.realise_false) c.realise_false = ch;
    };
    if (!rel.value_type) {
      try_value(std::nullopt, false);
      try_value(Constant{false}, false);
      return;
    }
    const ValueType& vt = *rel.value_type;
    switch (vt.base) {
      case BaseType::boolean:
        try_value(Constant{true}, false);
        try_value(Constant{false}, false);
        return;
      case BaseType::level:
      case BaseType::choice: {
        const Enumeration& en = p_.enums[static_cast<std::size_t>(vt.enumeration)];
        // The member nearest the current one first, so the witness reads as the smallest change.
        int cur = -1;
        const std::optional<FactEntry> fe = find_entry(target->relation, target->args);
        if (fe && fe->value && std::holds_alternative<Member>(*fe->value)) cur = std::get<Member>(*fe->value).index;
        std::vector<int> order;
        for (std::size_t k = 0; k < en.members.size(); ++k) order.push_back(static_cast<int>(k));
        if (cur >= 0)
          std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return std::abs(a - cur) < std::abs(b - cur); });
        for (int k : order) try_value(Constant{Member{vt.enumeration, k}}, false);
        return;
      }
      case BaseType::number:
      case BaseType::date: {
        bound_for_number(cond, *target, vt, storage);
        // No threshold (`x = 4`, `d != 2026-03-01`): the constants the condition compares with, and
        // the values next to them.
        if (c.realise_true && c.realise_false) return;
        std::vector<Constant> near;
        for (const Constant& k : constants_in(li.expr)) {
          if (const auto* d = std::get_if<Decimal>(&k); d && vt.base == BaseType::number)
            for (Unit delta : {Unit{0}, Unit{Decimal::kScale}, -Unit{Decimal::kScale}})
              near.push_back(unit_constant(vt, d->raw() + delta));
          if (const auto* d = std::get_if<Date>(&k); d && vt.base == BaseType::date)
            for (Unit delta : {Unit{0}, Unit{1}, Unit{-1}}) near.push_back(unit_constant(vt, Unit{d->days} + delta));
        }
        const auto [lo, hi] = search_range(vt);
        for (const Constant& v : near) {
          if (c.realise_true && c.realise_false) break;
          const Unit u = vt.base == BaseType::date ? Unit{std::get<Date>(v).days} : std::get<Decimal>(v).raw();
          if (u >= lo && u <= hi && !out_of_time()) try_value(v, false);
        }
        return;
      }
      case BaseType::text: {
        // The texts the condition compares with (`owner = "UN"`), then one it does not name.
        std::set<std::string> named;
        for (const Constant& k : constants_in(li.expr))
          if (const auto* t = std::get_if<std::string>(&k); t && named.insert(*t).second) try_value(k, false);
        if (!(c.realise_true && c.realise_false)) try_value(Constant{other_text(named)}, false);
        return;
      }
      default: return;
    }
  }

  // A text none of `named` is: "other", "other 2", ...
  static std::string other_text(const std::set<std::string>& named) {
    std::string t = "other";
    for (int k = 2; named.count(t); ++k) t = "other " + std::to_string(k);
    return t;
  }

  // The constants written in an expression, in order (`50` of `m * m >= 50`, `3` and `4` of
  // `(x - 3) * (x - 4) < 0`).
  std::vector<Constant> constants_in(ExprId id) const {
    std::vector<Constant> out;
    std::function<void(ExprId)> walk = [&](ExprId e) {
      if (e == kNoExpr) return;
      const Expr& x = p_.exprs[static_cast<std::size_t>(e)];
      if (x.kind == ExprKind::constant) out.push_back(x.constant);
      for (ExprId ch : x.children) walk(ch);
    };
    walk(id);
    return out;
  }

  // A point on a number fact's scale: raw decimal units (10^-9) for a number, days for a date.
  using Unit = int128;

  Constant unit_constant(const ValueType& vt, Unit v) const {
    if (vt.base == BaseType::date) return Constant{Date{static_cast<std::int32_t>(v)}};
    return Constant{Decimal::from_raw(v)};
  }

  static Unit floor_mod(Unit v, Unit g) {
    Unit r = v % g;
    return r < 0 ? r + g : r;
  }

  // How round a point is: the largest power of ten (up to `whole`) it is a multiple of.
  static Unit roundness(Unit v, Unit whole) {
    Unit g = whole;
    while (g > 1 && floor_mod(v, g) != 0) g /= 10;
    return g;
  }

  // The values a number or date fact is searched over: its declared range (an open end: +-10^12), for
  // a date 1970-01-01..about 2298. Shared by the bound search and "which unknowns matter".
  std::pair<Unit, Unit> search_range(const ValueType& vt) const {
    if (vt.base == BaseType::date) return {0, 120'000};
    const Unit wide = Unit{1'000'000'000'000LL} * Decimal::kScale;
    return {vt.lo ? vt.lo->raw() : -wide, vt.hi ? vt.hi->raw() : wide};
  }

  // A threshold on one number: search the boundary between the values that make the leaf true and those
  // that make it false, re-evaluating the model with the fact set to each probe. Numbers are exact
  // decimals, so the search goes down to the last decimal (10^-9); it probes whole values first and
  // then ever finer decimals, so a boundary at a round value is found in a few probes.
  void bound_for_number(int cond, const FactRef& f, const ValueType& vt, FactBase& storage) {
    AtomicCondition& c = e_.conditions[static_cast<std::size_t>(cond)];
    const Unit whole = vt.base == BaseType::date ? 1 : Decimal::kScale;
    const auto range = search_range(vt);
    Unit lo = range.first, hi = range.second;
    if (lo > hi) return;
    std::map<Unit, Truth> memo;
    auto at = [&](Unit v) {
      auto it = memo.find(v);
      if (it != memo.end()) return it->second;
      FactChange ch{f.relation, f.args, unit_constant(vt, v), false};
      Truth t = leaf_truth_with(cond, ch, storage);
      memo.emplace(v, t);
      return t;
    };
    Truth tlo = at(lo), thi = at(hi);
    // An end where the condition has no value (`10 / q >= 2` at q = 0: a division by zero stops the
    // probe) is moved inward by whole units, a few at most, so the search still finds the threshold.
    for (int k = 0; k < 3 && tlo == Truth::unknown && lo + whole < hi; ++k) tlo = at(lo += whole);
    for (int k = 0; k < 3 && thi == Truth::unknown && hi - whole > lo; ++k) thi = at(hi -= whole);
    // A comparison of the fact itself with a constant needs no bound: the condition is the bound.
    bool direct = false;
    {
      const LeafInfo& li = leaf_[static_cast<std::size_t>(cond)];
      const Expr& x = p_.exprs[static_cast<std::size_t>(li.expr)];
      if (x.kind == ExprKind::compare) {
        const Expr& l = p_.exprs[static_cast<std::size_t>(x.children.at(0))];
        const Expr& r = p_.exprs[static_cast<std::size_t>(x.children.at(1))];
        auto is_fact = [&](const Expr& s) { return s.kind == ExprKind::atom_value && s.relation == f.relation; };
        direct = (is_fact(l) && r.kind == ExprKind::constant) || (is_fact(r) && l.kind == ExprKind::constant);
      }
    }
    // The boundary: adjacent points a < b with !hi_side(a) and hi_side(b) (hi_side(lo) is false,
    // hi_side(hi) true); nullopt when the time budget ran out. Between the values that make the leaf
    // true and those that make it false there may be values that leave it unknown (`x * 0.5 >= 10`
    // at x = 19.999999999: the product has ten decimals, an interval): each search puts them on the
    // side its bound must not cover.
    using Edge = std::pair<Unit, Unit>;
    auto find_edge = [&](auto&& hi_side) -> std::optional<Edge> {
      Unit a = lo, b = hi, g = whole;
      while (b - a > 1) {
        if (out_of_time()) {
          timed_out_ = true;
          return std::nullopt;
        }
        // The coarsest step with a point strictly between a and b; before going finer, check whether the
        // boundary sits right at a round end (a threshold at 1 500 is then found in two probes, not 30).
        bool done = false;
        while (g > 1 && a - floor_mod(a, g) + g >= b) {
          if (floor_mod(b, g) == 0 && !hi_side(b - 1)) {
            a = b - 1;
            done = true;
            break;
          }
          if (floor_mod(a, g) == 0 && hi_side(a + 1)) {
            b = a + 1;
            done = true;
            break;
          }
          g /= 10;
        }
        if (done) break;
        Unit mid = a + (b - a) / 2;
        mid -= floor_mod(mid, g);
        if (mid <= a) mid += g;
        if (!hi_side(mid)) a = mid;
        else b = mid;
      }
      return std::make_pair(a, b);
    };
    // The bound on the wanted side of the edge, written with the rounder of its two ends:
    // `>= 1_500` rather than `> 1_499.999999999`, `> 0.5` rather than `>= 0.500000001`; for whole days
    // `>= b` and `<= a`.
    struct Bound {
      const char* op;
      Unit value;
    };
    auto bound_for = [&](bool want_at_hi, Unit a, Unit b) {
      Unit ra = roundness(a, whole), rb = roundness(b, whole);  // a tie keeps the inclusive form
      if (want_at_hi) return rb >= ra ? Bound{">=", b} : Bound{">", a};
      return ra >= rb ? Bound{"<=", a} : Bound{"<", b};
    };
    auto complement = [](const Bound& bd) {
      std::string op = bd.op;
      const char* neg = op == ">=" ? "<" : op == ">" ? "<=" : op == "<" ? ">=" : ">";
      return Bound{neg, bd.value};
    };
    auto words = [](const std::string& op) {
      return op == ">=" ? "at least " : op == ">" ? "more than " : op == "<=" ? "at most " : "less than ";
    };
    std::optional<Bound> true_bound;
    std::optional<Edge> true_edge;
    // A value of the fact that tells the verdict apart, for "which unknowns matter" to try.
    auto add_edge_point = [&](Unit v) {
      auto& points = edge_points_[f.tuple];
      if (std::find(points.begin(), points.end(), unit_constant(vt, v)) == points.end())
        points.push_back(unit_constant(vt, v));
    };
    // `x * 4 = 10` (or, to make it false, `x * 4 != 10`): both ends of the range miss the wanted
    // value, which lies at one point between them. Where the two sides of the comparison cross, found
    // by the sign of their difference (`x * 4 >= 10`), is that point if it is one the fact can take;
    // it is checked before it is given, so a crossing between two representable values gives nothing.
    auto solve_equality = [&](bool want_true) {
      if (direct) return;  // `x = 5`: the condition is the bound, and 5 is among the values tried
      const LeafInfo& li = leaf_[static_cast<std::size_t>(cond)];
      const Expr& x = p_.exprs[static_cast<std::size_t>(li.expr)];
      if (x.kind != ExprKind::compare || x.children.size() != 2) return;
      if (x.cmp != (want_true ? CompareOp::eq : CompareOp::ne)) return;
      const Truth want = want_true ? Truth::true_ : Truth::false_;
      std::map<Unit, Truth> above_memo;
      auto above = [&](Unit v) {  // whether the left side is at least the right one at v
        auto it = above_memo.find(v);
        if (it != above_memo.end()) return it->second;
        const FactChange ch{f.relation, f.args, unit_constant(vt, v), false};
        const Truth t = truth_with(ch, storage, [&](const Model& m, EvalError& error) {
          const Value l = m.eval(x.children[0], li.binding, &error);
          return compare(CompareOp::ge, l, m.eval(x.children[1], li.binding, &error));
        });
        above_memo.emplace(v, t);
        return t;
      };
      const Truth alo = above(lo), ahi = above(hi);
      if (alo == Truth::unknown || ahi == Truth::unknown || alo == ahi) return;  // no crossing found
      const bool rising = ahi == Truth::true_;
      auto edge = find_edge([&](Unit v) { return (above(v) == Truth::true_) == rising; });
      if (!edge) return;
      for (Unit v : {edge->first, edge->second}) {
        if (at(v) != want) continue;
        FactChange ch{f.relation, f.args, unit_constant(vt, v), false};
        (want_true ? c.realise_true : c.realise_false) = ch;
        add_edge_point(v);  // "which unknowns matter" tries it too
        const std::string value = constant_text(unit_constant(vt, v));
        (want_true ? c.bound_true : c.bound_false) = f.tuple + " = " + value;
        (want_true ? c.question_true : c.question_false) = "Is " + f.tuple + " exactly " + spoken(value) + "?";
        return;
      }
    };
    auto search = [&](bool want_true) -> void {
      Truth want = want_true ? Truth::true_ : Truth::false_;
      bool at_lo = tlo == want, at_hi = thi == want;
      if (at_lo == at_hi) {
        if (at_lo) {  // both ends: any value (record one witness)
          FactChange ch{f.relation, f.args, unit_constant(vt, lo), false};
          (want_true ? c.realise_true : c.realise_false) = ch;
        } else {
          solve_equality(want_true);
        }
        return;
      }
      // Monotone threshold between lo and hi: the wanted value on one side, anything else on the other.
      std::optional<Edge> edge = at_hi ? find_edge([&](Unit v) { return at(v) == want; })
                                       : find_edge([&](Unit v) { return at(v) != want; });
      if (!edge) return;
      // Both sides of the edge are values the fact can take that tell the verdict apart ("which
      // unknowns matter" tries them, so a window such as `x >= 10 and x <= 20` is found).
      for (Unit v : {edge->first, edge->second}) add_edge_point(v);
      if (want_true) true_edge = edge;
      auto [a, b] = *edge;
      // The witness: the roundest value on the wanted side, nearest the edge (1_499 rather than
      // 1_499.999999999), checked, else the edge itself.
      Unit w = at_hi ? b : a;
      for (Unit g = whole; g > 1; g /= 10) {
        Unit r = at_hi ? b + (g - floor_mod(b, g)) % g : a - floor_mod(a, g);
        if (r >= lo && r <= hi && at(r) == want) {
          w = r;
          break;
        }
      }
      FactChange ch{f.relation, f.args, unit_constant(vt, w), false};
      (want_true ? c.realise_true : c.realise_false) = ch;
      // The values that make it as wanted, for telling which changes imply which (see implies): for
      // a comparison of the fact with a constant, all of one side of the edge; for another
      // condition on the fact (`x + y + z >= 150`), when the middle of each side agrees (a threshold,
      // not a window the search went through).
      const Span span{f.tuple, at_hi ? b : lo, at_hi ? hi : a};
      const Unit other_lo = at_hi ? lo : b, other_hi = at_hi ? a : hi;
      if (direct || (span.lo <= span.hi && other_lo <= other_hi && at(span.lo + (span.hi - span.lo) / 2) == want &&
                     at(other_lo + (other_hi - other_lo) / 2) != want))
        spans_[cond * 2 + (want_true ? 1 : 0)] = span;
      if (direct) return;  // `fact op constant`: the condition itself says it exactly
      // The complement of the bound that makes it true says exactly what makes it false, when no
      // value in between leaves it unknown (both searches found the same edge).
      Bound bd = !want_true && true_bound && true_edge == edge ? complement(*true_bound) : bound_for(at_hi, a, b);
      if (want_true) true_bound = bd;
      std::string value = constant_text(unit_constant(vt, bd.value));
      std::string bound = f.tuple + " " + bd.op + " " + value;
      std::string question = "Is " + f.tuple + " " + words(bd.op) + spoken(value) + "?";
      if (want_true) {
        c.bound_true = bound;
        c.question_true = question;
      } else {
        c.bound_false = bound;
        c.question_false = question;
      }
    };
    search(true);
    search(false);
  }

  // Where `op` first occurs outside brackets and quoted texts, or npos.
  static std::size_t top_level_find(const std::string& text, const std::string& op) {
    int depth = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char ch = text[i];
      if (quoted) {
        if (ch == '\\') ++i;
        else if (ch == '"') quoted = false;
        continue;
      }
      if (ch == '"') quoted = true;
      else if (ch == '(') ++depth;
      else if (ch == ')') --depth;
      else if (depth == 0 && text.compare(i, op.size(), op) == 0) return i;
    }
    return std::string::npos;
  }

  void phrase(int cond) {
    AtomicCondition& c = e_.conditions[static_cast<std::size_t>(cond)];
    const LeafInfo& li = leaf_[static_cast<std::size_t>(cond)];
    const Expr* x = li.expr == kNoExpr ? nullptr : &p_.exprs[static_cast<std::size_t>(li.expr)];
    const ExplainNode& node = e_.nodes[static_cast<std::size_t>(c.node)];
    if (node.kind == NodeKind::after) {
      c.question_true = "Will " + node.label + " be GO?";
      c.question_false = "Could " + node.label + " stop being GO?";
      c.negated = node.label + " is not GO";
      return;
    }
    if (x && x->kind == ExprKind::compare) {
      // Reconstruct the sides from the text of the node (already instantiated).
      const ExplainNode& n = e_.nodes[static_cast<std::size_t>(c.node)];
      std::string op = std::string(" ") + op_text(x->cmp) + " ";
      auto pos = top_level_find(n.text, op);  // not one inside `count(... where s >= 30)`
      if (pos != std::string::npos) {
        std::string l = n.text.substr(0, pos), r = n.text.substr(pos + op.size());
        c.negated = l + " " + op_text(op_negated(x->cmp)) + " " + r;
        c.written_question_true = "Is " + l + " " + op_words(x->cmp) + " " + spoken(r) + "?";
        c.written_question_false = "Is " + l + " " + op_words(op_negated(x->cmp)) + " " + spoken(r) + "?";
        if (c.question_true.empty()) c.question_true = "Is " + l + " " + op_words(x->cmp) + " " + spoken(r) + "?";
        if (c.question_false.empty())
          c.question_false = "Is " + l + " " + op_words(op_negated(x->cmp)) + " " + spoken(r) + "?";
        return;
      }
    }
    c.negated = "not " + c.text;
    if (x && x->kind == ExprKind::atom) {
      const Relation& rel = p_.relations[static_cast<std::size_t>(x->relation)];
      if (rel.kind == RelationKind::fact && rel.value_type) {
        if (c.question_true.empty()) c.question_true = "Is " + c.text + " true?";
        if (c.question_false.empty()) c.question_false = "Is " + c.text + " false?";
      }
    }
    if (c.question_true.empty()) c.question_true = "Does " + c.text + " hold?";
    if (c.question_false.empty()) c.question_false = "Could " + c.text + " cease to hold?";
  }

  // ------------------------------------------------------------ the whole explanation

  void run(const PhaseResult& row) {
    const Phase& ph = p_.phases[static_cast<std::size_t>(row.phase)];
    e_.phase = row.phase;
    e_.args = row.args;
    e_.title = ph.title;
    e_.verdict = row.verdict;
    e_.options = opt_;
    e_.options.model_lock = nullptr;  // the caller's, for building: an explanation may outlive it
    full_ = opt_.counterfactuals;
    // Room for a typical tree: nodes and conditions are large, and growing moves them all.
    e_.nodes.reserve(32);
    e_.conditions.reserve(16);
    leaf_.reserve(16);
    e_.root = build_phase(row.phase, row);
    if (opt_.assumed) e_.assumed = *opt_.assumed;
    else e_.assumed = assumed_facts();
    e_.phase_tuple = e_.nodes[static_cast<std::size_t>(e_.root)].label;
    if (!opt_.counterfactuals) return;
    e_.counterfactuals = true;
    auto to_sets = [&](bool want, std::vector<ChangeSet>& out, bool& complete) {
      size_cut_ = false;
      Sets s = sets_of(e_.root, want);
      complete = s.complete;
      if (s.sets.empty() && size_cut_ && !out_of_time()) {
        // Nothing small enough: find the smallest sets anyway (they are what a planner needs), and say so.
        std::size_t saved = opt_.max_set_size;
        opt_.max_set_size = std::max<std::size_t>(saved * 4, 16);
        size_cut_ = false;
        s = sets_of(e_.root, want);
        opt_.max_set_size = saved;
        complete = s.complete;
        if (!s.sets.empty()) large_sets_ = true;
      }
      for (const Lits& l : s.sets) {
        if (l.empty()) continue;
        if (out.size() >= opt_.max_sets) {
          complete = false;
          limit_hit_ = true;
          break;
        }
        ChangeSet cs;
        for (int lit : l) cs.push_back(Change{lit / 2, (lit % 2) == 1, std::nullopt});
        out.push_back(std::move(cs));
      }
      if (size_cut_ && out.empty()) complete = false;
    };
    if (row.verdict != Verdict::go) to_sets(true, e_.to_go, e_.to_go_complete);
    if (row.verdict != Verdict::no_go) to_sets(false, e_.to_stop, e_.to_stop_complete);
    std::set<int> used;
    for (const auto* list : {&e_.to_go, &e_.to_stop})
      for (const ChangeSet& cs : *list)
        for (const Change& ch : cs) used.insert(ch.condition);
    for (int c : used) {
      if (out_of_time()) {
        timed_out_ = true;
        break;
      }
      realise(c);
    }
    for (int c : used) phrase(c);
    for (auto* list : {&e_.to_go, &e_.to_stop})
      for (ChangeSet& cs : *list) {
        realise_jointly(cs);
        mark_bounds_moved(cs);
      }
    const bool limited = !e_.to_go_complete || !e_.to_stop_complete;  // by the search's limits, before verify_sets
    verify_sets(e_.to_go, e_.to_go_complete, row, Verdict::go);
    verify_sets(e_.to_stop, e_.to_stop_complete, row, Verdict::no_go);
    drop_implied(e_.to_go);
    drop_implied(e_.to_stop);
    if (tree_cut_) e_.to_stop_complete = false;
    if (row.verdict == Verdict::undetermined) unknowns_that_matter(row);
    if (timed_out_) {
      e_.to_go_complete = e_.to_go_complete && !timed_out_;
      e_.to_stop_complete = e_.to_stop_complete && !timed_out_;
    }
    std::string note;
    if (timed_out_) {
      char budget[32];
      std::snprintf(budget, sizeof budget, "%g", opt_.max_seconds);
      note = std::string("the search stopped at its time budget (") + budget + " s)";
    }
    else if (limited && (limit_hit_ || (!derivations_followed_ && !aggregate_followed_)))
      note = "more sets may exist: listed at most " + std::to_string(opt_.max_sets) + " sets of at most " +
             std::to_string(opt_.max_set_size) + " changes";
    if (large_sets_ && (!e_.to_go.empty() || !e_.to_stop.empty()))  // (sets found, then all left out: no note)
      note += std::string(note.empty() ? "" : "; ") + "every set needs more than " + std::to_string(opt_.max_set_size) +
              " changes";
    if (!e_.unknowns_complete) note += std::string(note.empty() ? "" : "; ") + "not every unknown was tried";
    if (derivations_followed_)
      note += std::string(note.empty() ? "" : "; ") +
              "a derived condition was followed only through the bindings its rules have now";
    if (aggregate_followed_)
      note += std::string(note.empty() ? "" : "; ") +
              "a count was brought to 0 through the filters of the tuples it counts now (removing such a tuple "
              "itself is another way, not searched)";
    if (unrealised_ > 0)
      note += std::string(note.empty() ? "" : "; ") + std::to_string(unrealised_) +
              (unrealised_ == 1 ? " set was" : " sets were") +
              " left out: applied as assumptions, the values found for it did not give the verdict";
    if (tree_cut_)
      note += std::string(note.empty() ? "" : "; ") + "derivations past " + std::to_string(kMaxFullNodes) +
              " nodes are shown one each, and not searched for what could stop them";
    e_.budget_note = note;
  }

  // Each set whose changes all have a realisation on facts is applied as those assumptions and
  // must give the verdict it promises (GO: what would it take; NO-GO: what could stop it). One that
  // does not is left out, and its list marked incomplete: its conditions cannot hold together (a
  // requirement and a block on the same fact, an after-phase that needs the opposite), or the value
  // found for one of them breaks another. Sets on derived conditions, which no fact change realises,
  // stay as they are; so do the rest once the time budget is spent.
  // When the values found do not give the verdict, each change's value is moved to the values next
  // to it (a whole unit or a day either side, another member of a level), keeping its condition as
  // wanted: `w >= 50` realised as 50 meets `block if w = 50`, and 51 does not.
  void verify_sets(std::vector<ChangeSet>& list, bool& complete, const PhaseResult& row, Verdict want) {
    std::vector<ChangeSet> kept;
    for (ChangeSet& cs : list) {
      // The same change twice (`x < 4` from `x + y >= 12` and from `y + x >= 12`) is one change.
      {
        std::set<std::string> seen;
        std::erase_if(cs, [&](const Change& ch) { return !seen.insert(explain_change_text(e_, ch)).second; });
      }
      // A change that no value can make: its condition reads one unknown fact and is already false
      // (true) over all of that fact's values (`z >= 60_000` for a z in 0..50_000). The set is left out.
      const bool impossible = std::any_of(cs.begin(), cs.end(), [&](const Change& ch) {
        const AtomicCondition& c = e_.conditions[static_cast<std::size_t>(ch.condition)];
        return !realisation(e_, ch) && only_unknown_fact(ch.condition) &&
               c.truth == (ch.make_true ? Truth::false_ : Truth::true_);
      });
      if (impossible) continue;  // not a set at all: the list stays complete
      auto changes = fact_changes(m_, e_, cs);
      if (!changes && !out_of_time()) {
        // A literal that is no change of one fact (a derived condition: `contrib("B")` beside
        // `t("B") >= 10`): when the others, applied, already give the verdict, it follows from them
        // and is not part of the smallest set.
        ChangeSet sub;
        for (const Change& ch : cs)
          if (realisation(e_, ch)) sub.push_back(ch);
        if (!sub.empty() && sub.size() < cs.size()) {
          auto sub_changes = fact_changes(m_, e_, sub);
          if (sub_changes && gives_verdict(*sub_changes, row, want)) {
            cs = std::move(sub);
            changes = std::move(sub_changes);
          }
        }
      }
      if (!changes || out_of_time()) {
        kept.push_back(std::move(cs));
        continue;
      }
      bool ok = gives_verdict(*changes, row, want);
      FactBase storage;
      for (std::size_t k = 0; !ok && k < cs.size() && !out_of_time(); ++k) {
        const auto& r = realisation(e_, cs[k]);
        if (!r || r->remove || !r->value) continue;
        for (const Constant& v : neighbours(r->relation, *r->value)) {
          // The changes of the set that move this fact all take the new value, each still as wanted.
          FactChange moved{r->relation, r->args, v, false};
          std::vector<FactChange> alt = *changes;
          bool holds = true;
          for (std::size_t j = 0; j < cs.size() && holds; ++j) {
            if (alt[j].relation != moved.relation || alt[j].args != moved.args) continue;
            const Truth wanted = cs[j].make_true ? Truth::true_ : Truth::false_;
            holds = !out_of_time() && leaf_truth_with(cs[j].condition, moved, storage) == wanted;
            alt[j] = moved;
          }
          if (!holds || !gives_verdict(alt, row, want)) continue;
          for (std::size_t j = 0; j < cs.size(); ++j)
            if (alt[j].relation == moved.relation && alt[j].args == moved.args) cs[j].assume = moved;
          ok = true;
          break;
        }
      }
      // Two changes that give one fact two values (`y < 5` as y = 4 and `y > 7` as y = 8) cannot both
      // hold: applied, the last value wins, and the set is not what it says.
      if (ok && contradictory(cs)) ok = false;
      if (ok) {
        shrink(cs, row, want);
        kept.push_back(std::move(cs));
      } else {
        ++unrealised_;
        complete = false;
      }
    }
    // Smallest first; a set equal to, or holding all of, one listed before it is left out.
    std::stable_sort(kept.begin(), kept.end(), [](const ChangeSet& a, const ChangeSet& b) { return a.size() < b.size(); });
    std::vector<std::set<std::string>> keys;
    list.clear();
    for (ChangeSet& cs : kept) {
      std::set<std::string> key;
      for (const Change& ch : cs) key.insert(explain_change_text(e_, ch));
      const bool covered = std::any_of(keys.begin(), keys.end(), [&](const std::set<std::string>& k) {
        return std::includes(key.begin(), key.end(), k.begin(), k.end());
      });
      if (covered) continue;
      keys.push_back(std::move(key));
      list.push_back(std::move(cs));
    }
  }

  // Whether the condition reads one fact only, and that one unknown: its truth then already holds for
  // every value that fact can take. (Not when it reads others too: `n + trained("X") >= 15` is false
  // over all of n only while trained("X") is unlisted, and listing it can make it true.)
  bool only_unknown_fact(int cond) const {
    const LeafInfo& li = leaf_[static_cast<std::size_t>(cond)];
    if (li.expr == kNoExpr) return false;
    return li.facts.size() == 1 && !li.facts[0].known;
  }

  bool contradictory(const ChangeSet& cs) const {
    auto changes = fact_changes(m_, e_, cs);
    if (!changes) return false;
    for (std::size_t i = 0; i < changes->size(); ++i)
      for (std::size_t j = i + 1; j < changes->size(); ++j) {
        const FactChange& a = (*changes)[i];
        const FactChange& b = (*changes)[j];
        if (a.relation == b.relation && a.args == b.args && (a.remove != b.remove || a.value != b.value)) return true;
      }
    return false;
  }

  // A set from which a change can be left out, the rest still giving the verdict when applied, is not
  // smallest: the change is left out (LANGUAGE.md 3.5: no proper subset makes it GO). A realisation
  // can do more than its condition says (`threat < severe` realised as `low` also meets a waiver).
  // The change is redundant when the others give the verdict, unless they do it by giving its own
  // fact a value that happens to meet it: `x >= 10.5` and `x <= 10.7` stay a pair, though x = 10.7
  // alone gives GO (it meets both). The others are then applied as their own (not the value shared
  // with the change left out).
  void shrink(ChangeSet& cs, const PhaseResult& row, Verdict want) const {
    for (bool again = cs.size() > 1; again && !out_of_time();) {
      again = false;
      for (std::size_t k = 0; k < cs.size() && !out_of_time(); ++k) {
        const std::optional<FactChange>& rk = realisation(e_, cs[k]);
        ChangeSet fewer;
        for (std::size_t j = 0; j < cs.size(); ++j) {
          if (j == k) continue;
          Change c = cs[j];
          if (rk && c.assume && c.assume->relation == rk->relation && c.assume->args == rk->args) c.assume.reset();
          fewer.push_back(std::move(c));
        }
        auto changes = fact_changes(m_, e_, fewer);
        if (!changes) continue;
        FactBase storage;  // before the model, which reads it
        auto model = applied(*changes, row, storage);
        if (!model || !verdict_is(*model, row, want)) continue;
        // Its condition met by the others' value for its own fact is luck (that value was picked for
        // another condition); met while its fact is untouched, the others imply it (`y >= 10` makes
        // `x + y >= 9` true for every x): then it is redundant.
        const LeafInfo& li = leaf_[static_cast<std::size_t>(cs[k].condition)];
        const Truth wanted = cs[k].make_true ? Truth::true_ : Truth::false_;
        const bool touches = rk && std::any_of(changes->begin(), changes->end(), [&](const FactChange& ch) {
                               return ch.relation == rk->relation && ch.args == rk->args;
                             });
        if (touches && li.expr != kNoExpr && truth_of_value(model->eval(li.expr, li.binding)) == wanted) continue;
        cs = std::move(fewer);
        again = cs.size() > 1;
        break;
      }
    }
  }

  // The facts with `changes` applied (into `storage`, which the model reads: it must outlive the
  // model), evaluated for this binding's phase (null: the evaluation stopped).
  std::unique_ptr<Model> applied(const std::vector<FactChange>& changes, const PhaseResult& row,
                                 FactBase& storage) const {
    storage = fb_;
    for (const FactChange& ch : changes) storage = facts_with(storage, ch.relation, ch.args, ch.value, ch.remove);
    return reevaluate(storage, {row.phase});
  }

  static bool verdict_is(const Model& model, const PhaseResult& row, Verdict want) {
    for (const PhaseResult& r : model.evaluation().phases)
      if (r.phase == row.phase && r.args == row.args) return r.verdict == want;
    return false;
  }

  bool gives_verdict(const std::vector<FactChange>& changes, const PhaseResult& row, Verdict want) const {
    FactBase storage;
    auto model = applied(changes, row, storage);
    return model && verdict_is(*model, row, want);
  }

  // Whether an atomic condition reads this fact.
  static bool reads_fact(const LeafInfo& li, const FactRef& f) {
    return li.expr != kNoExpr && std::any_of(li.facts.begin(), li.facts.end(), [&](const FactRef& g) {
             return g.relation == f.relation && g.args == f.args;
           });
  }

  // The values next to a fact value: a whole unit either side of a number, a day of a date, every
  // other member of a level or choice.
  std::vector<Constant> neighbours(int relation, const Constant& v) const {
    std::vector<Constant> out;
    if (const auto* d = std::get_if<Decimal>(&v)) {
      out = {Decimal::from_raw(d->raw() + Decimal::kScale), Decimal::from_raw(d->raw() - Decimal::kScale)};
      const auto& vt = p_.relations[static_cast<std::size_t>(relation)].value_type;
      if (vt) std::erase_if(out, [&](const Constant& c) {
        const Decimal& x = std::get<Decimal>(c);
        return (vt->lo && x < *vt->lo) || (vt->hi && *vt->hi < x);
      });
    } else if (const auto* d = std::get_if<Date>(&v)) {
      out = {Date{d->days + 1}, Date{d->days - 1}};
    } else if (const auto* m = std::get_if<Member>(&v)) {
      const Enumeration& en = p_.enums[static_cast<std::size_t>(m->enumeration)];
      for (std::size_t k = 0; k < en.members.size(); ++k)
        if (static_cast<int>(k) != m->index) out.push_back(Constant{Member{m->enumeration, static_cast<int>(k)}});
    }
    return out;
  }

  // The arguments of a tuple given as text (`unit_ready("Charlie")`, as the evaluator lists an
  // unlisted tuple of an open relation), read as a facts line would be; nullopt if it does not read
  // as a tuple of that relation.
  std::optional<std::vector<Constant>> args_of_text(int relation, const std::string& text) const {
    Diagnostics diags;
    auto line = parse_fact_line("unknowns", text + " = unknown", diags);
    if (!line || diags.has_errors()) return std::nullopt;
    FactBaseBuilder builder(p_);
    if (!builder.add_line(*line, FactOrigin{}, diags)) return std::nullopt;
    const FactBase one = std::move(builder).build();
    if (one.size(relation) != 1) return std::nullopt;
    return one.args(relation, 0);
  }

  // Whether a tuple as text has `_` for an argument (`fuel(_)`, `road("A", _)`).
  static bool has_wildcard_argument(const std::string& tuple) {
    for (std::size_t i = tuple.find('('); i != std::string::npos && i + 1 < tuple.size(); i = tuple.find_first_of("(,", i + 1)) {
      std::size_t a = i + 1;
      while (a < tuple.size() && tuple[a] == ' ') ++a;
      if (a + 1 < tuple.size() && tuple[a] == '_' && (tuple[a + 1] == ',' || tuple[a + 1] == ')')) return true;
    }
    return false;
  }

  void unknowns_that_matter(const PhaseResult& row) {
    std::vector<FactRef> facts;
    // Unknown facts under the unknown atomic conditions of the formula.
    std::function<void(int)> walk = [&](int node) {
      const ExplainNode& n = e_.nodes[static_cast<std::size_t>(node)];
      if (n.evidence || n.truth != Truth::unknown) return;
      if (n.condition >= 0) {
        for (const FactRef& f : leaf_[static_cast<std::size_t>(n.condition)].facts)
          if (!f.known) add_fact(facts, f);
        for (const FactRef& f : n.facts)
          if (!f.known) add_fact(facts, f);
        return;
      }
      for (int c : n.children) walk(c);
    };
    walk(e_.root);
    std::sort(facts.begin(), facts.end(), [](const FactRef& a, const FactRef& b) { return a.tuple < b.tuple; });
    // The others the evaluator lists (tuples of an aggregate past those the tree shows), found in the
    // facts by their text, so that each keeps its provenance and range.
    std::map<int, std::unordered_map<std::string, std::size_t>> by_text;  // per relation: tuple text -> entry
    for (const std::string& s : row.unknowns) {
      bool found = false;
      for (const FactRef& f : facts) found = found || f.tuple == s;
      if (found) continue;
      const int relation = p_.find_relation(s.substr(0, s.find('(')));
      std::optional<std::size_t> entry;
      if (relation >= 0 && p_.relations[static_cast<std::size_t>(relation)].kind == RelationKind::fact) {
        auto [at, fresh] = by_text.try_emplace(relation);
        if (fresh)
          for (std::size_t i = 0; i < fb_.size(relation); ++i) at->second.emplace(tuple_text(relation, fb_.args(relation, i)), i);
        if (auto it = at->second.find(s); it != at->second.end()) entry = it->second;
      }
      if (entry) {
        facts.push_back(fact_ref(relation, fb_.args(relation, *entry)));
        continue;
      }
      if (relation >= 0) {  // an unlisted tuple of an open relation: its arguments read back from its text
        if (auto args = args_of_text(relation, s)) {
          facts.push_back(fact_ref(relation, *args));
          continue;
        }
      }
      FactRef f;  // not read back: `fuel(_)` (the unlisted tuples of an open relation), listed, not tried
      f.tuple = s;
      f.value = "unknown";
      f.known = false;
      facts.push_back(f);
    }
    for (FactRef& f : facts) {
      UnknownThatMatters u;
      u.fact = f;
      u.wildcard = f.relation < 0 && has_wildcard_argument(f.tuple);
      if (f.relation >= 0 && !out_of_time()) {
        std::vector<std::pair<std::optional<Constant>, bool>> candidates;
        const Relation& rel = p_.relations[static_cast<std::size_t>(f.relation)];
        if (!rel.value_type) {
          candidates = {{std::nullopt, false}, {Constant{false}, false}};
        } else {
          const ValueType& vt = *rel.value_type;
          switch (vt.base) {
            case BaseType::boolean: candidates = {{Constant{true}, false}, {Constant{false}, false}}; break;
            case BaseType::level:
            case BaseType::choice:
              for (std::size_t k = 0; k < p_.enums[static_cast<std::size_t>(vt.enumeration)].members.size(); ++k)
                candidates.push_back({Constant{Member{vt.enumeration, static_cast<int>(k)}}, false});
              break;
            case BaseType::number:
            case BaseType::date: {
              const auto [lo, hi] = search_range(vt);
              candidates = {{unit_constant(vt, lo), false}, {unit_constant(vt, hi), false}};
              add_threshold_points(f, candidates);
              break;
            }
            case BaseType::text: {  // each text a condition on it names, and one none names
              std::set<std::string> named;
              for (const auto& leaf : leaf_) {
                if (!reads_fact(leaf, f)) continue;
                for (const Constant& k : constants_in(leaf.expr))
                  if (const auto* t = std::get_if<std::string>(&k); t && named.insert(*t).second)
                    candidates.push_back({k, false});
              }
              candidates.push_back({Constant{other_text(named)}, false});
              break;
            }
            default: break;
          }
        }
        if (!candidates.empty()) {
          u.tested = true;
          std::set<std::string> can;
          for (auto& [v, remove] : candidates) {
            if (out_of_time()) {
              timed_out_ = true;
              u.tested = false;
              break;
            }
            FactBase fb = facts_with(fb_, f.relation, f.args, v, remove);
            auto model = reevaluate(fb, {row.phase});
            if (!model) continue;
            for (const PhaseResult& r : model->evaluation().phases)
              if (r.phase == row.phase && r.args == row.args && r.verdict != Verdict::undetermined)
                can.insert(to_string(r.verdict));
          }
          u.can_make.assign(can.begin(), can.end());
          u.decides_alone = !u.can_make.empty();
        }
      }
      if (!u.tested && !u.wildcard) e_.unknowns_complete = false;
      e_.unknowns.push_back(std::move(u));
    }
  }

  // Changes of one set that move the same fact to different values (`x >= 10.5` realised as 11,
  // `x <= 10.7` as 10): one value that makes each of them hold, tried among their realisations and the
  // edges of the fact's thresholds, is given to all of them. None found: each keeps its own.
  // Changes on one fact compared with a constant, each the values of the fact that make it as wanted
  // (`y >= 80`: 80 up to the top of y's range): a change whose values all make another one hold
  // implies it. In a set, an implied change is dropped (`y >= 80` with `y >= 40`: `y >= 80`).
  bool implies(const Change& x, const Change& y) const {
    if (x.condition == y.condition && x.make_true == y.make_true) return true;
    if (x.as_written || y.as_written) return false;  // its values were found with a fact the set moves
    auto sx = spans_.find(x.condition * 2 + (x.make_true ? 1 : 0));
    auto sy = spans_.find(y.condition * 2 + (y.make_true ? 1 : 0));
    if (sx == spans_.end() || sy == spans_.end() || sx->second.fact != sy->second.fact) return false;
    return sx->second.lo >= sy->second.lo && sx->second.hi <= sy->second.hi;
  }

  void drop_implied(std::vector<ChangeSet>& list) const {
    for (ChangeSet& cs : list) {
      std::vector<bool> drop(cs.size(), false);
      for (std::size_t i = 0; i < cs.size(); ++i)
        for (std::size_t j = 0; j < cs.size(); ++j)
          if (i != j && !drop[i] && !drop[j] && implies(cs[i], cs[j])) drop[j] = true;
      ChangeSet kept;
      for (std::size_t i = 0; i < cs.size(); ++i)
        if (!drop[i]) kept.push_back(cs[i]);
      cs = std::move(kept);
    }
    // (A set that implies another is not left out: the other may work only while a condition outside
    // it stays as it is, which the first breaks: `x >= 50` beside `x >= 10` under `(x >= 10 and
    // x <= 20) or x >= 50`.) Two sets may have become one.
    std::vector<ChangeSet> kept;
    for (ChangeSet& cs : list) {
      std::sort(cs.begin(), cs.end(), [](const Change& a, const Change& b) {
        return std::pair(a.condition, a.make_true) < std::pair(b.condition, b.make_true);
      });
      const bool again = std::any_of(kept.begin(), kept.end(), [&](const ChangeSet& k) {
        return k.size() == cs.size() && std::equal(k.begin(), k.end(), cs.begin(), [](const Change& a, const Change& b) {
                 return a.condition == b.condition && a.make_true == b.make_true;
               });
      });
      if (!again) kept.push_back(std::move(cs));
    }
    list = std::move(kept);
  }

  // A change shown as a bound (`n * 3 + x / 2 >= 40` as `n >= 3.333333334`) whose condition reads
  // another fact that a change of the same set moves (`x < 60`): the bound was worked out with that
  // fact's current value, so in this set the change is shown as the condition written.
  void mark_bounds_moved(ChangeSet& cs) {
    for (std::size_t i = 0; i < cs.size(); ++i) {
      const AtomicCondition& c = e_.conditions[static_cast<std::size_t>(cs[i].condition)];
      if ((cs[i].make_true ? c.bound_true : c.bound_false).empty()) continue;
      const auto& own = realisation(e_, cs[i]);
      const LeafInfo& li = leaf_[static_cast<std::size_t>(cs[i].condition)];
      for (std::size_t j = 0; j < cs.size() && !cs[i].as_written; ++j) {
        if (j == i) continue;
        const auto& other = realisation(e_, cs[j]);
        if (!other || (own && own->relation == other->relation && own->args == other->args)) continue;
        for (const FactRef& f : li.facts)
          if (f.relation == other->relation && f.args == other->args) cs[i].as_written = true;
      }
    }
  }

  void realise_jointly(ChangeSet& cs) {
    for (std::size_t i = 0; i < cs.size(); ++i) {
      const auto& ri = realisation(e_, cs[i]);
      if (!ri || ri->remove || !ri->value || cs[i].assume) continue;
      std::vector<std::size_t> group{i};
      for (std::size_t j = i + 1; j < cs.size(); ++j) {
        const auto& rj = realisation(e_, cs[j]);
        if (rj && !rj->remove && rj->value && rj->relation == ri->relation && rj->args == ri->args) group.push_back(j);
      }
      if (group.size() < 2) continue;
      std::vector<Constant> values;
      for (std::size_t k : group) values.push_back(*realisation(e_, cs[k])->value);
      auto it = edge_points_.find(tuple_text(ri->relation, ri->args));
      if (it != edge_points_.end()) values.insert(values.end(), it->second.begin(), it->second.end());
      // And the whole values (days) next to each: `d >= 2026-03-01` with `d != 2026-03-01` is
      // 2026-03-02, next to both realisations' 2026-03-01.
      for (std::size_t k = 0, n = values.size(); k < n; ++k) {
        const Constant v = values[k];  // a copy: the pushes below move the vector
        if (const auto* d = std::get_if<Decimal>(&v)) {
          values.push_back(Decimal::from_raw(d->raw() + Decimal::kScale));
          values.push_back(Decimal::from_raw(d->raw() - Decimal::kScale));
        } else if (const auto* d = std::get_if<Date>(&v)) {
          values.push_back(Date{d->days + 1});
          values.push_back(Date{d->days - 1});
        }
      }
      FactBase storage;
      for (const Constant& v : values) {
        if (out_of_time()) return;
        FactChange ch{ri->relation, ri->args, v, false};
        bool all = true;
        for (std::size_t k : group) {
          Truth want = cs[k].make_true ? Truth::true_ : Truth::false_;
          all = all && leaf_truth_with(cs[k].condition, ch, storage) == want;
        }
        if (all) {
          for (std::size_t k : group) cs[k].assume = ch;
          break;
        }
      }
    }
  }

  // Besides the ends of its range, a number or date can change the verdict in between: at each
  // threshold of a condition that reads it (found by the bound search, both sides of it), and at each
  // constant it is compared with directly (`x = 15`, which no threshold search finds).
  void add_threshold_points(const FactRef& f, std::vector<std::pair<std::optional<Constant>, bool>>& candidates) {
    const ValueType& vt = *p_.relations[static_cast<std::size_t>(f.relation)].value_type;
    std::set<std::string> seen;
    for (const auto& cand : candidates) seen.insert(constant_text(*cand.first));
    // Only values of the fact's type within its declared range, each once.
    auto add = [&](const Constant& v) {
      if (vt.base == BaseType::number) {
        if (!std::holds_alternative<Decimal>(v)) return;
        const Decimal& d = std::get<Decimal>(v);
        if ((vt.lo && d < *vt.lo) || (vt.hi && *vt.hi < d)) return;
      } else if (!std::holds_alternative<Date>(v)) {
        return;
      }
      if (seen.insert(constant_text(v)).second) candidates.push_back({v, false});
    };
    for (std::size_t c = 0; c < leaf_.size(); ++c) {
      const LeafInfo& li = leaf_[c];
      if (!reads_fact(li, f)) continue;
      if (out_of_time()) return;
      realise(static_cast<int>(c));
      // Every constant of the condition (`x = 15`, and the 3 and 4 of `(x - 3) * (x - 4) < 0`).
      for (const Constant& k : constants_in(li.expr)) add(k);
    }
    auto it = edge_points_.find(f.tuple);
    if (it != edge_points_.end())
      for (const Constant& v : it->second) add(v);
    // A condition that is not monotone in the fact (`m * m >= 50` over -10..10, true at both ends,
    // false at 0; `(x - 3) * (x - 4) < 0`, true only between 3 and 4) changes between the points
    // found: the value halfway between each two neighbours, and 0, are tried too.
    if (vt.base != BaseType::number) return;
    std::vector<Decimal> points;
    for (const auto& cand : candidates)
      if (cand.first && std::holds_alternative<Decimal>(*cand.first)) points.push_back(std::get<Decimal>(*cand.first));
    std::sort(points.begin(), points.end());
    add(Decimal::from_int(0));
    for (std::size_t k = 0; k + 1 < points.size(); ++k)
      add(Decimal::from_raw(points[k].raw() / 2 + points[k + 1].raw() / 2));
  }

  const std::vector<LeafInfo>& leaves() const { return leaf_; }

 private:
  const Model& m_;
  const Program& p_;
  const FactBase& fb_;
  ExplainOptions opt_;
  Explanation& e_;
  Clock::time_point start_;
  bool full_ = true;
  bool size_cut_ = false;
  bool timed_out_ = false;
  static constexpr std::size_t kMaxFullNodes = 200'000;
  bool tree_cut_ = false;      // derivations past kMaxFullNodes (or the budget) shown as evidence only
  std::size_t unrealised_ = 0;  // sets left out: their assumptions did not give the verdict
  bool large_sets_ = false;
  int depth_ = 0;
  int deriv_depth_ = 0;
  std::vector<std::string> path_;
  std::vector<int8_t> expandable_;
  std::unordered_map<std::string, int> cond_index_;
  std::vector<LeafInfo> leaf_;
  std::set<int> realised_;
  // For a number or date fact (by its tuple text): the values on both sides of each threshold found.
  std::map<std::string, std::vector<Constant>> edge_points_;
  std::set<int> binding_conditions_;  // this phase's `for each` tuple
  bool derivations_followed_ = false;  // sets_of went through a derived atom's present derivations
  Truth leaf_truth_ = Truth::true_;             // the truth of the leaf whose facts are being collected
  ExprId leaf_expr_ = kNoExpr;                  // ... and its expression
  std::set<std::string> expanded_aggregates_;  // aggregates whose tuples' filters are in the tree already
  struct Span {  // the values of one fact that make a change hold (see implies)
    std::string fact;
    Unit lo = 0, hi = 0;
  };
  std::map<int, Span> spans_;  // by condition * 2 + (make true ? 1 : 0)
  bool aggregate_followed_ = false;    // sets_of went through the filters of a count to bring it to 0
  bool limit_hit_ = false;             // sets were left out for the limits on their number
};

}  // namespace

FactBase facts_with(const FactBase& facts, int relation, const std::vector<Constant>& args,
                    const std::optional<Constant>& value, bool remove) {
  FactBase out = facts;
  if (relation < 0) return out;
  if (remove) {
    out.erase(relation, args);
    return out;
  }
  FactOrigin origin;
  origin.file = "--assume";
  origin.assumption = true;
  out.set(relation, FactEntry{args, value, origin});
  return out;
}

const std::optional<FactChange>& realisation(const Explanation& e, const Change& ch) {
  if (ch.assume) return ch.assume;
  const AtomicCondition& c = e.conditions[static_cast<std::size_t>(ch.condition)];
  return ch.make_true ? c.realise_true : c.realise_false;
}

std::optional<std::vector<FactChange>> fact_changes(const Model&, const Explanation& e, const ChangeSet& set) {
  std::vector<FactChange> out;
  for (const Change& ch : set) {
    if (ch.condition < 0 || static_cast<std::size_t>(ch.condition) >= e.conditions.size()) return std::nullopt;
    const auto& r = realisation(e, ch);
    if (!r) return std::nullopt;
    out.push_back(*r);
  }
  return out;
}

std::vector<FactRef> assumed_facts(const Model& model) {
  Explanation scratch;
  return Builder(model, ExplainOptions{}, scratch).assumed_facts();
}

std::vector<std::int8_t> expandable_relations(const Model& model) {
  Explanation scratch;
  Builder b(model, ExplainOptions{}, scratch);
  std::vector<std::int8_t> out(model.program().relations.size());
  for (std::size_t r = 0; r < out.size(); ++r) out[r] = b.expandable(static_cast<int>(r)) ? 1 : 0;
  return out;
}

Explanation explain_phase(const Model& model, const PhaseResult& row, const ExplainOptions& options) {
  Explanation e;
  explain_phase(model, row, options, e);
  return e;
}

void explain_phase(const Model& model, const PhaseResult& row, const ExplainOptions& options, Explanation& e) {
  // The node and condition vectors keep their memory (a tree's worth, kilobytes, allocated and
  // freed for every binding of a large phase otherwise); everything else starts afresh.
  std::vector<ExplainNode> nodes = std::move(e.nodes);
  std::vector<AtomicCondition> conditions = std::move(e.conditions);
  nodes.clear();
  conditions.clear();
  e = Explanation{};
  e.nodes = std::move(nodes);
  e.conditions = std::move(conditions);
  if (row.phase < 0 || static_cast<std::size_t>(row.phase) >= model.program().phases.size()) return;
  Builder b(model, options, e);
  b.run(row);
}

}  // namespace phasegate::engine
