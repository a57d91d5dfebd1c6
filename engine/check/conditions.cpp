// Pass 2: conditions lowered into rules — alternatives split, parameter types inferred, variables range-restricted.
#include <algorithm>
#include <set>

#include "engine/check/graph.hpp"
#include "engine/check/lower.hpp"

namespace phasegate::engine::check {

namespace {

void flatten(const syntax::ExprPtr& e, syntax::BinaryOp op, std::vector<syntax::ExprPtr>& out) {
  if (e) {
    if (const auto* b = std::get_if<syntax::Binary>(&e->node); b && b->op == op) {
      flatten(b->lhs, op, out);
      flatten(b->rhs, op, out);
      return;
    }
  }
  out.push_back(e);
}

// Identifiers of an expression outside its aggregates; `args_only` keeps atom arguments only.
void names_of(const syntax::Expr& e, std::set<std::string>& out, bool args_only, bool in_arg = false) {
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, syntax::NameRef>) {
          if (n.name != "_" && (!args_only || in_arg)) out.insert(n.name);
        } else if constexpr (std::is_same_v<T, syntax::Atom>) {
          for (const auto& a : n.args)
            if (a) names_of(*a, out, args_only, true);
        } else if constexpr (std::is_same_v<T, syntax::Unary>) {
          if (n.operand && n.op == syntax::UnaryOp::negate) names_of(*n.operand, out, args_only, in_arg);
          if (n.operand && n.op == syntax::UnaryOp::not_ && !args_only) names_of(*n.operand, out, args_only);
        } else if constexpr (std::is_same_v<T, syntax::Binary>) {
          if (n.lhs) names_of(*n.lhs, out, args_only);
          if (n.rhs) names_of(*n.rhs, out, args_only);
        }
      },
      e.node);
}

// A condition's `when` as one or more conjunctions: a top-level `or` whose
// branches bind variables the rest does not is split into alternatives.
std::vector<std::vector<syntax::ExprPtr>> alternatives(const Context& cx, const syntax::ExprPtr& when,
                                                       const std::set<std::string>& members) {
  std::vector<std::vector<syntax::ExprPtr>> result, work;
  work.emplace_back();
  flatten(when, syntax::BinaryOp::and_, work.back());
  constexpr std::size_t kMaxAlternatives = 64;
  while (!work.empty()) {
    auto conj = std::move(work.back());
    work.pop_back();
    std::set<std::string> bound;
    for (const auto& c : conj) {
      if (!c) continue;
      const auto* b = std::get_if<syntax::Binary>(&c->node);
      if (b && b->op == syntax::BinaryOp::or_) continue;
      names_of(*c, bound, true);
    }
    std::size_t split_at = conj.size();
    for (std::size_t i = 0; i < conj.size() && split_at == conj.size(); ++i) {
      if (!conj[i]) continue;
      const auto* b = std::get_if<syntax::Binary>(&conj[i]->node);
      if (!b || b->op != syntax::BinaryOp::or_) continue;
      std::set<std::string> used;
      names_of(*conj[i], used, false);
      for (const auto& n : used)
        if (!bound.count(n) && !cx.names.count(n) && !members.count(n)) split_at = i;
    }
    if (split_at == conj.size() || result.size() + work.size() >= kMaxAlternatives) {
      result.push_back(std::move(conj));
      continue;
    }
    std::vector<syntax::ExprPtr> branches;
    flatten(conj[split_at], syntax::BinaryOp::or_, branches);
    for (auto it = branches.rbegin(); it != branches.rend(); ++it) {
      std::vector<syntax::ExprPtr> alt;
      for (std::size_t i = 0; i < conj.size(); ++i) {
        if (i == split_at)
          flatten(*it, syntax::BinaryOp::and_, alt);
        else
          alt.push_back(conj[i]);
      }
      work.push_back(std::move(alt));
    }
  }
  return result;
}

// Conditions named by a condition's `when` (for the order of type inference).
void condition_refs(const Context& cx, const syntax::Expr& e, std::vector<int>& out) {
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        auto note = [&](const std::string& name) {
          auto it = cx.names.find(name);
          if (it != cx.names.end() && it->second.kind == NameEntry::Kind::condition) out.push_back(it->second.index);
        };
        if constexpr (std::is_same_v<T, syntax::NameRef>) {
          note(n.name);
        } else if constexpr (std::is_same_v<T, syntax::Atom>) {
          note(n.name.name);
          for (const auto& a : n.args)
            if (a) condition_refs(cx, *a, out);
        } else if constexpr (std::is_same_v<T, syntax::Aggregate>) {
          if (n.body) condition_refs(cx, *n.body, out);
          if (n.where) condition_refs(cx, *n.where, out);
        } else if constexpr (std::is_same_v<T, syntax::Unary>) {
          if (n.operand) condition_refs(cx, *n.operand, out);
        } else if constexpr (std::is_same_v<T, syntax::Binary>) {
          if (n.lhs) condition_refs(cx, *n.lhs, out);
          if (n.rhs) condition_refs(cx, *n.rhs, out);
        }
      },
      e.node);
}

bool same_base(const ValueType& a, const ValueType& b) {
  return a.base == b.base &&
         (a.base != BaseType::level && a.base != BaseType::choice ? true : a.enumeration == b.enumeration);
}

