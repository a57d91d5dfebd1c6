// `phasegate audit list|show|verify|diff|head`: the decision log and its tamper-evidence chain.
#include <cctype>
#include <algorithm>
#include <charconv>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/explain_hook.hpp"
#include "cli/replay.hpp"
#include "store/json.hpp"
#include "store/store.hpp"
#include "grammar/quote.hpp"

namespace phasegate::cli {

namespace {

struct AuditOptions {
  std::string db;
  std::string format = "text";
  std::string phase, verdict, from, to, actor;
  std::size_t limit = 0;
  std::int64_t id = 0, id2 = 0;
  std::string head;
};

std::string db_path(const AuditOptions& o) { return o.db.empty() ? store::Store::default_path() : o.db; }
std::optional<std::string> opt(const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); }

// A report's headings two levels down (`#` -> `###`), to sit under the `## Explanations` of a record.
std::string nested_headings(const std::string& md) {
  std::string out;
  out.reserve(md.size() + 64);
  bool line_start = true;
  for (char c : md) {
    if (line_start && c == '#') out += "##";
    out += c;
    line_start = c == '\n';
  }
  return out;
}

bool text_or_json(const AuditOptions& o, Format& f, bool markdown_ok = false) {
  if (!parse_format(o.format, f) || f == Format::dot || (f == Format::markdown && !markdown_ok)) {
    std::cerr << "phasegate audit: --format must be text or json" << (markdown_ok ? " or markdown" : "") << '\n';
    return false;
  }
  return true;
}

template <typename F>
int guarded(const char* what, F&& body) {
  try {
    return body();
  } catch (const store::StoreError& e) {
    std::cerr << "phasegate audit " << what << ": " << e.what() << '\n';
    return e.exit_code();
  }
}

std::string key_of(const nlohmann::json& v) {
  std::string key = store::member_text(v, "phase");
  const auto& args = store::member_args(v);
  if (args.empty()) return key;
  key += '(';
  for (std::size_t i = 0; i < args.size(); ++i) key += (i ? ", " : "") + json_text(args[i], -1);
  return key + ')';
}

int run_list(const AuditOptions& o) {
  Format f;
  if (!text_or_json(o, f)) return kUsage;
  return guarded("list", [&] {
    auto s = store::Store::open(db_path(o), store::OpenMode::must_exist);
    store::DecisionFilter filter{opt(o.phase), opt(o.verdict), opt(o.from), opt(o.to), opt(o.actor), o.limit};
    auto list = s.list_decisions(filter);
    if (f == Format::json) {
      auto out = nlohmann::json::array();
      for (const auto& d : list) out.push_back(store::as_json(d));
      std::cout << json_text(out) << '\n';
      return int(kOk);
    }
    for (const auto& d : list) {
      std::cout << '#' << d.id << "  " << d.recorded_at << "  " << d.actor << "  " << d.ruleset_name
                << (d.ruleset_version.empty() ? "" : " " + d.ruleset_version) << "  today " << d.today << "  ";
      for (std::size_t i = 0; i < d.counts.size(); ++i)
        std::cout << (i ? ", " : "") << d.counts[i].phase << " " << d.counts[i].verdict
                  << (d.counts[i].count > 1 ? " x" + std::to_string(d.counts[i].count) : "");
      std::cout << '\n';
    }
    std::cout << list.size() << " decision(s)\n";
    return int(kOk);
  });
}

int run_show(const AuditOptions& o) {
  Format f;
  if (!text_or_json(o, f, true)) return kUsage;
  return guarded("show", [&] {
    auto s = store::Store::open(db_path(o), store::OpenMode::must_exist);
    auto d = s.decision(o.id);
    if (f == Format::json) {
      std::cout << json_text(store::as_json(d, true)) << '\n';
      return int(kOk);
    }
    bool md = f == Format::markdown;
    std::cout << (md ? "# Decision " : "Decision #") << d.id << "\n\n"
              << (md ? "- " : "") << "recorded " << d.recorded_at << " by " << d.actor << '\n'
              << (md ? "- " : "") << "ruleset " << d.ruleset_name << ' ' << d.ruleset_version << " (sha256 "
              << d.ruleset_sha256 << ")\n"
              << (md ? "- " : "") << "today " << d.today << (d.known_at.empty() ? "" : ", facts as known at " + d.known_at)
              << '\n'
              << (md ? "- " : "") << "hash " << d.hash << "\n\n"
              << (md ? "## Facts\n\n" : "Facts:\n");
    for (const auto& x : d.facts)
      std::cout << (md ? "- `" : "  ") << x.fact_text() << (md ? "`" : "") << "  — "
                << (x.assumption ? "ASSUMED" : x.source.empty() ? "no source" : printable(x.source))
                << (x.as_of.empty() ? "" : ", as of " + x.as_of)
                << (x.recorded_by.empty() ? "" : ", entered by " + x.recorded_by + " at " + x.recorded_at) << " ("
                << printable(x.file) << (x.line ? ":" + std::to_string(x.line) : "") << ")\n";
    std::cout << (md ? "\n## Verdicts\n\n" : "\nVerdicts:\n");
    for (const auto& v : d.verdicts) {
      std::cout << (md ? "- **" : "  ") << key_of(v) << (md ? "**: " : "  ") << store::member_text(v, "verdict") << '\n';
      if (v.is_object() && v.contains("reasons") && v["reasons"].is_array())
        for (const auto& r : v["reasons"])
          std::cout << (md ? "  - " : "      ") << store::member_text(r, "label") << ": " << store::member_text(r, "text")
                    << " is " << store::member_text(r, "value") << '\n';
    }
    // The why trees, from a replay of the stored rules and facts (audit verify proves it matches).
    try {
      auto r = replay_decision(d);
      std::cout << (md ? "\n## Explanations\n" : "\nExplanations:\n");
      const AssumedFacts assumed = assumed_facts_of(*r->model);
      for (const auto* row : r->rows)
        std::cout << '\n' << (md ? nested_headings(explanation_markdown_for(*r->model, *row, false, assumed))
                                  : explanation_text_for(*r->model, *row, false, false, assumed));
    } catch (const std::exception& e) {
      std::cout << "\n(explanations unavailable: the decision does not replay: " << e.what() << ")\n";
    }
    return int(kOk);
  });
}

int run_verify(const AuditOptions& o) {
  Format f;
  if (!text_or_json(o, f)) return kUsage;
  return guarded("verify", [&] {
    auto s = store::Store::open(db_path(o), store::OpenMode::must_exist);
    std::string head = o.head;  // hashes are kept in lower case; one copied in upper case is the same
    std::transform(head.begin(), head.end(), head.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    auto report = s.verify(replay_verdicts, opt(head));
    if (f == Format::json) {
      std::cout << json_text(store::as_json(report)) << '\n';
    } else {
      for (const auto& p : report.problems)
        std::cout << "FAIL " << (p.decision_id ? "decision #" + std::to_string(p.decision_id)
                                 : p.batch_id  ? "import batch " + std::to_string(p.batch_id)
                                               : std::string("log"))
                  << ": " << store::to_string(p.kind) << ": " << p.message << '\n';
      std::cout << report.records << " decision(s) and " << report.imports << " import(s) checked, " << report.replayed
                << " replayed: " << (report.ok() ? "the log is intact" : std::to_string(report.problems.size()) + " problem(s)")
                << '\n';
      if (!report.head.empty()) std::cout << "head " << report.head << '\n';
    }
    // A damaged file is a store failure (CLI.md: "corrupt file", 74), even though the walk reports
    // what it could still read: an auditor must not take it for a record that was altered.
    const bool corrupt = std::any_of(report.problems.begin(), report.problems.end(),
                                     [](const store::Problem& p) { return p.kind == store::ProblemKind::store_corrupt; });
    if (corrupt) {
      std::cerr << "phasegate audit verify: the store file is corrupt (SQLite finds damaged pages); the problems "
                   "listed are what could still be read\n";
      return int(kIoError);
    }
    return report.ok() ? int(kOk) : int(kNoGo);
  });
}

int run_diff(const AuditOptions& o) {
  Format f;
  if (!text_or_json(o, f)) return kUsage;
  return guarded("diff", [&] {
    auto s = store::Store::open(db_path(o), store::OpenMode::must_exist);
    auto df = s.diff(o.id, o.id2);
    auto fact_text = [](const std::optional<store::SnapshotFact>& x) {
      return x ? x->fact_text() + (x->source.empty() ? "" : "  (" + printable(x->source) + ")") : std::string("-");
    };
    if (f == Format::json) {
      std::cout << json_text(store::as_json(df)) << '\n';
      return int(kOk);
    }
    std::cout << "decision #" << df.a << " -> #" << df.b << '\n';
    if (df.ruleset_changed) std::cout << "ruleset: " << df.ruleset_a << " -> " << df.ruleset_b << '\n';
    if (df.today_a != df.today_b) std::cout << "today: " << df.today_a << " -> " << df.today_b << '\n';
    std::cout << "\nfacts (" << df.facts.size() << " change(s)):\n";
    for (const auto& c : df.facts)
      std::cout << "  " << store::to_string(c.kind) << "  " << c.name << c.args_text << ": " << fact_text(c.before)
                << " -> " << fact_text(c.after) << '\n';
    std::cout << "\nverdicts (" << df.verdicts.size() << " flip(s)):\n";
    for (const auto& v : df.verdicts) {
      nlohmann::json k = {{"phase", v.phase}, {"args", v.args}};
      std::cout << "  " << key_of(k) << ": " << (v.before.empty() ? "-" : v.before) << " -> "
                << (v.after.empty() ? "-" : v.after) << '\n';
      for (const char* side : {"before", "after"}) {
        const auto& detail = std::string(side) == "before" ? v.before_detail : v.after_detail;
        if (detail.is_object() && detail.contains("reasons") && detail["reasons"].is_array())
          for (const auto& r : detail["reasons"])
            std::cout << "      " << side << ": " << store::member_text(r, "label") << ": " << store::member_text(r, "text")
                      << " is " << store::member_text(r, "value") << '\n';
      }
    }
    return int(kOk);
  });
}

int run_head(const AuditOptions& o) {
  Format f;
  if (!text_or_json(o, f)) return kUsage;
  return guarded("head", [&] {
    auto s = store::Store::open(db_path(o), store::OpenMode::must_exist);
    auto h = s.head();
    if (f == Format::json) {
      // {"id": 12, "hash": "…"}; both null for an empty log.
      nlohmann::json j = {{"id", nullptr}, {"hash", nullptr}};
      if (h) j = {{"id", h->id}, {"hash", h->hash}};
      std::cout << json_text(j) << '\n';
    } else if (h) {
      std::cout << h->hash << '\n';
    } else {
      std::cerr << "the decision log is empty\n";
    }
    return int(kOk);
  });
}

// A decision id: a whole number from 1 up that fits the log's ids (a longer one was read as the
// largest id and reported as "no decision 9223372036854775807").
std::string decision_id_check(const std::string& text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 1)
    return "wants a decision id (a whole number from 1, as `audit list` shows), not `" + text + "`";
  return "";
}

}  // namespace

