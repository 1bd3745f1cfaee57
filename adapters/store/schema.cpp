#include "adapters/store/schema.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bzjira::adapters::store {

namespace {

// Migration N takes the database from version N-1 to N. Append only: never edit a released one.
// Times are integer seconds since the Unix epoch (UTC). Child rows of a bug go with it
// (ON DELETE CASCADE, foreign keys are switched on per connection).
constexpr std::array<const char*, 6> k_migrations = {
    // 1: the Bugzilla cache, the watermark, the mirror map and the action journal.
    R"sql(
CREATE TABLE bugs (
  id               INTEGER PRIMARY KEY,
  summary          TEXT NOT NULL,
  status           TEXT NOT NULL,
  resolution       TEXT NOT NULL,
  whiteboard       TEXT NOT NULL,
  product          TEXT NOT NULL,
  component        TEXT NOT NULL,
  creator          TEXT NOT NULL,
  assigned_to      TEXT NOT NULL,
  creation_time    INTEGER NOT NULL,
  last_change_time INTEGER NOT NULL,
  last_resolved    INTEGER
);
CREATE TABLE flags (
  bug_id            INTEGER NOT NULL REFERENCES bugs(id) ON DELETE CASCADE,
  position          INTEGER NOT NULL,
  id                INTEGER NOT NULL,
  name              TEXT NOT NULL,
  type_id           INTEGER NOT NULL,
  status            TEXT NOT NULL,
  setter            TEXT NOT NULL,
  requestee         TEXT NOT NULL,
  creation_date     INTEGER NOT NULL,
  modification_date INTEGER NOT NULL,
  PRIMARY KEY (bug_id, position)
);
CREATE TABLE comments (
  id         INTEGER PRIMARY KEY,
  bug_id     INTEGER NOT NULL REFERENCES bugs(id) ON DELETE CASCADE,
  count      INTEGER NOT NULL,
  creator    TEXT NOT NULL,
  time       INTEGER NOT NULL,
  text       TEXT NOT NULL,
  is_private INTEGER NOT NULL,
  tags       TEXT NOT NULL
);
CREATE INDEX comments_by_bug ON comments(bug_id, time, id);
CREATE TABLE history (
  bug_id INTEGER NOT NULL REFERENCES bugs(id) ON DELETE CASCADE,
  seq    INTEGER NOT NULL,
  at     INTEGER NOT NULL,
  who    TEXT NOT NULL,
  PRIMARY KEY (bug_id, seq)
);
CREATE TABLE history_changes (
  bug_id     INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  position   INTEGER NOT NULL,
  field_name TEXT NOT NULL,
  removed    TEXT NOT NULL,
  added      TEXT NOT NULL,
  PRIMARY KEY (bug_id, seq, position),
  FOREIGN KEY (bug_id, seq) REFERENCES history(bug_id, seq) ON DELETE CASCADE
);
CREATE TABLE watermark (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  db_time INTEGER NOT NULL
);
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE mirrors (
  obligation_key TEXT PRIMARY KEY,
  issue_key      TEXT NOT NULL,
  issue_id       TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE TABLE journal (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id         TEXT NOT NULL,
  action         TEXT NOT NULL,
  obligation_key TEXT NOT NULL,
  target         TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('planned', 'sent', 'done', 'failed')),
  reason         TEXT NOT NULL,
  detail         TEXT NOT NULL,
  at             INTEGER NOT NULL
);
)sql",
    // 2: replies published from Jira to Bugzilla, the run log, and journal lookups by run.
    R"sql(
CREATE TABLE replies (
  jira_comment_id     TEXT PRIMARY KEY,
  issue_key           TEXT NOT NULL,
  bug_id              INTEGER NOT NULL,
  text_hash           TEXT NOT NULL,
  bugzilla_comment_id INTEGER,
  jira_acknowledged   INTEGER NOT NULL,
  sent_at             INTEGER NOT NULL
);
CREATE TABLE runs (
  run_id   TEXT PRIMARY KEY,
  started  INTEGER NOT NULL,
  finished INTEGER NOT NULL,
  outcome  TEXT NOT NULL,
  summary  TEXT NOT NULL
);
CREATE INDEX journal_by_run ON journal(run_id, id);
)sql",
    // 3: the last seen state of every mirrored Jira issue, for incremental Jira searches. Labels
    // are joined with line feeds (Jira labels cannot hold white space); due is YYYY-MM-DD;
    // category 0 to do, 1 in progress, 2 done.
    R"sql(
CREATE TABLE mirror_state (
  issue_key  TEXT PRIMARY KEY,
  issue_id   TEXT NOT NULL,
  summary    TEXT NOT NULL,
  labels     TEXT NOT NULL,
  due        TEXT,
  status     TEXT NOT NULL,
  category   INTEGER NOT NULL,
  resolution TEXT NOT NULL,
  deadline   INTEGER,
  updated    INTEGER
);
)sql",
    // 4: the marks for the next run in typed tables instead of meta keys and a tab-separated
    // blob: where the searches stopped (one row; RFC 3339 texts become epoch seconds, an
    // unreadable one NULL: the next search is then a full one) and the trail's marks (the blob
    // "pending_trail" is converted by import_trail_blob below).
    R"sql(
