// Replays the fuzz seed corpus and every crash the fuzzer ever found through all parser entry points.
// Usage: replay_corpus DIR...   (exit 0 when every file was parsed without crashing)
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "grammar/dump.hpp"
#include "grammar/parse.hpp"

namespace fs = std::filesystem;
using namespace phasegate;

int main(int argc, char** argv) {
  std::size_t files = 0, bad = 0;
  for (int i = 1; i < argc; ++i) {
    if (!fs::is_directory(argv[i])) continue;
    for (const auto& e : fs::recursive_directory_iterator(argv[i])) {
      if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string text = ss.str();
      ParseLimits limits;
      limits.max_nesting = 64;
      Diagnostics d1, d2, d3, d4;
      auto r = parse_rules_text("r.rules", text, d1, limits);
      auto f = parse_facts_text("f.facts", text, d2, limits);
      auto s = parse_scenarios_text("s.scenarios", text, d3, limits);
      auto l = parse_fact_line("--assume", text.substr(0, 4096), d4);
      SourceMap sources;
      sources.add("r.rules", text);
      std::string out = dump(r) + dump(f) + dump(s) + render_text(d1, sources);
      if (l) out += dump(*l);
      ++files;
      // Internal errors and grammar elements without words in the diagnostics table are bugs.
      for (const Diagnostics* d : {&d1, &d2, &d3, &d4})
        for (const auto& item : d->items())
          if (item.code == "E0099" || item.code == "E0100") {
            std::cerr << e.path().string() << ": " << item.code << " " << item.message << "\n";
            ++bad;
          }
    }
  }
  std::cout << "replayed " << files << " files, " << bad << " internal errors\n";
  return files > 0 && bad == 0 ? 0 : 1;
}
