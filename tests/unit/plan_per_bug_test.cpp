// make_plan with one_issue_per = bug: one issue per bug covering all its open obligations.
#include <catch2/catch.hpp>

#include "sync/plan.h"
#include "tests/support/text.h"
#include "tests/unit/core_test_util.h"
#include "tests/unit/fakes.h"

namespace bzjira::sync {
namespace {

using testing::at;

Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

using bzjira::test_support::contains;

struct PerBug {
  Mapping mapping = [] {
    Mapping m = testing::test_mapping();
    m.policy.one_issue_per = OneIssuePer::bug;
    return m;
  }();
  UtcZone utc;
  // q1: jeremy, comment 1, 03-24T15:30Z -> deadline 03-31T15:30Z, due 03-30.
  // q2: ben, comment 2, 03-25T10:00Z -> deadline 04-01T10:00Z, due 03-31.
  Obligation q1 =
      testing::open_question(7, 11, 1, "jeremy@example.org", at("2025-03-24T15:30:00Z"));
  Obligation q2 = testing::open_question(7, 12, 2, "ben@example.org", at("2025-03-25T10:00:00Z"));

  Plan plan(const std::vector<Obligation>& windows, const std::vector<MirroredIssue>& issues,
            const char* now = "2025-03-26T00:00:00Z") {
    PlanContext ctx;
    ctx.mapping = &mapping;
    ctx.zone = &utc;
    ctx.now = at(now);
    return make_plan({BugObligations{7, "Example CA: bug seven", false, "", windows}}, issues, ctx);
  }

