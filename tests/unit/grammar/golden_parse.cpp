// Golden test runner for the parser: each X.rules / X.facts / X.scenarios in a folder is parsed and
// compared with X.expect (the rendered diagnostics if any, else the syntax-tree dump).
// Usage: golden_parse DIR            run every case (UPDATE_GOLDEN=1 rewrites the .expect files)
//        golden_parse --show FILE    print what a case produces
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "grammar/dump.hpp"
#include "grammar/parse.hpp"

namespace fs = std::filesystem;
using namespace phasegate;

static std::string produce(const std::string& name) {
  SourceMap sources;
  Diagnostics diags;
  std::string ext = fs::path(name).extension().string();
  std::string tree;
  if (ext == ".rules") {
    auto rs = read_ruleset(name, sources, diags);
    for (const auto& f : rs.files) tree += dump(f);
  } else if (ext == ".facts") {
    tree = dump(read_facts(name, sources, diags));
  } else if (ext == ".scenarios") {
    tree = dump(read_scenarios(name, sources, diags));
  } else if (ext == ".assume") {
    // One `--assume` line per file (without its final newline).
    std::ifstream in(name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (!text.empty() && text.back() == '\n') text.pop_back();
    sources.add("--assume", text);
    auto line = parse_fact_line("--assume", text, diags);
    if (line) tree = dump(*line) + "\n";
  }
  if (!diags.items().empty()) {
    diags.sort_and_dedupe();
    return render_text(diags, sources);
  }
  return tree;
}

static std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--show") {
    fs::path p(argv[2]);
    fs::current_path(p.parent_path().empty() ? fs::path(".") : p.parent_path());
    std::cout << produce(p.filename().string());
    return 0;
  }
  if (argc != 2) {
    std::cerr << "usage: golden_parse DIR | golden_parse --show FILE\n";
    return 2;
  }
  bool update = std::getenv("UPDATE_GOLDEN") && std::string(std::getenv("UPDATE_GOLDEN")) == "1";
  fs::current_path(argv[1]);
  std::vector<std::string> cases;
  for (const auto& e : fs::directory_iterator(".")) {
    std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".rules" || ext == ".facts" || ext == ".scenarios" || ext == ".assume"))
      cases.push_back(e.path().filename().string());
  }
  std::sort(cases.begin(), cases.end());
  int failed = 0, written = 0;
  for (std::size_t i = 1; i < cases.size(); ++i)
    if (fs::path(cases[i]).stem() == fs::path(cases[i - 1]).stem()) {
      std::cout << "DUPLICATE case name " << cases[i - 1] << " / " << cases[i] << " (they share one .expect)\n";
      ++failed;
    }
  for (const auto& c : cases) {
    fs::path expect = fs::path(c).replace_extension(".expect");
    std::string got = produce(c);
    if (update) {
      if (!fs::exists(expect) || slurp(expect) != got) {
        std::ofstream(expect, std::ios::binary) << got;
        ++written;
        std::cout << "wrote " << expect.string() << "\n";
      }
      continue;
    }
    if (!fs::exists(expect)) {
      std::cout << "MISSING " << expect.string() << " (run with UPDATE_GOLDEN=1)\n";
      ++failed;
      continue;
    }
    std::string want = slurp(expect);
    if (want != got) {
      ++failed;
      std::cout << "FAIL " << c << "\n--- expected\n" << want << "--- got\n" << got << "---\n";
    }
  }
  std::cout << cases.size() << " cases, " << failed << " failed" << (update ? ", " + std::to_string(written) + " written" : "")
            << "\n";
  return failed == 0 ? 0 : 1;
}
