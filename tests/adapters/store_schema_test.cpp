// Opening the state database: file modes, WAL mode, migrations from an older schema, and clear
// configuration errors for files that are not ours. Also where the database lives by default.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <optional>
#include <string>

#include "adapters/store/sqlite_store.h"
#include "tests/adapters/store_test_util.h"

namespace {

using bzjira::adapters::store::default_state_path;
using bzjira::adapters::store::SqliteStore;
using bzjira::store_test::at;
using bzjira::store_test::RawDb;
using bzjira::store_test::TempDir;
using namespace bzjira::sync;

unsigned mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

// Sets (or, with nullopt, unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : m_name(name) {
    if (const char* old = std::getenv(name)) {
      m_old = old;
    }
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (m_old) {
      ::setenv(m_name, m_old->c_str(), 1);
    } else {
      ::unsetenv(m_name);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* m_name;
  std::optional<std::string> m_old;
};

// Schema version 1 as the first release wrote it, copied by hand (not from the code under test).
const char* const k_v1_schema = R"sql(
CREATE TABLE bugs (id INTEGER PRIMARY KEY, summary TEXT NOT NULL, status TEXT NOT NULL,
  resolution TEXT NOT NULL, whiteboard TEXT NOT NULL, product TEXT NOT NULL,
  component TEXT NOT NULL, creator TEXT NOT NULL, assigned_to TEXT NOT NULL,
  creation_time INTEGER NOT NULL, last_change_time INTEGER NOT NULL, last_resolved INTEGER);
CREATE TABLE flags (bug_id INTEGER NOT NULL REFERENCES bugs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL, type_id INTEGER NOT NULL,
  status TEXT NOT NULL, setter TEXT NOT NULL, requestee TEXT NOT NULL,
  creation_date INTEGER NOT NULL, modification_date INTEGER NOT NULL,
  PRIMARY KEY (bug_id, position));
CREATE TABLE comments (id INTEGER PRIMARY KEY,
  bug_id INTEGER NOT NULL REFERENCES bugs(id) ON DELETE CASCADE, count INTEGER NOT NULL,
  creator TEXT NOT NULL, time INTEGER NOT NULL, text TEXT NOT NULL, is_private INTEGER NOT NULL,
  tags TEXT NOT NULL);
CREATE INDEX comments_by_bug ON comments(bug_id, time, id);
CREATE TABLE history (bug_id INTEGER NOT NULL REFERENCES bugs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL, at INTEGER NOT NULL, who TEXT NOT NULL, PRIMARY KEY (bug_id, seq));
CREATE TABLE history_changes (bug_id INTEGER NOT NULL, seq INTEGER NOT NULL,
  position INTEGER NOT NULL, field_name TEXT NOT NULL, removed TEXT NOT NULL,
  added TEXT NOT NULL, PRIMARY KEY (bug_id, seq, position),
  FOREIGN KEY (bug_id, seq) REFERENCES history(bug_id, seq) ON DELETE CASCADE);
CREATE TABLE watermark (id INTEGER PRIMARY KEY CHECK (id = 1), db_time INTEGER NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE mirrors (obligation_key TEXT PRIMARY KEY, issue_key TEXT NOT NULL,
  issue_id TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE journal (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL,
  action TEXT NOT NULL, obligation_key TEXT NOT NULL, target TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('planned', 'sent', 'done', 'failed')),
  reason TEXT NOT NULL, detail TEXT NOT NULL, at INTEGER NOT NULL);
)sql";

// What versions 2 to 4 added, copied by hand: a version 1 database plus this is version 4.
const char* const k_v2_to_v4_schema = R"sql(
CREATE TABLE replies (jira_comment_id TEXT PRIMARY KEY, issue_key TEXT NOT NULL,
  bug_id INTEGER NOT NULL, text_hash TEXT NOT NULL, bugzilla_comment_id INTEGER,
  jira_acknowledged INTEGER NOT NULL, sent_at INTEGER NOT NULL);
CREATE TABLE runs (run_id TEXT PRIMARY KEY, started INTEGER NOT NULL, finished INTEGER NOT NULL,
  outcome TEXT NOT NULL, summary TEXT NOT NULL);
CREATE INDEX journal_by_run ON journal(run_id, id);
CREATE TABLE mirror_state (issue_key TEXT PRIMARY KEY, issue_id TEXT NOT NULL,
  summary TEXT NOT NULL, labels TEXT NOT NULL, due TEXT, status TEXT NOT NULL,
  category INTEGER NOT NULL, resolution TEXT NOT NULL, deadline INTEGER, updated INTEGER);
CREATE TABLE search_marks (id INTEGER PRIMARY KEY CHECK (id = 1), bugzilla_full_search INTEGER,
  jira_last_search INTEGER, jira_last_full_search INTEGER, jira_scope TEXT NOT NULL,
  replies_read_all INTEGER);
CREATE TABLE pending_comments (step TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
  at INTEGER NOT NULL);
CREATE TABLE pending_links (obligation_key TEXT NOT NULL, global_id TEXT NOT NULL,
  url TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL, resolved INTEGER NOT NULL,
  PRIMARY KEY (obligation_key, global_id));
)sql";

}  // namespace

