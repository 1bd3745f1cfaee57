// The Bugzilla cache in SqliteStore: every field survives a save and a reopen, a save replaces a
// bug's child rows, and a failing save changes nothing.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "adapters/store/sqlite_store.h"
#include "tests/adapters/store_test_util.h"

namespace {

using bzjira::adapters::store::SqliteStore;
using namespace bzjira::store_test;  // at, open_store, RawDb, require_ok, TempDir
using namespace bzjira::sync;

std::vector<BugRecord> load(SqliteStore& store) {
  auto bugs = store.load_bugs();
  INFO((bugs.ok() ? std::string() : bugs.error().message));
  REQUIRE(bugs.ok());
  return std::move(bugs).value();
}

Comment comment(CommentId id, BugId bug, int count, const char* who, const char* when,
                std::string text, bool is_private = false, std::vector<std::string> tags = {}) {
  return Comment{id, bug, count, who, at(when), std::move(text), is_private, std::move(tags)};
}

void check_same(const Comment& got, const Comment& want) {
  CHECK(got.id == want.id);
  CHECK(got.bug_id == want.bug_id);
  CHECK(got.count == want.count);
  CHECK(got.creator == want.creator);
  CHECK(got.time == want.time);
  CHECK(got.text == want.text);
  CHECK(got.is_private == want.is_private);
  CHECK(got.tags == want.tags);
}

void check_same(const Flag& got, const Flag& want) {
  CHECK(got.id == want.id);
  CHECK(got.name == want.name);
  CHECK(got.type_id == want.type_id);
  CHECK(got.status == want.status);
  CHECK(got.setter == want.setter);
  CHECK(got.requestee == want.requestee);
  CHECK(got.creation_date == want.creation_date);
  CHECK(got.modification_date == want.modification_date);
}

void check_same(const HistoryEntry& got, const HistoryEntry& want) {
  CHECK(got.when == want.when);
  CHECK(got.who == want.who);
  REQUIRE(got.changes.size() == want.changes.size());
  for (std::size_t i = 0; i < got.changes.size(); ++i) {
    CHECK(got.changes[i].field_name == want.changes[i].field_name);
    CHECK(got.changes[i].removed == want.changes[i].removed);
    CHECK(got.changes[i].added == want.changes[i].added);
  }
}

void check_same_bug(const Bug& got, const Bug& want) {
  CHECK(got.id == want.id);
  CHECK(got.summary == want.summary);
  CHECK(got.status == want.status);
  CHECK(got.resolution == want.resolution);
  CHECK(got.whiteboard == want.whiteboard);
  CHECK(got.product == want.product);
  CHECK(got.component == want.component);
  CHECK(got.creator == want.creator);
  CHECK(got.assigned_to == want.assigned_to);
  CHECK(got.creation_time == want.creation_time);
  CHECK(got.last_change_time == want.last_change_time);
  CHECK(got.last_resolved == want.last_resolved);
  REQUIRE(got.flags.size() == want.flags.size());
  for (std::size_t i = 0; i < got.flags.size(); ++i) {
    check_same(got.flags[i], want.flags[i]);
  }
}

// A resolved incident bug with every kind of child row, comments deliberately out of order.
BugRecord incident() {
  BugRecord r;
  r.bug = Bug{1955799,
              "Example CA: OCSP responder outage",
              "RESOLVED",
              "FIXED",
              "[ca-compliance] [ocsp-failure] Next update 2025-04-07",
              "CA Program",
              "CA Certificate Compliance",
              "ca-reporter@example.com",
              "ca-reporter@example.com",
              at("2025-03-20T10:00:00Z"),
              at("2025-04-02T08:30:15Z"),
              at("2025-04-02T08:30:15Z"),
              {Flag{2201, "needinfo", 800, "?", "ben@example.org", "ca-reporter@example.com",
                    at("2025-03-24T09:00:00Z"), at("2025-03-24T09:00:01Z")},
               Flag{2202, "in-testsuite", 7, "+", "jeremy@example.org", "",
                    at("2025-03-25T11:00:00Z"), at("2025-03-26T12:00:00Z")}}};
  r.comments = {
      comment(9003, 1955799, 2, "ca-reporter@example.com", "2025-03-28T12:00:00Z",
              "Answer: see the report.\nLine two \xE2\x80\x94 with UTF-8."),
      comment(9001, 1955799, 0, "ca-reporter@example.com", "2025-03-20T10:00:00Z",
              "Incident report", false, {}),
      comment(9002, 1955799, 1, "jeremy@example.org", "2025-03-24T09:00:00Z",
              std::string("Question with a NUL \0 inside", 28), true, {"spam", "admin-note"}),
  };
  r.history = {
      HistoryEntry{
          at("2025-03-24T09:00:01Z"),
          "ben@example.org",
          {FieldChange{"flagtypes.name", "", "needinfo?(ca-reporter@example.com)"},
           FieldChange{"status_whiteboard", "[ca-compliance]", "[ca-compliance] [ocsp-failure]"}}},
      HistoryEntry{
          at("2025-04-02T08:30:15Z"),
          "ca-reporter@example.com",
          {FieldChange{"status", "ASSIGNED", "RESOLVED"}, FieldChange{"resolution", "", "FIXED"}}},
  };
  return r;
}

BugRecord bare_bug(BugId id) {
  BugRecord r;
  r.bug.id = id;
  r.bug.summary = "Bare bug " + std::to_string(id);
  r.bug.status = "NEW";
  r.bug.creation_time = at("2024-01-01T00:00:00Z");
  r.bug.last_change_time = at("2024-01-02T00:00:00Z");
  return r;
}

}  // namespace

