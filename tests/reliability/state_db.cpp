#include "tests/reliability/state_db.h"

#include <sqlite3.h>

#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace bzjira::reliability {

namespace {

std::string column(sqlite3_stmt* stmt, int i) {
  const unsigned char* text = sqlite3_column_text(stmt, i);
  return text == nullptr ? "" : reinterpret_cast<const char*>(text);
}

}  // namespace

std::string rfc3339(long long epoch_seconds) {
  const auto t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

long long epoch_seconds(const std::string& rfc3339) {
  std::tm tm{};
  if (::strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) {
    throw std::runtime_error("not an RFC 3339 UTC instant: " + rfc3339);
  }
  return static_cast<long long>(::timegm(&tm));
}

long long watermark(const std::string& db_path) {
  sqlite3* db = nullptr;
  long long out = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT db_time FROM watermark WHERE id = 1", -1, &stmt, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      out = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

RunJournal run_journal(const std::string& db_path, const std::string& now_rfc3339) {
  RunJournal out;
  if (!std::filesystem::exists(db_path)) {
    return out;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + db_path);
  }
  sqlite3_busy_timeout(db, 2000);
  std::string run_id;
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT run_id, outcome FROM runs WHERE started = ?", -1, &stmt, nullptr);
  sqlite3_bind_int64(stmt, 1, epoch_seconds(now_rfc3339));
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    out.found = true;
    run_id = column(stmt, 0);
    out.outcome = column(stmt, 1);
  }
  sqlite3_finalize(stmt);
  if (out.found) {
    sqlite3_prepare_v2(db,
                       "SELECT action, obligation_key, target, state, detail FROM journal "
                       "WHERE run_id = ? ORDER BY id",
                       -1, &stmt, nullptr);
    sqlite3_bind_text(stmt, 1, run_id.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      out.rows.push_back(
          {column(stmt, 0), column(stmt, 1), column(stmt, 2), column(stmt, 3), column(stmt, 4)});
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

}  // namespace bzjira::reliability
