// run_sync's Jira search: full on the first run and once a day, incremental in between, merged
// with the stored states; dry runs write no state; a failed search moves no mark.
#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/unit/run_world.h"

namespace {

using namespace bzjira::sync;
using namespace bzjira::sync::testing;

}  // namespace

TEST_CASE("the first run searches Jira in full, the next ones only recently updated issues",
          "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().execution.created == 3);
  REQUIRE(w.jira.searches.size() == 1);
  CHECK_FALSE(w.jira.searches[0].has_value());  // full
  CHECK(w.store.mirror_state.size() == 3);      // from the creates

  w.advance(Seconds{1200});
  REQUIRE(w.run().exit_code == 0);
  REQUIRE(w.jira.searches.size() == 2);
  CHECK(w.jira.searches[1] == std::optional<Seconds>(Seconds{1200 + 600}));

  SECTION("a day after the first full search, the search is full again") {
    w.advance(Seconds{86400 - 1200});
    REQUIRE(w.run().exit_code == 0);
    CHECK_FALSE(w.jira.searches.back().has_value());
  }
  SECTION("a clock that went backwards gives a full search") {
    w.now -= Seconds{3600};
    w.sync_clocks();
    REQUIRE(w.run().exit_code == 0);
    CHECK_FALSE(w.jira.searches.back().has_value());
  }
  SECTION("another project in the mapping gives a full search") {
    w.mapping.jira.project = "OTHER";
    w.jira.project = "OTHER";
    w.advance(Seconds{60});
    w.run();
    CHECK_FALSE(w.jira.searches.back().has_value());
  }
}

TEST_CASE("a change made in Jira is seen through the incremental search and kept", "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().execution.created == 3);
  w.advance(Seconds{3600});
  REQUIRE(w.run().execution.lines.empty());
  const std::string key = w.issue("bzq-101-5002").issue.key;
  // A person dismisses the question issue; an hour later a run searches only the last 70 minutes.
  w.advance(Seconds{1800});
  w.jira.close_by_hand(key, "Won't Do");
  w.advance(Seconds{1800});
  REQUIRE(w.run().exit_code == 0);
  REQUIRE(w.jira.searches.back().has_value());
  CHECK(w.store.mirror_state.at(key).category == StatusCategory::done);
  CHECK(w.store.mirror_state.at(key).resolution == "Won't Do");
  // The next incremental search no longer returns it, yet the plan still knows it is dismissed.
  w.advance(Seconds{3600});
  const std::size_t searches = w.jira.searches.size();
  const RunReport r = w.run();
  REQUIRE(w.jira.searches.size() == searches + 1);
  CHECK(w.jira.searches.back() == std::optional<Seconds>(Seconds{3600 + 600}));
  CHECK(r.execution.lines.empty());
  bool dismissed_note = false;
  for (const std::string& note : r.notes) {
    dismissed_note = dismissed_note || note == key +
                                                   " was closed as Won't Do: bzq-101-5002 stays "
                                                   "dismissed";
  }
  CHECK(dismissed_note);
  CHECK(w.jira.issues.size() == 3);
}

TEST_CASE("an issue deleted in Jira is noticed at the daily full search", "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().execution.created == 3);
  w.advance(Seconds{3600});
  REQUIRE(w.run().exit_code == 0);
  const std::string key = w.issue("bzu-102-5003").issue.key;
  w.jira.issues.erase(key);
  w.jira.order.erase(std::find(w.jira.order.begin(), w.jira.order.end(), key));
  const auto deleted_note = [&](const RunReport& r) {
    return std::any_of(r.notes.begin(), r.notes.end(), [&](const std::string& note) {
      return note.find(key + " created at") == 0 &&
             note.find("is not in Jira's search (deleted") != std::string::npos;
    });
  };
  // Incremental searches cannot see a deletion: the stored state still stands for the issue.
  w.advance(Seconds{3600});
  const RunReport before = w.run();
  CHECK(before.execution.lines.empty());
  CHECK_FALSE(deleted_note(before));
  CHECK(w.store.mirror_state.count(key) == 1);
  // The daily full search replaces every state: the issue is gone, and the plan says so (the
  // journal created it, so it is left alone rather than created again).
  w.advance(Seconds{86400});
  const RunReport after = w.run();
  CHECK_FALSE(w.jira.searches.back().has_value());
  CHECK(w.store.mirror_state.count(key) == 0);
  CHECK(deleted_note(after));
  CHECK(after.execution.created == 0);
}

TEST_CASE("a dry run searches like a real one but writes no state", "[core][run]") {
  RunWorld w;
  SECTION("before any run") {
    const RunReport r = w.run(true);
    CHECK(r.exit_code == 0);
    CHECK(w.store.writes == 0);
    CHECK(w.store.meta.empty());
  }
  SECTION("after a run") {
    REQUIRE(w.run().exit_code == 0);
    w.advance(Seconds{900});
    const auto meta = w.store.meta;
    const auto states = w.store.mirror_state.size();
    w.reset_counters();
    const RunReport r = w.run(true);
    CHECK(r.exit_code == 0);
    CHECK(w.jira.searches.back().has_value());
    CHECK(w.store.writes == 0);
    CHECK(w.store.meta == meta);
    CHECK(w.store.mirror_state.size() == states);
  }
}

TEST_CASE("a failed Jira search moves no mark, so nothing is skipped next time", "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().exit_code == 0);
  const std::optional<Instant> first = w.store.marks.jira_last_search;
  REQUIRE(first.has_value());
  w.advance(Seconds{900});
  w.jira.faults.fail("find_mirrored", ErrorKind::transient);
  CHECK(w.run().exit_code == k_exit_unreachable);
  CHECK(w.store.marks.jira_last_search == first);
  w.advance(Seconds{900});
  REQUIRE(w.run().exit_code == 0);
  // 30 minutes since the last successful search, plus the margin.
  CHECK(w.jira.searches.back() == std::optional<Seconds>(Seconds{1800 + 600}));
}

TEST_CASE("a store that cannot save the search's states ends the run before planning",
          "[core][run]") {
  RunWorld w;
  w.store.faults.fail("save_mirror_states", ErrorKind::internal);
  const RunReport r = w.run();
  CHECK(r.exit_code == k_exit_internal);
  CHECK(r.execution.created == 0);
  CHECK(w.jira.issues.empty());
  CHECK_FALSE(w.store.marks.jira_last_search.has_value());
}