  MirroredIssue issue(std::vector<std::string> covered, Date due,
                      StatusCategory category = StatusCategory::todo,
                      const std::string& resolution = "") {
    MirroredIssue i = testing::mirrored_issue("CAINC-3", 7, "bzb-7", due, category, resolution);
    i.labels.insert(i.labels.end(), covered.begin(), covered.end());
    return i;
  }
};

TEST_CASE("per bug: one issue covers the bug's open obligations, due at the earliest",
          "[core][plan]") {
  PerBug f;
  const Plan plan = f.plan({f.q2, f.q1}, {});
  REQUIRE(plan.actions.size() == 1);
  const Action& a = plan.actions[0];
  CHECK(a.type == ActionType::create_issue);
  CHECK(a.obligation_key == "bzb-7");
  CHECK(a.draft.due == ymd(2025, 3, 30));
  CHECK(a.draft.summary == "Bug 7: reply due 2025-03-30 — question from jeremy (comment 1)");
  CHECK(a.draft.labels ==
        std::vector<std::string>{"bzjira", "bz-7", "bzb-7", "bzq-7-11", "bzq-7-12"});
  CHECK(a.link.global_id == "system=https://bugzilla.example.org&id=7&key=bzb-7");
  CHECK(a.link.title == "Bug 7");
  const std::string d = to_plain_text(a.draft.description);
  CHECK(contains(d, "2 obligations are open"));
  CHECK(contains(d, "Question from jeremy@example.org"));
  CHECK(contains(d, "Question from ben@example.org"));
}

TEST_CASE("per bug: a later question is announced once as a comment and added to the labels",
          "[core][plan]") {
  PerBug f;
  const Plan plan = f.plan({f.q1, f.q2}, {f.issue({"bzq-7-11"}, ymd(2025, 3, 30))});
  REQUIRE(plan.actions.size() == 1);
  const Action& a = plan.actions[0];
  CHECK(a.type == ActionType::add_comment);
  CHECK(a.issue_key == "CAINC-3");
  CHECK(to_plain_text(a.comment) == "New: question from ben in comment 2, due 2025-03-31");
  REQUIRE(a.update.labels.has_value());
  CHECK(*a.update.labels ==
        std::vector<std::string>{"bzjira", "bz-7", "bzb-7", "bzq-7-11", "bzq-7-12"});
  // Once the labels list it, nothing more is said.
  CHECK(
      f.plan({f.q1, f.q2}, {f.issue({"bzq-7-11", "bzq-7-12"}, ymd(2025, 3, 30))}).actions.empty());
}

TEST_CASE("per bug: when the earliest obligation is met the due date moves to the next",
          "[core][plan]") {
  PerBug f;
  const Obligation met =
      testing::answered(f.q1, "ca@ca.example", 13, 3, at("2025-03-26T10:00:00Z"));
  const Plan plan = f.plan({met, f.q2}, {f.issue({"bzq-7-11", "bzq-7-12"}, ymd(2025, 3, 30))},
                           "2025-03-27T00:00:00Z");
  REQUIRE(plan.actions.size() == 1);
  const Action& a = plan.actions[0];
  CHECK(a.type == ActionType::update_issue);
  REQUIRE(a.update.due.has_value());
  CHECK(*a.update.due == ymd(2025, 3, 31));
  CHECK(*a.update.summary == "Bug 7: reply due 2025-03-31 — question from ben (comment 2)");
  CHECK(contains(to_plain_text(a.comment),
                 "Due date moved from 2025-03-30 to 2025-03-31: the earliest open obligation is "
                 "now question from ben (comment 2)"));
}

TEST_CASE("per bug: the issue closes when nothing is owed, listing how each obligation ended",
          "[core][plan]") {
  PerBug f;
  const Obligation m1 = testing::answered(f.q1, "ca@ca.example", 13, 3, at("2025-03-26T10:00:00Z"));
  const Obligation m2 = testing::answered(f.q2, "ca@ca.example", 13, 3, at("2025-03-26T10:00:00Z"));
  const Plan plan = f.plan({m1, m2}, {f.issue({"bzq-7-11", "bzq-7-12"}, ymd(2025, 3, 30))},
                           "2025-03-27T00:00:00Z");
  REQUIRE(plan.actions.size() == 1);
  const Action& a = plan.actions[0];
  CHECK(a.type == ActionType::close_issue);
  const std::string c = to_plain_text(a.comment);
  CHECK(contains(c, "question from jeremy (comment 1): answered by ca@ca.example"));
  CHECK(contains(c, "question from ben (comment 2): answered by ca@ca.example"));
  CHECK(a.link.resolved);
}

TEST_CASE("per bug: a closed issue is reopened for what is owed, a dismissed one is not",
          "[core][plan]") {
  PerBug f;
  SECTION("closed by hand: reopened, labels extended for a new obligation") {
    const Plan plan = f.plan(
        {f.q1, f.q2}, {f.issue({"bzq-7-11"}, ymd(2025, 3, 30), StatusCategory::done, "Done")});
    REQUIRE(plan.actions.size() == 1);
    const Action& a = plan.actions[0];
    CHECK(a.type == ActionType::reopen_issue);
    REQUIRE(a.update.labels.has_value());
    CHECK(std::count(a.update.labels->begin(), a.update.labels->end(), "bzq-7-12") == 1);
    CHECK(contains(to_plain_text(a.comment), "question from jeremy (comment 1) and 1 more"));
  }
  SECTION("dismissed: stays closed; only an obligation it never covered gets a new issue") {
    const std::vector<MirroredIssue> issues{
        f.issue({"bzq-7-11"}, ymd(2025, 3, 30), StatusCategory::done, "Won't Do")};
    CHECK(f.plan({f.q1}, issues).actions.empty());
    const Plan plan = f.plan({f.q1, f.q2}, issues);
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].type == ActionType::create_issue);
    CHECK(plan.actions[0].draft.labels ==
          std::vector<std::string>{"bzjira", "bz-7", "bzb-7", "bzq-7-12"});
    CHECK(plan.actions[0].draft.due == ymd(2025, 3, 31));
  }
}

TEST_CASE("switching to per bug closes the per-obligation issues with that reason",
          "[core][plan]") {
  PerBug f;
  const Plan plan =
      f.plan({f.q1}, {testing::mirrored_issue("CAINC-2", 7, "bzq-7-11", ymd(2025, 3, 30))});
  REQUIRE(plan.actions.size() == 2);
  CHECK(plan.actions[0].type == ActionType::create_issue);
  CHECK(plan.actions[1].type == ActionType::close_issue);
  CHECK(contains(to_plain_text(plan.actions[1].comment), "one issue per bug"));
}

}  // namespace
}  // namespace bzjira::sync
