// Checker speed: parse + check a generated ruleset of N conditions (default 10 000), and load a
// generated table of M rows (default 1 000 000) through FactBaseBuilder. Usage: check_bench [N] [M]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/check/check.hpp"
#include "grammar/parse.hpp"

using namespace phasegate;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string ruleset(int n) {
  std::string s = "ruleset bench \"generated\"\n  source manual \"m\"\n";
  s += "fact unit(u: number) \"units\"\n";
  s += "fact kind(u: number, k: number) \"kind\"\n";
  s += "fact fuel(u: number): number in 0..100 \"fuel\"\n";
  s += "fact equip(u: number, e: number, w: number) \"equipment\"\n";
  s += "fact status: level { low < mid < high } \"status\"\n";
  for (int i = 0; i < n; ++i) {
    std::string c = "c" + std::to_string(i);
    s += "condition " + c + "(u) \"generated\"\n  when unit(u) and fuel(u) > " + std::to_string(i % 100);
    if (i > 0) s += " and (c" + std::to_string(i - 1) + "(u) or kind(u, " + std::to_string(i % 5) + "))";
    if (i > 1 && i % 3 == 0) s += " and not c" + std::to_string(i / 2) + "(u)";
    if (i % 7 == 0) s += " and sum(w where equip(u, _, w)) <= " + std::to_string(100 + i);
    s += "\n  because \"generated\" cite manual\n";
  }
  int phases = n / 100 > 0 ? n / 100 : 1;
  for (int p = 0; p < phases; ++p) {
    s += "phase p" + std::to_string(p) + " \"generated\"\n";
    if (p > 0) s += "  after p" + std::to_string(p - 1) + "\n";
    for (int k = 0; k < 100 && p * 100 + k < n; ++k)
      s += "  require r" + std::to_string(k) + ": count(c" + std::to_string(p * 100 + k) +
           "(u)) >= 1 and status >= mid because \"generated\"\n";
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  long rows = argc > 2 ? std::atol(argv[2]) : 1000000;
  std::string text = ruleset(n);
  auto t0 = Clock::now();
  Diagnostics diags;
  syntax::Ruleset rs;
  rs.files.push_back(parse_rules_text("bench.rules", text, diags));
  double parse_s = since(t0);
  auto t1 = Clock::now();
  auto program = engine::check_ruleset(rs, diags);
  double check_s = since(t1);
  if (!program) {
    SourceMap sources;
    sources.add("bench.rules", text);
    std::fputs(render_text(diags, sources).substr(0, 2000).c_str(), stderr);
    return 1;
  }
  std::printf("ruleset: %d conditions, %zu rules, %zu expressions, %zu strata, %zu bytes\n", n, program->rules.size(),
              program->exprs.size(), program->strata.size(), text.size());
  std::printf("parse %.3f s, check %.3f s\n", parse_s, check_s);

  // a table of `rows` rows for equip(u, e, w), TSV, plus a CSV with quoting
  auto dir = std::filesystem::temp_directory_path() / "pg_check_bench";
  std::filesystem::create_directories(dir);
  {
    std::ofstream tsv(dir / "equip.tsv");
    std::ofstream csv(dir / "equip.csv");
    csv << "u,e,w\n";
    std::string line;
    for (long i = 0; i < rows; ++i) {
      line = std::to_string(i / 5) + "\t" + std::to_string(i) + "\t" + std::to_string(i % 80 + 1) + "\n";
      tsv << line;
      csv << "\"" << i / 5 << "\"," << i << "," << (i % 80 + 1) << "\n";
    }
  }
  for (const char* ext : {"tsv", "csv"}) {
    std::string facts = std::string("facts \"t\"\nload equip from \"equip.") + ext + "\"\n";
    SourceMap sources;
    Diagnostics d;
    auto file = parse_facts_text((dir / "t.facts").string(), facts, d);
    auto t2 = Clock::now();
    engine::FactBaseBuilder builder(*program);
    bool ok = builder.add_file(file, sources, d);
    auto fb = std::move(builder).build();
    double load_s = since(t2);
    std::printf("load %ld rows (.%s): %.3f s%s, %zu entries\n", rows, ext, load_s, ok ? "" : " WITH ERRORS",
                fb.size(program->find_relation("equip")));
  }
  return 0;
}
