#include "adapters/store/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

namespace bzjira::adapters::store {

sync::Error sqlite_error(int code, const std::string& path, const std::string& what, sqlite3* db) {
  const int primary = code & 0xff;
  // sqlite3_errmsg describes the connection's last error; without a connection, the code's text.
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  switch (primary) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      // The state is a cache: the fix is to move the file away and let the next run rebuild it.
      return sync::make_error(sync::ErrorKind::config,
                              "state database " + path +
                                  " is not a usable bzjira state database (" + detail +
                                  "); move it away (it is a cache, rebuilt on the next run) or "
                                  "choose another --state");
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return sync::make_error(sync::ErrorKind::config,
                              "cannot open state database " + path + " to " + what + ": " + detail);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return sync::make_error(sync::ErrorKind::transient,
                              "state database " + path +
                                  " stayed busy (another process?) while "
                                  "trying to " +
                                  what + ": " + detail);
    default:
      return sync::make_error(sync::ErrorKind::internal,
                              "state database " + path + ": cannot " + what + ": " + detail);
  }
}

// ---- Statement

Statement::Statement(sqlite3_stmt* stmt, sqlite3* db, std::shared_ptr<StatementCache> cache,
                     std::string sql)
    : m_stmt(stmt),
      m_db(db),
      m_cache(std::move(cache)),
      m_path(&m_cache->path),
      m_sql(std::move(sql)) {}

Statement::Statement(Statement&& other) noexcept
    : m_stmt(std::exchange(other.m_stmt, nullptr)),
      m_db(other.m_db),
      m_cache(std::move(other.m_cache)),
      m_path(other.m_path),
      m_sql(std::move(other.m_sql)),
      m_bind_error(other.m_bind_error),
      m_bind_index(other.m_bind_index) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    release();
    m_stmt = std::exchange(other.m_stmt, nullptr);
    m_db = other.m_db;
    m_cache = std::move(other.m_cache);
    m_path = other.m_path;
    m_sql = std::move(other.m_sql);
    m_bind_error = other.m_bind_error;
    m_bind_index = other.m_bind_index;
  }
  return *this;
}

Statement::~Statement() { release(); }

void Statement::release() {
  sqlite3_stmt* stmt = std::exchange(m_stmt, nullptr);
  if (stmt == nullptr) {
    return;
  }
  if (m_cache && m_cache->open) {
    // Reset so it holds no read snapshot or lock while idle; cleared so no old value leaks into
    // the next use. Its result code repeats the last step's, already reported.
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    try {
      m_cache->idle[std::move(m_sql)].push_back(stmt);
      return;
    } catch (...) {  // no memory for the cache entry: just finalize
    }
  }
  sqlite3_finalize(stmt);
}

void Statement::note_bind(int code, int index) {
  if (code != SQLITE_OK && m_bind_error == 0) {
    m_bind_error = code;
    m_bind_index = index;
  }
}

Statement& Statement::bind_int(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(m_stmt, index, value), index);
  return *this;
}

Statement& Statement::bind_opt_int(int index, const std::optional<std::int64_t>& value) {
  note_bind(value ? sqlite3_bind_int64(m_stmt, index, *value) : sqlite3_bind_null(m_stmt, index),
            index);
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view value) {
  // SQLITE_TRANSIENT copies: callers may bind temporaries. Over-long text fails with SQLITE_TOOBIG.
  note_bind(
      sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
  return *this;
}

sync::Result<bool> Statement::step() {
  if (m_bind_error != 0) {
    const int code = m_bind_error;
    m_bind_error = 0;
    sqlite3_reset(m_stmt);
    return sqlite_error(code, *m_path, "bind parameter " + std::to_string(m_bind_index), m_db);
  }
  const int code = sqlite3_step(m_stmt);
  if (code == SQLITE_ROW) {
    return true;
  }
  if (code == SQLITE_DONE) {
    sqlite3_reset(m_stmt);
    return false;
  }
  // With sqlite3_prepare_v2 the step's code is already the specific one; errmsg must be read
  // before the reset below.
  sync::Error error = sqlite_error(code, *m_path, "run a statement", m_db);
  sqlite3_reset(m_stmt);
  return error;
}

sync::Status Statement::run() {
  return for_each_row([](const Statement&) {});
}

std::int64_t Statement::int_at(int column) const { return sqlite3_column_int64(m_stmt, column); }

std::optional<std::int64_t> Statement::opt_int_at(int column) const {
  if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL) {
    return std::nullopt;
  }
  return sqlite3_column_int64(m_stmt, column);
}

