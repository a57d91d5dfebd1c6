// The fact store and the decision log: append-only SQLite tables with history and a tamper-evident hash chain.
//
// The store knows nothing of the parser, checker or evaluator: facts arrive as
// already-parsed lines (facts-language text for arguments and values), decisions
// as data, and `verify` takes a callback that replays a decision with the engine.
// See docs/store.md for the schema, the canonical content and the guarantees.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/error.hpp"
#include "store/timestamp.hpp"

namespace phasegate::store {

inline constexpr int kSchemaVersion = 1;

// ---------------------------------------------------------------- facts

// One parsed facts line, as the CLI hands it over (already checked against a ruleset).
struct FactAssertion {
  std::string name;
  // Canonical facts-language argument list: "" for a scalar, `("Indonesia")`,
  // `("Rafah", 2026-11-20)`; "()" for an empty tuple. Part of the fact's key.
  std::string args_text;
  // Facts-language value text: `true`, `1_000`, `"x"`, `clear`, `unknown`.
  // nullopt for a bare tuple `rel(args)`.
  std::optional<std::string> value_text;
  std::string source;  // the `source "..."` in force, "" for none
  std::string as_of;   // `YYYY-MM-DD` in force, "" for none
  std::string file;    // where the line came from
  std::uint32_t line = 0;
  bool retract = false;  // removes the fact from the current state (value_text ignored)
};

enum class AssertionKind { value, tuple, retraction };

// One assertion as stored (append-only).
struct StoredFact {
  std::int64_t id = 0;
  std::int64_t batch_id = 0;
  std::string name;
  std::string args_text;
  AssertionKind kind = AssertionKind::value;
  std::optional<std::string> value_text;  // set for kind == value
  std::string source;
  std::string as_of;
  std::string actor;
  std::string recorded_at;
  std::string file;
  std::uint32_t line = 0;

  // `name(args) = value` (or `name(args)` for a tuple): the line to hand to the parser.
  std::string fact_text() const;
};

struct ImportOptions {
  std::string actor;               // who; "" means the OS user
  std::string title;               // e.g. the facts file's title
  std::vector<std::string> files;  // the files imported, for the batch record
};

struct ImportResult {
  std::int64_t batch_id = 0;
  std::string recorded_at;
  std::size_t count = 0;
};

struct ImportBatch {
  std::int64_t id = 0;
  std::string recorded_at;
  std::string actor;
  std::string title;
  std::vector<std::string> files;
  std::size_t count = 0;
};

// The facts the store knew at one moment: the latest assertion of every
// fact and argument tuple, retracted ones left out, sorted by name then args.
struct FactState {
  // The moment this state is exactly reproducible at (`--known-at`): the
  // requested moment, or the latest assertion's recorded_at ("" for an empty store).
  std::string known_at;
  // The recorded_at of the latest assertion at or before that moment ("" for none).
  std::string latest;
  std::vector<StoredFact> facts;
  // The newest assertion id this state covers (0 for none): where facts_since() continues from.
  std::int64_t last_id = 0;
};

// The assertions recorded after a given one, oldest first, retractions included: what a model
// held open over the store needs to catch up with it (cli/live_advice.hpp).
struct FactUpdates {
  std::vector<StoredFact> assertions;
  std::int64_t last_id = 0;  // the newest assertion id now (the id given when nothing is newer)
  std::string latest;        // the newest assertion's recorded_at ("" when nothing is newer)
};

// ---------------------------------------------------------------- decisions

// One fact an evaluation used, with its provenance (from the store, a facts file or `--assume`).
struct SnapshotFact {
  std::string name;
  std::string args_text;                  // as FactAssertion::args_text
  std::optional<std::string> value_text;  // nullopt: a bare tuple
  std::string source;
  std::string as_of;  // "" for none
  std::string file;   // facts file, table, "--assume", "store"
  std::uint32_t line = 0;
  std::string recorded_by;     // store facts only
  std::string recorded_at;     // store facts only
  std::int64_t record_id = 0;  // store facts only: StoredFact::id
  bool assumption = false;     // from `--assume`

