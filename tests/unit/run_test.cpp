// run_sync end to end over fakes: what Bugzilla changes do to Jira, run after run.
#include <catch2/catch.hpp>

#include "tests/support/text.h"
#include "tests/unit/run_world.h"

namespace bzjira::sync {
namespace {

using testing::at;
using testing::FakeIssue;
using testing::RunWorld;

Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

using bzjira::test_support::contains;

TEST_CASE("the first run creates one issue per open obligation with the right due dates",
          "[core][run]") {
  RunWorld w;
  const RunReport r = w.run();
  CHECK(r.exit_code == 0);
  CHECK(r.execution.created == 3);
  CHECK(w.summaries() == std::vector<std::string>{
                             "Bug 101: reply due 2025-03-30 — question from jeremy (comment 1)",
                             "Bug 101: update due 2025-03-26 — weekly update",
                             "Bug 102: update due 2025-03-28 — weekly update",
                         });
  CHECK(w.issue("bzq-101-5002").issue.due == ymd(2025, 3, 30));
  CHECK(w.issue("bzu-101-5001").issue.due == ymd(2025, 3, 26));
  CHECK(w.issue("bzu-102-5003").issue.due == ymd(2025, 3, 28));
  CHECK(w.jira.count_with_label("bz-103") == 0);
  CHECK(r.obligations_open == 3);
  CHECK(r.overdue == 0);
  REQUIRE(r.next_deadline.has_value());
  CHECK(*r.next_deadline == at("2025-03-27T00:00:00Z"));
  // Bugzilla: time, search, comments of the two new bugs in one call.
  CHECK(r.bugzilla_requests == 3);
  // Jira: search, one bulk create, three remote links.
  CHECK(r.jira_requests == 5);
  CHECK(w.store.mark == w.now);
  CHECK(w.store.bugs.size() == 2);  // bug 103 is not ours and not cached
  CHECK(w.store.runs.size() == 1);
  CHECK(w.store.runs[0].outcome == "ok");
  CHECK(contains(r.summary, "created 3"));
}

TEST_CASE("a second run with nothing changed sends three requests and writes nothing",
          "[core][run]") {
  RunWorld w;
  SECTION("nothing changed near the watermark") {}
  SECTION("a change two minutes before the watermark, inside the search's overlap") {
    w.bugzilla.add_comment(102, "ca@ca.example", "Status: on track.", w.now - Seconds{120});
  }
  REQUIRE(w.run().exit_code == 0);
  // The next run's Jira search still shows the issues the first run created (updated within its
  // window of 15 + 10 minutes); the one after that finds nothing new.
  w.advance(Seconds{900});
  REQUIRE(w.run().execution.lines.empty());
  w.advance(Seconds{900});
  w.reset_counters();
  w.jira.searches.clear();
  const RunReport r = w.run();
  CHECK(r.exit_code == 0);
  CHECK(r.bugzilla_requests == 2);  // time, search
  CHECK(r.jira_requests == 1);      // search
  CHECK(w.bugzilla.requests + w.jira.requests == 3);
  // Only the issues updated in the 15 minutes since the previous search, plus the 10-minute margin.
  REQUIRE(w.jira.searches.size() == 1);
  CHECK(w.jira.searches[0] == std::optional<Seconds>(Seconds{1500}));
  CHECK(w.jira.writes == 0);
  CHECK(w.bugzilla.writes == 0);
  // The store logs the run and moves the Jira search mark; nothing else.
  CHECK(w.store.writes_by ==
        std::map<std::string, int>{{"record_run", 1}, {"set_search_marks", 1}});
  CHECK(w.store.marks.jira_last_search == parse_rfc3339("2025-03-25T00:30:00Z"));
  CHECK(r.execution.lines.empty());
}

TEST_CASE("a CA reply closes exactly the issues it satisfies", "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().exit_code == 0);
  w.advance(Seconds{3600} * 34);  // 2025-03-26T10:00Z
  w.bugzilla.add_comment(101, "ca@ca.example", "We are investigating.", w.now);  // comment 2
  w.advance(Seconds{900});
  w.reset_counters();
  const RunReport r = w.run();
  CHECK(r.exit_code == 0);
  CHECK(r.execution.closed == 2);
  CHECK(r.execution.created == 1);  // the next weekly update, started by the reply
  const FakeIssue& q = w.issue("bzq-101-5002");
  CHECK(q.issue.category == StatusCategory::done);
  REQUIRE(q.comments.size() == 1);
  // 2025-03-31T15:30Z - 2025-03-26T10:00Z = 5d 5h 30m early.
  CHECK(contains(q.comments[0].body,
                 "answered by ca@ca.example in comment 2 "
                 "<https://bugzilla.example.org/show_bug.cgi?id=101#c2> at 2025-03-26T10:00:00Z: "
                 "on time (5d 5h early)"));
  CHECK(q.links.begin()->second.resolved);
  CHECK(contains(w.issue("bzu-101-5001").comments[0].body, "on time (14h early)"));
  CHECK(w.issue("bzu-102-5003").issue.category == StatusCategory::todo);
  CHECK(w.issue("bzu-102-5003").comments.empty());
  // The new update window: the reply at 03-26T10:00Z + 7 days, due 04-01.
  CHECK(w.issue("bzu-101-5005").issue.due == ymd(2025, 4, 1));
  // Bugzilla: time, search, and the comments of the bugs in one batch. More than a day after the
  // first run, this is the daily full search: every bug's comments are read whole (no new_since),
  // so a comment hidden without a change to its bug leaves the cache.
  CHECK(r.bugzilla_requests == 3);
  REQUIRE(w.bugzilla.comment_calls.size() == 2);
  CHECK(w.bugzilla.comment_calls[1].ids == std::vector<BugId>{101, 102});
  CHECK_FALSE(w.bugzilla.comment_calls[1].new_since.has_value());
}

TEST_CASE("a new question opens a new issue and leaves the others alone", "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().exit_code == 0);
  w.advance(Seconds{3600});
  w.bugzilla.add_comment(102, "ben@example.org", "When will the CRLs be fixed?", w.now);
  w.advance(Seconds{900});
  const RunReport r = w.run();
  CHECK(r.execution.created == 1);
  CHECK(r.execution.updated + r.execution.closed + r.execution.reopened == 0);
  // Asked 2025-03-25T01:00Z: deadline 04-01T01:00Z, due 03-31.
  CHECK(w.jira.issues.at(w.jira.order.back()).issue.summary ==
        "Bug 102: reply due 2025-03-31 — question from ben (comment 1)");
  CHECK(w.jira.issues.size() == 4);
}

TEST_CASE("a Next update date on the whiteboard moves the due date and says why", "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().exit_code == 0);
  w.advance(Seconds{3600});
  w.bugzilla.set_whiteboard(102, "[ca-compliance] Next update 2025-04-10", w.now);
  w.advance(Seconds{900});
  const RunReport r = w.run();
  CHECK(r.execution.updated == 1);
  const FakeIssue& u = w.issue("bzu-102-5003");
  CHECK(u.issue.due == ymd(2025, 4, 10));  // due by the end of 04-10 UTC
  CHECK(u.issue.summary == "Bug 102: update due 2025-04-10 — Next update date");
  REQUIRE(u.comments.size() == 1);
  CHECK(u.comments[0].body ==
        "Due date moved from 2025-03-28 to 2025-04-10: whiteboard Next update 2025-04-10");
}

TEST_CASE("a dismissal in Jira is respected, a manual close is reopened unless turned off",
          "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().exit_code == 0);
  const std::string q = w.issue("bzq-101-5002").issue.key;
  const std::string u = w.issue("bzu-102-5003").issue.key;
  w.jira.close_by_hand(q, "Won't Do");
  w.jira.close_by_hand(u, "Done");
  w.advance(Seconds{900});
  RunReport r = w.run();
  CHECK(r.execution.reopened == 1);
  CHECK(w.jira.at(q).issue.category == StatusCategory::done);
  CHECK(w.jira.at(u).issue.category == StatusCategory::todo);
  REQUIRE(w.jira.at(u).comments.size() == 1);
  CHECK(w.jira.at(u).comments[0].body ==
        "Reopened by bzjira: weekly update is still owed, due 2025-03-28.");

  w.mapping.jira.reopen = false;
  w.jira.close_by_hand(u, "Done");
  w.advance(Seconds{900});
  r = w.run();
  CHECK(r.execution.reopened == 0);
  CHECK(w.jira.at(u).issue.category == StatusCategory::done);
}

TEST_CASE("a resolved bug closes all its issues with that reason", "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().exit_code == 0);
  w.advance(Seconds{3600});
  SECTION("cf_last_resolved sent: no history needed") { w.bugzilla.resolve(101, "FIXED", w.now); }
  SECTION("no cf_last_resolved: the history tells when") {
    w.bugzilla.resolve(101, "FIXED", w.now);
    w.bugzilla.server.at(101).bug.last_resolved.reset();
  }
  const std::size_t history_before = w.bugzilla.history_batches.size();
  w.advance(Seconds{900});
  const RunReport r = w.run();
  CHECK(r.execution.closed == 2);
  for (const char* key : {"bzq-101-5002", "bzu-101-5001"}) {
    const FakeIssue& i = w.issue(key);
    CHECK(i.issue.category == StatusCategory::done);
    CHECK(contains(i.comments.at(0).body, "bug resolved (FIXED)"));
  }
  CHECK(w.issue("bzu-102-5003").issue.category == StatusCategory::todo);
  const bool had_last_resolved = w.bugzilla.server.at(101).bug.last_resolved.has_value();
  // One batched history read, for that bug only, when the bug does not date its resolution.
  REQUIRE(w.bugzilla.history_batches.size() - history_before == (had_last_resolved ? 0u : 1u));
  if (!had_last_resolved) {
    CHECK(w.bugzilla.history_batches.back() == std::vector<BugId>{101});
  }
  CHECK(w.bugzilla.history_calls == 0);  // never one request per bug
}

TEST_CASE("a bug that leaves the scope gets its issues closed", "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().exit_code == 0);
  w.advance(Seconds{3600});
  SECTION("its summary no longer has the CA's prefix: the next search shows it") {
    w.bugzilla.server.at(102).bug.summary = "Other CA: CRL late";
    w.bugzilla.server.at(102).bug.last_change_time = w.now;
    w.advance(Seconds{900});
  }
  SECTION("moved to another component: the daily full search notices") {
    w.bugzilla.server.at(102).bug.component = "Something Else";
    w.bugzilla.server.at(102).bug.last_change_time = w.now;
    w.advance(Seconds{900});
    REQUIRE(w.run().execution.closed == 0);  // the incremental search cannot see it
    w.advance(Seconds{86400});
  }
  const RunReport r = w.run();
  CHECK(r.execution.closed == 1);
  const FakeIssue& u = w.issue("bzu-102-5003");
  CHECK(u.issue.category == StatusCategory::done);
  CHECK(contains(u.comments.at(0).body, "bug left the scope of this mapping"));
  CHECK(w.store.bugs.count(102) == 0);
}

TEST_CASE("a cleared needinfo flag is dated from the history and closes its issue", "[core][run]") {
  RunWorld w;
  w.bugzilla.add_needinfo(102, 71, "ben@example.org", "ca@ca.example", at("2025-03-24T12:00:00Z"));
  REQUIRE(w.run().execution.created == 4);
  // 1742817600 is 2025-03-24T12:00:00Z: needinfo keys name the second of the request.
  const std::string key = w.issue("bzn-102-h1742817600").issue.key;
  CHECK(w.jira.at(key).issue.summary == "Bug 102: reply due 2025-03-30 — needinfo from ben");
  CHECK(w.bugzilla.history_batches.empty());

  w.advance(Seconds{3600});
  REQUIRE(w.bugzilla.clear_flag(102, 71).ok());
  w.advance(Seconds{900});
  const RunReport r = w.run();
  REQUIRE(w.bugzilla.history_batches.size() == 1);
  CHECK(w.bugzilla.history_batches[0] == std::vector<BugId>{102});
  CHECK(r.execution.closed == 1);
  CHECK(w.jira.at(key).issue.category == StatusCategory::done);
  // The cleared flag's window keeps its key, so its issue closes saying who cleared it, and not
  // as an obligation that vanished. ca-bot@ is not the requestee (ca@): withdrawn, not answered.
  CHECK(contains(w.jira.at(key).comments.at(0).body,
                 "needinfo withdrawn: cleared by ca-bot@ca.example"));
  CHECK_FALSE(contains(w.jira.at(key).comments.at(0).body, "no longer"));
  CHECK(w.jira.issues.size() == 4);  // and the ended window gets no issue of its own
}

TEST_CASE("one issue per bug: replies and new obligations update the bug's issue", "[core][run]") {
  RunWorld w;
  w.mapping.policy.one_issue_per = OneIssuePer::bug;
  REQUIRE(w.run().exit_code == 0);
  CHECK(w.summaries() == std::vector<std::string>{
                             "Bug 101: update due 2025-03-26 — weekly update",
                             "Bug 102: update due 2025-03-28 — weekly update",
                         });
  const FakeIssue& b = w.issue("bzb-101");
  CHECK(std::count(b.issue.labels.begin(), b.issue.labels.end(), "bzq-101-5002") == 1);
  CHECK(std::count(b.issue.labels.begin(), b.issue.labels.end(), "bzu-101-5001") == 1);

  // The CA replies 03-26T10:00Z: both windows met, a new update window (due 04-01) opens.
  w.advance(Seconds{3600} * 34);
  w.bugzilla.add_comment(101, "ca@ca.example", "We are investigating.", w.now);
  w.advance(Seconds{900});
  RunReport r = w.run();
  CHECK(r.execution.commented == 1);
  CHECK(r.execution.updated == 1);
  const FakeIssue& after = w.issue("bzb-101");
  CHECK(after.issue.due == ymd(2025, 4, 1));
  CHECK(std::count(after.issue.labels.begin(), after.issue.labels.end(), "bzu-101-5005") == 1);
  REQUIRE(after.comments.size() == 2);
  CHECK(contains(after.comments[0].body, "Due date moved from 2025-03-26 to 2025-04-01"));
  CHECK(after.comments[1].body == "New: weekly update, due 2025-04-01");

  w.advance(Seconds{900});
  w.reset_counters();
  r = w.run();
  CHECK(w.jira.writes == 0);

  w.bugzilla.resolve(101, "FIXED", w.now);
  w.advance(Seconds{900});
  r = w.run();
  CHECK(r.execution.closed == 1);
  CHECK(w.issue("bzb-101").issue.category == StatusCategory::done);
  CHECK(w.jira.issues.size() == 2);
}

}  // namespace
}  // namespace bzjira::sync
