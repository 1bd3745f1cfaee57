// Helpers for the store tests: a private temporary directory removed afterwards, instants from
// RFC 3339 text, a store that must open, a status that must be ok, and raw SQLite access to
// inspect or prepare a database file by hand.
#pragma once

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "adapters/store/sqlite_store.h"
#include "sync/time.h"
#include "tests/support/temp_dir.h"

namespace bzjira::store_test {

using test_support::TempDir;

inline sync::Instant at(const char* text) {
  const auto t = sync::parse_rfc3339(text);
  REQUIRE(t.has_value());
  return *t;
}

// The store at `path`, which must open (a failure shows its message).
inline std::unique_ptr<adapters::store::SqliteStore> open_store(const std::string& path) {
  auto store = adapters::store::SqliteStore::open(path);
  INFO((store.ok() ? std::string() : store.error().message));
  REQUIRE(store.ok());
  return std::move(store).value();
}

inline void require_ok(const sync::Status& status) {
  INFO((status.ok() ? std::string() : status.error().message));
  REQUIRE(status.ok());
}

// A raw connection, independent of the code under test.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            nullptr) == SQLITE_OK);
  }
  ~RawDb() { sqlite3_close_v2(m_db); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message);
    const std::string text = message != nullptr ? message : "";
    sqlite3_free(message);
    INFO(text);
    REQUIRE(rc == SQLITE_OK);
  }

  // The first column of the first row, as text ("" when there is no row or it is NULL).
  std::string query(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(m_db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* m_db = nullptr;
};

}  // namespace bzjira::store_test