CREATE TABLE search_marks (
  id                    INTEGER PRIMARY KEY CHECK (id = 1),
  bugzilla_full_search  INTEGER,
  jira_last_search      INTEGER,
  jira_last_full_search INTEGER,
  jira_scope            TEXT NOT NULL,
  replies_read_all      INTEGER
);
INSERT INTO search_marks(id, bugzilla_full_search, jira_last_search, jira_last_full_search,
                         jira_scope, replies_read_all)
SELECT 1,
  (SELECT CAST(strftime('%s', value) AS INTEGER) FROM meta WHERE key = 'last_full_search'),
  (SELECT CAST(strftime('%s', value) AS INTEGER) FROM meta WHERE key = 'jira_last_search'),
  (SELECT CAST(strftime('%s', value) AS INTEGER) FROM meta WHERE key = 'jira_last_full_search'),
  COALESCE((SELECT value FROM meta WHERE key = 'jira_search_scope'), ''),
  (SELECT CAST(strftime('%s', value) AS INTEGER) FROM meta
    WHERE key = 'replies_read_all' AND value <> '');
DELETE FROM meta WHERE key IN ('last_full_search', 'jira_last_search', 'jira_last_full_search',
                               'jira_search_scope', 'replies_read_all');
CREATE TABLE pending_comments (
  step        TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  at          INTEGER NOT NULL
);
CREATE TABLE pending_links (
  obligation_key TEXT NOT NULL,
  global_id      TEXT NOT NULL,
  url            TEXT NOT NULL,
  title          TEXT NOT NULL,
  summary        TEXT NOT NULL,
  resolved       INTEGER NOT NULL,
  PRIMARY KEY (obligation_key, global_id)
);
)sql",
    // 5: what the obligation engine derived per bug (sync/derived_cache.h), dropped with the bug.
    R"sql(
CREATE TABLE derived (
  bug_id        INTEGER PRIMARY KEY REFERENCES bugs(id) ON DELETE CASCADE,
  fingerprint   TEXT NOT NULL,
  derived_at    INTEGER NOT NULL,
  settled_at    INTEGER NOT NULL,
  open_windows  BLOB NOT NULL,
  ended_windows BLOB NOT NULL
);
)sql",
    // 6: the steady mark (sync/steady.h), at most one row. Every change to a table it speaks for
    // (all but watermark, search_marks, journal and runs) deletes it in the same transaction, so
    // no writer can leave a mark older than the state.
    R"sql(
CREATE TABLE steady (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  fingerprint   TEXT NOT NULL,
  evaluated_at  INTEGER NOT NULL,
  valid_until   INTEGER NOT NULL,
  open_windows  INTEGER NOT NULL,
  overdue       INTEGER NOT NULL,
  next_deadline INTEGER
);
CREATE TRIGGER steady_drop_bugs_insert AFTER INSERT ON bugs BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_bugs_update AFTER UPDATE ON bugs BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_bugs_delete AFTER DELETE ON bugs BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_flags_insert AFTER INSERT ON flags BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_flags_update AFTER UPDATE ON flags BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_flags_delete AFTER DELETE ON flags BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_comments_insert AFTER INSERT ON comments BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_comments_update AFTER UPDATE ON comments BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_comments_delete AFTER DELETE ON comments BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_history_insert AFTER INSERT ON history BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_history_update AFTER UPDATE ON history BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_history_delete AFTER DELETE ON history BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_history_changes_insert AFTER INSERT ON history_changes BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_history_changes_update AFTER UPDATE ON history_changes BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_history_changes_delete AFTER DELETE ON history_changes BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_derived_insert AFTER INSERT ON derived BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_derived_update AFTER UPDATE ON derived BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_derived_delete AFTER DELETE ON derived BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_mirrors_insert AFTER INSERT ON mirrors BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_mirrors_update AFTER UPDATE ON mirrors BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_mirrors_delete AFTER DELETE ON mirrors BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_mirror_state_insert AFTER INSERT ON mirror_state BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_mirror_state_update AFTER UPDATE ON mirror_state BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_mirror_state_delete AFTER DELETE ON mirror_state BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_replies_insert AFTER INSERT ON replies BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_replies_update AFTER UPDATE ON replies BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_replies_delete AFTER DELETE ON replies BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_meta_insert AFTER INSERT ON meta BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_meta_update AFTER UPDATE ON meta BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_meta_delete AFTER DELETE ON meta BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_pending_comments_insert AFTER INSERT ON pending_comments BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_pending_comments_update AFTER UPDATE ON pending_comments BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_pending_comments_delete AFTER DELETE ON pending_comments BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_pending_links_insert AFTER INSERT ON pending_links BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_pending_links_update AFTER UPDATE ON pending_links BEGIN DELETE FROM steady; END;
CREATE TRIGGER steady_drop_pending_links_delete AFTER DELETE ON pending_links BEGIN DELETE FROM steady; END;
)sql",
};

