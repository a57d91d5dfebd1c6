// Pass 3: phases — `for each`, requirements and blocks with their labels, waivers, `after`.
#include <algorithm>
#include <map>
#include <set>

#include "engine/check/lower.hpp"

namespace phasegate::engine::check {

namespace {

std::string where(const syntax::Position& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

bool same_base(const ValueType& a, const ValueType& b) {
  return a.base == b.base &&
         (a.base != BaseType::level && a.base != BaseType::choice ? true : a.enumeration == b.enumeration);
}

void lower_phase(Context& cx, int phase_id, const syntax::PhaseDecl& pd) {
  Phase& ph = cx.program.phases[static_cast<std::size_t>(phase_id)];
  Frame frame;
  frame.names = &ph.var_names;
  frame.types.resize(ph.var_names.size());
  frame.typed_at.resize(ph.var_names.size());
  const int nparams = static_cast<int>(ph.params.size());
  std::vector<std::pair<std::string, int>> preset;
  for (int i = 0; i < nparams; ++i) preset.emplace_back(ph.params[static_cast<std::size_t>(i)], i);
  // How often each name is written in the whole phase: a variable reads as `_` only when written
  // once in all of it (LANGUAGE 2.2: "used once ... and nowhere else").
  std::vector<const syntax::Expr*> all_exprs;
  std::vector<syntax::Expr> for_each_exprs;  // the `for each` atoms, as expressions
  for (const auto& c : pd.clauses) {
    if (const auto* fe = std::get_if<syntax::ForEachClause>(&c)) {
      syntax::Expr e;
      e.pos = fe->atom.name.pos;
      e.node = fe->atom;
      for_each_exprs.push_back(std::move(e));
    } else if (const auto* r = std::get_if<syntax::RequireClause>(&c)) {
      all_exprs.push_back(r->expr.get());
    } else if (const auto* b = std::get_if<syntax::BlockClause>(&c)) {
      all_exprs.push_back(b->expr.get());
    } else if (const auto* w = std::get_if<syntax::WaiveClause>(&c)) {
      all_exprs.push_back(w->expr.get());
    }
  }
  for (const auto& e : for_each_exprs) all_exprs.push_back(&e);
  Frame count_frame;
  std::vector<std::string> count_names;
  count_frame.names = &count_names;
  Lowerer counter(cx, count_frame, {Lowerer::Mode::phase, -1, true});
  const std::unordered_map<std::string, int> phase_counts = counter.count_only(all_exprs);
  const Lowerer::Options opts{Lowerer::Mode::phase, -1, false, &phase_counts};
  const std::string kWrittenOnce =
      "a variable written once in the phase, in an atom of a boolean relation that is not negated (it reads as `_`)";

  // `for each`
  const syntax::ForEachClause* for_each = nullptr;
  for (const auto& c : pd.clauses) {
    const auto* fe = std::get_if<syntax::ForEachClause>(&c);
    if (!fe) continue;
    if (nparams == 0) {
      cx.diags.error(code::bad_for_each, fe->pos, "phase `" + ph.name + "` has no parameters for `for each` to bind",
                     {"declare the parameters after the phase name: `phase " + ph.name + "(x)`, or remove `for each`"});
      continue;
    }
    if (for_each) {
      cx.diags.error(code::bad_for_each, fe->pos, "phase `" + ph.name + "` has more than one `for each`",
                     {"the first is at " + where(for_each->pos) + "; combine them into a condition"});
      continue;
    }
    for_each = fe;
  }
  if (nparams > 0 && !for_each) {
    cx.diags.error(
        code::missing_for_each, pd.name.pos, "phase `" + ph.name + "` has parameters but no `for each`",
        {"add a clause that lists its bindings, e.g. `for each " + std::string("sector(") + ph.params[0] + ")`"});
  }
  if (for_each) {
    syntax::Expr atom_expr;
    atom_expr.pos = for_each->atom.name.pos;
    atom_expr.node = for_each->atom;
    Lowerer lw(cx, frame, opts);
    lw.begin(preset, {&atom_expr});
    ExprId id = lw.lower(atom_expr);
    const Expr& x = cx.program.exprs[static_cast<std::size_t>(id)];
    if (!lw.failed() && x.kind != ExprKind::atom) {
      cx.diags.error(code::bad_for_each, for_each->pos,
                     "`for each` needs an atom of a boolean relation or condition, not `" + x.text + "`",
                     {"use a relation that lists the bindings, e.g. `fact sector(name: text)`"});
    } else if (!lw.failed()) {
      std::set<int> bound;
      auto gens = lw.bind({id}, bound, true);
      for (int i = 0; i < nparams; ++i)
        if (!bound.count(i)) {
          cx.diags.error(
              code::bad_for_each, for_each->pos,
              "`for each " + x.text + "` does not bind parameter `" + ph.params[static_cast<std::size_t>(i)] + "`",
              {"the atom must name every parameter of the phase as an argument"});
        }
      ph.for_each = Body{id, std::move(gens)};
      ph.for_each_atom = id;
    }
    for (int i = 0; i < nparams; ++i)
      if (frame.types[static_cast<std::size_t>(i)])
        ph.param_types[static_cast<std::size_t>(i)] = *frame.types[static_cast<std::size_t>(i)];
  }

  // requirements and blocks
  std::set<int> bound;
  for (int i = 0; i < nparams; ++i) bound.insert(i);
  std::map<std::string, std::size_t> labels;  // written label -> clause index
  int position = 0;
  std::vector<const syntax::WaiveClause*> waives;
  for (const auto& c : pd.clauses) {
    if (const auto* w = std::get_if<syntax::WaiveClause>(&c)) {
      waives.push_back(w);
      continue;
    }
    const syntax::ExprPtr* expr = nullptr;
    const std::optional<syntax::Ident>* label = nullptr;
    const syntax::Justification* why = nullptr;
    syntax::Position pos;
    ClauseKind kind = ClauseKind::require;
    if (const auto* r = std::get_if<syntax::RequireClause>(&c)) {
      expr = &r->expr, label = &r->label, why = &r->why, pos = r->pos;
    } else if (const auto* b = std::get_if<syntax::BlockClause>(&c)) {
      expr = &b->expr, label = &b->label, why = &b->why, pos = b->pos, kind = ClauseKind::block;
    } else {
      continue;
    }
    ++position;
    Clause cl;
    cl.kind = kind;
    cl.pos = to_source_pos(pos);
    if (*label) {
      cl.label = (*label)->name;
      cl.labelled = true;
      auto [it, inserted] = labels.emplace(cl.label, ph.clauses.size());
      if (!inserted)
        cx.diags.error(
            code::duplicate_label, (*label)->pos, "label `" + cl.label + "` is already used in phase `" + ph.name + "`",
            {"first used at " + where(to_pos(ph.clauses[it->second].pos)), "give each requirement its own label"});
    } else {
      cl.label = "#" + std::to_string(position);
    }
    if (*expr) {
      Lowerer lw(cx, frame, opts);
      lw.begin(preset, {expr->get()});
      cl.expr = lw.lower(**expr);
      lw.expect_boolean(cl.expr, (*expr)->pos);
      lw.require_bound(cl.expr, bound,
                       nparams ? "a phase clause may use the phase's parameters, variables local to an aggregate, and " +
                                     kWrittenOnce
                               : "a phase clause may use variables inside an aggregate, and " + kWrittenOnce);
      cl.text = cx.program.exprs[static_cast<std::size_t>(cl.expr)].text;
    }
    cite(cx, *why, cl.because, cl.cite_source, cl.cite_locator);
    ph.clauses.push_back(std::move(cl));
  }
  // waivers
  for (const auto* w : waives) {
    Waiver wv;
    wv.label = w->label.name;
    wv.pos = to_source_pos(w->pos);
    if (w->expr) {
      Lowerer lw(cx, frame, opts);
      lw.begin(preset, {w->expr.get()});
      wv.expr = lw.lower(*w->expr);
      lw.expect_boolean(wv.expr, w->expr->pos);
      lw.require_bound(wv.expr, bound,
                       "a waiver may use the phase's parameters, variables local to an aggregate, and " + kWrittenOnce);
      wv.text = cx.program.exprs[static_cast<std::size_t>(wv.expr)].text;
    }
    cite(cx, w->why, wv.because, wv.cite_source, wv.cite_locator);
    auto it = labels.find(wv.label);
    int wid = static_cast<int>(ph.waivers.size());
    if (it == labels.end()) {
      std::vector<std::string> names;
      for (const auto& [n, _] : labels) names.push_back(n);
      auto near = nearest_name(wv.label, names);
      std::vector<std::string> notes;
      if (!near.empty()) notes.push_back("did you mean `" + near + "`?");
      if (names.empty())
        notes.push_back("label the requirement to waive: `require " + wv.label + ": ...`");
      else {
        std::string all;
        for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
        notes.push_back("the labels of phase `" + ph.name + "` are: " + all);
      }
      cx.diags.error(code::undeclared_label, w->label.pos,
                     "phase `" + ph.name + "` has no requirement labelled `" + wv.label + "`", std::move(notes));
    } else if (ph.clauses[it->second].kind == ClauseKind::block) {
      cx.diags.error(code::waive_block, w->label.pos, "`" + wv.label + "` is a block; only requirements can be waived",
                     {"turn the block into a requirement (`require " + wv.label + ": not ...`) to waive it"});
    } else {
      ph.clauses[it->second].waivers.push_back(wid);
    }
    ph.waivers.push_back(std::move(wv));
  }
  // `after` (checked once every phase's parameter types are known)
  auto& refs = cx.after_refs[static_cast<std::size_t>(phase_id)];
  for (const auto& c : pd.clauses) {
    const auto* a = std::get_if<syntax::AfterClause>(&c);
    if (!a) continue;
    for (const auto& id : a->phases) {
      auto it = cx.names.find(id.name);
      if (it == cx.names.end()) {
        std::vector<std::string> names;
        for (const auto& p : cx.program.phases) names.push_back(p.name);
        auto near = nearest_name(id.name, names);
        cx.diags.error(
            code::undeclared_phase, id.pos, "phase `" + id.name + "` is not declared",
            {near.empty() ? "`after` names phases declared with `phase NAME`" : "did you mean `" + near + "`?"});
        continue;
      }
      if (it->second.kind != NameEntry::Kind::phase) {
        cx.diags.error(code::wrong_kind_of_name, id.pos,
                       "`" + id.name + "` is a " + (it->second.kind == NameEntry::Kind::fact ? "fact" : "condition") +
                           ", not a phase",
                       {"`after` names phases; to require `" + id.name + "`, write `require " + id.name + "`"});
        continue;
      }
      if (std::find(ph.after.begin(), ph.after.end(), it->second.index) != ph.after.end()) continue;
      ph.after.push_back(it->second.index);
      refs.emplace_back(it->second.index, id.pos);
    }
  }
}

}  // namespace

void cite(Context& cx, const syntax::Justification& why, std::string& because, std::optional<std::string>& source,
          std::optional<std::string>& locator) {
  because = why.because.value_or("");
  if (!why.cite) return;
  const auto& c = *why.cite;
  auto it = cx.sources.find(c.source.name);
  if (it == cx.sources.end()) {
    std::vector<std::string> names;
    for (const auto& s : cx.program.sources) names.push_back(s.id);
    auto near = nearest_name(c.source.name, names);
    cx.diags.error(code::undeclared_source, c.source.pos, "source `" + c.source.name + "` is not declared",
                   {near.empty() ? "declare it after the `ruleset` line: `source " + c.source.name + " \"...\"`"
                                 : "did you mean `" + near + "`?"});
  } else {
    cx.source_cited[static_cast<std::size_t>(it->second)] = true;
  }
  source = c.source.name;
  locator = c.locator;
}

syntax::Position to_pos(const SourcePos& p) { return syntax::Position{p.file, p.line, p.column, 0}; }

void lower_phases(Context& cx) {
  cx.after_refs.assign(cx.program.phases.size(), {});
  for (std::size_t i = 0; i < cx.phase_decls.size(); ++i) lower_phase(cx, static_cast<int>(i), *cx.phase_decls[i]);
  // `after` phases: the same parameters in order, or none
  for (std::size_t i = 0; i < cx.program.phases.size(); ++i) {
    const auto& ph = cx.program.phases[i];
    for (const auto& [target, pos] : cx.after_refs[i]) {
      const auto& other = cx.program.phases[static_cast<std::size_t>(target)];
      if (other.params.empty()) continue;
      bool ok = other.params.size() == ph.params.size();
      for (std::size_t k = 0; ok && k < ph.params.size(); ++k) ok = same_base(other.param_types[k], ph.param_types[k]);
      if (ok) continue;
      auto sig = [&](const Phase& p) {
        std::string s = p.name + "(";
        for (std::size_t k = 0; k < p.params.size(); ++k)
          s += (k ? ", " : "") + p.params[k] + ": " + type_name(cx.program, p.param_types[k]);
        return s + ")";
      };
      cx.diags.error(code::after_parameters, pos,
                     "phase `" + ph.name + "` cannot come after `" + other.name + "`: their parameters differ",
                     {"`" + sig(ph) + "` is after `" + sig(other) + "`",
                      "a phase named in `after` must have the same parameters, in the same order, or none"});
    }
  }
}

}  // namespace phasegate::engine::check
