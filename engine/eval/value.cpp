// Interval arithmetic and three-valued comparison on Values.
#include "engine/eval/value.hpp"

#include <algorithm>
#include <array>

#include "engine/calendar.hpp"
#include "grammar/quote.hpp"

namespace phasegate::engine {

const char* to_string(Truth t) {
  switch (t) {
    case Truth::true_: return "true";
    case Truth::false_: return "false";
    case Truth::unknown: return "unknown";
  }
  return "unknown";
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::go: return "GO";
    case Verdict::no_go: return "NO-GO";
    case Verdict::undetermined: return "UNDETERMINED";
  }
  return "UNDETERMINED";
}

namespace {

Decimal days_decimal(std::int64_t days) { return Decimal::from_int(days); }

std::int64_t decimal_days(Decimal d) { return static_cast<std::int64_t>(d.raw() / Decimal::kScale); }

__extension__ typedef unsigned __int128 uint128;

uint128 magnitude(int128 v) { return v < 0 ? static_cast<uint128>(0) - static_cast<uint128>(v) : static_cast<uint128>(v); }

// a * b rounded toward -inf (dir < 0) or +inf (dir > 0) to nine fractional digits; false on overflow.
// Decimal::mul is exact-or-nothing; interval ends only need a sound rounding.
bool mul_rounded(Decimal a, Decimal b, int dir, Decimal& out) {
  const uint128 mask = ~static_cast<std::uint64_t>(0);
  uint128 x = magnitude(a.raw()), y = magnitude(b.raw());
  uint128 x0 = x & mask, x1 = x >> 64, y0 = y & mask, y1 = y >> 64;
  uint128 p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0, p11 = x1 * y1;
  uint128 mid = (p00 >> 64) + (p01 & mask) + (p10 & mask);
  uint128 lo = (p00 & mask) | (mid << 64);
  uint128 hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
  const uint128 d = static_cast<uint128>(Decimal::kScale);
  if (hi >= d) return false;
  uint128 rem = hi, q = 0;
  for (int i = 127; i >= 0; --i) {
    bool carry = (rem >> 127) != 0;
    rem = (rem << 1) | ((lo >> i) & 1);
    q <<= 1;
    if (carry || rem >= d) {
      rem -= d;
      q |= 1;
    }
  }
  bool negative = (a.raw() < 0) != (b.raw() < 0);
  // truncation moved the magnitude toward zero; step outward when that is the wrong way
  if (rem != 0 && ((negative && dir < 0) || (!negative && dir > 0))) ++q;
  const uint128 limit = static_cast<uint128>(~static_cast<uint128>(0) >> 1);
  if (q > limit) return false;
  out = Decimal::from_raw(negative ? -static_cast<int128>(q) : static_cast<int128>(q));
  return true;
}

int sign_of(const Bound& b) {
  if (b.inf != 0) return b.inf;
  return b.v.is_zero() ? 0 : (b.v.is_negative() ? -1 : 1);
}

// a + b rounded outward in direction `dir` (-1 for a lower bound, +1 for an upper bound).
// `exact`: both operands are known values, so an overflow is an error rather than a widening.
bool add_bound(const Bound& a, const Bound& b, int dir, bool exact, Bound& out) {
  if (a.inf != 0 || b.inf != 0) {
    if (a.inf != 0 && b.inf != 0 && a.inf != b.inf) {
      out = Bound{Decimal{}, static_cast<std::int8_t>(dir)};
    } else {
      out = Bound{Decimal{}, a.inf != 0 ? a.inf : b.inf};
    }
    return true;
  }
  auto r = Decimal::add(a.v, b.v);
  if (!r) {
    if (exact) return false;
    out = Bound{Decimal{}, static_cast<std::int8_t>(a.v.is_negative() ? -1 : 1)};  // beyond the range
    return true;
  }
  out = Bound::finite(*r);
  return true;
}

bool mul_bound(const Bound& a, const Bound& b, int dir, bool exact, Bound& out) {
  int sa = sign_of(a), sb = sign_of(b);
  if (sa == 0 || sb == 0) {  // 0 * anything, including an infinite end, is 0 for interval ends
    out = Bound::finite(Decimal{});
    return true;
  }
  if (a.inf != 0 || b.inf != 0) {
    out = Bound{Decimal{}, static_cast<std::int8_t>(sa * sb)};
    return true;
  }
  if (exact) {
    if (auto r = Decimal::mul(a.v, b.v)) {
      out = Bound::finite(*r);
      return true;
    }
    // Not exact in nine decimals (20.999999999 * 0.5): the product is the interval of its two nearest
    // nine-decimal numbers, as for a quotient; only a product too large is an error.
    Decimal r;
    if (!mul_rounded(a.v, b.v, dir, r)) return false;
    out = Bound::finite(r);
    return true;
  }
  Decimal r;
  if (!mul_rounded(a.v, b.v, dir, r)) {
    out = Bound{Decimal{}, static_cast<std::int8_t>(sa * sb)};  // beyond the range, with a known sign
    return true;
  }
  out = Bound::finite(r);
  return true;
}

// a / b for b of one sign (never zero), rounded outward in direction `dir`.
bool div_bound(const Bound& a, const Bound& b, int dir, bool exact, Bound& out) {
  int sa = sign_of(a), sb = sign_of(b);
  if (sa == 0) {
    out = Bound::finite(Decimal{});
    return true;
  }
  if (b.inf != 0) {
    if (a.inf != 0) {
      out = Bound{Decimal{}, static_cast<std::int8_t>(dir)};
    } else {
      out = Bound::finite(Decimal{});
    }
    return true;
  }
  if (a.inf != 0) {
    out = Bound{Decimal{}, static_cast<std::int8_t>(sa * sb)};
    return true;
  }
  auto q = Decimal::div(a.v, b.v);
  if (!q) {
    if (exact) return false;
    out = Bound{Decimal{}, static_cast<std::int8_t>(sa * sb)};  // beyond the range
    return true;
  }
  // Decimal::div rounds toward zero; move one unit outward when it was inexact. Known operands too:
  // 1 / 3 is the interval 0.333333333..0.333333334 (it holds the exact third), so a comparison at the
  // ninth decimal is unknown rather than silently wrong (`1 / 3 > 0.333333333` is not false).
  auto back = Decimal::mul(*q, b.v);
  bool inexact = !back || !(*back == a.v);
  if (inexact) {
    int result_sign = sa * sb;
    if (dir < 0 && result_sign < 0) q = Decimal::from_raw(q->raw() - 1);
    if (dir > 0 && result_sign > 0) q = Decimal::from_raw(q->raw() + 1);
  }
  out = Bound::finite(*q);
  return true;
}

bool known_numeric(const Value& v) { return v.kind == Value::Kind::numeric && !v.maybe_none && v.lo.is_finite() && v.lo == v.hi; }

std::string member_name(const Program& program, int enumeration, std::int64_t index) {
  if (enumeration >= 0 && enumeration < static_cast<int>(program.enums.size())) {
    const auto& members = program.enums[static_cast<std::size_t>(enumeration)].members;
    if (index >= 0 && index < static_cast<std::int64_t>(members.size())) return members[static_cast<std::size_t>(index)];
  }
  return "#" + std::to_string(index);
}

std::string bound_text(const Bound& b, const Value& v, const Program& program) {
  if (b.inf < 0) return "-inf";
  if (b.inf > 0) return "+inf";
  switch (v.base) {
    case BaseType::date: return format_iso_date(static_cast<std::int32_t>(decimal_days(b.v)));
    case BaseType::duration: return std::to_string(decimal_days(b.v)) + " days";
    case BaseType::level:
    case BaseType::choice: return member_name(program, v.enumeration, decimal_days(b.v));
    default: return b.v.to_source();
  }
}

}  // namespace

