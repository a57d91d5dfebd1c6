// The decision log: recording decisions on the hash chain, listing, showing and comparing them.
#include <algorithm>
#include <map>

#include "store/json.hpp"
#include "store/impl.hpp"

namespace phasegate::store {
using detail::canonical_json;
using detail::in_transaction;
using detail::Statement;

namespace {

bool valid_verdict(const std::string& v) { return v == "GO" || v == "NO-GO" || v == "UNDETERMINED"; }

void check_verdicts(const nlohmann::json& verdicts) {
  if (!verdicts.is_array()) throw StoreError(ErrorKind::invalid, "decision verdicts must be a JSON array");
  for (const auto& v : verdicts) {
    if (!v.is_object() || !v.contains("phase") || !v["phase"].is_string() || !v.contains("verdict") ||
        !v["verdict"].is_string() || !valid_verdict(v["verdict"].get<std::string>()) ||
        (v.contains("args") && !v["args"].is_array()))
      throw StoreError(ErrorKind::invalid,
                       "each decision verdict must be {\"phase\": name, \"args\": [...], \"verdict\": "
                       "GO|NO-GO|UNDETERMINED}; got " +
                           canonical_json(v).substr(0, 200));
  }
}

// Upper case, `_` as `-`: `no_go` and `NO-GO` are the same verdict.
std::string normalise_verdict(std::string v) {
  for (auto& ch : v) ch = ch == '_' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (v == "NOGO") v = "NO-GO";
  return v;
}

std::string binding_key(const nlohmann::json& v) {
  return member_text(v, "phase") + canonical_json(member_args(v));
}

std::string ruleset_label(const Decision& d) {
  std::string s = d.ruleset_name;
  if (!d.ruleset_version.empty()) s += " " + d.ruleset_version;
  return s + " " + d.ruleset_sha256;
}

}  // namespace

// Records `in`; with `expect_latest`, only if the latest fact assertion at or before
// `moment` ("" for no bound) is still the one the caller evaluated on.
static std::optional<RecordedDecision> record(Store::Impl& impl, const DecisionInput& in,
                                              const std::optional<std::string>& expect_latest,
                                              const std::string& moment) {
  check_verdicts(in.verdicts);
  if (!is_iso_date(in.today)) throw StoreError(ErrorKind::invalid, "decision 'today' is not a date: " + in.today);
  if (in.ruleset_name.empty()) throw StoreError(ErrorKind::invalid, "a decision needs its ruleset's name");

  detail::DecisionRow row;
  row.actor = in.actor.empty() ? Store::os_user() : in.actor;
  row.ruleset_name = in.ruleset_name;
  row.ruleset_version = in.ruleset_version;
  row.ruleset_sha256 = in.ruleset_sha256;
  row.today = in.today;
  row.known_at = in.known_at.empty() ? "" : detail::normalise_moment(in.known_at, DateBound::end_of_day);
  row.facts_known_at =
      in.facts_known_at.empty() ? "" : detail::normalise_moment(in.facts_known_at, DateBound::end_of_day);
  const nlohmann::json options = in.options.is_null() ? nlohmann::json::object() : in.options;
  if (!options.is_object()) throw StoreError(ErrorKind::invalid, "decision options must be a JSON object");
  row.verdicts = canonical_json(in.verdicts);
  if (!in.explanation_json.empty()) row.explanation_ref = &in.explanation_json;  // not copied: it can be large
  else if (!in.explanation.is_null()) row.explanation = canonical_json(in.explanation);

  std::vector<std::pair<std::string, const std::string*>> texts;  // sha256, text
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : in.rules_files) {
    std::string sha = impl.text_sha256(f.text);
    files.push_back({{"path", f.path}, {"sha256", sha}});
    texts.emplace_back(sha, &f.text);
  }
  row.rules_files = canonical_json(files);

