// The rest of SqliteStore's state: watermark, mirror map, journal, replies, meta values, the run
// log, and the promise that no secret ends up in the file.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>

#include "adapters/store/sqlite_store.h"
#include "tests/adapters/store_test_util.h"

namespace {

using bzjira::adapters::store::SqliteStore;
using namespace bzjira::store_test;  // at, open_store, RawDb, require_ok, TempDir
using namespace bzjira::sync;

JournalEntry entry(const char* run, const char* action, const char* key, JournalState state,
                   const char* when) {
  JournalEntry e;
  e.run_id = run;
  e.action = action;
  e.obligation_key = key;
  e.target = "bug 1955799";
  e.state = state;
  e.reason = std::string("reason for ") + action;
  e.detail = "";
  e.at = at(when);
  return e;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("The watermark is empty at first, then the last value set, across reopening", "[store]") {
  TempDir dir;
  const std::string path = dir.file("state.db");
  {
    auto store = open_store(path);
    auto none = store->watermark();
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
    require_ok(store->set_watermark(at("2025-03-01T00:00:00Z")));
    require_ok(store->set_watermark(at("2025-04-02T08:30:15Z")));
  }
  auto mark = open_store(path)->watermark();
  REQUIRE(mark.ok());
  REQUIRE(mark->has_value());
  CHECK(**mark == at("2025-04-02T08:30:15Z"));
  // Stored as integer epoch seconds: 2025-04-02T08:30:15Z = 20180 days * 86400 + 30615 s.
  CHECK(RawDb(path).query("SELECT db_time FROM watermark") == "1743582615");
}

TEST_CASE("Mirrors are put, replaced by obligation key and removed", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("state.db"));
  // An unconfirmed create (no key yet), then its confirmation, and a second obligation.
  require_ok(store->put_mirror({"bzq-1955799-9002", "", "", at("2025-03-24T10:00:00Z")}));
  require_ok(store->put_mirror({"bzn-1955799-2201", "CA-7", "10007", at("2025-03-24T10:00:01Z")}));
  require_ok(store->put_mirror({"bzq-1955799-9002", "CA-8", "10008", at("2025-03-24T10:00:02Z")}));

  auto mirrors = store->mirrors();
  REQUIRE(mirrors.ok());
  REQUIRE(mirrors->size() == 2);
  const MirrorEntry& q = mirrors->at("bzq-1955799-9002");
  CHECK(q.obligation_key == "bzq-1955799-9002");
  CHECK(q.issue_key == "CA-8");
  CHECK(q.issue_id == "10008");
  CHECK(q.created_at == at("2025-03-24T10:00:02Z"));
  CHECK(mirrors->at("bzn-1955799-2201").issue_key == "CA-7");

  require_ok(store->remove_mirror("bzn-1955799-2201"));
  require_ok(store->remove_mirror("never-there"));
  mirrors = store->mirrors();
  REQUIRE(mirrors.ok());
  REQUIRE(mirrors->size() == 1);
  CHECK(mirrors->count("bzq-1955799-9002") == 1);
}

TEST_CASE("Journal entries are recorded, updated and listed per run in order", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("state.db"));
  auto a = store->record(
      entry("run-1", "create_issue", "bzq-1-2", JournalState::planned, "2025-03-24T10:00:00Z"));
  auto b = store->record(
      entry("run-2", "close_issue", "bzq-1-3", JournalState::sent, "2025-03-25T10:00:00Z"));
  auto c = store->record(
      entry("run-1", "post_reply", "", JournalState::planned, "2025-03-24T10:00:05Z"));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(c.ok());
  CHECK(*a < *b);
  CHECK(*b < *c);