TEST_CASE("Saved bugs come back with every field after the store is reopened", "[store]") {
  TempDir dir;
  const std::string path = dir.file("state.db");
  const BugRecord full = incident();
  const BugRecord bare = bare_bug(42);
  require_ok(open_store(path)->save_bugs({full, bare}));

  const auto bugs = load(*open_store(path));
  REQUIRE(bugs.size() == 2);
  // Ordered by id: 42 before 1955799.
  check_same_bug(bugs[0].bug, bare.bug);
  CHECK_FALSE(bugs[0].bug.last_resolved.has_value());
  CHECK(bugs[0].comments.empty());
  CHECK(bugs[0].history.empty());

  check_same_bug(bugs[1].bug, full.bug);
  // Comments come back by (time, id): 9001 (03-20), 9002 (03-24), 9003 (03-28).
  REQUIRE(bugs[1].comments.size() == 3);
  check_same(bugs[1].comments[0], full.comments[1]);
  check_same(bugs[1].comments[1], full.comments[2]);
  check_same(bugs[1].comments[2], full.comments[0]);
  CHECK(bugs[1].comments[1].text.size() == 28);  // the NUL did not truncate it
  REQUIRE(bugs[1].history.size() == 2);
  check_same(bugs[1].history[0], full.history[0]);
  check_same(bugs[1].history[1], full.history[1]);
}

TEST_CASE("Saving a bug again replaces its comments, flags and history", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("state.db"));
  require_ok(store->save_bugs({incident(), bare_bug(42)}));

  // Upstream, comment 9002 was deleted, the needinfo cleared and the history shortened.
  BugRecord changed = incident();
  changed.comments.erase(changed.comments.begin() + 2);
  changed.bug.flags.erase(changed.bug.flags.begin());
  changed.bug.status = "REOPENED";
  changed.bug.resolution = "";
  changed.bug.last_resolved.reset();
  changed.history.pop_back();
  require_ok(store->save_bugs({changed}));

  const auto bugs = load(*store);
  REQUIRE(bugs.size() == 2);
  CHECK(bugs[0].bug.id == 42);  // untouched by the second save
  const BugRecord& got = bugs[1];
  check_same_bug(got.bug, changed.bug);
  REQUIRE(got.bug.flags.size() == 1);
  CHECK(got.bug.flags[0].id == 2202);
  REQUIRE(got.comments.size() == 2);
  CHECK(got.comments[0].id == 9001);
  CHECK(got.comments[1].id == 9003);
  REQUIRE(got.history.size() == 1);
  check_same(got.history[0], changed.history[0]);
}

