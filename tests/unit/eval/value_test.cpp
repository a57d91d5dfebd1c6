// Kleene truth tables, interval arithmetic and three-valued comparison.
#include <catch2/catch.hpp>

#include "engine/eval/value.hpp"

using namespace phasegate::engine;

namespace {
constexpr Truth T = Truth::true_, F = Truth::false_, U = Truth::unknown;
Decimal d(const char* s) { return *Decimal::parse(s); }
Value num(const char* s) { return Value::point(BaseType::number, d(s)); }
Value range(const char* lo, const char* hi) {
  return Value::range(BaseType::number, Bound::finite(d(lo)), Bound::finite(d(hi)));
}
Value unbounded() { return Value::range(BaseType::number, Bound::minus_infinity(), Bound::plus_infinity()); }
Value op(ArithOp o, const Value& a, const Value& b) {
  Value out;
  REQUIRE(arith(o, a, b, BaseType::number, out) == ArithStatus::ok);
  return out;
}
bool is_range(const Value& v, const char* lo, const char* hi) {
  return v.kind == Value::Kind::numeric && v.lo == Bound::finite(d(lo)) && v.hi == Bound::finite(d(hi));
}
}  // namespace

TEST_CASE("Kleene and/or/not: every row") {
  struct Row {
    Truth a, b, and_, or_;
  };
  const Row rows[] = {
      {T, T, T, T}, {T, U, U, T}, {T, F, F, T}, {U, T, U, T}, {U, U, U, U},
      {U, F, F, U}, {F, T, F, T}, {F, U, F, U}, {F, F, F, F},
  };
  for (const Row& r : rows) {
    CHECK(truth_and(r.a, r.b) == r.and_);
    CHECK(truth_or(r.a, r.b) == r.or_);
  }
  CHECK(truth_not(T) == F);
  CHECK(truth_not(F) == T);
  CHECK(truth_not(U) == U);
  CHECK(std::string(to_string(U)) == "unknown");
  CHECK(std::string(to_string(Verdict::no_go)) == "NO-GO");
}

TEST_CASE("interval addition: the briefing example") {
  Value sum = op(ArithOp::add, op(ArithOp::add, num("1000"), num("2500")), range("0", "50000"));
  CHECK(is_range(sum, "3500", "53500"));
  CHECK(compare(CompareOp::ge, sum, num("5000")) == U);
  CHECK(compare(CompareOp::ge, sum, num("60000")) == F);
  CHECK(compare(CompareOp::ge, sum, num("3500")) == T);
  CHECK(compare(CompareOp::gt, sum, num("3500")) == U);
  CHECK(compare(CompareOp::le, sum, num("53500")) == T);
  CHECK(compare(CompareOp::lt, sum, num("53500")) == U);
  CHECK(compare(CompareOp::lt, sum, num("3500")) == F);
}

TEST_CASE("interval subtraction, multiplication, negation") {
  CHECK(is_range(op(ArithOp::sub, range("1", "5"), range("2", "3")), "-2", "3"));
  CHECK(is_range(op(ArithOp::mul, range("-2", "3"), range("4", "5")), "-10", "15"));
  CHECK(is_range(op(ArithOp::mul, range("-2", "-1"), range("-3", "4")), "-8", "6"));
  Value n;
  negate(range("1", "2"), n);
  CHECK(is_range(n, "-2", "-1"));
  // 0 times an unbounded interval is exactly 0
  Value z = op(ArithOp::mul, num("0"), unbounded());
  CHECK(is_range(z, "0", "0"));
  Value half = op(ArithOp::mul, range("0", "1"), Value::range(BaseType::number, Bound::finite(d("1")), Bound::plus_infinity()));
  CHECK(half.lo == Bound::finite(d("0")));
  CHECK(half.hi.inf == 1);
}

TEST_CASE("division: exact zero is an error, an interval containing zero is unbounded") {
  Value out;
  CHECK(arith(ArithOp::div, num("1"), num("0"), BaseType::number, out) == ArithStatus::division_by_zero);
  CHECK(arith(ArithOp::div, range("1", "2"), num("0"), BaseType::number, out) == ArithStatus::division_by_zero);
  REQUIRE(arith(ArithOp::div, num("1"), range("-1", "1"), BaseType::number, out) == ArithStatus::ok);
  CHECK(out.lo.inf == -1);
  CHECK(out.hi.inf == 1);
  CHECK(compare(CompareOp::gt, out, num("0")) == U);
  REQUIRE(arith(ArithOp::div, num("1"), range("0", "1"), BaseType::number, out) == ArithStatus::ok);
  CHECK(out.hi.inf == 1);
  CHECK(is_range(op(ArithOp::div, range("2", "4"), range("1", "2")), "1", "4"));
  // outward rounding: 1/3 .. 2/3 must contain the exact quotients
  Value third = op(ArithOp::div, range("1", "2"), num("3"));
  CHECK(third.lo == Bound::finite(d("0.333333333")));
  CHECK(third.hi == Bound::finite(d("0.666666667")));
  // known operands too: a quotient with more than nine decimals is the interval of its two nearest
  CHECK(is_range(op(ArithOp::div, num("1"), num("3")), "0.333333333", "0.333333334"));
  CHECK(is_range(op(ArithOp::div, num("-1"), num("3")), "-0.333333334", "-0.333333333"));
  CHECK(is_range(op(ArithOp::div, num("1"), num("4")), "0.25", "0.25"));
}

