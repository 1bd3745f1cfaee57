// make_plan for obligations without an issue: what the new issue says and carries.
#include <catch2/catch.hpp>

#include "sync/plan.h"
#include "tests/support/text.h"
#include "tests/unit/core_test_util.h"
#include "tests/unit/fakes.h"

namespace bzjira::sync {
namespace {

using testing::at;

const std::string k_text = "Why did the OCSP responder fail?\nPlease explain.";

BugObligations ocsp_bug(std::vector<Obligation> windows) {
  return BugObligations{1955799, "Example CA: OCSP outage", false, "", std::move(windows)};
}

Plan plan_for(const std::vector<BugObligations>& bugs, const std::vector<MirroredIssue>& issues,
              const Mapping& mapping, const Zone& zone, Instant now) {
  PlanContext ctx;
  ctx.mapping = &mapping;
  ctx.zone = &zone;
  ctx.now = now;
  return make_plan(bugs, issues, ctx);
}

using bzjira::test_support::contains;

TEST_CASE("a new question gets one issue with the rules' due date, labels, deadline and link",
          "[core][plan]") {
  Mapping m = testing::test_mapping();
  m.jira.labels = {"team-pki"};
  m.jira.deadline_field = "customfield_10050";
  const testing::ShanghaiZone shanghai;
  const Obligation q = testing::open_question(1955799, 11, 1, "jeremy@example.org",
                                              at("2025-03-24T15:30:00Z"), k_text);
  const Plan plan = plan_for({ocsp_bug({q})}, {}, m, shanghai, at("2025-03-25T00:00:00Z"));

  REQUIRE(plan.actions.size() == 1);
  const Action& a = plan.actions[0];
  CHECK(a.type == ActionType::create_issue);
  CHECK(a.obligation_key == "bzq-1955799-11");
  CHECK(a.bug_id == 1955799);
  CHECK_FALSE(a.reason.empty());
  // Deadline 2025-03-31T15:30Z is 23:30 on 03-31 in Shanghai: 03-30 is the last whole day before
  // it.
  CHECK(a.draft.due == Date{std::chrono::year{2025}, std::chrono::March, std::chrono::day{30}});
  CHECK(a.draft.summary == "Bug 1955799: reply due 2025-03-30 — question from jeremy (comment 1)");
  CHECK(a.draft.labels ==
        std::vector<std::string>{"bzjira", "bz-1955799", "bzq-1955799-11", "team-pki"});
  REQUIRE(a.draft.deadline.has_value());
  CHECK(*a.draft.deadline == at("2025-03-31T15:30:00Z"));
  CHECK(a.link.global_id == "system=https://bugzilla.example.org&id=1955799&key=bzq-1955799-11");
  CHECK(a.link.url == "https://bugzilla.example.org/show_bug.cgi?id=1955799#c1");
  CHECK(a.link.title == "Bug 1955799 comment 1");
  CHECK_FALSE(a.link.resolved);

  const std::string d = to_plain_text(a.draft.description);
  CHECK(contains(d,
                 "Bug 1955799 <https://bugzilla.example.org/show_bug.cgi?id=1955799>: "
                 "Example CA: OCSP outage"));
  CHECK(contains(d, "comment 1 <https://bugzilla.example.org/show_bug.cgi?id=1955799#c1>"));
  CHECK(contains(d, "jeremy@example.org"));
  CHECK(contains(d, "2025-03-24T15:30:00Z"));
  CHECK(contains(d, "> Why did the OCSP responder fail?\n> Please explain."));
  CHECK(contains(d, "2025-03-31T15:30:00Z (UTC), 2025-03-31 23:30 CST (Asia/Shanghai)"));
  CHECK(contains(d, "IRG 3.2: respond within 7 days"));
  CHECK(contains(d, "Jira due date 2025-03-30"));
}

TEST_CASE("lead days move the due date earlier and the description says so", "[core][plan]") {
  Mapping m = testing::test_mapping();
  m.policy.lead_days = 2;
  const UtcZone utc;
  const Obligation q =
      testing::open_question(7, 11, 1, "jeremy@example.org", at("2025-03-24T15:30:00Z"));
  const Plan plan =
      plan_for({{7, "Example CA: x", false, "", {q}}}, {}, m, utc, at("2025-03-25T00:00:00Z"));
  REQUIRE(plan.actions.size() == 1);
  // UTC: the deadline falls on 03-31, so 03-30 is the last whole day, minus two days.
  CHECK(plan.actions[0].draft.due ==
        Date{std::chrono::year{2025}, std::chrono::March, std::chrono::day{28}});
  CHECK(contains(to_plain_text(plan.actions[0].draft.description), "minus 2 lead days"));
  CHECK_FALSE(plan.actions[0].draft.deadline.has_value());  // no deadline field configured
}

TEST_CASE("a private comment's text is copied only when the mapping allows it", "[core][plan]") {
  Mapping m = testing::test_mapping();
  const UtcZone utc;
  Obligation q = testing::open_question(7, 11, 1, "jeremy@example.org", at("2025-03-24T15:30:00Z"),
                                        "secret details of the key ceremony");
  q.start_comment_private = true;
  const std::vector<BugObligations> bugs{{7, "Example CA: x", false, "", {q}}};

  const Plan hidden = plan_for(bugs, {}, m, utc, at("2025-03-25T00:00:00Z"));
  REQUIRE(hidden.actions.size() == 1);
  const std::string d1 = to_plain_text(hidden.actions[0].draft.description);
  CHECK(d1.find("secret details") == std::string::npos);
  CHECK(contains(d1, "(private comment: text not copied)"));

  m.policy.copy_private_text = true;
  const Plan shown = plan_for(bugs, {}, m, utc, at("2025-03-25T00:00:00Z"));
  CHECK(contains(to_plain_text(shown.actions[0].draft.description),
                 "> secret details of the key ceremony"));
}

TEST_CASE("each kind of obligation has its own summary wording", "[core][plan]") {
  const Mapping m = testing::test_mapping();
  const UtcZone utc;
  Obligation ni = testing::open_question(5, 0, 0, "ben@example.org", at("2026-11-02T08:00:00Z"));
  ni.key = "bzn-5-77";
  ni.kind = ObligationKind::needinfo;
  ni.start_comment_id.reset();
  ni.start_comment_count.reset();
  ni.flag_id = 77;
  // Next update 2026-12-04 is due by the end of that day in UTC.
  const Obligation next =
      testing::open_update(5, 40, 3, at("2026-11-20T09:00:00Z"), at("2026-12-05T00:00:00Z"), true);
  const Obligation weekly =
      testing::open_update(6, 41, 2, at("2026-11-20T09:00:00Z"), at("2026-11-27T09:00:00Z"), false);
  Obligation revocation = weekly;
  revocation.key = "bzu-8-42";
  revocation.bug_id = 8;
  revocation.should_by = at("2026-11-23T09:00:00Z");
  Obligation report = weekly;
  report.key = "bzf-9";
  report.bug_id = 9;
  report.kind = ObligationKind::full_report;
  report.deadline = at("2026-12-04T09:00:00Z");

  const Plan plan = plan_for({{5, "Example CA: a", false, "", {ni, next}},
                              {6, "Example CA: b", false, "", {weekly}},
                              {8, "Example CA: c", false, "", {revocation}},
                              {9, "Example CA: d", false, "", {report}}},
                             {}, m, utc, at("2026-11-21T00:00:00Z"));
  std::vector<std::string> summaries;
  for (const Action& a : plan.actions) {
    summaries.push_back(a.draft.summary);
  }
  // Sorted by bug id, then key: bzn- before bzu- on bug 5.
  CHECK(summaries == std::vector<std::string>{
                         "Bug 5: reply due 2026-11-08 — needinfo from ben",
                         "Bug 5: update due 2026-12-04 — Next update date",
                         "Bug 6: update due 2026-11-26 — weekly update",
                         "Bug 8: update due 2026-11-26 — revocation-delay update",
                         "Bug 9: report due 2026-12-03 — full incident report",
                     });
  CHECK(contains(to_plain_text(plan.actions[3].draft.description),
                 "SHOULD be updated by 2026-11-23T09:00:00Z"));
  CHECK(plan.actions[0].link.title == "Bug 5");  // a needinfo has no comment to link
  CHECK(plan.actions[0].link.url == "https://bugzilla.example.org/show_bug.cgi?id=5");
}

TEST_CASE("the obligation key is read from the labels, a per-bug key first", "[core][plan]") {
  MirroredIssue i;
  i.labels = {"bzjira", "bz-5", "team", "bzq-5-10"};
  CHECK(obligation_key_of(i) == "bzq-5-10");
  i.labels = {"bzq-5-10", "bzjira", "bzb-5", "bzn-5-h1735689600-2"};
  CHECK(obligation_key_of(i) == "bzb-5");
  i.labels = {"bzn-5-h1735689600-2"};
  CHECK(obligation_key_of(i) == "bzn-5-h1735689600-2");
  i.labels = {"bzjira", "bz-5", "bzq-", "bzq-x", "BZQ-5-1"};
  CHECK(obligation_key_of(i).empty());
}

TEST_CASE("a very long Bugzilla URL still gives a remote link id within Jira's 255 characters",
          "[core][plan]") {
  Mapping m = testing::test_mapping();
  m.bugzilla.url = "https://bugzilla.example.org/" + std::string(300, 'x');
  const UtcZone utc;
  const Obligation q =
      testing::open_question(7, 11, 1, "a@example.org", at("2025-03-24T15:30:00Z"));
  const Plan plan =
      plan_for({{7, "Example CA: x", false, "", {q}}}, {}, m, utc, at("2025-03-25T00:00:00Z"));
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].link.global_id.size() <= 255);
  CHECK(contains(plan.actions[0].link.global_id, "&id=7&key=bzq-7-11"));
}

