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

}  // namespace phasegate::store
