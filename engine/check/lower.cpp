// Lowering of expressions: names resolved, atoms checked against declarations, types inferred and checked.
#include "engine/check/lower.hpp"

#include <algorithm>
#include <functional>

#include "engine/calendar.hpp"

namespace phasegate::engine::check {

namespace {

bool is_compare(syntax::BinaryOp op) {
  return op == syntax::BinaryOp::eq || op == syntax::BinaryOp::ne || op == syntax::BinaryOp::lt ||
         op == syntax::BinaryOp::le || op == syntax::BinaryOp::gt || op == syntax::BinaryOp::ge;
}

CompareOp to_cmp(syntax::BinaryOp op) {
  switch (op) {
    case syntax::BinaryOp::ne:
      return CompareOp::ne;
    case syntax::BinaryOp::lt:
      return CompareOp::lt;
    case syntax::BinaryOp::le:
      return CompareOp::le;
    case syntax::BinaryOp::gt:
      return CompareOp::gt;
    case syntax::BinaryOp::ge:
      return CompareOp::ge;
    default:
      return CompareOp::eq;
  }
}

ArithOp to_arith(syntax::BinaryOp op) {
  switch (op) {
    case syntax::BinaryOp::sub:
      return ArithOp::sub;
    case syntax::BinaryOp::mul:
      return ArithOp::mul;
    case syntax::BinaryOp::div:
      return ArithOp::div;
    default:
      return ArithOp::add;
  }
}

std::string wrap(const Expr& child, int min_prec) {
  if (expr_precedence(child) < min_prec) return "(" + child.text + ")";
  return child.text;
}

ValueType bool_type() { return ValueType{BaseType::boolean, -1, std::nullopt, std::nullopt}; }
ValueType plain(BaseType b) { return ValueType{b, -1, std::nullopt, std::nullopt}; }

bool same_type(const ValueType& a, const ValueType& b) {
  if (a.base != b.base) return false;
  if (a.base == BaseType::level || a.base == BaseType::choice) return a.enumeration == b.enumeration;
  return true;
}

std::string kind_word(BaseType b) {
  switch (b) {
    case BaseType::boolean:
      return "true/false value";
    case BaseType::number:
      return "number";
    case BaseType::text:
      return "text";
    case BaseType::date:
      return "date";
    case BaseType::duration:
      return "duration";
    case BaseType::level:
      return "level";
    case BaseType::choice:
      return "choice";
  }
  return "value";
}

std::string where(const syntax::Position& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

void var_slots_of(const Program& p, ExprId id, std::vector<std::pair<int, ExprId>>& out, bool into_aggregates);

}  // namespace

Lowerer::Lowerer(Context& cx, Frame& frame, Options opt)
    : cx_(cx), frame_(frame), opt_(opt), diags_(opt.quiet ? &scratch_ : &cx.diags) {}

// ---------------------------------------------------------------- scopes and names

void Lowerer::count_names(const syntax::Expr& e) {
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, syntax::NameRef>) {
          if (n.name != "_") ++counts_[n.name];
        } else if constexpr (std::is_same_v<T, syntax::Atom>) {
          for (const auto& a : n.args) {
            if (!a) continue;
            if (const auto* nr = std::get_if<syntax::NameRef>(&a->node); nr && nr->name != "_")
              arg_names_.insert(nr->name);
            count_names(*a);
          }
        } else if constexpr (std::is_same_v<T, syntax::Aggregate>) {
          if (n.body) count_names(*n.body);
          if (n.where) count_names(*n.where);
        } else if constexpr (std::is_same_v<T, syntax::Unary>) {
          if (n.operand) count_names(*n.operand);
        } else if constexpr (std::is_same_v<T, syntax::Binary>) {
          if (n.op == syntax::BinaryOp::eq && n.lhs && n.rhs) {
            for (const auto* side : {n.lhs.get(), n.rhs.get()})
              if (const auto* nr = std::get_if<syntax::NameRef>(&side->node); nr && nr->name != "_")
                bind_candidates_.insert(nr->name);
          }
          if (n.lhs) count_names(*n.lhs);
          if (n.rhs) count_names(*n.rhs);
        }
      },
      e.node);
}

void Lowerer::collect_direct(const syntax::Expr& e, std::set<std::string>& out) const {
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, syntax::NameRef>) {
          if (n.name != "_") out.insert(n.name);
        } else if constexpr (std::is_same_v<T, syntax::Atom>) {
          for (const auto& a : n.args)
            if (a) collect_direct(*a, out);
        } else if constexpr (std::is_same_v<T, syntax::Unary>) {
          if (n.operand) collect_direct(*n.operand, out);
        } else if constexpr (std::is_same_v<T, syntax::Binary>) {
          if (n.lhs) collect_direct(*n.lhs, out);
          if (n.rhs) collect_direct(*n.rhs, out);
        }
      },
      e.node);
}

void Lowerer::begin(const std::vector<std::pair<std::string, int>>& preset,
                    const std::vector<const syntax::Expr*>& roots) {
  scopes_.clear();
  scopes_.emplace_back();
  for (const auto& [name, slot] : preset) {
    scopes_.back().slots[name] = slot;
    scopes_.back().direct.insert(name);
    ++counts_[name];
  }
  for (const auto* r : roots) {
    if (!r) continue;
    count_names(*r);
    collect_direct(*r, scopes_.back().direct);
  }
  // A member's name is the member wherever it meets its type (LANGUAGE 2.2), however often it is
  // written (`lv = mid and lv2 = mid`): it is not a variable that `=` binds.
  for (const auto& n : bind_candidates_)
    if (counts_[n] >= 2 && cx_.names.find(n) == cx_.names.end() && !names_a_member(n)) bind_names_.insert(n);
  for (const auto* r : roots)
    if (r) prescan(*r);
}

bool Lowerer::reads_as_wildcard(const Relation& rel, const std::string& name) {
  const bool valued = rel.kind == RelationKind::fact && rel.value_type && rel.value_type->base != BaseType::boolean;
  if (opt_.mode != Mode::phase || valued || counts_[name] != 1) return false;
  if (opt_.phase_counts) {  // written once in the whole phase, not only in this clause
    auto it = opt_.phase_counts->find(name);
    if (it == opt_.phase_counts->end() || it->second != 1) return false;
  }
  return cx_.names.find(name) == cx_.names.end() && !names_a_member(name);
}

const std::unordered_map<std::string, int>& Lowerer::count_only(const std::vector<const syntax::Expr*>& roots) {
  for (const auto* r : roots)
    if (r) count_names(*r);
  return counts_;
}

int Lowerer::find_slot(const std::string& name) const {
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
    auto f = it->slots.find(name);
    if (f != it->slots.end()) return f->second;
  }
  return -1;
}

int Lowerer::slot_for(const std::string& name) {
  int s = find_slot(name);
  if (s >= 0) return s;
  std::size_t owner = scopes_.size() - 1;
  for (std::size_t i = 0; i < scopes_.size(); ++i)
    if (scopes_[i].direct.count(name)) {
      owner = i;
      break;
    }
  s = frame_.add(name);
  scopes_[owner].slots[name] = s;
  if (scopes_[owner].aggregate) scopes_[owner].locals.push_back(s);
  return s;
}

bool Lowerer::is_variable_name(const std::string& name) const {
  return find_slot(name) >= 0 || arg_names_.count(name) > 0 || bind_names_.count(name) > 0;
}

bool Lowerer::is_member(const std::string& name, const ValueType& t) const {
  if ((t.base != BaseType::level && t.base != BaseType::choice) || t.enumeration < 0) return false;
  const auto& ms = cx_.program.enums[static_cast<std::size_t>(t.enumeration)].members;
  return std::find(ms.begin(), ms.end(), name) != ms.end();
}

