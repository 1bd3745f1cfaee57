// The executor: journaling before acting, bulk creates, failures that do not stop the rest,
// dry-run.
#include <catch2/catch.hpp>

#include "sync/executor.h"
#include "sync/plan.h"
#include "tests/unit/core_test_util.h"
#include "tests/unit/fakes.h"

namespace bzjira::sync {
namespace {

using testing::at;

struct Setup {
  Mapping mapping = testing::test_mapping();
  UtcZone utc;
  testing::FakeIssueTracker jira;
  testing::FakeBugSource bugzilla;
  testing::FakeStateStore store;
  Instant now = at("2025-03-26T00:00:00Z");

  Plan plan(const std::vector<BugObligations>& bugs) {
    PlanContext ctx;
    ctx.mapping = &mapping;
    ctx.zone = &utc;
    ctx.now = now;
    ctx.known = store.mirror_map;
    auto issues = jira.find_mirrored();
    REQUIRE(issues.ok());
    return make_plan(bugs, *issues, ctx);
  }

  ExecutionReport run(const Plan& p, bool dry_run = false) {
    return execute(p, jira, bugzilla, store, mapping, "run-1", now, dry_run);
  }
};

std::vector<BugObligations> questions(int n) {
  std::vector<BugObligations> bugs;
  for (int i = 1; i <= n; ++i) {
    bugs.push_back(
        {i,
         "Example CA: bug",
         false,
         "",
         {testing::open_question(i, 100 + i, 1, "q@example.org", at("2025-03-25T00:00:00Z"))}});
  }
  return bugs;
}

TEST_CASE("a create is journaled and remembered unconfirmed before Jira is asked",
          "[core][executor]") {
  Setup s;
  const Plan p = s.plan(questions(1));
  bool checked = false;
  s.jira.after_create = [&] {
    // Jira has answered, the executor has not recorded the answer yet.
    REQUIRE(s.store.mirror_map.count("bzq-1-101") == 1);
    CHECK(s.store.mirror_map["bzq-1-101"].issue_key.empty());
    CHECK(s.store.mirror_map["bzq-1-101"].created_at == s.now);
    REQUIRE(s.store.entries.size() == 1);
    CHECK(s.store.entries[0].state == JournalState::sent);
    CHECK(s.store.entries[0].action == "create_issue");
    checked = true;
  };
  const ExecutionReport r = s.run(p);
  CHECK(checked);
  CHECK(r.created == 1);
  CHECK(r.failed == 0);
  CHECK(s.store.mirror_map["bzq-1-101"].issue_key == "CAINC-1");
  CHECK(s.store.mirror_map["bzq-1-101"].issue_id == "10001");
  CHECK(s.store.entries[0].state == JournalState::done);
  CHECK(s.store.entries[0].detail == "CAINC-1");
  CHECK(s.store.entries[0].run_id == "run-1");
  CHECK_FALSE(s.store.entries[0].reason.empty());
  // The remote link follows the create.
  REQUIRE(s.jira.at("CAINC-1").links.size() == 1);
  CHECK(s.jira.at("CAINC-1").links.begin()->second.global_id ==
        "system=https://bugzilla.example.org&id=1&key=bzq-1-101");
  REQUIRE(r.lines.size() == 1);
  CHECK(r.lines[0].find("created CAINC-1") == 0);
}

TEST_CASE("creates go to Jira in one bulk call", "[core][executor]") {
  Setup s;
  const ExecutionReport r = s.run(s.plan(questions(60)));
  CHECK(r.created == 60);
  CHECK(s.jira.create_calls == 1);
  CHECK(s.jira.issues.size() == 60);
}

TEST_CASE("a refused create forgets its entry, an unknown outcome keeps it unconfirmed",
          "[core][executor]") {
  Setup s;
  s.jira.reject_draft = [](const IssueDraft& d) -> std::optional<Error> {
    if (d.summary.rfind("Bug 2:", 0) == 0) {
      return make_error(ErrorKind::rejected, "summary: invalid", 400);
    }
    return std::nullopt;
  };
  const ExecutionReport r = s.run(s.plan(questions(3)));
  CHECK(r.created == 2);
  CHECK(r.failed == 1);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].kind == ErrorKind::rejected);
  CHECK(r.errors[0].message.find("bug 2") != std::string::npos);
  CHECK(s.store.mirror_map.count("bzq-2-102") == 0);
  CHECK(s.store.entries[1].state == JournalState::failed);

