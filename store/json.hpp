// Stable JSON forms of store records, for `--format json` of the facts and audit subcommands (docs/store.md).
#pragma once

#include <nlohmann/json.hpp>

#include "store/store.hpp"

namespace phasegate::store {

nlohmann::json as_json(const StoredFact& f);
nlohmann::json as_json(const FactState& s);
nlohmann::json as_json(const ImportResult& r);
nlohmann::json as_json(const ImportBatch& b);
nlohmann::json as_json(const SnapshotFact& f);
nlohmann::json as_json(const RecordedDecision& d);
nlohmann::json as_json(const DecisionSummary& d);
// `with_texts`: include every rules file's full text.
nlohmann::json as_json(const Decision& d, bool with_texts = false);
nlohmann::json as_json(const DecisionDiff& d);
nlohmann::json as_json(const VerifyReport& r);

// A text member of a JSON object read from the store: `fallback` when `j` is not an object or the
// member is missing or not a text. Stored JSON may have been tampered with; reading it must not throw.
std::string member_text(const nlohmann::json& j, const char* key, const std::string& fallback = "");
// The `args` member of a stored verdict: an array, or an empty one when it is missing or not one.
const nlohmann::json& member_args(const nlohmann::json& j);

}  // namespace phasegate::store