bool Lowerer::names_a_member(const std::string& name) const {
  for (const auto& en : cx_.program.enums)
    if (std::find(en.members.begin(), en.members.end(), name) != en.members.end()) return true;
  return false;
}

bool Lowerer::member_named(const syntax::Expr& e) const {
  const auto* n = std::get_if<syntax::NameRef>(&e.node);
  if (!n || is_variable_name(n->name) || cx_.names.find(n->name) == cx_.names.end()) return false;
  for (const auto& en : cx_.program.enums)
    if (std::find(en.members.begin(), en.members.end(), n->name) != en.members.end()) return true;
  return false;
}

const ValueType* Lowerer::scalar_type(const std::string& name) const {
  auto it = cx_.names.find(name);
  if (it == cx_.names.end() || it->second.kind == NameEntry::Kind::phase) return nullptr;
  const Relation& rel = cx_.program.relations[static_cast<std::size_t>(it->second.index)];
  if (!rel.param_names.empty() || !rel.value_type) return nullptr;
  return &*rel.value_type;
}

bool Lowerer::is_free_name(const syntax::Expr& e) const {
  const auto* n = std::get_if<syntax::NameRef>(&e.node);
  if (!n || n->name == "_") return false;
  if (is_variable_name(n->name)) return false;
  return cx_.names.find(n->name) == cx_.names.end();
}

void Lowerer::set_var_type(int slot, const ValueType& t, const syntax::Position& pos, bool report) {
  auto& cur = frame_.types[static_cast<std::size_t>(slot)];
  if (!cur) {
    cur = t;
    cur->lo.reset();
    cur->hi.reset();
    frame_.typed_at[static_cast<std::size_t>(slot)] = pos;
    return;
  }
  if (!report || same_type(*cur, t)) return;
  failed_ = true;
  diags_->error(code::conflicting_types, pos,
                "variable `" + (*frame_.names)[static_cast<std::size_t>(slot)] + "` is " + a_type(cx_.program, t) +
                    " here but " + a_type(cx_.program, *cur) + " elsewhere",
                {"it gets its type at " + where(frame_.typed_at[static_cast<std::size_t>(slot)]),
                 "use a different variable for each kind of value"});
}

void Lowerer::prescan(const syntax::Expr& e) {
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, syntax::Atom>) {
          auto it = cx_.names.find(n.name.name);
          bool rel_ok = it != cx_.names.end() && it->second.kind != NameEntry::Kind::phase;
          const Relation* rel = rel_ok ? &cx_.program.relations[static_cast<std::size_t>(it->second.index)] : nullptr;
          for (std::size_t i = 0; i < n.args.size(); ++i) {
            const auto& a = n.args[i];
            if (!a) continue;
            const auto* nr = std::get_if<syntax::NameRef>(&a->node);
            if (!nr || nr->name == "_") {
              prescan(*a);
              continue;
            }
            if (!rel || i >= rel->param_names.size()) continue;
            if (reads_as_wildcard(*rel, nr->name)) continue;  // no slot: lower_atom makes it `_` (or, under `not`, an error)
            const auto& pt = rel->param_types[i];
            bool known = cx_.param_type_known[static_cast<std::size_t>(it->second.index)][i];
            if ((pt.base == BaseType::level || pt.base == BaseType::choice) && find_slot(nr->name) < 0) {
              const auto& ms = cx_.program.enums[static_cast<std::size_t>(pt.enumeration)].members;
              if (std::find(ms.begin(), ms.end(), nr->name) != ms.end()) continue;  // a member
            }
            int s = slot_for(nr->name);
            if (known) set_var_type(s, pt, a->pos, false);
          }
        } else if constexpr (std::is_same_v<T, syntax::Unary>) {
          if (n.operand) prescan(*n.operand);
        } else if constexpr (std::is_same_v<T, syntax::Binary>) {
          if (n.lhs) prescan(*n.lhs);
          if (n.rhs) prescan(*n.rhs);
        }
        // aggregates are scanned when they are entered
      },
      e.node);
}

std::string Lowerer::suggest(const std::string& name) const {
  std::vector<std::string> cands = cx_.relation_names();
  for (const auto& s : scopes_)
    for (const auto& [n, _] : s.slots) cands.push_back(n);
  return nearest_name(name, cands);
}

void Lowerer::undeclared(const syntax::Position& pos, const std::string& name, const std::string& what) {
  failed_ = true;
  if (!reported_undeclared_.insert(name).second) return;  // once per name and body
  for (const auto& file : cx_.ruleset.files)  // its declaration did not parse: already reported
    if (std::find(file.unparsed_names.begin(), file.unparsed_names.end(), name) != file.unparsed_names.end()) return;
  std::vector<std::string> notes;
  auto near = suggest(name);
  if (!near.empty())
    notes.push_back("did you mean `" + near + "`?");
  else
    notes.push_back("declare it with `fact " + name + ": ...` or `condition " + name + " when ...`");
  diags_->error(code::undeclared_name, pos, what + " `" + name + "` is not declared", std::move(notes));
}

// ---------------------------------------------------------------- nodes

// Whether an expression's text is built from its children's and can be rendered again from them
// (engine::expr_text): an operator that can be chained, an aggregate. A comparison keeps its text (it
// cannot be chained, and later becomes a `bind` that no longer has its variable as a child).
static bool composite(const Expr& x) {
  switch (x.kind) {
    case ExprKind::not_:
    case ExprKind::negate:
    case ExprKind::and_:
    case ExprKind::or_:
    case ExprKind::arith:
    case ExprKind::aggregate:
      return true;
    default:
      return false;
  }
}

void Lowerer::drop_text(ExprId id) {
  Expr& c = at(id);
  if (composite(c)) std::string().swap(c.text);
}

ExprId Lowerer::add(Expr x) {
  // Once a parent has its text, an operator child's text is not read again (the roots' texts are what
  // clauses, waivers and diagnostics show; explanations render their own): dropped, so that a chain
  // of n operators keeps O(n) text, not the O(n^2) of every prefix (`x + x + ... + x`).
  if (composite(x))
    for (ExprId c : x.children) drop_text(c);
  cx_.program.exprs.push_back(std::move(x));
  return static_cast<ExprId>(cx_.program.exprs.size() - 1);
}

Lowerer::L Lowerer::error_node(const syntax::Expr& e) {
  failed_ = true;
  Expr x;
  x.kind = ExprKind::constant;
  x.constant = Unknown{};
  x.type = bool_type();
  x.pos = to_source_pos(e.pos);
  x.text = "unknown";
  return L{add(std::move(x)), false, true};
}

void Lowerer::type_unknown_literal(ExprId id, BaseType base) {
  Expr& x = cx_.program.exprs[static_cast<std::size_t>(id)];
  if (x.kind == ExprKind::constant && std::holds_alternative<Unknown>(x.constant)) x.type = plain(base);
}

bool Lowerer::is_boolean(ExprId id) const { return at(id).type.base == BaseType::boolean; }

void Lowerer::expect_boolean(ExprId id, const syntax::Position& pos) {
  if (failed_) return;  // one mistake, one message
  const auto& x = at(id);
  if (x.type.base == BaseType::boolean) return;
  if (x.kind == ExprKind::constant && std::holds_alternative<Unknown>(x.constant)) return;
  failed_ = true;
  std::vector<std::string> notes;
  if (x.type.base == BaseType::number)
    notes.push_back("compare it with a value, e.g. `" + x.text + " > 0`");
  else if (x.type.base == BaseType::level || x.type.base == BaseType::choice)
    notes.push_back("compare it with a member, e.g. `" + x.text + " = " +
                    cx_.program.enums[static_cast<std::size_t>(x.type.enumeration)].members.back() + "`");
  else
    notes.push_back("a requirement, block, waiver, `not`, `and`, `or` and `where` need a true/false value");
  diags_->error(code::not_a_condition, pos, "`" + x.text + "` is a " + kind_word(x.type.base) + ", not a condition",
                std::move(notes));
}

