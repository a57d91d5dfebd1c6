// `phasegate explain`: why a phase has its verdict, what would it take, what could stop it.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/advice.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/load.hpp"
#include "cli/reasons.hpp"
#include "cli/store_facts.hpp"
#include "engine/calendar.hpp"
#include "engine/eval/model.hpp"
#include "engine/explain/explain.hpp"
#include "engine/json_out.hpp"

namespace phasegate::cli {

namespace {

struct ExplainCliOptions {
  std::vector<std::string> rules;
  std::vector<std::string> facts;
  std::vector<std::string> phases;
  std::vector<std::string> assume;
  std::string today;
  std::string db;
  std::string known_at;
  std::string format = "text";
  std::size_t max_sets = 8;
  double max_seconds = 2.0;
};

int run_explain(const ExplainCliOptions& o) {
  Format format;
  if (!parse_format(o.format, format)) {
    std::cerr << "phasegate explain: --format must be text, json, markdown or dot\n";
    return kUsage;
  }
  engine::EvalOptions eval_options;
  if (!parse_today(o.today, "explain", eval_options.today)) return kUsage;
  eval_options.facts_fixed = true;  // one evaluation: the facts' tables are read in place
  Advice advice;
  if (int rc = compute_advice({"explain", o.rules, o.phases, {o.facts, o.assume, o.db, o.known_at}, false, eval_options},
                              advice))
    return rc;
  const auto& program = advice.program();
  const auto& rules = advice.rules;
  const auto& model = *advice.model;
  const auto& rows = advice.rows;
  engine::ExplainOptions eo;
  eo.max_sets = o.max_sets;
  eo.max_seconds = o.max_seconds;
  eo.assumed = std::make_shared<const std::vector<engine::FactRef>>(engine::assumed_facts(model));
  bool color = stdout_color();
  // JSON: written as text (as nlohmann would print it, keys sorted), so that numbers keep every digit.
  std::string json;
  engine::JsonOut out(json, 2);
  if (format == Format::json) {
    out.begin_object();
    // As advise's: the moment the store was read at with --known-at, else null.
    const auto& g = advice.gathered;
    out.key("known_at");
    if (g.known_at) out.string(g.facts_known_at);
    else out.null();
    out.key("phases");
    out.begin_array();
  }
  std::vector<engine::Explanation> dot_trees;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto e = engine::explain_phase(model, *rows[i], eo);
    switch (format) {
      case Format::json: {
        out.begin_object();
        out.key("args");
        out.begin_array();
        for (const auto& a : rows[i]->args) out.raw(engine::constant_json_text(program, a));
        out.end_array();
        out.key("explanation");
        out.raw(engine::explanation_json_text(model, e, 2, 3));
        out.member("phase", program.phases[static_cast<std::size_t>(rows[i]->phase)].name);
        out.member("verdict", engine::to_string(rows[i]->verdict));
        out.end_object();
        break;
      }
      case Format::markdown: std::cout << (i ? "\n" : "") << engine::explanation_markdown(model, e); break;
      case Format::dot: dot_trees.push_back(std::move(e)); break;  // one graph for all, below
      case Format::text: std::cout << (i ? "\n" : "") << engine::explanation_text(model, e, color); break;
    }
  }
  if (format == Format::dot) std::cout << engine::explanations_dot(model, dot_trees);
  if (format == Format::json) {
    out.end_array();
    out.key("ruleset");
    out.begin_object();
    out.member("name", program.name);
    out.member("sha256", rules->sha256);
    out.member("version", program.version);
    out.end_object();
    out.member("today", engine::format_iso_date(eval_options.today.days));
    out.end_object();
    std::cout << json << '\n';
  }
  // The verdicts are in the output; the exit code says the explanation was given (CLI.md gives 1 and
  // 2 to `advise` only).
  return kOk;
}

}  // namespace

void add_explain_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ExplainCliOptions>();
  auto* cmd = app.add_subcommand("explain", "Why a phase has its verdict, what would it take, what could stop it");
  cmd->add_option("rules", o->rules, "Ruleset files or folders")->required();
  cmd->add_option("--phase", o->phases, "The phase: NAME or NAME(ARGS) (repeatable)")->required()
      ->allow_extra_args(false);
  cmd->add_option("--facts", o->facts, "Facts files, in order (later files win)")
      ->allow_extra_args(false);
  cmd->add_option("--db", o->db, "Read facts from this store too");
  cmd->add_option("--known-at", o->known_at, "Use only what the store knew at this moment")
      ->check(moment_check);
  cmd->add_option("--assume", o->assume, "Assume 'FACT = VALUE' (overrides files and store)")
      ->allow_extra_args(false);
  cmd->add_option("--today", o->today, "Evaluation date YYYY-MM-DD (default: the system date)")
      ->check(date_check);
  cmd->add_option("--format", o->format, "text, json, markdown or dot")->capture_default_str();
  cmd->add_option("--max-sets", o->max_sets, "Sets listed per question")
      ->capture_default_str()
      ->check([](const std::string& s) { return count_check(s, true); });
  cmd->add_option("--max-seconds", o->max_seconds, "Budget of the search for smallest sets")
      ->capture_default_str()
      ->check([](const std::string& s) { return seconds_check(s, false); });
  cmd->callback([o, &exit_code] { exit_code = run_explain(*o); });
}

}  // namespace phasegate::cli
