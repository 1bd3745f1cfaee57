// When a sync reads a bug's history (sync/bug_history.h needs_history): whenever the engine cannot
// date what it needs from the bug alone, and never otherwise (the request economy of issue 8).
#include <catch2/catch.hpp>

#include "sync/bug_history.h"
#include "tests/unit/core_test_util.h"

using namespace bzjira::sync;
using namespace bzjira::sync::testing;

namespace {

BugRecord cached(const char* whiteboard) {
  BugMaker maker(400, "2026-01-01T00:00:00Z", "ca@example.com");
  maker.whiteboard(whiteboard);
  return maker.record();
}

}  // namespace

TEST_CASE("A bug whose whiteboard never held a Next update date costs no history read", "[rules]") {
  const BugRecord before = cached("[ca-compliance] [ov-misissuance]");
  Bug now = before.bug;
  CHECK_FALSE(needs_history(now, nullptr));  // new to the cache
  CHECK_FALSE(needs_history(now, &before));  // unchanged
  now.whiteboard = "[ca-compliance] [ov-misissuance] [external]";
  now.last_change_time = at("2026-01-05T00:00:00Z");
  CHECK_FALSE(needs_history(now, &before));  // tags changed, still no date
}

TEST_CASE("A whiteboard that holds or held a Next update date needs the history once per change",
          "[rules]") {
  SECTION("new to the cache with a date, or with a malformed one that may have been a date") {
    for (const char* wb : {"[ca-compliance] Next update 2026-02-01", "Next  update 2026-02-01",
                           "[ca-compliance] next update: TBD"}) {
      INFO(wb);
      CHECK(needs_history(cached(wb).bug, nullptr));
    }
  }
  SECTION("a date added, changed or removed since the cached copy") {
    const struct {
      const char* before;
      const char* now;
    } cases[] = {
        {"[ca-compliance]", "[ca-compliance] Next update 2026-02-01"},
        {"[ca-compliance] Next update 2026-02-01", "[ca-compliance] Next update 2026-02-15"},
        {"[ca-compliance] Next update 2026-02-01", "[ca-compliance]"},
        {"[ca-compliance] Next update TBD", "[ca-compliance] Next update 2026-02-01"},
        {"[ca-compliance]", "[ca-compliance] [close on 2026-02-01]"},
    };
    for (const auto& c : cases) {
      INFO(c.before << " -> " << c.now);
      const BugRecord before = cached(c.before);
      Bug now = before.bug;
      now.whiteboard = c.now;
      CHECK(needs_history(now, &before));
    }
  }
  SECTION("an unchanged date keeps the history already cached") {
    const BugRecord before = cached("[ca-compliance] Next update 2026-02-01");
    Bug now = before.bug;
    now.last_change_time = at("2026-01-09T00:00:00Z");  // a new comment, say
    CHECK_FALSE(needs_history(now, &before));
    now.whiteboard = "[ca-compliance] [external] Next update 2026-02-01";  // same date
    CHECK_FALSE(needs_history(now, &before));
  }
  SECTION("a close-on marker on a resolved bug changes nothing worth a read") {
    BugRecord before = cached("[ca-compliance]");
    before.bug.status = "RESOLVED";
    before.bug.last_resolved = at("2026-01-10T00:00:00Z");
    Bug now = before.bug;
    now.whiteboard = "[ca-compliance] [close on 2026-01-10]";
    CHECK_FALSE(needs_history(now, &before));
    CHECK_FALSE(needs_history(now, nullptr));
  }
}

TEST_CASE("A bug going from resolved to open needs the history to date its reopening", "[rules]") {
  BugRecord before = cached("[ca-compliance]");
  before.bug.status = "RESOLVED";
  before.bug.resolution = "FIXED";
  before.bug.last_resolved = at("2026-01-10T00:00:00Z");
  Bug now = before.bug;
  now.status = "REOPENED";
  now.resolution.clear();
  CHECK(needs_history(now, &before));
  // New to the cache: REOPENED says it, and so does a cf_last_resolved on an open bug.
  CHECK(needs_history(now, nullptr));
  now.status = "ASSIGNED";
  CHECK(needs_history(now, nullptr));
  now.last_resolved.reset();
  CHECK_FALSE(needs_history(now, nullptr));
  // Resolved and reopened between two runs: the status looks the same, cf_last_resolved moved.
  BugRecord open_before = cached("[ca-compliance]");
  open_before.bug.last_resolved = at("2026-01-10T00:00:00Z");
  Bug open_now = open_before.bug;
  CHECK_FALSE(needs_history(open_now, &open_before));
  open_now.last_resolved = at("2026-01-20T00:00:00Z");
  CHECK(needs_history(open_now, &open_before));
}

TEST_CASE("A resolution without cf_last_resolved and a vanished needinfo need the history",
          "[rules]") {
  const BugRecord open = cached("[ca-compliance]");
  Bug resolved = open.bug;
  resolved.status = "RESOLVED";
  CHECK(needs_history(resolved, &open));
  CHECK(needs_history(resolved, nullptr));
  resolved.last_resolved = at("2026-01-10T00:00:00Z");
  CHECK_FALSE(needs_history(resolved, &open));  // the server dates it

  BugMaker flagged(401, "2026-01-01T00:00:00Z", "ca@example.com");
  flagged.needinfo(77, "x@y", "ca@example.com", "2026-01-02T00:00:00Z");
  const BugRecord with_flag = flagged.record();
  Bug cleared = with_flag.bug;
  cleared.flags.clear();
  CHECK(needs_history(cleared, &with_flag));
  CHECK_FALSE(needs_history(with_flag.bug, &with_flag));
  // The flag's name in another case is still a needinfo.
  BugRecord upper = with_flag;
  upper.bug.flags.front().name = "NeedInfo";
  CHECK(needs_history(cleared, &upper));
}

TEST_CASE("One needinfo test for every caller: name in any case, status ?", "[rules]") {
  Flag f;
  f.name = "needinfo";
  f.status = "?";
  CHECK(is_open_needinfo(f));
  f.name = "NeedInfo";
  CHECK(is_open_needinfo(f));
  f.status = "+";
  CHECK_FALSE(is_open_needinfo(f));
  f.status = "?";
  f.name = "review";
  CHECK_FALSE(is_open_needinfo(f));
}