ExprId Lowerer::lower(const syntax::Expr& e) { return lower_expr(e, Polarity::positive).id; }

ExprId Lowerer::conjunction(const std::vector<ExprId>& parts, const syntax::Position& pos) {
  if (parts.size() == 1) return parts[0];
  Expr x;
  x.kind = ExprKind::and_;
  x.type = bool_type();
  x.pos = to_source_pos(pos);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) x.text += " and ";
    x.text += wrap(at(parts[i]), 2);
    x.children.push_back(parts[i]);
  }
  return add(std::move(x));
}

Lowerer::L Lowerer::lower_expr(const syntax::Expr& e, Polarity pol) {
  Expr x;
  x.pos = to_source_pos(e.pos);
  return std::visit(
      [&](const auto& n) -> L {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, syntax::NumberLit>) {
          auto d = Decimal::parse(n.text);
          if (!d) {
            diags_->error(code::bad_number, e.pos, "number `" + n.text + "` cannot be represented exactly",
                          {"numbers have at most nine digits after the point and must lie within about ±1.7e29"});
            return error_node(e);
          }
          x.constant = *d;
          x.type = plain(BaseType::number);
          x.text = format_number(*d);
          return L{add(std::move(x))};
        } else if constexpr (std::is_same_v<T, syntax::StringLit>) {
          x.constant = n.value;
          x.type = plain(BaseType::text);
          x.text = quote_text(n.value);
          return L{add(std::move(x))};
        } else if constexpr (std::is_same_v<T, syntax::DateLit>) {
          if (!is_valid_date(n.year, n.month, n.day)) {
            diags_->error(code::type_mismatch, e.pos, "not a calendar date");
            return error_node(e);
          }
          x.constant = Date{days_from_civil(n.year, n.month, n.day)};
          x.type = plain(BaseType::date);
          x.text = format_iso_date(std::get<Date>(x.constant).days);
          return L{add(std::move(x))};
        } else if constexpr (std::is_same_v<T, syntax::DurationLit>) {
          if (n.amount > 100'000'000 || n.amount < -100'000'000) {
            diags_->error(code::bad_number, e.pos,
                          "duration of " + std::to_string(n.amount) + " days or weeks is too long",
                          {"durations are limited to 100 000 000 days or weeks"});
            return error_node(e);
          }
          std::int64_t days = n.amount * (n.unit == syntax::DurationUnit::weeks ? 7 : 1);
          x.constant = Duration{days};
          x.type = plain(BaseType::duration);
          x.text = std::to_string(n.amount) + (n.unit == syntax::DurationUnit::weeks ? " weeks" : " days");
          return L{add(std::move(x))};
        } else if constexpr (std::is_same_v<T, syntax::BoolLit>) {
          x.constant = n.value;
          x.type = bool_type();
          x.text = n.value ? "true" : "false";
          return L{add(std::move(x))};
        } else if constexpr (std::is_same_v<T, syntax::UnknownLit>) {
          x.constant = Unknown{};
          x.type = bool_type();
          x.text = "unknown";
          return L{add(std::move(x)), false};
        } else if constexpr (std::is_same_v<T, syntax::TodayLit>) {
          x.kind = ExprKind::today;
          x.type = plain(BaseType::date);
          x.text = "today";
          return L{add(std::move(x))};
        } else if constexpr (std::is_same_v<T, syntax::NameRef>) {
          return lower_name(e, n, pol);
        } else if constexpr (std::is_same_v<T, syntax::Atom>) {
          return lower_atom(e, n, pol);
        } else if constexpr (std::is_same_v<T, syntax::Aggregate>) {
          return lower_aggregate(e, n, pol);
        } else if constexpr (std::is_same_v<T, syntax::Unary>) {
          if (!n.operand) return error_node(e);
          if (n.op == syntax::UnaryOp::not_) {
            L o = lower_expr(*n.operand, pol == Polarity::aggregate ? pol : Polarity::negation);
            if (!o.error) expect_boolean(o.id, n.operand->pos);
            x.kind = ExprKind::not_;
            x.type = bool_type();
            x.children = {o.id};
            x.text = "not " + wrap(at(o.id), 3);
            return L{add(std::move(x)), true, o.error};
          }
          L o = lower_expr(*n.operand, pol == Polarity::aggregate ? pol : Polarity::negation);
          const auto& ot = at(o.id).type;
          if (!o.error && o.typed && ot.base != BaseType::number && ot.base != BaseType::duration) {
            failed_ = true;
            diags_->error(code::bad_arithmetic, e.pos,
                          "cannot negate a " + kind_word(ot.base) + ": `" + at(o.id).text + "`");
          }
          x.kind = ExprKind::negate;
          x.type = o.typed ? plain(ot.base) : plain(BaseType::number);
          if (!o.typed) type_unknown_literal(o.id, BaseType::number);
          x.children = {o.id};
          x.text = "-" + wrap(at(o.id), 7);
          return L{add(std::move(x)), true, o.error};
        } else {  // Binary
          if (!n.lhs || !n.rhs) return error_node(e);
          Polarity inner = pol == Polarity::aggregate ? pol : Polarity::negation;
          if (is_compare(n.op)) return lower_compare(e, n, inner);
          if (n.op == syntax::BinaryOp::add || n.op == syntax::BinaryOp::sub || n.op == syntax::BinaryOp::mul ||
              n.op == syntax::BinaryOp::div)
            return lower_arith(e, n, inner);
          bool is_and = n.op == syntax::BinaryOp::and_;
          L a = lower_expr(*n.lhs, pol);
          L b = lower_expr(*n.rhs, pol);
          if (!a.error) expect_boolean(a.id, n.lhs->pos);
          if (!b.error) expect_boolean(b.id, n.rhs->pos);
          x.kind = is_and ? ExprKind::and_ : ExprKind::or_;
          x.type = bool_type();
          int p = is_and ? 2 : 1;
          // flatten nested and/or of the same kind
          for (ExprId c : {a.id, b.id}) {
            if (at(c).kind == x.kind) {
              for (ExprId cc : at(c).children) x.children.push_back(cc);
            } else {
              x.children.push_back(c);
            }
          }
          x.text = wrap(at(a.id), p) + (is_and ? " and " : " or ") + wrap(at(b.id), p);
          drop_text(a.id);  // flattened away: not among the children
          drop_text(b.id);
          return L{add(std::move(x)), true, a.error || b.error};
        }
      },
      e.node);
}

