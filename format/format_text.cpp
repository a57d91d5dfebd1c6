// `format_text`: detect the kind of file, parse, format, and check the result reads back the same.
#include <cctype>

#include "format/dump.hpp"
#include "format/format.hpp"
#include "grammar/parse.hpp"

namespace phasegate {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The first word of the text outside comments, and whether `=` or `(` follows it.
std::string first_word(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else {
      break;
    }
  }
  std::size_t j = i;
  while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
  return text.substr(i, j - i);
}

}  // namespace

std::optional<FileKind> file_kind_from_path(const std::string& path) {
  if (ends_with(path, ".rules")) return FileKind::rules;
  if (ends_with(path, ".facts")) return FileKind::facts;
  if (ends_with(path, ".scenarios")) return FileKind::scenarios;
  return std::nullopt;
}

FileKind detect_file_kind(const std::string& path, const std::string& text) {
  if (auto kind = file_kind_from_path(path)) return *kind;
  const std::string word = first_word(text);
  if (word == "scenarios" || word == "scenario") return FileKind::scenarios;
  if (word.empty() || word == "ruleset" || word == "fact" || word == "condition" || word == "phase" ||
      word == "include" || word == "source" || word == "version")
    return FileKind::rules;
  return FileKind::facts;  // `facts`, `load`, or a fact line
}

std::optional<std::string> format_text(const std::string& path, const std::string& text, Diagnostics& diags,
                                       const ParseLimits& limits) {
  return format_text(path, text, detect_file_kind(path, text), diags, limits);
}

namespace {

template <class Parse, class Format>
std::optional<std::string> format_checked(const std::string& path, const std::string& text, Diagnostics& diags,
                                          Parse parse, Format format) {
  Diagnostics parse_diags;
  const auto tree = parse(path, text, parse_diags);
  diags.append(parse_diags);
  if (parse_diags.has_errors()) return std::nullopt;
  std::string out = format(tree, text);
  Diagnostics again;
  const auto back = parse(path, out, again);
  if (again.has_errors() || formatting::dump(back, true) != formatting::dump(tree, true)) {
    diags.error("F0001", syntax::Position{path, 1, 1, 0},
                "internal error: the formatted text does not read back as the same file; it is left unchanged",
                {"please report this with the file"});
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<std::string> format_text(const std::string& path, const std::string& text, FileKind kind,
                                       Diagnostics& diags, const ParseLimits& limits) {
  switch (kind) {
    case FileKind::rules:
      return format_checked(
          path, text, diags,
          [&limits](const std::string& p, const std::string& t, Diagnostics& d) { return parse_rules_text(p, t, d, limits); },
          [](const syntax::RulesFile& f, const std::string& t) { return format_rules_file(f, t); });
    case FileKind::facts:
      return format_checked(
          path, text, diags,
          [&limits](const std::string& p, const std::string& t, Diagnostics& d) { return parse_facts_text(p, t, d, limits); },
          [](const syntax::FactsFile& f, const std::string& t) { return format_facts_file(f, t); });
    case FileKind::scenarios:
      return format_checked(
          path, text, diags,
          [&limits](const std::string& p, const std::string& t, Diagnostics& d) { return parse_scenarios_text(p, t, d, limits); },
          [](const syntax::ScenariosFile& f, const std::string& t) { return format_scenarios_file(f, t); });
  }
  return std::nullopt;
}

}  // namespace phasegate
