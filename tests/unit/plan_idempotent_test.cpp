// The plan's central promise: apply it (through the executor and a fake Jira), plan again over the
// result, and nothing is left to do. Checked for every kind of action in both one_issue_per modes.
#include <catch2/catch.hpp>

#include <set>

#include "sync/executor.h"
#include "sync/plan.h"
#include "tests/unit/core_test_util.h"
#include "tests/unit/fakes.h"

namespace bzjira::sync {
namespace {

using testing::at;

struct World {
  Mapping mapping = testing::test_mapping();
  testing::ShanghaiZone zone;
  testing::FakeIssueTracker jira;
  testing::FakeBugSource bugzilla;
  testing::FakeStateStore store;
  Instant now = at("2025-03-26T00:00:00Z");

  Plan plan(const std::vector<BugObligations>& bugs) {
    PlanContext ctx;
    ctx.mapping = &mapping;
    ctx.zone = &zone;
    ctx.now = now;
    ctx.known = store.mirror_map;
    auto issues = jira.find_mirrored();
    REQUIRE(issues.ok());
    return make_plan(bugs, *issues, ctx);
  }

  // Applies one plan, checks it did what it meant without failures, then plans again: empty.
  std::set<ActionType> apply_then_replan(const std::vector<BugObligations>& bugs) {
    const Plan first = plan(bugs);
    const ExecutionReport report =
        execute(first, jira, bugzilla, store, mapping, "run", now, false);
    INFO(describe(first));
    CHECK(report.failed == 0);
    std::set<ActionType> kinds;
    for (const Action& a : first.actions) {
      kinds.insert(a.type);
    }
    const Plan second = plan(bugs);
    INFO("second plan:\n" << describe(second));
    CHECK(second.actions.empty());
    return kinds;
  }
};

BugObligations bug(BugId id, std::vector<Obligation> windows, bool resolved = false) {
  return BugObligations{id, "Example CA: bug " + std::to_string(id), resolved,
                        resolved ? "FIXED" : "", std::move(windows)};
}

TEST_CASE("a second plan over the applied first one has no action, one issue per obligation",
          "[core][plan]") {
  World w;
  w.mapping.jira.deadline_field = "customfield_10050";
  const Obligation q1 =
      testing::open_question(1, 11, 1, "jeremy@example.org", at("2025-03-24T15:30:00Z"));
  const Obligation q2 =
      testing::open_question(2, 21, 1, "ben@example.org", at("2025-03-25T08:00:00Z"));
  const Obligation q3 =
      testing::open_question(3, 31, 1, "kathleen@example.org", at("2025-03-25T09:00:00Z"));
  Obligation u1 =
      testing::open_update(1, 12, 2, at("2025-03-25T00:00:00Z"), at("2025-04-01T00:00:00Z"), false);
  std::set<ActionType> seen;

  auto merge = [&](const std::set<ActionType>& kinds) { seen.insert(kinds.begin(), kinds.end()); };
  merge(w.apply_then_replan({bug(1, {q1, u1}), bug(2, {q2}), bug(3, {q3})}));
  REQUIRE(w.jira.issues.size() == 4);

  // Next update set: u1's due moves; q2 answered; bug 3 leaves the scope.
  const Obligation u1_moved =
      testing::open_update(1, 12, 2, at("2025-03-25T00:00:00Z"), at("2025-04-11T00:00:00Z"), true);
  const Obligation q2_met =
      testing::answered(q2, "ca@ca.example", 22, 2, at("2025-03-25T20:00:00Z"));
  merge(w.apply_then_replan({bug(1, {q1, u1_moved}), bug(2, {q2_met})}));

  // Someone closes q1's issue by hand: reopened. Bug 2 is resolved: nothing more (already closed).
  const std::string q1_key = w.jira.find_by_label("bzq-1-11")->issue.key;
  w.jira.close_by_hand(q1_key, "Done");
  merge(w.apply_then_replan(
      {bug(1, {q1, u1_moved}),
       bug(2,
           {q2_met, testing::ended(testing::open_question(2, 23, 3, "ben@example.org",
                                                          at("2025-03-25T21:00:00Z")),
                                   at("2025-03-25T22:00:00Z"), "bug resolved (FIXED)")},
           true)}));

  CHECK(seen == std::set<ActionType>{ActionType::create_issue, ActionType::update_issue,
                                     ActionType::close_issue, ActionType::reopen_issue});
  CHECK(w.jira.count_with_label("bzq-1-11") == 1);
}

TEST_CASE("a second plan over the applied first one has no action, one issue per bug",
          "[core][plan]") {
  World w;
  w.mapping.policy.one_issue_per = OneIssuePer::bug;
  const Obligation q1 =
      testing::open_question(1, 11, 1, "jeremy@example.org", at("2025-03-24T15:30:00Z"));
  const Obligation q2 =
      testing::open_question(1, 13, 3, "ben@example.org", at("2025-03-25T08:00:00Z"));
  const Obligation q3 =
      testing::open_question(3, 31, 1, "kathleen@example.org", at("2025-03-25T09:00:00Z"));
  std::set<ActionType> seen;
  auto merge = [&](const std::set<ActionType>& kinds) { seen.insert(kinds.begin(), kinds.end()); };

  merge(w.apply_then_replan({bug(1, {q1}), bug(3, {q3})}));
  REQUIRE(w.jira.issues.size() == 2);
  // A new question on bug 1: announced and labelled; then q1 answered: the due date moves.
  merge(w.apply_then_replan({bug(1, {q1, q2}), bug(3, {q3})}));
  const Obligation q1_met =
      testing::answered(q1, "ca@ca.example", 14, 4, at("2025-03-25T10:00:00Z"));
  merge(w.apply_then_replan({bug(1, {q1_met, q2}), bug(3, {q3})}));
  // Bug 1's issue closed by hand while q2 is owed: reopened. Bug 3 leaves the scope: closed.
  w.jira.close_by_hand(w.jira.find_by_label("bzb-1")->issue.key, "Done");
  merge(w.apply_then_replan({bug(1, {q1_met, q2})}));
  // Everything answered: closed.
  const Obligation q2_met =
      testing::answered(q2, "ca@ca.example", 15, 5, at("2025-03-25T11:00:00Z"));
  merge(w.apply_then_replan({bug(1, {q1_met, q2_met})}));

  CHECK(seen == std::set<ActionType>{ActionType::create_issue, ActionType::add_comment,
                                     ActionType::update_issue, ActionType::reopen_issue,
                                     ActionType::close_issue});
  CHECK(w.jira.count_with_label("bzb-1") == 1);
  CHECK(w.jira.open_keys().empty());
  // The new question was announced exactly once.
  int announcements = 0;
  for (const IssueComment& c : w.jira.find_by_label("bzb-1")->comments) {
    announcements += c.body.rfind("New: question from ben in comment 3", 0) == 0 ? 1 : 0;
  }
  CHECK(announcements == 1);
}

}  // namespace
}  // namespace bzjira::sync