TEST_CASE("issues Jira's search does not show yet are not created twice", "[core][plan]") {
  const Mapping m = testing::test_mapping();
  const UtcZone utc;
  const Instant now = at("2025-03-25T12:00:00Z");
  const Obligation q =
      testing::open_question(7, 11, 1, "a@example.org", at("2025-03-24T15:30:00Z"));
  const std::vector<BugObligations> bugs{{7, "Example CA: x", false, "", {q}}};
  PlanContext ctx;
  ctx.mapping = &m;
  ctx.zone = &utc;
  ctx.now = now;
  ctx.search_grace = Seconds{600};

  SECTION("confirmed two minutes ago: left alone, with a note") {
    ctx.known["bzq-7-11"] = MirrorEntry{"bzq-7-11", "CAINC-7", "10007", now - Seconds{120}};
    const Plan plan = make_plan(bugs, {}, ctx);
    CHECK(plan.actions.empty());
    REQUIRE(plan.notes.size() == 1);
    CHECK(contains(plan.notes[0],
                   "CAINC-7 created at 2025-03-25T11:58:00Z is not in Jira's search yet"));
  }
  SECTION("confirmed a day ago and still not in the search: still never created twice") {
    ctx.known["bzq-7-11"] = MirrorEntry{"bzq-7-11", "CAINC-7", "10007", now - Days{1}};
    const Plan plan = make_plan(bugs, {}, ctx);
    CHECK(plan.actions.empty());
    REQUIRE(plan.notes.size() == 1);
    CHECK(contains(plan.notes[0], "CAINC-7"));
  }
  SECTION("sent but unconfirmed two minutes ago: waits") {
    ctx.known["bzq-7-11"] = MirrorEntry{"bzq-7-11", "", "", now - Seconds{120}};
    const Plan plan = make_plan(bugs, {}, ctx);
    CHECK(plan.actions.empty());
    REQUIRE(plan.notes.size() == 1);
    CHECK(contains(plan.notes[0], "waiting"));
  }
  SECTION("sent but unconfirmed an hour ago and still not in Jira: created again") {
    ctx.known["bzq-7-11"] = MirrorEntry{"bzq-7-11", "", "", now - Seconds{3600}};
    const Plan plan = make_plan(bugs, {}, ctx);
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].type == ActionType::create_issue);
  }
  SECTION("a known key whose issue the search does show is handled as that issue") {
    ctx.known["bzq-7-11"] = MirrorEntry{"bzq-7-11", "CAINC-7", "10007", now - Seconds{120}};
    const Date due{std::chrono::year{2025}, std::chrono::March, std::chrono::day{30}};
    const Plan plan =
        make_plan(bugs, {testing::mirrored_issue("CAINC-7", 7, "bzq-7-11", due)}, ctx);
    CHECK(plan.actions.empty());
    CHECK(plan.notes.empty());
  }
}

