// make_plan for obligations that already have issues: closing, reopening, moving due dates,
// dismissals, duplicates and issues whose obligation is gone.
#include <catch2/catch.hpp>

#include "sync/plan.h"
#include "tests/support/text.h"
#include "tests/unit/core_test_util.h"
#include "tests/unit/fakes.h"

namespace bzjira::sync {
namespace {

using testing::at;
using testing::mirrored_issue;

Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

using bzjira::test_support::contains;

struct Fixture {
  Mapping mapping = testing::test_mapping();
  UtcZone utc;
  Instant now = at("2025-04-05T00:00:00Z");

  Plan plan(const std::vector<BugObligations>& bugs, const std::vector<MirroredIssue>& issues) {
    PlanContext ctx;
    ctx.mapping = &mapping;
    ctx.zone = &utc;
    ctx.now = now;
    return make_plan(bugs, issues, ctx);
  }
};

// Question on bug 7 by jeremy in comment 1 at 2025-03-24T15:30Z: deadline 03-31T15:30Z, due 03-30.
Obligation question() {
  return testing::open_question(7, 11, 1, "jeremy@example.org", at("2025-03-24T15:30:00Z"));
}

BugObligations bug7(std::vector<Obligation> windows) {
  return BugObligations{7, "Example CA: bug seven", false, "", std::move(windows)};
}

TEST_CASE("an answered question closes its issue saying who answered, when, and how early",
          "[core][plan]") {
  Fixture f;
  const Obligation met =
      testing::answered(question(), "ca@ca.example", 13, 3, at("2025-03-26T10:00:00Z"));
  const Plan plan =
      f.plan({bug7({met})}, {mirrored_issue("CAINC-4", 7, "bzq-7-11", ymd(2025, 3, 30))});
  REQUIRE(plan.actions.size() == 1);
  const Action& a = plan.actions[0];
  CHECK(a.type == ActionType::close_issue);
  CHECK(a.issue_key == "CAINC-4");
  REQUIRE(a.resolution.has_value());
  CHECK(*a.resolution == "Done");
  // Deadline 03-31T15:30Z minus the answer at 03-26T10:00Z: 5 days 5 hours 30 minutes early.
  CHECK(contains(to_plain_text(a.comment),
                 "answered by ca@ca.example in comment 3 "
                 "<https://bugzilla.example.org/show_bug.cgi?id=7#c3> at 2025-03-26T10:00:00Z: "
                 "on time (5d 5h early)"));
  CHECK(a.link.resolved);
  CHECK(a.link.global_id == "system=https://bugzilla.example.org&id=7&key=bzq-7-11");
}

TEST_CASE("a late answer closes the issue saying how late", "[core][plan]") {
  Fixture f;
  const Obligation late =
      testing::answered(question(), "ca@ca.example", 13, 3, at("2025-04-02T18:30:00Z"));
  const Plan plan =
      f.plan({bug7({late})}, {mirrored_issue("CAINC-4", 7, "bzq-7-11", ymd(2025, 3, 30))});
  REQUIRE(plan.actions.size() == 1);
  CHECK(contains(to_plain_text(plan.actions[0].comment), "late by 2d 3h"));
}

TEST_CASE("a resolved bug closes every open issue with the reason, and leaves done ones alone",
          "[core][plan]") {
  Fixture f;
  const Obligation q =
      testing::ended(question(), at("2025-03-27T00:00:00Z"), "bug resolved (FIXED)");
  Obligation u =
      testing::open_update(7, 12, 2, at("2025-03-25T00:00:00Z"), at("2025-04-01T00:00:00Z"), false);
  u = testing::ended(u, at("2025-03-27T00:00:00Z"), "bug resolved (FIXED)");
  const Plan plan = f.plan(
      {BugObligations{7, "Example CA: bug seven", true, "FIXED", {q, u}}},
      {mirrored_issue("CAINC-4", 7, "bzq-7-11", ymd(2025, 3, 30)),
       mirrored_issue("CAINC-5", 7, "bzu-7-12", ymd(2025, 3, 31), StatusCategory::done, "Done")});
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].issue_key == "CAINC-4");
  CHECK(contains(to_plain_text(plan.actions[0].comment), "bug resolved (FIXED)"));
  CHECK(contains(plan.actions[0].reason, "bug resolved (FIXED)"));
}

TEST_CASE("an issue dismissed in Jira stays closed while the obligation is owed", "[core][plan]") {
  Fixture f;
  f.now = at("2025-03-26T00:00:00Z");
  const std::string resolution = GENERATE(as<std::string>{}, "Won't Do", "won't do", "DUPLICATE");
  const Plan plan =
      f.plan({bug7({question()})}, {mirrored_issue("CAINC-4", 7, "bzq-7-11", ymd(2025, 3, 30),
                                                   StatusCategory::done, resolution)});
  CHECK(plan.actions.empty());
  REQUIRE(plan.notes.size() == 1);
  CHECK(contains(plan.notes[0], "CAINC-4"));
}