std::string Statement::text_at(int column) const {
  const auto* text = sqlite3_column_text(m_stmt, column);
  if (text == nullptr) {
    return {};
  }
  // By length, not up to the first NUL: a comment may contain one.
  const int size = sqlite3_column_bytes(m_stmt, column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

// ---- Db

Db::Db(sqlite3* db, std::string path) : m_db(db), m_cache(std::make_shared<StatementCache>()) {
  m_cache->path = std::move(path);
}

Db::Db(Db&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_cache(std::move(other.m_cache)) {}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    close();
    m_db = std::exchange(other.m_db, nullptr);
    m_cache = std::move(other.m_cache);
  }
  return *this;
}

Db::~Db() { close(); }

void Db::close() {
  if (m_cache) {
    m_cache->open = false;  // statements still in use finalize themselves when they go away
    for (auto& [sql, list] : m_cache->idle) {
      for (sqlite3_stmt* stmt : list) {
        sqlite3_finalize(stmt);
      }
    }
    m_cache->idle.clear();
  }
  // close_v2 waits for outstanding statements instead of failing with SQLITE_BUSY.
  sqlite3_close_v2(m_db);
  m_db = nullptr;
}

sync::Result<Db> Db::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int code =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  // Even on failure SQLite usually hands back a connection carrying the message; it must be closed.
  Db db(raw, path);
  if (code != SQLITE_OK) {
    // A failed open is always about the file (missing directory, permissions, a directory in
    // the way), so it is a configuration problem whatever the exact code.
    return sync::make_error(sync::ErrorKind::config,
                            "cannot open state database " + path + ": " +
                                (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(code)));
  }
  // Extended codes tell SQLITE_CANTOPEN_ISDIR and friends apart in messages.
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

sync::Result<Statement> Db::prepare(std::string_view sql) {
  std::string key(sql);
  if (auto it = m_cache->idle.find(key); it != m_cache->idle.end() && !it->second.empty()) {
    sqlite3_stmt* stmt = it->second.back();
    it->second.pop_back();
    return Statement(stmt, m_db, m_cache, std::move(key));
  }
  sqlite3_stmt* stmt = nullptr;
  const int code =
      sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (code != SQLITE_OK) {
    return sqlite_error(code, m_cache->path, "prepare a statement", m_db);
  }
  return Statement(stmt, m_db, m_cache, std::move(key));
}

sync::Status Db::exec(const char* sql, const std::string& what) {
  const int code = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) {
    return sqlite_error(code, m_cache->path, what, m_db);
  }
  return sync::ok_status();
}

std::int64_t Db::changes() const { return sqlite3_changes64(m_db); }

std::int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(m_db); }

// ---- Transaction

sync::Result<Transaction> Transaction::begin(Db& db, bool write) {
  // Not in autocommit mode: an outer transaction is open, and SQLite does not nest BEGIN.
  const bool nested = sqlite3_get_autocommit(db.handle()) == 0;
  auto status = db.exec(nested  ? "SAVEPOINT bzjira_nested"
                        : write ? "BEGIN IMMEDIATE"
                                : "BEGIN",
                        "begin a transaction");
  if (!status.ok()) {
    return status.error();
  }
  return Transaction(&db, nested);
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_nested(other.m_nested) {}

Transaction::~Transaction() {
  if (m_db != nullptr) {
    // Nothing useful to do with a failed rollback here: SQLite rolls back on close anyway.
    sqlite3_exec(m_db->handle(),
                 m_nested ? "ROLLBACK TO bzjira_nested; RELEASE bzjira_nested" : "ROLLBACK",
                 nullptr, nullptr, nullptr);
  }
}

sync::Status Transaction::commit() {
  if (m_db == nullptr) {
    return sync::make_error(sync::ErrorKind::internal, "commit of a finished transaction");
  }
  auto status = m_db->exec(m_nested ? "RELEASE bzjira_nested" : "COMMIT", "commit a transaction");
  if (status.ok()) {
    m_db = nullptr;
  }
  return status;
}

std::string join_on(const std::vector<std::string>& parts, char separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) {
      out += separator;
    }
    out += part;
  }
  return out;
}

std::vector<std::string> split_on(const std::string& joined, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < joined.size()) {
    const std::size_t found = joined.find(separator, start);
    const std::size_t end = found == std::string::npos ? joined.size() : found;
    if (end > start) {
      out.push_back(joined.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

}  // namespace bzjira::adapters::store
