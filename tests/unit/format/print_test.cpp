// Printing of literals, types and expressions: minimal parentheses that read back to the same tree.
#include "format/print.hpp"

#include <catch2/catch.hpp>

using namespace phasegate;
using namespace phasegate::formatting;

namespace {

syntax::ExprPtr make(decltype(syntax::Expr::node) node) {
  return std::make_shared<const syntax::Expr>(syntax::Expr{{}, std::move(node)});
}
syntax::ExprPtr name(const std::string& n) { return make(syntax::NameRef{n}); }
syntax::ExprPtr num(const std::string& t) { return make(syntax::NumberLit{t}); }
syntax::ExprPtr bin(syntax::BinaryOp op, syntax::ExprPtr l, syntax::ExprPtr r) {
  return make(syntax::Binary{op, std::move(l), std::move(r)});
}
syntax::ExprPtr un(syntax::UnaryOp op, syntax::ExprPtr e) { return make(syntax::Unary{op, std::move(e)}); }
syntax::ExprPtr atom(const std::string& n, std::vector<syntax::ExprPtr> args) {
  return make(syntax::Atom{{{}, n}, std::move(args)});
}

using B = syntax::BinaryOp;
using U = syntax::UnaryOp;

}  // namespace

TEST_CASE("numbers are grouped by thousands from four digits", "[print]") {
  CHECK(number_text("0") == "0");
  CHECK(number_text("999") == "999");
  CHECK(number_text("1000") == "1_000");
  CHECK(number_text("5000") == "5_000");
  CHECK(number_text("50000") == "50_000");
  CHECK(number_text("1234567") == "1_234_567");
  CHECK(number_text("-12345") == "-12_345");
  CHECK(number_text("1234567.25") == "1_234_567.25");
  CHECK(number_text("3.14159") == "3.14159");
  CHECK(number_text("-7") == "-7");
}

TEST_CASE("strings are re-escaped", "[print]") {
  CHECK(quote("plain") == "\"plain\"");
  CHECK(quote("a\"b\\c\nd\te") == "\"a\\\"b\\\\c\\nd\\te\"");
  CHECK(quote("") == "\"\"");
  CHECK(quote("caf\xc3\xa9 #1") == "\"caf\xc3\xa9 #1\"");
}

TEST_CASE("literals and types", "[print]") {
  CHECK(date_text({2026, 3, 31}) == "2026-03-31");
  CHECK(date_text({987, 1, 2}) == "0987-01-02");
  CHECK(duration_text({2, syntax::DurationUnit::weeks}) == "2 weeks");
  CHECK(duration_text({30, syntax::DurationUnit::days}) == "30 days");
  CHECK(literal_text(syntax::Literal{syntax::MemberLit{"partial"}}) == "partial");
  CHECK(literal_text(syntax::Literal{syntax::UnknownLit{}}) == "unknown");
  CHECK(literal_text(syntax::Literal{syntax::NumberLit{"2000"}}) == "2_000");

  syntax::TypeSpec level;
  level.kind = syntax::TypeKind::level;
  level.members = {{{}, "none"}, {{}, "partial"}, {{}, "clear"}};
  CHECK(type_text(level) == "level { none < partial < clear }");
  syntax::TypeSpec choice = level;
  choice.kind = syntax::TypeKind::choice;
  CHECK(type_text(choice) == "one of { none, partial, clear }");
  syntax::TypeSpec number;
  number.kind = syntax::TypeKind::number;
  CHECK(type_text(number) == "number");
  number.range = syntax::NumberRange{{}, {}, {"0"}, {"50000"}};
  CHECK(type_text(number) == "number in 0..50_000");
}

TEST_CASE("binary operators get the fewest parentheses", "[print]") {
  auto a = name("a"), b = name("b"), c = name("c");
  CHECK(expr_text(*bin(B::or_, a, bin(B::and_, b, c))) == "a or b and c");
  CHECK(expr_text(*bin(B::and_, bin(B::or_, a, b), c)) == "(a or b) and c");
  CHECK(expr_text(*bin(B::or_, bin(B::or_, a, b), c)) == "a or b or c");
  CHECK(expr_text(*bin(B::or_, a, bin(B::or_, b, c))) == "a or (b or c)");
  CHECK(expr_text(*bin(B::sub, bin(B::sub, a, b), c)) == "a - b - c");
  CHECK(expr_text(*bin(B::sub, a, bin(B::sub, b, c))) == "a - (b - c)");
  CHECK(expr_text(*bin(B::mul, bin(B::add, a, b), c)) == "(a + b) * c");
  CHECK(expr_text(*bin(B::add, a, bin(B::mul, b, c))) == "a + b * c");
  CHECK(expr_text(*bin(B::div, a, bin(B::mul, b, c))) == "a / (b * c)");
  CHECK(expr_text(*bin(B::ge, bin(B::add, a, num("5000")), c)) == "a + 5_000 >= c");
  // Comparisons do not associate: either side that is a comparison keeps its parentheses.
  CHECK(expr_text(*bin(B::eq, bin(B::lt, a, b), c)) == "(a < b) = c");
  CHECK(expr_text(*bin(B::eq, a, bin(B::lt, b, c))) == "a = (b < c)");
}

TEST_CASE("not and unary minus", "[print]") {
  auto a = name("a"), b = name("b");
  CHECK(expr_text(*un(U::not_, bin(B::and_, a, b))) == "not (a and b)");
  CHECK(expr_text(*bin(B::and_, un(U::not_, a), b)) == "not a and b");
  CHECK(expr_text(*bin(B::and_, a, un(U::not_, b))) == "a and not b");
  CHECK(expr_text(*un(U::not_, bin(B::eq, a, b))) == "not a = b");
  CHECK(expr_text(*bin(B::eq, un(U::not_, a), b)) == "(not a) = b");
  CHECK(expr_text(*un(U::negate, bin(B::add, a, b))) == "-(a + b)");
  CHECK(expr_text(*bin(B::mul, un(U::negate, a), b)) == "-a * b");
  CHECK(expr_text(*un(U::negate, un(U::negate, a))) == "- -a");  // brackets would double the depth
  CHECK(expr_text(*un(U::negate, num("7"))) == "- 7");  // not the literal -7
  CHECK(expr_text(*bin(B::sub, a, num("-7"))) == "a - -7");
}

TEST_CASE("atoms and aggregates", "[print]") {
  auto c = name("c");
  auto body = atom("troops_committed", {c});
  auto agg = make(syntax::Aggregate{syntax::AggregateKind::sum, body, atom("contributor", {c})});
  CHECK(expr_text(*agg) == "sum(troops_committed(c) where contributor(c))");
  auto cnt = make(syntax::Aggregate{syntax::AggregateKind::count, atom("sector", {name("s")}), nullptr});
  CHECK(expr_text(*bin(B::eq, cnt, num("0"))) == "count(sector(s)) = 0");
  auto args = atom("road", {make(syntax::StringLit{"Port"}), name("_"), make(syntax::DateLit{2026, 1, 2})});
  CHECK(expr_text(*args) == "road(\"Port\", _, 2026-01-02)");
  CHECK(expr_text(*bin(B::le, make(syntax::TodayLit{}),
                       bin(B::add, name("d"), make(syntax::DurationLit{2, syntax::DurationUnit::weeks})))) ==
        "today <= d + 2 weeks");
}

TEST_CASE("widths count characters, not bytes", "[print]") {
  CHECK(width("abc") == 3);
  CHECK(width("caf\xc3\xa9") == 4);
  CHECK(width("") == 0);
}
