// Converting between store assertions and the engine's facts, keeping provenance both ways.
#include <set>
#include "cli/store_facts.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>

#include "cli/advice.hpp"
#include "cli/common.hpp"
#include "engine/calendar.hpp"
#include "grammar/parse.hpp"

namespace phasegate::cli {

bool add_store_fact(Loader& loader, const engine::Program& program, const store::StoredFact& f,
                    engine::FactBaseBuilder& builder) {
  engine::FactOrigin origin;
  // Its provenance names the facts file and line it was imported from (the record id says it came
  // through the store); diagnostics about the line name the record and that file and line
  // (`store#18 (day1.facts:4)`), the text shown being the record's.
  origin.file = f.file.empty() ? "store#" + std::to_string(f.id) : f.file;
  origin.line = f.file.empty() ? 1 : f.line;
  origin.source = f.source;
  if (auto d = engine::parse_iso_date(f.as_of)) origin.as_of = engine::Date{*d};
  origin.recorded_by = f.actor;
  origin.recorded_at = f.recorded_at;
  origin.record_id = f.id;
  // A retraction names the tuple only: `= unknown` types its arguments for any fact relation.
  std::string text = f.kind == store::AssertionKind::retraction ? f.name + f.args_text + " = unknown" : f.fact_text();
  std::string label = "store#" + std::to_string(f.id);
  if (!f.file.empty()) label += " (" + f.file + ":" + std::to_string(f.line) + ")";
  return loader.add_line(program, label, text, origin, builder);
}

bool add_store_facts(Loader& loader, const engine::Program& program, const store::FactState& state,
                     engine::FactBaseBuilder& builder) {
  bool ok = true;
  std::size_t skipped = 0;
  std::set<std::string> names;  // of the facts left out
  for (const auto& f : state.facts) {
    if (!program.declares_fact(f.name)) {
      ++skipped;
      names.insert(f.name);
      continue;
    }
    ok = add_store_fact(loader, program, f, builder) && ok;
  }
  if (skipped) {
    // A store may hold the facts of several rulesets; a name this one does not declare may also be a
    // misspelling imported without --rules, whose fact then reads as unknown: say so, with the
    // nearest declared name.
    std::vector<std::string> declared;
    for (const auto& r : program.relations)
      if (r.kind == engine::RelationKind::fact) declared.push_back(r.name);
    std::string list;
    std::size_t shown = 0;
    for (const auto& n : names) {
      if (shown++ == 5) {
        list += ", ...";
        break;
      }
      list += (list.empty() ? "`" : ", `") + n + "`";
      if (auto near = nearest_name(n, declared); !near.empty()) list += " (did you mean `" + near + "`?)";
    }
    spdlog::warn("{} store fact(s) that ruleset {} does not declare were left out: {}", skipped, program.name, list);
  }
  return ok;
}

int gather_facts(Loader& loader, const engine::Program& program, const FactInputs& in, bool open_for_record,
                 engine::FactBaseBuilder& builder, GatheredFacts& out, engine::FactBase* file_facts) {
  // `--known-at` asks the store: without `--db`, the default store ($PHASEGATE_DB, else ./phasegate.db).
  const std::string db_path = !in.db.empty() || in.known_at.empty() ? in.db : store::Store::default_path();
  if (in.state) {
    if (!in.known_at.empty()) out.known_at = in.known_at;
    out.facts_known_at = in.state->known_at;
    out.facts_last_id = in.state->last_id;
    if (!add_store_facts(loader, program, *in.state, builder)) {
      loader.print_diagnostics();
      return kBadInput;
    }
  }
  try {
    if (!in.state && (!db_path.empty() || open_for_record)) {
      std::string path = db_path.empty() ? store::Store::default_path() : db_path;
      out.db = store::Store::open(path, open_for_record ? store::OpenMode::create_if_missing : store::OpenMode::must_exist);
    }
    if (out.db && !db_path.empty()) {
      if (!in.known_at.empty()) out.known_at = in.known_at;
      auto state = out.db->facts(out.known_at);
      out.facts_known_at = state.known_at;
      out.facts_last_id = state.last_id;
      if (!add_store_facts(loader, program, state, builder)) {
        loader.print_diagnostics();
        return kBadInput;
      }
    }
  } catch (const store::StoreError& e) {
    std::cerr << "phasegate: " << e.what() << '\n';
    return e.exit_code();
  }
  std::optional<engine::FactBaseBuilder> apart;
  if (file_facts) apart.emplace(program);
  if (!loader.load_facts(program, in.files, in.assume, apart ? *apart : builder)) {
    loader.print_diagnostics();
    return loader.exit_code() == kOk ? kBadInput : loader.exit_code();
  }
  if (apart) *file_facts = std::move(*apart).build();
  return kOk;
}

int load_rules_and_phases(Loader& loader, const std::vector<std::string>& rules, const std::vector<std::string>& phases,
                          const char* command, std::optional<LoadedRules>& out, PhaseSelection& selection) {
  out = loader.load_rules(rules);
  if (!out) {
    loader.print_diagnostics();
    return loader.exit_code();
  }
  std::string error;
  if (!select_phases(out->program, phases, selection, error)) {
    std::cerr << "phasegate " << command << ": " << error << '\n';
    return kUsage;
  }
  return kOk;
}

int compute_advice(const AdviceRequest& request, Advice& out) {
  using Clock = std::chrono::steady_clock;
  auto since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  auto t0 = Clock::now();
  if (int rc = load_rules_and_phases(out.loader, request.rules, request.phases, request.command, out.rules,
                                     out.selection))
    return rc;
  const auto& program = out.rules->program;
  std::string error;
  spdlog::debug("rules read and checked in {:.3f} s", since(t0));
  auto t1 = Clock::now();
  engine::FactBaseBuilder builder(program);
  if (int rc = gather_facts(out.loader, program, request.facts, request.open_for_record, builder, out.gathered,
                            request.keep_file_facts ? &out.file_facts : nullptr))
    return rc;
  out.facts = std::move(builder).build();
  if (request.keep_file_facts) out.facts.merge(engine::FactBase(out.file_facts));  // over the store's
  if (request.release_fact_index) out.facts.release_index();
  spdlog::debug("{} facts read and checked in {:.3f} s", out.facts.total(), since(t1));
  auto t2 = Clock::now();
  spdlog::info("evaluating {} with {} facts file(s), {} assumption(s)", program.name, request.facts.files.size(),
               request.facts.assume.size());
  // Only the phases asked about (and those they wait on) get verdicts: a runtime error in another
  // phase (a division by zero) does not stop the advice on these.
  engine::EvalOptions eval = request.eval;
  if (!request.phases.empty() && !eval.phases) eval.phases = selected_phases(program, request.phases);
  out.model = evaluate_or_report(out.loader, program, out.facts, eval);
  if (!out.model) return kBadInput;
  spdlog::info("{} derived tuples", out.model->evaluation().derived_tuples);
  spdlog::debug("evaluated in {:.3f} s", since(t2));
  if (!selected_rows(program, out.model->evaluation(), out.selection, out.rows, error)) {
    std::cerr << "phasegate " << request.command << ": " << error << '\n';
    return kUsage;
  }
  return kOk;
}

namespace {

std::string literal_text(const syntax::Literal& lit) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, syntax::NumberLit>) {
          auto d = engine::Decimal::parse(v.text);
          return d ? d->to_source() : v.text;
        } else if constexpr (std::is_same_v<T, syntax::StringLit>) return store::quote_facts_string(v.value);
        else if constexpr (std::is_same_v<T, syntax::DateLit>)
          return engine::format_iso_date(engine::days_from_civil(v.year, v.month, v.day));
        else if constexpr (std::is_same_v<T, syntax::DurationLit>)
          return std::to_string(v.amount) + (v.unit == syntax::DurationUnit::weeks ? " weeks" : " days");
        else if constexpr (std::is_same_v<T, syntax::BoolLit>) return v.value ? "true" : "false";
        else if constexpr (std::is_same_v<T, syntax::MemberLit>) return v.name;
        else return "unknown";
      },
      lit);
}