TEST_CASE("an issue closed by hand while still owed is reopened, unless the mapping says no",
          "[core][plan]") {
  Fixture f;
  f.now = at("2025-03-26T00:00:00Z");
  const std::vector<MirroredIssue> issues{
      mirrored_issue("CAINC-4", 7, "bzq-7-11", ymd(2025, 3, 30), StatusCategory::done, "Done")};
  SECTION("reopen on (the default)") {
    const Plan plan = f.plan({bug7({question()})}, issues);
    REQUIRE(plan.actions.size() == 1);
    const Action& a = plan.actions[0];
    CHECK(a.type == ActionType::reopen_issue);
    CHECK(a.issue_key == "CAINC-4");
    CHECK(to_plain_text(a.comment) ==
          "Reopened by bzjira: question from jeremy (comment 1) is still owed, due 2025-03-30.");
    CHECK_FALSE(a.update.due.has_value());  // the due date was right already
  }
  SECTION("reopen off") {
    f.mapping.jira.reopen = false;
    const Plan plan = f.plan({bug7({question()})}, issues);
    CHECK(plan.actions.empty());
    CHECK(plan.notes.size() == 1);
  }
}

TEST_CASE("a Next update date set on the whiteboard moves the due date with a comment",
          "[core][plan]") {
  Fixture f;
  f.now = at("2026-11-21T00:00:00Z");
  // Weekly: the CA commented 2026-11-20T09:00Z, deadline 11-27T09:00Z, due 11-26 (in the issue).
  // Now the whiteboard says Next update 2026-12-04: deadline the end of that day, due 12-04.
  const Obligation moved =
      testing::open_update(7, 40, 3, at("2026-11-20T09:00:00Z"), at("2026-12-05T00:00:00Z"), true);
  const Plan plan =
      f.plan({bug7({moved})}, {mirrored_issue("CAINC-4", 7, "bzu-7-40", ymd(2026, 11, 26))});
  REQUIRE(plan.actions.size() == 1);
  const Action& a = plan.actions[0];
  CHECK(a.type == ActionType::update_issue);
  REQUIRE(a.update.due.has_value());
  CHECK(*a.update.due == ymd(2026, 12, 4));
  REQUIRE(a.update.summary.has_value());
  CHECK(*a.update.summary == "Bug 7: update due 2026-12-04 — Next update date");
  CHECK(a.update.description.has_value());
  CHECK_FALSE(a.update.deadline.has_value());  // no deadline field configured
  CHECK(to_plain_text(a.comment) ==
        "Due date moved from 2026-11-26 to 2026-12-04: whiteboard Next update 2026-12-04");
}

TEST_CASE("with a deadline field, a deadline that moves within the same day updates only that",
          "[core][plan]") {
  Fixture f;
  f.mapping.jira.deadline_field = "customfield_10050";
  f.now = at("2026-11-21T00:00:00Z");
  const Obligation w =
      testing::open_update(7, 40, 3, at("2026-11-20T10:00:00Z"), at("2026-11-27T10:00:00Z"), false);
  MirroredIssue issue = mirrored_issue("CAINC-4", 7, "bzu-7-40", ymd(2026, 11, 26));
  issue.deadline = at("2026-11-27T09:00:00Z");
  const Plan plan = f.plan({bug7({w})}, {issue});
  REQUIRE(plan.actions.size() == 1);
  const Action& a = plan.actions[0];
  CHECK_FALSE(a.update.due.has_value());
  REQUIRE(a.update.deadline.has_value());
  CHECK(*a.update.deadline == at("2026-11-27T10:00:00Z"));
  CHECK(contains(to_plain_text(a.comment),
                 "Deadline moved from 2026-11-27T09:00:00Z to 2026-11-27T10:00:00Z"));

  issue.deadline = at("2026-11-27T10:00:00Z");
  CHECK(f.plan({bug7({w})}, {issue}).actions.empty());
  // Jira may store the field to the minute: seconds cut off are not a move.
  const Obligation seconds =
      testing::open_update(7, 40, 3, at("2026-11-20T10:00:27Z"), at("2026-11-27T10:00:27Z"), false);
  CHECK(f.plan({bug7({seconds})}, {issue}).actions.empty());
}

TEST_CASE("issues whose obligation is gone are closed with the reason", "[core][plan]") {
  Fixture f;
  f.now = at("2025-03-26T00:00:00Z");
  const std::vector<MirroredIssue> issues{
      mirrored_issue("CAINC-4", 7, "bzq-7-99", ymd(2025, 3, 30)),  // comment 99 hidden
      mirrored_issue("CAINC-5", 8, "bzq-8-10", ymd(2025, 3, 30)),  // bug 8 out of scope
      mirrored_issue("CAINC-6", 8, "bzq-8-11", ymd(2025, 3, 30), StatusCategory::done, "Done")};
  const Plan plan = f.plan({bug7({question()})}, issues);
  std::map<std::string, const Action*> by_issue;
  for (const Action& a : plan.actions) {
    by_issue[a.issue_key] = &a;
  }
  REQUIRE(by_issue.count("CAINC-4") == 1);
  REQUIRE(by_issue.count("CAINC-5") == 1);
  CHECK(by_issue.count("CAINC-6") == 0);  // done already
  CHECK(by_issue["CAINC-4"]->type == ActionType::close_issue);
  CHECK(contains(to_plain_text(by_issue["CAINC-4"]->comment),
                 "the obligation no longer exists (comment deleted or hidden)"));
  CHECK(
      contains(to_plain_text(by_issue["CAINC-5"]->comment), "bug left the scope of this mapping"));
  CHECK(by_issue["CAINC-5"]->bug_id == 8);
}

