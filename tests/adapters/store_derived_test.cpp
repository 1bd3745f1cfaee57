// SqliteStore's partial loads and derived cache (issue 14): heads carry a bug and its flags only,
// load_some_bugs the complete records of the bugs asked for, and a bug's derivation is stored,
// read back and removed with the bug.
#include <catch2/catch.hpp>

#include "adapters/store/sqlite_store.h"
#include "tests/adapters/store_test_util.h"

namespace {

using bzjira::adapters::store::SqliteStore;
using bzjira::store_test::at;
using bzjira::store_test::RawDb;
using bzjira::store_test::TempDir;
using namespace bzjira::sync;

std::unique_ptr<SqliteStore> open_store(const std::string& path) {
  auto store = SqliteStore::open(path);
  INFO((store.ok() ? std::string() : store.error().message));
  REQUIRE(store.ok());
  return std::move(store).value();
}

void require_ok(const Status& status) {
  INFO((status.ok() ? std::string() : status.error().message));
  REQUIRE(status.ok());
}

// Bug `id` with two comments, a needinfo flag and one history entry.
BugRecord bug_with_children(BugId id) {
  BugRecord r;
  r.bug.id = id;
  r.bug.summary = "Bug " + std::to_string(id);
  r.bug.status = "NEW";
  r.bug.creation_time = at("2026-01-01T00:00:00Z");
  r.bug.last_change_time = at("2026-01-03T00:00:00Z");
  r.bug.flags = {Flag{id * 10, "needinfo", 800, "?", "ben@example.org", "ca@example.com",
                      at("2026-01-02T00:00:00Z"), at("2026-01-02T00:00:00Z")}};
  r.comments = {
      Comment{id * 100, id, 0, "ca@example.com", at("2026-01-01T00:00:00Z"), "filed", false, {}},
      Comment{id * 100 + 1,
              id,
              1,
              "ben@example.org",
              at("2026-01-02T00:00:00Z"),
              "a question",
              false,
              {}}};
  r.history = {HistoryEntry{at("2026-01-02T00:00:00Z"),
                            "ben@example.org",
                            {FieldChange{"flagtypes.name", "", "needinfo?(ca@example.com)"}}}};
  return r;
}

DerivedBug derivation(BugId id, const std::string& open, const std::string& ended) {
  return DerivedBug{id,   "engine 1; x", at("2026-01-10T00:00:00Z"), at("2026-01-03T01:00:00Z"),
                    open, ended};
}

}  // namespace

TEST_CASE("Heads carry the bug and its flags, partial loads the complete records asked for",
          "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("state.db"));
  require_ok(store->save_bugs({bug_with_children(1), bug_with_children(2), bug_with_children(3)}));

  auto heads = store->load_bug_heads();
  REQUIRE(heads.ok());
  REQUIRE(heads->size() == 3);
  for (const BugRecord& r : *heads) {
    CHECK(r.comments.empty());
    CHECK(r.history.empty());
    REQUIRE(r.bug.flags.size() == 1);
    CHECK(r.bug.flags[0].id == r.bug.id * 10);
  }

  auto some = store->load_some_bugs({3, 1, 99});
  REQUIRE(some.ok());
  REQUIRE(some->size() == 2);
  CHECK((*some)[0].bug.id == 1);
  CHECK((*some)[1].bug.id == 3);
  for (const BugRecord& r : *some) {
    REQUIRE(r.comments.size() == 2);
    CHECK(r.comments[1].text == "a question");
    REQUIRE(r.history.size() == 1);
    REQUIRE(r.history[0].changes.size() == 1);
    CHECK(r.history[0].changes[0].added == "needinfo?(ca@example.com)");
    CHECK(r.bug.flags.size() == 1);
  }
  auto none = store->load_some_bugs({});
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE("A derivation is stored per bug and goes with its bug", "[store]") {
  TempDir dir;
  const std::string path = dir.file("state.db");
  {
    auto store = open_store(path);
    require_ok(store->save_bugs({bug_with_children(1), bug_with_children(2)}));
    // Bug 7 is not cached: its derivation is skipped, not an error.
    require_ok(store->save_derived({derivation(1, "open one", std::string("ended\0one", 9)),
                                    derivation(2, "open two", "ended two"),
                                    derivation(7, "open seven", "")}));
  }
  auto store = open_store(path);
  auto rows = store->load_derived();
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  const DerivedBug& d = (*rows)[0];
  CHECK(d.bug_id == 1);
  CHECK(d.fingerprint == "engine 1; x");
  CHECK(d.derived_at == at("2026-01-10T00:00:00Z"));
  CHECK(d.settled_at == at("2026-01-03T01:00:00Z"));
  CHECK(d.open_windows == "open one");
  CHECK(d.ended_windows.empty());  // loaded on demand only
  auto ended = store->load_ended({1, 2, 7});
  REQUIRE(ended.ok());
  REQUIRE(ended->size() == 2);
  CHECK(ended->at(1) == std::string("ended\0one", 9));
  CHECK(ended->at(2) == "ended two");

  SECTION("saving the bug again drops its derivation") {
    require_ok(store->save_bugs({bug_with_children(1)}));
    rows = store->load_derived();
    REQUIRE(rows.ok());
    REQUIRE(rows->size() == 1);
    CHECK((*rows)[0].bug_id == 2);
  }
  SECTION("removing the bug drops its derivation") {
    require_ok(store->remove_bugs({2}));
    rows = store->load_derived();
    REQUIRE(rows.ok());
    REQUIRE(rows->size() == 1);
    CHECK((*rows)[0].bug_id == 1);
  }
  SECTION("a new derivation replaces the old one") {
    require_ok(store->save_derived({derivation(2, "open again", "")}));
    rows = store->load_derived();
    REQUIRE(rows.ok());
    REQUIRE(rows->size() == 2);
    CHECK((*rows)[1].open_windows == "open again");
  }
}
