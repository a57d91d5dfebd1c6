// Golden layouts: tests/golden/format/X.{rules,facts,scenarios} formats to X.<ext>.expect.
// Set PHASEGATE_UPDATE_GOLDEN=1 to rewrite the .expect files (then review the diff).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <vector>

#include "corpus.hpp"

namespace fs = std::filesystem;

TEST_CASE("golden layouts", "[golden]") {
  const fs::path dir = fs::path(PG_SOURCE_DIR) / "tests/golden/format";
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && phasegate::file_kind_from_path(entry.path().string()))
      inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  REQUIRE(!inputs.empty());
  const bool update = std::getenv("PHASEGATE_UPDATE_GOLDEN") != nullptr;
  for (const auto& input : inputs) {
    INFO("case " << input.filename().string());
    const std::string text = pgtest::read_file(input);
    phasegate::Diagnostics diags;
    const auto out = phasegate::format_text(input.filename().string(), text, diags);
    REQUIRE(out);
    const fs::path expect = input.string() + ".expect";
    if (update) {
      std::ofstream(expect, std::ios::binary) << *out;
      continue;
    }
    REQUIRE(fs::exists(expect));
    CHECK(*out == pgtest::read_file(expect));
    // The expected layout is itself formatted.
    phasegate::Diagnostics again;
    const auto twice = phasegate::format_text(expect.filename().string(), *out,
                                              *phasegate::file_kind_from_path(input.string()), again);
    REQUIRE(twice);
    CHECK(*twice == *out);
  }
}
