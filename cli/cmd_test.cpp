// `phasegate test`: run scenario files (expected verdicts for given facts) against their rulesets.
#include <filesystem>
#include <iostream>
#include <algorithm>
#include <cstdio>
#include <list>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/advice.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/limits.hpp"
#include "cli/load.hpp"
#include "cli/reasons.hpp"
#include "engine/calendar.hpp"
#include "engine/eval/evaluate.hpp"
#include "engine/eval/model.hpp"
#include "grammar/parse.hpp"
#include "grammar/quote.hpp"

namespace fs = std::filesystem;

namespace phasegate::cli {

namespace {

struct TestOptions {
  std::vector<std::string> paths;
  std::string filter;
  std::string format = "text";
  std::string today;
  bool coverage = false;
  double coverage_min = -1;
  EvalLimits limits;
};

// Which requirements, blocks, waivers and condition alternatives the scenarios saw true and false.
struct Coverage {
  struct Item {
    std::string kind;   // require, block, waive, condition
    std::string label;  // "phase2 require disarmament", "condition contributor #1"
    std::string at;     // file:line
    bool seen_true = false, seen_false = false;
  };
  std::string rules;
  std::vector<Item> items;
  std::vector<std::vector<int>> clause_item, waiver_item;  // per phase
  std::vector<int> rule_item;

  static constexpr std::size_t kMaxBindings = 100'000;  // per rule and scenario

  explicit Coverage(const std::string& path, const engine::Program& p) : rules(path) {
    auto at = [](const engine::SourcePos& pos) { return pos.file + ":" + std::to_string(pos.line); };
    for (const auto& phase : p.phases) {
      clause_item.emplace_back();
      for (const auto& c : phase.clauses) {
        clause_item.back().push_back(static_cast<int>(items.size()));
        const char* kind = c.kind == engine::ClauseKind::require ? "require" : "block";
        items.push_back({kind, phase.name + " " + kind + " " + c.label, at(c.pos)});
      }
      waiver_item.emplace_back();
      for (const auto& w : phase.waivers) {
        waiver_item.back().push_back(static_cast<int>(items.size()));
        items.push_back({"waive", phase.name + " waive " + w.label, at(w.pos)});
      }
    }
    rule_item.assign(p.rules.size(), -1);
    for (const auto& rel : p.relations)
      for (std::size_t k = 0; k < rel.rules.size(); ++k) {
        int ri = rel.rules[k];
        rule_item[static_cast<std::size_t>(ri)] = static_cast<int>(items.size());
        items.push_back({"condition",
                         "condition " + rel.name + (rel.rules.size() > 1 ? " #" + std::to_string(k + 1) : ""),
                         at(p.rules[static_cast<std::size_t>(ri)].pos)});
      }
  }

  void mark(int item, engine::Truth t) {
    if (item < 0) return;
    auto& it = items[static_cast<std::size_t>(item)];
    if (t == engine::Truth::true_) it.seen_true = true;
    if (t == engine::Truth::false_) it.seen_false = true;
  }

  void record(const engine::Program& p, const engine::Model& model) {
    for (const auto& row : model.evaluation().phases) {
      auto ph = static_cast<std::size_t>(row.phase);
      for (const auto& c : row.clauses) mark(clause_item[ph][static_cast<std::size_t>(c.clause)], c.expr_value);
      for (const auto& c : row.clauses) {
        const auto& clause = p.phases[ph].clauses[static_cast<std::size_t>(c.clause)];
        // A waiver is seen true only where it takes effect, on a requirement that does not hold by
        // itself: one that is true while the requirement holds anyway has not been exercised.
        const bool needed = c.expr_value != engine::Truth::true_;
        for (int w : clause.waivers) {
          auto has = [w](const std::vector<int>& v) { return std::find(v.begin(), v.end(), w) != v.end(); };
          const engine::Truth t = has(c.waivers_true)      ? engine::Truth::true_
                                  : has(c.waivers_unknown) ? engine::Truth::unknown
                                                           : engine::Truth::false_;
          if (t != engine::Truth::true_ || needed) mark(waiver_item[ph][static_cast<std::size_t>(w)], t);
        }
      }
    }
    // Each condition alternative, under every binding of its first generator: true where the rest of
    // the body holds for some extension of it, false where none does (`both(x) when s(x) and t(x)` is
    // false for an `x` in `s` but not in `t`). With no atom to range over (only `y = n + 1` binds),
    // it is true when the body has a solution and false when it has none.
    for (std::size_t ri = 0; ri < p.rules.size(); ++ri) {
      const auto& rule = p.rules[ri];
      engine::Binding empty(rule.var_names.size());
      int item = rule_item[ri];
      auto body_truth = [&](const engine::Binding& from) {
        engine::Truth best = engine::Truth::false_;
        for (const auto& [binding, truth] : model.solutions(rule.body, from)) {
          if (truth == engine::Truth::true_) return truth;
          if (truth == engine::Truth::unknown) best = truth;
        }
        return best;
      };
      engine::ExprId probe = engine::kNoExpr;
      for (auto g : rule.body.generators)
        if (p.exprs[static_cast<std::size_t>(g)].kind != engine::ExprKind::bind) {
          probe = g;
          break;
        }
      if (probe == engine::kNoExpr) {
        mark(item, rule.body.generators.empty() ? model.eval(rule.body.expr, empty).truth : body_truth(empty));
        continue;
      }
      engine::Body first_generator{probe, {probe}};
      std::size_t n = 0;
      for (const auto& solution : model.solutions(first_generator, empty)) {
        mark(item, body_truth(solution.first));
        if (++n >= kMaxBindings) break;
      }
    }
  }