Lowerer::L Lowerer::lower_name(const syntax::Expr& e, const syntax::NameRef& n, Polarity pol) {
  if (n.name == "_") {
    failed_ = true;
    diags_->error(code::misplaced_wildcard, e.pos, "`_` can only stand for an argument of an atom",
                  {"name the value with a variable instead"});
    return error_node(e);
  }
  if (is_variable_name(n.name)) {
    int s = slot_for(n.name);
    Expr x;
    x.kind = ExprKind::variable;
    x.var = s;
    x.pos = to_source_pos(e.pos);
    x.text = n.name;
    const auto& t = frame_.types[static_cast<std::size_t>(s)];
    x.type = t ? *t : bool_type();
    return L{add(std::move(x)), t.has_value()};
  }
  auto it = cx_.names.find(n.name);
  if (it != cx_.names.end()) {
    if (it->second.kind == NameEntry::Kind::phase) {
      failed_ = true;
      diags_->error(code::wrong_kind_of_name, e.pos, "`" + n.name + "` is a phase, not a fact or condition",
                    {"to require that phase `" + n.name + "` is GO, write `after " + n.name + "`"});
      return error_node(e);
    }
    const auto& rel = cx_.program.relations[static_cast<std::size_t>(it->second.index)];
    if (!opt_.quiet) cx_.relation_used[static_cast<std::size_t>(it->second.index)] = true;
    if (!rel.param_names.empty()) {
      failed_ = true;
      std::string sig = rel.name + "(";
      for (std::size_t i = 0; i < rel.param_names.size(); ++i) sig += (i ? ", " : "") + rel.param_names[i];
      sig += ")";
      diags_->error(
          code::wrong_arity, e.pos,
          "`" + n.name + "` takes " + std::to_string(rel.param_names.size()) + " argument(s) but is used without any",
          {"it is declared as `" + sig + "`"});
      return error_node(e);
    }
    return make_atom_node(e, it->second.index, {}, {}, pol);
  }
  if (counts_[n.name] >= 2) {
    // used more than once: a variable (that nothing may bind: the safety check names it)
    int s = slot_for(n.name);
    Expr x;
    x.kind = ExprKind::variable;
    x.var = s;
    x.pos = to_source_pos(e.pos);
    x.text = n.name;
    const auto& t = frame_.types[static_cast<std::size_t>(s)];
    x.type = t ? *t : bool_type();
    return L{add(std::move(x)), t.has_value()};
  }
  undeclared(e.pos, n.name, "name");
  return error_node(e);
}

Lowerer::L Lowerer::make_atom_node(const syntax::Expr& e, int rel_id, std::vector<Term> args,
                                   std::vector<std::string> arg_text, Polarity pol) {
  const auto& rel = cx_.program.relations[static_cast<std::size_t>(rel_id)];
  Expr x;
  x.pos = to_source_pos(e.pos);
  x.relation = rel_id;
  x.args = std::move(args);
  bool valued = rel.kind == RelationKind::fact && rel.value_type && rel.value_type->base != BaseType::boolean;
  x.kind = valued ? ExprKind::atom_value : ExprKind::atom;
  x.type = valued ? *rel.value_type : bool_type();
  x.text = rel.name;
  if (!rel.param_names.empty()) {
    x.text += "(";
    for (std::size_t i = 0; i < arg_text.size(); ++i) x.text += (i ? ", " : "") + arg_text[i];
    x.text += ")";
  }
  if (!opt_.quiet) {
    cx_.relation_used[static_cast<std::size_t>(rel_id)] = true;
    if (opt_.mode == Mode::phase) cx_.phase_relations.push_back(rel_id);
    if (rel.kind == RelationKind::condition && opt_.owner_relation >= 0) {
      Context::Edge edge;
      edge.from = opt_.owner_relation;
      edge.to = rel_id;
      edge.kind = pol == Polarity::positive   ? Context::Edge::Kind::positive
                  : pol == Polarity::negation ? Context::Edge::Kind::negation
                                              : Context::Edge::Kind::aggregate;
      edge.pos = e.pos;
      cx_.edges.push_back(edge);
    }
  }
  return L{add(std::move(x))};
}

Lowerer::L Lowerer::lower_atom(const syntax::Expr& e, const syntax::Atom& a, Polarity pol) {
  auto it = cx_.names.find(a.name.name);
  if (it == cx_.names.end()) {
    undeclared(a.name.pos, a.name.name, "fact or condition");
    return error_node(e);
  }
  if (it->second.kind == NameEntry::Kind::phase) {
    failed_ = true;
    diags_->error(code::wrong_kind_of_name, a.name.pos, "`" + a.name.name + "` is a phase, not a fact or condition",
                  {"to require that phase `" + a.name.name + "` is GO, write `after " + a.name.name + "`"});
    return error_node(e);
  }
  int rel_id = it->second.index;
  const Relation& rel = cx_.program.relations[static_cast<std::size_t>(rel_id)];
  if (!opt_.quiet) cx_.relation_used[static_cast<std::size_t>(rel_id)] = true;
  if (rel.param_names.size() != a.args.size()) {
    failed_ = true;
    std::string sig = rel.name;
    if (!rel.param_names.empty()) {
      sig += "(";
      for (std::size_t i = 0; i < rel.param_names.size(); ++i) sig += (i ? ", " : "") + rel.param_names[i];
      sig += ")";
    }
    diags_->error(code::wrong_arity, a.name.pos,
                  "`" + rel.name + "` takes " + std::to_string(rel.param_names.size()) + " argument(s), not " +
                      std::to_string(a.args.size()),
                  {"it is declared as `" + sig + "` at " + rel.pos.file + ":" + std::to_string(rel.pos.line) + ":" +
                   std::to_string(rel.pos.column)});
    return error_node(e);
  }
  bool valued = rel.kind == RelationKind::fact && rel.value_type && rel.value_type->base != BaseType::boolean;
  bool in_aggregate = scopes_.size() > 1 && scopes_.back().aggregate;
  std::vector<Term> terms;
  std::vector<std::string> texts;
  bool err = false;
  const auto& known = cx_.param_type_known[static_cast<std::size_t>(rel_id)];
  struct Misplaced {  // `today` or `unknown` as an argument, reported once every argument's text is known
    std::size_t index;
    bool today;
    syntax::Position pos;
  };
  std::vector<Misplaced> misplaced;
  for (std::size_t i = 0; i < a.args.size(); ++i) {
    const auto& arg = a.args[i];
    if (!arg) {
      err = true;
      terms.emplace_back();
      texts.emplace_back("?");
      continue;
    }
    const ValueType& pt = rel.param_types[i];
    Term t;
    if (const auto* nr = std::get_if<syntax::NameRef>(&arg->node)) {
      if (nr->name == "_") {
        if (valued && !in_aggregate) {
          failed_ = true;
          err = true;
          diags_->error(code::misplaced_wildcard, arg->pos,
                        "`_` cannot stand for an argument of `" + rel.name + "` used as a value",
                        {"a value belongs to one tuple: name the argument with a variable bound elsewhere"});
        }
        t.kind = Term::Kind::wildcard;
        t.var = frame_.add("_" + std::to_string(++frame_.wildcards));
        wildcard_slots_.insert(t.var);
        if (scopes_.back().aggregate) scopes_.back().locals.push_back(t.var);
        terms.push_back(t);
        texts.emplace_back("_");
        continue;
      }
      if ((pt.base == BaseType::level || pt.base == BaseType::choice) && find_slot(nr->name) < 0) {
        const auto& en = cx_.program.enums[static_cast<std::size_t>(pt.enumeration)];
        auto m = std::find(en.members.begin(), en.members.end(), nr->name);
        if (m != en.members.end()) {
          t.kind = Term::Kind::constant;
          t.constant = Member{pt.enumeration, static_cast<int>(m - en.members.begin())};
          terms.push_back(t);
          texts.push_back(nr->name);
          continue;
        }
      }
      // LANGUAGE 2.2: "a variable used once in a positive atom and nowhere else may be written `_`",
      // so written with a name it means the same. In a phase clause nothing else could bind it (a
      // phase binds only its parameters), so it is read as `_`: `require road(x, "Port")` asks
      // whether any road to the port is listed. Its name is kept for the explanations.
      if (pol == Polarity::positive && !in_aggregate && reads_as_wildcard(rel, nr->name) && find_slot(nr->name) < 0) {
        t.kind = Term::Kind::wildcard;
        t.var = frame_.add("_" + std::to_string(++frame_.wildcards));
        wildcard_slots_.insert(t.var);
        terms.push_back(t);
        texts.push_back(nr->name);
        continue;
      }
      int s = slot_for(nr->name);
      if (known[i]) set_var_type(s, pt, arg->pos, true);
      t.kind = Term::Kind::variable;
      t.var = s;
      terms.push_back(t);
      texts.push_back(nr->name);
      continue;
    }
    // a literal argument
    syntax::Expr lit = *arg;
    bool negate = false;
    if (const auto* u = std::get_if<syntax::Unary>(&arg->node);
        u && u->op == syntax::UnaryOp::negate && u->operand &&
        std::holds_alternative<syntax::NumberLit>(u->operand->node)) {
      lit = *u->operand;
      negate = true;
    }
    bool literal = std::visit(
        [](const auto& n) {
          using T = std::decay_t<decltype(n)>;
          return std::is_same_v<T, syntax::NumberLit> || std::is_same_v<T, syntax::StringLit> ||
                 std::is_same_v<T, syntax::DateLit> || std::is_same_v<T, syntax::BoolLit>;
        },
        lit.node);
    if (!literal) {
      failed_ = true;
      err = true;
      const bool today = std::holds_alternative<syntax::TodayLit>(lit.node);
      const bool unknown = std::holds_alternative<syntax::UnknownLit>(lit.node);
      if (today || unknown)  // literals the parser reads, but no constant a tuple is looked up by: said below
        misplaced.push_back({i, today, arg->pos});
      else
        diags_->error(code::bad_atom_argument, arg->pos,
                      "argument " + std::to_string(i + 1) + " of `" + rel.name + "` must be a variable, `_` or a literal",
                      {"bind the value to a variable first: `" + rel.name + "(v) and v = ...`"});
      terms.emplace_back();
      texts.emplace_back("?");
      continue;
    }
    L c = lower_expr(lit, pol);
    if (c.error) {
      err = true;
      terms.emplace_back();
      texts.emplace_back("?");
      continue;
    }
    Expr& ce = at(c.id);
    if (negate) {
      ce.constant = std::get<Decimal>(ce.constant).negated();
      ce.text = "-" + ce.text;
    }
    if (known[i] && !same_type(ce.type, pt)) {
      failed_ = true;
      err = true;
      diags_->error(code::type_mismatch, arg->pos,
                    "argument " + std::to_string(i + 1) + " of `" + rel.name + "` is " + a_type(cx_.program, pt) +
                        ", not " + a_type(cx_.program, ce.type),
                    {"`" + rel.param_names[i] + "` is declared as " + type_name(cx_.program, pt)});
    }
    t.kind = Term::Kind::constant;
    t.constant = ce.constant;
    terms.push_back(t);
    texts.push_back(ce.text);
  }
  for (const Misplaced& m : misplaced) {
    // The atom as written, with a variable `v` in the place of `today` (or `_` for `unknown`).
    auto atom_with = [&](const std::string& in_place) {
      std::string t = rel.name + "(";
      for (std::size_t k = 0; k < texts.size(); ++k) t += (k ? ", " : "") + (k == m.index ? in_place : texts[k]);
      return t + ")";
    };
    std::string note;
    if (m.today)
      note = valued ? "bind the tuple with a variable and compare it: `" + atom_with("v") +
                                 "` where `v` is bound by another atom, and `v = today`"
                           : "compare instead, with a variable in its place: `count(" + atom_with("v") +
                                 " where v = today) > 0` says whether today's tuple is listed (and works under `not`)";
    else
      note = valued ? "name the argument: a value belongs to one tuple"
                           : "to ask whether any such tuple is listed, write `_` in its place: `" + atom_with("_") + "`";
    diags_->error(code::bad_atom_argument, m.pos,
                  "argument " + std::to_string(m.index + 1) + " of `" + rel.name + "` cannot be `" +
                      (m.today ? "today" : "unknown") + "`: an argument is a variable, `_` or a constant (" +
                      (m.today ? "`today` changes with the evaluation date" : "`unknown` is no value") + ")",
                  {note});
  }
  L r = make_atom_node(e, rel_id, std::move(terms), std::move(texts), pol);
  r.error = r.error || err;
  if (err) failed_ = true;
  return r;
}

