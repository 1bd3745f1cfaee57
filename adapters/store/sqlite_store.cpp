#include "adapters/store/sqlite_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <sqlite3.h>

#include "adapters/store/paths.h"
#include "adapters/store/schema.h"

namespace bzjira::adapters::store {

namespace {

// Long enough to ride out another process's short write (a `bzjira status` reading while a run
// commits); the RunLock, not this timeout, keeps two runs apart.
constexpr int k_busy_timeout_ms = 5000;

const char* state_name(sync::JournalState state) {
  switch (state) {
    case sync::JournalState::planned:
      return "planned";
    case sync::JournalState::sent:
      return "sent";
    case sync::JournalState::done:
      return "done";
    case sync::JournalState::failed:
      return "failed";
  }
  return "failed";
}

std::optional<sync::JournalState> parse_state(const std::string& text) {
  for (const auto state : {sync::JournalState::planned, sync::JournalState::sent,
                           sync::JournalState::done, sync::JournalState::failed}) {
    if (text == state_name(state)) {
      return state;
    }
  }
  return std::nullopt;
}

// Creates the file with mode 0600 before SQLite sees it: sqlite3_open would use 0644 (minus umask).
sync::Status create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return sync::make_error(sync::ErrorKind::config,
                            "cannot open state database " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  return sync::ok_status();
}

// A pragma that answers with one text row (journal_mode answers with the mode now in force).
sync::Result<std::string> pragma_text(Db& db, const char* sql) {
  auto stmt = db.prepare(sql);
  if (!stmt.ok()) {
    return stmt.error();
  }
  auto row = stmt->step();
  if (!row.ok()) {
    return row.error();
  }
  std::string value = *row ? stmt->text_at(0) : std::string();
  if (auto rest = stmt->run(); !rest.ok()) {
    return rest.error();
  }
  return value;
}

sync::Status configure(Db& db) {
  // Set since the store's first version's comments said so, missing until clang-tidy found the
  // constant unused: without it a second process (a migration race, `status` during a commit)
  // failed at once with SQLITE_BUSY.
  sqlite3_busy_timeout(db.handle(), k_busy_timeout_ms);
  if (auto status = db.exec("PRAGMA foreign_keys = ON", "enable foreign keys"); !status.ok()) {
    return status;
  }
  // The first read of the file happens here, so "not a database" surfaces here as config.
  auto mode = pragma_text(db, "PRAGMA journal_mode = WAL");
  if (!mode.ok()) {
    return mode.error();
  }
  if (*mode != "wal") {
    return sync::make_error(sync::ErrorKind::config,
                            "state database " + db.path() + " cannot use WAL mode (journal mode " +
                                *mode + "); is it on a network or read-only file system?");
  }
  // In WAL mode NORMAL never corrupts the database: a commit is atomic and survives an application
  // crash; only a power loss or OS crash may roll back the last few commits. That is enough for a
  // cache whose every loss is repaired from Bugzilla and Jira on the next run (labels find every
  // mirrored issue), and it saves an fsync per journal entry.
  return db.exec("PRAGMA synchronous = NORMAL", "set synchronous mode");
}

}  // namespace

sync::Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  return guarded(path, "open", [&]() -> sync::Result<std::unique_ptr<SqliteStore>> {
    if (path.empty()) {
      return sync::make_error(sync::ErrorKind::config, "the state database path is empty");
    }
    if (auto status = make_private_parent_dirs(path); !status.ok()) {
      return status.error();
    }
    if (auto status = create_private_file(path); !status.ok()) {
      return status.error();
    }
    auto db = Db::open(path);
    if (!db.ok()) {
      return db.error();
    }
    if (auto status = configure(*db); !status.ok()) {
      return status.error();
    }
    if (auto status = migrate(*db); !status.ok()) {
      return status.error();
    }
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db).value()));
  });
}

sync::Result<std::optional<sync::Instant>> SqliteStore::watermark() {
  return guarded(path(), "read the watermark", [&]() -> sync::Result<std::optional<sync::Instant>> {
    auto stmt = m_db.prepare("SELECT db_time FROM watermark WHERE id = 1");
    if (!stmt.ok()) {
      return stmt.error();
    }
    auto row = stmt->step();
    if (!row.ok()) {
      return row.error();
    }
    if (!*row) {
      return std::optional<sync::Instant>();
    }
    const sync::Instant t = from_epoch(stmt->int_at(0));
    if (auto rest = stmt->run(); !rest.ok()) {
      return rest.error();
    }
    return std::optional<sync::Instant>(t);
  });
}

sync::Status SqliteStore::set_watermark(sync::Instant t) {
  return guarded(path(), "save the watermark", [&]() -> sync::Status {
    auto stmt = m_db.prepare(
        "INSERT INTO watermark(id, db_time) VALUES(1, ?1) "
        "ON CONFLICT(id) DO UPDATE SET db_time = excluded.db_time");
    if (!stmt.ok()) {
      return stmt.error();
    }
    return stmt->bind_int(1, to_epoch(t)).run();
  });
}

