// Every code block of docs/format.md is a file in the canonical layout: formatting it changes nothing.
#include <catch2/catch.hpp>
#include <vector>

#include "corpus.hpp"

namespace {

// The fenced blocks of a markdown text, their common indentation removed.
std::vector<std::string> code_blocks(const std::string& md) {
  std::vector<std::string> blocks;
  std::string current;
  std::size_t fence_indent = 0;
  bool inside = false;
  std::size_t i = 0;
  while (i < md.size()) {
    const std::size_t e = md.find('\n', i);
    const std::string line = md.substr(i, e == std::string::npos ? std::string::npos : e - i);
    i = e == std::string::npos ? md.size() : e + 1;
    const std::size_t indent = line.find_first_not_of(' ');
    const bool fence = indent != std::string::npos && line.compare(indent, 3, "```") == 0;
    if (fence && !inside) {
      inside = true;
      fence_indent = indent;
      current.clear();
    } else if (fence) {
      inside = false;
      blocks.push_back(current);
    } else if (inside) {
      current += (line.size() >= fence_indent ? line.substr(fence_indent) : std::string()) + "\n";
    }
  }
  return blocks;
}

}  // namespace

TEST_CASE("the examples of docs/format.md are formatted", "[docs]") {
  const std::string md = pgtest::read_file(std::string(PG_SOURCE_DIR) + "/docs/format.md");
  const auto blocks = code_blocks(md);
  REQUIRE(blocks.size() >= 4);
  for (const auto& block : blocks) {
    INFO("example:\n" << block);
    phasegate::Diagnostics diags;
    const auto out = phasegate::format_text("-", block, diags);
    REQUIRE(out);
    CHECK(*out == block);
  }
}