TEST_CASE("of several open issues for one obligation the lowest number is kept, none deleted",
          "[core][plan]") {
  Fixture f;
  f.now = at("2026-11-21T00:00:00Z");
  const Obligation moved =
      testing::open_update(7, 40, 3, at("2026-11-20T09:00:00Z"), at("2026-12-05T00:00:00Z"), true);
  // "CAINC-12" sorts before "CAINC-7" as text; the number decides.
  const std::vector<MirroredIssue> issues{
      mirrored_issue("CAINC-12", 7, "bzu-7-40", ymd(2026, 11, 26)),
      mirrored_issue("CAINC-7", 7, "bzu-7-40", ymd(2026, 11, 26))};
  const Plan plan = f.plan({bug7({moved})}, issues);
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].issue_key == "CAINC-7");
  REQUIRE(plan.notes.size() == 1);
  CHECK(contains(plan.notes[0], "CAINC-12"));

  // Once the obligation ends, every open one is closed.
  const Obligation done = testing::answered(
      testing::open_update(7, 40, 3, at("2026-11-20T09:00:00Z"), at("2026-12-05T00:00:00Z"), true),
      "ca@ca.example", 50, 4, at("2026-11-30T00:00:00Z"));
  const Plan closing = f.plan({bug7({done})}, issues);
  REQUIRE(closing.actions.size() == 2);
  CHECK(closing.actions[0].type == ActionType::close_issue);
  CHECK(closing.actions[1].type == ActionType::close_issue);
}

TEST_CASE("an issue with the bzjira label but no obligation key is left alone", "[core][plan]") {
  Fixture f;
  MirroredIssue stray = mirrored_issue("CAINC-9", 7, "unrelated", ymd(2025, 3, 30));
  const Plan plan = f.plan({}, {stray});
  CHECK(plan.actions.empty());
  REQUIRE(plan.notes.size() == 1);
  CHECK(contains(plan.notes[0], "CAINC-9"));
}

TEST_CASE("a plan without a mapping is empty and says why", "[core][plan]") {
  const Plan plan = make_plan({}, {}, PlanContext{});
  CHECK(plan.actions.empty());
  CHECK(plan.notes.size() == 1);
}

}  // namespace
}  // namespace bzjira::sync

namespace bzjira::sync {
namespace {

// A needinfo on bug 7 requested by ben at 2025-03-24T12:00Z (1742817600): due 03-31T12:00Z.
Obligation needinfo_window() {
  Obligation o;
  o.key = "bzn-7-h1742817600";
  o.kind = ObligationKind::needinfo;
  o.bug_id = 7;
  o.start = testing::at("2025-03-24T12:00:00Z");
  o.deadline = testing::at("2025-03-31T12:00:00Z");
  o.start_author = "ben@example.org";
  return o;
}

TEST_CASE("a needinfo closes saying who cleared the flag, answered or withdrawn", "[core][plan]") {
  Fixture f;
  const auto close_comment = [&](const Obligation& o) {
    const Plan plan =
        f.plan({bug7({o})},
               {testing::mirrored_issue("CAINC-9", 7, "bzn-7-h1742817600", ymd(2025, 3, 30))});
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].type == ActionType::close_issue);
    return to_plain_text(plan.actions[0].comment);
  };
  // The requestee cleared it on 03-26 10:00, 5d 2h before the deadline.
  Obligation cleared = needinfo_window();
  cleared.satisfied_at = testing::at("2025-03-26T10:00:00Z");
  cleared.satisfied_by = "ca@ca.example";
  cleared.status = WindowStatus::met;
  cleared.late_seconds = *cleared.satisfied_at - cleared.deadline;
  CHECK(contains(close_comment(cleared),
                 "needinfo cleared by ca@ca.example at 2025-03-26T10:00:00Z: on time (5d 2h "
                 "early)"));
  // A moderator withdrew it on 03-27 08:00.
  const Obligation withdrawn =
      testing::ended(needinfo_window(), testing::at("2025-03-27T08:00:00Z"),
                     "needinfo withdrawn: cleared by mod@example.org");
  const std::string text = close_comment(withdrawn);
  CHECK(contains(text,
                 "ended at 2025-03-27T08:00:00Z: needinfo withdrawn: cleared by "
                 "mod@example.org"));
  CHECK_FALSE(contains(text, "on time"));
}

}  // namespace
}  // namespace bzjira::sync
