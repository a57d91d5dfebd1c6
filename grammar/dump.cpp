// Renders syntax trees as indented S-expressions; every node with a position shows it as @LINE:COL.
#include "grammar/dump.hpp"

#include <cstdio>

namespace phasegate {

using namespace syntax;

namespace {

std::string at(const Position& p) { return "@" + std::to_string(p.line) + ":" + std::to_string(p.column); }

std::string q(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string id(const Ident& i) { return i.name + at(i.pos); }

std::string date_text(const DateLit& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string duration_text(const DurationLit& d) {
  return "(" + std::to_string(d.amount) + (d.unit == DurationUnit::days ? " days)" : " weeks)");
}

const char* op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::or_: return "or";
    case BinaryOp::and_: return "and";
    case BinaryOp::eq: return "=";
    case BinaryOp::ne: return "!=";
    case BinaryOp::lt: return "<";
    case BinaryOp::le: return "<=";
    case BinaryOp::gt: return ">";
    case BinaryOp::ge: return ">=";
    case BinaryOp::add: return "+";
    case BinaryOp::sub: return "-";
    case BinaryOp::mul: return "*";
    case BinaryOp::div: return "/";
  }
  return "?";
}

const char* agg_name(AggregateKind k) {
  switch (k) {
    case AggregateKind::count: return "count";
    case AggregateKind::sum: return "sum";
    case AggregateKind::min: return "min";
    case AggregateKind::max: return "max";
  }
  return "?";
}

std::string expr(const ExprPtr& e) { return e ? dump(*e) : std::string("<null>"); }

std::string atom_text(const Atom& a) {
  std::string out = "(atom " + id(a.name);
  for (const auto& arg : a.args) {
    out += ' ';
    out += expr(arg);
  }
  return out + ")";
}

std::string type_text(const TypeSpec& t) {
  std::string out = "(type" + at(t.pos) + " ";
  switch (t.kind) {
    case TypeKind::boolean: out += "bool"; break;
    case TypeKind::number: out += "number"; break;
    case TypeKind::text: out += "text"; break;
    case TypeKind::date: out += "date"; break;
    case TypeKind::level: out += "level"; break;
    case TypeKind::choice: out += "one-of"; break;
  }
  if (t.range) out += " (range" + at(t.range->pos) + " " + t.range->lo.text + " " + t.range->hi.text + ")";
  for (const auto& m : t.members) out += " " + id(m);
  return out + ")";
}

std::string why_text(const Justification& j) {
  std::string out;
  if (j.because) out += " (because " + q(*j.because) + ")";
  if (j.cite) {
    out += " (cite" + at(j.cite->pos) + " " + id(j.cite->source);
    if (j.cite->locator) out += " " + q(*j.cite->locator);
    out += ")";
  }
  return out;
}

std::string params_text(const std::vector<Ident>& ps) {
  if (ps.empty()) return "";
  std::string out = " (params";
  for (const auto& p : ps) out += " " + id(p);
  return out + ")";
}

std::string prov_text(const Provenance& p) {
  std::string out;
  if (p.as_of) out += " (as-of " + date_text(*p.as_of) + ")";
  if (p.source) out += " (source " + q(*p.source) + ")";
  return out;
}

std::string comments_text(const std::vector<Comment>& cs) {
  std::string out;
  for (const auto& c : cs) out += "\n  (comment" + at(c.pos) + (c.trailing ? " trailing " : " ") + q(c.text) + ")";
  return out;
}

struct ClauseDump {
  std::string operator()(const ForEachClause& c) const { return "(for-each" + at(c.pos) + " " + atom_text(c.atom) + ")"; }
  std::string operator()(const AfterClause& c) const {
    std::string out = "(after" + at(c.pos);
    for (const auto& p : c.phases) out += " " + id(p);
    return out + ")";
  }
  std::string operator()(const RequireClause& c) const {
    return "(require" + at(c.pos) + (c.label ? " (label " + id(*c.label) + ")" : std::string()) + " " +
           expr(c.expr) + why_text(c.why) + ")";
  }
  std::string operator()(const BlockClause& c) const {
    return "(block" + at(c.pos) + (c.label ? " (label " + id(*c.label) + ")" : std::string()) + " " + expr(c.expr) +
           why_text(c.why) + ")";
  }
  std::string operator()(const WaiveClause& c) const {
    return "(waive" + at(c.pos) + " (label " + id(c.label) + ") " + expr(c.expr) + why_text(c.why) + ")";
  }
};

struct DeclDump {
  std::string operator()(const FactDecl& d) const {
    std::string out = "(fact" + at(d.pos) + " " + id(d.name);
    if (!d.params.empty()) {
      out += " (params";
      for (const auto& p : d.params) out += " (" + id(p.name) + " " + type_text(p.type) + ")";
      out += ")";
    }
    if (d.value_type) out += " " + type_text(*d.value_type);
    if (d.open) out += " open";
    if (d.description) out += " " + q(*d.description);
    return out + ")";
  }
  std::string operator()(const ConditionDecl& d) const {
    std::string out = "(condition" + at(d.pos) + " " + id(d.name) + params_text(d.params);
    if (d.description) out += " " + q(*d.description);
    out += "\n    (when " + expr(d.when) + ")";
    if (d.why.because || d.why.cite) out += "\n   " + why_text(d.why);
    return out + ")";
  }
  std::string operator()(const PhaseDecl& d) const {
    std::string out = "(phase" + at(d.pos) + " " + id(d.name) + params_text(d.params);
    if (d.title) out += " " + q(*d.title);
    for (const auto& c : d.clauses) out += "\n    " + std::visit(ClauseDump{}, c);
    return out + ")";
  }
};

std::string literal_at(const Literal& l, const Position& p) { return dump(l) + at(p); }

std::string phase_ref_text(const PhaseRef& r) {
  std::string out = id(r.name);
  if (!r.args.empty()) {
    out += " (args";
    for (std::size_t i = 0; i < r.args.size(); ++i)
      out += " " + literal_at(r.args[i], i < r.arg_pos.size() ? r.arg_pos[i] : Position{});
    out += ")";
  }
  return out;
}

}  // namespace

std::string dump(const Literal& lit) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, NumberLit>) return v.text;
        else if constexpr (std::is_same_v<T, StringLit>) return q(v.value);
        else if constexpr (std::is_same_v<T, DateLit>) return date_text(v);
        else if constexpr (std::is_same_v<T, DurationLit>) return duration_text(v);
        else if constexpr (std::is_same_v<T, BoolLit>) return v.value ? "true" : "false";
        else if constexpr (std::is_same_v<T, UnknownLit>) return "unknown";
        else return "(member " + v.name + ")";
      },
      lit);
}

