// `phasegate advise`: the go/no-go table for every phase (or the phases asked about).
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/load.hpp"
#include "cli/reasons.hpp"
#include "cli/render_advise.hpp"
#include "engine/calendar.hpp"
#include "engine/eval/evaluate.hpp"

namespace phasegate::cli {

namespace {

struct AdviseOptions {
  std::vector<std::string> rules;
  std::vector<std::string> facts;
  std::vector<std::string> phases;
  std::vector<std::string> assume;
  std::string today;
  std::string format = "text";
  bool summary = false;
  std::uint64_t max_tuples = 50'000'000;
  double max_seconds = 60.0;
};

// "handover( \"Rafah\" )" -> "handover(\"Rafah\")": spaces outside quotes and after commas normalised.
std::string normalise_key(const std::string& s) {
  std::string out;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      out += c;
      if (c == '\\' && i + 1 < s.size()) out += s[++i];
      else if (c == '"') quoted = false;
      continue;
    }
    if (c == '"') quoted = true;
    if (c == ' ' || c == '\t') continue;
    out += c;
    if (c == ',') out += ' ';
  }
  return out;
}

void report_eval_error(Loader& loader, const engine::EvalError& e) {
  loader.diagnostics().error(e.code, syntax::Position{e.pos.file, e.pos.line, e.pos.column, 0}, e.message);
  loader.print_diagnostics();
}

int run_advise(const AdviseOptions& o) {
  Format format;
  if (!parse_format(o.format, format) || format == Format::dot) {
    std::cerr << "phasegate advise: --format must be text, json or markdown\n";
    return kUsage;
  }
  engine::EvalOptions eval_options;
  eval_options.max_tuples = o.max_tuples;
  eval_options.max_seconds = o.max_seconds;
  if (o.today.empty()) {
    eval_options.today.days = engine::today_local();
  } else if (auto d = engine::parse_iso_date(o.today)) {
    eval_options.today.days = *d;
  } else {
    std::cerr << "phasegate advise: --today wants a date as YYYY-MM-DD, not `" << o.today << "`\n";
    return kUsage;
  }

  Loader loader;
  auto rules = loader.load_rules(o.rules);
  if (!rules) {
    loader.print_diagnostics();
    return loader.exit_code();
  }
  const auto& program = rules->program;

  // Which phase bindings were asked about: names, or names with arguments.
  std::vector<std::pair<int, std::string>> wanted;  // phase id, normalised key ("" = every binding)
  for (const auto& spec : o.phases) {
    std::string name = spec.substr(0, spec.find('('));
    while (!name.empty() && name.back() == ' ') name.pop_back();
    int id = program.find_phase(name);
    if (id < 0) {
      std::vector<std::string> names;
      for (const auto& p : program.phases) names.push_back(p.name);
      std::string near = nearest_name(name, names);
      std::cerr << "phasegate advise: no phase `" << name << "` in ruleset " << program.name;
      if (!near.empty()) std::cerr << "; did you mean `" << near << "`?";
      std::cerr << '\n';
      return kUsage;
    }
    wanted.emplace_back(id, spec.find('(') == std::string::npos ? "" : normalise_key(spec));
  }

  engine::FactBaseBuilder builder(program);
  if (!loader.load_facts(program, o.facts, o.assume, builder)) {
    loader.print_diagnostics();
    return loader.exit_code() == kOk ? kBadInput : loader.exit_code();
  }
  auto facts = std::move(builder).build();
  spdlog::info("evaluating {} with {} facts file(s), {} assumption(s)", program.name, o.facts.size(), o.assume.size());

  auto outcome = engine::evaluate(program, facts, eval_options);
  if (!outcome.evaluation) {
    report_eval_error(loader, outcome.error.value_or(engine::EvalError{"evaluation failed", {}, "E0900"}));
    return kBadInput;
  }
  const auto& evaluation = *outcome.evaluation;
  spdlog::info("{} derived tuples", evaluation.derived_tuples);

  AdviseReport report;
  report.program = &program;
  report.sha256 = rules->sha256;
  report.today = engine::format_iso_date(eval_options.today.days);
  for (const auto& row : evaluation.phases) {
    if (wanted.empty()) {
      report.rows.push_back(&row);
      continue;
    }
    for (const auto& [id, key] : wanted)
      if (id == row.phase && (key.empty() || key == normalise_key(phase_key(program, row)))) {
        report.rows.push_back(&row);
        break;
      }
  }
  for (const auto& [id, key] : wanted) {
    if (key.empty()) continue;
    bool found = false;
    for (const auto* row : report.rows) found = found || (row->phase == id && normalise_key(phase_key(program, *row)) == key);
    if (!found) {
      std::cerr << "phasegate advise: phase " << key << " has no such binding\n";
      return kUsage;
    }
  }

  bool color = stdout_color();
  if (o.summary) {
    if (format == Format::json) std::cout << summary_json(report).dump(2) << '\n';
    else if (format == Format::markdown) std::cout << summary_markdown(report);
    else std::cout << summary_text(report, color);
  } else if (format == Format::json) {
    std::cout << advise_json(report).dump(2) << '\n';
  } else if (format == Format::markdown) {
    std::cout << advise_markdown(report);
  } else {
    std::cout << advise_text(report, color);
  }
  std::cout.flush();

  bool any_no_go = false, any_undetermined = false;
  for (const auto* row : report.rows) {
    any_no_go = any_no_go || row->verdict == engine::Verdict::no_go;
    any_undetermined = any_undetermined || row->verdict == engine::Verdict::undetermined;
  }
  return any_no_go ? kNoGo : any_undetermined ? kUndetermined : kOk;
}

}  // namespace

void add_advise_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<AdviseOptions>();
  auto* cmd = app.add_subcommand("advise", "GO, NO-GO or UNDETERMINED for each phase, with the reasons");
  cmd->add_option("rules", o->rules, "Ruleset files or folders")->required();
  cmd->add_option("--facts", o->facts, "Facts files, in order (later files win)");
  cmd->add_option("--phase", o->phases, "Only these phases: NAME or NAME(ARGS)");
  cmd->add_option("--assume", o->assume, "Assume 'FACT = VALUE' (overrides files and store)");
  cmd->add_option("--today", o->today, "Evaluation date YYYY-MM-DD (default: the system date)");
  cmd->add_option("--format", o->format, "text, json or markdown")->capture_default_str();
  cmd->add_flag("--summary", o->summary, "Count GO, NO-GO and UNDETERMINED bindings per phase");
  cmd->add_option("--max-tuples", o->max_tuples, "Stop when more tuples are derived")->capture_default_str();
  cmd->add_option("--max-seconds", o->max_seconds, "Stop evaluation after this long")->capture_default_str();
  cmd->callback([o, &exit_code] { exit_code = run_advise(*o); });
}

}  // namespace phasegate::cli