  std::size_t complete() const {
    std::size_t n = 0;
    for (const auto& i : items) n += i.seen_true && i.seen_false;
    return n;
  }
  double percent() const { return items.empty() ? 100.0 : 100.0 * double(complete()) / double(items.size()); }
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

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

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
          } else if constexpr (std::is_same_v<T, syntax::StringLit>) key += json_text(nlohmann::json(v.value), -1);
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
    out << "        " << reason_label(r) << ": " << reason_statement(r);
    if (!r.because.empty()) out << " — " << r.because;
    out << '\n';
  }
  if (!row.unknowns.empty()) {
    out << "        unknown: ";  // as advise lists them
    for (std::size_t i = 0; i < row.unknowns.size(); ++i) out << (i ? ", " : "") << row.unknowns[i];
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
    if (!parse_today(options_.today, "test", today_)) return kUsage;
    auto files = collect();
    if (files.empty() && loader_.diagnostics().has_errors()) {
      loader_.print_diagnostics();
      return kNoInput;
    }
    if (files.empty() && !loader_.io_error()) {
      std::cerr << "phasegate test: no *.scenarios file found\n";
      return kNoInput;
    }
    for (const auto& f : files) run_file(f);
    // The scenarios that could run are reported even when others could not (their files do not
    // parse, their expectations name no phase): the last line is still `N passed, N failed`, and
    // the exit code says that some file does not check.
    const bool errors = loader_.diagnostics().has_errors() || loader_.io_error();
    loader_.print_diagnostics();  // errors, and warnings (an empty file, a scenario that expects nothing)
    if (format == Format::json) print_json();
    else print_text();
    if (errors) return loader_.exit_code() == kOk ? kBadInput : loader_.exit_code();
    if (failed_ > 0) return kNoGo;
    if (options_.coverage && options_.coverage_min >= 0)
      for (const auto& c : coverage_)
        if (c.percent() + 1e-9 < options_.coverage_min) {
          std::cerr << "coverage of " << c.rules << " is below " << options_.coverage_min << "%\n";
          return kNoGo;
        }
    return kOk;
  }

 private:
  std::vector<std::string> collect() {
    std::vector<std::string> out;
    for (const auto& p : options_.paths) {
      std::error_code ec;
      if (fs::is_directory(p, ec)) {
        auto found = files_in_folder(p, [](const fs::path& f) { return f.extension() == ".scenarios"; });
        out.insert(out.end(), found.begin(), found.end());
      } else if (fs::exists(p, ec)) {
        out.push_back(p);
      } else {
        loader_.diagnostics().error("E0001", syntax::Position{p, 0, 0, 0}, "cannot open `" + p + "`: no such file");
        loader_.mark_io_error();  // exit 66; the files that are there still run
      }
    }
    // A file named twice (`test a.scenarios ./a.scenarios`, or a folder and a file in it) runs once.
    std::set<std::string> seen;
    std::erase_if(out, [&](const std::string& f) {
      std::error_code ec;
      auto key = fs::weakly_canonical(f, ec);
      return !seen.insert(ec ? f : key.string()).second;
    });
    return out;
  }

