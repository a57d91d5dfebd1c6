// The SQLite layer: error mapping, statements, transactions with retry on SQLITE_BUSY.
#include "store/sqlite.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace phasegate::store::detail {

void throw_sqlite(sqlite3* db, int rc, std::string_view what) {
  std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string msg(what);
  int os_error = db ? sqlite3_system_errno(db) : 0;
  if (os_error == ENOSPC || os_error == EDQUOT) rc = SQLITE_FULL;
  switch (rc & 0xff) {
    case SQLITE_FULL:
      throw StoreError(ErrorKind::io, msg + ": the disk is full (" + detail + "); nothing was written");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw StoreError(ErrorKind::io,
                       msg + ": the store stayed locked by another process past the busy timeout (" + detail + ")");
    case SQLITE_CORRUPT:
      throw StoreError(ErrorKind::io, msg + ": the store file is corrupt (" + detail + ")");
    case SQLITE_NOTADB:
      throw StoreError(ErrorKind::io, msg + ": the file is not an SQLite database (" + detail + ")");
    case SQLITE_CANTOPEN:
      throw StoreError(ErrorKind::not_found, msg + ": cannot open the store (" + detail + ")");
    case SQLITE_READONLY:
      throw StoreError(ErrorKind::io, msg + ": the store is read-only (" + detail + ")");
    case SQLITE_IOERR:
      throw StoreError(ErrorKind::io, msg + ": I/O error (" + detail + ")");
    case SQLITE_NOMEM:
      throw StoreError(ErrorKind::io, msg + ": out of memory");
    case SQLITE_TOOBIG:
      throw StoreError(ErrorKind::invalid, msg + ": a value is too large for the store (" + detail + ")");
    default:
      throw StoreError(ErrorKind::io, msg + ": " + detail);
  }
}

// ---------------------------------------------------------------- Statement

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, "preparing a store query");
}

Statement::Statement(Connection& c, std::string_view sql) : db_(c.get()), home_(&c), sql_(sql) {
  stmt_ = c.take_cached(sql);
  if (stmt_) return;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "preparing a store query");
}

Statement::~Statement() {
  if (home_ && stmt_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    try {
      home_->put_cached(std::move(sql_), stmt_);
      return;
    } catch (...) {  // no memory to keep it: finalized instead (a destructor must not throw)
    }
  }
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "binding a value");
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view value, bool copy) {
  int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), copy ? SQLITE_TRANSIENT : SQLITE_STATIC,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "binding a value");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) { return bind_text(index, value, true); }

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "binding a value");
  return *this;
}

Statement& Statement::bind_opt(int index, std::string_view value) {
  return value.empty() ? bind_null(index) : bind(index, value);
}

Statement& Statement::bind_kept(int index, std::string_view value) { return bind_text(index, value, false); }

Statement& Statement::bind_opt_kept(int index, std::string_view value) {
  return value.empty() ? bind_null(index) : bind_kept(index, value);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (!started_ && (rc & 0xff) == SQLITE_BUSY) {
    // Not yet started (so safe to restart): SQLite can report SQLITE_BUSY without
    // calling the busy handler, e.g. while another connection recovers the WAL
    // after a crash. Retry with back-off for up to the default busy timeout.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kRetryMs);
    int delay_ms = 1;
    while ((rc & 0xff) == SQLITE_BUSY && std::chrono::steady_clock::now() < deadline) {
      sqlite3_reset(stmt_);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      delay_ms = std::min(delay_ms * 2, 50);
      rc = sqlite3_step(stmt_);
    }
  }
  started_ = true;
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite(db_, rc, "store query");
}

void Statement::reset() {
  started_ = false;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::integer(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Statement::text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

// ---------------------------------------------------------------- Connection

Connection::~Connection() {
  drop_cached();
  sqlite3_close_v2(db_);
}

Connection& Connection::operator=(Connection&& o) noexcept {
  if (this != &o) {
    drop_cached();
    sqlite3_close_v2(db_);
    db_ = o.db_;
    cached_ = std::move(o.cached_);
    o.cached_.clear();
    busy_timeout_ms_ = o.busy_timeout_ms_;
    o.db_ = nullptr;
  }
  return *this;
}

sqlite3_stmt* Connection::take_cached(std::string_view sql) {
  for (auto it = cached_.begin(); it != cached_.end(); ++it)
    if (it->first == sql) {
      sqlite3_stmt* stmt = it->second;
      cached_.erase(it);
      return stmt;
    }
  return nullptr;
}

void Connection::put_cached(std::string&& sql, sqlite3_stmt* stmt) {
  constexpr std::size_t kMaxCached = 32;
  for (const auto& [text, _] : cached_)
    if (text == sql || cached_.size() >= kMaxCached) {  // a second of the same text in use, or full
      sqlite3_finalize(stmt);
      return;
    }
  cached_.emplace_back(std::move(sql), stmt);
}

void Connection::drop_cached() noexcept {
  for (auto& [_, stmt] : cached_) sqlite3_finalize(stmt);
  cached_.clear();
}

void Connection::open(const std::string& path, bool create, int busy_timeout_ms) {
  busy_timeout_ms_ = busy_timeout_ms;
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "opening the store " + path);
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
}

void Connection::open_read_only(const std::string& path, int busy_timeout_ms) {
  busy_timeout_ms_ = busy_timeout_ms;
  std::error_code ec;
  const bool has_log = std::filesystem::exists(path + "-wal", ec);
  std::string uri = "file:";
  for (unsigned char c : path) {  // a URI: `?`, `#` and `%` in the path are escaped
    if (c == '?' || c == '#' || c == '%') {
      static const char* hex = "0123456789ABCDEF";
      uri += '%';
      uri += hex[c >> 4];
      uri += hex[c & 15];
    } else {
      uri += static_cast<char>(c);
    }
  }
  uri += has_log ? "?mode=ro" : "?immutable=1";
  int rc = sqlite3_open_v2(uri.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "opening the store " + path + " to read");
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
}

void Connection::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "store statement");
}

std::int64_t Connection::query_int(std::string_view sql) {
  Statement st(db_, sql);
  return st.step() ? st.integer(0) : 0;
}

std::string Connection::query_text(std::string_view sql) {
  Statement st(db_, sql);
  return st.step() ? st.text(0) : std::string();
}

void Connection::begin(bool immediate) {
  // The busy handler already waits up to the timeout; this loop covers the
  // cases where SQLite reports SQLITE_BUSY without calling it (WAL recovery).
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + std::chrono::milliseconds(busy_timeout_ms_);
  int delay_ms = 1;
  const char* sql = immediate ? "BEGIN IMMEDIATE" : "BEGIN";
  for (;;) {
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    if ((rc & 0xff) != SQLITE_BUSY || clock::now() >= deadline) throw_sqlite(db_, rc, "starting a store transaction");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    delay_ms = std::min(delay_ms * 2, 50);
  }
}

void Connection::commit() {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + std::chrono::milliseconds(busy_timeout_ms_);
  int delay_ms = 1;
  for (;;) {
    int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    if ((rc & 0xff) != SQLITE_BUSY || clock::now() >= deadline) throw_sqlite(db_, rc, "committing to the store");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    delay_ms = std::min(delay_ms * 2, 50);
  }
}

void Connection::rollback() noexcept {
  if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace phasegate::store::detail
