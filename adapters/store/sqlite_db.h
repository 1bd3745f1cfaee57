// RAII over the SQLite C API for the store: a connection, prepared statements and transactions,
// each failure turned into a sync::Error. Internal to adapters/store; values are always bound,
// never spliced into SQL text.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sync/result.h"
#include "sync/time.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bzjira::adapters::store {

// The error for SQLite result code `code` while doing `what` on the database at `path`:
// config when the file cannot be opened or is not a (sound) database, transient when another
// process kept it busy past the busy timeout, internal otherwise. The message names the path and
// SQLite's own explanation (never a value: SQLite does not echo bound data).
sync::Error sqlite_error(int code, const std::string& path, const std::string& what,
                         sqlite3* db = nullptr);

// A connection's prepared statements not in use, by SQL text, and the database's path. Shared by
// the Db and its Statements, so a statement that outlives its Db is finalized, not cached.
struct StatementCache {
  std::string path;
  bool open = true;  // false once the Db closed: statements are then finalized
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle;
};

// One prepared statement. Bind by 1-based index, step, read columns by 0-based index. A bind that
// fails is remembered and reported by the next step(), so call sites stay linear. When it goes
// away it is reset, its bindings cleared, and handed back to its Db's cache for the next prepare()
// of the same SQL (preparing costs more than most of the store's statements take to run).
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3_stmt* stmt, sqlite3* db, std::shared_ptr<StatementCache> cache,
            std::string sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind_int(int index, std::int64_t value);
  Statement& bind_opt_int(int index, const std::optional<std::int64_t>& value);
  Statement& bind_text(int index, std::string_view value);

  // true: a row is ready to read; false: the statement finished (it is then reset for reuse, the
  // bindings kept). Errors: see sqlite_error; the statement is reset as well.
  sync::Result<bool> step();
  // Steps to the end, ignoring rows: for INSERT, UPDATE, DELETE.
  sync::Status run();
  // Steps to the end, handing each row to `on_row(const Statement&)`. `on_row` returns void, or a
  // sync::Status whose error stops the loop and is returned. Errors: see sqlite_error. Not an
  // error if there are no rows.
  template <typename F>
  sync::Status for_each_row(F&& on_row);
  // for_each_row into a fresh `Out`: `add_row(const Statement&, Out&)` returns void or a
  // sync::Status as above. Errors: those of for_each_row.
  template <typename Out, typename F>
  sync::Result<Out> collect(F&& add_row);

  std::int64_t int_at(int column) const;
  std::optional<std::int64_t> opt_int_at(int column) const;  // nullopt for SQL NULL
  std::string text_at(int column) const;                     // "" for SQL NULL

 private:
  void note_bind(int code, int index);
  void release();  // back to the cache (or finalized); leaves m_stmt null

  sqlite3_stmt* m_stmt = nullptr;
  sqlite3* m_db = nullptr;
  std::shared_ptr<StatementCache> m_cache;
  const std::string* m_path = nullptr;  // m_cache->path
  std::string m_sql;                    // the cache key
  int m_bind_error = 0;
  int m_bind_index = 0;
};

// One connection. Move-only; closing is deferred by SQLite until the last statement is finalized.
class Db {
 public:
  // Opens (creating if missing) the file read-write. Errors: config when it cannot be opened.
  static sync::Result<Db> open(const std::string& path);

  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // `sql` is one statement, compiled once per connection: a statement of the same text that is no
  // longer in use is reused (reset, bindings cleared). Errors: see sqlite_error.
  sync::Result<Statement> prepare(std::string_view sql);
  // Prepares `sql` (no parameters) and hands each row to `on_row`: see Statement::for_each_row.
  template <typename F>
  sync::Status query(std::string_view sql, F&& on_row);
  // Prepares `sql` (no parameters) and collects its rows: see Statement::collect.
  template <typename Out, typename F>
  sync::Result<Out> collect(std::string_view sql, F&& add_row);
  // Runs fixed SQL text (schema, pragmas, BEGIN/COMMIT); possibly several statements.
  sync::Status exec(const char* sql, const std::string& what);
  // Rows changed by the last INSERT, UPDATE or DELETE; the rowid of the last INSERT.
  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  sqlite3* handle() const { return m_db; }
  const std::string& path() const { return m_cache->path; }

