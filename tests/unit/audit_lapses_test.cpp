// Lapses (issue 11, points 8-10): the audit's late windows grouped into the CA's "missed
// deadlines", one Timeline line each. Every expected line is worked out by hand from the comment
// times below and the 7-day rules (docs/rules.md), never copied from the program's output.
#include <catch2/catch.hpp>

#include "sync/audit.h"
#include "tests/support/text.h"
#include "tests/unit/core_test_util.h"

using namespace bzjira::sync;
using namespace bzjira::sync::testing;

namespace {

Mapping lapse_mapping() {
  Mapping m;
  m.bugzilla.ca_accounts = ca_accounts();
  m.bugzilla.ignored_accounts = ignored_accounts();
  return m;
}

// Filed by the CA 04-01 00:00 (comment 0), CA update 04-03 00:00 (comment 1); x@y asks in comments
// 5 (04-05 10:00) and 6 (04-08 00:00); the CA answers in comment 7 (04-30 09:00).
BugMaker silent_bug() {
  BugMaker maker(7, "2024-04-01T00:00:00Z", "ca@example.com");
  maker.comment(700, 0, "ca@example.com", "2024-04-01T00:00:00Z")
      .comment(701, 1, "ca@example.com", "2024-04-03T00:00:00Z")
      .comment(705, 5, "x@y", "2024-04-05T10:00:00Z")
      .comment(706, 6, "x@y", "2024-04-08T00:00:00Z")
      .comment(707, 7, "ca@example.com", "2024-04-30T09:00:00Z");
  return maker;
}

BugAudit audit_of(const BugRecord& record, const char* now) {
  const AuditReport report = build_audit({record}, lapse_mapping(), at(now), AuditOptions{});
  REQUIRE(report.bugs.size() == 1);
  return report.bugs.front();
}

std::vector<std::string> lapse_keys(const BugAudit& bug, const Lapse& lapse) {
  std::vector<std::string> keys;
  for (std::size_t i : lapse.windows) {
    keys.push_back(bug.windows[i].key);
  }
  return keys;
}

using bzjira::test_support::contains;

}  // namespace

TEST_CASE("Windows one late CA comment answered form one lapse led by the earliest comment",
          "[audit]") {
  const BugAudit bug = audit_of(silent_bug(), "2024-05-02T00:00:00Z");
  // bzu-7-700 met (due 04-08, answered 04-03). bzu-7-701 due 04-10 00:00, bzq-7-705 due 04-12
  // 10:00 and bzq-7-706 due 04-15 00:00 were all answered by comment 7 on 04-30 09:00: one lapse.
  // bzu-7-707 (due 05-07 09:00) is open and not late.
  REQUIRE(bug.lapses.size() == 1);
  const Lapse& lapse = bug.lapses.front();
  CHECK(lapse.id == "7#c7");
  CHECK(lapse.bug_id == 7);
  CHECK(lapse_keys(bug, lapse) == std::vector<std::string>{"bzu-7-701", "bzq-7-705", "bzq-7-706"});
  CHECK(lapse.lead == LapseLead::respond);
  CHECK(bug.windows[lapse.lead_window].key == "bzq-7-705");
  CHECK(lapse.since == at("2024-04-05T10:00:00Z"));
  CHECK(lapse.first_deadline == at("2024-04-10T00:00:00Z"));
  CHECK(lapse.at == at("2024-04-30T09:00:00Z"));
  CHECK(lapse.end == LapseEnd::answered);
  CHECK(lapse.answered_by == "ca@example.com");
  CHECK(lapse.answered_comment_count == 7);
  CHECK(lapse.answered_comment_id == 707);
  // The line speaks of the earliest comment: due 04-12 10:00, answered 04-30 09:00.
  CHECK(lapse.late == Seconds{17 * 86400 + 23 * 3600});
  // The update had been due since 04-10 00:00: 20d 9h.
  CHECK(lapse.worst_late == Seconds{20 * 86400 + 9 * 3600});
  CHECK(render_lapse_line(bug, lapse) ==
        "2024-04-30: failed to respond within 7 days since 2024-04-05 (comments 5, 6 by x@y; "
        "weekly update; answered by ca@example.com in comment 7, 17d 23h late)");
  // window_lapse points each window at its lapse; the met and the open window at none.
  CHECK(bug.window_lapse == std::vector<int>{-1, 0, 0, 0, -1});
  CHECK(bug.totals.lapses == 1);
  CHECK(bug.totals.missed == 3);
}

