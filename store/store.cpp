// Opening a store: file checks, pragmas, schema versions and migrations; the shared clock and hashing helpers.
#include <openssl/evp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include "grammar/quote.hpp"
#include "store/impl.hpp"

namespace phasegate::store {
namespace fs = std::filesystem;
using detail::Statement;

namespace {

// 'PGST': marks an SQLite file as a phasegate store.
constexpr std::int64_t kApplicationId = 0x50475354;

// Migrations: entry i takes a store from schema version i to i + 1.
// Never edit a shipped entry; append a new one and bump kSchemaVersion.
const char* const kMigrations[] = {
    // 0 -> 1: the first schema.
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE import_batch (
  id          INTEGER PRIMARY KEY,
  recorded_at TEXT NOT NULL,
  actor       TEXT NOT NULL,
  title       TEXT NOT NULL DEFAULT '',
  files       TEXT NOT NULL DEFAULT '[]',
  line_count  INTEGER NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);

CREATE TABLE fact_assertion (
  id          INTEGER PRIMARY KEY,
  batch_id    INTEGER NOT NULL REFERENCES import_batch(id),
  name        TEXT NOT NULL,
  args        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('value', 'tuple', 'retract')),
  value       TEXT,
  source      TEXT NOT NULL DEFAULT '',
  as_of       TEXT,
  actor       TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  file        TEXT NOT NULL DEFAULT '',
  line        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fact_assertion_key ON fact_assertion (name, args, id);

CREATE TABLE rules_text (
  sha256 TEXT PRIMARY KEY,
  text   TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE fact_snapshot (
  sha256 TEXT PRIMARY KEY,
  body   TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE decision (
  id              INTEGER PRIMARY KEY,
  recorded_at     TEXT NOT NULL,
  actor           TEXT NOT NULL,
  ruleset_name    TEXT NOT NULL,
  ruleset_version TEXT,
  ruleset_sha256  TEXT NOT NULL,
  rules_files     TEXT NOT NULL,
  facts_sha256    TEXT NOT NULL,
  today           TEXT NOT NULL,
  known_at        TEXT,
  facts_known_at  TEXT,
  options         TEXT NOT NULL,
  verdicts        TEXT NOT NULL,
  explanation     TEXT,
  prev_hash       TEXT NOT NULL,
  hash            TEXT NOT NULL UNIQUE
);
CREATE INDEX decision_time ON decision (recorded_at);

CREATE TABLE decision_phase (
  decision_id INTEGER NOT NULL,
  phase       TEXT NOT NULL,
  verdict     TEXT NOT NULL,
  count       INTEGER NOT NULL,
  PRIMARY KEY (decision_id, phase, verdict)
) WITHOUT ROWID;
CREATE INDEX decision_phase_by_phase ON decision_phase (phase, verdict);
)sql",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

// Runs a statement that needs a lock outside any transaction (journal_mode),
// retrying on SQLITE_BUSY until the timeout.
void exec_retrying(detail::Connection& c, const char* sql, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int delay = 1;
  for (;;) {
    int rc = sqlite3_exec(c.get(), sql, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline)
      detail::throw_sqlite(c.get(), rc, "opening the store");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    delay = std::min(delay * 2, 50);
  }
}

void check_identity(detail::Connection& c, const std::string& path, std::int64_t app_id, std::int64_t version) {
  if (app_id != kApplicationId) {
    bool has_tables = c.query_int("SELECT count(*) FROM sqlite_schema") > 0;
    if (app_id != 0 || has_tables)
      throw StoreError(ErrorKind::incompatible, path + " is an SQLite database but not a phasegate store");
  }
  if (version > kSchemaVersion)
    throw StoreError(ErrorKind::incompatible, path + " was written by a newer phasegate (store schema version " +
                                                  std::to_string(version) + "; this phasegate reads versions up to " +
                                                  std::to_string(kSchemaVersion) +
                                                  "). Upgrade phasegate to use it; the store was not changed.");
}

}  // namespace

// ---------------------------------------------------------------- opening

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const std::string& Store::path() const { return impl_->path; }
int Store::schema_version() const { return impl_->version; }

Store Store::open(const std::string& path, OpenMode mode, StoreOptions options) {
  std::error_code ec;
  if (mode == OpenMode::must_exist && !fs::exists(path, ec))
    throw StoreError(ErrorKind::not_found,
                     "no store at " + path + " (import facts or record a decision to create one)");
  if (fs::is_directory(path, ec)) throw StoreError(ErrorKind::not_found, path + " is a directory, not a store");

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = std::move(options);
  if (!impl->options.clock) impl->options.clock = system_micros;
  auto& c = impl->conn;
  // A store this process cannot write (its file, or the folder where SQLite keeps the log beside it):
  // a read command still reads it, through a read-only connection.
  const std::string folder = fs::path(path).has_parent_path() ? fs::path(path).parent_path().string() : ".";
  const bool read_only = mode == OpenMode::must_exist && (impl->options.read_only || ::access(path.c_str(), W_OK) != 0 ||
                                                          ::access(folder.c_str(), W_OK) != 0);
  if (read_only)
    c.open_read_only(path, impl->options.busy_timeout_ms);
  else
    c.open(path, mode == OpenMode::create_if_missing, impl->options.busy_timeout_ms);

  // Whose file it is, before anything is written to it: another application's database is refused
  // unchanged (not even switched to write-ahead logging). Header and table list are read in one
  // snapshot: another process may be creating the store at this moment, and a header read before its
  // commit with a table list read after it looks foreign.
  std::int64_t version = detail::in_transaction(c, false, [&] {
    std::int64_t app = c.query_int("PRAGMA application_id");
    std::int64_t v = c.query_int("PRAGMA user_version");
    check_identity(c, path, app, v);
    // An empty file (no header, no tables): a read command leaves it as it is, not a new store.
    if (mode == OpenMode::must_exist && app == 0 && v == 0)
      throw StoreError(ErrorKind::not_found,
                       path + " is empty, not a phasegate store (import facts or record a decision to create one)");
    return v;
  });
  if (read_only) {
    if (version < kSchemaVersion)
      throw StoreError(ErrorKind::incompatible, path + " has store schema version " + std::to_string(version) +
                                                    " and must be upgraded, which needs write access to it");
    impl->version = static_cast<int>(version);
    return Store(std::move(impl));
  }
  exec_retrying(c, "PRAGMA journal_mode=WAL", impl->options.busy_timeout_ms);
  if (c.query_text("PRAGMA journal_mode") != "wal")
    throw StoreError(ErrorKind::io, "cannot switch the store " + path + " to write-ahead logging");
  c.exec("PRAGMA synchronous=FULL");
  c.exec("PRAGMA foreign_keys=ON");
  c.exec("PRAGMA cache_size=-32768");  // 32 MiB: large imports update the key index in cache
  if (impl->options.max_page_count > 0) c.exec("PRAGMA max_page_count=" + std::to_string(impl->options.max_page_count));

  if (version < kSchemaVersion) {
    detail::in_transaction(c, true, [&] {
      // Another process may have migrated while we waited for the lock.
      std::int64_t app = c.query_int("PRAGMA application_id");
      std::int64_t v = c.query_int("PRAGMA user_version");
      check_identity(c, path, app, v);
      for (; v < kSchemaVersion; ++v) c.exec(kMigrations[v]);
      c.exec("PRAGMA application_id=" + std::to_string(kApplicationId));
      c.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
    });
    version = kSchemaVersion;
  }
  impl->version = static_cast<int>(version);
  return Store(std::move(impl));
}

std::string Store::default_path() {
  if (const char* env = std::getenv("PHASEGATE_DB"); env && *env) return env;
  return "./phasegate.db";
}

std::string Store::os_user() {
  if (struct passwd* pw = getpwuid(geteuid()); pw && pw->pw_name && *pw->pw_name) return pw->pw_name;
  if (const char* u = std::getenv("USER"); u && *u) return u;
  return "uid:" + std::to_string(geteuid());
}

std::string Store::integrity_check() const {
  Statement st(impl_->conn.get(), "PRAGMA integrity_check");
  std::string out;
  while (st.step()) {
    if (!out.empty()) out += '\n';
    out += st.text(0);
  }
  return out;
}

std::string Store::Impl::next_recorded_at() {
  Micros last = 0;
  {
    Statement st(conn.get(), "SELECT value FROM meta WHERE key = 'clock'");
    if (st.step()) last = std::stoll(st.text(0));
  }
  Micros t = std::max(options.clock(), last + 1);
  Statement up(conn.get(),
               "INSERT INTO meta (key, value) VALUES ('clock', ?1) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  up.bind(1, std::to_string(t));
  up.step();
  return format_timestamp(t);
}

// ---------------------------------------------------------------- helpers

namespace {

std::string hex_of(const unsigned char* digest, unsigned len) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

}  // namespace

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw StoreError(ErrorKind::io, "SHA-256 failed");
  return hex_of(digest, len);
}

std::string quote_facts_string(const std::string& s) { return quote_string(s); }

const char* to_string(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::hash_mismatch:
      return "hash-mismatch";
    case ProblemKind::broken_link:
      return "broken-link";
    case ProblemKind::missing_record:
      return "missing-record";
    case ProblemKind::out_of_order:
      return "out-of-order";
    case ProblemKind::rules_text_modified:
      return "rules-text-modified";
    case ProblemKind::snapshot_modified:
      return "facts-snapshot-modified";
    case ProblemKind::verdict_mismatch:
      return "verdict-mismatch";
    case ProblemKind::replay_failed:
      return "replay-failed";
    case ProblemKind::index_mismatch:
      return "index-mismatch";
    case ProblemKind::store_corrupt:
      return "store-corrupt";
    case ProblemKind::head_not_found:
      return "head-not-found";
    case ProblemKind::store_fact_changed:
      return "store-fact-changed";
    case ProblemKind::imports_changed:
      return "imports-changed";
  }
  return "?";
}

const char* to_string(FactChange::Kind kind) {
  switch (kind) {
    case FactChange::Kind::added:
      return "added";
    case FactChange::Kind::removed:
      return "removed";
    case FactChange::Kind::changed:
      return "changed";
    case FactChange::Kind::restated:
      return "restated";
  }
  return "?";
}

namespace detail {

std::string normalise_moment(const std::string& text, DateBound bound) {
  auto t = parse_timestamp(text, bound);
  if (!t)
    throw StoreError(ErrorKind::invalid, "not a timestamp: '" + text +
                                             "' (expected 2026-11-20, 2026-11-20T14:30, or 2026-11-20T14:30:00Z, within years 0001-9999 in UTC)");
  return format_timestamp(*t);
}

std::string canonical_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

DecisionRow read_decision_row(const Statement& st) {
  DecisionRow r;
  r.id = st.integer(0);
  std::string* fields[] = {&r.recorded_at, &r.actor,        &r.ruleset_name, &r.ruleset_version, &r.ruleset_sha256,
                           &r.rules_files, &r.facts_sha256, &r.today,        &r.known_at,        &r.facts_known_at,
                           &r.options,     &r.verdicts,     &r.explanation,  &r.prev_hash,       &r.hash};
  for (int i = 0; i < 15; ++i) *fields[i] = st.text(i + 1);
  return r;
}

// SHA-256 of the canonical content (docs/store.md) and prev_hash, hashed as it streams by: the
// verdicts and explanations of a large decision are not copied into one more string.
std::string row_hash(const DecisionRow& r) {
  BatchHasher h;
  h.update("phasegate-decision/1\n");
  h.field("id", std::to_string(r.id));
  h.field("recorded_at", r.recorded_at);
  h.field("actor", r.actor);
  h.field("ruleset_name", r.ruleset_name);
  h.field("ruleset_version", r.ruleset_version);
  h.field("ruleset_sha256", r.ruleset_sha256);
  h.field("rules_files", r.rules_files);
  h.field("facts_sha256", r.facts_sha256);
  h.field("today", r.today);
  h.field("known_at", r.known_at);
  h.field("facts_known_at", r.facts_known_at);
  h.field("options", r.options);
  h.field("verdicts", r.verdicts);
  h.field("explanation", r.explanation_text());
  return h.hash(r.prev_hash);
}

BatchHasher::BatchHasher() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) throw StoreError(ErrorKind::io, "SHA-256 failed");
}

BatchHasher::~BatchHasher() { EVP_MD_CTX_free(ctx_); }

void BatchHasher::update(std::string_view s) {
  if (EVP_DigestUpdate(ctx_, s.data(), s.size()) != 1) throw StoreError(ErrorKind::io, "SHA-256 failed");
}

void BatchHasher::field(const char* name, std::string_view value) {
  update(std::string(name) + ' ' + std::to_string(value.size()) + ':');
  update(value);
  update("\n");
}

void BatchHasher::header(std::int64_t id, const std::string& recorded_at, const std::string& actor,
                         const std::string& title, const std::string& files, std::int64_t line_count) {
  update("phasegate-import/1\n");
  field("id", std::to_string(id));
  field("recorded_at", recorded_at);
  field("actor", actor);
  field("title", title);
  field("files", files);
  field("line_count", std::to_string(line_count));
}

void BatchHasher::assertion(std::int64_t id, const std::string& name, const std::string& args, const std::string& kind,
                            const std::string& value, const std::string& source, const std::string& as_of,
                            const std::string& actor, const std::string& recorded_at, const std::string& file,
                            std::int64_t line) {
  field("fact", std::to_string(id));
  field("name", name);
  field("args", args);
  field("kind", kind);
  field("value", value);
  field("source", source);
  field("as_of", as_of);
  field("actor", actor);
  field("recorded_at", recorded_at);
  field("file", file);
  field("line", std::to_string(line));
}

std::string BatchHasher::hash(const std::string& prev_hash) {
  update(prev_hash);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, digest, &len) != 1) throw StoreError(ErrorKind::io, "SHA-256 failed");
  return hex_of(digest, len);
}