  // The snapshot written with this decision: the last one, while the facts are the same, or a fresh
  // one. A large one is not kept for the next decision (it lives in `unkept` until this returns): a
  // copy of its facts would double what recording it holds, for a reuse that only a service
  // recording many small decisions gains from.
  std::optional<Store::Impl::Snapshot> unkept;
  if (!impl.last_snapshot || impl.last_snapshot->facts != in.facts) {
    std::vector<const SnapshotFact*> sorted;
    for (const auto& f : in.facts) sorted.push_back(&f);
    std::stable_sort(sorted.begin(), sorted.end(), [](const SnapshotFact* a, const SnapshotFact* b) {
      return std::tie(a->name, a->args_text) < std::tie(b->name, b->args_text);
    });
    // The canonical JSON of the array, written a fact at a time: the same text as dumping one
    // array, without a tree of every fact (whose destructor allocates: out of memory, it aborts).
    std::string body = "[";
    for (const auto* f : sorted) {
      if (body.size() > 1) body += ',';
      body += canonical_json(detail::snapshot_to_json(*f));
    }
    body += ']';
    impl.last_snapshot.reset();  // (if what follows throws, no stale pairing is left)
    Store::Impl::Snapshot fresh{{}, std::move(body), {}};
    fresh.sha256 = sha256_hex(fresh.body);
    constexpr std::size_t kKeptFacts = 4096;
    if (in.facts.size() <= kKeptFacts) {
      fresh.facts = in.facts;
      impl.last_snapshot = std::move(fresh);
    } else {
      unkept = std::move(fresh);
    }
  }
  const Store::Impl::Snapshot& snapshot = unkept ? *unkept : *impl.last_snapshot;
  const std::string& snapshot_body = snapshot.body;
  row.facts_sha256 = snapshot.sha256;
  auto counts = detail::count_verdicts(in.verdicts);