std::string dump(const Expr& e) {
  std::string p = at(e.pos);
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, NumberLit>) return v.text + p;
        else if constexpr (std::is_same_v<T, StringLit>) return q(v.value) + p;
        else if constexpr (std::is_same_v<T, DateLit>) return date_text(v) + p;
        else if constexpr (std::is_same_v<T, DurationLit>) return duration_text(v) + p;
        else if constexpr (std::is_same_v<T, BoolLit>) return (v.value ? "true" : "false") + p;
        else if constexpr (std::is_same_v<T, UnknownLit>) return "unknown" + p;
        else if constexpr (std::is_same_v<T, TodayLit>) return "today" + p;
        else if constexpr (std::is_same_v<T, NameRef>) return v.name + p;
        else if constexpr (std::is_same_v<T, Atom>) return atom_text(v);
        else if constexpr (std::is_same_v<T, Aggregate>)
          return std::string("(") + agg_name(v.kind) + p + " " + expr(v.body) +
                 (v.where ? " (where " + expr(v.where) + ")" : std::string()) + ")";
        else if constexpr (std::is_same_v<T, Unary>)
          return std::string("(") + (v.op == UnaryOp::not_ ? "not" : "neg") + p + " " + expr(v.operand) + ")";
        else return std::string("(") + op_name(v.op) + p + " " + expr(v.lhs) + " " + expr(v.rhs) + ")";
      },
      e.node);
}

std::string dump(const FactLine& l) {
  std::string out = "(line" + at(l.pos) + " " + id(l.name);
  if (l.args) {
    out += " (args";
    for (std::size_t i = 0; i < l.args->size(); ++i)
      out += " " + literal_at((*l.args)[i], i < l.arg_pos.size() ? l.arg_pos[i] : Position{});
    out += ")";
  }
  if (l.value) out += " = " + literal_at(*l.value, l.value_pos);
  return out + prov_text(l.prov) + ")";
}

std::string dump(const RulesFile& f) {
  std::string out = "(rules " + q(f.path);
  if (f.header) {
    out += "\n  (ruleset" + at(f.header->pos) + " " + id(f.header->name) + " " + q(f.header->title);
    if (f.header->version) out += " (version " + q(*f.header->version) + ")";
    out += ")";
  }
  for (const auto& s : f.sources) out += "\n  (source" + at(s.pos) + " " + id(s.id) + " " + q(s.citation) + ")";
  for (const auto& i : f.includes) out += "\n  (include" + at(i.pos) + " " + q(i.path) + ")";
  for (const auto& d : f.decls) out += "\n  " + std::visit(DeclDump{}, d);
  out += comments_text(f.comments);
  return out + ")\n";
}

std::string dump(const FactsFile& f) {
  std::string out = "(facts " + q(f.path);
  if (f.title) out += "\n  (title " + q(*f.title) + ")" + prov_text(f.defaults);
  for (const auto& item : f.items) {
    if (auto* l = std::get_if<FactLine>(&item))
      out += "\n  " + dump(*l);
    else {
      const auto& ld = std::get<LoadLine>(item);
      out += "\n  (load" + at(ld.pos) + " " + id(ld.relation) + " " + q(ld.path) + prov_text(ld.prov) + ")";
    }
  }
  out += comments_text(f.comments);
  return out + ")\n";
}

std::string dump(const ScenariosFile& f) {
  std::string out = "(scenarios " + q(f.path);
  if (!f.rules_path.empty() || f.rules_pos.line) out += "\n  (for" + at(f.rules_pos) + " " + q(f.rules_path) + ")";
  for (const auto& s : f.scenarios) {
    out += "\n  (scenario" + at(s.pos) + " " + q(s.title);
    for (const auto& item : s.items) {
      out += "\n    ";
      if (auto* g = std::get_if<GivenFile>(&item))
        out += "(given-file" + at(g->pos) + " " + q(g->path) + ")";
      else if (auto* l = std::get_if<FactLine>(&item))
        out += "(given " + dump(*l) + ")";
      else if (auto* v = std::get_if<ExpectVerdict>(&item))
        out += "(expect" + at(v->pos) + " " + phase_ref_text(v->phase) + " is " +
               (v->verdict == Verdict::go ? "GO" : v->verdict == Verdict::no_go ? "NO-GO" : "UNDETERMINED") + ")";
      else {
        const auto& b = std::get<ExpectBecause>(item);
        out += "(expect" + at(b.pos) + " " + phase_ref_text(b.phase) + " because " + id(b.label) + ")";
      }
    }
    out += ")";
  }
  out += comments_text(f.comments);
  return out + ")\n";
}

}  // namespace phasegate