Lowerer::L Lowerer::member_or_free(const syntax::Expr& e, const std::string& name, const ValueType* hint,
                                   bool bind_ok) {
  if (hint && (hint->base == BaseType::level || hint->base == BaseType::choice) && hint->enumeration >= 0) {
    const auto& en = cx_.program.enums[static_cast<std::size_t>(hint->enumeration)];
    auto m = std::find(en.members.begin(), en.members.end(), name);
    if (m != en.members.end()) {
      Expr x;
      x.pos = to_source_pos(e.pos);
      x.constant = Member{hint->enumeration, static_cast<int>(m - en.members.begin())};
      x.type = *hint;
      x.type.lo.reset();
      x.type.hi.reset();
      x.text = name;
      return L{add(std::move(x))};
    }
    {
      failed_ = true;
      std::vector<std::string> notes{std::string("the members are: ") + join_members(en)};
      auto near = nearest_name(name, en.members);
      if (!near.empty()) notes.insert(notes.begin(), "did you mean `" + near + "`?");
      diags_->error(code::unknown_member, e.pos, "`" + name + "` is not a member of " + type_name(cx_.program, *hint),
                    std::move(notes));
      return error_node(e);
    }
  }
  if (hint && (hint->base == BaseType::level || hint->base == BaseType::choice)) bind_ok = false;
  if (bind_ok && counts_[name] < 2) bind_ok = false;  // a variable used once binds nothing useful
  if (bind_ok) {
    // `VAR = EXPR`: a new variable, bound by the comparison.
    int s = slot_for(name);
    Expr x;
    x.kind = ExprKind::variable;
    x.var = s;
    x.pos = to_source_pos(e.pos);
    x.text = name;
    if (hint) set_var_type(s, *hint, e.pos, true);
    const auto& t = frame_.types[static_cast<std::size_t>(s)];
    x.type = t ? *t : bool_type();
    return L{add(std::move(x)), t.has_value()};
  }
  if (counts_[name] >= 2) {
    int s = slot_for(name);
    Expr x;
    x.kind = ExprKind::variable;
    x.var = s;
    x.pos = to_source_pos(e.pos);
    x.text = name;
    if (hint) set_var_type(s, *hint, e.pos, true);
    const auto& t = frame_.types[static_cast<std::size_t>(s)];
    x.type = t ? *t : bool_type();
    return L{add(std::move(x)), t.has_value()};
  }
  undeclared(e.pos, name, "name");
  return error_node(e);
}