 private:
  Db(sqlite3* db, std::string path);
  void close();

  sqlite3* m_db = nullptr;
  // On the heap so statements can point at it across moves of the Db.
  std::shared_ptr<StatementCache> m_cache;
};

// BEGIN on construction, ROLLBACK on destruction unless commit() succeeded. Inside a transaction
// already open on the connection (a caller grouping many writes), it is a SAVEPOINT instead:
// commit() releases it into the outer transaction, destruction undoes only its own writes.
class Transaction {
 public:
  // write = true takes the write lock at once (BEGIN IMMEDIATE), so a busy database is detected
  // before any work is done and waits on the busy timeout instead of failing mid-transaction.
  static sync::Result<Transaction> begin(Db& db, bool write);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  sync::Status commit();

 private:
  Transaction(Db* db, bool nested) : m_db(db), m_nested(nested) {}
  Db* m_db = nullptr;  // null once committed or moved from
  bool m_nested = false;
};

// Instants are stored as integer seconds since the Unix epoch (UTC).
inline std::int64_t to_epoch(sync::Instant t) { return t.time_since_epoch().count(); }
inline sync::Instant from_epoch(std::int64_t seconds) {
  return sync::Instant{sync::Seconds{seconds}};
}

inline std::optional<std::int64_t> opt_epoch(const std::optional<sync::Instant>& t) {
  return t ? std::optional<std::int64_t>(to_epoch(*t)) : std::nullopt;
}

// A list of strings in one TEXT column, joined by `separator`, which no element may contain.
// Splitting drops empty elements, so an empty list and a list of empty strings both read as empty.
std::string join_on(const std::vector<std::string>& parts, char separator);
std::vector<std::string> split_on(const std::string& joined, char separator);

template <typename F>
sync::Status Statement::for_each_row(F&& on_row) {
  while (true) {
    auto row = step();
    if (!row.ok()) {
      return row.error();
    }
    if (!*row) {
      return sync::ok_status();
    }
    if constexpr (std::is_void_v<std::invoke_result_t<F&, const Statement&>>) {
      on_row(static_cast<const Statement&>(*this));
    } else {
      if (sync::Status status = on_row(static_cast<const Statement&>(*this)); !status.ok()) {
        return status;  // the statement is reset when it goes back to the cache
      }
    }
  }
}

template <typename Out, typename F>
sync::Result<Out> Statement::collect(F&& add_row) {
  Out out;
  auto status = for_each_row([&](const Statement& row) { return add_row(row, out); });
  if (!status.ok()) {
    return status.error();
  }
  return out;
}

template <typename Out, typename F>
sync::Result<Out> Db::collect(std::string_view sql, F&& add_row) {
  auto stmt = prepare(sql);
  if (!stmt.ok()) {
    return stmt.error();
  }
  return stmt->template collect<Out>(std::forward<F>(add_row));
}

template <typename F>
sync::Status Db::query(std::string_view sql, F&& on_row) {
  auto stmt = prepare(sql);
  if (!stmt.ok()) {
    return stmt.error();
  }
  return stmt->for_each_row(std::forward<F>(on_row));
}

// Runs `body`, turning any exception (allocation failure, a std::filesystem throw) into an
// internal error: nothing thrown crosses the store's public interface.
template <typename F>
auto guarded(const std::string& path, const char* what, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return sync::make_error(sync::ErrorKind::internal,
                            "state database " + path + ": " + what + ": " + e.what());
  } catch (...) {
    return sync::make_error(sync::ErrorKind::internal,
                            "state database " + path + ": " + what + ": unknown exception");
  }
}

}  // namespace bzjira::adapters::store
