// Verifying the decision log: the hash chain, the stored texts, the phase index, and a replay of every decision.
#include <algorithm>
#include <new>
#include <map>
#include <unordered_map>

#include "store/json.hpp"
#include "store/impl.hpp"

namespace phasegate::store {
using detail::canonical_json;
using detail::Statement;

namespace {

std::string short_hash(const std::string& h) { return h.size() > 12 ? h.substr(0, 12) : h; }

std::string binding_label(const nlohmann::json& v) {
  std::string s = member_text(v, "phase", "?");
  if (v.contains("args") && v["args"].is_array() && !v["args"].empty()) {
    s += "(";
    bool first = true;
    for (const auto& a : v["args"]) {
      if (!first) s += ", ";
      first = false;
      s += a.is_string() ? a.get<std::string>() : canonical_json(a);
    }
    s += ")";
  }
  return s;
}

std::map<std::string, std::pair<std::string, std::string>> verdict_map(const nlohmann::json& verdicts) {
  std::map<std::string, std::pair<std::string, std::string>> out;  // key -> (label, verdict)
  if (!verdicts.is_array()) return out;
  for (const auto& v : verdicts) {
    if (!v.is_object()) continue;
    std::string key =
        member_text(v, "phase") + canonical_json(member_args(v));
    out[key] = {binding_label(v), member_text(v, "verdict")};
  }
  return out;
}

// "phase2: recorded NO-GO, replay gives GO; ..." (at most five, then a count).
std::string compare_verdicts(const nlohmann::json& stored, const nlohmann::json& replayed) {
  auto a = verdict_map(stored), b = verdict_map(replayed);
  std::vector<std::string> diffs;
  for (const auto& [k, lv] : a) {
    auto it = b.find(k);
    if (it == b.end())
      diffs.push_back(lv.first + ": recorded " + lv.second + ", absent from the replay");
    else if (it->second.second != lv.second)
      diffs.push_back(lv.first + ": recorded " + lv.second + ", replay gives " + it->second.second);
  }
  for (const auto& [k, lv] : b)
    if (!a.count(k)) diffs.push_back(lv.first + ": not recorded, replay gives " + lv.second);
  std::string out;
  for (std::size_t i = 0; i < diffs.size() && i < 5; ++i) out += (i ? "; " : "") + diffs[i];
  if (diffs.size() > 5) out += "; and " + std::to_string(diffs.size() - 5) + " more";
  return out;
}

// Whether the store records a snapshot names (record_id) still hold what the snapshot took from them:
// "" if so, else what is wrong with the first that does not (and how many more).
std::string store_records_problem(const std::string& snapshot_body, Statement& record_q) {
  std::string first;
  std::size_t bad = 0;
  // (An unreadable snapshot is reported as modified, apart from this.)
  detail::for_each_json_element(snapshot_body, [&](const nlohmann::json& j) {
    if (!j.is_object() || !j.contains("record_id") || !j["record_id"].is_number_integer()) return;
    const std::int64_t id = j["record_id"].get<std::int64_t>();
    if (id <= 0) return;
    SnapshotFact f;
    try {
      f = detail::snapshot_from_json(j);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception&) {
      return;
    }
    record_q.reset();
    record_q.bind(1, id);
    std::string why;
    if (!record_q.step()) {
      why = "store record " + std::to_string(id) + " (`" + f.fact_text() +
            "`), which it used, is no longer in the store (its fact import was deleted)";
    } else {
      const bool tuple = record_q.text(2) == "tuple";
      std::optional<std::string> value;
      if (!tuple) value = record_q.text(3);
      // `sector("Rafah") = true`, imported without the ruleset, is stored as a value; the evaluation
      // read it as the tuple it lists (a relation without a type), and the snapshot says so.
      const bool same_value = value == f.value_text || (!f.value_text && value == std::optional<std::string>("true"));
      if (record_q.text(0) != f.name || record_q.text(1) != f.args_text || record_q.text(2) == "retract" ||
          !same_value)
        why = "store record " + std::to_string(id) + " no longer says `" + f.fact_text() +
              "`, which it used (the fact import was rewritten)";
      else if (record_q.text(4) != f.source || record_q.text(5) != f.as_of || record_q.text(6) != f.recorded_by ||
               record_q.text(7) != f.recorded_at)
        why = "store record " + std::to_string(id) + " (`" + f.fact_text() +
              "`), which it used, now gives another source, as-of date, author or time than when it was used "
              "(the fact import was rewritten)";
    }
    if (why.empty()) return;
    if (bad++ == 0) first = why;
  }, false);
  if (bad > 1) first += "; and " + std::to_string(bad - 1) + " more";
  return first;
}

}  // namespace

VerifyReport Store::verify(const ReplayFn& replay, const std::optional<std::string>& expected_head) const {
  auto& c = impl_->conn;
  return detail::in_transaction(c, false, [&] {
    VerifyReport rep;
    auto add = [&](std::int64_t id, ProblemKind k, std::string msg) {
      Problem p;
      p.decision_id = id;
      p.kind = k;
      p.message = std::move(msg);
      rep.problems.push_back(std::move(p));
    };

    // The file itself first: a damaged page can hide or garble records.
    {
      Statement qc(c.get(), "PRAGMA quick_check(20)");
      std::string result;
      try {
        while (qc.step()) result += (result.empty() ? "" : "; ") + qc.text(0);
      } catch (const StoreError& e) {
        result = e.what();
      }
      if (result != "ok")
        add(0, ProblemKind::store_corrupt, "the store file is damaged (SQLite quick_check: " + result + ")");
    }
    bool damaged = !rep.problems.empty();
    try {
      // Where each stored hash sits, to name what a broken link points to.
      std::unordered_map<std::string, std::int64_t> id_of_hash;
      {
        Statement st(c.get(), "SELECT id, hash FROM decision");
        while (st.step()) id_of_hash[st.text(1)] = st.integer(0);
      }

      Statement rows(c.get(), std::string("SELECT ") + detail::kDecisionColumns + " FROM decision ORDER BY id");
      Statement text_q(c.get(), "SELECT text FROM rules_text WHERE sha256 = ?1");
      Statement snap_q(c.get(), "SELECT body FROM fact_snapshot WHERE sha256 = ?1");
      Statement index_q(
          c.get(), "SELECT phase, verdict, count FROM decision_phase WHERE decision_id = ?1 ORDER BY phase, verdict");
      Statement record_q(c.get(),
                         "SELECT name, args, kind, value, source, as_of, actor, recorded_at FROM fact_assertion "
                         "WHERE id = ?1");
      std::map<std::string, bool> snapshot_ok;  // shared snapshots are checked once
      std::map<std::string, std::string> store_facts_problem;  // per snapshot: its store records, checked once
      std::string expected_prev = kGenesisHash;
      std::int64_t prev_id = 0;
      std::string prev_recorded_at;
      std::int64_t head_id = -1;
      // No record can be dated after the moment of this check (a day's leeway for clocks that differ):
      // a later time was forged, or the store's clock (meta `clock`) was set ahead.
      const Micros now = impl_->options.clock();
      const std::string not_after = format_timestamp(now + Micros{86'400} * 1'000'000);
      auto future = [&](const std::string& at) {
        return " is dated " + at + ", after the time of this check (" + format_timestamp(now) +
               "): its time was forged, or the store's clock was set ahead";
      };
      // Per decision: the newest fact import it was written after (options.imports), checked against
      // the import chain once that is walked.
      struct Anchor {
        std::int64_t decision = 0, batch = 0;
        std::string hash, recorded_at;
      };
      std::vector<Anchor> anchors;

      while (rows.step()) {
        detail::DecisionRow r = detail::read_decision_row(rows);
        ++rep.records;
        const std::string d = "decision " + std::to_string(r.id);

        if (r.id != prev_id + 1) {
          std::string missing = r.id == prev_id + 2 ? "decision " + std::to_string(prev_id + 1) + " is"
                                                    : "decisions " + std::to_string(prev_id + 1) + " to " +
                                                          std::to_string(r.id - 1) + " are";
          add(r.id, ProblemKind::missing_record, missing + " missing from the log (deleted)");
        }
        if (r.prev_hash != expected_prev) {
          std::string msg =
              d + " does not link to " +
              (prev_id == 0 ? std::string("the start of the log") : "decision " + std::to_string(prev_id));
          auto it = id_of_hash.find(r.prev_hash);
          if (it != id_of_hash.end())
            msg += ": it links to decision " + std::to_string(it->second) + " (records were reordered or removed)";
          else
            msg += ": the record it links to (" + short_hash(r.prev_hash) + "…) is not in the log (deleted or changed)";
          add(r.id, ProblemKind::broken_link, msg);
        }
        if (detail::row_hash(r) != r.hash)
          add(r.id, ProblemKind::hash_mismatch,
              d + " was changed after it was recorded: its content does not match its hash " + short_hash(r.hash) +
                  "…");
        if (!prev_recorded_at.empty() && r.recorded_at <= prev_recorded_at)
          add(r.id, ProblemKind::out_of_order,
              d + " was recorded at " + r.recorded_at + ", not after the record before it (" + prev_recorded_at + ")");
        if (r.recorded_at > not_after)
          add(r.id, ProblemKind::out_of_order, d + future(r.recorded_at));
        if (head_id >= 0) ++rep.after_head;
        if (expected_head && head_id < 0 && r.hash == *expected_head) head_id = r.id;

        bool texts_ok = true;
        nlohmann::json files = nlohmann::json::parse(r.rules_files, nullptr, false);
        if (!files.is_array()) {
          texts_ok = false;
          add(r.id, ProblemKind::hash_mismatch, d + ": its list of rules files is unreadable");
        } else {
          for (const auto& f : files) {
            std::string path = member_text(f, "path", "?");
            std::string sha = member_text(f, "sha256");
            text_q.reset();
            text_q.bind(1, sha);
            if (!text_q.step()) {
              texts_ok = false;
              add(r.id, ProblemKind::rules_text_modified,
                  d + ": the stored text of rules file " + path + " is missing");
            } else if (sha256_hex(text_q.text(0)) != sha) {
              texts_ok = false;
              add(r.id, ProblemKind::rules_text_modified,
                  d + ": the stored text of rules file " + path + " was modified (it no longer matches " +
                      short_hash(sha) + "…)");
            }
          }
        }

        auto known = snapshot_ok.find(r.facts_sha256);
        bool snap_ok;
        if (known != snapshot_ok.end()) {
          snap_ok = known->second;
        } else {
          snap_q.reset();
          snap_q.bind(1, r.facts_sha256);
          snap_ok = snap_q.step() && sha256_hex(snap_q.text(0)) == r.facts_sha256;
          snapshot_ok[r.facts_sha256] = snap_ok;
        }
        if (!snap_ok)
          add(r.id, ProblemKind::snapshot_modified,
              d + ": its fact snapshot " + short_hash(r.facts_sha256) +
                  "… was modified or removed (a fact value, "
                  "source or date no longer matches what was recorded)");
        // The facts it took from the store must still be there as they were: `advise --db --known-at`
        // re-reads them, so a deleted or rewritten import would change what that gives.
        if (snap_ok) {
          auto [at, fresh] = store_facts_problem.try_emplace(r.facts_sha256);
          if (fresh) at->second = store_records_problem(snap_q.text(0), record_q);
          if (!at->second.empty()) add(r.id, ProblemKind::store_fact_changed, d + ": " + at->second);
        }

        {
          const nlohmann::json options = nlohmann::json::parse(r.options, nullptr, false);
          if (options.is_object() && options.contains("imports")) {
            const nlohmann::json& a = options["imports"];
            if (a.is_object() && a.contains("batch") && a["batch"].is_number_integer())
              anchors.push_back({r.id, a["batch"].get<std::int64_t>(), member_text(a, "hash"), r.recorded_at});
            else
              add(r.id, ProblemKind::imports_changed, d + ": the fact import it names as its last is unreadable");
          }
        }

        nlohmann::json stored = nlohmann::json::parse(r.verdicts, nullptr, false);
        {
          std::vector<PhaseCount> expect = detail::count_verdicts(stored), have;
          index_q.reset();
          index_q.bind(1, r.id);
          while (index_q.step()) have.push_back({index_q.text(0), index_q.text(1), index_q.integer(2)});
          bool same = expect.size() == have.size();
          for (std::size_t i = 0; same && i < expect.size(); ++i)
            same = expect[i].phase == have[i].phase && expect[i].verdict == have[i].verdict &&
                   expect[i].count == have[i].count;
          if (!same)
            add(r.id, ProblemKind::index_mismatch,
                d + ": the per-phase index (used by `audit list`) disagrees with its stored verdicts");
        }

        if (replay) {
          if (stored.is_discarded()) {
            add(r.id, ProblemKind::replay_failed, d + ": its stored verdicts are unreadable");
          } else if (texts_ok && snap_ok) {
            try {
              Decision dec = decision(r.id);
              nlohmann::json again = replay(dec);
              ++rep.replayed;
              std::string why = compare_verdicts(stored, again);
              if (!why.empty())
                add(r.id, ProblemKind::verdict_mismatch, d + ": replaying it gives other verdicts: " + why);
            } catch (const std::bad_alloc&) {
              throw;  // this machine's shortage, not the record's fault: verify stops (74), fails nothing
            } catch (const std::exception& e) {
              add(r.id, ProblemKind::replay_failed, d + ": cannot be replayed: " + e.what());
            }
          }
        }

        expected_prev = r.hash;
        prev_id = r.id;
        prev_recorded_at = r.recorded_at;
        rep.head = r.hash;
      }

      // Index rows after the last decision (the per-phase index is derived from the verdicts): rows
      // added by hand, or left behind when the tail of the log was cut off. (Those of a decision
      // deleted in the middle are its missing-record already.)
      {
        Statement stray(c.get(),
                        "SELECT DISTINCT decision_id FROM decision_phase "
                        "WHERE decision_id > (SELECT coalesce(max(id), 0) FROM decision) ORDER BY decision_id");
        while (stray.step())
          add(stray.integer(0), ProblemKind::index_mismatch,
              "the per-phase index holds verdicts of decision " + std::to_string(stray.integer(0)) +
                  ", which is not in the log (the log was cut off after it, or the rows were added by hand)");
      }

      // The fact imports: a chain of batches, each hash covering every assertion of the batch.
      {
        Statement batches(c.get(),
                          "SELECT id, recorded_at, actor, title, files, line_count, prev_hash, hash FROM import_batch "
                          "ORDER BY id");
        Statement lines(c.get(),
                        "SELECT id, name, args, kind, value, source, as_of, actor, recorded_at, file, line "
                        "FROM fact_assertion WHERE batch_id = ?1 ORDER BY id");
        std::string expected = kGenesisHash;
        std::int64_t prev = 0;
        std::string prev_recorded_at;
        std::map<std::int64_t, std::pair<std::string, std::string>> batch_of;  // id -> (hash, recorded_at)
        auto add_import = [&](std::int64_t id, ProblemKind k, std::string msg) {
          Problem p;
          p.batch_id = id;
          p.kind = k;
          p.message = std::move(msg);
          rep.problems.push_back(std::move(p));
        };
        while (batches.step()) {
          ++rep.imports;
          std::int64_t id = batches.integer(0);
          std::string label = "fact import " + std::to_string(id);
          std::int64_t line_count = batches.integer(5);
          std::string prev_hash = batches.text(6), hash = batches.text(7);
          if (id != prev + 1)
            add_import(id, ProblemKind::missing_record,
                       id == prev + 2 ? "fact import " + std::to_string(prev + 1) + " is missing (deleted)"
                                      : "fact imports " + std::to_string(prev + 1) + " to " + std::to_string(id - 1) +
                                            " are missing (deleted)");
          if (prev_hash != expected)
            add_import(id, ProblemKind::broken_link,
                       label + " does not link to " +
                           (prev ? "fact import " + std::to_string(prev) : std::string("the start of the log")) +
                           " (imports were deleted or reordered)");
          detail::BatchHasher hasher;
          hasher.header(id, batches.text(1), batches.text(2), batches.text(3), batches.text(4), line_count);
          lines.reset();
          lines.bind(1, id);
          std::int64_t n = 0;
          while (lines.step()) {
            ++n;
            hasher.assertion(lines.integer(0), lines.text(1), lines.text(2), lines.text(3), lines.text(4),
                             lines.text(5), lines.text(6), lines.text(7), lines.text(8), lines.text(9),
                             lines.integer(10));
          }
          if (n != line_count)
            add_import(id, ProblemKind::hash_mismatch,
                       label + " holds " + std::to_string(n) + " assertions but recorded " +
                           std::to_string(line_count) + " (assertions were deleted or added)");
          else if (hasher.hash(prev_hash) != hash)
            add_import(id, ProblemKind::hash_mismatch,
                       label +
                           " was changed after it was recorded: a fact value, source, date or provenance "
                           "no longer matches its hash " +
                           short_hash(hash) + "…");
          if (!prev_recorded_at.empty() && batches.text(1) <= prev_recorded_at)
            add_import(id, ProblemKind::out_of_order,
                       label + " was recorded at " + batches.text(1) + ", not after the import before it (" +
                           prev_recorded_at + ")");
          if (batches.text(1) > not_after) add_import(id, ProblemKind::out_of_order, label + future(batches.text(1)));
          batch_of[id] = {hash, batches.text(1)};
          expected = hash;
          prev = id;
          prev_recorded_at = batches.text(1);
        }

        // Assertions outside every import: rows inserted into the store directly (a batch id that no
        // import has). No batch's hash covers them, yet facts list, history and --known-at read them.
        {
          Statement orphans(c.get(),
                            "SELECT id, batch_id, name FROM fact_assertion "
                            "WHERE batch_id NOT IN (SELECT id FROM import_batch) ORDER BY id");
          while (orphans.step())
            add_import(orphans.integer(1), ProblemKind::hash_mismatch,
                       "fact assertion " + std::to_string(orphans.integer(0)) + " (`" + orphans.text(2) +
                           "`) belongs to no fact import (batch " + std::to_string(orphans.integer(1)) +
                           "): it was added to the store outside an import");
        }

        // Each decision names the newest import it was written after. Its hash covers every import up
        // to that one, so that import must still carry it; and no later import may claim a time before
        // the decision (it would then belong to what the decision read, yet the decision never saw it).
        for (const Anchor& a : anchors) {
          const std::string d = "decision " + std::to_string(a.decision);
          auto it = batch_of.find(a.batch);
          if (it == batch_of.end()) {
            add(a.decision, ProblemKind::imports_changed,
                d + " was made after fact import " + std::to_string(a.batch) +
                    ", which is no longer in the store (fact imports were deleted)");
            continue;
          }
          if (it->second.first != a.hash)
            add(a.decision, ProblemKind::imports_changed,
                d + " was made after fact import " + std::to_string(a.batch) + " " + short_hash(a.hash) +
                    "…, which now has the hash " + short_hash(it->second.first) +
                    "…: that import or one before it was rewritten, deleted or inserted since");
          auto next = batch_of.upper_bound(a.batch);
          if (next != batch_of.end() && next->second.second <= a.recorded_at)
            add_import(next->first, ProblemKind::out_of_order,
                       "fact import " + std::to_string(next->first) + " claims to be recorded at " +
                           next->second.second + ", before " + d + " (" + a.recorded_at +
                           "), which was made without it: it was back-dated");
        }
      }

      if (expected_head) {
        if (head_id < 0) {
          add(0, ProblemKind::head_not_found,
              "the log does not contain the head " + short_hash(*expected_head) +
                  "…: records were removed from its end, or the log was replaced (last record: " +
                  (prev_id ? "decision " + std::to_string(prev_id) : std::string("none")) + ")");
        }
      }
    } catch (const StoreError& e) {
      if (!damaged) throw;
      add(0, ProblemKind::store_corrupt, std::string("verification stopped at the damage: ") + e.what());
    }
    return rep;
  });
}

}  // namespace phasegate::store