sync::Result<std::map<std::string, sync::MirrorEntry>> SqliteStore::mirrors() {
  using Mirrors = std::map<std::string, sync::MirrorEntry>;
  return guarded(path(), "read the mirrors", [&]() -> sync::Result<Mirrors> {
    return m_db.collect<Mirrors>(
        "SELECT obligation_key, issue_key, issue_id, created_at FROM mirrors ORDER BY "
        "obligation_key",
        [&](const Statement& row, Mirrors& out) {
          sync::MirrorEntry entry{row.text_at(0), row.text_at(1), row.text_at(2),
                                  from_epoch(row.int_at(3))};
          out[entry.obligation_key] = std::move(entry);
        });
  });
}

sync::Status SqliteStore::put_mirror(const sync::MirrorEntry& entry) {
  return guarded(path(), "save a mirror", [&]() -> sync::Status {
    auto stmt = m_db.prepare(
        "INSERT INTO mirrors(obligation_key, issue_key, issue_id, created_at) VALUES(?1, ?2, ?3, "
        "?4) "
        "ON CONFLICT(obligation_key) DO UPDATE SET issue_key = excluded.issue_key, "
        "issue_id = excluded.issue_id, created_at = excluded.created_at");
    if (!stmt.ok()) {
      return stmt.error();
    }
    return stmt->bind_text(1, entry.obligation_key)
        .bind_text(2, entry.issue_key)
        .bind_text(3, entry.issue_id)
        .bind_int(4, to_epoch(entry.created_at))
        .run();
  });
}

sync::Status SqliteStore::remove_mirror(const std::string& obligation_key) {
  return guarded(path(), "remove a mirror", [&]() -> sync::Status {
    auto stmt = m_db.prepare("DELETE FROM mirrors WHERE obligation_key = ?1");
    if (!stmt.ok()) {
      return stmt.error();
    }
    return stmt->bind_text(1, obligation_key).run();
  });
}

sync::Result<std::int64_t> SqliteStore::record(const sync::JournalEntry& entry) {
  return guarded(path(), "record a journal entry", [&]() -> sync::Result<std::int64_t> {
    auto stmt = m_db.prepare(
        "INSERT INTO journal(run_id, action, obligation_key, target, state, reason, detail, at) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!stmt.ok()) {
      return stmt.error();
    }
    auto status = stmt->bind_text(1, entry.run_id)
                      .bind_text(2, entry.action)
                      .bind_text(3, entry.obligation_key)
                      .bind_text(4, entry.target)
                      .bind_text(5, state_name(entry.state))
                      .bind_text(6, entry.reason)
                      .bind_text(7, entry.detail)
                      .bind_int(8, to_epoch(entry.at))
                      .run();
    if (!status.ok()) {
      return status.error();
    }
    return m_db.last_insert_rowid();
  });
}

sync::Status SqliteStore::begin_batch() {
  return guarded(path(), "begin a batch of writes", [&]() -> sync::Status {
    if (m_batch) {
      return sync::make_error(sync::ErrorKind::internal, "a batch of writes is already open");
    }
    auto tx = Transaction::begin(m_db, true);
    if (!tx.ok()) {
      return tx.error();
    }
    m_batch.emplace(std::move(*tx));
    return sync::ok_status();
  });
}

sync::Status SqliteStore::end_batch() {
  return guarded(path(), "commit a batch of writes", [&]() -> sync::Status {
    if (!m_batch) {
      return sync::ok_status();
    }
    auto status = m_batch->commit();
    m_batch.reset();  // rolls back when the commit failed
    return status;
  });
}

sync::Status SqliteStore::update(std::int64_t id, sync::JournalState state,
                                 const std::string& detail) {
  return guarded(path(), "update a journal entry", [&]() -> sync::Status {
    auto stmt = m_db.prepare("UPDATE journal SET state = ?1, detail = ?2 WHERE id = ?3");
    if (!stmt.ok()) {
      return stmt.error();
    }
    if (auto status =
            stmt->bind_text(1, state_name(state)).bind_text(2, detail).bind_int(3, id).run();
        !status.ok()) {
      return status;
    }
    if (m_db.changes() == 0) {
      return sync::make_error(
          sync::ErrorKind::not_found,
          "state database " + path() + " has no journal entry " + std::to_string(id));
    }
    return sync::ok_status();
  });
}