  require_ok(store->update(*a, JournalState::done, "created CA-8"));
  require_ok(store->update(*c, JournalState::failed, "Bugzilla said 400"));
  const auto missing = store->update(*c + 1000, JournalState::done, "");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::not_found);

  auto run1 = store->journal("run-1");
  REQUIRE(run1.ok());
  REQUIRE(run1->size() == 2);
  const JournalEntry& first = (*run1)[0];
  CHECK(first.id == *a);
  CHECK(first.run_id == "run-1");
  CHECK(first.action == "create_issue");
  CHECK(first.obligation_key == "bzq-1-2");
  CHECK(first.target == "bug 1955799");
  CHECK(first.state == JournalState::done);
  CHECK(first.reason == "reason for create_issue");
  CHECK(first.detail == "created CA-8");
  CHECK(first.at == at("2025-03-24T10:00:00Z"));  // update() keeps the recorded time
  CHECK((*run1)[1].id == *c);
  CHECK((*run1)[1].state == JournalState::failed);
  CHECK((*run1)[1].detail == "Bugzilla said 400");

  auto run2 = store->journal("run-2");
  REQUIRE(run2.ok());
  REQUIRE(run2->size() == 1);
  CHECK((*run2)[0].state == JournalState::sent);
  auto none = store->journal("run-unknown");
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE("Replies are stored by Jira comment id, with and without a Bugzilla comment", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("state.db"));
  ReplyRecord pending{
      "10500", "CA-8", 1955799, "ab12", std::nullopt, false, at("2025-03-26T09:00:00Z")};
  require_ok(store->put_reply(pending));
  auto replies = store->replies();
  REQUIRE(replies.ok());
  REQUIRE(replies->size() == 1);
  CHECK_FALSE(replies->at("10500").bugzilla_comment_id.has_value());
  CHECK_FALSE(replies->at("10500").jira_acknowledged);

  ReplyRecord confirmed = pending;
  confirmed.bugzilla_comment_id = 9004;
  confirmed.jira_acknowledged = true;
  require_ok(store->put_reply(confirmed));
  replies = store->replies();
  REQUIRE(replies.ok());
  REQUIRE(replies->size() == 1);
  const ReplyRecord& got = replies->at("10500");
  CHECK(got.jira_comment_id == "10500");
  CHECK(got.issue_key == "CA-8");
  CHECK(got.bug_id == 1955799);
  CHECK(got.text_hash == "ab12");
  CHECK(got.bugzilla_comment_id == std::optional<CommentId>(9004));
  CHECK(got.jira_acknowledged);
  CHECK(got.sent_at == at("2025-03-26T09:00:00Z"));

  // A reply whose Jira comment is gone is forgotten; forgetting an unknown one is no error.
  require_ok(store->remove_reply("10500"));
  require_ok(store->remove_reply("10500"));
  replies = store->replies();
  REQUIRE(replies.ok());
  CHECK(replies->empty());
}

TEST_CASE("Meta values are absent until set, then overwritten", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("state.db"));
  auto none = store->get_meta("jira-comments-seen:CA-8");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  require_ok(store->set_meta("jira-comments-seen:CA-8", "2025-03-26T09:00:00Z"));
  require_ok(store->set_meta("jira-comments-seen:CA-8", "2025-03-27T09:00:00Z"));
  require_ok(store->set_meta("empty", ""));
  auto value = store->get_meta("jira-comments-seen:CA-8");
  REQUIRE(value.ok());
  CHECK(*value == std::optional<std::string>("2025-03-27T09:00:00Z"));
  auto empty = store->get_meta("empty");
  REQUIRE(empty.ok());
  CHECK(*empty == std::optional<std::string>(""));
}

TEST_CASE("A run is recorded when it starts and again when it ends", "[store]") {
  TempDir dir;
  const std::string path = dir.file("state.db");
  {
    auto store = open_store(path);
    require_ok(store->record_run(
        {"run-1", at("2025-03-24T10:00:00Z"), at("2025-03-24T10:00:00Z"), "running", ""}));
    require_ok(store->record_run({"run-1", at("2025-03-24T10:00:00Z"), at("2025-03-24T10:00:42Z"),
                                  "partial", "3 created, 1 failed"}));
  }
  RawDb raw(path);
  CHECK(raw.query("SELECT count(*) FROM runs") == "1");
  CHECK(raw.query("SELECT outcome || '|' || summary FROM runs") == "partial|3 created, 1 failed");
  CHECK(raw.query("SELECT finished - started FROM runs") == "42");
}

TEST_CASE("No secret from the environment ends up in the state database", "[store]") {
  // The store is never handed a secret; this proves it does not pick one up on its own either.
  const std::string secret = "bzjira-test-secret-5f1c9e7d";
  ::setenv("BZJIRA_TEST_BUGZILLA_API_KEY", secret.c_str(), 1);
  TempDir dir;
  const std::string path = dir.file("state.db");
  {
    auto store = open_store(path);
    require_ok(store->set_watermark(at("2025-03-01T00:00:00Z")));
    require_ok(store->put_mirror({"bzq-1-2", "CA-1", "10001", at("2025-03-01T00:00:00Z")}));
    auto id = store->record(
        entry("run-1", "create_issue", "bzq-1-2", JournalState::planned, "2025-03-01T00:00:00Z"));
    REQUIRE(id.ok());
    require_ok(store->record_run(
        {"run-1", at("2025-03-01T00:00:00Z"), at("2025-03-01T00:00:01Z"), "ok", "1 created"}));
  }  // closing checkpoints the WAL into the main file
  ::unsetenv("BZJIRA_TEST_BUGZILLA_API_KEY");
  for (const auto& name : {path, path + "-wal", path + "-shm"}) {
    CHECK(read_file(name).find(secret) == std::string::npos);
  }
  // And no column is meant to hold one.
  RawDb raw(path);
  CHECK(raw.query("SELECT count(*) FROM sqlite_master m, pragma_table_info(m.name) c "
                  "WHERE m.type = 'table' AND (c.name LIKE '%key%' AND c.name NOT IN "
                  "('obligation_key', 'issue_key', 'key') OR c.name LIKE '%token%' OR "
                  "c.name LIKE '%password%' OR c.name LIKE '%secret%')") == "0");
}