TEST_CASE(
    "An update lapse says since the CA's last comment and an open lapse leads with its "
    "deadline",
    "[audit]") {
  // The CA posts on 11-01 00:00 and 11-10 12:00 (late: due 11-08 00:00); m@c asks on 11-12 16:40;
  // nothing more by 11-26 12:00.
  BugMaker maker(9, "2026-11-01T00:00:00Z", "ca@example.com");
  maker.comment(900, 0, "ca@example.com", "2026-11-01T00:00:00Z")
      .comment(903, 3, "ca@example.com", "2026-11-10T12:00:00Z")
      .comment(915, 15, "m@c", "2026-11-12T16:40:00Z");
  const BugAudit bug = audit_of(maker, "2026-11-26T12:00:00Z");
  REQUIRE(bug.lapses.size() == 2);
  const Lapse& first = bug.lapses[0];
  CHECK(first.id == "9#c3");
  CHECK(first.lead == LapseLead::update);
  CHECK(render_lapse_line(bug, first) ==
        "2026-11-10: failed to post an update within 7 days since 2026-11-01 (comment 0 by "
        "ca@example.com; answered by ca@example.com in comment 3, 2d 12h late)");
  // Open: the question (due 11-19 16:40, 6d 19h 20m overdue) and the update from comment 3 (due
  // 11-17 12:00) share the one open lapse, led by the question's deadline.
  const Lapse& open = bug.lapses[1];
  CHECK(open.id == "9#open");
  CHECK(open.end == LapseEnd::open);
  CHECK(lapse_keys(bug, open) == std::vector<std::string>{"bzu-9-903", "bzq-9-915"});
  CHECK(open.at == at("2026-11-19T16:40:00Z"));
  CHECK(open.first_deadline == at("2026-11-17T12:00:00Z"));
  CHECK(render_lapse_line(bug, open) ==
        "2026-11-19: failed to respond within 7 days since 2026-11-12 (comment 15 by m@c; weekly "
        "update; still unanswered, 6d 19h overdue)");
  CHECK(bug.totals.lapses == 2);
}

TEST_CASE("A missed Next update date is named with its date", "[audit]") {
  BugMaker maker(11, "2026-11-01T00:00:00Z", "ca@example.com");
  maker.comment(1100, 0, "ca@example.com", "2026-11-01T00:00:00Z")
      .comment(1114, 14, "ca@example.com", "2026-11-05T10:00:00Z")
      .whiteboard("[ca-compliance] Next update 2026-11-19");
  const BugAudit bug = audit_of(maker, "2026-11-26T12:00:00Z");
  // The window from comment 14 is due at the end of 11-19 UTC (11-20 00:00): 6d 12h overdue.
  REQUIRE(bug.lapses.size() == 1);
  CHECK(bug.lapses[0].lead == LapseLead::next_update);
  CHECK(render_lapse_line(bug, bug.lapses[0]) ==
        "2026-11-20: failed to post an update due by the Next update date 2026-11-19 (owed since "
        "2026-11-05, comment 14 by ca@example.com; still unanswered, 6d 12h overdue)");
}

TEST_CASE("Windows a resolution ended unanswered form one lapse led by the first deadline",
          "[audit]") {
  // The update from 03-01 was due 03-08 00:00; alice asks on 03-02 00:00 (due 03-09 00:00); the
  // bug is resolved on 03-10 00:00 with neither answered.
  BugMaker maker(24, "2026-03-01T00:00:00Z", "ca@example.com");
  maker.comment(2400, 0, "ca@example.com", "2026-03-01T00:00:00Z")
      .comment(2401, 1, "alice@mozilla.com", "2026-03-02T00:00:00Z")
      .resolved("FIXED", "2026-03-10T00:00:00Z");
  const BugAudit bug = audit_of(maker, "2026-03-20T00:00:00Z");
  REQUIRE(bug.lapses.size() == 1);
  const Lapse& lapse = bug.lapses.front();
  CHECK(lapse.id == "24@2026-03-10T00:00:00Z");
  CHECK(lapse.end == LapseEnd::ended);
  CHECK(lapse.ended_at == at("2026-03-10T00:00:00Z"));
  CHECK(lapse.end_reason == "bug resolved (FIXED)");
  CHECK(render_lapse_line(bug, lapse) ==
        "2026-03-09: failed to respond within 7 days since 2026-03-02 (comment 1 by "
        "alice@mozilla.com; weekly update; unanswered when bug resolved (FIXED) on 2026-03-10, 1d "
        "late)");
}

