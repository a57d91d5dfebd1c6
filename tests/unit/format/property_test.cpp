// Idempotence and round trip over every rules, facts and scenarios file in the tree (and
// PHASEGATE_FORMAT_CORPUS, a ':'-separated list of folders): fmt(fmt(x)) == fmt(x) and
// parse(fmt(x)) == parse(x) but for positions, with every comment kept in order.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <vector>

#include "corpus.hpp"

namespace fs = std::filesystem;

namespace {

std::optional<phasegate::FileKind> corpus_kind(const fs::path& p) {
  if (auto k = phasegate::file_kind_from_path(p.string())) return k;
  // The parser's golden inputs and the fuzz corpus do not always carry the extension.
  const std::string s = p.string();
  if (p.extension() == ".input" || s.find("/fuzz/") != std::string::npos) {
    return phasegate::detect_file_kind("", pgtest::read_file(p));
  }
  return std::nullopt;
}

std::vector<fs::path> corpus() {
  std::vector<fs::path> roots;
  const fs::path src(PG_SOURCE_DIR);
  for (const char* sub : {"tests/golden", "tests/fuzz", "rules", "examples", "docs"}) roots.push_back(src / sub);
  if (const char* extra = std::getenv("PHASEGATE_FORMAT_CORPUS")) {
    std::string list = extra;
    std::size_t start = 0;
    while (start <= list.size()) {
      const std::size_t end = std::min(list.find(':', start), list.size());
      if (end > start) roots.emplace_back(list.substr(start, end - start));
      start = end + 1;
    }
  }
  std::vector<fs::path> files;
  for (const auto& root : roots) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (ec) break;
      if (it->is_regular_file() && it->file_size() < (1u << 20) && corpus_kind(it->path())) files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("formatting is idempotent and keeps the tree and the comments", "[property]") {
  std::size_t parsed = 0;
  for (const auto& file : corpus()) {
    const std::string text = pgtest::read_file(file);
    const auto kind = *corpus_kind(file);
    const auto once = pgtest::format_once(kind, file.string(), text);
    if (!once.parsed) continue;  // negative parser cases
    ++parsed;
    INFO("file " << file.string() << "\n--- formatted:\n" << once.text);
    const auto twice = pgtest::format_once(kind, file.string(), once.text);
    REQUIRE(twice.parsed);
    CHECK(twice.dump == once.dump);
    CHECK(twice.text == once.text);
  }
  INFO("files parsed: " << parsed);
  CHECK(parsed > 0);
}

TEST_CASE("messy layouts and comments format the same way twice and keep the tree", "[property]") {
  std::size_t checked = 0;
  for (const auto& file : corpus()) {
    const std::string original = pgtest::read_file(file);
    const auto kind = *corpus_kind(file);
    const auto reference = pgtest::format_once(kind, file.string(), original);
    if (!reference.parsed) continue;
    for (unsigned seed = 1; seed <= 25; ++seed) {
      const std::string messy = pgtest::perturb(original, seed);
      const auto once = pgtest::format_once(kind, file.string(), messy);
      INFO("file " << file.string() << " seed " << seed << "\n--- messy:\n"
                   << messy << "\n--- formatted:\n"
                   << once.text);
      REQUIRE(once.parsed);
      ++checked;
      const auto twice = pgtest::format_once(kind, file.string(), once.text);
      REQUIRE(twice.parsed);
      CHECK(twice.dump == once.dump);
      CHECK(twice.text == once.text);
      // The code is laid out exactly as the tidy original's, comments aside (and where
      // the author put the citation).
      auto strip = [](const std::string& s) {
        std::string out;
        std::size_t i = 0;
        while (i < s.size()) {
          const std::size_t e = s.find('\n', i);
          std::string line = s.substr(i, e == std::string::npos ? std::string::npos : e - i);
          i = e == std::string::npos ? s.size() : e + 1;
          const auto trimmed = line.find_first_not_of(' ');
          if (trimmed == std::string::npos || line[trimmed] == '#') continue;
          bool in_string = false;
          for (std::size_t k = 0; k < line.size(); ++k) {
            if (in_string && line[k] == '\\') {
              ++k;
            } else if (line[k] == '"') {
              in_string = !in_string;
            } else if (!in_string && line[k] == '#') {
              line = line.substr(0, line.find_last_not_of(' ', k - 1) + 1);
              break;
            }
          }
          // Where the citation goes follows the author (same line as `because` or not).
          const auto cite = line.rfind("\" cite ");
          if (cite != std::string::npos && line.find("because \"") != std::string::npos) {
            out += line.substr(0, cite + 1) + "\n" + std::string(line.find_first_not_of(' '), ' ') +
                   line.substr(cite + 2) + "\n";
            continue;
          }
          out += line + "\n";
        }
        return out;
      };
      CHECK(strip(once.text) == strip(reference.text));
    }
  }
  CHECK(checked > 0);
}

namespace {

// Deletes, repeats and swaps whole lines: odd but often valid files (sources after
// declarations, clauses without a phase head that join the previous phase, ...).
std::string shuffle_lines(const std::string& text, unsigned seed) {
  std::vector<std::string> lines;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t e = text.find('\n', i);
    lines.push_back(text.substr(i, e == std::string::npos ? std::string::npos : e - i));
    i = e == std::string::npos ? text.size() : e + 1;
  }
  std::uint64_t state = seed * 0x9E3779B97F4A7C15ull + 7;
  auto next = [&](std::size_t bound) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return bound ? static_cast<std::size_t>(state % bound) : 0;
  };
  for (int edit = 0; edit < 4 && !lines.empty(); ++edit) {
    const std::size_t a = next(lines.size()), b = next(lines.size());
    switch (next(3)) {
      case 0:
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(a));
        break;
      case 1:
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(a), lines[b]);
        break;
      default:
        std::swap(lines[a], lines[b]);
    }
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("odd but valid files format the same way twice and keep the tree", "[property]") {
  std::size_t checked = 0;
  for (const auto& file : corpus()) {
    const std::string original = pgtest::read_file(file);
    const auto kind = *corpus_kind(file);
    for (unsigned seed = 1; seed <= 40; ++seed) {
      std::string odd = shuffle_lines(original, seed);
      if (seed % 2 == 0) odd = pgtest::perturb(odd, seed);
      const auto once = pgtest::format_once(kind, file.string(), odd);
      if (!once.parsed) continue;
      ++checked;
      INFO("file " << file.string() << " seed " << seed << "\n--- input:\n"
                   << odd << "\n--- formatted:\n"
                   << once.text);
      const auto twice = pgtest::format_once(kind, file.string(), once.text);
      REQUIRE(twice.parsed);
      CHECK(twice.dump == once.dump);
      CHECK(twice.text == once.text);
    }
  }
  CHECK(checked > 0);
}
