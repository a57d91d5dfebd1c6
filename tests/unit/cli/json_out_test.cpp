// JsonOut must print exactly what nlohmann::json prints for the same document: scripts and the
// audit log compare these texts, and advise writes its tables with JsonOut.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <random>

#include "engine/json_out.hpp"

using phasegate::engine::JsonOut;

namespace {

// Writes a DOM through JsonOut (objects iterate in nlohmann's sorted key order).
void write(JsonOut& out, const nlohmann::json& j) {
  if (j.is_object()) {
    out.begin_object();
    for (const auto& [k, v] : j.items()) {
      out.key(k);
      write(out, v);
    }
    out.end_object();
  } else if (j.is_array()) {
    out.begin_array();
    for (const auto& v : j) write(out, v);
    out.end_array();
  } else if (j.is_string()) {
    out.string(j.get<std::string>());
  } else if (j.is_number_integer()) {
    out.integer(j.get<std::int64_t>());
  } else if (j.is_boolean()) {
    out.boolean(j.get<bool>());
  } else if (j.is_null()) {
    out.null();
  } else {
    out.raw(j.dump());
  }
}

nlohmann::json random_doc(std::mt19937& rng, int depth) {
  const char* pieces[] = {"Rafah", "\"quoted\"", "back\\slash", "tab\there", "line\nbreak", "\x01\x1f", "Gaza – ISF", "", "ü"};
  switch (depth > 3 ? rng() % 4 : rng() % 6) {
    case 0: return pieces[rng() % 9];
    case 1: return static_cast<std::int64_t>(rng() % 20001) - 10000;
    case 2: return rng() % 2 == 0;
    case 3: return nullptr;
    case 4: {
      auto a = nlohmann::json::array();
      for (std::size_t n = rng() % 4; n > 0; --n) a.push_back(random_doc(rng, depth + 1));
      return a;
    }
    default: {
      auto o = nlohmann::json::object();
      for (std::size_t n = rng() % 4; n > 0; --n) o[pieces[rng() % 9] + std::to_string(rng() % 3)] = random_doc(rng, depth + 1);
      return o;
    }
  }
}

}  // namespace

TEST_CASE("JsonOut prints what nlohmann::json prints, compact and indented") {
  std::mt19937 rng(2026);
  for (int i = 0; i < 500; ++i) {
    nlohmann::json doc = random_doc(rng, 0);
    std::string compact, pretty;
    JsonOut a(compact), b(pretty, 2);
    write(a, doc);
    write(b, doc);
    INFO(doc.dump());
    REQUIRE(compact == doc.dump());
    REQUIRE(pretty == doc.dump(2));
  }
}

TEST_CASE("JsonOut can continue a document at a given depth") {
  std::string text;
  JsonOut out(text, 2, 1);
  out.begin_array();
  out.integer(1);
  out.raw(R"({"a":1})");
  out.end_array();
  CHECK(text == "[\n    1,\n    {\"a\":1}\n  ]");
}

// Strings are scanned eight bytes at a time before any escaping: a special character at any place
// of any word, or in the tail after the last whole word, must still be escaped.
TEST_CASE("JsonOut escapes a special character wherever it is in a long string") {
  std::mt19937 rng(24);
  const std::string specials[] = {"\"", "\\", "\n", "\x01", "\x1f", "\t", "\x7f", "ü", " ", "~", "!", "#"};
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const std::size_t odd = 1 + rng() % 30;  // about one character in `odd` is from the list
    for (std::size_t n = rng() % 40; n > 0; --n) {
      if (rng() % odd == 0) s += specials[rng() % 12];
      else s += static_cast<char>('a' + rng() % 26);
    }
    std::string text;
    JsonOut out(text);
    out.string(s);
    INFO(nlohmann::json(s).dump());
    REQUIRE(text == nlohmann::json(s).dump());
  }
}

// Every byte value at every place of the first word, the second and the tail, against escaping one
// byte at a time (nlohmann cannot be the reference here: it refuses bytes that are not UTF-8). A byte
// of 0x80 or above alone is not UTF-8: it is written as U+FFFD, so the output stays valid JSON.
TEST_CASE("JsonOut escapes exactly the bytes JSON needs escaped, wherever they are") {
  auto reference = [](const std::string& s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) out += std::string("\\u00") + kHex[c >> 4] + kHex[c & 15];
          else if (c >= 0x80) out += "\xEF\xBF\xBD";
          else out += ch;
      }
    }
    return out + "\"";
  };
  for (int byte = 0; byte < 256; ++byte) {
    for (std::size_t at = 0; at < 19; ++at) {
      std::string s(19, 'x');
      s[at] = static_cast<char>(byte);
      std::string text;
      JsonOut out(text);
      out.string(s);
      INFO("byte " << byte << " at " << at);
      REQUIRE(text == reference(s));
    }
  }
}
