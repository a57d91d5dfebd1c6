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
  CHECK(json("cut \xE2\x80") == "\"cut " + fffd + fffd + "\"");            // a sequence cut short
  CHECK(json("\xC0\xAF") == "\"" + fffd + fffd + "\"");                     // overlong `/`
  CHECK(json("\xED\xA0\x80") == "\"" + fffd + fffd + fffd + "\"");          // a surrogate
  CHECK(json("\xF4\x90\x80\x80") == "\"" + fffd + fffd + fffd + fffd + "\"");  // beyond U+10FFFF
  // Whatever the bytes, the result parses as JSON.
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (int shift = 0; shift < 8; ++shift) {
    const std::string text = std::string(static_cast<std::size_t>(shift), 'x') + all + all;
    CHECK_NOTHROW(nlohmann::json::parse(json(text)));
  }
}