Lowerer::L Lowerer::lower_compare(const syntax::Expr& e, const syntax::Binary& b, Polarity pol) {
  const bool lhs_free = is_free_name(*b.lhs);
  const bool rhs_free = is_free_name(*b.rhs);
  const bool can_bind = b.op == syntax::BinaryOp::eq;
  L l, r;
  if (lhs_free && !rhs_free) {
    r = lower_expr(*b.rhs, pol);
    const auto& rt = at(r.id).type;
    l = r.error
            ? error_node(*b.lhs)
            : member_or_free(*b.lhs, std::get<syntax::NameRef>(b.lhs->node).name, r.typed ? &rt : nullptr, can_bind);
  } else if (rhs_free && !lhs_free) {
    l = lower_expr(*b.lhs, pol);
    const auto& lt = at(l.id).type;
    r = l.error
            ? error_node(*b.rhs)
            : member_or_free(*b.rhs, std::get<syntax::NameRef>(b.rhs->node).name, l.typed ? &lt : nullptr, can_bind);
  } else if (!lhs_free && !rhs_free && (member_named(*b.lhs) || member_named(*b.rhs))) {
    // A declared fact or condition that has the name of a member: compared with a value of that
    // member's type, the name is the member (LANGUAGE 2.2: `clarity >= clear` with a fact `clear`).
    const auto* ln = std::get_if<syntax::NameRef>(&b.lhs->node);
    const auto* rn = std::get_if<syntax::NameRef>(&b.rhs->node);
    const ValueType* lt = ln ? scalar_type(ln->name) : nullptr;
    const ValueType* rt = rn ? scalar_type(rn->name) : nullptr;
    auto member_of = [&](const syntax::Expr& side, const L& other) {
      return !other.error && other.typed && is_member(std::get<syntax::NameRef>(side.node).name, at(other.id).type);
    };
    if (rn && !(ln && lt && rt && !is_member(rn->name, *lt) && is_member(ln->name, *rt))) {
      l = lower_expr(*b.lhs, pol);
      r = member_of(*b.rhs, l) ? member_or_free(*b.rhs, rn->name, &at(l.id).type, false) : lower_expr(*b.rhs, pol);
    } else {
      r = lower_expr(*b.rhs, pol);
      l = member_of(*b.lhs, r) ? member_or_free(*b.lhs, ln->name, &at(r.id).type, false) : lower_expr(*b.lhs, pol);
    }
  } else {
    l = lower_expr(*b.lhs, pol);
    if (lhs_free && rhs_free) {
      r = member_or_free(*b.rhs, std::get<syntax::NameRef>(b.rhs->node).name, nullptr, false);
    } else {
      r = lower_expr(*b.rhs, pol);
    }
  }
  Expr x;
  x.kind = ExprKind::compare;
  x.cmp = to_cmp(b.op);
  x.type = bool_type();
  x.pos = to_source_pos(e.pos);
  bool err = l.error || r.error;
  if (!err) {
    Expr& le = at(l.id);
    Expr& re = at(r.id);
    // `unknown` takes the type of the other side
    if (!l.typed && le.kind == ExprKind::constant && r.typed) le.type = re.type;
    if (!r.typed && re.kind == ExprKind::constant && l.typed) re.type = le.type;
    // a variable of unknown type takes the other side's type
    if (!l.typed && le.kind == ExprKind::variable && r.typed) {
      set_var_type(le.var, re.type, b.lhs->pos, true);
      le.type = re.type;
    }
    if (!r.typed && re.kind == ExprKind::variable && l.typed) {
      set_var_type(re.var, le.type, b.rhs->pos, true);
      re.type = le.type;
    }
    if (l.typed && r.typed) {
      const ValueType& lt = le.type;
      const ValueType& rt = re.type;
      if (!same_type(lt, rt)) {
        err = true;
        bool date_num = (lt.base == BaseType::date && rt.base == BaseType::number) ||
                        (lt.base == BaseType::number && rt.base == BaseType::date);
        if (date_num) {
          diags_->error(code::date_mixed_with_number, e.pos,
                        "cannot compare a date with a number: `" + le.text + "` and `" + re.text + "`",
                        {"write a date as `2026-03-31`, or a span of time as `30 days`"});
        } else {
          diags_->error(code::type_mismatch, e.pos,
                        "cannot compare " + type_name(cx_.program, lt) + " `" + le.text + "` with " +
                            type_name(cx_.program, rt) + " `" + re.text + "`",
                        {"both sides of a comparison must have the same type"});
        }
      } else if (x.cmp != CompareOp::eq && x.cmp != CompareOp::ne &&
                 (lt.base == BaseType::choice || lt.base == BaseType::text || lt.base == BaseType::boolean)) {
        err = true;
        std::vector<std::string> notes;
        if (lt.base == BaseType::choice)
          notes = {"the members of a `one of` choice have no order: use `=` or `!=`",
                   "declare it as `level { ... }` if its members are ordered"};
        else
          notes = {"only `=` and `!=` apply to a " + kind_word(lt.base)};
        diags_->error(code::unordered_comparison, e.pos,
                      std::string("`") + syntax::spelling(b.op) + "` does not apply to " + type_name(cx_.program, lt) + " `" +
                          le.text + "`",
                      std::move(notes));
      }
    }
  }
  if (err) failed_ = true;
  x.children = {l.id, r.id};
  x.text = wrap(at(l.id), 5) + " " + syntax::spelling(b.op) + " " + wrap(at(r.id), 5);
  return L{add(std::move(x)), true, err};
}

Lowerer::L Lowerer::lower_arith(const syntax::Expr& e, const syntax::Binary& b, Polarity pol) {
  L l = lower_expr(*b.lhs, pol);
  L r = lower_expr(*b.rhs, pol);
  Expr x;
  x.kind = ExprKind::arith;
  x.arith = to_arith(b.op);
  x.pos = to_source_pos(e.pos);
  x.children = {l.id, r.id};
  int p = (x.arith == ArithOp::add || x.arith == ArithOp::sub) ? 5 : 6;
  x.text = wrap(at(l.id), p) + " " + syntax::spelling(b.op) + " " + wrap(at(r.id), p + 1);
  bool err = l.error || r.error;
  BaseType lb = l.typed ? at(l.id).type.base : BaseType::number;
  BaseType rb = r.typed ? at(r.id).type.base : BaseType::number;
  if (!l.typed && r.typed) lb = rb == BaseType::date ? BaseType::duration : rb;
  if (!r.typed && l.typed) rb = lb == BaseType::date && x.arith == ArithOp::sub ? BaseType::duration : lb;
  if (!l.typed) type_unknown_literal(l.id, lb);
  if (!r.typed) type_unknown_literal(r.id, rb);
  std::optional<BaseType> result;
  using B = BaseType;
  auto is = [&](B a, B c) { return lb == a && rb == c; };
  switch (x.arith) {
    case ArithOp::add:
      if (is(B::number, B::number))
        result = B::number;
      else if (is(B::date, B::duration) || is(B::duration, B::date))
        result = B::date;
      else if (is(B::duration, B::duration))
        result = B::duration;
      break;
    case ArithOp::sub:
      if (is(B::number, B::number))
        result = B::number;
      else if (is(B::date, B::duration))
        result = B::date;
      else if (is(B::date, B::date))
        result = B::duration;
      else if (is(B::duration, B::duration))
        result = B::duration;
      break;
    case ArithOp::mul:
      if (is(B::number, B::number))
        result = B::number;
      else if (is(B::duration, B::number) || is(B::number, B::duration))
        result = B::duration;
      break;
    case ArithOp::div:
      if (is(B::number, B::number))
        result = B::number;
      else if (is(B::duration, B::number))
        result = B::duration;
      break;
  }
  if (!result && !err) {
    err = true;
    const Expr& le = at(l.id);
    const Expr& re = at(r.id);
    if ((lb == B::date || rb == B::date || lb == B::duration || rb == B::duration) &&
        (lb == B::number || rb == B::number)) {
      diags_->error(code::date_mixed_with_number, e.pos,
                    std::string("cannot use `") + syntax::spelling(b.op) + "` on a " + kind_word(lb) + " and a " +
                        kind_word(rb) + ": `" + x.text + "`",
                    {"add or subtract a span of time such as `30 days` or `2 weeks`"});
    } else {
      B bad = (lb != B::number && lb != B::date && lb != B::duration) ? lb : rb;
      const Expr& be = bad == lb ? le : re;
      // The caret on the operand that is not a number (`n + 1 + tx`: at `tx`, not at `n`).
      const syntax::Position& at_operand = bad == lb ? b.lhs->pos : b.rhs->pos;
      diags_->error(code::bad_arithmetic, at_operand,
                    std::string("arithmetic `") + syntax::spelling(b.op) + "` does not apply to the " + kind_word(bad) + " `" +
                        be.text + "`",
                    {"`+ - * /` apply to numbers (and `+ -` to dates and durations)"});
    }
  }
  if (!err && x.arith == ArithOp::div) {
    const Expr& re = at(r.id);
    if (re.kind == ExprKind::constant) {
      if (const auto* d = std::get_if<Decimal>(&re.constant); d && d->is_zero()) {
        err = true;
        diags_->error(code::division_by_zero, e.pos, "division by zero: `" + x.text + "`");
      }
    }
  }
  // Two numbers written in the rules: their result must be a number too (the evaluation would stop
  // with E0904 on every run otherwise).
  if (!err) {
    const Expr& le = at(l.id);
    const Expr& re = at(r.id);
    const auto* a = le.kind == ExprKind::constant ? std::get_if<Decimal>(&le.constant) : nullptr;
    const auto* c = re.kind == ExprKind::constant ? std::get_if<Decimal>(&re.constant) : nullptr;
    if (a && c) {
      std::optional<Decimal> v;
      switch (x.arith) {
        case ArithOp::add: v = Decimal::add(*a, *c); break;
        case ArithOp::sub: v = Decimal::sub(*a, *c); break;
        case ArithOp::mul: v = Decimal::mul(*a, *c); break;
        case ArithOp::div: v = Decimal::div(*a, *c); break;
      }
      if (!v) {
        err = true;
        diags_->error(code::bad_number, e.pos,
                      "`" + x.text + "` is not a number phasegate can hold: beyond about ±1.7e29, or more than nine "
                      "digits after the point",
                      {"numbers are exact decimals; rescale the quantity (e.g. thousands of tonnes)"});
      }
    }
  }
  if (err) failed_ = true;
  x.type = plain(result.value_or(B::number));
  return L{add(std::move(x)), true, err};
}