TEST_CASE("The Markdown audit prints one line per lapse, says UTC once and counts lapses",
          "[audit]") {
  const std::string md = render_audit_markdown(
      build_audit({silent_bug()}, lapse_mapping(), at("2024-05-02T00:00:00Z"), AuditOptions{}));
  CHECK(contains(md, "All dates and times are UTC."));
  CHECK(md.find("UTC") == md.rfind("UTC"));  // once
  CHECK(contains(md,
                 "\n- 2024-04-30: failed to respond within 7 days since 2024-04-05 "
                 "(comments 5, 6 by x@y; weekly update; answered by ca@example.com in "
                 "comment 7, 17d 23h late)\n"));
  // Three late windows, one line.
  CHECK(md.find("\n- 20") == md.rfind("\n- 20"));
  CHECK(contains(md,
                 "Windows: 5, met: 1, missed: 3, overdue: 0; missed deadlines (lapses): 1, "
                 "worst lateness: 20d 9h."));
  CHECK(contains(md, "missed deadlines (lapses): 1, worst lateness: 20d 9h.\n"));
}

TEST_CASE("The timeline alone is just the bullet lines, in time order across bugs", "[audit]") {
  BugMaker other(3, "2024-04-01T00:00:00Z", "ca@example.com");
  other.comment(300, 0, "ca@example.com", "2024-04-01T00:00:00Z")
      .comment(301, 1, "ca@example.com", "2024-04-11T00:00:00Z")
      .resolved("FIXED", "2024-04-16T00:00:00Z");
  // Bug 3: the update due 04-08 00:00 was answered 04-11 00:00 (3d late), before bug 7's lapse;
  // the next one (due 04-18) ended void with the resolution on 04-16.
  const AuditReport report = build_audit({silent_bug(), other}, lapse_mapping(),
                                         at("2024-05-02T00:00:00Z"), AuditOptions{});
  CHECK(render_audit_timeline(report) ==
        "- 2024-04-11: bug 3: failed to post an update within 7 days since 2024-04-01 (comment 0 "
        "by ca@example.com; answered by ca@example.com in comment 1, 3d late)\n"
        "- 2024-04-30: bug 7: failed to respond within 7 days since 2024-04-05 (comments 5, 6 by "
        "x@y; weekly update; answered by ca@example.com in comment 7, 17d 23h late)\n");
  CHECK(report.totals.lapses == 2);
  // One bug: no bug number in the lines.
  const AuditReport one =
      build_audit({silent_bug()}, lapse_mapping(), at("2024-05-02T00:00:00Z"), AuditOptions{});
  CHECK(render_audit_timeline(one) ==
        "- 2024-04-30: failed to respond within 7 days since 2024-04-05 (comments 5, 6 by x@y; "
        "weekly update; answered by ca@example.com in comment 7, 17d 23h late)\n");
}

TEST_CASE("The CSV audit names each window's lapse in its last column", "[audit]") {
  const std::string csv = render_audit_csv(
      build_audit({silent_bug()}, lapse_mapping(), at("2024-05-02T00:00:00Z"), AuditOptions{}));
  CHECK(contains(csv, ",rule,lapse\r\n"));
  // The met window has none; the three of the lapse share its id.
  CHECK(contains(csv, "IRG 3.2: update open reports within 7 days,\r\n"));
  CHECK(contains(csv, "IRG 3.2: update open reports within 7 days,7#c7\r\n"));
  CHECK(contains(csv, "IRG 3.2: respond to comments within 7 days,7#c7\r\n"));
}