  std::string fact_text() const;  // `name(args) = value`
  bool operator==(const SnapshotFact&) const = default;
};

struct RulesFileText {
  std::string path;
  std::string text;
};

// What `advise --record` hands over.
struct DecisionInput {
  std::string actor;  // "" means the OS user
  std::string ruleset_name;
  std::string ruleset_version;  // "" for none
  std::string ruleset_sha256;
  std::vector<RulesFileText> rules_files;  // main file first, every included file once
  std::vector<SnapshotFact> facts;         // one per fact and argument tuple, as evaluated
  std::string today;                       // `YYYY-MM-DD`
  std::string known_at;                    // `--known-at` as normalised, "" for none
  std::string facts_known_at;              // FactState::known_at of the store facts used, "" for none
  // Whatever else the replay needs to reproduce the verdicts (e.g. {"phases": [...]}).
  nlohmann::json options = nlohmann::json::object();
  // An array of {"phase": "...", "args": [...], "verdict": "GO"|"NO-GO"|"UNDETERMINED", ...}.
  nlohmann::json verdicts = nlohmann::json::array();
  nlohmann::json explanation;  // null for none
  // Instead of `explanation`, when not empty: the same as canonical JSON text (compact, keys sorted,
  // as nlohmann's dump() prints it), stored as given. The explanations of a large table are tens of
  // megabytes of text, and ten times that as a tree.
  std::string explanation_json;
};

struct RecordedDecision {
  std::int64_t id = 0;
  std::string recorded_at;
  std::string hash;
};

// A decision as stored, with its rules texts and fact snapshot.
struct Decision {
  std::int64_t id = 0;
  std::string recorded_at;
  std::string actor;
  std::string ruleset_name;
  std::string ruleset_version;
  std::string ruleset_sha256;
  std::vector<RulesFileText> rules_files;
  std::vector<std::string> rules_file_sha256;  // per file, the content hash it was stored under
  std::string facts_sha256;
  std::vector<SnapshotFact> facts;
  std::string today;
  std::string known_at;
  std::string facts_known_at;
  nlohmann::json options;
  nlohmann::json verdicts;
  nlohmann::json explanation;
  std::string prev_hash;
  std::string hash;
};

struct PhaseCount {
  std::string phase;
  std::string verdict;
  std::int64_t count = 0;
};

struct DecisionSummary {
  std::int64_t id = 0;
  std::string recorded_at;
  std::string actor;
  std::string ruleset_name;
  std::string ruleset_version;
  std::string ruleset_sha256;
  std::string today;
  std::string known_at;
  std::string hash;
  std::vector<PhaseCount> counts;  // per phase and verdict, phases sorted
};

struct DecisionFilter {
  std::optional<std::string> phase;    // decisions that evaluated this phase
  std::optional<std::string> verdict;  // ... with at least one binding of this verdict
  std::optional<std::string> from;     // recorded_at >= (timestamp or date: start of day)
  std::optional<std::string> to;       // recorded_at <= (timestamp or date: end of day)
  std::optional<std::string> actor;
  std::size_t limit = 0;  // 0: all; otherwise the latest `limit`
};

struct ChainHead {
  std::int64_t id = 0;
  std::string hash;
};

struct FactChange {
  enum class Kind { added, removed, changed, restated };  // restated: same value, new provenance
  Kind kind = Kind::changed;
  std::string name;
  std::string args_text;
  std::optional<SnapshotFact> before, after;
};

struct VerdictChange {
  std::string phase;
  nlohmann::json args;
  std::string before;                          // "" when the binding is absent in the first decision
  std::string after;                           // "" when absent in the second
  nlohmann::json before_detail, after_detail;  // the stored verdict objects (reasons, unknowns)
};

struct DecisionDiff {
  std::int64_t a = 0, b = 0;
  bool ruleset_changed = false;
  std::string ruleset_a, ruleset_b;  // "name version sha256"
  std::string today_a, today_b;
  std::vector<FactChange> facts;        // sorted by name, args
  std::vector<VerdictChange> verdicts;  // only bindings whose verdict differs
};

enum class ProblemKind {
  hash_mismatch,        // a field of the record was changed
  broken_link,          // prev_hash is not the previous record's hash (deleted or reordered records)
  missing_record,       // a gap in the ids
  out_of_order,         // recorded_at goes backwards
  rules_text_modified,  // a stored rules text no longer matches its hash, or is missing
  snapshot_modified,    // the stored fact snapshot no longer matches its hash, or is missing
  verdict_mismatch,     // the replay gives other verdicts than the stored ones
  replay_failed,        // the stored rules or facts no longer load
  index_mismatch,       // the per-phase index disagrees with the stored verdicts
  head_not_found,       // --head: the given hash is not in the log (truncated or replaced)
  store_corrupt,        // SQLite's own check of the file (PRAGMA quick_check) failed
  store_fact_changed,   // a store record a decision's snapshot used is gone, or says something else now
  imports_changed,      // the fact imports a decision was made on (up to the one it names) were rewritten
};

struct Problem {
  std::int64_t decision_id = 0;  // the decision concerned; 0 for log-wide problems and imports
  std::int64_t batch_id = 0;     // the fact import concerned (hash_mismatch, broken_link, missing_record)
  ProblemKind kind = ProblemKind::hash_mismatch;
  std::string message;
};

struct VerifyReport {
  std::int64_t records = 0;  // decisions checked
  std::int64_t imports = 0;  // fact import batches checked
  std::int64_t replayed = 0;
  std::vector<Problem> problems;
  std::string head;             // the latest hash seen ("" for an empty log)
  std::int64_t after_head = 0;  // with --head: records recorded after it (appended since, not an error)
  bool ok() const { return problems.empty(); }
};

const char* to_string(ProblemKind kind);
const char* to_string(FactChange::Kind kind);

// Re-evaluates a decision from its stored rules texts and facts; returns the
// verdicts in the shape of DecisionInput::verdicts. Throws to report that the
// decision cannot be replayed (the message is kept).
using ReplayFn = std::function<nlohmann::json(const Decision&)>;

// ---------------------------------------------------------------- the store

enum class OpenMode {
  must_exist,        // read commands: a missing store is ErrorKind::not_found
  create_if_missing  // import, record
};

struct StoreOptions {
  int busy_timeout_ms = 10'000;     // how long a writer waits for another before failing (ErrorKind::io)
  std::function<Micros()> clock;    // for tests; default: the system clock
  std::int64_t max_page_count = 0;  // for tests: simulate a full disk (0: no limit)
  // Open read-only (must_exist only), as is done by itself for a store whose file or folder this
  // process cannot write: it is read as it is, and any write fails with ErrorKind::io.
  bool read_only = false;
};

class Store {
 public:
  // Opens (and creates or migrates) a store. Throws StoreError.
  static Store open(const std::string& path, OpenMode mode, StoreOptions options = {});
  // `--db` falls back to $PHASEGATE_DB, then ./phasegate.db.
  static std::string default_path();
  // The OS user name, for a default actor.
  static std::string os_user();

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const std::string& path() const;
  int schema_version() const;