// Lowers every alternative of one `condition` block. Returns true when a parameter type was newly learnt.
bool lower_block(Context& cx, int rel_id, const syntax::ConditionDecl& decl, bool quiet,
                 const std::set<std::string>& members) {
  bool learnt = false;
  if (!decl.when) return false;
  auto alts = alternatives(cx, decl.when, members);
  for (const auto& alt : alts) {
    Rule rule;
    Frame frame;
    frame.names = &rule.var_names;
    std::vector<std::pair<std::string, int>> preset;
    for (const auto& p : decl.params) {
      int s = -1;
      for (const auto& [n, slot] : preset)
        if (n == p.name) s = slot;  // a repeated parameter (already an error) shares its slot
      if (s < 0) {
        s = frame.add(p.name);
        preset.emplace_back(p.name, s);
      }
      rule.head_vars.push_back(s);
    }
    const std::size_t mark = cx.program.exprs.size();
    Lowerer lw(cx, frame, Lowerer::Options{Lowerer::Mode::condition, rel_id, quiet});
    std::vector<const syntax::Expr*> roots;
    for (const auto& c : alt) roots.push_back(c.get());
    lw.begin(preset, roots);
    std::vector<ExprId> parts;
    for (const auto& c : alt) {
      if (!c) continue;
      ExprId id = lw.lower(*c);
      lw.expect_boolean(id, c->pos);
      parts.push_back(id);
    }
    if (parts.empty()) continue;
    ExprId body = lw.conjunction(parts, decl.when->pos);
    std::set<int> bound;
    auto gens = lw.bind(parts, bound, false);
    lw.require_bound(body, bound,
                     "a variable in `not`, a comparison or an atom of an `open` relation must also appear in a "
                     "positive atom of a closed relation in the same `when` (an open relation's unlisted tuples are "
                     "unknown, so it cannot list a variable's values; inside an aggregate it can)");
    lw.require_head_bound(decl.params, rule.head_vars, bound);

    auto& rel = cx.program.relations[static_cast<std::size_t>(rel_id)];
    auto& known = cx.param_type_known[static_cast<std::size_t>(rel_id)];
    for (std::size_t i = 0; i < decl.params.size(); ++i) {
      const auto& t = frame.types[static_cast<std::size_t>(rule.head_vars[i])];
      if (!t) continue;
      if (!known[i]) {
        rel.param_types[i] = *t;
        known[i] = true;
        learnt = true;
      } else if (!quiet && !same_base(rel.param_types[i], *t)) {
        cx.diags.error(code::conflicting_types, decl.params[i].pos,
                       "parameter `" + decl.params[i].name + "` of `" + rel.name + "` is " + a_type(cx.program, *t) +
                           " here but " + a_type(cx.program, rel.param_types[i]) + " in another alternative",
                       {"alternatives of a condition must give each parameter the same type"});
      }
    }
    if (quiet) {
      cx.program.exprs.resize(mark);
      continue;
    }
    rule.relation = rel_id;
    rule.pos = to_source_pos(decl.pos);
    rule.body = Body{body, std::move(gens)};
    cite(cx, decl.why, rule.because, rule.cite_source, rule.cite_locator);
    rel.rules.push_back(static_cast<int>(cx.program.rules.size()));
    cx.program.rules.push_back(std::move(rule));
  }
  return learnt;
}

}  // namespace

void lower_conditions(Context& cx) {
  const std::size_t n = cx.program.relations.size();
  std::set<std::string> members;
  for (const auto& en : cx.program.enums)
    for (const auto& m : en.members) members.insert(m);
  Graph g(n);
  for (std::size_t r = 0; r < n; ++r)
    for (const auto* d : cx.condition_decls[r])
      if (d->when) {
        std::vector<int> refs;
        condition_refs(cx, *d->when, refs);
        for (int t : refs) g.add(static_cast<int>(r), t);
      }
  auto sccs = g.sccs();  // dependencies first
  for (const auto& scc : sccs) {
    if (cx.program.relations[static_cast<std::size_t>(scc[0])].kind != RelationKind::condition) continue;
    bool recursive = scc.size() > 1 || g.has_edge(scc[0], scc[0]);
    if (recursive) {
      for (std::size_t round = 0; round <= scc.size() + 1; ++round) {
        bool learnt = false;
        for (int r : scc)
          for (const auto* d : cx.condition_decls[static_cast<std::size_t>(r)])
            learnt = lower_block(cx, r, *d, true, members) || learnt;
        if (!learnt) break;
      }
    }
    const std::size_t errors_before = cx.diags.error_count();
    for (int r : scc)
      for (const auto* d : cx.condition_decls[static_cast<std::size_t>(r)]) lower_block(cx, r, *d, false, members);
    if (cx.diags.error_count() != errors_before) continue;  // an unbound or ill-typed parameter is reported already
    // A parameter no alternative gives a type (`condition c(x) when x = unknown`): its tuples could
    // not be matched against the values the condition is asked about, and would read as false.
    for (int r : scc) {
      const auto& decls = cx.condition_decls[static_cast<std::size_t>(r)];
      const auto& known = cx.param_type_known[static_cast<std::size_t>(r)];
      const auto& rel = cx.program.relations[static_cast<std::size_t>(r)];
      if (decls.empty() || !decls.front()->when) continue;
      for (std::size_t i = 0; i < known.size() && i < decls.front()->params.size(); ++i)
        if (!known[i])
          cx.diags.error(code::untyped_parameter, decls.front()->params[i].pos,
                         "the type of parameter `" + decls.front()->params[i].name + "` of `" + rel.name +
                             "` cannot be told from its `when`",
                         {"`unknown` has no type of its own: bind the parameter with an atom, or give `unknown` a "
                          "type through arithmetic (`x = unknown + 0` for a number)"});
    }
  }
}

}  // namespace phasegate::engine::check
