// Exact decimal arithmetic on a 128-bit integer scaled by 10^9, with 256-bit intermediates for * and /.
#include "engine/decimal.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace phasegate::engine {

namespace {

__extension__ typedef unsigned __int128 uint128;

constexpr uint128 kScaleU = static_cast<uint128>(Decimal::kScale);
constexpr int128 kMax = static_cast<int128>(~static_cast<uint128>(0) >> 1);
constexpr int128 kMin = -kMax - 1;  // never a Decimal: the range is symmetric, so negation cannot overflow

// |v| as an unsigned value (well defined for kMin too).
uint128 magnitude(int128 v) { return v < 0 ? static_cast<uint128>(0) - static_cast<uint128>(v) : static_cast<uint128>(v); }

// An unsigned 256-bit integer as two 128-bit halves: just what * and / need.
struct U256 {
  uint128 hi = 0, lo = 0;
};

U256 mul_wide(uint128 a, uint128 b) {
  const uint128 mask = ~static_cast<std::uint64_t>(0);
  uint128 a0 = a & mask, a1 = a >> 64, b0 = b & mask, b1 = b >> 64;
  uint128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint128 mid = (p00 >> 64) + (p01 & mask) + (p10 & mask);
  U256 r;
  r.lo = (p00 & mask) | (mid << 64);
  r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
  return r;
}

// Divides n by d (d != 0) by shift and subtract; returns false when the
// quotient does not fit in 128 bits. Division is rare in rules, so clarity wins.
bool div_wide(U256 n, uint128 d, uint128& quotient, uint128& remainder) {
  if (n.hi >= d) return false;  // quotient would need more than 128 bits
  uint128 rem = n.hi, q = 0;
  for (int i = 127; i >= 0; --i) {
    bool carry = (rem >> 127) != 0;
    rem = (rem << 1) | ((n.lo >> i) & 1);
    q <<= 1;
    if (carry || rem >= d) {
      rem -= d;
      q |= 1;
    }
  }
  quotient = q;
  remainder = rem;
  return true;
}

// Applies a sign to a magnitude; nullopt when it is beyond kMax either way (kMin itself is out of range:
// its negation would not fit).
std::optional<int128> signed_of(uint128 mag, bool negative) {
  if (mag > static_cast<uint128>(kMax)) return std::nullopt;
  return negative ? -static_cast<int128>(mag) : static_cast<int128>(mag);
}

}  // namespace

Decimal Decimal::from_int(std::int64_t v) { return from_raw(static_cast<int128>(v) * kScale); }

std::optional<Decimal> Decimal::parse(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  uint128 whole = 0;
  std::size_t int_digits = 0;
  const uint128 whole_limit = static_cast<uint128>(kMax) / kScaleU + 1;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) {
    whole = whole * 10 + static_cast<uint128>(text[i] - '0');
    if (whole > whole_limit) return std::nullopt;
  }
  if (int_digits == 0) return std::nullopt;
  uint128 frac = 0;
  std::size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::size_t digits = 0;  // all of them; past the ninth only zeros keep the number exact (1.5000000000)
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
      if (digits >= 9) {
        if (text[i] != '0') return std::nullopt;
        continue;
      }
      frac = frac * 10 + static_cast<uint128>(text[i] - '0');
      ++frac_digits;
    }
    if (digits == 0) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  for (std::size_t k = frac_digits; k < 9; ++k) frac *= 10;
  uint128 mag = whole * kScaleU + frac;  // whole <= whole_limit keeps this far below 2^128
  auto v = signed_of(mag, negative);
  if (!v) return std::nullopt;
  return from_raw(*v);
}

std::optional<Decimal> Decimal::add(Decimal a, Decimal b) {
  int128 r;
  if (__builtin_add_overflow(a.raw_, b.raw_, &r) || r == kMin) return std::nullopt;
  return from_raw(r);
}

std::optional<Decimal> Decimal::sub(Decimal a, Decimal b) {
  int128 r;
  if (__builtin_sub_overflow(a.raw_, b.raw_, &r) || r == kMin) return std::nullopt;
  return from_raw(r);
}

