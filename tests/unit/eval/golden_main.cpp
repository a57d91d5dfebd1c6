// Golden evaluator cases: tests/golden/eval/X.rules (+ X.facts) evaluated and printed, compared with X.expect.
// Usage: pg_eval_golden CASE.rules [--update | --threads N]
// --threads N: the strata are evaluated on N threads however few the facts (EvalOptions::threads,
// parallel_min_facts 0); the output must be the same X.expect.
// Options in the rules file as comments: `# today: 2026-11-20`, `# max_tuples: 100`, `# show: relation`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/calendar.hpp"
#include "engine/check/check.hpp"
#include "engine/eval/model.hpp"
#include "grammar/parse.hpp"

using namespace phasegate;
using namespace phasegate::engine;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string args_text(const Program& p, const std::string& name, const std::vector<Constant>& args) {
  if (args.empty()) return name;
  std::string s = name + "(";
  for (std::size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + format_constant_text(args[i], p);
  return s + ")";
}

std::string run_case(const std::string& rules_path, unsigned threads) {
  std::ostringstream out;
  std::string rules_text = read_text(rules_path);
  EvalOptions options;
  options.threads = threads;
  if (threads > 1) options.parallel_min_facts = 0;
  options.today = Date{days_from_civil(2026, 11, 20)};
  std::vector<std::string> show;
  std::istringstream lines(rules_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# today: ", 0) == 0) options.today = Date{*parse_iso_date(line.substr(9, 10))};
    if (line.rfind("# max_tuples: ", 0) == 0) options.max_tuples = std::stoull(line.substr(14));
    if (line.rfind("# show: ", 0) == 0) show.push_back(line.substr(8));
  }
  SourceMap sources;
  Diagnostics diags;
  syntax::Ruleset ruleset = read_ruleset(rules_path, sources, diags);
  std::optional<Program> program;
  if (!diags.has_errors()) program = check_ruleset(ruleset, diags, CheckOptions{false});
  if (!program || diags.has_errors()) {
    out << "check failed:\n" << render_text(diags, sources);
    return out.str();
  }
  FactBaseBuilder builder(*program);
  std::string facts_path = rules_path.substr(0, rules_path.size() - 6) + ".facts";
  if (std::filesystem::exists(facts_path)) {
    syntax::FactsFile facts = read_facts(facts_path, sources, diags);
    if (diags.has_errors() || !builder.add_file(facts, sources, diags)) {
      out << "facts failed:\n" << render_text(diags, sources);
      return out.str();
    }
  }
  FactBase fb = std::move(builder).build();
  ModelOutcome m = evaluate_model(*program, fb, options);
  if (m.error) {
    std::string file = std::filesystem::path(m.error->pos.file).filename().string();
    out << "error " << m.error->code;
    if (m.error->pos.line) out << " at " << file << ":" << m.error->pos.line << ":" << m.error->pos.column;
    out << ": " << m.error->message << "\n";
    return out.str();
  }
  const Program& p = *program;
  for (const std::string& name : show) {
    int r = p.find_relation(name);
    if (r < 0) {
      out << "no relation " << name << "\n";
      continue;
    }
    std::vector<std::string> rows;
    for (const TupleTruth& t : m.model->tuples(r))
      rows.push_back(args_text(p, name, t.args) + ": " + to_string(t.truth));
    std::sort(rows.begin(), rows.end());
    for (const auto& row : rows) out << row << "\n";
  }
  for (const PhaseResult& r : m.model->evaluation().phases) {
    const Phase& ph = p.phases[static_cast<std::size_t>(r.phase)];
    out << args_text(p, ph.name, r.args) << ": " << to_string(r.verdict) << "\n";
    if (r.binding != Truth::true_) out << "  for each: " << to_string(r.binding) << "\n";
    for (const ClauseResult& c : r.clauses) {
      if (c.met == Truth::true_ && c.waivers_true.empty()) continue;
      const Clause& clause = ph.clauses[static_cast<std::size_t>(c.clause)];
      out << "  " << (clause.kind == ClauseKind::require ? "require " : "block ") << clause.label << ": "
          << to_string(c.expr_value);
      if (!c.waivers_true.empty()) out << " (waived)";
      if (!c.waivers_unknown.empty()) out << " (waiver unknown)";
      out << "\n";
    }
    for (const AfterResult& a : r.after)
      if (a.verdict != Verdict::go) out << "  after " << p.phases[static_cast<std::size_t>(a.phase)].name << ": " << to_string(a.verdict) << "\n";
    if (!r.unknowns.empty()) {
      out << "  unknowns:";
      for (const auto& u : r.unknowns) out << " " << u;
      out << "\n";
    }
  }
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: pg_eval_golden CASE.rules [--update | --threads N]\n";
    return 2;
  }
  std::string rules = argv[1];
  bool update = argc > 2 && std::string(argv[2]) == "--update";
  unsigned threads = 1;
  if (argc > 3 && std::string(argv[2]) == "--threads") threads = static_cast<unsigned>(std::stoul(argv[3]));
  std::string got = run_case(rules, threads);
  std::string expect_path = rules.substr(0, rules.size() - 6) + ".expect";
  if (update) {
    std::ofstream(expect_path, std::ios::binary) << got;
    std::cout << got;
    return 0;
  }
  if (!std::filesystem::exists(expect_path)) {
    std::cerr << "missing " << expect_path << "; output was:\n" << got;
    return 1;
  }
  std::string want = read_text(expect_path);
  if (got != want) {
    std::cerr << "MISMATCH " << rules << "\n--- expected\n" << want << "--- got\n" << got;
    return 1;
  }
  std::cout << "ok " << rules << "\n";
  return 0;
}