TEST_CASE("Lapse lines name a reopening, a needinfo cleared late and a withdrawn one", "[audit]") {
  // Resolved 04-03, reopened 04-10 by bwilson; the CA posts on 04-19 (the reopening's update was
  // due 04-17: 2d late); bwilson asks for information on 04-20 00:00 (due 04-27 00:00) and the CA
  // clears the flag on 04-28 12:00 without a comment (1d 12h late); the update owed since 04-19 is
  // still open at 04-28 13:00 (due 04-26 00:00: 2d 13h overdue).
  BugMaker maker(60, "2026-04-01T00:00:00Z", "ca@example.com");
  maker.comment(600, 0, "ca@example.com", "2026-04-01T00:00:00Z")
      .comment(601, 1, "ca@example.com", "2026-04-19T00:00:00Z")
      .change("2026-04-03T00:00:00Z", "bwilson@mozilla.com", "status", "ASSIGNED", "RESOLVED")
      .change("2026-04-10T00:00:00Z", "bwilson@mozilla.com", "status", "RESOLVED", "REOPENED")
      .change("2026-04-20T00:00:00Z", "bwilson@mozilla.com", "flagtypes.name", "",
              "needinfo?(ca@example.com)")
      .change("2026-04-28T12:00:00Z", "ca@example.com", "flagtypes.name",
              "needinfo?(ca@example.com)", "");
  maker.record().bug.status = "REOPENED";
  const BugAudit bug = audit_of(maker, "2026-04-28T13:00:00Z");
  REQUIRE(bug.lapses.size() == 3);
  CHECK(render_lapse_line(bug, bug.lapses[0]) ==
        "2026-04-19: failed to post an update within 7 days since 2026-04-10 (bug reopened by "
        "bwilson@mozilla.com; answered by ca@example.com in comment 1, 2d late)");
  CHECK(render_lapse_line(bug, bug.lapses[1]) ==
        "2026-04-26: failed to post an update within 7 days since 2026-04-19 (comment 1 by "
        "ca@example.com; still unanswered, 2d 13h overdue)");
  CHECK(bug.lapses[2].id == "60@2026-04-28T12:00:00Z");
  CHECK(bug.lapses[2].lead == LapseLead::needinfo);
  CHECK(render_lapse_line(bug, bug.lapses[2]) ==
        "2026-04-28: failed to respond to a needinfo request within 7 days since 2026-04-20 "
        "(requested by bwilson@mozilla.com; needinfo cleared by ca@example.com on 2026-04-28, 1d "
        "12h late)");

  // A needinfo withdrawn by a bot a day after its deadline: missed, unanswered.
  BugMaker withdrawn(61, "2026-01-01T00:00:00Z", "ca@example.com");
  withdrawn.comment(610, 0, "ca@example.com", "2026-01-01T00:00:00Z")
      .comment(611, 1, "ca@example.com", "2026-01-05T00:00:00Z")
      .comment(612, 2, "ca@example.com", "2026-01-09T00:00:00Z")
      .change("2026-01-10T08:00:00Z", "bwilson@mozilla.com", "flagtypes.name", "",
              "needinfo?(ca@example.com)")
      .change("2026-01-18T08:00:00Z", "bot@example.org", "flagtypes.name",
              "needinfo?(ca@example.com)", "");
  const BugAudit other = audit_of(withdrawn, "2026-01-15T00:00:00Z");
  CHECK(other.lapses.empty());  // nothing late yet
  const BugAudit later = audit_of(withdrawn, "2026-01-20T00:00:00Z");
  // The needinfo's lapse (ended 01-18 08:00) and the open update (due 01-16 00:00).
  REQUIRE(later.lapses.size() == 2);
  CHECK(later.lapses[0].id == "61#open");
  CHECK(later.lapses[1].end == LapseEnd::ended);
  CHECK(render_lapse_line(later, later.lapses[1]) ==
        "2026-01-17: failed to respond to a needinfo request within 7 days since 2026-01-10 "
        "(requested by bwilson@mozilla.com; unanswered when needinfo withdrawn: cleared by "
        "bot@example.org on 2026-01-18, 1d late)");
}
