// Test helpers: reading files and formatting any kind of file through the parser.
#pragma once

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "format/dump.hpp"
#include "format/format.hpp"
#include "grammar/parse.hpp"

namespace pgtest {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// One pass of parse + format without the safety net of format_text, and what
// a round trip needs: the position-free dump (comments included) of the tree.
struct Formatted {
  bool parsed = false;
  std::string text;  // formatted
  std::string dump;  // of the tree the input parsed to
};

inline Formatted format_once(phasegate::FileKind kind, const std::string& path, const std::string& text) {
  using namespace phasegate;
  Formatted r;
  Diagnostics d;
  switch (kind) {
    case FileKind::rules: {
      auto t = parse_rules_text(path, text, d);
      if (d.has_errors()) return r;
      r.text = format_rules_file(t, text);
      r.dump = formatting::dump(t, true);
      break;
    }
    case FileKind::facts: {
      auto t = parse_facts_text(path, text, d);
      if (d.has_errors()) return r;
      r.text = format_facts_file(t, text);
      r.dump = formatting::dump(t, true);
      break;
    }
    case FileKind::scenarios: {
      auto t = parse_scenarios_text(path, text, d);
      if (d.has_errors()) return r;
      r.text = format_scenarios_file(t, text);
      r.dump = formatting::dump(t, true);
      break;
    }
  }
  r.parsed = true;
  return r;
}

// Formats `text` as `kind`; empty optional when it does not parse.
inline std::optional<std::string> fmt(phasegate::FileKind kind, const std::string& text) {
  auto r = format_once(kind, "test", text);
  if (!r.parsed) return std::nullopt;
  return r.text;
}

// Re-spaces `text`: every run of whitespace between tokens (outside strings and
// comments) becomes a random choice of spaces, newlines, blank lines, trailing
// comments and full-line comments. Whitespace carries no meaning, so the file
// still means the same, but its layout and comments are as messy as an author's.
inline std::string perturb(const std::string& text, unsigned seed) {
  std::uint64_t state = seed * 6364136223846793005ull + 1442695040888963407ull;
  auto next = [&](unsigned bound) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<unsigned>((state >> 33) % bound);
  };
  static const char* const kChoices[] = {" ", " ", " ", "\n", "\n  ", "\n\n\n", "    ", "\n    "};
  std::string out;
  int comment = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      std::size_t j = i;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r')) ++j;
      const unsigned pick = next(12);
      if (pick < 8) {
        out += kChoices[pick];
      } else if (pick < 10) {
        out += "  # t" + std::to_string(++comment) + "\n";
      } else if (pick == 10) {
        out += "\n# f" + std::to_string(++comment) + "\n";
      } else {
        out += "\n\n  # g" + std::to_string(++comment) + "\n\n";
      }
      i = j;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') out += text[i++];
      out += '\n';
    } else if (c == '"') {
      out += text[i++];
      while (i < text.size() && text[i] != '"' && text[i] != '\n') {
        if (text[i] == '\\' && i + 1 < text.size()) out += text[i++];
        out += text[i++];
      }
      if (i < text.size() && text[i] == '"') out += text[i++];
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace pgtest