TEST_CASE("A new state database is private, in WAL mode and at the current schema version",
          "[store]") {
  TempDir dir;
  const mode_t old_umask = ::umask(022);
  const std::string path = dir.file("nested/deeper/demo.db");
  {
    auto store = SqliteStore::open(path);
    INFO((store.ok() ? std::string() : store.error().message));
    REQUIRE(store.ok());
    CHECK((*store)->path() == path);
    REQUIRE((*store)->set_meta("k", "v").ok());
    // While the connection is open the -wal file exists and carries the database's mode.
    CHECK(mode_of(path + "-wal") == 0600);
  }
  ::umask(old_umask);
  CHECK(mode_of(dir.file("nested")) == 0700);
  CHECK(mode_of(dir.file("nested/deeper")) == 0700);
  CHECK(mode_of(path) == 0600);
  RawDb raw(path);
  CHECK(raw.query("PRAGMA journal_mode") == "wal");  // WAL is remembered in the file itself
  CHECK(raw.query("PRAGMA user_version") == "6");
}

TEST_CASE("A version 1 database written by hand is migrated and keeps its data", "[store]") {
  TempDir dir;
  const std::string path = dir.file("old.db");
  {
    RawDb raw(path);
    raw.exec(k_v1_schema);
    raw.exec(
        "INSERT INTO bugs VALUES(1955799, 'OCSP outage', 'NEW', '', '[ca-compliance]', 'CA "
        "Program',"
        " 'CA Certificate Compliance', 'ca@example.com', 'ca@example.com', 1742464800, 1742464800,"
        " NULL);"
        "INSERT INTO comments VALUES(9001, 1955799, 0, 'ca@example.com', 1742464800, 'report', 0,"
        " '');"
        "INSERT INTO mirrors VALUES('bzq-1955799-9002', 'CA-8', '10008', 1742810400);"
        "INSERT INTO journal(run_id, action, obligation_key, target, state, reason, detail, at)"
        " VALUES('old-run', 'create_issue', 'bzq-1955799-9002', 'bug 1955799', 'done', 'asked',"
        " 'CA-8', 1742810400);"
        "PRAGMA user_version = 1;");
  }
  auto opened = SqliteStore::open(path);
  INFO((opened.ok() ? std::string() : opened.error().message));
  REQUIRE(opened.ok());
  auto& store = **opened;

  auto bugs = store.load_bugs();
  REQUIRE(bugs.ok());
  REQUIRE(bugs->size() == 1);
  CHECK((*bugs)[0].bug.summary == "OCSP outage");
  CHECK((*bugs)[0].bug.creation_time == at("2025-03-20T10:00:00Z"));  // 1742464800
  REQUIRE((*bugs)[0].comments.size() == 1);
  CHECK((*bugs)[0].comments[0].text == "report");
  auto mirrors = store.mirrors();
  REQUIRE(mirrors.ok());
  CHECK(mirrors->at("bzq-1955799-9002").issue_key == "CA-8");
  auto journal = store.journal("old-run");
  REQUIRE(journal.ok());
  REQUIRE(journal->size() == 1);
  CHECK((*journal)[0].state == JournalState::done);

  // Version 2's tables work.
  CHECK(store
            .put_reply(
                {"10500", "CA-8", 1955799, "ab", std::nullopt, false, at("2025-03-26T09:00:00Z")})
            .ok());
  CHECK(
      store
          .record_run({"new-run", at("2025-03-26T09:00:00Z"), at("2025-03-26T09:00:05Z"), "ok", ""})
          .ok());
  RawDb raw(path);
  CHECK(raw.query("PRAGMA user_version") == "6");
  CHECK(raw.query("SELECT count(*) FROM sqlite_master WHERE name = 'journal_by_run'") == "1");
  // Every later version's tables are there: 3's issue states, 4's marks, 5's derived cache.
  CHECK(raw.query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                  "('mirror_state', 'search_marks', 'pending_comments', 'pending_links', "
                  "'derived')") == "5");
  CHECK(raw.query("SELECT count(*) FROM search_marks") == "1");
}