  // ---- facts
  // Appends every line in one transaction (all or nothing); ids follow the order given.
  ImportResult import_facts(const std::vector<FactAssertion>& lines, const ImportOptions& options);
  // The current state, or the state as known at a moment (`known_at`: any form parse_timestamp takes).
  FactState facts(const std::optional<std::string>& known_at = std::nullopt) const;
  // Every assertion of one fact name (all argument tuples), oldest first.
  std::vector<StoredFact> history(const std::string& name) const;
  // Every assertion with an id above `after_id` (FactState::last_id, or an earlier FactUpdates::last_id).
  FactUpdates facts_since(std::int64_t after_id) const;
  std::vector<ImportBatch> batches() const;
  // A `*.facts` file that imports back to the same state (source and as-of kept per line).
  std::string export_facts(const std::optional<std::string>& known_at = std::nullopt,
                           const std::string& title = "") const;

  // ---- decisions
  // Appends one decision to the chain; returns only after the commit.
  RecordedDecision record_decision(const DecisionInput& input);
  // `advise --db --record`: reads the store's facts (as known at `known_at`, if
  // given), calls `evaluate` with them, and records the result, sets its
  // known_at and facts_known_at. If another process imported facts that belong to
  // that state in the meantime, it reads and evaluates again, so the decision is
  // exactly reproducible with `--known-at <facts_known_at>` (and, when no
  // `--known-at` was given, with `--known-at <recorded_at>`).
  RecordedDecision record_decision(const std::optional<std::string>& known_at,
                                   const std::function<DecisionInput(const FactState&)>& evaluate);
  std::vector<DecisionSummary> list_decisions(const DecisionFilter& filter = {}) const;
  // Throws StoreError(no_such_record) for an unknown id.
  Decision decision(std::int64_t id) const;
  std::optional<ChainHead> head() const;
  DecisionDiff diff(std::int64_t a, std::int64_t b) const;
  // Walks the chain, recomputes every hash, checks every link, replays every decision
  // (when `replay` is set) and, with `expected_head`, checks that the log still holds it.
  // Also checks the chain of fact imports (every assertion is covered by its batch's hash).
  VerifyReport verify(const ReplayFn& replay, const std::optional<std::string>& expected_head = std::nullopt) const;

  // `PRAGMA integrity_check` result ("ok" when sound).
  std::string integrity_check() const;

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// SHA-256, lower-case hex.
std::string sha256_hex(const std::string& data);
// A string as a facts-language string literal: quotes and escapes.
std::string quote_facts_string(const std::string& s);

}  // namespace phasegate::store