TEST_CASE("Removing bugs removes their child rows and ignores unknown ids", "[store]") {
  TempDir dir;
  const std::string path = dir.file("state.db");
  auto store = open_store(path);
  require_ok(store->save_bugs({incident(), bare_bug(42)}));
  require_ok(store->remove_bugs({1955799, 777}));

  const auto bugs = load(*store);
  REQUIRE(bugs.size() == 1);
  CHECK(bugs[0].bug.id == 42);
  RawDb raw(path);
  CHECK(raw.query("SELECT count(*) FROM comments") == "0");
  CHECK(raw.query("SELECT count(*) FROM flags") == "0");
  CHECK(raw.query("SELECT count(*) FROM history") == "0");
  CHECK(raw.query("SELECT count(*) FROM history_changes") == "0");
}

TEST_CASE("A save that fails half way leaves every bug as it was", "[store]") {
  TempDir dir;
  const std::string path = dir.file("state.db");
  auto store = open_store(path);
  require_ok(store->save_bugs({incident(), bare_bug(42)}));
  {
    // Fault injection from outside: any comment with this text makes the insert abort.
    RawDb raw(path);
    raw.exec(
        "CREATE TRIGGER poison BEFORE INSERT ON comments WHEN NEW.text = 'poison' "
        "BEGIN SELECT RAISE(ABORT, 'poisoned'); END");
  }
  BugRecord first = incident();
  first.comments.clear();  // would delete all three comments
  first.bug.summary = "changed";
  BugRecord second = bare_bug(42);
  second.comments = {comment(1, 42, 0, "x@example.org", "2024-01-01T00:00:00Z", "poison")};

  const auto status = store->save_bugs({first, second});
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == ErrorKind::internal);
  CHECK_THAT(status.error().message, Catch::Contains("poisoned"));

  const auto bugs = load(*store);
  REQUIRE(bugs.size() == 2);
  CHECK(bugs[1].bug.summary == "Example CA: OCSP responder outage");
  CHECK(bugs[1].comments.size() == 3);
  CHECK(bugs[0].comments.empty());
}

TEST_CASE("Saving a thousand bugs of 50 comments each keeps them all (time is reported)",
          "[store][bench]") {
  TempDir dir;
  auto store = open_store(dir.file("state.db"));
  const Instant when = at("2024-01-01T00:00:00Z");
  std::vector<BugRecord> records;
  for (BugId id = 1; id <= 1000; ++id) {
    BugRecord r = bare_bug(id);
    for (int c = 0; c < 50; ++c) {
      r.comments.push_back(Comment{id * 100 + c,
                                   id,
                                   c,
                                   "someone@example.org",
                                   when,
                                   "A comment of ordinary length, about two hundred bytes, which "
                                   "is what incident discussions on Bugzilla tend to look like "
                                   "once quoting is taken out. Padding padding padding.",
                                   false,
                                   {}});
    }
    records.push_back(std::move(r));
  }
  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  const auto start = Clock::now();
  require_ok(store->save_bugs(records));
  const auto saved = Clock::now();
  // The second save replaces every row (cascading deletes), as a cold re-sync would.
  require_ok(store->save_bugs(records));
  const auto resaved = Clock::now();
  const auto bugs = load(*store);
  const auto loaded = Clock::now();
  WARN("save_bugs(1000 bugs x 50 comments): " << ms(saved - start) << " ms new, "
                                              << ms(resaved - saved) << " ms replacing; load_bugs: "
                                              << ms(loaded - resaved) << " ms");
  REQUIRE(bugs.size() == 1000);
  std::size_t comments = 0;
  for (const auto& b : bugs) {
    comments += b.comments.size();
  }
  CHECK(comments == 50000);
  CHECK(bugs[999].comments[49].id == 100049);
}