TEST_CASE("Version 4 turns the meta marks and the trail's text into typed rows", "[store]") {
  TempDir dir;
  const std::string path = dir.file("marks.db");
  {
    RawDb raw(path);
    raw.exec(k_v1_schema);
    // The marks as versions 1 to 3 wrote them: RFC 3339 texts under meta keys, and the trail as
    // one text, a tab-separated line per mark with backslash escapes.
    raw.exec(
        "INSERT INTO meta VALUES('jira_last_search', '2025-03-25T06:15:00Z');"
        "INSERT INTO meta VALUES('jira_last_full_search', '2025-03-25T06:00:00Z');"
        "INSERT INTO meta VALUES('jira_search_scope', 'project=CA;deadline_field=');"
        "INSERT INTO meta VALUES('last_full_search', 'not a time');"
        "INSERT INTO meta VALUES('replies_read_all', '');"
        "INSERT INTO meta VALUES('bugzilla_auth https://bmo.example', 'header');"
        "INSERT INTO meta VALUES('pending_trail', 'c' || char(9) || 'close_issue CA-1' || char(9)"
        " || '1742810400' || char(9) || 'closedanswered' || char(10)"
        " || 'garbage' || char(10)"
        " || 'c' || char(9) || 'update_issue CA-2' || char(9) || 'soon' || char(9) || 'x'"
        " || char(10)"
        " || 'l' || char(9) || 'bzq-1-2' || char(9) || 'bzjira-bzq-1-2' || char(9)"
        " || 'https://bmo.example/show_bug.cgi?id=1' || char(9) || 'Bug 1' || char(9)"
        " || 'tab\\there' || char(9) || '1' || char(10));"
        "PRAGMA user_version = 1;");
  }
  auto opened = SqliteStore::open(path);
  INFO((opened.ok() ? std::string() : opened.error().message));
  REQUIRE(opened.ok());
  auto& store = **opened;

  auto marks = store.search_marks();
  REQUIRE(marks.ok());
  CHECK(marks->jira_last_search == at("2025-03-25T06:15:00Z"));
  CHECK(marks->jira_last_full_search == at("2025-03-25T06:00:00Z"));
  CHECK(marks->jira_scope == "project=CA;deadline_field=");
  CHECK_FALSE(marks->bugzilla_full_search.has_value());  // unreadable: the next search is full
  CHECK_FALSE(marks->replies_read_all.has_value());      // cleared when replies were disabled

  auto comments = store.pending_comments();
  REQUIRE(comments.ok());
  REQUIRE(comments->size() == 1);  // the garbage line and the one without a time are dropped
  CHECK((*comments)[0].step == "close_issue CA-1");
  CHECK((*comments)[0].fingerprint == "closedanswered");
  CHECK((*comments)[0].at == at("2025-03-24T10:00:00Z"));  // 1742810400
  auto links = store.pending_links();
  REQUIRE(links.ok());
  REQUIRE(links->size() == 1);
  CHECK((*links)[0].obligation_key == "bzq-1-2");
  CHECK((*links)[0].link.global_id == "bzjira-bzq-1-2");
  CHECK((*links)[0].link.summary == "tab\there");
  CHECK((*links)[0].link.resolved);

  // The old keys are gone; other facts stay.
  RawDb raw(path);
  CHECK(raw.query("SELECT count(*) FROM meta") == "1");
  CHECK(raw.query("SELECT value FROM meta") == "header");
  CHECK(raw.query("PRAGMA user_version") == "6");
}

