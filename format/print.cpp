// Canonical text of literals, types and expressions (minimal parentheses by precedence).
#include "format/print.hpp"

#include <algorithm>
#include <cstdio>
#include <type_traits>

#include "grammar/quote.hpp"

namespace phasegate::formatting {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::size_t width(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::string number_text(const std::string& text) {
  std::size_t i = 0;
  std::string sign;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    sign = text.substr(0, 1);
    i = 1;
  }
  const std::size_t dot = text.find('.', i);
  const std::string whole = text.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
  const std::string fraction = dot == std::string::npos ? std::string() : text.substr(dot);
  if (whole.size() < 4 || !all_digits(whole)) return text;
  std::string grouped;
  for (std::size_t k = 0; k < whole.size(); ++k) {
    if (k != 0 && (whole.size() - k) % 3 == 0) grouped += '_';
    grouped += whole[k];
  }
  return sign + grouped + fraction;
}

std::string quote(const std::string& value) { return quote_string(value); }

std::string date_text(const syntax::DateLit& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string duration_text(const syntax::DurationLit& d) {
  return std::to_string(d.amount) + (d.unit == syntax::DurationUnit::weeks ? " weeks" : " days");
}

std::string literal_text(const syntax::Literal& lit) {
  return std::visit(Overloaded{
                        [](const syntax::NumberLit& n) { return number_text(n.text); },
                        [](const syntax::StringLit& s) { return quote(s.value); },
                        [](const syntax::DateLit& d) { return date_text(d); },
                        [](const syntax::DurationLit& d) { return duration_text(d); },
                        [](const syntax::BoolLit& b) { return std::string(b.value ? "true" : "false"); },
                        [](const syntax::UnknownLit&) { return std::string("unknown"); },
                        [](const syntax::MemberLit& m) { return m.name; },
                    },
                    lit);
}

std::string type_text(const syntax::TypeSpec& type) {
  switch (type.kind) {
    case syntax::TypeKind::boolean:
      return "bool";
    case syntax::TypeKind::text:
      return "text";
    case syntax::TypeKind::date:
      return "date";
    case syntax::TypeKind::number: {
      std::string out = "number";
      if (type.range) out += " in " + number_text(type.range->lo.text) + ".." + number_text(type.range->hi.text);
      return out;
    }
    case syntax::TypeKind::level: {
      std::string out = "level {";
      for (std::size_t i = 0; i < type.members.size(); ++i) out += (i ? " < " : " ") + type.members[i].name;
      return out + " }";
    }
    case syntax::TypeKind::choice: {
      std::string out = "one of {";
      for (std::size_t i = 0; i < type.members.size(); ++i) out += (i ? ", " : " ") + type.members[i].name;
      return out + " }";
    }
  }
  return "bool";
}

int precedence(syntax::BinaryOp op) {
  using syntax::BinaryOp;
  switch (op) {
    case BinaryOp::or_:
      return 1;
    case BinaryOp::and_:
      return 2;
    case BinaryOp::eq:
    case BinaryOp::ne:
    case BinaryOp::lt:
    case BinaryOp::le:
    case BinaryOp::gt:
    case BinaryOp::ge:
      return 4;
    case BinaryOp::add:
    case BinaryOp::sub:
      return 5;
    case BinaryOp::mul:
    case BinaryOp::div:
      return 6;
  }
  return 8;
}

int precedence(const syntax::Expr& e) {
  if (const auto* b = std::get_if<syntax::Binary>(&e.node)) return precedence(b->op);
  if (const auto* u = std::get_if<syntax::Unary>(&e.node)) return u->op == syntax::UnaryOp::not_ ? 3 : 7;
  return 8;
}

std::string operand_text(const syntax::Expr& e, int outer, bool strict) {
  const int p = precedence(e);
  const bool parens = strict ? p <= outer : p < outer;
  return parens ? "(" + expr_text(e) + ")" : expr_text(e);
}

namespace {

std::string sub_text(const syntax::ExprPtr& e) { return e ? expr_text(*e) : std::string("?"); }

}  // namespace

std::string atom_text(const syntax::Atom& a) {
  std::string out = a.name.name + "(";
  for (std::size_t i = 0; i < a.args.size(); ++i) out += (i ? ", " : "") + sub_text(a.args[i]);
  return out + ")";
}

std::string expr_text(const syntax::Expr& e) {
  return std::visit(Overloaded{
                        [](const syntax::NumberLit& n) { return number_text(n.text); },
                        [](const syntax::StringLit& s) { return quote(s.value); },
                        [](const syntax::DateLit& d) { return date_text(d); },
                        [](const syntax::DurationLit& d) { return duration_text(d); },
                        [](const syntax::BoolLit& b) { return std::string(b.value ? "true" : "false"); },
                        [](const syntax::UnknownLit&) { return std::string("unknown"); },
                        [](const syntax::TodayLit&) { return std::string("today"); },
                        [](const syntax::NameRef& n) { return n.name; },
                        [](const syntax::Atom& a) { return atom_text(a); },
                        [](const syntax::Aggregate& a) {
                          std::string out = std::string(syntax::spelling(a.kind)) + "(" + sub_text(a.body);
                          if (a.where) out += " where " + sub_text(a.where);
                          return out + ")";
                        },
                        [](const syntax::Unary& u) {
                          if (!u.operand) return std::string(u.op == syntax::UnaryOp::not_ ? "not ?" : "-?");
                          if (u.op == syntax::UnaryOp::not_) return "not " + operand_text(*u.operand, 3, false);
                          // `-7` would read back as a negative literal: `- 7` is the sign and the number.
                          // A space, not brackets: brackets would nest the expression twice as deep, past
                          // the parser's limit for a chain of signs it accepted (`- - -x`).
                          std::string inner = operand_text(*u.operand, 7, false);
                          const bool literal = std::holds_alternative<syntax::NumberLit>(u.operand->node);
                          if (literal || (!inner.empty() && inner[0] == '-')) return "- " + inner;
                          return "-" + inner;
                        },
                        [](const syntax::Binary& b) {
                          const int p = precedence(b.op);
                          const bool comparison = p == 4;
                          std::string lhs = b.lhs ? operand_text(*b.lhs, p, comparison) : "?";
                          std::string rhs = b.rhs ? operand_text(*b.rhs, p, true) : "?";
                          return lhs + " " + syntax::spelling(b.op) + " " + rhs;
                        },
                    },
                    e.node);
}

std::uint32_t start_offset(const syntax::Expr& e) {
  if (const auto* b = std::get_if<syntax::Binary>(&e.node)) {
    if (b->lhs) return std::min(e.pos.offset, start_offset(*b->lhs));
  }
  if (const auto* a = std::get_if<syntax::Atom>(&e.node)) return std::min(e.pos.offset, a->name.pos.offset);
  return e.pos.offset;
}

}  // namespace phasegate::formatting