  const LoadedRules* rules_for(const std::string& path) {
    auto key = fs::weakly_canonical(path).string();
    auto it = rules_.find(key);
    if (it == rules_.end()) {
      it = rules_.emplace(key, loader_.load_rules({path})).first;
      if (it->second) coverage_.emplace_back(path, it->second->program);
    }
    return it->second ? &*it->second : nullptr;
  }

  Coverage* coverage_for(const engine::Program& program) {
    for (auto& [key, rules] : rules_)
      if (rules && &rules->program == &program)
        for (auto& c : coverage_)
          if (fs::weakly_canonical(c.rules).string() == key) return &c;
    return nullptr;
  }

  // Whether a file that a scenarios file names at `pos` is there; if not, an error at that line (exit 66).
  bool named_file_exists(const std::string& path, const syntax::Position& pos, const std::string& what) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return true;
    loader_.diagnostics().error("E0001", pos,
                                "cannot read the " + what + " `" + path + "`: " +
                                    (fs::exists(path, ec) ? "it is not a file" : "no such file"),
                                {"the path is relative to the scenarios file's folder"});
    loader_.mark_io_error();
    return false;
  }

  void run_file(const std::string& path) {
    ReadResult rr;
    const std::size_t errors_before = loader_.diagnostics().error_count();
    auto file = read_scenarios(path, loader_.sources(), loader_.diagnostics(), &rr, parse_limits());
    if (rr.io_error) loader_.mark_io_error();
    for (const auto& scenario : file.scenarios)
      if (options_.filter.empty() || scenario.title.find(options_.filter) != std::string::npos) ++considered_;
    // A file with lines that do not parse is not run (a scenario missing a line would pass or fail
    // on what is left), but what did parse is still checked: every error of the file at once.
    const bool parsed = loader_.diagnostics().error_count() == errors_before;
    if (file.rules_path.empty() && file.scenarios.empty()) return;  // empty or only comments (warning W0001)
    if (!parsed && file.rules_path.empty()) return;  // no ruleset to check against (its line is the error)
    fs::path dir = fs::path(path).parent_path();
    const std::string rules_path = (dir / file.rules_path).string();
    if (!named_file_exists(rules_path, file.rules_pos, "rules file")) return;
    const LoadedRules* rules = rules_for(rules_path);
    if (!rules) return;
    const auto& program = rules->program;
    for (const auto& scenario : file.scenarios) {
      if (!options_.filter.empty() && scenario.title.find(options_.filter) == std::string::npos) continue;
      run_scenario(program, dir, scenario, parsed);
    }
  }

  // Whether an expectation can be checked against the ruleset; its errors reported (no such phase
  // E0801, a wrong number of arguments E0802, a `because` label the phase cannot give E0803).
  bool check_expectation(const engine::Program& program, const syntax::ScenarioItem& item) {
    auto& diags = loader_.diagnostics();
    const syntax::PhaseRef* ref = phase_ref(item);
    int id = program.find_phase(ref->name.name);
    if (id < 0) {
      std::vector<std::string> names;
      for (const auto& p : program.phases) names.push_back(p.name);
      std::string near = nearest_name(ref->name.name, names);
      diags.error("E0801", ref->name.pos, "no phase `" + ref->name.name + "` in ruleset " + program.name,
                  near.empty() ? std::vector<std::string>{} : std::vector<std::string>{"did you mean `" + near + "`?"});
      return false;
    }
    const engine::Phase& phase = program.phases[static_cast<std::size_t>(id)];
    if (!ref->args.empty() && ref->args.size() != phase.params.size()) {
      diags.error("E0802", ref->name.pos,
                  "phase `" + phase.name + "` takes " + std::to_string(phase.params.size()) + " argument(s), not " +
                      std::to_string(ref->args.size()),
                  {phase.params.empty() ? "write `" + phase.name + "` without arguments"
                                        : "name a binding as `" + phase.name + "(" + join(phase.params) + ")`"});
      return false;
    }
    // Each argument a value of its parameter's type, as in a facts file (`deploy(Rafah)` for a text).
    bool args_ok = true;
    for (std::size_t k = 0; k < ref->args.size() && k < phase.param_types.size(); ++k) {
      const syntax::Position& at = k < ref->arg_pos.size() ? ref->arg_pos[k] : ref->name.pos;
      args_ok = engine::convert_literal(program, ref->args[k], phase.param_types[k], at, false,
                                        "argument `" + phase.params[k] + "` of phase `" + phase.name + "`", diags)
                    .has_value() && args_ok;
    }
    if (!args_ok) return false;
    if (const auto* b = std::get_if<syntax::ExpectBecause>(&item)) {
      // A reason is a requirement or block of the phase (by label, `#N` when unlabelled) or an after-phase.
      std::vector<std::string> labels;
      for (const auto& c : phase.clauses)
        if (c.label.rfind('#', 0) != 0) labels.push_back(c.label);  // `#2` cannot be written (a comment)
      for (int a : phase.after) labels.push_back(program.phases[static_cast<std::size_t>(a)].name);
      if (std::find(labels.begin(), labels.end(), b->label.name) == labels.end()) {
        std::vector<std::string> notes{labels.empty() ? "none of its requirements and blocks has a label: write "
                                                        "`require LABEL: ...` to name one"
                                                      : "the reasons it can give are: " + join(labels)};
        std::string near = nearest_name(b->label.name, labels);
        if (!near.empty()) notes.insert(notes.begin(), "did you mean `" + near + "`?");
        diags.error("E0803", b->label.pos,
                    "phase `" + phase.name + "` has no requirement, block or after-phase `" + b->label.name + "`",
                    std::move(notes));
        return false;
      }
    }
    return true;
  }

  static const syntax::PhaseRef* phase_ref(const syntax::ScenarioItem& item) {
    if (const auto* e = std::get_if<syntax::ExpectVerdict>(&item)) return &e->phase;
    if (const auto* b = std::get_if<syntax::ExpectBecause>(&item)) return &b->phase;
    return nullptr;
  }

  // With `run` false, the scenario's givens and expectations are checked only.
  void run_scenario(const engine::Program& program, const fs::path& dir, const syntax::Scenario& scenario, bool run) {
    auto& diags = loader_.diagnostics();
    const std::size_t errors_before = diags.error_count();
    engine::FactBaseBuilder builder(program);
    bool ok = true;
    for (const auto& item : scenario.items) {
      if (const auto* g = std::get_if<syntax::GivenFile>(&item)) {
        const std::string path = (dir / g->path).string();
        if (!named_file_exists(path, g->pos, "given file")) {
          ok = false;
          continue;
        }
        ReadResult rr;
        auto facts = read_facts(path, loader_.sources(), diags, &rr, parse_limits());
        if (rr.io_error) loader_.mark_io_error();
        // Only this scenario's errors count: another file's do not stop it.
        // The lines that parsed are checked even when others did not: every error of the file at once.
        const bool parsed = diags.error_count() == errors_before;
        ok = builder.add_file(facts, loader_.sources(), diags, parse_limits().max_file_bytes) && parsed && ok;
      } else if (const auto* line = std::get_if<syntax::FactLine>(&item)) {
        engine::FactOrigin origin;
        origin.file = line->pos.file;
        origin.line = line->pos.line;
        origin.column = line->pos.column;
        origin.source = "scenario " + quote_string(scenario.title);
        ok = builder.add_line(*line, origin, diags) && ok;
      }
    }
    // The expectations are checked before the facts are evaluated, and even when a given failed:
    // every error of the file is reported at once.
    bool checked_any = false;
    for (const auto& item : scenario.items)
      if (phase_ref(item)) {
        checked_any = true;
        ok = check_expectation(program, item) && ok;
      }
    if (!ok || !run) return;
    if (!checked_any) diags.warning("W0801", scenario.pos, "scenario " + quote_string(scenario.title) + " expects nothing");
    auto facts = std::move(builder).build();
    engine::EvalOptions eo;
    eo.today = today_;
    options_.limits.apply(eo);
    auto model_outcome = engine::evaluate_model(program, facts, eo);
    if (!model_outcome.model) {
      const auto e = model_outcome.error.value_or(engine::EvalError{"evaluation failed", {}, "E0900"});
      // A limit is about no place in the rules: it is reported at the scenario.
      const syntax::Position at = e.pos.file.empty() ? scenario.pos : syntax::Position{e.pos.file, e.pos.line, e.pos.column, 0};
      diags.error(e.code, at, e.message,
                  {"evaluating scenario " + quote_string(scenario.title) + " (" + where(scenario.pos) + ")"});
      return;
    }
    const engine::Model& model = *model_outcome.model;
    struct {
      const engine::Evaluation* evaluation;
    } outcome{&model.evaluation()};
    if (options_.coverage)
      if (auto* c = coverage_for(program)) c->record(program, model);
    std::vector<Failure> failures;
    for (const auto& item : scenario.items) {
      const syntax::PhaseRef* ref = phase_ref(item);
      if (!ref) continue;
      const int id = program.find_phase(ref->name.name);  // checked: there is one
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
                                row->verdict == engine::Verdict::go
                                    ? phase_key(program, *row) + " is GO, which has no reasons"
                                    : "`" + b->label.name + "` is not among the reasons",
                                explain_row(program, *row)});
        }
      }
    }
    if (diags.error_count() > errors_before) return;
    results_.push_back({scenario.title, where(scenario.pos), failures.empty()});
    if (failures.empty()) ++passed_;
    else ++failed_;
    for (auto& f : failures) failures_.push_back(std::move(f));
  }

  void print_coverage_text() {
    for (const auto& c : coverage_) {
      char pct[16];
      std::snprintf(pct, sizeof pct, "%.1f", c.percent());
      std::cout << "coverage of " << c.rules << ": " << c.complete() << " of " << c.items.size()
                << " requirements, blocks, waivers and condition alternatives seen both true and false (" << pct
                << "%)\n";
      for (const auto& i : c.items) {
        if (i.seen_true && i.seen_false) continue;
        std::cout << "  " << i.at << "  " << i.label << ": never "
                  << (!i.seen_true && !i.seen_false ? "true nor false" : !i.seen_true ? "true" : "false") << '\n';
      }
    }
  }

  nlohmann::json coverage_json() const {
    auto out = nlohmann::json::array();
    for (const auto& c : coverage_) {
      auto items = nlohmann::json::array();
      for (const auto& i : c.items)
        items.push_back({{"kind", i.kind}, {"label", i.label}, {"at", i.at}, {"true", i.seen_true}, {"false", i.seen_false}});
      out.push_back({{"rules", c.rules}, {"items", items}, {"complete", c.complete()}, {"percent", c.percent()}});
    }
    return out;
  }

  void print_text() {
    bool color = stdout_color();
    const std::string* last = nullptr;
    for (const auto& f : failures_) {
      if (!last || *last != f.scenario)
        std::cout << (color ? "\x1b[31mFAIL\x1b[0m " : "FAIL ") << "scenario " << quote_string(f.scenario) << "\n";
      last = &f.scenario;
      std::cout << "  " << f.where << ": expected " << f.expected << ", got " << f.actual << '\n' << f.explanation;
    }
    if (options_.coverage) print_coverage_text();
    if (const std::size_t not_run = considered_ - results_.size(); not_run > 0)
      std::cout << not_run << (not_run == 1 ? " scenario" : " scenarios")
                << " not run: the errors above stop them\n";
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
    doc["not_run"] = considered_ - results_.size();  // scenarios that errors stopped
    if (options_.coverage) doc["coverage"] = coverage_json();
    // Standard output is the JSON document alone (for programs); the count line goes to stderr.
    std::cout << json_text(doc) << '\n';
    std::cerr << passed_ << " passed, " << failed_ << " failed\n";
  }

  struct Result {
    std::string title, at;
    bool passed;
  };
  const TestOptions& options_;
  Loader loader_;
  engine::Date today_;
  std::map<std::string, std::optional<LoadedRules>> rules_;
  std::list<Coverage> coverage_;
  std::vector<Result> results_;
  std::vector<Failure> failures_;
  int passed_ = 0, failed_ = 0;
  std::size_t considered_ = 0;  // scenarios asked for (by the filter) in the files read, run or not
};

}  // namespace

void add_test_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TestOptions>();
  auto* cmd = app.add_subcommand("test", "Run scenario files: expected verdicts for given facts");
  cmd->add_option("paths", o->paths, "Scenario files, or folders searched for *.scenarios")->required();
  cmd->add_option("--filter", o->filter, "Only scenarios whose title contains this text");
  cmd->add_option("--format", o->format, "text or json")->capture_default_str();
  cmd->add_option("--today", o->today, "Evaluation date YYYY-MM-DD (default: the system date)")
      ->check(date_check);
  cmd->add_flag("--coverage", o->coverage,
                "Report which requirements, blocks, waivers and condition alternatives no scenario saw true and false");
  cmd->add_option("--coverage-min", o->coverage_min, "With --coverage: fail below this percentage");
  o->limits.add_options(cmd, "each scenario");
  cmd->callback([o, &exit_code] {
    if (o->coverage_min >= 0) o->coverage = true;
    exit_code = Runner(*o).run();
  });
}

}  // namespace phasegate::cli