// Migration 4's data step: the trail's marks were one meta value "pending_trail", a line per mark,
// fields joined by tabs ("c", step, epoch, fingerprint / "l", obligation key, global id, url,
// title, summary, 0|1) with backslash escapes for tab, line feed and backslash. Each readable
// line becomes a row; an unreadable one is dropped (its worst case was and is one duplicated
// trail comment, never a lost obligation); the meta value goes.
std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\t') {
      fields.emplace_back();
    } else if (c == '\\' && i + 1 < line.size()) {
      const char n = line[++i];
      fields.back() += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::optional<std::int64_t> epoch_of(const std::string& s) {
  if (s.empty() || s.size() > 18 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(s);
}

sync::Status import_trail_blob(Db& db) {
  std::string blob;
  auto read = db.query("SELECT value FROM meta WHERE key = 'pending_trail'",
                       [&](const Statement& row) { blob = row.text_at(0); });
  if (!read.ok()) {
    return read;
  }
  auto comment = db.prepare(
      "INSERT OR REPLACE INTO pending_comments(step, fingerprint, at) VALUES(?1, ?2, ?3)");
  if (!comment.ok()) {
    return comment.error();
  }
  auto link = db.prepare(
      "INSERT OR REPLACE INTO pending_links(obligation_key, global_id, url, title, summary, "
      "resolved) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  if (!link.ok()) {
    return link.error();
  }
  std::size_t start = 0;
  while (start < blob.size()) {
    std::size_t end = blob.find('\n', start);
    if (end == std::string::npos) {
      end = blob.size();
    }
    const std::vector<std::string> f = split_fields(blob.substr(start, end - start));
    start = end + 1;
    sync::Status status = sync::ok_status();
    if (f.size() == 4 && f[0] == "c" && epoch_of(f[2])) {
      status = comment->bind_text(1, f[1]).bind_text(2, f[3]).bind_int(3, *epoch_of(f[2])).run();
    } else if (f.size() == 7 && f[0] == "l" && !f[1].empty() && !f[2].empty()) {
      status = link->bind_text(1, f[1])
                   .bind_text(2, f[2])
                   .bind_text(3, f[3])
                   .bind_text(4, f[4])
                   .bind_text(5, f[5])
                   .bind_int(6, f[6] == "1" ? 1 : 0)
                   .run();
    }
    if (!status.ok()) {
      return status;
    }
  }
  return db.exec("DELETE FROM meta WHERE key = 'pending_trail'", "drop the old trail marks");
}

sync::Result<int> read_version(Db& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  if (!stmt.ok()) {
    return stmt.error();
  }
  auto row = stmt->step();
  if (!row.ok()) {
    return row.error();
  }
  const std::int64_t version = *row ? stmt->int_at(0) : 0;
  // Drain so the statement holds no read transaction.
  auto rest = stmt->run();
  if (!rest.ok()) {
    return rest.error();
  }
  return static_cast<int>(version);
}

sync::Status check_version(const Db& db, int version) {
  if (version < 0 || version > schema_version()) {
    return sync::make_error(
        sync::ErrorKind::config,
        "state database " + db.path() + " has schema version " + std::to_string(version) +
            " but this bzjira knows versions up to " + std::to_string(schema_version()) +
            " (written by a newer bzjira?); upgrade bzjira or choose another --state");
  }
  return sync::ok_status();
}

}  // namespace

int schema_version() { return static_cast<int>(k_migrations.size()); }

sync::Status migrate(Db& db) {
  auto version = read_version(db);
  if (!version.ok()) {
    return version.error();
  }
  if (auto status = check_version(db, *version); !status.ok()) {
    return status;
  }
  while (*version < schema_version()) {
    auto tx = Transaction::begin(db, true);
    if (!tx.ok()) {
      return tx.error();
    }
    // Another process may have migrated while this one waited for the write lock.
    version = read_version(db);
    if (!version.ok()) {
      return version.error();
    }
    if (auto status = check_version(db, *version); !status.ok()) {
      return status;
    }
    if (*version >= schema_version()) {
      break;
    }
    const int next = *version + 1;
    if (auto status = db.exec(k_migrations[static_cast<std::size_t>(*version)],
                              "apply schema migration " + std::to_string(next));
        !status.ok()) {
      return status;
    }
    if (next == 4) {
      if (auto status = import_trail_blob(db); !status.ok()) {
        return status;
      }
    }
    // PRAGMA takes no bound parameters; the number comes from this code, not from data.
    const std::string set_version = "PRAGMA user_version = " + std::to_string(next);
    if (auto status = db.exec(set_version.c_str(), "record schema version"); !status.ok()) {
      return status;
    }
    if (auto status = tx->commit(); !status.ok()) {
      return status;
    }
    version = next;
  }
  return sync::ok_status();
}

}  // namespace bzjira::adapters::store
