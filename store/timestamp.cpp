// Store timestamps: formatting and parsing UTC moments with microseconds.
#include "store/timestamp.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace phasegate::store {
namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// Seconds since the epoch of a UTC civil date and time, validated by a round trip.
std::optional<std::int64_t> utc_seconds(int y, int mo, int d, int h, int mi, int s) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::time_t t = timegm(&tm);
  std::tm back{};
  if (!gmtime_r(&t, &back)) return std::nullopt;
  if (back.tm_year != y - 1900 || back.tm_mon != mo - 1 || back.tm_mday != d) return std::nullopt;
  return static_cast<std::int64_t>(t);
}

}  // namespace

Micros system_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_timestamp(Micros t) {
  std::int64_t secs = t / 1'000'000;
  std::int64_t frac = t % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    secs -= 1;
  }
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(frac));
  return buf;
}

bool is_iso_date(std::string_view s) {
  int y = 0, mo = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d)) return false;
  return utc_seconds(y, mo, d, 0, 0, 0).has_value();
}

std::optional<Micros> parse_timestamp(std::string_view s, DateBound bound) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  int y = 0, mo = 0, d = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d)) return std::nullopt;
  if (s.size() == 10) {
    auto day = utc_seconds(y, mo, d, 0, 0, 0);
    if (!day || y < 1) return std::nullopt;
    Micros start = *day * 1'000'000;
    return bound == DateBound::start_of_day ? start : start + 86'400'000'000LL - 1;
  }
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  std::size_t i = 11;
  int h = 0, mi = 0, sec = 0;
  if (!digits(s, i, 2, h) || i + 2 >= s.size() || s[i + 2] != ':' || !digits(s, i + 3, 2, mi)) return std::nullopt;
  i += 5;
  std::int64_t frac = 0;
  if (i < s.size() && s[i] == ':') {
    if (!digits(s, i + 1, 2, sec)) return std::nullopt;
    i += 3;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      int n = 0;
      std::int64_t scale = 100'000;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (n < 6) frac += (s[i] - '0') * scale;
        scale /= 10;
        ++n;
        ++i;
      }
      if (n == 0) return std::nullopt;
    }
  }
  std::int64_t offset = 0;  // seconds east of UTC
  if (i < s.size()) {
    if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh = 0, om = 0;
      int sign = s[i] == '-' ? -1 : 1;
      if (!digits(s, i + 1, 2, oh)) return std::nullopt;
      std::size_t j = i + 3;
      if (j < s.size() && s[j] == ':') ++j;
      if (!digits(s, j, 2, om) || j + 2 != s.size() || oh > 23 || om > 59) return std::nullopt;
      offset = sign * (oh * 3600 + om * 60);
      i = s.size();
    } else {
      return std::nullopt;
    }
  }
  if (i != s.size()) return std::nullopt;
  auto t = utc_seconds(y, mo, d, h, mi, sec);
  if (!t) return std::nullopt;
  const Micros moment = (*t - offset) * 1'000'000 + frac;
  // Moments are kept as text and compared as text: one whose UTC year is not four digits (an offset
  // past 9999-12-31 or before 0001-01-01) would sort wrongly, so it is no timestamp.
  static const Micros first = *utc_seconds(1, 1, 1, 0, 0, 0) * 1'000'000;
  static const Micros last = *utc_seconds(9999, 12, 31, 23, 59, 59) * 1'000'000 + 999'999;
  if (moment < first || moment > last) return std::nullopt;
  return moment;
}

}  // namespace phasegate::store
