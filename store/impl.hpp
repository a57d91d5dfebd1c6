// The store's internals shared by its source files: the connection, the clock, decision rows and their hashing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace phasegate::store {

inline constexpr const char* kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

struct Store::Impl {
  detail::Connection conn;
  std::string path;
  StoreOptions options;
  int version = 0;

  // Inside a write transaction: the next recorded_at, strictly after every
  // earlier one in this store even if the system clock steps back.
  std::string next_recorded_at();

  // SHA-256 of a rules file's text as it is recorded with a decision. A service records decision
  // after decision on the same rules: the last few texts and their hashes are kept (comparing a
  // text costs a fraction of hashing it).
  std::string text_sha256(const std::string& text);
  std::vector<std::pair<std::string, std::string>> text_hashes;  // text, SHA-256; newest last

  // The fact snapshot of the last decision recorded, as given, and its canonical body and hash:
  // the next decision on the same facts reuses them (writing the snapshot as canonical JSON and
  // hashing it costs more than the rest of recording).
  struct Snapshot {
    std::vector<SnapshotFact> facts;
    std::string body, sha256;
  };
  std::optional<Snapshot> last_snapshot;
};

namespace detail {

// A decision row exactly as stored: every field is the stored text ("" for NULL).
struct DecisionRow {
  std::int64_t id = 0;
  std::string recorded_at, actor, ruleset_name, ruleset_version, ruleset_sha256, rules_files, facts_sha256, today,
      known_at, facts_known_at, options, verdicts, explanation, prev_hash, hash;
  // When set, the explanation column's text, held by the caller (recording a large decision does
  // not copy its explanations); `explanation` is then unused.
  const std::string* explanation_ref = nullptr;
  const std::string& explanation_text() const { return explanation_ref ? *explanation_ref : explanation; }
};

// The column list that read_decision_row expects, in order.
inline constexpr const char* kDecisionColumns =
    "id, recorded_at, actor, ruleset_name, ruleset_version, ruleset_sha256, rules_files, facts_sha256, today, "
    "known_at, facts_known_at, options, verdicts, explanation, prev_hash, hash";

DecisionRow read_decision_row(const Statement& st);

// The chain hash SHA-256(canonical content || prev_hash) (docs/store.md).
std::string row_hash(const DecisionRow& row);

// Hashes canonical content as it streams by (docs/store.md): an import batch's header, then every
// assertion in id order, or a decision's fields (row_hash). Large imports and decisions are not
// copied into one more string to be hashed.
class BatchHasher {
 public:
  BatchHasher();
  ~BatchHasher();
  BatchHasher(const BatchHasher&) = delete;
  BatchHasher& operator=(const BatchHasher&) = delete;
  void field(const char* name, std::string_view value);
  void update(std::string_view s);  // bytes as they are
  void header(std::int64_t id, const std::string& recorded_at, const std::string& actor, const std::string& title,
              const std::string& files, std::int64_t line_count);
  void assertion(std::int64_t id, const std::string& name, const std::string& args, const std::string& kind,
                 const std::string& value, const std::string& source, const std::string& as_of,
                 const std::string& actor, const std::string& recorded_at, const std::string& file, std::int64_t line);
  // SHA-256(content || prev_hash); call once.
  std::string hash(const std::string& prev_hash);

 private:
  struct evp_md_ctx_st* ctx_;
};

// Deterministic JSON text: sorted keys, no spaces, invalid UTF-8 replaced.
std::string canonical_json(const nlohmann::json& j);

nlohmann::json snapshot_to_json(const SnapshotFact& f);
SnapshotFact snapshot_from_json(const nlohmann::json& j);

// Calls `f` on each element of the JSON array `body` in turn, without a tree of the whole array (a
// snapshot of a million facts): such a tree's destructor allocates, and out of memory it aborts the
// process instead of reporting. False when `body` is not a JSON array; with `allow_exceptions` a
// syntax error throws nlohmann's parse_error.
template <class F>
bool for_each_json_element(const std::string& body, F&& f, bool allow_exceptions) {
  using Event = nlohmann::json::parse_event_t;
  bool array = false;
  auto each = [&](int depth, Event ev, nlohmann::json& parsed) {
    if (depth == 0 && ev == Event::array_start) array = true;
    if (!array || depth != 1 || (ev != Event::object_end && ev != Event::array_end && ev != Event::value)) return true;
    f(static_cast<const nlohmann::json&>(parsed));
    return false;  // handled: not kept
  };
  const nlohmann::json rest = nlohmann::json::parse(body, each, allow_exceptions);
  return array && !rest.is_discarded();
}

// A user's timestamp in the stored form; throws StoreError(invalid) when it is not one.
std::string normalise_moment(const std::string& text, DateBound bound);

// {phase, verdict} -> number of bindings, from a verdicts array.
std::vector<PhaseCount> count_verdicts(const nlohmann::json& verdicts);

}  // namespace detail
}  // namespace phasegate::store
