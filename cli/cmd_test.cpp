// `phasegate test`: run scenario files (expected verdicts for given facts) against their rulesets.
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/load.hpp"
#include "cli/reasons.hpp"
#include "engine/calendar.hpp"
#include "engine/eval/evaluate.hpp"
#include "grammar/parse.hpp"

namespace fs = std::filesystem;

namespace phasegate::cli {

namespace {

struct TestOptions {
  std::vector<std::string> paths;
  std::string filter;
  std::string format = "text";
  std::string today;
};

struct Failure {
  std::string scenario;
  std::string where;  // file:line of the expectation
  std::string expected, actual;
  std::string explanation;
};

std::string verdict_word(syntax::Verdict v) {
  switch (v) {
    case syntax::Verdict::go: return "GO";
    case syntax::Verdict::no_go: return "NO-GO";
    case syntax::Verdict::undetermined: return "UNDETERMINED";
  }
  return "?";
}

std::string where(const syntax::Position& p) { return p.file + ":" + std::to_string(p.line); }

// The key of a phase reference in an expectation, formatted as phase keys are.
std::string ref_key(const syntax::PhaseRef& ref) {
  std::string key = ref.name.name;
  if (ref.args.empty()) return key;
  key += '(';
  for (std::size_t i = 0; i < ref.args.size(); ++i) {
    if (i) key += ", ";
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, syntax::NumberLit>) {
            auto d = engine::Decimal::parse(v.text);
            key += d ? d->to_string() : v.text;
          } else if constexpr (std::is_same_v<T, syntax::StringLit>) key += nlohmann::json(v.value).dump();
          else if constexpr (std::is_same_v<T, syntax::DateLit>)
            key += engine::format_iso_date(engine::days_from_civil(v.year, v.month, v.day));
          else if constexpr (std::is_same_v<T, syntax::BoolLit>) key += v.value ? "true" : "false";
          else if constexpr (std::is_same_v<T, syntax::MemberLit>) key += v.name;
          else if constexpr (std::is_same_v<T, syntax::DurationLit>)
            key += std::to_string(v.amount * (v.unit == syntax::DurationUnit::weeks ? 7 : 1)) + " days";
          else key += "unknown";
        },
        ref.args[i]);
  }
  return key + ')';
}

std::string explain_row(const engine::Program& program, const engine::PhaseResult& row) {
  std::ostringstream out;
  out << "      " << phase_key(program, row) << " is " << engine::to_string(row.verdict) << '\n';
  for (const auto& r : reasons_for(program, row)) {
    out << "        " << r.label << ": " << r.text << " is " << engine::to_string(r.value);
    if (!r.because.empty()) out << " — " << r.because;
    out << '\n';
  }
  if (!row.unknowns.empty()) {
    out << "        unknown:";
    for (const auto& u : row.unknowns) out << ' ' << u;
    out << '\n';
  }
  return out.str();
}

class Runner {
 public:
  explicit Runner(const TestOptions& o) : options_(o) {}

  int run() {
    Format format;
    if (!parse_format(options_.format, format) || (format != Format::text && format != Format::json)) {
      std::cerr << "phasegate test: --format must be text or json\n";
      return kUsage;
    }
    if (options_.today.empty()) today_.days = engine::today_local();
    else if (auto d = engine::parse_iso_date(options_.today)) today_.days = *d;
    else {
      std::cerr << "phasegate test: --today wants YYYY-MM-DD\n";
      return kUsage;
    }
    auto files = collect();
    if (files.empty() && !loader_.io_error()) {
      std::cerr << "phasegate test: no *.scenarios file found\n";
      return kNoInput;
    }
    for (const auto& f : files) run_file(f);
    if (loader_.diagnostics().has_errors()) {
      loader_.print_diagnostics();
      return loader_.exit_code();
    }
    if (format == Format::json) print_json();
    else print_text();
    return failed_ > 0 ? kNoGo : kOk;
  }

