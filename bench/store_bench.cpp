// Store benchmark: decisions recorded per second and store bytes per decision, on the shipped ruleset and facts.
//
// usage: store_bench [RULES_FILE] [FACTS_FILE] [DECISIONS] [IMPORT_ROWS]
// Defaults: rules/isf/isf.rules, examples/isf/2025-11-20-briefing.facts (from the source tree), 300.
// The verdicts are stand-ins (the store does not evaluate); their size matches a real advise.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "store/store.hpp"

#ifndef PHASEGATE_SOURCE_DIR
#define PHASEGATE_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;
namespace ps = phasegate::store;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A rough reading of a facts file, enough for sizes: `name(args) = value` lines.
std::vector<ps::SnapshotFact> rough_facts(const std::string& text, const std::string& file) {
  std::vector<ps::SnapshotFact> out;
  std::istringstream in(text);
  std::string line;
  std::uint32_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#' || line[0] == ' ' || line.rfind("facts", 0) == 0) continue;
    ps::SnapshotFact f;
    auto eq = line.find(" = ");
    std::string lhs = line.substr(0, eq);
    auto paren = lhs.find('(');
    f.name = lhs.substr(0, paren);
    if (paren != std::string::npos) f.args_text = lhs.substr(paren);
    if (eq != std::string::npos) {
      std::string rest = line.substr(eq + 3);
      f.value_text = rest.substr(0, rest.find("   "));
    }
    f.source = "U.S. officials, as reported";
    f.as_of = "2025-11-20";
    f.file = file;
    f.line = n;
    f.recorded_by = "planner";
    f.recorded_at = "2026-11-20T09:00:00.000000Z";
    f.record_id = n;
    out.push_back(f);
  }
  return out;
}

std::vector<std::string> phase_names(const std::string& rules) {
  std::vector<std::string> out;
  std::istringstream in(rules);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("phase ", 0) == 0) {
      std::string name = line.substr(6);
      out.push_back(name.substr(0, name.find_first_of(" (")));
    }
  return out;
}

std::uintmax_t store_bytes(const std::string& path) {
  std::uintmax_t total = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    auto n = fs::file_size(path + suffix, ec);
    if (!ec && std::string(suffix) != "-shm") total += n;
  }
  return total;
}

void run(const std::string& label, const std::string& rules_path, const std::string& rules,
         const std::vector<ps::SnapshotFact>& facts, int decisions, bool vary_facts) {
  std::string dir = (fs::temp_directory_path() / ("pg-store-bench-" + std::to_string(getpid()))).string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string path = dir + "/bench.db";
  auto phases = phase_names(rules);
  const char* verdicts[] = {"GO", "NO-GO", "UNDETERMINED"};
  double seconds = 0;
  std::uintmax_t base = 0;
  {
    auto s = ps::Store::open(path, ps::OpenMode::create_if_missing);
    base = store_bytes(path);
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < decisions; ++i) {
      ps::DecisionInput in;
      in.actor = "bench";
      in.ruleset_name = "isf_phases";
      in.ruleset_version = "2026.1";
      in.ruleset_sha256 = ps::sha256_hex(rules);
      in.rules_files = {{rules_path, rules}};
      in.facts = facts;
      if (vary_facts && !in.facts.empty()) in.facts[0].value_text = std::to_string(i);
      in.today = "2026-11-24";
      in.options = {{"phases", nlohmann::json::array()}};
      for (std::size_t p = 0; p < phases.size(); ++p)
        in.verdicts.push_back({{"phase", phases[p]},
                               {"args", nlohmann::json::array()},
                               {"verdict", verdicts[(p + static_cast<std::size_t>(i)) % 3]},
                               {"reasons",
                                {{{"label", "support"},
                                  {"kind", "require"},
                                  {"value", "false"},
                                  {"text", "isf_support_sufficient"},
                                  {"because", "Israeli forces will not withdraw unless ..."}}}},
                               {"unknowns", {"troops_committed(\"Indonesia\")"}}});
      s.record_decision(in);
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto vstart = std::chrono::steady_clock::now();
    auto rep = s.verify(nullptr);
    double vsec = std::chrono::duration<double>(std::chrono::steady_clock::now() - vstart).count();
    std::printf("%-28s %6d decisions  %8.1f decisions/s  verify %8.0f decisions/s  %s\n", label.c_str(), decisions,
                decisions / seconds, rep.records / vsec, rep.ok() ? "chain ok" : "CHAIN BROKEN");
  }
  // Closing the last connection checkpoints the WAL into the main file.
  std::uintmax_t bytes = store_bytes(path) - base;
  std::printf("%-28s %6.0f bytes per decision (rules %zu B, %zu facts, store %ju B)\n", "", double(bytes) / decisions,
              rules.size(), facts.size(), store_bytes(path));
  fs::remove_all(dir);
}

// A large import (one transaction) and reading the current state back.
void run_facts(int rows) {
  std::string dir = (fs::temp_directory_path() / ("pg-store-bench-f-" + std::to_string(getpid()))).string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string path = dir + "/bench.db";
  auto s = ps::Store::open(path, ps::OpenMode::create_if_missing);
  std::vector<ps::FactAssertion> lines;
  for (int i = 0; i < rows; ++i) {
    ps::FactAssertion a;
    a.name = "unit_strength";
    a.args_text = "(\"unit-" + std::to_string(i) + "\", 2026-11-20)";
    a.value_text = std::to_string(i % 5000);
    a.source = "ISF order of battle";
    a.as_of = "2026-11-20";
    a.file = "units.csv";
    a.line = static_cast<std::uint32_t>(i + 2);
    lines.push_back(std::move(a));
  }
  auto t0 = std::chrono::steady_clock::now();
  s.import_facts(lines, {"bench", "units", {"units.csv"}});
  auto t1 = std::chrono::steady_clock::now();
  auto state = s.facts();
  auto t2 = std::chrono::steady_clock::now();
  auto rep = s.verify(nullptr);
  auto t3 = std::chrono::steady_clock::now();
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::printf("%-28s %6d rows  import %.2f s  current state %.2f s (%zu facts)  verify %.2f s  %s\n", "large import",
              rows, secs(t0, t1), secs(t1, t2), state.facts.size(), secs(t2, t3),
              rep.ok() ? "chain ok" : "CHAIN BROKEN");
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  std::string src = PHASEGATE_SOURCE_DIR;
  std::string rules_path = argc > 1 ? argv[1] : src + "/rules/isf/isf.rules";
  std::string facts_path = argc > 2 ? argv[2] : src + "/examples/isf/2025-11-20-briefing.facts";
  int decisions = argc > 3 ? std::max(1, std::atoi(argv[3])) : 300;
  try {
    std::string rules = read_file(rules_path);
    auto facts = rough_facts(read_file(facts_path), facts_path);
    std::printf("store benchmark: %s, %s (synchronous=FULL: one fsync per decision)\n", rules_path.c_str(),
                facts_path.c_str());
    run("same facts each time", rules_path, rules, facts, decisions, false);
    run("facts change every time", rules_path, rules, facts, decisions, true);
    run_facts(argc > 4 ? std::max(1, std::atoi(argv[4])) : 100'000);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "store_bench: %s\n", e.what());
    return 74;
  }
  return 0;
}
