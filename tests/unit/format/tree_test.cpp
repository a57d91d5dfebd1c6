// The rules, facts and scenarios files the project ships (rules/, examples/, bench/) are kept formatted.
#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

#include "corpus.hpp"

namespace fs = std::filesystem;

TEST_CASE("the shipped files are formatted", "[tree]") {
  std::vector<fs::path> files;
  for (const char* sub : {"rules", "examples", "bench"}) {
    const fs::path root = fs::path(PG_SOURCE_DIR) / sub;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    const fs::path generated = fs::path(PG_SOURCE_DIR) / "bench" / "data";  // bench/run.sh's data, not shipped
    for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
      if (entry.path().string().rfind(generated.string(), 0) == 0) continue;
      if (entry.is_regular_file() && phasegate::file_kind_from_path(entry.path().string())) {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  for (const auto& file : files) {
    const std::string text = pgtest::read_file(file);
    phasegate::Diagnostics diags;
    const auto out = phasegate::format_text(file.string(), text, diags);
    INFO(file.string() << " is not formatted; run `phasegate fmt " << file.string() << "`");
    REQUIRE(out);
    CHECK(*out == text);
  }
}
