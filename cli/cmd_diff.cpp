// `phasegate diff`: the phases whose verdict changes between two versions of a ruleset, and why.
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <variant>
#include <nlohmann/json.hpp>

#include "cli/advice.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/limits.hpp"
#include "cli/load.hpp"
#include "cli/reasons.hpp"
#include "engine/calendar.hpp"
#include "engine/eval/evaluate.hpp"
#include "grammar/parse.hpp"
#include "grammar/quote.hpp"

namespace fs = std::filesystem;

namespace phasegate::cli {

namespace {

struct DiffOptions {
  std::string old_rules, new_rules;
  std::vector<std::string> facts;
  std::vector<std::string> assume;
  std::vector<std::string> scenarios;
  std::string today;
  std::string format = "text";
  EvalLimits limits;
};

// One situation to compare on: facts files and inline lines in the order they apply, later ones
// winning (a scenario's givens, or the --facts given).
struct Situation {
  std::string name;
  std::vector<std::variant<std::string, const syntax::FactLine*>> givens;  // a facts file's path, or a line
};

struct Change {
  std::string situation, phase;
  std::string before, after;
  std::vector<std::string> reasons_before, reasons_after;
};

std::vector<std::string> reason_lines(const engine::Program& p, const engine::PhaseResult* row) {
  std::vector<std::string> out;
  if (!row) return out;
  for (const auto& r : reasons_for(p, *row))
    out.push_back(reason_label(r) + ": " + reason_statement(r));
  return out;
}

class Differ {
 public:
  explicit Differ(const DiffOptions& o) : o_(o) {}

  int run() {
    Format format;
    if (!parse_format(o_.format, format) || (format != Format::text && format != Format::json)) {
      std::cerr << "phasegate diff: --format must be text or json\n";
      return kUsage;
    }
    if (!parse_today(o_.today, "diff", today_)) return kUsage;
    auto before = loader_.load_rules({o_.old_rules});
    auto after = loader_.load_rules({o_.new_rules});
    if (!before || !after) {
      loader_.print_diagnostics();
      return loader_.exit_code();
    }
    std::vector<Situation> situations;
    std::vector<syntax::ScenariosFile> files;  // keeps the lines alive
    const Situation given{"the facts given", {o_.facts.begin(), o_.facts.end()}};
    if (o_.scenarios.empty()) {
      situations.push_back(given);
    } else {
      for (const auto& path : o_.scenarios) collect(path, files);
      for (const auto& file : files) {
        fs::path dir = fs::path(file.path).parent_path();
        for (const auto& s : file.scenarios) {
          Situation sit{"scenario " + quote_string(s.title), given.givens};
          for (const auto& item : s.items) {  // in the order written, as `test` applies them
            if (const auto* g = std::get_if<syntax::GivenFile>(&item)) sit.givens.emplace_back((dir / g->path).string());
            else if (const auto* l = std::get_if<syntax::FactLine>(&item)) sit.givens.emplace_back(l);
          }
          situations.push_back(std::move(sit));
        }
      }
    }
    if (loader_.diagnostics().has_errors()) {
      loader_.print_diagnostics();
      return loader_.exit_code();
    }
    for (const auto& s : situations) compare(before->program, after->program, s);
    loader_.print_diagnostics();  // the errors, or the warnings (W0706) before the result
    if (loader_.diagnostics().has_errors()) return loader_.exit_code();
    if (format == Format::json) print_json(situations.size());
    else print_text(situations.size());
    return kOk;
  }

 private:
  void collect(const std::string& path, std::vector<syntax::ScenariosFile>& files) {
    std::error_code ec;
    std::vector<std::string> paths;
    if (fs::is_directory(path, ec)) {
      paths = files_in_folder(path, [](const fs::path& f) { return f.extension() == ".scenarios"; });
    } else {
      paths.push_back(path);
    }
    for (const auto& p : paths) {
      ReadResult rr;
      files.push_back(read_scenarios(p, loader_.sources(), loader_.diagnostics(), &rr, parse_limits()));
      if (rr.io_error) loader_.mark_io_error();  // exit 66: a scenarios file that is not there
    }
  }

  // A fact the other version declares and `program` does not (a fact the change adds or removes):
  // its lines are left out of `program`'s evaluation, with a warning naming the version, once per
  // fact. A fact neither declares is an error, as anywhere else.
  bool only_in_other(const engine::Program& program, const engine::Program& other, const syntax::Ident& name,
                     const std::string& version) {
    if (program.declares_fact(name.name) || !other.declares_fact(name.name)) return false;
    if (warned_.insert(version + '\n' + name.name).second)
      loader_.diagnostics().warning("W0706", name.pos,
                                    "fact `" + name.name + "` is not declared in " + version +
                                        ": its lines are left out when evaluating that version",
                                    {"the other version declares it; the verdicts compared are each version's own"});
    return true;
  }