std::string date_text(const std::optional<syntax::DateLit>& d) {
  return d ? engine::format_iso_date(engine::days_from_civil(d->year, d->month, d->day)) : std::string();
}

}  // namespace

// A facts line as the store keeps it, written as it was (without the ruleset's types).
static store::FactAssertion plain_assertion(const syntax::FactLine& line, const syntax::FactsFile& file,
                                            const std::string& path) {
  store::FactAssertion a;
  a.name = line.name.name;
  if (line.args) {
    a.args_text = "(";
    for (std::size_t i = 0; i < line.args->size(); ++i) a.args_text += (i ? ", " : "") + literal_text((*line.args)[i]);
    a.args_text += ")";
  }
  if (line.value) a.value_text = literal_text(*line.value);
  a.source = line.prov.source ? *line.prov.source : file.defaults.source.value_or("");
  a.as_of = line.prov.as_of ? date_text(line.prov.as_of) : date_text(file.defaults.as_of);
  a.file = path;
  a.line = line.pos.line;
  return a;
}

bool assertions_from_file(Loader& loader, const engine::Program* program, const std::string& path,
                          std::vector<store::FactAssertion>& out, std::string& title) {
  ReadResult rr;
  auto& diags = loader.diagnostics();
  std::size_t errors_before = diags.error_count();
  auto file = read_facts(path, loader.sources(), diags, &rr, parse_limits());
  if (rr.io_error) loader.mark_io_error();  // exit 66: an input file that cannot be opened
  if (rr.io_error) return false;
  const bool parsed = diags.error_count() == errors_before;
  title = file.title.value_or("");
  if (program) {
    // Checked and typed by the ruleset; tables are read too. The lines that parsed are checked even
    // when others did not, so that every error of the file is reported at once.
    engine::FactBaseBuilder builder(*program);
    if (!builder.add_file(file, loader.sources(), diags, parse_limits().max_file_bytes) || !parsed) return false;
    auto facts = std::move(builder).build();
    // A fact given twice in the file (`x = true` on line 5, `x = false` on line 6): the facts keep the
    // last, but the store keeps every line imported, each an assertion of its own (the earlier ones
    // first, so the last still wins in the store's state).
    std::set<std::uint32_t> kept;
    for (std::size_t r = 0; r < facts.relations(); ++r)
      for (std::size_t i = 0; i < facts.size(static_cast<int>(r)); ++i) {
        const auto& origin = facts.origin(static_cast<int>(r), i);
        if (origin.file == path) kept.insert(origin.line);
      }
    for (const auto& item : file.items) {
      const auto* line = std::get_if<syntax::FactLine>(&item);
      if (!line || kept.count(line->pos.line)) continue;
      out.push_back(plain_assertion(*line, file, path));
    }
    for (auto& f : snapshot(*program, facts)) {
      store::FactAssertion a;
      a.name = f.name;
      a.args_text = f.args_text;
      a.value_text = f.value_text;
      a.source = f.source;
      a.as_of = f.as_of;
      a.file = f.file;
      a.line = f.line;
      out.push_back(std::move(a));
    }
    return true;
  }
  if (!parsed) return false;
  for (const auto& item : file.items) {
    if (const auto* load = std::get_if<syntax::LoadLine>(&item)) {
      diags.error("E0610", load->pos, "importing a table needs the ruleset that declares `" + load->relation.name + "`",
                  {"give it with --rules FILE"});
      return false;
    }
    out.push_back(plain_assertion(std::get<syntax::FactLine>(item), file, path));
  }
  return true;
}

}  // namespace phasegate::cli