Value Value::unknown_of(const ValueType& type, const Program& program) {
  switch (type.base) {
    case BaseType::boolean: return of_truth(Truth::unknown);
    case BaseType::text: return of_text(nullptr);
    case BaseType::number:
      return range(BaseType::number, type.lo ? Bound::finite(*type.lo) : Bound::minus_infinity(),
                   type.hi ? Bound::finite(*type.hi) : Bound::plus_infinity());
    case BaseType::date:
    case BaseType::duration: return range(type.base, Bound::minus_infinity(), Bound::plus_infinity());
    case BaseType::level:
    case BaseType::choice: {
      std::int64_t n = 0;
      if (type.enumeration >= 0 && type.enumeration < static_cast<int>(program.enums.size()))
        n = static_cast<std::int64_t>(program.enums[static_cast<std::size_t>(type.enumeration)].members.size());
      if (n == 0) return range(type.base, Bound::minus_infinity(), Bound::plus_infinity(), type.enumeration);
      return range(type.base, Bound::finite(Decimal{}), Bound::finite(Decimal::from_int(n - 1)), type.enumeration);
    }
  }
  return none();
}

bool Value::is_known() const {
  switch (kind) {
    case Kind::none: return false;
    case Kind::truth: return truth != Truth::unknown;
    case Kind::numeric: return known_numeric(*this);
    case Kind::text: return text != nullptr;
  }
  return false;
}