  auto& c = impl.conn;
  return in_transaction(c, true, [&]() -> std::optional<RecordedDecision> {
    if (expect_latest) {
      Statement st(c,
                   moment.empty()
                       ? "SELECT max(recorded_at) FROM import_batch WHERE line_count > 0"
                       : "SELECT max(recorded_at) FROM import_batch WHERE line_count > 0 AND recorded_at <= ?1");
      if (!moment.empty()) st.bind(1, moment);
      if (st.step() && st.text(0) != *expect_latest) return std::nullopt;  // facts changed meanwhile
    }
    row.recorded_at = impl.next_recorded_at();
    // `--known-at` later than now: what the store knows at that moment is not settled yet (a later
    // import would belong to it). What the decision read is the state as of now, so that is the
    // moment that reproduces it.
    if (!row.facts_known_at.empty() && row.facts_known_at > row.recorded_at) row.facts_known_at = row.recorded_at;
    // The newest fact import as this decision is written, named by its hash: the decision's own hash
    // then covers the whole import chain up to it, so a rewritten, removed or back-dated import is
    // caught by `audit verify` even if the attacker re-computes the import hashes.
    {
      nlohmann::json o = options;
      Statement st(c, "SELECT id, hash FROM import_batch ORDER BY id DESC LIMIT 1");
      if (st.step()) o["imports"] = {{"batch", st.integer(0)}, {"hash", st.text(1)}};
      row.options = canonical_json(o);
    }
    {
      Statement st(c, "SELECT id, hash FROM decision ORDER BY id DESC LIMIT 1");
      if (st.step()) {
        row.id = st.integer(0) + 1;
        row.prev_hash = st.text(1);
      } else {
        row.id = 1;
        row.prev_hash = kGenesisHash;
      }
    }
    row.hash = detail::row_hash(row);
    {
      Statement st(c, "INSERT OR IGNORE INTO rules_text (sha256, text) VALUES (?1, ?2)");
      for (const auto& [sha, text] : texts) {
        st.reset();
        st.bind(1, sha).bind(2, *text);
        st.step();
      }
    }
    {
      Statement st(c, "INSERT OR IGNORE INTO fact_snapshot (sha256, body) VALUES (?1, ?2)");
      st.bind(1, row.facts_sha256).bind_kept(2, snapshot_body);
      st.step();
    }
    {
      Statement st(c, std::string("INSERT INTO decision (") + detail::kDecisionColumns +
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
      st.bind(1, row.id).bind(2, row.recorded_at).bind(3, row.actor).bind(4, row.ruleset_name);
      st.bind_opt(5, row.ruleset_version).bind(6, row.ruleset_sha256).bind(7, row.rules_files);
      st.bind(8, row.facts_sha256).bind(9, row.today).bind_opt(10, row.known_at).bind_opt(11, row.facts_known_at);
      st.bind(12, row.options).bind_kept(13, row.verdicts).bind_opt_kept(14, row.explanation_text());
      st.bind(15, row.prev_hash);
      st.bind(16, row.hash);
      st.step();
    }
    {
      // Index rows already under this new id belong to no decision (put there by hand; audit verify
      // reports them): the index is derived from the verdicts, so this decision's own rows replace
      // them rather than every later recording failing on them.
      Statement stray(c, "DELETE FROM decision_phase WHERE decision_id = ?1");
      stray.bind(1, row.id);
      stray.step();
      Statement st(c, "INSERT INTO decision_phase (decision_id, phase, verdict, count) VALUES (?1, ?2, ?3, ?4)");
      for (const auto& pc : counts) {
        st.reset();
        st.bind(1, row.id).bind(2, pc.phase).bind(3, pc.verdict).bind(4, pc.count);
        st.step();
      }
    }
    return RecordedDecision{row.id, row.recorded_at, row.hash};
  });
}

std::string Store::Impl::text_sha256(const std::string& text) {
  constexpr std::size_t kKept = 8;
  for (auto it = text_hashes.begin(); it != text_hashes.end(); ++it)
    if (it->first == text) return it->second;
  if (text_hashes.size() >= kKept) text_hashes.erase(text_hashes.begin());
  text_hashes.emplace_back(text, sha256_hex(text));
  return text_hashes.back().second;
}

RecordedDecision Store::record_decision(const DecisionInput& in) { return *record(*impl_, in, std::nullopt, ""); }

RecordedDecision Store::record_decision(const std::optional<std::string>& known_at,
                                        const std::function<DecisionInput(const FactState&)>& evaluate) {
  std::string moment = known_at ? detail::normalise_moment(*known_at, DateBound::end_of_day) : "";
  for (int attempt = 0; attempt < 20; ++attempt) {
    FactState state = facts(known_at);
    DecisionInput in = evaluate(state);
    in.facts_known_at = state.known_at;
    in.known_at = moment;
    if (auto r = record(*impl_, in, state.latest, moment)) return *r;
  }
  throw StoreError(ErrorKind::io,
                   "the store's facts kept changing while the decision was evaluated (20 attempts); "
                   "try again");
}

std::vector<DecisionSummary> Store::list_decisions(const DecisionFilter& filter) const {
  std::string sql =
      "SELECT id, recorded_at, actor, ruleset_name, ruleset_version, ruleset_sha256, today, known_at, hash "
      "FROM decision d WHERE 1";
  std::vector<std::string> binds;
  if (filter.from) {
    sql += " AND recorded_at >= ?" + std::to_string(binds.size() + 1);
    binds.push_back(detail::normalise_moment(*filter.from, DateBound::start_of_day));
  }
  if (filter.to) {
    sql += " AND recorded_at <= ?" + std::to_string(binds.size() + 1);
    binds.push_back(detail::normalise_moment(*filter.to, DateBound::end_of_day));
  }
  if (filter.actor) {
    sql += " AND actor = ?" + std::to_string(binds.size() + 1);
    binds.push_back(*filter.actor);
  }
  if (filter.phase || filter.verdict) {
    sql += " AND EXISTS (SELECT 1 FROM decision_phase p WHERE p.decision_id = d.id";
    if (filter.phase) {
      sql += " AND p.phase = ?" + std::to_string(binds.size() + 1);
      binds.push_back(*filter.phase);
    }
    if (filter.verdict) {
      std::string v = normalise_verdict(*filter.verdict);
      if (!valid_verdict(v))
        throw StoreError(ErrorKind::invalid, "not a verdict: '" + *filter.verdict + "' (GO, NO-GO or UNDETERMINED)");
      sql += " AND p.verdict = ?" + std::to_string(binds.size() + 1);
      binds.push_back(v);
    }
    sql += ")";
  }
  sql += " ORDER BY id DESC";
  if (filter.limit > 0) sql += " LIMIT " + std::to_string(filter.limit);

  auto& c = impl_->conn;
  return in_transaction(c, false, [&] {
    std::vector<DecisionSummary> out;
    Statement st(c.get(), sql);
    for (std::size_t i = 0; i < binds.size(); ++i) st.bind(static_cast<int>(i + 1), binds[i]);
    while (st.step()) {
      DecisionSummary s;
      s.id = st.integer(0);
      s.recorded_at = st.text(1);
      s.actor = st.text(2);
      s.ruleset_name = st.text(3);
      s.ruleset_version = st.text(4);
      s.ruleset_sha256 = st.text(5);
      s.today = st.text(6);
      s.known_at = st.text(7);
      s.hash = st.text(8);
      out.push_back(std::move(s));
    }
    std::reverse(out.begin(), out.end());
    Statement counts(c.get(),
                     "SELECT phase, verdict, count FROM decision_phase WHERE decision_id = ?1 ORDER BY phase, verdict");
    for (auto& s : out) {
      counts.reset();
      counts.bind(1, s.id);
      while (counts.step()) s.counts.push_back({counts.text(0), counts.text(1), counts.integer(2)});
    }
    return out;
  });
}

Decision Store::decision(std::int64_t id) const {
  auto& c = impl_->conn;
  return in_transaction(c, false, [&] {
    Statement st(c.get(), std::string("SELECT ") + detail::kDecisionColumns + " FROM decision WHERE id = ?1");
    st.bind(1, id);
    if (!st.step())
      throw StoreError(ErrorKind::no_such_record, "no decision " + std::to_string(id) + " in " + impl_->path);
    detail::DecisionRow r = detail::read_decision_row(st);
    Decision d;
    d.id = r.id;
    d.recorded_at = r.recorded_at;
    d.actor = r.actor;
    d.ruleset_name = r.ruleset_name;
    d.ruleset_version = r.ruleset_version;
    d.ruleset_sha256 = r.ruleset_sha256;
    d.facts_sha256 = r.facts_sha256;
    d.today = r.today;
    d.known_at = r.known_at;
    d.facts_known_at = r.facts_known_at;
    d.prev_hash = r.prev_hash;
    d.hash = r.hash;
    auto corrupt = [&](const std::string& what) {
      return StoreError(ErrorKind::io,
                        "decision " + std::to_string(id) + " is damaged: " + what + " (run `phasegate audit verify`)");
    };
    try {
      d.options = nlohmann::json::parse(r.options);
      d.verdicts = nlohmann::json::parse(r.verdicts);
      d.explanation = r.explanation.empty() ? nlohmann::json() : nlohmann::json::parse(r.explanation);
      auto files = nlohmann::json::parse(r.rules_files);
      Statement text(c.get(), "SELECT text FROM rules_text WHERE sha256 = ?1");
      for (const auto& f : files) {
        RulesFileText rf;
        rf.path = f.at("path").get<std::string>();
        std::string sha = f.at("sha256").get<std::string>();
        text.reset();
        text.bind(1, sha);
        if (!text.step()) throw corrupt("the text of rules file " + rf.path + " is missing");
        rf.text = text.text(0);
        d.rules_files.push_back(std::move(rf));
        d.rules_file_sha256.push_back(sha);
      }
      Statement snap(c.get(), "SELECT body FROM fact_snapshot WHERE sha256 = ?1");
      snap.bind(1, r.facts_sha256);
      if (!snap.step()) throw corrupt("its fact snapshot is missing");
      if (!detail::for_each_json_element(
              snap.text(0), [&](const nlohmann::json& f) { d.facts.push_back(detail::snapshot_from_json(f)); }, true))
        throw corrupt("its fact snapshot is not a list");
    } catch (const nlohmann::json::exception& e) {
      throw corrupt(std::string("unreadable stored JSON (") + e.what() + ")");
    }
    return d;
  });
}

std::optional<ChainHead> Store::head() const {
  Statement st(impl_->conn.get(), "SELECT id, hash FROM decision ORDER BY id DESC LIMIT 1");
  if (!st.step()) return std::nullopt;
  return ChainHead{st.integer(0), st.text(1)};
}

DecisionDiff Store::diff(std::int64_t a, std::int64_t b) const {
  Decision da = decision(a), db = decision(b);
  DecisionDiff out;
  out.a = a;
  out.b = b;
  out.ruleset_a = ruleset_label(da);
  out.ruleset_b = ruleset_label(db);
  out.ruleset_changed = da.ruleset_sha256 != db.ruleset_sha256;
  out.today_a = da.today;
  out.today_b = db.today;

  using Key = std::pair<std::string, std::string>;
  std::map<Key, const SnapshotFact*> fa, fb;
  for (const auto& f : da.facts) fa[{f.name, f.args_text}] = &f;
  for (const auto& f : db.facts) fb[{f.name, f.args_text}] = &f;
  std::vector<Key> keys;
  for (const auto& [k, f] : fa) keys.push_back(k);
  for (const auto& [k, f] : fb)
    if (!fa.count(k)) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  for (const auto& k : keys) {
    auto ia = fa.find(k), ib = fb.find(k);
    FactChange ch;
    ch.name = k.first;
    ch.args_text = k.second;
    if (ia != fa.end()) ch.before = *ia->second;
    if (ib != fb.end()) ch.after = *ib->second;
    if (!ch.before) {
      ch.kind = FactChange::Kind::added;
    } else if (!ch.after) {
      ch.kind = FactChange::Kind::removed;
    } else if (ch.before->value_text != ch.after->value_text) {
      ch.kind = FactChange::Kind::changed;
    } else if (ch.before->source != ch.after->source || ch.before->as_of != ch.after->as_of ||
               ch.before->assumption != ch.after->assumption) {
      ch.kind = FactChange::Kind::restated;
    } else {
      continue;
    }
    out.facts.push_back(std::move(ch));
  }

  std::map<std::string, const nlohmann::json*> va, vb;
  std::vector<std::string> order;  // first decision's order, then bindings new in the second
  for (const auto& v : da.verdicts) {
    va[binding_key(v)] = &v;
    order.push_back(binding_key(v));
  }
  for (const auto& v : db.verdicts) {
    vb[binding_key(v)] = &v;
    if (!va.count(binding_key(v))) order.push_back(binding_key(v));
  }
  for (const auto& k : order) {
    const nlohmann::json* x = va.count(k) ? va[k] : nullptr;
    const nlohmann::json* y = vb.count(k) ? vb[k] : nullptr;
    std::string before = x ? member_text(*x, "verdict") : "";
    std::string after = y ? member_text(*y, "verdict") : "";
    if (before == after) continue;
    VerdictChange vc;
    const nlohmann::json* any = x ? x : y;
    vc.phase = member_text(*any, "phase");
    vc.args = member_args(*any);
    vc.before = before;
    vc.after = after;
    if (x) vc.before_detail = *x;
    if (y) vc.after_detail = *y;
    out.verdicts.push_back(std::move(vc));
  }
  return out;
}

}  // namespace phasegate::store