TEST_CASE("the plan is deterministic and describe() lists every action with its reason",
          "[core][plan]") {
  const Mapping m = testing::test_mapping();
  const UtcZone utc;
  const Instant t0 = at("2025-03-24T15:30:00Z");
  const std::vector<BugObligations> bugs{
      {9, "Example CA: b", false, "", {testing::open_question(9, 30, 2, "x@example.org", t0)}},
      {3,
       "Example CA: a",
       false,
       "",
       {testing::open_question(3, 21, 2, "y@example.org", t0),
        testing::open_question(3, 20, 1, "z@example.org", t0)}}};
  const Plan a = plan_for(bugs, {}, m, utc, t0 + Days{1});
  const Plan b = plan_for(bugs, {}, m, utc, t0 + Days{1});
  REQUIRE(a.actions.size() == 3);
  CHECK(a.actions[0].obligation_key == "bzq-3-20");
  CHECK(a.actions[1].obligation_key == "bzq-3-21");
  CHECK(a.actions[2].obligation_key == "bzq-9-30");
  CHECK(describe(a) == describe(b));
  const std::string text = describe(a);
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
  CHECK(contains(text, "create_issue (new) bug 3 [bzq-3-20]"));
  CHECK(contains(text, a.actions[0].reason));
  CHECK(describe(Plan{}) == "nothing to do\n");
}

}  // namespace
}  // namespace bzjira::sync