TEST_CASE("overflow: known values fail, uncertain bounds widen") {
  Value out;
  Value big = num("100000000000000000000000000000");
  CHECK(arith(ArithOp::mul, big, num("10"), BaseType::number, out) == ArithStatus::overflow);
  CHECK(arith(ArithOp::add, big, big, BaseType::number, out) == ArithStatus::overflow);  // 2e29 does not fit
  CHECK(arith(ArithOp::mul, big, big, BaseType::number, out) == ArithStatus::overflow);
  REQUIRE(arith(ArithOp::mul, range("0", "100000000000000000000000000000"), num("10"), BaseType::number, out) ==
          ArithStatus::ok);
  CHECK(out.hi.inf == 1);
  CHECK(out.lo == Bound::finite(d("0")));
  // a bound that needs more than nine fractional digits is rounded outward
  REQUIRE(arith(ArithOp::mul, range("0.00001", "0.00003"), num("0.00001"), BaseType::number, out) == ArithStatus::ok);
  CHECK(out.lo == Bound::finite(d("0")));
  CHECK(out.hi == Bound::finite(d("0.000000001")));
  REQUIRE(arith(ArithOp::mul, range("-0.00003", "-0.00001"), num("0.00001"), BaseType::number, out) == ArithStatus::ok);
  CHECK(out.lo == Bound::finite(d("-0.000000001")));
  CHECK(out.hi == Bound::finite(d("0")));
}

TEST_CASE("comparison of points, equality of intervals") {
  CHECK(compare(CompareOp::eq, op(ArithOp::add, num("0.1"), num("0.2")), num("0.3")) == T);
  CHECK(compare(CompareOp::eq, range("1", "3"), num("2")) == U);
  CHECK(compare(CompareOp::eq, range("1", "3"), num("4")) == F);
  CHECK(compare(CompareOp::ne, range("1", "3"), num("4")) == T);
  CHECK(compare(CompareOp::ne, num("4"), num("4")) == F);
  CHECK(compare(CompareOp::eq, unbounded(), unbounded()) == U);
  CHECK(compare(CompareOp::lt, range("1", "2"), range("2", "3")) == U);
  CHECK(compare(CompareOp::le, range("1", "2"), range("2", "3")) == T);
  CHECK(compare(CompareOp::gt, range("3", "4"), range("1", "3")) == U);
  CHECK(compare(CompareOp::gt, range("3", "4"), range("1", "2")) == T);
}

TEST_CASE("no value: comparisons are false, maybe no value caps at unknown") {
  CHECK(compare(CompareOp::ge, Value::none(), num("200")) == F);
  CHECK(compare(CompareOp::lt, Value::none(), num("200")) == F);
  CHECK(truth_not(compare(CompareOp::ge, Value::none(), num("200"))) == T);
  Value maybe = num("5");
  maybe.maybe_none = true;
  CHECK(compare(CompareOp::ge, maybe, num("1")) == U);
  CHECK(compare(CompareOp::ge, maybe, num("10")) == F);
  Value out;
  REQUIRE(arith(ArithOp::add, Value::none(), num("1"), BaseType::number, out) == ArithStatus::ok);
  CHECK(out.kind == Value::Kind::none);
}

TEST_CASE("levels, choices, text, booleans, dates") {
  Program p;
  p.enums.push_back(Enumeration{true, {"none", "partial", "clear"}});
  p.enums.push_back(Enumeration{false, {"red", "green"}});
  Value unknown_level = Value::unknown_of(ValueType{BaseType::level, 0, {}, {}}, p);
  Value none_m = value_of_constant(Member{0, 0}, nullptr, p);
  Value clear_m = value_of_constant(Member{0, 2}, nullptr, p);
  CHECK(compare(CompareOp::ge, unknown_level, none_m) == T);  // a level >= its lowest member
  CHECK(compare(CompareOp::ge, unknown_level, clear_m) == U);
  CHECK(compare(CompareOp::le, unknown_level, clear_m) == T);
  CHECK(compare(CompareOp::ge, value_of_constant(Member{0, 1}, nullptr, p), clear_m) == F);
  Value unknown_choice = Value::unknown_of(ValueType{BaseType::choice, 1, {}, {}}, p);
  CHECK(compare(CompareOp::eq, unknown_choice, value_of_constant(Member{1, 0}, nullptr, p)) == U);
  CHECK(to_string(clear_m, p) == "clear");

  std::string a = "Rafah", b = "Gaza";
  CHECK(compare(CompareOp::eq, Value::of_text(&a), Value::of_text(&a)) == T);
  CHECK(compare(CompareOp::ne, Value::of_text(&a), Value::of_text(&b)) == T);
  CHECK(compare(CompareOp::eq, Value::of_text(nullptr), Value::of_text(&b)) == U);

  CHECK(compare(CompareOp::eq, Value::of_truth(T), Value::of_truth(T)) == T);
  CHECK(compare(CompareOp::eq, Value::of_truth(T), Value::of_truth(U)) == U);

  Value day = value_of_constant(Date{20000}, nullptr, p);
  Value month = value_of_constant(Duration{30}, nullptr, p);
  Value later;
  REQUIRE(arith(ArithOp::add, day, month, BaseType::date, later) == ArithStatus::ok);
  CHECK(std::get<Date>(constant_of_value(later)).days == 20030);
  Value diff;
  REQUIRE(arith(ArithOp::sub, later, day, BaseType::duration, diff) == ArithStatus::ok);
  CHECK(std::get<Duration>(constant_of_value(diff)).days == 30);
  CHECK(to_string(later, p) == "2024-11-03");
  Value unknown_date = Value::unknown_of(ValueType{BaseType::date, -1, {}, {}}, p);
  CHECK(compare(CompareOp::lt, unknown_date, day) == U);
  CHECK(to_string(range("3500", "53500"), p) == "3_500..53_500");
}