TEST_CASE("Version 5 adds the derived cache to a version 4 database and keeps its data",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("v4.db");
  {
    RawDb raw(path);
    raw.exec(k_v1_schema);
    raw.exec(k_v2_to_v4_schema);
    raw.exec(
        "INSERT INTO bugs VALUES(1955799, 'OCSP outage', 'NEW', '', '[ca-compliance]', 'CA "
        "Program', 'CA Certificate Compliance', 'ca@example.com', 'ca@example.com', 1742464800,"
        " 1742464800, NULL);"
        "INSERT INTO comments VALUES(9001, 1955799, 0, 'ca@example.com', 1742464800, 'report', 0,"
        " '');"
        "INSERT INTO search_marks VALUES(1, 1742810400, NULL, NULL, 'project=CA', NULL);"
        "INSERT INTO pending_comments VALUES('close_issue CA-1', 'closedanswered', 1742810400);"
        "PRAGMA user_version = 4;");
  }
  auto opened = SqliteStore::open(path);
  INFO((opened.ok() ? std::string() : opened.error().message));
  REQUIRE(opened.ok());
  auto& store = **opened;

  // Version 4's rows are kept as they were.
  auto marks = store.search_marks();
  REQUIRE(marks.ok());
  CHECK(marks->bugzilla_full_search == at("2025-03-24T10:00:00Z"));  // 1742810400
  CHECK(marks->jira_scope == "project=CA");
  auto pending = store.pending_comments();
  REQUIRE(pending.ok());
  REQUIRE(pending->size() == 1);
  CHECK((*pending)[0].step == "close_issue CA-1");
  auto bugs = store.load_bugs();
  REQUIRE(bugs.ok());
  REQUIRE(bugs->size() == 1);
  REQUIRE((*bugs)[0].comments.size() == 1);

  // The derived cache starts empty, takes a row for the stored bug and drops it with the bug.
  auto none = store.load_derived();
  REQUIRE(none.ok());
  CHECK(none->empty());
  REQUIRE(store
              .save_derived({DerivedBug{1955799, "engine 1", at("2025-03-26T09:00:00Z"),
                                        at("2025-03-20T10:05:00Z"), "open", "ended"}})
              .ok());
  auto one = store.load_derived();
  REQUIRE(one.ok());
  REQUIRE(one->size() == 1);
  CHECK((*one)[0].open_windows == "open");
  REQUIRE(store.remove_bugs({1955799}).ok());
  RawDb raw(path);
  CHECK(raw.query("SELECT count(*) FROM derived") == "0");
  CHECK(raw.query("PRAGMA user_version") == "6");
}

TEST_CASE("Version 6 adds the steady mark to a version 5 database and keeps its data", "[store]") {
  TempDir dir;
  const std::string path = dir.file("v5.db");
  {
    RawDb raw(path);
    raw.exec(k_v1_schema);
    raw.exec(k_v2_to_v4_schema);
    raw.exec(
        "CREATE TABLE derived (bug_id INTEGER PRIMARY KEY REFERENCES bugs(id) ON DELETE CASCADE,"
        " fingerprint TEXT NOT NULL, derived_at INTEGER NOT NULL, settled_at INTEGER NOT NULL,"
        " open_windows BLOB NOT NULL, ended_windows BLOB NOT NULL);"
        "INSERT INTO bugs VALUES(1955799, 'OCSP outage', 'NEW', '', '[ca-compliance]', 'CA "
        "Program', 'CA Certificate Compliance', 'ca@example.com', 'ca@example.com', 1742464800,"
        " 1742464800, NULL);"
        "INSERT INTO derived VALUES(1955799, 'engine 1 ab', 1742810400, 1742464800, 'o', 'e');"
        "PRAGMA user_version = 5;");
  }
  auto opened = SqliteStore::open(path);
  INFO((opened.ok() ? std::string() : opened.error().message));
  REQUIRE(opened.ok());
  auto& store = **opened;
  auto derived = store.load_derived();
  REQUIRE(derived.ok());
  REQUIRE(derived->size() == 1);
  CHECK((*derived)[0].open_windows == "o");
  auto none = store.steady_mark();
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  REQUIRE(store
              .set_steady_mark(SteadyMark{"engine 1 plan 1 ab", at("2025-03-26T09:00:00Z"),
                                          at("2025-03-27T09:00:00Z"), 1, 0, std::nullopt})
              .ok());
  auto one = store.steady_mark();
  REQUIRE(one.ok());
  REQUIRE(one->has_value());
  CHECK_FALSE((*one)->next_deadline.has_value());
  // The old table's writes drop it too (the triggers cover every table a plan reads).
  REQUIRE(store.remove_bugs({1955799}).ok());
  auto gone = store.steady_mark();
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
  RawDb raw(path);
  CHECK(raw.query("SELECT count(*) FROM derived") == "0");
  CHECK(raw.query("PRAGMA user_version") == "6");
}

