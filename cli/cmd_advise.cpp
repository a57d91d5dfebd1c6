// `phasegate advise`: the go/no-go table for every phase (or the phases asked about), from files and the store.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "cli/advice.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/limits.hpp"
#include "cli/explain_hook.hpp"
#include "cli/load.hpp"
#include "cli/reasons.hpp"
#include "cli/render_advise.hpp"
#include "cli/store_facts.hpp"
#include "engine/calendar.hpp"
#include "engine/eval/model.hpp"
#include "store/store.hpp"

namespace phasegate::cli {

namespace {

struct AdviseOptions {
  std::vector<std::string> rules;
  std::vector<std::string> facts;
  std::vector<std::string> phases;
  std::vector<std::string> assume;
  std::string today;
  std::string format = "text";
  std::string db;
  std::string known_at;
  std::string actor;
  bool record = false;
  bool explain = false;
  bool summary = false;
  EvalLimits limits;
};

int run_advise(const AdviseOptions& o) {
  // A decision recorded must be reported even when the reader of standard output has gone (`| head`):
  // without SIGPIPE the write fails, and the exit (74) and stderr say which decision is in the log.
  if (o.record) std::signal(SIGPIPE, SIG_IGN);
  Format format;
  if (!parse_format(o.format, format) || format == Format::dot) {
    std::cerr << "phasegate advise: --format must be text, json or markdown\n";
    return kUsage;
  }
  engine::EvalOptions eval_options;
  o.limits.apply(eval_options);
  eval_options.facts_fixed = true;  // one evaluation: the facts' tables are read in place
  if (!parse_today(o.today, "advise", eval_options.today)) return kUsage;
  if (o.summary && o.explain && !o.record) {  // it would be computed and thrown away
    std::cerr << "phasegate advise: --explain with --summary: a summary shows no binding to explain "
                 "(drop --summary to see the trees, or add --record to keep them in the store)\n";
    return kUsage;
  }
  // A summary of whole phases needs the counts alone: no result per binding is kept.
  const bool counts_only = o.summary && !o.record && !o.explain &&
                           std::none_of(o.phases.begin(), o.phases.end(),
                                        [](const std::string& spec) { return spec.find('(') != std::string::npos; });
  eval_options.results = !counts_only;
  FactInputs inputs{o.facts, o.assume, o.db, o.known_at};
  auto request = [&](const FactInputs& facts, bool open_for_record) {
    AdviceRequest r{"advise", o.rules, o.phases, facts, open_for_record, eval_options};
    // The explanations look facts up, on several threads at once (the index is kept for them: see
    // FactBase::index_all).
    r.release_fact_index = !o.explain;
    return r;
  };

  // The table, and what the decision log keeps of it.
  auto make_report = [&](const Advice& advice) {
    AdviseReport report;
    report.program = &advice.program();
    report.sha256 = advice.rules->sha256;
    report.today = engine::format_iso_date(eval_options.today.days);
    const auto& g = advice.gathered;
    report.known_at = g.known_at ? std::optional<std::string>(g.facts_known_at) : std::nullopt;
    report.rows = advice.rows;
    if (counts_only) report.counts = selected_counts(advice.program(), advice.model->evaluation(), o.phases);
    if (o.summary && !counts_only) report.summary_phases = selected_phases(advice.program(), o.phases);
    // Explanations as JSON are built up front only for a recorded decision (the log stores them);
    // the JSON table streams them as it writes, Text and Markdown render their trees (below).
    if (o.explain && o.record) report.explanations = explain_rows(*advice.model, report.rows, /*counterfactuals=*/false);
    return report;
  };
  auto decision_input = [&](const Advice& advice, const AdviseReport& report) {
    const auto& program = advice.program();
    store::DecisionInput in;
    in.actor = o.actor;
    in.ruleset_name = program.name;
    in.ruleset_version = program.version;
    in.ruleset_sha256 = advice.rules->sha256;
    for (const auto& [path, text] : advice.rules->texts) in.rules_files.push_back({path, text});
    in.facts = snapshot(program, advice.facts);
    in.today = report.today;
    in.known_at = advice.gathered.known_at.value_or("");
    in.facts_known_at = advice.gathered.facts_known_at;
    in.options = {{"phases", o.phases}};
    in.verdicts = verdicts_json(program, report.rows);
    if (!report.explanations.empty()) {
      // The array as text: each explanation is already canonical JSON (what dump() prints). Parsed
      // into one tree it took ten times its size (1 GB for readiness 10 000).
      std::size_t size = 2;
      for (const auto& text : report.explanations) size += text.size() + 1;
      in.explanation_json.reserve(size);
      in.explanation_json += '[';
      for (std::size_t i = 0; i < report.explanations.size(); ++i) {
        if (i) in.explanation_json += ',';
        in.explanation_json += report.explanations[i];
      }
      in.explanation_json += ']';
    }
    return in;
  };

  std::optional<Advice> advice;
  AdviseReport report;
  if (o.record && !o.db.empty()) {
    // Facts from the store and the record in one step: if another process imports facts in
    // between, the store reads and evaluates again, so --known-at reproduces the decision exactly.
    struct Stop {
      int rc;
    };
    // A decision that cannot be made creates no store: with none there yet, the rules and the
    // phases asked for are checked before it is created (facts come from the store only after).
    if (std::error_code ec; !std::filesystem::exists(o.db, ec)) {
      Loader probe;
      std::optional<LoadedRules> rules;
      PhaseSelection selection;
      if (int rc = load_rules_and_phases(probe, o.rules, o.phases, "advise", rules, selection)) return rc;
    }
    try {
      auto db = store::Store::open(o.db, store::OpenMode::create_if_missing);
      std::optional<std::string> known_at;
      if (!o.known_at.empty()) known_at = o.known_at;
      auto recorded = db.record_decision(known_at, [&](const store::FactState& state) {
        advice.reset();
        advice.emplace();
        FactInputs with_state = inputs;
        with_state.state = &state;
        if (int rc = compute_advice(request(with_state, false), *advice))
          throw Stop{rc};
        report = make_report(*advice);
        return decision_input(*advice, report);
      });
      report.decision_id = recorded.id;
      spdlog::info("recorded decision {} ({})", recorded.id, recorded.hash);
    } catch (const Stop& stop) {
      return stop.rc;
    } catch (const store::StoreError& e) {
      std::cerr << "phasegate advise: the decision was not recorded: " << e.what() << '\n';
      return e.exit_code();
    }
  } else {
    advice.emplace();
    if (int rc = compute_advice(request(inputs, o.record), *advice)) return rc;
    report = make_report(*advice);
    if (o.record) {
      try {
        auto recorded = advice->gathered.db->record_decision(decision_input(*advice, report));
        report.decision_id = recorded.id;
        spdlog::info("recorded decision {} ({})", recorded.id, recorded.hash);
      } catch (const store::StoreError& e) {
        std::cerr << "phasegate advise: the decision was not recorded: " << e.what() << '\n';
        return e.exit_code();
      }
    }
  }
  const auto& model = *advice->model;

  bool color = stdout_color();
  if (o.summary) {
    if (format == Format::json) std::cout << json_text(summary_json(report)) << '\n';
    else if (format == Format::markdown) std::cout << summary_markdown(report);
    else std::cout << summary_text(report, color);
  } else if (format == Format::json) {
    std::optional<ExplanationStream> stream;  // unless built already for the log
    if (o.explain && report.explanations.empty()) {
      stream.emplace(model, report.rows, /*counterfactuals=*/false);
      report.next_explanation = [&stream](std::string& out) { stream->next(out); };
    }
    write_advise_json(std::cout, report);
  } else if (format == Format::markdown) {
    std::cout << advise_markdown(report);
    if (o.explain) {
      const AssumedFacts assumed = assumed_facts_of(model);
      for (const auto* row : report.rows) std::cout << '\n' << explanation_markdown_for(model, *row, false, assumed);
    }
  } else {
    std::cout << advise_text(report, color);
    if (o.explain) {
      const AssumedFacts assumed = assumed_facts_of(model);
      for (const auto* row : report.rows) std::cout << '\n' << explanation_text_for(model, *row, color, false, assumed);
    }
  }
  if (report.decision_id && stdout_failed())
    // The decision is in the log though its id never reached the caller, who would otherwise record
    // it again (the exit code is 74: the results were not written).
    std::cerr << "phasegate advise: decision " << *report.decision_id
              << " was recorded, but the results could not be written to standard output\n";

  return counts_only ? verdict_exit_code(report.counts) : verdict_exit_code(report.rows);
}

}  // namespace

void add_advise_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<AdviseOptions>();
  auto* cmd = app.add_subcommand("advise", "GO, NO-GO or UNDETERMINED for each phase, with the reasons");
  cmd->add_option("rules", o->rules, "Ruleset files or folders")->required();
  cmd->add_option("--facts", o->facts, "Facts files, in order (later files win, and win over the store)")
      ->allow_extra_args(false);
  cmd->add_option("--db", o->db, "The fact store and decision log (default $PHASEGATE_DB, then ./phasegate.db)");
  cmd->add_option("--phase", o->phases, "Only these phases: NAME or NAME(ARGS)")
      ->allow_extra_args(false);
  cmd->add_option("--assume", o->assume, "Assume 'FACT = VALUE' (overrides files and store)")
      ->allow_extra_args(false);
  cmd->add_option("--today", o->today, "Evaluation date YYYY-MM-DD (default: the system date)")
      ->check(date_check);
  cmd->add_option("--known-at", o->known_at, "Use only what the store knew at this moment (the store at --db, else the default store)")
      ->check(moment_check);
  cmd->add_flag("--explain", o->explain, "Add the why tree of every verdict");
  cmd->add_flag("--record", o->record, "Write the decision to the audit log and print its id");
  cmd->add_option("--actor", o->actor, "Who records the decision (default: the OS user)")->check(name_check);
  cmd->add_option("--format", o->format, "text, json or markdown")->capture_default_str();
  cmd->add_flag("--summary", o->summary, "Count GO, NO-GO and UNDETERMINED bindings per phase");
  o->limits.add_options(cmd);
  cmd->callback([o, &exit_code] { exit_code = run_advise(*o); });
}

}  // namespace phasegate::cli
