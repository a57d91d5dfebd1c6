// A thin RAII layer over the SQLite C API, internal to the store: statements, transactions, errors.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/error.hpp"

namespace phasegate::store::detail {

// Throws the StoreError that an SQLite result code stands for.
[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view what);

class Connection;

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  // The same, prepared once per connection: the statement goes back to `c`'s cache when this is
  // destroyed (reset, bindings cleared) for the next Statement of the same text. For statements a
  // hot path runs again and again (recording a decision): preparing costs more than running them.
  Statement(Connection& c, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_null(int index);
  // "" is bound as NULL.
  Statement& bind_opt(int index, std::string_view value);
  // As bind and bind_opt, without SQLite's copy of the text (large texts: a decision's snapshot,
  // verdicts and explanations). The text must stay as it is until this statement is done with.
  Statement& bind_kept(int index, std::string_view value);
  Statement& bind_opt_kept(int index, std::string_view value);

  // True when a row is ready, false when done. Throws on error.
  bool step();
  void reset();

  std::int64_t integer(int col) const;
  std::string text(int col) const;  // NULL reads as ""
  bool is_null(int col) const;

 private:
  Statement& bind_text(int index, std::string_view value, bool copy);  // copy: SQLite keeps its own
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  Connection* home_ = nullptr;  // the connection whose cache stmt_ goes back to
  std::string sql_;             // its text, the cache's key
  bool started_ = false;  // stepped since the last reset
  static constexpr int kRetryMs = 10'000;
};

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(Connection&& o) noexcept : db_(o.db_), cached_(std::move(o.cached_)) { o.db_ = nullptr; }
  Connection& operator=(Connection&& o) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Opens the file; throws StoreError.
  void open(const std::string& path, bool create, int busy_timeout_ms);
  // Read-only, for a store whose folder or file this process may not write (an archive, a read-only
  // mount). With a write-ahead log beside it, SQLite reads through the log; without one, the file
  // holds every commit and is opened as immutable (SQLite would otherwise need to create the -shm file).
  void open_read_only(const std::string& path, int busy_timeout_ms);
  sqlite3* get() const { return db_; }

  void exec(std::string_view sql);
  // A one-row, one-column query.
  std::int64_t query_int(std::string_view sql);
  std::string query_text(std::string_view sql);

  // BEGIN IMMEDIATE / BEGIN, retried on SQLITE_BUSY with back-off until the deadline.
  void begin(bool immediate);
  void commit();
  // Safe to call at any time: rolls back if a transaction is open.
  void rollback() noexcept;

 private:
  friend class Statement;
  // Statements prepared with Statement(Connection&, sql) and not in use, by their text.
  sqlite3_stmt* take_cached(std::string_view sql);
  void put_cached(std::string&& sql, sqlite3_stmt* stmt);
  void drop_cached() noexcept;

  sqlite3* db_ = nullptr;
  int busy_timeout_ms_ = 10'000;
  std::vector<std::pair<std::string, sqlite3_stmt*>> cached_;
};

// Runs `body` inside a transaction; commits on success, rolls back on any exception.
// Inside an open transaction it just runs `body` (the outer one commits).
template <class F>
auto in_transaction(Connection& c, bool immediate, F&& body) {
  if (!sqlite3_get_autocommit(c.get())) return body();
  c.begin(immediate);
  try {
    // Ending a read transaction cannot lose data: if its COMMIT fails (after an
    // error the body reported itself, e.g. a damaged page during verify), roll back.
    auto finish = [&] {
      if (immediate) {
        c.commit();
      } else if (!sqlite3_get_autocommit(c.get()) &&
                 sqlite3_exec(c.get(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
        c.rollback();
      }
    };
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      finish();
    } else {
      auto result = body();
      finish();
      return result;
    }
  } catch (...) {
    c.rollback();
    throw;
  }
}

}  // namespace phasegate::store::detail
