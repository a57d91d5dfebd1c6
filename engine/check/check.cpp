// check_ruleset: runs the checker's passes in order; shared helpers for naming types and constants.
#include "engine/check/check.hpp"

#include "grammar/quote.hpp"

#include "engine/calendar.hpp"
#include "engine/check/context.hpp"

namespace phasegate::engine {

namespace check {

SourcePos to_source_pos(const syntax::Position& p) { return SourcePos{p.file, p.line, p.column}; }

std::string quote_text(const std::string& s) { return quote_string(s); }

std::string format_number(const Decimal& d) { return d.to_source(); }

std::string join_members(const Enumeration& e) {
  std::string out;
  for (std::size_t i = 0; i < e.members.size(); ++i) out += (i ? ", " : "") + e.members[i];
  return out;
}

std::string type_name(const Program& program, const ValueType& t) {
  switch (t.base) {
    case BaseType::boolean:
      return "bool";
    case BaseType::number:
      return "number";
    case BaseType::text:
      return "text";
    case BaseType::date:
      return "date";
    case BaseType::duration:
      return "duration";
    case BaseType::level:
    case BaseType::choice: {
      if (t.enumeration < 0 || static_cast<std::size_t>(t.enumeration) >= program.enums.size())
        return t.base == BaseType::level ? "level" : "one of";
      const auto& e = program.enums[static_cast<std::size_t>(t.enumeration)];
      std::string out = t.base == BaseType::level ? "level { " : "one of { ";
      for (std::size_t i = 0; i < e.members.size(); ++i)
        out += (i ? (t.base == BaseType::level ? " < " : ", ") : "") + e.members[i];
      return out + " }";
    }
  }
  return "value";
}

std::string a_type(const Program& program, const ValueType& t) {
  std::string name = type_name(program, t);
  if (t.base == BaseType::text || t.base == BaseType::choice) return name;
  return "a " + name;
}

std::vector<std::string> Context::relation_names() const {
  std::vector<std::string> out;
  for (const auto& r : program.relations) out.push_back(r.name);
  return out;
}

std::vector<std::string> Context::all_names() const {
  std::vector<std::string> out = relation_names();
  for (const auto& p : program.phases) out.push_back(p.name);
  return out;
}

}  // namespace check

std::optional<Program> check_ruleset(const syntax::Ruleset& ruleset, Diagnostics& diags, const CheckOptions& options) {
  const std::size_t errors_before = diags.error_count();
  check::Context cx(ruleset, diags);
  std::size_t decls = 0;
  for (const auto& f : ruleset.files) decls += f.decls.size();
  cx.program.exprs.reserve(decls * 16);
  check::declare(cx);
  check::lower_conditions(cx);
  check::lower_phases(cx);
  check::stratify(cx);
  check::order_phases(cx);
  // After a syntax error the declarations that did not parse are not here: what reads a fact or
  // condition is not all known, and "never used" would be noise. Only the other warnings are given.
  if (options.warnings) check::lint(cx, errors_before == 0);
  if (diags.error_count() > errors_before) return std::nullopt;
  return std::move(cx.program);
}

std::string format_constant(const Program& program, const Constant& c) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, Decimal>) {
          return check::format_number(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return check::quote_text(v);
        } else if constexpr (std::is_same_v<T, Date>) {
          return format_iso_date(v.days);
        } else if constexpr (std::is_same_v<T, Duration>) {
          if (v.days != 0 && v.days % 7 == 0) return std::to_string(v.days / 7) + " weeks";
          return std::to_string(v.days) + " days";
        } else if constexpr (std::is_same_v<T, Member>) {
          if (v.enumeration < 0 || static_cast<std::size_t>(v.enumeration) >= program.enums.size()) return "?";
          const auto& ms = program.enums[static_cast<std::size_t>(v.enumeration)].members;
          if (v.index < 0 || static_cast<std::size_t>(v.index) >= ms.size()) return "?";
          return ms[static_cast<std::size_t>(v.index)];
        } else {
          return "unknown";
        }
      },
      c);
}

}  // namespace phasegate::engine