Value value_of_constant(const Constant& c, const ValueType* type, const Program& program) {
  switch (c.index()) {
    case 0: return Value::of_truth(std::get<bool>(c) ? Truth::true_ : Truth::false_);
    case 1: return Value::point(BaseType::number, std::get<Decimal>(c));
    case 2: return Value::of_text(&std::get<std::string>(c));
    case 3: return Value::point(BaseType::date, days_decimal(std::get<Date>(c).days));
    case 4: return Value::point(BaseType::duration, days_decimal(std::get<Duration>(c).days));
    case 5: {
      const Member& m = std::get<Member>(c);
      bool ordered = m.enumeration >= 0 && m.enumeration < static_cast<int>(program.enums.size()) &&
                     program.enums[static_cast<std::size_t>(m.enumeration)].ordered;
      return Value::point(ordered ? BaseType::level : BaseType::choice, Decimal::from_int(m.index), m.enumeration);
    }
    default:
      if (type) return Value::unknown_of(*type, program);
      return Value::of_truth(Truth::unknown);
  }
}

Constant constant_of_value(const Value& v) {
  switch (v.kind) {
    case Value::Kind::truth: return v.truth == Truth::true_;
    case Value::Kind::text: return v.text ? Constant{*v.text} : Constant{Unknown{}};
    case Value::Kind::numeric:
      if (!known_numeric(v)) return Unknown{};
      switch (v.base) {
        case BaseType::date: return Date{static_cast<std::int32_t>(decimal_days(v.lo.v))};
        case BaseType::duration: return Duration{decimal_days(v.lo.v)};
        case BaseType::level:
        case BaseType::choice: return Member{v.enumeration, static_cast<int>(decimal_days(v.lo.v))};
        default: return v.lo.v;
      }
    default: return Unknown{};
  }
}

ArithStatus arith(ArithOp op, const Value& a, const Value& b, BaseType result_base, Value& out) {
  if (a.kind != Value::Kind::numeric || b.kind != Value::Kind::numeric) {
    out = Value::none();
    if (a.kind == Value::Kind::numeric || b.kind == Value::Kind::numeric) {
      // one side has no value: so has the result
    }
    return ArithStatus::ok;
  }
  bool exact = known_numeric(a) && known_numeric(b);
  Bound lo, hi;
  switch (op) {
    case ArithOp::add:
      if (!add_bound(a.lo, b.lo, -1, exact, lo) || !add_bound(a.hi, b.hi, 1, exact, hi)) return ArithStatus::overflow;
      break;
    case ArithOp::sub: {
      Bound nblo{b.hi.v.negated(), static_cast<std::int8_t>(-b.hi.inf)};
      Bound nbhi{b.lo.v.negated(), static_cast<std::int8_t>(-b.lo.inf)};
      if (!add_bound(a.lo, nblo, -1, exact, lo) || !add_bound(a.hi, nbhi, 1, exact, hi)) return ArithStatus::overflow;
      break;
    }
    case ArithOp::mul: {
      std::array<const Bound*, 2> xs{&a.lo, &a.hi}, ys{&b.lo, &b.hi};
      bool first = true;
      for (const Bound* x : xs)
        for (const Bound* y : ys) {
          Bound l, h;
          if (!mul_bound(*x, *y, -1, exact, l) || !mul_bound(*x, *y, 1, exact, h)) return ArithStatus::overflow;
          if (first || l < lo) lo = l;
          if (first || hi < h) hi = h;
          first = false;
        }
      break;
    }
    case ArithOp::div: {
      bool zero_lo = sign_of(b.lo) <= 0, zero_hi = sign_of(b.hi) >= 0;
      if (b.lo.is_finite() && b.hi.is_finite() && b.lo.v.is_zero() && b.hi.v.is_zero())
        return ArithStatus::division_by_zero;
      if (zero_lo && zero_hi) {
        lo = Bound::minus_infinity();
        hi = Bound::plus_infinity();
        break;
      }
      std::array<const Bound*, 2> xs{&a.lo, &a.hi}, ys{&b.lo, &b.hi};
      bool first = true;
      for (const Bound* x : xs)
        for (const Bound* y : ys) {
          Bound l, h;
          if (!div_bound(*x, *y, -1, exact, l) || !div_bound(*x, *y, 1, exact, h)) return ArithStatus::overflow;
          if (first || l < lo) lo = l;
          if (first || hi < h) hi = h;
          first = false;
        }
      break;
    }
  }
  if (result_base == BaseType::date && exact && lo.is_finite()) {
    static const Decimal first = Decimal::from_int(days_from_civil(1, 1, 1)), last = Decimal::from_int(days_from_civil(9999, 12, 31));
    if (lo.v < first || last < lo.v) return ArithStatus::date_range;
  }
  out = Value::range(result_base, lo, hi, result_base == a.base ? a.enumeration : -1);
  out.maybe_none = a.maybe_none || b.maybe_none;
  return ArithStatus::ok;
}

