// Three-valued values: Kleene truth, numbers (and dates, durations, levels) as intervals, text, "no value".
#pragma once

#include <cstdint>
#include <string>

#include "engine/eval/evaluate.hpp"
#include "engine/program.hpp"

namespace phasegate::engine {

// Kleene's strong three-valued logic (false < unknown < true).
inline Truth truth_and(Truth a, Truth b) { return a < b ? a : b; }
inline Truth truth_or(Truth a, Truth b) { return a < b ? b : a; }
inline Truth truth_not(Truth a) { return static_cast<Truth>(2 - static_cast<int>(a)); }

// One end of an interval: a decimal, or minus/plus infinity (inf = -1 / +1).
struct Bound {
  Decimal v;
  std::int8_t inf = 0;

  static Bound finite(Decimal d) { return Bound{d, 0}; }
  static Bound minus_infinity() { return Bound{Decimal{}, -1}; }
  static Bound plus_infinity() { return Bound{Decimal{}, 1}; }
  bool is_finite() const { return inf == 0; }
  friend bool operator==(const Bound& a, const Bound& b) { return a.inf == b.inf && (a.inf != 0 || a.v == b.v); }
  friend bool operator<(const Bound& a, const Bound& b) {
    if (a.inf != b.inf) return a.inf < b.inf;
    return a.inf == 0 && a.v < b.v;
  }
  friend bool operator<=(const Bound& a, const Bound& b) { return !(b < a); }
};

// The value of an expression under partial knowledge.
//  - none:    "no value" (an unlisted tuple of a closed valued relation, min/max over nothing);
//             a comparison that needs it is false.
//  - truth:   a Kleene truth value.
//  - numeric: numbers, dates (days), durations (days), levels and choices (member index), as the
//             closed interval [lo, hi]; a known value has lo == hi. `maybe_none`: it may also have
//             no value at all (min/max where it is unknown whether any tuple takes part).
//  - text:    a known string, or unknown text (text == nullptr).
struct Value {
  enum class Kind : std::uint8_t { none, truth, numeric, text };
  Kind kind = Kind::none;
  Truth truth = Truth::false_;
  BaseType base = BaseType::number;
  bool maybe_none = false;
  int enumeration = -1;
  Bound lo, hi;
  const std::string* text = nullptr;  // points into storage that outlives the value (the model)

  static Value none() { return Value{}; }
  static Value of_truth(Truth t) {
    Value v;
    v.kind = Kind::truth;
    v.truth = t;
    return v;
  }
  static Value point(BaseType base, Decimal d, int enumeration = -1) {
    return range(base, Bound::finite(d), Bound::finite(d), enumeration);
  }
  static Value range(BaseType base, Bound lo, Bound hi, int enumeration = -1) {
    Value v;
    v.kind = Kind::numeric;
    v.base = base;
    v.enumeration = enumeration;
    v.lo = lo;
    v.hi = hi;
    return v;
  }
  static Value of_text(const std::string* s) {
    Value v;
    v.kind = Kind::text;
    v.base = BaseType::text;
    v.text = s;
    return v;
  }
  // Any value of the declared type (a number within its range, any member of a level, ...).
  static Value unknown_of(const ValueType& type, const Program& program);

  // A single known value (no unknown, no "maybe no value").
  bool is_known() const;
  // Whether the value is not fully known (unknown truth, an interval, unknown text, maybe no value).
  bool is_uncertain() const { return kind != Kind::none && !is_known(); }
};

// The value of a known constant. `type` (may be null) gives the type of `unknown`.
// Text values point at the constant's own string, so the constant must outlive the value.
Value value_of_constant(const Constant& c, const ValueType* type, const Program& program);
// The constant of a known value (is_known() must hold; `truth` values give bool).
Constant constant_of_value(const Value& v);

// date_range: a known date result falls outside the years 1 to 9999 that dates are written in.
enum class ArithStatus : std::uint8_t { ok, division_by_zero, overflow, date_range };

// Interval arithmetic. `result_base` is the type of the result (a date minus a date is a duration).
// Known operands give a known result or an error; uncertain operands widen a bound that would
// overflow to infinity (sound), and division by an interval containing zero is unbounded.
ArithStatus arith(ArithOp op, const Value& a, const Value& b, BaseType result_base, Value& out);
ArithStatus negate(const Value& a, Value& out);
// true if it holds for every pair of values, false for none, unknown otherwise; false when
// either side has no value, at most unknown when either may have no value.
Truth compare(CompareOp op, const Value& a, const Value& b);

// The truth of `x OP y` for two known values of one ordered kind (numbers, days, texts, truths).
template <class T>
Truth compare_known_values(CompareOp op, const T& x, const T& y) {
  bool v = false;
  switch (op) {
    case CompareOp::eq: v = x == y; break;
    case CompareOp::ne: v = x != y; break;
    case CompareOp::lt: v = x < y; break;
    case CompareOp::le: v = x <= y; break;
    case CompareOp::gt: v = x > y; break;
    case CompareOp::ge: v = x >= y; break;
  }
  return v ? Truth::true_ : Truth::false_;
}

// "true", "unknown", "3500..53500", "2026-11-20", "clear", "\"Rafah\"", "no value".
std::string to_string(const Value& v, const Program& program);
// A constant as facts-file text: "Rafah" quoted, 1_000, 2026-11-20, clear, 30 days, unknown.
std::string format_constant_text(const Constant& c, const Program& program);

}  // namespace phasegate::engine
