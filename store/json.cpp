// JSON forms of store records: field names are part of the CLI's stable JSON output.
#include "store/json.hpp"

namespace phasegate::store {
namespace {

nlohmann::json opt(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

const char* kind_name(AssertionKind k) {
  switch (k) {
    case AssertionKind::value:
      return "value";
    case AssertionKind::tuple:
      return "tuple";
    case AssertionKind::retraction:
      return "retraction";
  }
  return "?";
}

}  // namespace

nlohmann::json as_json(const StoredFact& f) {
  return {{"id", f.id},
          {"batch", f.batch_id},
          {"fact", f.kind == AssertionKind::retraction ? "retract " + f.name + f.args_text : f.fact_text()},
          {"name", f.name},
          {"args", f.args_text},
          {"kind", kind_name(f.kind)},
          {"value", f.value_text ? nlohmann::json(*f.value_text) : nlohmann::json(nullptr)},
          {"source", opt(f.source)},
          {"as_of", opt(f.as_of)},
          {"actor", f.actor},
          {"recorded_at", f.recorded_at},
          {"file", f.file},
          {"line", f.line}};
}

nlohmann::json as_json(const FactState& s) {
  nlohmann::json facts = nlohmann::json::array();
  for (const auto& f : s.facts) facts.push_back(as_json(f));
  return {{"known_at", opt(s.known_at)}, {"facts", facts}};
}

nlohmann::json as_json(const ImportResult& r) {
  return {{"batch", r.batch_id}, {"recorded_at", r.recorded_at}, {"count", r.count}};
}

nlohmann::json as_json(const ImportBatch& b) {
  return {{"batch", b.id},   {"recorded_at", b.recorded_at}, {"actor", b.actor}, {"title", b.title}, {"files", b.files},
          {"count", b.count}};
}

nlohmann::json as_json(const SnapshotFact& f) {
  return {{"fact", f.fact_text()},
          {"name", f.name},
          {"args", f.args_text},
          {"value", f.value_text ? nlohmann::json(*f.value_text) : nlohmann::json(nullptr)},
          {"source", opt(f.source)},
          {"as_of", opt(f.as_of)},
          {"file", f.file},
          {"line", f.line},
          {"recorded_by", opt(f.recorded_by)},
          {"recorded_at", opt(f.recorded_at)},
          {"record_id", f.record_id ? nlohmann::json(f.record_id) : nlohmann::json(nullptr)},
          {"assumption", f.assumption}};
}

nlohmann::json as_json(const RecordedDecision& d) {
  return {{"decision_id", d.id}, {"recorded_at", d.recorded_at}, {"hash", d.hash}};
}

nlohmann::json as_json(const DecisionSummary& d) {
  nlohmann::json counts = nlohmann::json::array();
  for (const auto& c : d.counts) counts.push_back({{"phase", c.phase}, {"verdict", c.verdict}, {"count", c.count}});
  return {{"id", d.id},
          {"recorded_at", d.recorded_at},
          {"actor", d.actor},
          {"ruleset", {{"name", d.ruleset_name}, {"version", opt(d.ruleset_version)}, {"sha256", d.ruleset_sha256}}},
          {"today", d.today},
          {"known_at", opt(d.known_at)},
          {"hash", d.hash},
          {"counts", counts}};
}

nlohmann::json as_json(const Decision& d, bool with_texts) {
  nlohmann::json files = nlohmann::json::array();
  for (std::size_t i = 0; i < d.rules_files.size(); ++i) {
    nlohmann::json f = {{"path", d.rules_files[i].path},
                        {"sha256", i < d.rules_file_sha256.size() ? d.rules_file_sha256[i] : std::string()}};
    if (with_texts) f["text"] = d.rules_files[i].text;
    files.push_back(f);
  }
  nlohmann::json facts = nlohmann::json::array();
  for (const auto& f : d.facts) facts.push_back(as_json(f));
  return {
      {"id", d.id},
      {"recorded_at", d.recorded_at},
      {"actor", d.actor},
      {"ruleset",
       {{"name", d.ruleset_name}, {"version", opt(d.ruleset_version)}, {"sha256", d.ruleset_sha256}, {"files", files}}},
      {"today", d.today},
      {"known_at", opt(d.known_at)},
      {"facts_known_at", opt(d.facts_known_at)},
      {"options", d.options},
      {"facts_sha256", d.facts_sha256},
      {"facts", facts},
      {"verdicts", d.verdicts},
      {"explanation", d.explanation},
      {"prev_hash", d.prev_hash},
      {"hash", d.hash}};
}

nlohmann::json as_json(const DecisionDiff& d) {
  nlohmann::json facts = nlohmann::json::array();
  for (const auto& c : d.facts)
    facts.push_back({{"kind", to_string(c.kind)},
                     {"name", c.name},
                     {"args", c.args_text},
                     {"before", c.before ? as_json(*c.before) : nlohmann::json(nullptr)},
                     {"after", c.after ? as_json(*c.after) : nlohmann::json(nullptr)}});
  nlohmann::json verdicts = nlohmann::json::array();
  for (const auto& v : d.verdicts)
    verdicts.push_back({{"phase", v.phase},
                        {"args", v.args},
                        {"before", opt(v.before)},
                        {"after", opt(v.after)},
                        {"before_detail", v.before_detail},
                        {"after_detail", v.after_detail}});
  return {{"a", d.a},
          {"b", d.b},
          {"ruleset_changed", d.ruleset_changed},
          {"ruleset", {{"a", d.ruleset_a}, {"b", d.ruleset_b}}},
          {"today", {{"a", d.today_a}, {"b", d.today_b}}},
          {"facts", facts},
          {"verdicts", verdicts}};
}

nlohmann::json as_json(const VerifyReport& r) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : r.problems)
    problems.push_back({{"decision", p.decision_id ? nlohmann::json(p.decision_id) : nlohmann::json(nullptr)},
                        {"import", p.batch_id ? nlohmann::json(p.batch_id) : nlohmann::json(nullptr)},
                        {"kind", to_string(p.kind)},
                        {"message", p.message}});
  return {{"ok", r.ok()},        {"records", r.records},       {"imports", r.imports}, {"replayed", r.replayed},
          {"head", opt(r.head)}, {"after_head", r.after_head}, {"problems", problems}};
}

std::string member_text(const nlohmann::json& j, const char* key, const std::string& fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

const nlohmann::json& member_args(const nlohmann::json& j) {
  static const nlohmann::json none = nlohmann::json::array();
  if (!j.is_object()) return none;
  auto it = j.find("args");
  return it != j.end() && it->is_array() ? *it : none;
}

}  // namespace phasegate::store
