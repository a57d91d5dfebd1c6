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

// At s[i] (a byte of 0x80 or above): whether a well-formed UTF-8 sequence starts there, and how many
// bytes to take: the sequence, or else the longest start of one (at least the byte itself), which is
// replaced by one U+FFFD as nlohmann's `replace` handler does (a lead byte and its continuation bytes
// cut short by another character: one; a stray continuation byte, an overlong form, a surrogate,
// beyond U+10FFFF: one per byte that cannot start or continue a sequence).
bool utf8_sequence(std::string_view s, std::size_t i, std::size_t& taken) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t need = 0;
  unsigned lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) need = 1;
  else if (c == 0xE0) need = 2, lo = 0xA0;
  else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) need = 2;
  else if (c == 0xED) need = 2, hi = 0x9F;
  else if (c == 0xF0) need = 3, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) need = 3;
  else if (c == 0xF4) need = 3, hi = 0x8F;
  taken = 1;
  if (need == 0) return false;
  for (std::size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) return false;
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return false;
    taken = k + 1;
  }
  return true;
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
      std::size_t n = 1;
      const bool ok = utf8_sequence(s, i, n);
      if (!ok) {  // not UTF-8 (a file name in another encoding): U+FFFD, so the output stays valid JSON
        out.append(s.data() + run, i - run);
        run = i + n;
        out += "\xEF\xBF\xBD";
      }
      i += n - 1;
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