Lowerer::L Lowerer::lower_aggregate(const syntax::Expr& e, const syntax::Aggregate& a, Polarity) {
  if (!a.body) return error_node(e);
  Scope sc;
  sc.aggregate = true;
  collect_direct(*a.body, sc.direct);
  if (a.where) collect_direct(*a.where, sc.direct);
  // names that occur in an enclosing scope are grouping variables, not locals
  for (auto it = sc.direct.begin(); it != sc.direct.end();) {
    bool outer = false;
    for (const auto& s : scopes_)
      if (s.direct.count(*it)) outer = true;
    it = outer ? sc.direct.erase(it) : std::next(it);
  }
  scopes_.push_back(std::move(sc));
  prescan(*a.body);
  if (a.where) prescan(*a.where);

  L body = lower_expr(*a.body, Polarity::aggregate);
  L where;
  if (a.where) {
    where = lower_expr(*a.where, Polarity::aggregate);
    if (!where.error) expect_boolean(where.id, a.where->pos);
  }
  Expr x;
  x.kind = ExprKind::aggregate;
  x.pos = to_source_pos(e.pos);
  bool err = body.error || where.error;
  const Expr& be = at(body.id);
  switch (a.kind) {
    case syntax::AggregateKind::count:
      x.agg = AggregateOp::count;
      if (!body.error && be.kind != ExprKind::atom) {
        err = true;
        if (be.kind == ExprKind::atom_value)
          diags_->error(code::bad_aggregate, a.body->pos,
                        "`count` needs an atom of a boolean relation or condition; `" +
                            cx_.program.relations[static_cast<std::size_t>(be.relation)].name + "` has " +
                            kind_word(be.type.base) + " values",
                        {"count the tuples with a filter: `count(... where " + be.text + " > 0)`, or use `sum`"});
        else
          diags_->error(code::bad_aggregate, a.body->pos, "`count` needs an atom, not `" + be.text + "`",
                        {"write `count(relation(x) where ...)`"});
      }
      x.type = ValueType{BaseType::number, -1, Decimal{}, std::nullopt};
      break;
    default: {
      x.agg = a.kind == syntax::AggregateKind::sum   ? AggregateOp::sum
              : a.kind == syntax::AggregateKind::min ? AggregateOp::min
                                                     : AggregateOp::max;
      BaseType bt = be.type.base;
      bool ok = bt == BaseType::number || bt == BaseType::duration ||
                (bt == BaseType::date && x.agg != AggregateOp::sum) || !body.typed;
      if (!body.error && !ok) {
        err = true;
        diags_->error(
            code::bad_aggregate, a.body->pos,
            std::string("`") + syntax::spelling(a.kind) + "` needs a number, but `" + be.text + "` is a " + kind_word(bt),
            {bt == BaseType::boolean ? "to count the tuples of a relation, use `count(...)`"
                                     : "sum, min and max combine numbers"});
      }
      x.type = body.typed ? plain(bt) : plain(BaseType::number);
      if (!body.typed) type_unknown_literal(body.id, BaseType::number);
      if (x.agg != AggregateOp::sum && body.typed) {
        x.type.lo = be.type.lo;
        x.type.hi = be.type.hi;
      }
    }
  }
  x.children.push_back(body.id);
  if (a.where) x.children.push_back(where.id);
  x.text = std::string(syntax::spelling(a.kind)) + "(" + at(body.id).text;
  if (a.where) x.text += " where " + at(where.id).text;
  x.text += ")";

  // generators of the aggregate: atoms of the body and of the filter's conjunction
  std::set<int> bound;
  for (std::size_t i = 0; i + 1 < scopes_.size(); ++i)
    for (const auto& [n, s] : scopes_[i].slots) bound.insert(s);
  // slots of enclosing scopes not yet allocated still count as outside: mark all not owned here
  std::set<int> mine(scopes_.back().locals.begin(), scopes_.back().locals.end());
  for (int s = 0; s < static_cast<int>(frame_.names->size()); ++s)
    if (!mine.count(s)) bound.insert(s);
  std::vector<ExprId> gens;
  if (!err) {
    std::vector<ExprId> parts;
    parts.push_back(body.id);
    if (a.where) parts.push_back(where.id);
    gens = bind(parts, bound, true);
    for (int s : mine)
      if (!bound.count(s) && !reported_unbound_.count(s) && !wildcard_slots_.count(s)) {
        reported_unbound_.insert(s);
        failed_ = true;
        syntax::Position at_pos = e.pos;
        {
          std::vector<std::pair<int, ExprId>> occ;
          for (ExprId part : parts) var_slots_of(cx_.program, part, occ, false);
          for (const auto& [slot, id] : occ)
            if (slot == s) {
              const auto& sp = at(id).pos;
              at_pos = syntax::Position{sp.file, sp.line, sp.column, 0};
              break;
            }
        }
        diags_->error(code::unbound_variable, at_pos,
                      "variable `" + (*frame_.names)[static_cast<std::size_t>(s)] +
                          "` is not bound by an atom inside `" + x.text + "`",
                      {"a variable local to an aggregate must appear in a positive atom of its body or filter"});
      }
  }
  x.locals = scopes_.back().locals;
  x.generators = std::move(gens);
  scopes_.pop_back();
  if (err) failed_ = true;
  return L{add(std::move(x)), true, err};
}

// ---------------------------------------------------------------- binding

namespace {

void var_slots_of(const Program& p, ExprId id, std::vector<std::pair<int, ExprId>>& out, bool into_aggregates) {
  const Expr& x = p.exprs[static_cast<std::size_t>(id)];
  switch (x.kind) {
    case ExprKind::variable:
      out.emplace_back(x.var, id);
      break;
    case ExprKind::atom:
    case ExprKind::atom_value:
      for (const auto& t : x.args)
        if (t.kind == Term::Kind::variable) out.emplace_back(t.var, id);
      break;
    case ExprKind::aggregate:
      if (!into_aggregates) break;
      [[fallthrough]];
    default:
      if (x.kind == ExprKind::bind) out.emplace_back(x.var, id);
      for (ExprId c : x.children) var_slots_of(p, c, out, into_aggregates);
  }
}

}  // namespace

