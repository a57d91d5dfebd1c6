// Escaping strings for JSON: runs without special characters are appended whole.
#include "engine/json_string.hpp"

#include <cstdint>
#include <cstring>

namespace phasegate::engine {

namespace {

// Whether any of the eight bytes of `x` needs a look: a control character (below 0x20), `"` or `\`,
// or a byte of 0x80 and above (UTF-8, checked to be well formed). Each test is exact for "some byte".
bool needs_escape(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const std::uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
  const std::uint64_t control = (x - ones * 0x20) & ~x;
  const std::uint64_t is_quote = (quote - ones) & ~quote;
  const std::uint64_t is_backslash = (backslash - ones) & ~backslash;
  return ((control | is_quote | is_backslash | x) & highs) != 0;  // `| x`: a byte of 0x80 or above
}

// The length of the well-formed UTF-8 sequence at s[i] (a byte of 0x80 or above), or 0 if there is
// none there (a stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF, cut short).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  const unsigned c = b(0);
  const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) { return b(k) >= lo && b(k) <= hi; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Most strings need no escaping at all: skip over them eight bytes at a time.
  std::size_t clean = 0;
  for (; clean + 8 <= s.size(); clean += 8) {
    std::uint64_t x;
    std::memcpy(&x, s.data() + clean, 8);
    if (needs_escape(x)) break;
  }
  out += '"';
  std::size_t run = 0;  // start of the characters not yet appended
  for (std::size_t i = clean; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') continue;
    if (c >= 0x80) {
      if (const std::size_t n = utf8_sequence(s, i)) {
        i += n - 1;
        continue;
      }
      // Not UTF-8 (a file name in another encoding): U+FFFD, so the output stays valid JSON.
      out.append(s.data() + run, i - run);
      run = i + 1;
      out += "\xEF\xBF\xBD";
      continue;
    }
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(esc, sizeof esc);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

}  // namespace phasegate::engine