// Exact or nothing: a product that needs more than nine fractional digits is
// reported like an overflow rather than silently rounded.
std::optional<Decimal> Decimal::mul(Decimal a, Decimal b) {
  // The common case, a whole number times anything: one checked 128-bit product, nothing to round.
  if (a.raw_ % kScale != 0) std::swap(a, b);
  if (a.raw_ % kScale == 0) {
    int128 r;
    if (__builtin_mul_overflow(a.raw_ / kScale, b.raw_, &r) || r == kMin) return std::nullopt;
    return from_raw(r);
  }
  bool negative = (a.raw_ < 0) != (b.raw_ < 0);
  U256 p = mul_wide(magnitude(a.raw_), magnitude(b.raw_));
  uint128 q, rem;
  if (!div_wide(p, kScaleU, q, rem)) return std::nullopt;
  if (rem != 0) return std::nullopt;
  auto v = signed_of(q, negative);
  if (!v) return std::nullopt;
  return from_raw(*v);
}

// Rounded toward zero to nine fractional digits (documented in decimal.hpp).
std::optional<Decimal> Decimal::div(Decimal a, Decimal b) {
  if (b.raw_ == 0) return std::nullopt;
  bool negative = (a.raw_ < 0) != (b.raw_ < 0);
  uint128 q, rem;
  const uint128 ma = magnitude(a.raw_), mb = magnitude(b.raw_);
  if (ma <= (~static_cast<uint128>(0)) / kScaleU) {  // |a| * 10^9 fits: a native division
    q = ma * kScaleU / mb;
  } else {
    U256 n = mul_wide(ma, kScaleU);
    if (!div_wide(n, mb, q, rem)) return std::nullopt;
  }
  auto v = signed_of(q, negative && q != 0);
  if (!v) return std::nullopt;
  return from_raw(*v);
}

namespace {

// The text of a decimal, written backwards into a buffer (no intermediate strings: explanations
// format a number for every fact they show): the whole part, `_` between groups of three digits when
// `grouped` and the whole part has more than three, then the fraction without trailing zeros.
std::string decimal_text(int128 raw, bool grouped) {
  const uint128 mag = magnitude(raw);
  uint128 whole, frac;
  if (mag <= UINT64_MAX) {  // a 64-bit division (a 128-bit one is a library call)
    whole = static_cast<std::uint64_t>(mag) / static_cast<std::uint64_t>(Decimal::kScale);
    frac = static_cast<std::uint64_t>(mag) % static_cast<std::uint64_t>(Decimal::kScale);
  } else {
    whole = mag / kScaleU;
    frac = mag % kScaleU;
  }
  char buf[96];  // 39 digits, 12 separators, a point, 9 decimals, a sign
  char* const end = buf + sizeof buf;
  char* p = end;
  if (frac != 0) {
    auto f = static_cast<std::uint64_t>(frac);  // below 10^9
    int digits = 9;
    while (f % 10 == 0) {
      f /= 10;
      --digits;
    }
    for (int i = 0; i < digits; ++i, f /= 10) *--p = static_cast<char>('0' + f % 10);
    *--p = '.';
  }
  int n = 0;
  auto put = [&](unsigned digit) {
    if (grouped && n > 0 && n % 3 == 0) *--p = '_';
    *--p = static_cast<char>('0' + digit);
    ++n;
  };
  if (whole <= UINT64_MAX) {
    auto w = static_cast<std::uint64_t>(whole);
    do {
      put(static_cast<unsigned>(w % 10));
      w /= 10;
    } while (w != 0);
  } else {
    do {
      put(static_cast<unsigned>(whole % 10));
      whole /= 10;
    } while (whole != 0);
  }
  if (raw < 0) *--p = '-';
  return std::string(p, end);
}

}  // namespace

std::string Decimal::to_string() const { return decimal_text(raw_, false); }

std::string Decimal::to_source() const { return decimal_text(raw_, true); }

double Decimal::to_double() const {
  uint128 mag = magnitude(raw_);
  double whole = static_cast<double>(mag / kScaleU);
  double frac = static_cast<double>(static_cast<std::uint64_t>(mag % kScaleU)) / static_cast<double>(kScale);
  double v = whole + frac;
  return raw_ < 0 ? -v : v;
}

}  // namespace phasegate::engine
