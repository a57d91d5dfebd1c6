// Pass 6: warnings — unused facts, conditions no phase reaches, missing `because`, constant clauses, uncited sources.
#include <set>

#include "engine/check/context.hpp"

namespace phasegate::engine::check {

namespace {

// The value of an expression when it does not depend on the facts.
std::optional<Constant> fold_value(const Program& p, ExprId id) {
  const Expr& x = p.exprs[static_cast<std::size_t>(id)];
  if (x.kind == ExprKind::constant && !std::holds_alternative<Unknown>(x.constant)) return x.constant;
  if (x.kind == ExprKind::negate) {
    auto v = fold_value(p, x.children[0]);
    if (v && std::holds_alternative<Decimal>(*v)) return std::get<Decimal>(*v).negated();
    return std::nullopt;
  }
  if (x.kind == ExprKind::arith) {
    auto a = fold_value(p, x.children[0]);
    auto b = fold_value(p, x.children[1]);
    if (!a || !b || !std::holds_alternative<Decimal>(*a) || !std::holds_alternative<Decimal>(*b)) return std::nullopt;
    Decimal l = std::get<Decimal>(*a), r = std::get<Decimal>(*b);
    std::optional<Decimal> res;
    switch (x.arith) {
      case ArithOp::add:
        res = Decimal::add(l, r);
        break;
      case ArithOp::sub:
        res = Decimal::sub(l, r);
        break;
      case ArithOp::mul:
        res = Decimal::mul(l, r);
        break;
      case ArithOp::div:
        res = r.is_zero() ? std::nullopt : Decimal::div(l, r);
        // An inexact quotient (`1 / 3`) is an interval for the engine (docs/language.md 3.5), so
        // what it is compared with may be unknown: no constant here, or the lint would call
        // `1 / 3 * 3 = 1` always false where advise says unknown.
        if (res) {
          auto back = Decimal::mul(*res, r);
          if (!back || !(*back == l)) res.reset();
        }
        break;
    }
    if (res) return *res;
  }
  return std::nullopt;
}

template <class T>
bool cmp(CompareOp op, const T& a, const T& b) {
  switch (op) {
    case CompareOp::eq:
      return a == b;
    case CompareOp::ne:
      return !(a == b);
    case CompareOp::lt:
      return a < b;
    case CompareOp::le:
      return a < b || a == b;
    case CompareOp::gt:
      return b < a;
    case CompareOp::ge:
      return b < a || a == b;
  }
  return false;
}

CompareOp mirror(CompareOp op) {
  switch (op) {
    case CompareOp::lt:
      return CompareOp::gt;
    case CompareOp::le:
      return CompareOp::ge;
    case CompareOp::gt:
      return CompareOp::lt;
    case CompareOp::ge:
      return CompareOp::le;
    default:
      return op;
  }
}

// Whether `v op c` holds for every value v in [lo, hi] (true), for none (false), or depends.
std::optional<bool> range_compare(CompareOp op, const std::optional<Decimal>& lo, const std::optional<Decimal>& hi,
                                  const Decimal& c) {
  switch (op) {
    case CompareOp::ge:
      if (lo && !(*lo < c)) return true;
      if (hi && *hi < c) return false;
      return std::nullopt;
    case CompareOp::gt:
      if (lo && c < *lo) return true;
      if (hi && !(c < *hi)) return false;
      return std::nullopt;
    case CompareOp::le:
      if (hi && !(c < *hi)) return true;
      if (lo && c < *lo) return false;
      return std::nullopt;
    case CompareOp::lt:
      if (hi && *hi < c) return true;
      if (lo && !(*lo < c)) return false;
      return std::nullopt;
    default:
      if ((lo && c < *lo) || (hi && *hi < c)) return op == CompareOp::ne;
      return std::nullopt;
  }
}

// A scalar fact's value, or a count: its range when it is always defined.
bool value_range(const Program& p, ExprId id, std::optional<Decimal>& lo, std::optional<Decimal>& hi) {
  const Expr& x = p.exprs[static_cast<std::size_t>(id)];
  if (x.kind == ExprKind::aggregate && x.agg == AggregateOp::count) {
    lo = Decimal{};
    hi.reset();
    return true;
  }
  if (x.kind == ExprKind::atom_value && x.args.empty() && x.type.base == BaseType::number && (x.type.lo || x.type.hi)) {
    lo = x.type.lo;
    hi = x.type.hi;
    return true;
  }
  return false;
}

std::optional<bool> fold_truth(const Program& p, ExprId id) {
  const Expr& x = p.exprs[static_cast<std::size_t>(id)];
  switch (x.kind) {
    case ExprKind::constant:
      if (const auto* b = std::get_if<bool>(&x.constant)) return *b;
      return std::nullopt;
    case ExprKind::not_: {
      auto v = fold_truth(p, x.children[0]);
      if (v) return !*v;
      return std::nullopt;
    }
    case ExprKind::and_: {
      bool all = true;
      for (ExprId c : x.children) {
        auto v = fold_truth(p, c);
        if (v && !*v) return false;
        if (!v) all = false;
      }
      if (all) return true;
      return std::nullopt;
    }
    case ExprKind::or_: {
      bool all = true;
      for (ExprId c : x.children) {
        auto v = fold_truth(p, c);
        if (v && *v) return true;
        if (!v) all = false;
      }
      if (all) return false;
      return std::nullopt;
    }
    case ExprKind::compare: {
      auto a = fold_value(p, x.children[0]);
      auto b = fold_value(p, x.children[1]);
      if (a && b && a->index() == b->index()) {
        return std::visit(
            [&](const auto& l) -> std::optional<bool> {
              using T = std::decay_t<decltype(l)>;
              const T& r = std::get<T>(*b);
              if constexpr (std::is_same_v<T, Member>) {
                if (x.cmp == CompareOp::eq || x.cmp == CompareOp::ne) return cmp(x.cmp, l.index, r.index);
                return cmp(x.cmp, l.index, r.index);
              } else if constexpr (std::is_same_v<T, Unknown>) {
                return std::nullopt;
              } else {
                return cmp(x.cmp, l, r);
              }
            },
            *a);
      }
      // one side varies: a level against its lowest/highest member, a ranged value against a constant
      for (int side = 0; side < 2; ++side) {
        const auto& cv = side == 0 ? b : a;
        if (!cv) continue;
        ExprId var = x.children[static_cast<std::size_t>(side)];
        CompareOp op = side == 0 ? x.cmp : mirror(x.cmp);
        const Expr& ve = p.exprs[static_cast<std::size_t>(var)];
        if (const auto* m = std::get_if<Member>(&*cv);
            m && ve.type.base == BaseType::level && ve.kind == ExprKind::atom_value && ve.args.empty()) {
          int last = static_cast<int>(p.enums[static_cast<std::size_t>(m->enumeration)].members.size()) - 1;
          if (m->index == 0 && op == CompareOp::ge) return true;
          if (m->index == 0 && op == CompareOp::lt) return false;
          if (m->index == last && op == CompareOp::le) return true;
          if (m->index == last && op == CompareOp::gt) return false;
        }
        if (const auto* d = std::get_if<Decimal>(&*cv)) {
          std::optional<Decimal> lo, hi;
          if (value_range(p, var, lo, hi)) return range_compare(op, lo, hi, *d);
        }
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

void lint(Context& cx, bool uses_known) {
  const auto& prog = cx.program;
  // facts nothing uses
  for (std::size_t r = 0; uses_known && r < prog.relations.size(); ++r) {
    const auto& rel = prog.relations[r];
    if (rel.kind == RelationKind::fact && !cx.relation_used[r])
      cx.diags.warning(code::unused_fact, to_pos(rel.pos), "fact `" + rel.name + "` is declared but never used",
                       {"use it in a condition or a requirement, or remove the declaration"});
  }
  // conditions no phase reaches
  std::vector<std::vector<int>> out(prog.relations.size());
  for (const auto& e : cx.edges) out[static_cast<std::size_t>(e.from)].push_back(e.to);
  std::vector<bool> reached(prog.relations.size(), false);
  std::vector<int> stack(cx.phase_relations.begin(), cx.phase_relations.end());
  while (!stack.empty()) {
    int r = stack.back();
    stack.pop_back();
    if (reached[static_cast<std::size_t>(r)]) continue;
    reached[static_cast<std::size_t>(r)] = true;
    for (int t : out[static_cast<std::size_t>(r)]) stack.push_back(t);
  }
  for (std::size_t r = 0; uses_known && r < prog.relations.size(); ++r) {
    const auto& rel = prog.relations[r];
    if (rel.kind == RelationKind::condition && !reached[r])
      cx.diags.warning(code::unreached_condition, to_pos(rel.pos),
                       "condition `" + rel.name + "` is not used by any phase",
                       {"require it in a phase (directly or through another condition), or remove it"});
  }
  // clauses: missing `because`, constant after folding
  for (const auto& ph : prog.phases) {
    for (const auto& cl : ph.clauses) {
      const char* kind = cl.kind == ClauseKind::require ? "requirement" : "block";
      std::string name = cl.labelled ? " `" + cl.label + "`" : " " + cl.label;
      if (cl.because.empty())
        cx.diags.warning(code::missing_because, to_pos(cl.pos),
                         std::string(kind) + name + " of phase `" + ph.name + "` has no `because`",
                         {"say why it matters: `because \"...\"` (it is shown in every explanation)"});
      if (cl.expr == kNoExpr) continue;
      auto v = fold_truth(prog, cl.expr);
      if (!v) continue;
      bool met = cl.kind == ClauseKind::require ? *v : !*v;
      cx.diags.warning(code::constant_clause, to_pos(cl.pos),
                       std::string(kind) + name + " of phase `" + ph.name + "` is always " + (*v ? "true" : "false") +
                           ", whatever the facts",
                       {std::string("`") + cl.text + "` cannot change, so the " + kind +
                        (cl.kind == ClauseKind::require ? (met ? " is always met" : " is never met")
                                                        : (met ? " never applies" : " always applies"))});
    }
  }
  // sources never cited
  for (std::size_t s = 0; uses_known && s < prog.sources.size(); ++s)
    if (!cx.source_cited[s])
      cx.diags.warning(code::uncited_source, to_pos(prog.sources[s].pos),
                       "source `" + prog.sources[s].id + "` is never cited",
                       {"cite it with `cite " + prog.sources[s].id + "` after a `because`, or remove it"});
}

}  // namespace phasegate::engine::check