  std::optional<engine::Evaluation> evaluate(const engine::Program& program, const engine::Program& other,
                                             const std::string& version, const Situation& s) {
    engine::FactBaseBuilder builder(program);
    auto& diags = loader_.diagnostics();
    const std::size_t errors_at_start = diags.error_count();
    for (const auto& g : s.givens) {
      if (const auto* path = std::get_if<std::string>(&g)) {
        ReadResult rr;
        auto file = read_facts(*path, loader_.sources(), diags, &rr, parse_limits());
        if (rr.io_error) loader_.mark_io_error();
        // A line that does not parse does not hide the errors of the lines that do (the evaluation
        // is not used: errors_at_start below).
        if (rr.io_error) continue;
        std::erase_if(file.items, [&](const syntax::FactsItem& item) {
          if (const auto* l = std::get_if<syntax::FactLine>(&item)) return only_in_other(program, other, l->name, version);
          return only_in_other(program, other, std::get<syntax::LoadLine>(item).relation, version);
        });
        builder.add_file(file, loader_.sources(), diags, parse_limits().max_file_bytes);
      } else {
        const syntax::FactLine& line = *std::get<const syntax::FactLine*>(g);
        if (only_in_other(program, other, line.name, version)) continue;
        engine::FactOrigin origin;
        origin.file = line.pos.file;
        origin.line = line.pos.line;
        origin.column = line.pos.column;
        builder.add_line(line, origin, diags);
      }
    }
    for (std::size_t i = 0; i < o_.assume.size(); ++i) {  // assumptions win over everything
      const std::string label = o_.assume.size() == 1 ? "--assume" : "--assume#" + std::to_string(i + 1);
      loader_.sources().add(label, o_.assume[i]);
      auto line = parse_fact_line(label, o_.assume[i], diags);
      if (!line || only_in_other(program, other, line->name, version)) continue;
      engine::FactOrigin origin;
      origin.file = "--assume";
      origin.line = static_cast<std::uint32_t>(i + 1);
      origin.column = 1;
      origin.source = "assumption";
      origin.assumption = true;
      builder.add_line(*line, origin, diags);
    }
    if (diags.error_count() > errors_at_start) return std::nullopt;
    auto facts = std::move(builder).build();
    engine::EvalOptions eo;
    eo.today = today_;
    o_.limits.apply(eo);
    auto outcome = engine::evaluate(program, facts, eo);
    if (!outcome.evaluation) {
      const auto& e = *outcome.error;
      loader_.diagnostics().error(e.code, syntax::Position{e.pos.file, e.pos.line, e.pos.column, 0}, e.message,
                                  {"evaluating " + version + " on " + s.name});
      return std::nullopt;
    }
    return std::move(outcome.evaluation);
  }

  void compare(const engine::Program& p0, const engine::Program& p1, const Situation& s) {
    auto e0 = evaluate(p0, p1, o_.old_rules, s);
    auto e1 = evaluate(p1, p0, o_.new_rules, s);
    if (!e0 || !e1) return;
    std::map<std::string, const engine::PhaseResult*> old_rows, new_rows;
    std::vector<std::string> order;
    for (const auto& r : e0->phases) {
      auto key = phase_key(p0, r);
      old_rows[key] = &r;
      order.push_back(key);
    }
    for (const auto& r : e1->phases) {
      auto key = phase_key(p1, r);
      if (!old_rows.count(key)) order.push_back(key);
      new_rows[key] = &r;
    }
    for (const auto& key : order) {
      const auto* a = old_rows.count(key) ? old_rows[key] : nullptr;
      const auto* b = new_rows.count(key) ? new_rows[key] : nullptr;
      std::string va = a ? engine::to_string(a->verdict) : "absent";
      std::string vb = b ? engine::to_string(b->verdict) : "absent";
      if (va == vb) continue;
      changes_.push_back({s.name, key, va, vb, reason_lines(p0, a), reason_lines(p1, b)});
    }
  }

  void print_text(std::size_t situations) {
    for (const auto& c : changes_) {
      std::cout << c.phase << ": " << c.before << " -> " << c.after << "  (" << c.situation << ")\n";
      for (const auto& r : c.reasons_before) std::cout << "    before  " << r << '\n';
      for (const auto& r : c.reasons_after) std::cout << "    after   " << r << '\n';
    }
    std::cout << changes_.size() << " verdict(s) change over " << situations << " situation(s)\n";
  }

  void print_json(std::size_t situations) {
    auto list = nlohmann::json::array();
    for (const auto& c : changes_)
      list.push_back({{"situation", c.situation},
                      {"phase", c.phase},
                      {"before", c.before},
                      {"after", c.after},
                      {"reasons_before", c.reasons_before},
                      {"reasons_after", c.reasons_after}});
    std::cout << json_text(nlohmann::json{{"changes", list}, {"situations", situations}}) << '\n';
  }

  const DiffOptions& o_;
  Loader loader_;
  engine::Date today_;
  std::vector<Change> changes_;
  std::set<std::string> warned_;  // W0706 given: version and fact
};

}  // namespace

void add_diff_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DiffOptions>();
  auto* cmd = app.add_subcommand("diff", "Phases whose verdict changes between two versions of a ruleset, and why");
  cmd->add_option("old", o->old_rules, "The ruleset before the change")->required();
  cmd->add_option("new", o->new_rules, "The ruleset after the change")->required();
  cmd->add_option("--facts", o->facts, "Facts files to compare on")
      ->allow_extra_args(false);
  cmd->add_option("--assume", o->assume, "Assume 'FACT = VALUE'")
      ->allow_extra_args(false);
  cmd->add_option("--scenarios", o->scenarios, "Compare on every scenario of these files or folders")
      ->allow_extra_args(false);
  cmd->add_option("--today", o->today, "Evaluation date YYYY-MM-DD (default: the system date)")
      ->check(date_check);
  cmd->add_option("--format", o->format, "text or json")->capture_default_str();
  o->limits.add_options(cmd, "each version on each situation");
  cmd->callback([o, &exit_code] { exit_code = Differ(*o).run(); });
}

}  // namespace phasegate::cli
