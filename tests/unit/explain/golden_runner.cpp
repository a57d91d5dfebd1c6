// Golden runner for explanations: CASE.case names rules, facts, assumptions, today and phases; the four
// renderings of each phase are compared with CASE.text.expect, .json.expect, .md.expect, .dot.expect.
// Usage: explain_golden REPO_ROOT CASE_DIR CASE [--update]
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/explain/explain.hpp"
#include "tests/unit/explain/pipeline.hpp"

namespace fs = std::filesystem;
using namespace phasegate;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  std::size_t k = 0;
  while (k < s.size() && s[k] == ' ') ++k;
  return s.substr(k);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: explain_golden REPO_ROOT CASE_DIR CASE [--update]\n";
    return 2;
  }
  fs::current_path(argv[1]);
  fs::path dir = fs::relative(fs::path(argv[2]), fs::current_path());
  std::string name = argv[3];
  bool update = argc > 4 && std::string(argv[4]) == "--update";
  std::string rules, today = "2026-11-24";
  std::vector<std::string> facts, assume, phases;
  engine::ExplainOptions opt;
  std::istringstream spec(slurp(dir / (name + ".case")));
  for (std::string line; std::getline(spec, line);) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(':');
    std::string key = line.substr(0, colon), value = trim(line.substr(colon + 1));
    if (key == "rules") rules = (dir / value).lexically_normal().string();
    else if (key == "facts") facts.push_back((dir / value).lexically_normal().string());
    else if (key == "assume") assume.push_back(value);
    else if (key == "today") today = value;
    else if (key == "phase") phases.push_back(value);
    else if (key == "max_sets") opt.max_sets = std::stoul(value);
    else if (key == "max_set_size") opt.max_set_size = std::stoul(value);
    else if (key == "counterfactuals") opt.counterfactuals = value == "true";
  }
  opt.max_seconds = 30.0;  // goldens must not depend on the machine's speed
  test::Loaded l = test::load(rules, facts, assume, today);
  if (!l.model) {
    std::cerr << name << ": pipeline failed:\n" << l.error << "\n";
    return 1;
  }
  std::string text, json, md, dot;
  for (const std::string& ph : phases) {
    const engine::PhaseResult* row = test::find_row(*l.model, ph);
    if (!row) {
      std::cerr << name << ": no phase binding " << ph << "\n";
      return 1;
    }
    engine::Explanation e = engine::explain_phase(*l.model, *row, opt);
    text += engine::explanation_text(*l.model, e, false) + "----\n";
    json += engine::explanation_json(*l.model, e).dump(2) + "\n";
    md += engine::explanation_markdown(*l.model, e) + "\n----\n";
    dot += engine::explanation_dot(*l.model, e);
  }
  int failed = 0;
  for (auto& [ext, got] : std::vector<std::pair<std::string, std::string>>{
           {"text", text}, {"json", json}, {"md", md}, {"dot", dot}}) {
    fs::path expect = dir / (name + "." + ext + ".expect");
    if (update) {
      std::ofstream(expect, std::ios::binary) << got;
      continue;
    }
    std::string want = slurp(expect);
    if (want != got) {
      ++failed;
      fs::path actual = fs::temp_directory_path() / (name + "." + ext + ".actual");
      std::ofstream(actual, std::ios::binary) << got;
      std::cerr << name << "." << ext << ": differs from " << expect.string() << " (actual in " << actual.string()
                << "; diff -u the two)\n";
    }
  }
  return failed ? 1 : 0;
}