sync::Result<std::vector<sync::JournalEntry>> SqliteStore::journal(const std::string& run_id) {
  using Entries = std::vector<sync::JournalEntry>;
  return guarded(path(), "read the journal", [&]() -> sync::Result<Entries> {
    auto stmt = m_db.prepare(
        "SELECT id, run_id, action, obligation_key, target, state, reason, detail, at "
        "FROM journal WHERE run_id = ?1 ORDER BY id");
    if (!stmt.ok()) {
      return stmt.error();
    }
    return stmt->bind_text(1, run_id).collect<Entries>(
        [&](const Statement& row, Entries& out) -> sync::Status {
          sync::JournalEntry entry;
          entry.id = row.int_at(0);
          entry.run_id = row.text_at(1);
          entry.action = row.text_at(2);
          entry.obligation_key = row.text_at(3);
          entry.target = row.text_at(4);
          const auto state = parse_state(row.text_at(5));
          if (!state) {
            // The CHECK constraint makes this unreachable short of a hand-edited file.
            return sync::Status(sync::make_error(
                sync::ErrorKind::internal, "state database " + path() + ": journal entry " +
                                               std::to_string(entry.id) + " has an unknown state"));
          }
          entry.state = *state;
          entry.reason = row.text_at(6);
          entry.detail = row.text_at(7);
          entry.at = from_epoch(row.int_at(8));
          out.push_back(std::move(entry));
          return sync::ok_status();
        });
  });
}

sync::Result<std::map<std::string, sync::ReplyRecord>> SqliteStore::replies() {
  using Replies = std::map<std::string, sync::ReplyRecord>;
  return guarded(path(), "read the replies", [&]() -> sync::Result<Replies> {
    return m_db.collect<Replies>(
        "SELECT jira_comment_id, issue_key, bug_id, text_hash, bugzilla_comment_id, "
        "jira_acknowledged, sent_at FROM replies ORDER BY jira_comment_id",
        [&](const Statement& row, Replies& out) {
          sync::ReplyRecord reply;
          reply.jira_comment_id = row.text_at(0);
          reply.issue_key = row.text_at(1);
          reply.bug_id = row.int_at(2);
          reply.text_hash = row.text_at(3);
          reply.bugzilla_comment_id = row.opt_int_at(4);
          reply.jira_acknowledged = row.int_at(5) != 0;
          reply.sent_at = from_epoch(row.int_at(6));
          out[reply.jira_comment_id] = std::move(reply);
        });
  });
}

sync::Status SqliteStore::put_reply(const sync::ReplyRecord& reply) {
  return guarded(path(), "save a reply", [&]() -> sync::Status {
    auto stmt = m_db.prepare(
        "INSERT OR REPLACE INTO replies(jira_comment_id, issue_key, bug_id, text_hash, "
        "bugzilla_comment_id, jira_acknowledged, sent_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!stmt.ok()) {
      return stmt.error();
    }
    return stmt->bind_text(1, reply.jira_comment_id)
        .bind_text(2, reply.issue_key)
        .bind_int(3, reply.bug_id)
        .bind_text(4, reply.text_hash)
        .bind_opt_int(5, reply.bugzilla_comment_id)
        .bind_int(6, reply.jira_acknowledged ? 1 : 0)
        .bind_int(7, to_epoch(reply.sent_at))
        .run();
  });
}

sync::Status SqliteStore::remove_reply(const std::string& jira_comment_id) {
  return guarded(path(), "remove a reply", [&]() -> sync::Status {
    auto stmt = m_db.prepare("DELETE FROM replies WHERE jira_comment_id = ?1");
    if (!stmt.ok()) {
      return stmt.error();
    }
    return stmt->bind_text(1, jira_comment_id).run();
  });
}

sync::Result<std::optional<std::string>> SqliteStore::get_meta(const std::string& key) {
  return guarded(path(), "read a meta value", [&]() -> sync::Result<std::optional<std::string>> {
    auto stmt = m_db.prepare("SELECT value FROM meta WHERE key = ?1");
    if (!stmt.ok()) {
      return stmt.error();
    }
    auto row = stmt->bind_text(1, key).step();
    if (!row.ok()) {
      return row.error();
    }
    if (!*row) {
      return std::optional<std::string>();
    }
    std::optional<std::string> value = stmt->text_at(0);
    if (auto rest = stmt->run(); !rest.ok()) {
      return rest.error();
    }
    return value;
  });
}

sync::Status SqliteStore::set_meta(const std::string& key, const std::string& value) {
  return guarded(path(), "save a meta value", [&]() -> sync::Status {
    auto stmt = m_db.prepare(
        "INSERT INTO meta(key, value) VALUES(?1, ?2) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!stmt.ok()) {
      return stmt.error();
    }
    return stmt->bind_text(1, key).bind_text(2, value).run();
  });
}

sync::Status SqliteStore::record_run(const sync::RunRecord& run) {
  return guarded(path(), "record a run", [&]() -> sync::Status {
    auto stmt = m_db.prepare(
        "INSERT OR REPLACE INTO runs(run_id, started, finished, outcome, summary) "
        "VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!stmt.ok()) {
      return stmt.error();
    }
    return stmt->bind_text(1, run.run_id)
        .bind_int(2, to_epoch(run.started))
        .bind_int(3, to_epoch(run.finished))
        .bind_text(4, run.outcome)
        .bind_text(5, run.summary)
        .run();
  });
}

}  // namespace bzjira::adapters::store