 private:
  std::vector<std::string> collect() {
    std::vector<std::string> out;
    for (const auto& p : options_.paths) {
      std::error_code ec;
      if (fs::is_directory(p, ec)) {
        std::vector<std::string> found;
        for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec))
          if (it->is_regular_file() && it->path().extension() == ".scenarios") found.push_back(it->path().string());
        std::sort(found.begin(), found.end());
        out.insert(out.end(), found.begin(), found.end());
      } else if (fs::exists(p, ec)) {
        out.push_back(p);
      } else {
        loader_.diagnostics().error("E0001", syntax::Position{p, 0, 0, 0}, "cannot open `" + p + "`: no such file");
        io_error_ = true;
      }
    }
    return out;
  }

  const LoadedRules* rules_for(const std::string& path) {
    auto key = fs::weakly_canonical(path).string();
    auto it = rules_.find(key);
    if (it == rules_.end()) it = rules_.emplace(key, loader_.load_rules({path})).first;
    return it->second ? &*it->second : nullptr;
  }

  void run_file(const std::string& path) {
    ReadResult rr;
    auto file = read_scenarios(path, loader_.sources(), loader_.diagnostics(), &rr);
    if (loader_.diagnostics().has_errors()) return;
    fs::path dir = fs::path(path).parent_path();
    const LoadedRules* rules = rules_for((dir / file.rules_path).string());
    if (!rules) return;
    const auto& program = rules->program;
    for (const auto& scenario : file.scenarios) {
      if (!options_.filter.empty() && scenario.title.find(options_.filter) == std::string::npos) continue;
      run_scenario(program, dir, scenario);
    }
  }

  void run_scenario(const engine::Program& program, const fs::path& dir, const syntax::Scenario& scenario) {
    auto& diags = loader_.diagnostics();
    engine::FactBaseBuilder builder(program);
    bool ok = true;
    for (const auto& item : scenario.items) {
      if (const auto* g = std::get_if<syntax::GivenFile>(&item)) {
        ReadResult rr;
        auto facts = read_facts((dir / g->path).string(), loader_.sources(), diags, &rr);
        ok = !diags.has_errors() && builder.add_file(facts, loader_.sources(), diags) && ok;
      } else if (const auto* line = std::get_if<syntax::FactLine>(&item)) {
        engine::FactOrigin origin;
        origin.file = line->pos.file;
        origin.line = line->pos.line;
        origin.column = line->pos.column;
        origin.source = "scenario \"" + scenario.title + "\"";
        ok = builder.add_line(*line, origin, diags) && ok;
      }
    }
    if (!ok) return;
    auto facts = std::move(builder).build();
    engine::EvalOptions eo;
    eo.today = today_;
    auto outcome = engine::evaluate(program, facts, eo);
    if (!outcome.evaluation) {
      const auto& e = *outcome.error;
      diags.error(e.code, syntax::Position{e.pos.file, e.pos.line, e.pos.column, 0}, e.message);
      return;
    }
    std::vector<Failure> failures;
    bool checked_any = false;
    for (const auto& item : scenario.items) {
      const syntax::PhaseRef* ref = nullptr;
      if (const auto* e = std::get_if<syntax::ExpectVerdict>(&item)) ref = &e->phase;
      else if (const auto* b = std::get_if<syntax::ExpectBecause>(&item)) ref = &b->phase;
      if (!ref) continue;
      checked_any = true;
      int id = program.find_phase(ref->name.name);
      if (id < 0) {
        std::vector<std::string> names;
        for (const auto& p : program.phases) names.push_back(p.name);
        std::string near = nearest_name(ref->name.name, names);
        diags.error("E0801", ref->name.pos, "no phase `" + ref->name.name + "` in ruleset " + program.name,
                    near.empty() ? std::vector<std::string>{} : std::vector<std::string>{"did you mean `" + near + "`?"});
        continue;
      }
      std::string key = ref_key(*ref);
      std::vector<const engine::PhaseResult*> rows;
      for (const auto& row : outcome.evaluation->phases)
        if (row.phase == id && (ref->args.empty() || phase_key(program, row) == key)) rows.push_back(&row);
      if (rows.empty()) {
        failures.push_back({scenario.title, where(ref->name.pos), "a binding " + key, "no such binding", ""});
        continue;
      }
      for (const auto* row : rows) {
        if (const auto* e = std::get_if<syntax::ExpectVerdict>(&item)) {
          std::string want = verdict_word(e->verdict), got = engine::to_string(row->verdict);
          if (want != got)
            failures.push_back({scenario.title, where(e->pos), phase_key(program, *row) + " is " + want,
                                phase_key(program, *row) + " is " + got, explain_row(program, *row)});
        } else if (const auto* b = std::get_if<syntax::ExpectBecause>(&item)) {
          bool found = false;
          for (const auto& r : reasons_for(program, *row)) found = found || r.label == b->label.name;
          if (!found)
            failures.push_back({scenario.title, where(b->pos), phase_key(program, *row) + " because " + b->label.name,
                                "`" + b->label.name + "` is not among the reasons", explain_row(program, *row)});
        }
      }
    }
    if (diags.has_errors()) return;
    if (!checked_any) {
      diags.warning("W0801", scenario.pos, "scenario \"" + scenario.title + "\" expects nothing");
    }
    results_.push_back({scenario.title, where(scenario.pos), failures.empty()});
    if (failures.empty()) ++passed_;
    else ++failed_;
    for (auto& f : failures) failures_.push_back(std::move(f));
  }

  void print_text() {
    bool color = stdout_color();
    const std::string* last = nullptr;
    for (const auto& f : failures_) {
      if (!last || *last != f.scenario)
        std::cout << (color ? "\x1b[31mFAIL\x1b[0m " : "FAIL ") << "scenario \"" << f.scenario << "\"\n";
      last = &f.scenario;
      std::cout << "  " << f.where << ": expected " << f.expected << ", got " << f.actual << '\n' << f.explanation;
    }
    std::cout << passed_ << " passed, " << failed_ << " failed\n";
  }

  void print_json() {
    nlohmann::json doc;
    auto scenarios = nlohmann::json::array();
    for (const auto& r : results_) scenarios.push_back({{"scenario", r.title}, {"at", r.at}, {"passed", r.passed}});
    auto failures = nlohmann::json::array();
    for (const auto& f : failures_)
      failures.push_back({{"scenario", f.scenario}, {"at", f.where}, {"expected", f.expected}, {"actual", f.actual},
                          {"explanation", f.explanation}});
    doc["scenarios"] = scenarios;
    doc["failures"] = failures;
    doc["passed"] = passed_;
    doc["failed"] = failed_;
    std::cout << doc.dump(2) << '\n' << passed_ << " passed, " << failed_ << " failed\n";
  }

  struct Result {
    std::string title, at;
    bool passed;
  };
  const TestOptions& options_;
  Loader loader_;
  engine::Date today_;
  bool io_error_ = false;
  std::map<std::string, std::optional<LoadedRules>> rules_;
  std::vector<Result> results_;
  std::vector<Failure> failures_;
  int passed_ = 0, failed_ = 0;
};

}  // namespace

void add_test_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TestOptions>();
  auto* cmd = app.add_subcommand("test", "Run scenario files: expected verdicts for given facts");
  cmd->add_option("paths", o->paths, "Scenario files, or folders searched for *.scenarios")->required();
  cmd->add_option("--filter", o->filter, "Only scenarios whose title contains this text");
  cmd->add_option("--format", o->format, "text or json")->capture_default_str();
  cmd->add_option("--today", o->today, "Evaluation date YYYY-MM-DD (default: the system date)");
  cmd->callback([o, &exit_code] { exit_code = Runner(*o).run(); });
}

}  // namespace phasegate::cli
