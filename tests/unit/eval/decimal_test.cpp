// Exact decimals: parsing, printing, arithmetic and its failures.
#include <catch2/catch.hpp>

#include "engine/decimal.hpp"

using phasegate::engine::Decimal;

namespace {
Decimal d(const char* s) {
  auto v = Decimal::parse(s);
  REQUIRE(v);
  return *v;
}
}  // namespace

TEST_CASE("0.1 + 0.2 is exactly 0.3") {
  REQUIRE(*Decimal::add(d("0.1"), d("0.2")) == d("0.3"));
  REQUIRE(Decimal::add(d("0.1"), d("0.2"))->to_string() == "0.3");
}

TEST_CASE("parse accepts integers, signs and up to nine fractional digits") {
  CHECK(d("42").raw() == 42 * Decimal::kScale);
  CHECK(d("-7").to_string() == "-7");
  CHECK(d("+7").to_string() == "7");
  CHECK(d("3.5").to_string() == "3.5");
  CHECK(d("0.000000001").raw() == 1);
  CHECK(d("-0.25").to_string() == "-0.25");
  CHECK(d("007").to_string() == "7");
  CHECK(d("-0").to_string() == "0");
  CHECK(d("1.500").to_string() == "1.5");
  CHECK(d("1.5000000000") == d("1.5"));  // zeros past the ninth digit keep it exact
  CHECK(d("0.0000000010000") == d("0.000000001"));
}

TEST_CASE("parse rejects malformed and out-of-range text") {
  for (const char* bad : {"", "-", ".5", "5.", "1.0000000001", "1.0000000000001", "1e5", "1_000", "12a", " 1", "1 ", "--1", "1.2.3", "0x10"})
    CHECK_FALSE(Decimal::parse(bad));
  CHECK(Decimal::parse("170141183460469231731687303715.884105727"));  // the top of the range
  CHECK_FALSE(Decimal::parse("170141183460469231731687303715.884105728"));
  // The range is symmetric: INT128_MIN would have no negation (`-x` wrapped to itself).
  CHECK(Decimal::parse("-170141183460469231731687303715.884105727"));  // the most negative value
  CHECK_FALSE(Decimal::parse("-170141183460469231731687303715.884105728"));
  CHECK_FALSE(Decimal::parse("-170141183460469231731687303715.884105729"));
  CHECK_FALSE(Decimal::parse("999999999999999999999999999999999"));
}

TEST_CASE("to_string and to_source") {
  CHECK(d("5000").to_string() == "5000");
  CHECK(d("5000").to_source() == "5_000");
  CHECK(d("50000").to_source() == "50_000");
  CHECK(d("-1234567.25").to_source() == "-1_234_567.25");
  CHECK(d("999").to_source() == "999");
  CHECK(d("0.5").to_source() == "0.5");
  CHECK(d("-0.000000001").to_string() == "-0.000000001");
  CHECK(d("-999.5").to_source() == "-999.5");
  CHECK(d("-1234.5").to_source() == "-1_234.5");
  CHECK(d("1000").to_source() == "1_000");
  // Beyond 64 bits of raw value (about 1.8e10) the digits come from 128-bit arithmetic.
  CHECK(d("18446744073.709551615").to_string() == "18446744073.709551615");
  CHECK(d("18446744073.709551616").to_string() == "18446744073.709551616");
  CHECK(d("-123456789012345678901.5").to_source() == "-123_456_789_012_345_678_901.5");
  CHECK(d("0").to_source() == "0");
  CHECK(d("0.120").to_string() == "0.12");
  CHECK(d("-170141183460469231731687303715.884105727").to_source() ==
        "-170_141_183_460_469_231_731_687_303_715.884105727");  // the widest text there is
}

TEST_CASE("multiplication is exact or fails") {
  CHECK(*Decimal::mul(d("1.5"), d("2")) == d("3"));
  CHECK(*Decimal::mul(d("-0.5"), d("0.5")) == d("-0.25"));
  CHECK(*Decimal::mul(d("100000000000000"), d("1000000")) == d("100000000000000000000"));
  CHECK_FALSE(Decimal::mul(d("1000000000000000000000"), d("1000000000")));  // 1e30: overflow
  CHECK(Decimal::mul(d("100000000000000000000"), d("100000000")));  // 1e28 fits
  CHECK_FALSE(Decimal::mul(d("0.00001"), d("0.00001")));                     // 1e-10 needs ten digits
  CHECK(*Decimal::mul(d("0.00001"), d("0.0001")) == d("0.000000001"));
  CHECK(*Decimal::mul(d("0"), d("-12.5")) == d("0"));
  // whole numbers on either side take the short path: the same answers and the same overflow
  CHECK(*Decimal::mul(d("2"), d("-0.000000001")) == d("-0.000000002"));
  CHECK(*Decimal::mul(d("-0.25"), d("-8")) == d("2"));
  CHECK(*Decimal::mul(d("-3"), d("7")) == d("-21"));
  CHECK_FALSE(Decimal::mul(d("200000000000000000000"), d("1000000000")));   // 2e29: overflow
  CHECK_FALSE(Decimal::mul(d("-1000000000"), d("200000000000000000000")));  // -2e29: overflow
  CHECK(*Decimal::mul(d("100000000000000000000"), d("-1000000000")) == d("-100000000000000000000000000000"));
}

TEST_CASE("products and quotients agree with each other") {
  // b = (a * b) / a for whole a and b with up to nine fractional digits, on both paths of mul and div.
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int i = 0; i < 2000; ++i) {
    auto a = Decimal::from_int(static_cast<std::int64_t>(next() % 2'000'000) - 1'000'000);
    if (a.is_zero()) continue;
    auto b = Decimal::from_raw(static_cast<std::int64_t>(next() % 2'000'000'000'000ULL) - 1'000'000'000'000LL);
    auto p = Decimal::mul(a, b);
    REQUIRE(p);
    CHECK(*Decimal::mul(b, a) == *p);
    CHECK(*Decimal::div(*p, a) == b);
  }
}

TEST_CASE("division rounds toward zero and fails on zero or overflow") {
  CHECK(*Decimal::div(d("1"), d("4")) == d("0.25"));
  CHECK(*Decimal::div(d("1"), d("3")) == d("0.333333333"));
  CHECK(*Decimal::div(d("-1"), d("3")) == d("-0.333333333"));
  CHECK(*Decimal::div(d("10"), d("-0.5")) == d("-20"));
  CHECK_FALSE(Decimal::div(d("1"), d("0")));
  CHECK_FALSE(Decimal::div(d("100000000000000000000000"), d("0.000000001")));
}

TEST_CASE("addition and subtraction overflow is reported") {
  Decimal big = d("170141183460469231731687303715.884105727");
  CHECK_FALSE(Decimal::add(big, d("0.000000001")));
  CHECK_FALSE(Decimal::sub(big.negated(), d("0.000000002")));
  CHECK_FALSE(Decimal::sub(big.negated(), d("0.000000001")));  // would be INT128_MIN
  CHECK_FALSE(Decimal::add(big.negated(), d("-0.000000001")));
  CHECK_FALSE(Decimal::mul(d("-2"), Decimal::from_raw(static_cast<phasegate::engine::int128>(1) << 126)));
  CHECK(Decimal::sub(big.negated(), d("0")));
  CHECK(big.negated().negated() == big);
  CHECK(*Decimal::sub(d("3"), d("5")) == d("-2"));
  CHECK(d("2.5").to_double() == 2.5);
  CHECK(Decimal::from_int(-3) == d("-3"));
  CHECK(d("3").is_integer());
  CHECK_FALSE(d("3.1").is_integer());
}
