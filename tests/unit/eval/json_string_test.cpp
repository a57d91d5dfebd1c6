// JSON string escaping: control characters, quotes, and text that is not UTF-8 (a file name in another
// encoding), which must still give valid JSON.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/json_string.hpp"

using phasegate::engine::append_json_string;

namespace {
std::string json(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}
}  // namespace

TEST_CASE("JSON strings: escapes, UTF-8 kept, bytes that are not UTF-8 replaced", "[json]") {
  CHECK(json("plain") == "\"plain\"");
  CHECK(json("a\"b\\c\nd\te\x01") == "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  CHECK(json("Gaza \xC3\xA9t\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80") == "\"Gaza \xC3\xA9t\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80\"");
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(json("bad\xFFname") == "\"bad" + fffd + "name\"");
  CHECK(json("f\xFE.facts, a long name past eight bytes") == "\"f" + fffd + ".facts, a long name past eight bytes\"");
  CHECK(json("cut \xE2\x80") == "\"cut " + fffd + "\"");                   // a sequence cut short: one
  CHECK(json("a\xE2\x82" "b") == "\"a" + fffd + "b\"");                      // ... cut by another character
  CHECK(json("\xF0\x9F\x98x") == "\"" + fffd + "x\"");
  CHECK(json("\xC0\xAF") == "\"" + fffd + fffd + "\"");                     // overlong `/`
  CHECK(json("\xED\xA0\x80") == "\"" + fffd + fffd + fffd + "\"");          // a surrogate
  CHECK(json("\xF4\x90\x80\x80") == "\"" + fffd + fffd + fffd + fffd + "\"");  // beyond U+10FFFF
  // As nlohmann's `replace` handler writes them (check, facts and audit JSON use it).
  for (const char* text : {"a\xE2\x82" "b", "\xF0\x9F\x98x", "\xE0\x80", "\xED\xA0\x80", "\xC0\xAF", "x\xFF\xFEy",
                           "\xF4\x90\x80\x80", "end \xE2\x80", "\x80\x80\xC3", "ok \xC3\xA9 \xE2\x80\x94"})
    CHECK(json(text) == nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  std::uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
  const unsigned char pool[] = {'a', '"', 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0,
                                0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff};
  for (int n = 0; n < 5000; ++n) {
    std::string text;
    for (std::uint32_t k = next() % 12; k > 0; --k) text += static_cast<char>(pool[(next() >> 8) % sizeof pool]);
    std::string hex;
    for (unsigned char c : text) hex += std::to_string(c) + " ";
    INFO(hex);
    REQUIRE(json(text) == nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  // Whatever the bytes, the result parses as JSON.
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (int shift = 0; shift < 8; ++shift) {
    const std::string text = std::string(static_cast<std::size_t>(shift), 'x') + all + all;
    CHECK_NOTHROW(nlohmann::json::parse(json(text)));
  }
}
