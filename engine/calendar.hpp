// Calendar dates as days since 1970-01-01 (proleptic Gregorian), and their ISO 8601 text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace phasegate::engine {

bool is_valid_date(int year, int month, int day);
std::int32_t days_from_civil(int year, int month, int day);
void civil_from_days(std::int32_t days, int& year, int& month, int& day);
// "2026-03-31"
std::string format_iso_date(std::int32_t days);
// Parses exactly "YYYY-MM-DD"; nullopt when malformed or not a real date.
std::optional<std::int32_t> parse_iso_date(std::string_view text);
// Today's date in the local time zone.
std::int32_t today_local();

}  // namespace phasegate::engine