ArithStatus negate(const Value& a, Value& out) {
  if (a.kind != Value::Kind::numeric) {
    out = Value::none();
    return ArithStatus::ok;
  }
  out = a;
  out.lo = Bound{a.hi.v.negated(), static_cast<std::int8_t>(-a.hi.inf)};
  out.hi = Bound{a.lo.v.negated(), static_cast<std::int8_t>(-a.lo.inf)};
  return ArithStatus::ok;
}

Truth compare(CompareOp op, const Value& a, const Value& b) {
  if (a.kind == Value::Kind::none || b.kind == Value::Kind::none) return Truth::false_;
  Truth r = Truth::unknown;
  if (a.kind == Value::Kind::numeric && b.kind == Value::Kind::numeric) {
    Bound alo = a.lo, ahi = a.hi, blo = b.lo, bhi = b.hi;
    if (a.base == BaseType::date && b.base == BaseType::date) {
      // Every date lies in the years 1 to 9999 (a result outside them is an error, E0904): an unknown
      // date is within them, so `d >= 0001-01-01` holds for every value of d (LANGUAGE 3.2).
      static const Bound first = Bound::finite(Decimal::from_int(days_from_civil(1, 1, 1)));
      static const Bound last = Bound::finite(Decimal::from_int(days_from_civil(9999, 12, 31)));
      for (Bound* x : {&alo, &ahi, &blo, &bhi}) {
        if (*x < first) *x = first;
        if (last < *x) *x = last;
      }
    }
    auto lt = [&]() -> Truth {  // a < b
      if (ahi < blo) return Truth::true_;
      if (bhi <= alo) return Truth::false_;
      return Truth::unknown;
    };
    auto le = [&]() -> Truth {  // a <= b
      if (ahi <= blo) return Truth::true_;
      if (bhi < alo) return Truth::false_;
      return Truth::unknown;
    };
    auto eq = [&]() -> Truth {
      if (ahi < blo || bhi < alo) return Truth::false_;
      if (alo == ahi && blo == bhi && alo == blo && alo.is_finite()) return Truth::true_;
      return Truth::unknown;
    };
    switch (op) {
      case CompareOp::lt: r = lt(); break;
      case CompareOp::le: r = le(); break;
      case CompareOp::gt: r = truth_not(le()); break;
      case CompareOp::ge: r = truth_not(lt()); break;
      case CompareOp::eq: r = eq(); break;
      case CompareOp::ne: r = truth_not(eq()); break;
    }
  } else if (a.kind == Value::Kind::truth && b.kind == Value::Kind::truth) {
    if (a.truth == Truth::unknown || b.truth == Truth::unknown) {
      r = Truth::unknown;
    } else {
      r = compare_known_values(op, static_cast<int>(a.truth), static_cast<int>(b.truth));
    }
  } else if (a.kind == Value::Kind::text && b.kind == Value::Kind::text) {
    if (!a.text || !b.text) {
      r = Truth::unknown;
    } else {
      r = compare_known_values(op, a.text->compare(*b.text), 0);
    }
  } else {
    // Values of different kinds never meet in a checked program; they are simply unequal.
    r = op == CompareOp::ne ? Truth::true_ : (op == CompareOp::eq ? Truth::false_ : Truth::unknown);
  }
  if ((a.maybe_none || b.maybe_none) && r == Truth::true_) r = Truth::unknown;
  return r;
}

std::string to_string(const Value& v, const Program& program) {
  switch (v.kind) {
    case Value::Kind::none: return "no value";
    case Value::Kind::truth: return to_string(v.truth);
    case Value::Kind::text: return v.text ? quote_string(*v.text) : "unknown";
    case Value::Kind::numeric: {
      std::string s;
      if (known_numeric(v)) {
        s = bound_text(v.lo, v, program);
      } else if (v.lo.inf < 0 && v.hi.inf > 0) {
        s = "unknown";
      } else {
        s = bound_text(v.lo, v, program) + ".." + bound_text(v.hi, v, program);
      }
      if (v.maybe_none) s += " or no value";
      return s;
    }
  }
  return "unknown";
}

std::string format_constant_text(const Constant& c, const Program& program) {
  switch (c.index()) {
    case 0: return std::get<bool>(c) ? "true" : "false";
    case 1: return std::get<Decimal>(c).to_source();
    case 2: return quote_string(std::get<std::string>(c));
    case 3: return format_iso_date(std::get<Date>(c).days);
    case 4: return std::to_string(std::get<Duration>(c).days) + " days";
    case 5: {
      const Member& m = std::get<Member>(c);
      return member_name(program, m.enumeration, m.index);
    }
    default: return "unknown";
  }
}

}  // namespace phasegate::engine