void add_audit_command(CLI::App& app, int& exit_code) {
  auto* audit = app.add_subcommand("audit", "The decision log: list, show, verify, diff, head");
  audit->require_subcommand(1);
  auto make = [&](const char* name, const char* help, int (*run)(const AuditOptions&)) {
    auto o = std::make_shared<AuditOptions>();
    auto* cmd = audit->add_subcommand(name, help);
    cmd->add_option("--db", o->db, "The store (default $PHASEGATE_DB, then ./phasegate.db)");
    cmd->callback([o, run, &exit_code] { exit_code = run(*o); });
    return std::make_pair(cmd, o);
  };
  {
    auto [cmd, o] = make("list", "Recorded decisions, latest last", run_list);
    cmd->add_option("--phase", o->phase, "Only decisions that evaluated this phase");
    cmd->add_option("--verdict", o->verdict, "... with at least one binding of this verdict");
    cmd->add_option("--from", o->from, "Recorded at or after (date or timestamp)")
      ->check(moment_check);
    cmd->add_option("--to", o->to, "Recorded at or before (date or timestamp)")
      ->check(moment_check);
    cmd->add_option("--actor", o->actor, "Recorded by")->check(name_check);
    cmd->add_option("--limit", o->limit, "Only the latest N (0: all)")->check(CLI::Range(std::size_t{0}, std::size_t{1} << 40));
    cmd->add_option("--format", o->format, "text or json")->capture_default_str();
  }
  {
    auto [cmd, o] = make("show", "One decision: rules, facts with provenance, verdicts, explanations", run_show);
    cmd->add_option("id", o->id, "Decision id")->required()->check(decision_id_check);
    cmd->add_option("--format", o->format, "text, json or markdown")->capture_default_str();
  }
  {
    auto [cmd, o] = make("verify", "Check the hash chain and replay every decision", run_verify);
    cmd->add_option("--head", o->head, "A head hash kept elsewhere: also detect a truncated log")
      ->check(head_check);
    cmd->add_option("--format", o->format, "text or json")->capture_default_str();
  }
  {
    auto [cmd, o] = make("diff", "Which facts changed and which verdicts flipped between two decisions", run_diff);
    cmd->add_option("a", o->id, "First decision id")->required()->check(decision_id_check);
    cmd->add_option("b", o->id2, "Second decision id")->required()->check(decision_id_check);
    cmd->add_option("--format", o->format, "text or json")->capture_default_str();
  }
  {
    auto [cmd, o] = make("head", "Print the latest chain hash (keep it elsewhere)", run_head);
    cmd->add_option("--format", o->format, "text or json")->capture_default_str();
  }
}

}  // namespace phasegate::cli
