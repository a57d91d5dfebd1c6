// `phasegate facts import|list|history|export`: the fact store, with provenance and append-only history.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/load.hpp"
#include "cli/store_facts.hpp"
#include "store/json.hpp"
#include "store/store.hpp"
#include "grammar/quote.hpp"

namespace phasegate::cli {

namespace {

struct FactsOptions {
  std::vector<std::string> files;
  std::vector<std::string> rules;
  std::string db;
  std::string actor;
  std::string known_at;
  std::string name;
  std::string format = "text";
};

std::string db_path(const FactsOptions& o) { return o.db.empty() ? store::Store::default_path() : o.db; }

std::optional<std::string> opt(const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); }

bool check_format(const FactsOptions& o, Format& format, const char* what) {
  if (!parse_format(o.format, format) || (format != Format::text && format != Format::json)) {
    std::cerr << "phasegate facts " << what << ": --format must be text or json\n";
    return false;
  }
  return true;
}

int run_import(const FactsOptions& o) {
  Format format;
  if (!check_format(o, format, "import")) return kUsage;
  Loader loader;
  std::optional<LoadedRules> rules;
  if (!o.rules.empty()) {
    rules = loader.load_rules(o.rules);
    if (!rules) {
      loader.print_diagnostics();
      return loader.exit_code();
    }
  }
  std::vector<store::FactAssertion> lines;
  std::vector<std::string> titles;
  for (const auto& f : o.files) {
    std::string title;
    assertions_from_file(loader, rules ? &rules->program : nullptr, f, lines, title);
    if (!title.empty()) titles.push_back(title);
  }
  if (loader.diagnostics().has_errors() || loader.io_error()) {
    loader.print_diagnostics();
    std::cerr << "nothing was imported\n";
    return loader.exit_code();
  }
  try {
    auto s = store::Store::open(db_path(o), store::OpenMode::create_if_missing);
    store::ImportOptions io;
    io.actor = o.actor;
    for (std::size_t i = 0; i < titles.size(); ++i) io.title += (i ? "; " : "") + titles[i];
    io.files = o.files;
    auto r = s.import_facts(lines, io);
    if (format == Format::json) std::cout << json_text(store::as_json(r)) << '\n';
    else std::cout << "imported " << r.count << " fact(s) as batch " << r.batch_id << " at " << r.recorded_at << '\n';
  } catch (const store::StoreError& e) {
    std::cerr << "phasegate facts import: " << e.what() << "\nnothing was imported\n";
    return e.exit_code();
  }
  return kOk;
}

int run_list(const FactsOptions& o) {
  Format format;
  if (!check_format(o, format, "list")) return kUsage;
  try {
    auto s = store::Store::open(db_path(o), store::OpenMode::must_exist);
    auto state = s.facts(opt(o.known_at));
    if (format == Format::json) {
      auto list = nlohmann::json::array();
      for (const auto& f : state.facts) list.push_back(store::as_json(f));
      std::cout << json_text(store::as_json(state)) << '\n';
      return kOk;
    }
    std::size_t width = 4;
    for (const auto& f : state.facts) width = std::max(width, f.fact_text().size() + 2);
    for (const auto& f : state.facts) {
      std::string text = f.fact_text();
      std::cout << text << std::string(width - text.size(), ' ') << "# " << (f.source.empty() ? "-" : printable(f.source))
                << (f.as_of.empty() ? "" : ", as of " + f.as_of) << ", by " << f.actor << " at " << f.recorded_at
                << '\n';
    }
    std::cout << state.facts.size() << " fact(s)" << (state.known_at.empty() ? "" : " as known at " + state.known_at)
              << '\n';
  } catch (const store::StoreError& e) {
    std::cerr << "phasegate facts list: " << e.what() << '\n';
    return e.exit_code();
  }
  return kOk;
}

int run_history(const FactsOptions& o) {
  Format format;
  if (!check_format(o, format, "history")) return kUsage;
  try {
    auto s = store::Store::open(db_path(o), store::OpenMode::must_exist);
    auto h = s.history(o.name);
    if (format == Format::json) {
      auto list = nlohmann::json::array();
      for (const auto& f : h) list.push_back(store::as_json(f));
      std::cout << json_text(list) << '\n';
      return kOk;
    }
    for (const auto& f : h) {
      std::cout << f.recorded_at << "  " << f.actor << "  "
                << (f.kind == store::AssertionKind::retraction ? "retracted " + f.name + f.args_text : f.fact_text())
                << "  # " << (f.source.empty() ? "-" : printable(f.source)) << (f.as_of.empty() ? "" : ", as of " + f.as_of)
                << " (" << printable(f.file) << ":" << f.line << ")\n";
    }
    if (h.empty()) std::cout << "no assertion of `" << o.name << "`\n";
  } catch (const store::StoreError& e) {
    std::cerr << "phasegate facts history: " << e.what() << '\n';
    return e.exit_code();
  }
  return kOk;
}

int run_export(const FactsOptions& o) {
  try {
    auto s = store::Store::open(db_path(o), store::OpenMode::must_exist);
    std::cout << s.export_facts(opt(o.known_at));
  } catch (const store::StoreError& e) {
    std::cerr << "phasegate facts export: " << e.what() << '\n';
    return e.exit_code();
  }
  return kOk;
}

}  // namespace

void add_facts_command(CLI::App& app, int& exit_code) {
  auto* facts = app.add_subcommand("facts", "The fact store: import, list, history, export");
  facts->require_subcommand(1);
  auto add_db = [](CLI::App* cmd, FactsOptions& o) {
    cmd->add_option("--db", o.db, "The store (default $PHASEGATE_DB, then ./phasegate.db)");
  };

  auto oi = std::make_shared<FactsOptions>();
  auto* imp = facts->add_subcommand("import", "Append the facts of files to the store (all or nothing)");
  imp->add_option("files", oi->files, "Facts files")->required();
  add_db(imp, *oi);
  imp->add_option("--actor", oi->actor, "Who enters the facts (default: the OS user)")->check(name_check);
  imp->add_option("--rules", oi->rules, "Check values against this ruleset (needed for `load` tables)");
  imp->add_option("--format", oi->format, "text or json")->capture_default_str();
  imp->callback([oi, &exit_code] { exit_code = run_import(*oi); });

  auto ol = std::make_shared<FactsOptions>();
  auto* list = facts->add_subcommand("list", "The current value of every fact, with its provenance");
  add_db(list, *ol);
  list->add_option("--known-at", ol->known_at, "As the store knew it at this moment")
      ->check(moment_check);
  list->add_option("--format", ol->format, "text or json")->capture_default_str();
  list->callback([ol, &exit_code] { exit_code = run_list(*ol); });

  auto oh = std::make_shared<FactsOptions>();
  auto* hist = facts->add_subcommand("history", "Every assertion of one fact over time");
  hist->add_option("name", oh->name, "The fact's name")->required();
  add_db(hist, *oh);
  hist->add_option("--format", oh->format, "text or json")->capture_default_str();
  hist->callback([oh, &exit_code] { exit_code = run_history(*oh); });

  auto oe = std::make_shared<FactsOptions>();
  auto* exp = facts->add_subcommand("export", "Write the store's facts as a *.facts file to standard output");
  add_db(exp, *oe);
  exp->add_option("--known-at", oe->known_at, "As the store knew it at this moment")
      ->check(moment_check);
  exp->callback([oe, &exit_code] { exit_code = run_export(*oe); });
}

}  // namespace phasegate::cli
