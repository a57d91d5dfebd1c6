// Golden tests of the checker: each tests/golden/check/X.rules (with an optional X.facts) beside X.expect,
// the exact diagnostics rendered as text. Usage: check_golden DIR [CASE...] [--update]
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/check/check.hpp"
#include "grammar/parse.hpp"

namespace fs = std::filesystem;
using namespace phasegate;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs one case from inside DIR so that paths in diagnostics are relative and stable.
std::string run_case(const std::string& name) {
  SourceMap sources;
  Diagnostics diags;
  auto ruleset = read_ruleset(name + ".rules", sources, diags);
  auto program = engine::check_ruleset(ruleset, diags);
  if (program && fs::exists(name + ".facts")) {
    auto facts = read_facts(name + ".facts", sources, diags);
    engine::FactBaseBuilder builder(*program);
    builder.add_file(facts, sources, diags);
  }
  diags.sort_and_dedupe();
  return render_text(diags, sources, false);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: check_golden DIR [CASE...] [--update]\n";
    return 64;
  }
  fs::path dir = argv[1];
  bool update = false;
  std::vector<std::string> cases;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--update")
      update = true;
    else
      cases.push_back(a);
  }
  fs::current_path(dir);
  if (cases.empty())
    for (const auto& e : fs::directory_iterator("."))
      if (e.path().extension() == ".rules") cases.push_back(e.path().stem().string());
  std::sort(cases.begin(), cases.end());
  int failed = 0;
  for (const auto& c : cases) {
    std::string got = run_case(c);
    fs::path expect = c + ".expect";
    if (update) {
      std::ofstream(expect, std::ios::binary) << got;
      continue;
    }
    if (!fs::exists(expect)) {
      std::cout << "FAIL " << c << ": no " << expect.string() << "; the output is:\n" << got;
      ++failed;
      continue;
    }
    std::string want = read(expect);
    if (got != want) {
      ++failed;
      std::cout << "FAIL " << c << "\n--- expected\n" << want << "--- got\n" << got << "---\n";
    }
  }
  std::cout << (cases.size() - static_cast<std::size_t>(failed)) << " passed, " << failed << " failed\n";
  return failed ? 1 : 0;
}
