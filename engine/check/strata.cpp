// Passes 4 and 5: strata of the conditions (cycles through `not` or an aggregate are errors) and the order of phases.
#include <algorithm>
#include <functional>
#include <queue>
#include <set>

#include "engine/check/context.hpp"
#include "engine/check/graph.hpp"

namespace phasegate::engine::check {

namespace {

std::string where(const syntax::Position& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

const char* through(Context::Edge::Kind k) {
  switch (k) {
    case Context::Edge::Kind::negation:
      return " through `not`";
    case Context::Edge::Kind::aggregate:
      return " through an aggregate";
    default:
      return "";
  }
}

}  // namespace

void stratify(Context& cx) {
  auto& prog = cx.program;
  const std::size_t n = prog.relations.size();
  Graph g(n);
  for (const auto& e : cx.edges) g.add(e.from, e.to);
  auto sccs = g.sccs();
  std::vector<int> comp_of(n, -1);
  for (std::size_t c = 0; c < sccs.size(); ++c)
    for (int v : sccs[c]) comp_of[static_cast<std::size_t>(v)] = static_cast<int>(c);
  // strata: condition components in evaluation order
  for (const auto& scc : sccs) {
    if (prog.relations[static_cast<std::size_t>(scc[0])].kind != RelationKind::condition) continue;
    int stratum = static_cast<int>(prog.strata.size());
    for (int v : scc) prog.relations[static_cast<std::size_t>(v)].stratum = stratum;
    prog.strata.push_back(scc);
  }
  // cycles through `not` or an aggregate: one error per component
  std::set<int> reported;
  for (const auto& e : cx.edges) {
    if (e.kind == Context::Edge::Kind::positive) continue;
    int c = comp_of[static_cast<std::size_t>(e.from)];
    if (c != comp_of[static_cast<std::size_t>(e.to)] || reported.count(c)) continue;
    reported.insert(c);
    std::vector<bool> allowed(n, false);
    for (int v : sccs[static_cast<std::size_t>(c)]) allowed[static_cast<std::size_t>(v)] = true;
    auto back = g.path(e.to, e.from, allowed);  // e.to ... e.from
    // each step of the cycle with the position of the reference that makes it
    std::vector<std::string> notes{"the cycle:"};
    auto step = [&](int from, int to, const Context::Edge* known) {
      const Context::Edge* best = known;
      if (!best)
        for (const auto& f : cx.edges)
          if (f.from == from && f.to == to) {
            best = &f;
            break;
          }
      std::string s = "`" + prog.relations[static_cast<std::size_t>(from)].name + "` uses `" +
                      prog.relations[static_cast<std::size_t>(to)].name + "`";
      if (best) s += std::string(through(best->kind)) + " at " + where(best->pos);
      notes.push_back(s);
    };
    step(e.from, e.to, &e);
    for (std::size_t i = 0; i + 1 < back.size(); ++i) step(back[i], back[i + 1], nullptr);
    notes.push_back("a condition cannot depend on its own negation or on an aggregate over itself");
    const auto& name = prog.relations[static_cast<std::size_t>(e.from)].name;
    cx.diags.error(code::unstratified_cycle, e.pos, "condition `" + name + "` depends on itself" + through(e.kind),
                   std::move(notes));
  }
}

void order_phases(Context& cx) {
  auto& prog = cx.program;
  const std::size_t n = prog.phases.size();
  Graph g(n);
  for (std::size_t i = 0; i < n; ++i)
    for (int t : prog.phases[i].after) g.add(static_cast<int>(i), t);
  // Kahn's algorithm, the first declared of the ready phases each time (a heap of them: a chain of
  // 100 000 `after`s is ordered in linear time, not by rescanning every phase at each step)
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> waiting_on(n);  // per phase, the phases whose `after` names it
  for (std::size_t i = 0; i < n; ++i) {
    pending[i] = static_cast<int>(prog.phases[i].after.size());
    for (int t : prog.phases[i].after) waiting_on[static_cast<std::size_t>(t)].push_back(static_cast<int>(i));
  }
  std::vector<bool> placed(n, false);
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (pending[i] == 0) ready.push(static_cast<int>(i));
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    placed[static_cast<std::size_t>(i)] = true;
    prog.phase_order.push_back(i);
    for (int w : waiting_on[static_cast<std::size_t>(i)])
      if (--pending[static_cast<std::size_t>(w)] == 0) ready.push(w);
  }
  if (prog.phase_order.size() == n) return;
  // the rest lie on or behind cycles: report each cycle once
  auto sccs = g.sccs();
  for (const auto& scc : sccs) {
    bool cyclic = scc.size() > 1 || g.has_edge(scc[0], scc[0]);
    if (!cyclic) continue;
    std::vector<bool> allowed(n, false);
    for (int v : scc) allowed[static_cast<std::size_t>(v)] = true;
    int first = scc[0];
    int next = -1;
    syntax::Position pos;
    for (const auto& [t, p] : cx.after_refs[static_cast<std::size_t>(first)])
      if (allowed[static_cast<std::size_t>(t)]) {
        next = t;
        pos = p;
        break;
      }
    if (next < 0) continue;
    auto back = g.path(next, first, allowed);
    std::vector<std::string> notes{"the cycle:"};
    auto step = [&](int from, int to) {
      std::string s = "`" + prog.phases[static_cast<std::size_t>(from)].name + "` is after `" +
                      prog.phases[static_cast<std::size_t>(to)].name + "`";
      for (const auto& [t, p] : cx.after_refs[static_cast<std::size_t>(from)])
        if (t == to) s += " at " + where(p);
      notes.push_back(s);
    };
    step(first, next);
    for (std::size_t i = 0; i + 1 < back.size(); ++i) step(back[i], back[i + 1]);
    notes.push_back("remove one of these `after` names");
    cx.diags.error(code::after_cycle, pos,
                   "phase `" + prog.phases[static_cast<std::size_t>(first)].name + "` comes after itself",
                   std::move(notes));
  }
  for (std::size_t i = 0; i < n; ++i)
    if (!placed[i]) prog.phase_order.push_back(static_cast<int>(i));
}

}  // namespace phasegate::engine::check