  Setup t;
  t.jira.faults.fail("create_issues", ErrorKind::transient);
  const ExecutionReport r2 = t.run(t.plan(questions(2)));
  CHECK(r2.created == 0);
  CHECK(r2.failed == 2);
  REQUIRE(t.store.mirror_map.count("bzq-1-101") == 1);
  CHECK(t.store.mirror_map["bzq-1-101"].issue_key.empty());
}

TEST_CASE("a create whose mirror entry cannot be stored is not sent", "[core][executor]") {
  Setup s;
  s.store.faults.fail("put_mirror");
  const ExecutionReport r = s.run(s.plan(questions(2)));
  CHECK(r.failed == 1);
  CHECK(r.created == 1);
  CHECK(s.jira.issues.size() == 1);
  CHECK(s.jira.count_with_label("bzq-1-101") == 0);
}

TEST_CASE("a failed action is counted and reported, and the others still run", "[core][executor]") {
  Setup s;
  s.jira.clock = s.now;  // Jira stamps comments with its own clock
  s.run(s.plan(questions(2)));
  REQUIRE(s.jira.issues.size() == 2);
  // Both questions answered: two closes; the first transition fails.
  std::vector<BugObligations> bugs = questions(2);
  for (BugObligations& b : bugs) {
    b.windows[0] =
        testing::answered(b.windows[0], "ca@ca.example", 900, 2, at("2025-03-27T00:00:00Z"));
  }
  s.jira.faults.fail("transition", ErrorKind::rejected);
  const std::size_t journal_before = s.store.entries.size();
  const ExecutionReport r = s.run(s.plan(bugs));
  CHECK(r.closed == 1);
  CHECK(r.failed == 1);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message.find("CAINC-1") != std::string::npos);
  CHECK(s.jira.at("CAINC-1").issue.category == StatusCategory::todo);
  // The transition comes last (sync/executor.h): the close comment is there, the issue still open.
  CHECK(s.jira.at("CAINC-1").comments.size() == 1);
  CHECK(s.jira.at("CAINC-2").issue.category == StatusCategory::done);
  CHECK(s.jira.at("CAINC-2").issue.resolution == "Done");
  REQUIRE(s.store.entries.size() == journal_before + 2);
  CHECK(s.store.entries[journal_before].state == JournalState::failed);
  CHECK(s.store.entries[journal_before + 1].state == JournalState::done);
  // The close comment and the resolved link.
  REQUIRE(s.jira.at("CAINC-2").comments.size() == 1);
  CHECK(s.jira.at("CAINC-2").comments[0].body.find("answered by ca@ca.example") !=
        std::string::npos);
  CHECK(s.jira.at("CAINC-2").links.begin()->second.resolved);
  // The next run retries the close: its comment is found (one comments request), not repeated.
  const Plan retry = s.plan(bugs);
  const int requests = s.jira.requests;
  const ExecutionReport again = s.run(retry);
  CHECK(again.closed == 1);
  CHECK(again.failed == 0);
  CHECK(s.jira.at("CAINC-1").issue.category == StatusCategory::done);
  CHECK(s.jira.at("CAINC-1").comments.size() == 1);
  CHECK(s.jira.requests == requests + 3);  // comments read, link, transition
}

TEST_CASE("dry-run calls nothing and returns the plan's lines", "[core][executor]") {
  Setup s;
  const Plan p = s.plan(questions(2));
  const int requests = s.jira.requests;
  const ExecutionReport r = s.run(p, true);
  CHECK(s.jira.requests == requests);
  CHECK(s.jira.writes == 0);
  CHECK(s.store.writes == 0);
  CHECK(s.bugzilla.requests == 0);
  CHECK(r.created == 2);  // what the run would do: two questions, two issues
  REQUIRE(r.lines.size() == 2);
  CHECK(r.lines[0].find("create_issue (new) bug 1 [bzq-1-101]") == 0);
}

}  // namespace
}  // namespace bzjira::sync
