// The StateStore port on SQLite: one database file per mapping holding the Bugzilla cache, the
// watermark, the mirror map, the action journal, published replies and the run log.
#pragma once

#include <memory>
#include <string>

#include "adapters/store/sqlite_db.h"
#include "sync/state.h"

namespace bzjira::adapters::store {

// Where a mapping's state lives unless --state says otherwise, first match wins:
//   $STATE_DIRECTORY (first entry of the colon-separated list systemd's StateDirectory=
//   sets)/<name>.db $XDG_STATE_HOME/bzjira/<name>.db (an absolute value only, per the XDG spec)
//   $HOME/.local/state/bzjira/<name>.db ($HOME falls back to the password database)
// Characters of `mapping_name` other than letters, digits, '-', '_' and '.' become '_' (no "/"
// escapes the directory); an empty name becomes "default". Empty result when no home directory is
// known at all: the caller must then ask for --state. Reads the environment; touches no file.
std::string default_state_path(const std::string& mapping_name);

// The store. Not thread-safe: one object per thread (SQLite serializes processes by itself; the
// RunLock keeps two runs of one mapping apart). Times are stored as integer UTC epoch seconds.
class SqliteStore final : public sync::StateStore {
 public:
  // Opens or creates the database at `path`: missing parent directories are created 0700, a new
  // file 0600 (SQLite gives its -wal and -shm files the same mode), then WAL mode,
  // synchronous=NORMAL, foreign keys, a busy timeout, and the schema migrations (shared with other
  // versions through PRAGMA user_version). Errors: ErrorKind::config when the path is empty, a
  // directory cannot be created, the file cannot be opened, is not a SQLite database, or was
  // written by a newer bzjira; transient when another process keeps it locked past the busy
  // timeout; internal otherwise.
  static sync::Result<std::unique_ptr<SqliteStore>> open(const std::string& path);

  const std::string& path() const { return m_db.path(); }

  // Bugs come back ordered by id; a bug's flags and history in the order they were saved; its
  // comments ordered by (time, id). Comment tags are stored comma-joined (Bugzilla forbids commas
  // and spaces in tags), so empty tags do not survive.
  sync::Result<std::vector<sync::BugRecord>> load_bugs() override;
  // Replaces everything stored for each bug in `records` (its row, flags, comments, history) in one
  // transaction: all of it is saved or none. A bug listed twice keeps its last record; a comment id
  // already stored under another bug moves to this one. Not an error if `records` is empty.
  sync::Status save_bugs(const std::vector<sync::BugRecord>& records) override;
  // Not an error if an id is not stored.
  sync::Status remove_bugs(const std::vector<sync::BugId>& ids) override;
  // Heads: bugs and flags only. load_some_bugs: complete records, ordered like load_bugs.
  sync::Result<std::vector<sync::BugRecord>> load_bug_heads() override;
  sync::Result<std::vector<sync::BugRecord>> load_some_bugs(
      const std::vector<sync::BugId>& ids) override;

  // The derived cache (sqlite_store_derived.cpp): one row per bug, dropped with the bug.
  sync::Result<std::vector<sync::DerivedBug>> load_derived() override;
  sync::Result<std::map<sync::BugId, std::string>> load_ended(
      const std::vector<sync::BugId>& ids) override;
  sync::Status save_derived(const std::vector<sync::DerivedBug>& derived) override;

  sync::Result<std::optional<sync::Instant>> watermark() override;
  sync::Status set_watermark(sync::Instant t) override;

  // put_mirror inserts or replaces the entry for its obligation key; remove_mirror of an unknown
  // key is not an error.
  sync::Result<std::map<std::string, sync::MirrorEntry>> mirrors() override;
  sync::Status put_mirror(const sync::MirrorEntry& entry) override;
  sync::Status remove_mirror(const std::string& obligation_key) override;

  // mirror_states() lists by issue key; save_mirror_states writes in one transaction (states of
  // issues without a due date keep an empty due).
  sync::Result<std::vector<sync::MirroredIssue>> mirror_states() override;
  sync::Status save_mirror_states(const std::vector<sync::MirroredIssue>& issues,
                                  bool replace_all) override;

  // record() ignores entry.id and returns the new one (ids only grow, never reused). update() keeps
  // the entry's time `at`; ErrorKind::not_found when no entry has `id`. journal() lists a run's
  // entries in the order they were recorded; an unknown run gives an empty list.
  sync::Result<std::int64_t> record(const sync::JournalEntry& entry) override;
  sync::Status begin_batch() override;
  sync::Status end_batch() override;
  sync::Status update(std::int64_t id, sync::JournalState state,
                      const std::string& detail) override;
  sync::Result<std::vector<sync::JournalEntry>> journal(const std::string& run_id) override;

  // put_reply inserts or replaces by jira_comment_id; remove_reply of an unknown id is no error.
  sync::Result<std::map<std::string, sync::ReplyRecord>> replies() override;
  sync::Status put_reply(const sync::ReplyRecord& reply) override;
  sync::Status remove_reply(const std::string& jira_comment_id) override;

  // get_meta of an unknown key gives nullopt; set_meta overwrites.
  sync::Result<std::optional<std::string>> get_meta(const std::string& key) override;
  sync::Status set_meta(const std::string& key, const std::string& value) override;

  // Inserts or replaces by run_id, so a run may be recorded when it starts and again when it ends.
  sync::Status record_run(const sync::RunRecord& run) override;

  // The marks for the next run (sqlite_store_marks.cpp): the search_marks row (all empty before
  // the first write), the trail's comment marks by step and link marks by (obligation key, global
  // id), listed in that order. Each write is one transaction (or part of the open batch).
  sync::Result<sync::SearchMarks> search_marks() override;
  sync::Status set_search_marks(const sync::SearchMarks& marks) override;
  sync::Result<std::vector<sync::PendingComment>> pending_comments() override;
  sync::Status put_pending_comment(const sync::PendingComment& comment) override;
  sync::Status remove_pending_comments(const std::vector<std::string>& steps) override;
  sync::Result<std::vector<sync::PendingLink>> pending_links() override;
  sync::Status put_pending_links(const std::vector<sync::PendingLink>& links) override;
  sync::Status remove_pending_links(const std::vector<sync::PendingLink>& links) override;
  // The steady row (schema migration 6); triggers delete it with every change to the tables it
  // speaks for (StateStore::steady_mark).
  sync::Result<std::optional<sync::SteadyMark>> steady_mark() override;
  sync::Status set_steady_mark(const std::optional<sync::SteadyMark>& mark) override;

 private:
  explicit SqliteStore(Db db) : m_db(std::move(db)) {}

  Db m_db;
  std::optional<Transaction> m_batch;  // open between begin_batch and end_batch
};

}  // namespace bzjira::adapters::store