std::vector<ExprId> Lowerer::bind(const std::vector<ExprId>& roots, std::set<int>& bound, bool inside_aggregate) {
  auto& prog = cx_.program;
  std::vector<ExprId> conjuncts;
  {
    std::vector<ExprId> stack(roots.rbegin(), roots.rend());
    while (!stack.empty()) {
      ExprId id = stack.back();
      stack.pop_back();
      if (at(id).kind == ExprKind::and_) {
        const auto& ch = at(id).children;
        for (auto it = ch.rbegin(); it != ch.rend(); ++it) stack.push_back(*it);
      } else {
        conjuncts.push_back(id);
      }
    }
  }
  // An atom generates bindings when it has a variable to bind and its unlisted tuples are absent
  // (a closed relation), or it ranges over listed tuples (inside an aggregate, `for each`). An atom
  // without variables is a test, never a generator: a scalar's missing value is unknown, not false.
  auto closed_or_agg = [&](int rel) { return inside_aggregate || !prog.relations[static_cast<std::size_t>(rel)].open; };
  auto has_vars = [&](ExprId id) {
    for (const auto& t : at(id).args)
      if (t.kind != Term::Kind::constant) return true;
    return false;
  };
  struct Cand {
    ExprId id;
    bool is_bind;
  };
  std::vector<Cand> cands;
  std::function<void(ExprId)> values = [&](ExprId id) {
    const Expr& x = at(id);
    if (x.kind == ExprKind::atom_value) {
      if (closed_or_agg(x.relation) && has_vars(id)) cands.push_back({id, false});
    } else if (x.kind == ExprKind::arith || x.kind == ExprKind::negate || x.kind == ExprKind::compare) {
      for (ExprId c : x.children) values(c);
    }
  };
  std::vector<ExprId> eqs;
  for (ExprId c : conjuncts) {
    const Expr& x = at(c);
    if (x.kind == ExprKind::atom) {
      if (closed_or_agg(x.relation) && has_vars(c)) cands.push_back({c, false});
    } else if (x.kind == ExprKind::compare || x.kind == ExprKind::atom_value || x.kind == ExprKind::arith ||
               x.kind == ExprKind::negate) {
      values(c);
      if (x.kind == ExprKind::compare && x.cmp == CompareOp::eq) eqs.push_back(c);
    }
  }
  // Inside an aggregate an atom of an open relation ranges over its listed tuples only when it
  // binds a variable that nothing else binds; otherwise it is a filter, so that an unlisted tuple
  // reads as unknown (LANGUAGE 3.2) instead of being skipped.
  if (inside_aggregate) {
    auto is_open = [&](ExprId id) { return prog.relations[static_cast<std::size_t>(at(id).relation)].open; };
    std::set<int> closed_vars = bound;
    for (const auto& c : cands)
      if (!is_open(c.id))
        for (const auto& t : at(c.id).args)
          if (t.kind != Term::Kind::constant) closed_vars.insert(t.var);
    std::erase_if(cands, [&](const Cand& c) {
      if (!is_open(c.id)) return false;
      for (const auto& t : at(c.id).args)
        if (t.kind != Term::Kind::constant && !closed_vars.count(t.var)) return false;
      return true;
    });
    // Of open atoms, the first written (the body's, before the filter's) ranges; a later one whose
    // variables it binds is a filter too: in `count(seen(y) where w(y) < 20)` the unlisted w("c")
    // is unknown within w's range for the listed seen("c"), not a reason to skip "c".
    std::sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.id < b.id; });
    std::set<int> ranged = closed_vars;
    std::erase_if(cands, [&](const Cand& c) {
      if (!is_open(c.id)) return false;
      bool adds = false;
      for (const auto& t : at(c.id).args)
        if (t.kind != Term::Kind::constant && !ranged.count(t.var)) adds = true;
      if (!adds) return true;
      for (const auto& t : at(c.id).args)
        if (t.kind != Term::Kind::constant) ranged.insert(t.var);
      return false;
    });
  }
  // variables that atoms bind
  std::set<int> by_atoms = bound;
  for (const auto& c : cands)
    for (const auto& t : at(c.id).args)
      if (t.kind != Term::Kind::constant) by_atoms.insert(t.var);
  // `VAR = EXPR` where VAR is bound nowhere else becomes a bind
  for (ExprId c : eqs) {
    Expr& x = at(c);
    for (int side = 0; side < 2; ++side) {
      const Expr& v = at(x.children[static_cast<std::size_t>(side)]);
      if (v.kind != ExprKind::variable || by_atoms.count(v.var)) continue;
      int var = v.var;
      ExprId other = x.children[static_cast<std::size_t>(1 - side)];
      x.kind = ExprKind::bind;
      x.var = var;
      x.children = {other};
      by_atoms.insert(var);
      cands.push_back({c, true});
      break;
    }
  }
  // order: in source order, each as soon as its inputs are bound
  std::sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.id < b.id; });
  std::vector<ExprId> order;
  std::vector<bool> taken(cands.size(), false);
  bool progress = true;
  while (progress) {
    progress = false;
    for (std::size_t i = 0; i < cands.size(); ++i) {
      if (taken[i]) continue;
      const Expr& x = at(cands[i].id);
      if (cands[i].is_bind) {
        std::vector<std::pair<int, ExprId>> ins;
        var_slots_of(prog, x.children[0], ins, false);
        bool ready = true;
        for (const auto& [s, _] : ins)
          if (!bound.count(s)) ready = false;
        if (!ready) continue;
        bound.insert(x.var);
      } else {
        for (const auto& t : x.args)
          if (t.kind != Term::Kind::constant) bound.insert(t.var);
      }
      taken[i] = true;
      order.push_back(cands[i].id);
      progress = true;
      break;
    }
  }
  return order;
}

void Lowerer::require_bound(ExprId expr, const std::set<int>& bound, const std::string& why) {
  if (failed_) return;  // an earlier mistake in this body would make these follow-on errors
  std::vector<std::pair<int, ExprId>> occ;
  var_slots_of(cx_.program, expr, occ, false);
  for (const auto& [s, id] : occ) {
    if (bound.count(s) || reported_unbound_.count(s)) continue;
    reported_unbound_.insert(s);
    failed_ = true;
    const auto& name = (*frame_.names)[static_cast<std::size_t>(s)];
    const Expr& at_expr = at(id);
    syntax::Position pos{at_expr.pos.file, at_expr.pos.line, at_expr.pos.column, 0};
    std::vector<std::string> notes{why};
    if (cx_.names.find(name) == cx_.names.end()) {
      auto near = nearest_name(name, cx_.all_names());
      if (!near.empty() && arg_names_.count(name) == 0) notes.push_back("did you mean `" + near + "`?");
    }
    diags_->error(code::unbound_variable, pos, "variable `" + name + "` is not bound by a positive atom",
                  std::move(notes));
  }
}

void Lowerer::require_head_bound(const std::vector<syntax::Ident>& head, const std::vector<int>& slots,
                                 const std::set<int>& bound) {
  if (failed_) return;
  for (std::size_t i = 0; i < head.size() && i < slots.size(); ++i) {
    int s = slots[i];
    if (bound.count(s) || reported_unbound_.count(s)) continue;
    reported_unbound_.insert(s);
    failed_ = true;
    diags_->error(code::unbound_variable, head[i].pos,
                  "variable `" + head[i].name + "` is not bound by a positive atom",
                  {"every parameter of a condition must appear in a positive atom of its `when`"});
  }
}

}  // namespace phasegate::engine::check
