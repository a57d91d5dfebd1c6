// Store timestamps: UTC, microsecond precision, fixed-width ISO 8601 text so that text order is time order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace phasegate::store {

// Microseconds since 1970-01-01T00:00:00Z.
using Micros = std::int64_t;

// The system clock, in microseconds.
Micros system_micros();

// `2026-11-24T04:50:03.123456Z` (always 27 characters for years 0000..9999).
std::string format_timestamp(Micros t);

// What a bare date means where a moment is expected.
enum class DateBound { start_of_day, end_of_day };

// Accepts `2026-11-20`, `2026-11-20T12:00`, `2026-11-20 12:00:05`, `...T12:00:05.25Z`,
// `...T12:00:05+02:00` (a time without a zone is UTC). A bare date stands for the
// start or end of that UTC day (default: end, so "as known at 2026-11-20" includes
// everything recorded that day). nullopt when the text is not such a timestamp.
std::optional<Micros> parse_timestamp(std::string_view text, DateBound bound = DateBound::end_of_day);

// True for a valid `YYYY-MM-DD` calendar date.
bool is_iso_date(std::string_view text);

}  // namespace phasegate::store
