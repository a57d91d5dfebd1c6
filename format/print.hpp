// Canonical text of the small pieces of the language: numbers, strings, dates, types, expressions.
#pragma once

#include <string>

#include "grammar/syntax.hpp"

namespace phasegate::formatting {

// The widest line the formatter aims for (descriptions move to their own line, long
// `and`/`or` chains wrap); longer lines are left as they are when they cannot break.
inline constexpr std::size_t kLineWidth = 80;

// Columns a line takes: UTF-8 code points (not bytes), so accented text wraps like plain text.
std::size_t width(const std::string& text);

// "5000" -> "5_000": integer parts of four digits or more are grouped by thousands.
std::string number_text(const std::string& text);
// `"..."` with `\" \\ \n \t` escaped.
std::string quote(const std::string& value);
std::string date_text(const syntax::DateLit& d);
std::string duration_text(const syntax::DurationLit& d);
std::string literal_text(const syntax::Literal& lit);
std::string type_text(const syntax::TypeSpec& type);

// Binding strength, loosest first: or 1, and 2, not 3, comparisons 4, + - 5, * / 6, unary - 7, primary 8.
int precedence(const syntax::Expr& e);
int precedence(syntax::BinaryOp op);
std::string atom_text(const syntax::Atom& a);
// The expression with the fewest parentheses that parse back to the same tree.
std::string expr_text(const syntax::Expr& e);
// `e` as an operand of an operator of strength `outer`; `strict` when equal strength needs parentheses.
std::string operand_text(const syntax::Expr& e, int outer, bool strict);
// The offset of the leftmost token of `e` (a binary node's own position may be its operator's).
std::uint32_t start_offset(const syntax::Expr& e);

}  // namespace phasegate::formatting
