// `phasegate check`: parse and check rulesets (and facts files against them), report every diagnostic.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/load.hpp"

namespace phasegate::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> rules;
  std::vector<std::string> facts;
  std::string format = "text";
  bool strict = false;
  bool no_warnings = false;
};

// Keys in the order of CLI.md.
nlohmann::ordered_json diagnostics_json(const Diagnostics& diags) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& d : diags.items())
    list.push_back({{"file", d.pos.file},
                    {"line", d.pos.line},
                    {"column", d.pos.column},
                    {"severity", d.severity == Severity::error ? "error" : "warning"},
                    {"code", d.code},
                    {"message", d.message},
                    {"notes", d.notes}});
  return list;
}

int run_check(const CheckOptions& o) {
  Format format;
  if (!parse_format(o.format, format) || format == Format::dot || format == Format::markdown) {
    std::cerr << "phasegate check: --format must be text or json\n";
    return kUsage;
  }
  Loader loader;
  // A folder of rulesets (several `ruleset` lines) is checked ruleset by ruleset.
  auto rulesets = loader.check_rulesets(o.rules, !o.no_warnings);
  if (!o.facts.empty() && !loader.diagnostics().has_errors()) {
    if (rulesets.size() != 1) {
      std::cerr << "phasegate check: --facts is checked against one ruleset; " << rulesets.size()
                << " were given\n";
      return kUsage;
    }
    engine::FactBaseBuilder builder(rulesets.front().program);
    loader.load_facts(rulesets.front().program, o.facts, {}, builder);
  }
  std::size_t files = 0;
  for (const auto& r : rulesets) files += r.texts.size();
  auto& diags = loader.diagnostics();
  if (o.strict) diags.promote_warnings();
  diags.sort_and_dedupe();
  if (format == Format::json) {
    std::cout << json_text(diagnostics_json(diags)) << '\n';
  } else {
    loader.print_diagnostics();
    if (!diags.has_errors()) {
      std::size_t warnings = diags.warning_count();
      std::cerr << "checked " << files << " file(s)"
                << (rulesets.size() > 1 ? " in " + std::to_string(rulesets.size()) + " rulesets" : std::string())
                << ": no errors"
                << (warnings ? ", " + std::to_string(warnings) + " warning(s)" : std::string()) << '\n';
    } else {
      std::cerr << diags.error_count() << " error(s), " << diags.warning_count() << " warning(s)\n";
    }
  }
  return loader.exit_code();
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check", "Parse and check rulesets (and facts files against them)");
  cmd->add_option("rules", o->rules, "Ruleset files or folders (searched for *.rules)")->required();
  cmd->add_option("--facts", o->facts, "Facts files to check against the ruleset")
      ->allow_extra_args(false);
  cmd->add_option("--format", o->format, "text or json")->capture_default_str();
  cmd->add_flag("--strict", o->strict, "Treat warnings as errors");
  cmd->add_flag("--no-warnings", o->no_warnings, "Report errors only");
  cmd->callback([o, &exit_code] { exit_code = run_check(*o); });
}

}  // namespace phasegate::cli
