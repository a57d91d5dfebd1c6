// Escaping strings for JSON: runs without special characters are appended whole.
#include "engine/json_string.hpp"

#include <cstdint>
#include <cstring>

namespace phasegate::engine {

namespace {

// Whether any of the eight bytes of `x` needs escaping: a control character (below 0x20), `"` or
// `\`. Each test is exact for "some byte" (bytes of 0x80 and above, UTF-8, never match).
bool needs_escape(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const std::uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
  const std::uint64_t control = (x - ones * 0x20) & ~x;
  const std::uint64_t is_quote = (quote - ones) & ~quote;
  const std::uint64_t is_backslash = (backslash - ones) & ~backslash;
  return ((control | is_quote | is_backslash) & highs) != 0;
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
    if (c >= 0x20 && c != '"' && c != '\\') continue;
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