TEST_CASE("A database from a newer bzjira is a configuration error, left untouched", "[store]") {
  TempDir dir;
  const std::string path = dir.file("future.db");
  {
    RawDb raw(path);
    raw.exec("CREATE TABLE future_things (x); PRAGMA user_version = 99;");
  }
  auto store = SqliteStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().kind == ErrorKind::config);
  CHECK_THAT(store.error().message, Catch::Contains("schema version 99"));
  CHECK_THAT(store.error().message, Catch::Contains(path));
  CHECK(RawDb(path).query("PRAGMA user_version") == "99");
}

TEST_CASE("A file that is not a database is a configuration error, not a crash", "[store]") {
  TempDir dir;
  const std::string path = dir.file("notes.db");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 200; ++i) {
      out << "These are somebody's notes, not a SQLite database.\n";
    }
  }
  auto store = SqliteStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().kind == ErrorKind::config);
  CHECK_THAT(store.error().message, Catch::Contains(path));
  CHECK_THAT(store.error().message, Catch::Contains("not a database"));
}

TEST_CASE("Paths that cannot hold a database are configuration errors", "[store]") {
  TempDir dir;
  {
    std::ofstream out(dir.file("plain-file"));
    out << "x";
  }
  SECTION("a file where a directory should be") {
    auto store = SqliteStore::open(dir.file("plain-file/state.db"));
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().kind == ErrorKind::config);
    CHECK_THAT(store.error().message, Catch::Contains("plain-file"));
  }
  SECTION("a directory where the file should be") {
    auto store = SqliteStore::open(dir.path().string());
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().kind == ErrorKind::config);
  }
  SECTION("an empty path") {
    auto store = SqliteStore::open("");
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().kind == ErrorKind::config);
  }
}

TEST_CASE("The default state path follows systemd, then XDG, then the home directory",
          "[store][config]") {
  SECTION("systemd's StateDirectory= wins, first entry of the list") {
    ScopedEnv state("STATE_DIRECTORY", "/var/lib/bzjira:/var/lib/other");
    ScopedEnv xdg("XDG_STATE_HOME", "/xdg/state");
    CHECK(default_state_path("demo") == "/var/lib/bzjira/demo.db");
  }
  SECTION("then $XDG_STATE_HOME/bzjira") {
    ScopedEnv state("STATE_DIRECTORY", std::nullopt);
    ScopedEnv xdg("XDG_STATE_HOME", "/xdg/state");
    ScopedEnv home("HOME", "/home/ca");
    CHECK(default_state_path("demo") == "/xdg/state/bzjira/demo.db");
  }
  SECTION("a relative XDG_STATE_HOME is ignored (XDG spec), so $HOME/.local/state/bzjira") {
    ScopedEnv state("STATE_DIRECTORY", std::nullopt);
    ScopedEnv xdg("XDG_STATE_HOME", "relative/state");
    ScopedEnv home("HOME", "/home/ca");
    CHECK(default_state_path("demo") == "/home/ca/.local/state/bzjira/demo.db");
  }
  SECTION("a mapping name cannot leave the directory") {
    ScopedEnv state("STATE_DIRECTORY", std::nullopt);
    ScopedEnv xdg("XDG_STATE_HOME", "/xdg/state");
    CHECK(default_state_path("../evil name") == "/xdg/state/bzjira/.._evil_name.db");
    CHECK(default_state_path("") == "/xdg/state/bzjira/default.db");
  }
}
