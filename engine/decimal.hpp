// Exact decimal numbers: a 128-bit integer scaled by 10^9 (nine fractional digits).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace phasegate::engine {

__extension__ typedef __int128 int128;

// Range: |x| < 1.7e29 (symmetric: the raw value is never INT128_MIN, so negation is exact), nine
// digits after the point. Every operation that
// would leave the range or lose a digit reports failure instead of wrapping.
class Decimal {
 public:
  static constexpr std::int64_t kScale = 1'000'000'000;  // 10^9

  constexpr Decimal() = default;
  static Decimal from_int(std::int64_t v);
  static constexpr Decimal from_raw(int128 scaled) {
    Decimal d;
    d.raw_ = scaled;
    return d;
  }
  // "42", "-7", "3.5", "0.000000001". No underscores, no exponent.
  // nullopt when malformed, out of range, or more than nine fractional digits.
  static std::optional<Decimal> parse(std::string_view text);

  int128 raw() const { return raw_; }
  bool is_integer() const { return raw_ % kScale == 0; }
  bool is_zero() const { return raw_ == 0; }
  bool is_negative() const { return raw_ < 0; }

  // nullopt on overflow (and for div: division by zero, or a result that needs
  // more than nine fractional digits is rounded toward zero — documented).
  static std::optional<Decimal> add(Decimal a, Decimal b);
  static std::optional<Decimal> sub(Decimal a, Decimal b);
  static std::optional<Decimal> mul(Decimal a, Decimal b);
  static std::optional<Decimal> div(Decimal a, Decimal b);
  Decimal negated() const { return from_raw(-raw_); }

  // "5000", "3.5", "-0.25": shortest exact form, no underscores.
  std::string to_string() const;
  // For display: "5 000"-style grouping is the renderer's business; this gives "5_000".
  std::string to_source() const;
  // Nearest double (for statistics and display only, never for decisions).
  double to_double() const;

  friend constexpr auto operator<=>(const Decimal& a, const Decimal& b) { return a.raw_ <=> b.raw_; }
  friend constexpr bool operator==(const Decimal& a, const Decimal& b) { return a.raw_ == b.raw_; }

 private:
  int128 raw_ = 0;
};

}  // namespace phasegate::engine
