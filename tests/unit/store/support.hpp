// Store test helpers: temporary folders, a fake clock, sample facts and decisions, and a toy replay engine.
#pragma once

#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace store_test {

namespace ps = phasegate::store;
namespace fs = std::filesystem;

// A fresh folder under $TMPDIR, removed at the end of the scope.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "pg-store-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

// A clock the test moves by hand: starts at 2026-11-20T09:00:00Z.
struct FakeClock {
  std::shared_ptr<ps::Micros> now = std::make_shared<ps::Micros>(*ps::parse_timestamp("2026-11-20T09:00:00Z"));
  std::function<ps::Micros()> fn() const {
    auto n = now;
    return [n] { return *n; };
  }
  void set(const std::string& ts) { *now = *ps::parse_timestamp(ts); }
};

inline ps::FactAssertion fact(std::string name, std::string args, std::optional<std::string> value,
                              std::string source = "briefing", std::string as_of = "2026-11-20",
                              std::string file = "b.facts", std::uint32_t line = 1) {
  ps::FactAssertion a;
  a.name = std::move(name);
  a.args_text = std::move(args);
  a.value_text = std::move(value);
  a.source = std::move(source);
  a.as_of = std::move(as_of);
  a.file = std::move(file);
  a.line = line;
  return a;
}

inline ps::FactAssertion retraction(std::string name, std::string args) {
  ps::FactAssertion a = fact(std::move(name), std::move(args), std::nullopt);
  a.retract = true;
  return a;
}

inline ps::ImportOptions by(std::string actor) {
  ps::ImportOptions o;
  o.actor = std::move(actor);
  o.title = "test";
  o.files = {"b.facts"};
  return o;
}

// The toy engine: a rules text `phases: a b c` names the phases; phase p is GO
// when fact gate_p is `true`, NO-GO when `false`, UNDETERMINED otherwise.
inline nlohmann::json toy_evaluate(const std::string& rules_text, const std::vector<ps::SnapshotFact>& facts) {
  std::map<std::string, std::string> values;
  for (const auto& f : facts)
    if (f.value_text) values[f.name] = *f.value_text;
  std::istringstream in(rules_text);
  std::string word;
  in >> word;
  if (word != "phases:") throw std::runtime_error("the toy rules text does not start with 'phases:'");
  nlohmann::json out = nlohmann::json::array();
  while (in >> word) {
    auto it = values.find("gate_" + word);
    std::string verdict = it == values.end()      ? "UNDETERMINED"
                          : it->second == "true"  ? "GO"
                          : it->second == "false" ? "NO-GO"
                                                  : "UNDETERMINED";
    out.push_back(
        {{"phase", word},
         {"args", nlohmann::json::array()},
         {"verdict", verdict},
         {"reasons", nlohmann::json::array({{{"label", "gate"}, {"value", verdict == "GO" ? "true" : "false"}}})}});
  }
  return out;
}

inline nlohmann::json toy_replay(const ps::Decision& d) {
  std::string text;
  for (const auto& f : d.rules_files) text += f.text + " ";
  return toy_evaluate(text, d.facts);
}

inline ps::SnapshotFact snap(std::string name, std::optional<std::string> value, std::string source = "briefing") {
  ps::SnapshotFact f;
  f.name = std::move(name);
  f.value_text = std::move(value);
  f.source = std::move(source);
  f.as_of = "2026-11-20";
  f.file = "b.facts";
  f.line = 3;
  return f;
}

// A decision as `advise --record` would make it with the toy engine.
inline ps::DecisionInput toy_decision(const std::string& rules_text, std::vector<ps::SnapshotFact> facts,
                                      std::string actor = "alice", std::string today = "2026-11-20") {
  ps::DecisionInput in;
  in.actor = std::move(actor);
  in.ruleset_name = "toy";
  in.ruleset_version = "1";
  in.ruleset_sha256 = ps::sha256_hex(rules_text);
  in.rules_files = {{"toy.rules", rules_text}};
  in.facts = std::move(facts);
  in.today = std::move(today);
  in.verdicts = toy_evaluate(rules_text, in.facts);
  in.explanation = {{"tree", "because"}};
  return in;
}

// Raw SQL on the store file, as a tamperer would do it.
inline void raw_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("raw open failed");
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("raw sql failed: " + msg + " in " + sql);
}

inline std::int64_t raw_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  std::int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

}  // namespace store_test