nlohmann::json snapshot_to_json(const SnapshotFact& f) {
  nlohmann::json j = nlohmann::json::object();
  j["name"] = f.name;
  j["args"] = f.args_text;
  j["value"] = f.value_text ? nlohmann::json(*f.value_text) : nlohmann::json(nullptr);
  j["source"] = f.source;
  j["as_of"] = f.as_of;
  j["file"] = f.file;
  j["line"] = f.line;
  j["recorded_by"] = f.recorded_by;
  j["recorded_at"] = f.recorded_at;
  j["record_id"] = f.record_id;
  j["assumption"] = f.assumption;
  return j;
}

SnapshotFact snapshot_from_json(const nlohmann::json& j) {
  SnapshotFact f;
  f.name = j.at("name").get<std::string>();
  f.args_text = j.at("args").get<std::string>();
  if (!j.at("value").is_null()) f.value_text = j.at("value").get<std::string>();
  f.source = j.at("source").get<std::string>();
  f.as_of = j.at("as_of").get<std::string>();
  f.file = j.at("file").get<std::string>();
  f.line = j.at("line").get<std::uint32_t>();
  f.recorded_by = j.at("recorded_by").get<std::string>();
  f.recorded_at = j.at("recorded_at").get<std::string>();
  f.record_id = j.at("record_id").get<std::int64_t>();
  f.assumption = j.at("assumption").get<bool>();
  return f;
}

std::vector<PhaseCount> count_verdicts(const nlohmann::json& verdicts) {
  std::map<std::pair<std::string, std::string>, std::int64_t> counts;
  if (verdicts.is_array())
    for (const auto& v : verdicts)
      if (v.is_object() && v.contains("phase") && v["phase"].is_string() && v.contains("verdict") &&
          v["verdict"].is_string())
        ++counts[{v["phase"].get<std::string>(), v["verdict"].get<std::string>()}];
  std::vector<PhaseCount> out;
  for (const auto& [k, n] : counts) out.push_back({k.first, k.second, n});
  return out;
}

}  // namespace detail

std::string StoredFact::fact_text() const {
  std::string out = name + args_text;
  if (kind == AssertionKind::value && value_text) out += " = " + *value_text;
  return out;
}

std::string SnapshotFact::fact_text() const {
  std::string out = name + args_text;
  if (value_text) out += " = " + *value_text;
  return out;
}

}  // namespace phasegate::store
