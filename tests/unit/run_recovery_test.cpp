// run_sync when things go wrong: search lag, a crash mid-run, a lost state store, unreachable
// systems, failed actions, replies from Jira, and dry-run.
#include <catch2/catch.hpp>

#include "sync/trail.h"
#include "tests/support/text.h"
#include "tests/unit/run_world.h"

namespace bzjira::sync {
namespace {

using testing::at;
using testing::FakeIssue;
using testing::RunWorld;

using bzjira::test_support::contains;

void require_one_issue_each(RunWorld& w) {
  for (const char* key : {"bzq-101-5002", "bzu-101-5001", "bzu-102-5003"}) {
    INFO(key);
    CHECK(w.jira.count_with_label(key) == 1);
  }
  CHECK(w.jira.issues.size() == 3);
}

TEST_CASE("issues Jira's search does not show yet are not created again", "[core][run]") {
  RunWorld w;
  w.jira.search_lag = 1;
  REQUIRE(w.run().execution.created == 3);
  w.jira.search_lag = 0;
  w.advance(Seconds{60});
  SECTION("the states stored after the create stand in for the search") {
    REQUIRE(w.store.mirror_state.size() == 3);
    const RunReport r = w.run();  // the search still hides them
    CHECK(r.execution.created == 0);
    CHECK(r.exit_code == 0);
    CHECK(r.notes.empty());
  }
  SECTION("without stored states, the journal's creates wait for the search") {
    w.store.mirror_state.clear();
    const RunReport r = w.run();  // the search still hides them
    CHECK(r.execution.created == 0);
    CHECK(r.exit_code == 0);
    REQUIRE(r.notes.size() == 3);
    CHECK(contains(r.notes[0],
                   "CAINC-1 created at 2025-03-25T00:00:00Z is not in Jira's search yet"));
  }
  w.advance(Seconds{60});
  CHECK(w.run().execution.lines.empty());
  require_one_issue_each(w);
}

TEST_CASE("a run that dies between Jira's answer and the journal creates no duplicate",
          "[core][run]") {
  RunWorld w;
  w.jira.after_create = [] { throw testing::SimulatedCrash(); };
  SECTION("the search shows the issues on the next run") {}
  SECTION("and the search also lags behind") { w.jira.search_lag = 1; }
  REQUIRE_THROWS_AS(w.run(), testing::SimulatedCrash);
  w.jira.after_create = nullptr;
  REQUIRE(w.jira.issues.size() == 3);
  // The journal said "sent", the mirror map has the creates unconfirmed, the watermark did not
  // move.
  CHECK(w.store.mirror_map.size() == 3);
  CHECK(w.store.mirror_map.begin()->second.issue_key.empty());
  CHECK_FALSE(w.store.mark.has_value());

  // The run died before the remote links: none exists yet, each is marked (sync/trail.h).
  for (const auto& [key, issue] : w.jira.issues) {
    CHECK(issue.links.empty());
  }
  w.advance(Seconds{60});
  RunReport r = w.run();
  CHECK(r.execution.created == 0);
  CHECK(r.exit_code == 0);
  w.advance(Seconds{60});
  r = w.run();
  CHECK(r.execution.created == 0);
  require_one_issue_each(w);
  // Each issue got its link once the search showed it, and the marks are gone.
  for (const auto& [key, issue] : w.jira.issues) {
    INFO(key);
    CHECK(issue.links.size() == 1);
  }
  CHECK(w.store.comment_marks.empty());
  CHECK(w.store.link_marks.empty());
}

TEST_CASE("with the state store deleted the next run rebuilds it and creates nothing",
          "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().execution.created == 3);
  w.store = testing::FakeStateStore{};
  w.advance(Seconds{900});
  const RunReport r = w.run();
  CHECK(r.execution.lines.empty());
  CHECK(w.jira.writes == 1 + 3);  // the first run: one bulk create and three links; nothing since
  CHECK(w.store.bugs.size() == 2);
  REQUIRE(w.store.mirror_map.size() == 3);  // rebuilt from Jira's search
  CHECK(w.store.mirror_map["bzq-101-5002"].issue_key == w.issue("bzq-101-5002").issue.key);
  require_one_issue_each(w);
}

TEST_CASE("an unreachable Bugzilla ends the run before planning, with exit code 3", "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().exit_code == 0);
  const auto mark = w.store.mark;
  w.bugzilla.add_comment(101, "ca@ca.example", "Reply", w.now + Seconds{60});
  w.advance(Seconds{900});
  const char* method = GENERATE("server_time", "search_bugs", "comments");
  w.bugzilla.faults.fail(method, ErrorKind::transient);
  w.reset_counters();
  const RunReport r = w.run();
  CHECK(r.exit_code == 3);
  CHECK(w.jira.requests == 0);
  CHECK(w.store.mark == mark);
  CHECK(w.store.writes_by == std::map<std::string, int>{{"record_run", 1}});
  REQUIRE(r.errors.size() == 1);
  CHECK(contains(r.summary, "Bugzilla"));
  CHECK(contains(r.summary, "nothing planned"));
}

TEST_CASE("an unreachable Jira gives exit code 3 but keeps what was read from Bugzilla",
          "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().exit_code == 0);
  w.bugzilla.add_comment(101, "ca@ca.example", "Reply", w.now + Seconds{60});
  w.advance(Seconds{900});
  w.jira.faults.fail("find_mirrored", ErrorKind::transient);
  w.reset_counters();
  const RunReport r = w.run();
  CHECK(r.exit_code == 3);
  CHECK(w.jira.writes == 0);
  CHECK(w.store.mark == w.now);  // Bugzilla's data is cached: the watermark moves on
  CHECK(w.store.bugs.at(101).comments.size() == 3);
  CHECK(contains(r.summary, "Jira"));
  // The next run acts on the cached reply.
  w.advance(Seconds{900});
  CHECK(w.run().execution.closed == 2);
}

TEST_CASE("a failed Jira action gives exit code 1 and is retried by the next run", "[core][run]") {
  RunWorld w;
  REQUIRE(w.run().exit_code == 0);
  w.bugzilla.add_comment(101, "ca@ca.example", "Reply", w.now + Seconds{60});
  w.advance(Seconds{900});
  w.jira.faults.fail("transition", ErrorKind::rejected);
  RunReport r = w.run();
  CHECK(r.exit_code == 1);
  CHECK(r.execution.failed == 1);
  CHECK(r.execution.closed == 1);
  CHECK(w.store.runs.back().outcome == "partial");
  w.advance(Seconds{900});
  r = w.run();
  CHECK(r.exit_code == 0);
  CHECK(r.execution.closed == 1);
}

TEST_CASE("dry-run plans everything and writes nothing anywhere", "[core][run]") {
  RunWorld w;
  SECTION("cold") {}
  SECTION("after a change") {
    REQUIRE(w.run().exit_code == 0);
    w.bugzilla.add_comment(101, "ca@ca.example", "Reply", w.now + Seconds{60});
    w.advance(Seconds{900});
  }
  w.reset_counters();
  const auto mark = w.store.mark;
  const std::size_t issues = w.jira.issues.size();
  const RunReport r = w.run(true);
  CHECK(r.exit_code == 0);
  CHECK(w.jira.writes == 0);
  CHECK(w.bugzilla.writes == 0);
  CHECK(w.store.writes == 0);
  CHECK(w.store.mark == mark);
  CHECK(w.jira.issues.size() == issues);
  CHECK_FALSE(r.execution.lines.empty());
  CHECK(contains(r.summary, "dry run"));
}

TEST_CASE("a reply written in Jira is posted once, even when the run dies after Bugzilla took it",
          "[core][run]") {
  RunWorld w;
  w.mapping.replies.enabled = true;
  REQUIRE(w.run().exit_code == 0);
  const std::string q = w.issue("bzq-101-5002").issue.key;
  w.advance(Seconds{600});
  w.jira.add_human_comment(q, "#bugzilla The responder ran out of memory; details by Friday.",
                           w.now);
  w.advance(Seconds{300});
  w.bugzilla.after_post = [] { throw testing::SimulatedCrash(); };
  REQUIRE_THROWS_AS(w.run(), testing::SimulatedCrash);
  REQUIRE(w.bugzilla.posted.size() == 1);
  w.bugzilla.after_post = nullptr;

  // Next run: the posted comment (by ca-bot, a CA account) is read back and closes the question;
  // the reply is recognised on Bugzilla instead of being posted again.
  w.advance(Seconds{900});
  const RunReport r = w.run();
  CHECK(r.exit_code == 0);
  CHECK(w.bugzilla.posted.size() == 1);
  CHECK(w.jira.at(q).issue.category == StatusCategory::done);
  int notes = 0;
  for (const IssueComment& c : w.jira.at(q).comments) {
    notes += c.body.rfind("Posted to Bugzilla as comment 2", 0) == 0 ? 1 : 0;
  }
  CHECK(notes == 1);
  CHECK(std::any_of(w.jira.at(q).comments.begin(), w.jira.at(q).comments.end(),
                    [](const IssueComment& c) {
                      return c.body.find("answered by ca-bot@ca.example") != std::string::npos;
                    }));

  w.advance(Seconds{900});
  w.reset_counters();
  w.run();
  CHECK(w.bugzilla.writes == 0);
  CHECK(w.jira.writes == 0);
}

}  // namespace
}  // namespace bzjira::sync
