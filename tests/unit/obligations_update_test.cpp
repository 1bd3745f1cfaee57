// Update cadence, Next update, revocation delay, closure, resolution and the full report
// (docs/rules.md#update, docs/rules.md#revocation-delay, docs/rules.md#full-report,
// docs/rules.md#closure, docs/rules.md#resolution-and-reopening). Expectations are worked out by
// hand from the rules.
#include <catch2/catch.hpp>

#include "sync/obligations.h"
#include "tests/unit/core_test_util.h"

using namespace bzjira::sync;
using namespace bzjira::sync::testing;

namespace {

// Filed by the CA on 01-01, one more CA comment on 01-05 12:00.
BugMaker cadence_bug(const char* whiteboard) {
  BugMaker maker(200, "2026-01-01T00:00:00Z", "ca@example.com");
  maker.comment(2000, 0, "ca@example.com", "2026-01-01T00:00:00Z")
      .comment(2001, 1, "ca@example.com", "2026-01-05T12:00:00Z")
      .whiteboard(whiteboard);
  return maker;
}

}  // namespace

TEST_CASE("Each CA comment opens an update window that the next CA comment satisfies", "[rules]") {
  const auto all = windows(cadence_bug("[ca-compliance]"), "2026-01-10T00:00:00Z");
  CHECK(keys_of(all) == std::vector<std::string>{"bzu-200-2000", "bzu-200-2001"});
  BZ_WINDOW(first, all, "bzu-200-2000");
  CHECK(first.deadline == at("2026-01-08T00:00:00Z"));
  CHECK(first.status == WindowStatus::met);
  CHECK(first.satisfied_comment_id == 2001);
  CHECK(first.rule == "IRG 3.2: update open reports within 7 days");
  BZ_WINDOW(second, all, "bzu-200-2001");
  CHECK(second.deadline == at("2026-01-12T12:00:00Z"));
  CHECK(second.status == WindowStatus::open);
  CHECK(second.late_seconds == -Seconds{2 * 86400 + 12 * 3600});
  CHECK_FALSE(second.deadline_from_next_update);
}

TEST_CASE("A Next update date in the future is due at the end of that UTC day", "[rules]") {
  const auto all =
      windows(cadence_bug("[ca-compliance] Next update 2026-01-25"), "2026-01-20T00:00:00Z");
  BZ_WINDOW(u, all, "bzu-200-2001");
  CHECK(u.deadline == at("2026-01-26T00:00:00Z"));
  CHECK(u.deadline_from_next_update);
  CHECK(u.status == WindowStatus::open);  // without the date it would be overdue since 01-12
  CHECK(u.late_seconds == -Seconds{6 * 86400});
}

TEST_CASE("A Next update date before the window's start falls back to 7 days", "[rules]") {
  const auto all =
      windows(cadence_bug("[ca-compliance] Next update 2026-01-03"), "2026-01-20T00:00:00Z");
  // The first window (from 01-01) is bound by it: due 01-04T00:00, answered 01-05T12:00.
  BZ_WINDOW(first, all, "bzu-200-2000");
  CHECK(first.deadline == at("2026-01-04T00:00:00Z"));
  CHECK(first.deadline_from_next_update);
  CHECK(first.status == WindowStatus::missed);
  CHECK(first.late_seconds == Seconds{86400 + 12 * 3600});
  // The second (from 01-05) starts after the date ended.
  BZ_WINDOW(second, all, "bzu-200-2001");
  CHECK(second.deadline == at("2026-01-12T12:00:00Z"));
  CHECK_FALSE(second.deadline_from_next_update);
  CHECK(second.status == WindowStatus::overdue);
}

TEST_CASE("A malformed Next update date (2026-13-45) is ignored: 7 days apply", "[rules]") {
  const auto all =
      windows(cadence_bug("[ca-compliance] Next update 2026-13-45"), "2026-01-10T00:00:00Z");
  BZ_WINDOW(u, all, "bzu-200-2001");
  CHECK(u.deadline == at("2026-01-12T12:00:00Z"));
  CHECK_FALSE(u.deadline_from_next_update);
}

TEST_CASE("The whiteboard in effect when a window closes decides its deadline", "[rules]") {
  for (const char* field : {"whiteboard", "status_whiteboard"}) {
    INFO("history field " << field);
    BugMaker maker = cadence_bug("[ca-compliance] Next update 2026-01-30");
    maker.change("2026-01-06T00:00:00Z", "bwilson@mozilla.com", field, "[ca-compliance]",
                 "[ca-compliance] Next update 2026-01-30");
    const auto all = windows(maker, "2026-01-20T00:00:00Z");
    // Closed 01-05 12:00, before the date was set: 7 days.
    BZ_WINDOW(first, all, "bzu-200-2000");
    CHECK(first.deadline == at("2026-01-08T00:00:00Z"));
    CHECK_FALSE(first.deadline_from_next_update);
    // Still open now, with the date set.
    BZ_WINDOW(second, all, "bzu-200-2001");
    CHECK(second.deadline == at("2026-01-31T00:00:00Z"));
    CHECK(second.status == WindowStatus::open);
  }
}

TEST_CASE("Revocation-delay bugs get a 3-day SHOULD date and a 7-day MUST deadline", "[rules]") {
  BugMaker maker(210, "2026-01-01T00:00:00Z", "ca@example.com");
  maker.comment(2100, 0, "ca@example.com", "2026-01-01T00:00:00Z")
      .comment(2101, 1, "ca@example.com", "2026-01-05T12:00:00Z")
      .comment(2102, 2, "ca@example.com", "2026-01-09T12:00:00Z")
      .whiteboard("[ca-compliance] [leaf-revocation-delay]");
  auto all = windows(maker, "2026-01-14T00:00:00Z");
  BZ_WINDOW(first, all, "bzu-210-2100");
  CHECK(first.should_by == at("2026-01-04T00:00:00Z"));
  CHECK(first.deadline == at("2026-01-08T00:00:00Z"));
  CHECK(first.status == WindowStatus::met);  // late for SHOULD only: a warning, not a miss
  BZ_WINDOW(last, all, "bzu-210-2102");
  CHECK(last.should_by == at("2026-01-12T12:00:00Z"));
  CHECK(last.deadline == at("2026-01-16T12:00:00Z"));
  CHECK(last.status == WindowStatus::open);
  CHECK(last.rule.find("revocation-delay") != std::string::npos);

  // With a Next update date, the earlier of it and the MUST deadline applies.
  maker.whiteboard("[ca-compliance] [leaf-revocation-delay] Next update 2026-01-10");
  all = windows(maker, "2026-01-14T00:00:00Z");
  BZ_WINDOW(a, all, "bzu-210-2100");  // 01-11T00:00 is after the MUST date 01-08
  CHECK(a.deadline == at("2026-01-08T00:00:00Z"));
  CHECK_FALSE(a.deadline_from_next_update);
  BZ_WINDOW(b, all, "bzu-210-2101");  // 01-11T00:00 is before the MUST date 01-12T12:00
  CHECK(b.deadline == at("2026-01-11T00:00:00Z"));
  CHECK(b.deadline_from_next_update);
  CHECK(b.status == WindowStatus::met);
  BZ_WINDOW(c, all, "bzu-210-2102");
  CHECK(c.deadline == at("2026-01-11T00:00:00Z"));
  CHECK(c.should_by == at("2026-01-12T12:00:00Z"));
  CHECK(c.status == WindowStatus::overdue);
  CHECK(c.late_seconds == Seconds{3 * 86400});
}

namespace {

const char* const k_closure_text =
    "### Report Closure Summary\n\n- **Incident description:** x\n- **Incident Root Cause(s):** y\n"
    "All Action Items disclosed in this report have been completed as described, and we request "
    "its closure.";

// Filed by the CA on 02-01; closure summary on 02-03 with needinfo on the CCADB account 30 s later.
BugMaker closure_bug() {
  BugMaker maker(220, "2026-02-01T00:00:00Z", "ca@example.com");
  maker.comment(2200, 0, "ca@example.com", "2026-02-01T00:00:00Z")
      .comment(2201, 1, "ca@example.com", "2026-02-03T00:00:00Z", k_closure_text)
      .change("2026-02-03T00:00:30Z", "ca@example.com", "flagtypes.name", "",
              "needinfo?(incident-reporting@ccadb.org)");
  return maker;
}

}  // namespace

TEST_CASE("After a closure request no update is owed until someone asks again", "[rules]") {
  BugMaker maker = closure_bug();
  auto all = windows(maker, "2026-02-14T00:00:00Z");
  // Without the closure request, bzu-220-2201 would be overdue since 02-10.
  CHECK(keys_of(all) == std::vector<std::string>{"bzu-220-2200"});
  CHECK(open_obligations(maker, PolicySettings{}, ca_accounts(), ignored_accounts(),
                         at("2026-02-14T00:00:00Z"))
            .empty());

  // A new question: owed as a question, and the cadence resumes from it.
  maker.comment(2202, 2, "alice@mozilla.com", "2026-02-15T00:00:00Z");
  all = windows(maker, "2026-02-20T00:00:00Z");
  BZ_WINDOW(q, all, "bzq-220-2202");
  CHECK(q.status == WindowStatus::open);
  CHECK(q.deadline == at("2026-02-22T00:00:00Z"));
  BZ_WINDOW(resumed, all, "bzu-220-2202");
  CHECK(resumed.deadline == at("2026-02-22T00:00:00Z"));
  CHECK(resumed.start_author == "alice@mozilla.com");

  // Until then a CA comment ("thank you") does not restart the cadence on its own.
  BugMaker thanks = closure_bug();
  thanks.comment(2210, 2, "ca@example.com", "2026-02-05T00:00:00Z", "Thank you.");
  CHECK(keys_of(windows(thanks, "2026-02-20T00:00:00Z")) ==
        std::vector<std::string>{"bzu-220-2200"});

  // The CA answers: both met, and the cadence runs from the answer again.
  maker.comment(2203, 3, "ca@example.com", "2026-02-16T00:00:00Z");
  all = windows(maker, "2026-02-20T00:00:00Z");
  CHECK(find_window(all, "bzq-220-2202")->status == WindowStatus::met);
  CHECK(find_window(all, "bzu-220-2202")->status == WindowStatus::met);
  BZ_WINDOW(after, all, "bzu-220-2203");
  CHECK(after.deadline == at("2026-02-23T00:00:00Z"));
}

TEST_CASE("A closure summary needs the needinfo on the closure account to count", "[rules]") {
  SECTION("without any needinfo the cadence goes on") {
    BugMaker maker(220, "2026-02-01T00:00:00Z", "ca@example.com");
    maker.comment(2200, 0, "ca@example.com", "2026-02-01T00:00:00Z")
        .comment(2201, 1, "ca@example.com", "2026-02-03T00:00:00Z", k_closure_text);
    BZ_WINDOW(u, windows(maker, "2026-02-14T00:00:00Z"), "bzu-220-2201");
    CHECK(u.status == WindowStatus::overdue);
  }
  SECTION("a needinfo a day before the summary belongs to something else") {
    BugMaker maker(220, "2026-02-01T00:00:00Z", "ca@example.com");
    maker.comment(2200, 0, "ca@example.com", "2026-02-01T00:00:00Z")
        .comment(2201, 1, "ca@example.com", "2026-02-03T00:00:00Z", k_closure_text)
        .needinfo(90, "ca@example.com", "incident-reporting@ccadb.org", "2026-02-02T00:00:00Z");
    CHECK(find_window(windows(maker, "2026-02-14T00:00:00Z"), "bzu-220-2201") != nullptr);
  }
  SECTION("a current flag set two days later ends the window at that moment") {
    BugMaker maker(220, "2026-02-01T00:00:00Z", "ca@example.com");
    maker.comment(2200, 0, "ca@example.com", "2026-02-01T00:00:00Z")
        .comment(2201, 1, "ca@example.com", "2026-02-03T00:00:00Z", k_closure_text)
        .needinfo(91, "ca@example.com", "incident-reporting@ccadb.org", "2026-02-05T00:00:00Z");
    BZ_WINDOW(u, windows(maker, "2026-02-14T00:00:00Z"), "bzu-220-2201");
    CHECK(u.status == WindowStatus::void_);
    CHECK(u.ended_at == at("2026-02-05T00:00:00Z"));
    CHECK(u.end_reason == "closure requested");
  }
}

TEST_CASE("A close-on marker ends the cadence and the final-call comment does not restart it",
          "[rules]") {
  BugMaker maker(230, "2026-03-01T00:00:00Z", "ca@example.com");
  maker.comment(2300, 0, "ca@example.com", "2026-03-01T00:00:00Z")
      .comment(2301, 1, "ca@example.com", "2026-03-03T00:00:00Z")
      .change("2026-03-05T00:00:00Z", "bwilson@mozilla.com", "whiteboard", "[ca-compliance]",
              "[close on 2026-03-12] [ca-compliance]")
      .comment(2302, 2, "bwilson@mozilla.com", "2026-03-05T00:01:00Z", "Final call for comments")
      .whiteboard("[close on 2026-03-12] [ca-compliance]");
  const auto all = windows(maker, "2026-03-20T00:00:00Z");
  BZ_WINDOW(u, all, "bzu-230-2301");
  CHECK(u.status == WindowStatus::void_);
  CHECK(u.ended_at == at("2026-03-05T00:00:00Z"));
  CHECK(u.end_reason == "closure requested");
  CHECK(find_window(all, "bzu-230-2302") == nullptr);
  // Questions are still owed after a closure request.
  BZ_WINDOW(q, all, "bzq-230-2302");
  CHECK(q.status == WindowStatus::overdue);
}

TEST_CASE("A resolved bug ends every window: missed if already late, void if not", "[rules]") {
  const auto check = [](const BugRecord& record) {
    const auto all = windows(record, "2026-03-20T00:00:00Z");
    // The last comment, an unanswered question, was due after the resolution: void.
    BZ_WINDOW(q, all, "bzq-240-2401");
    CHECK(q.status == WindowStatus::void_);
    CHECK(q.ended_at == at("2026-03-10T00:00:00Z"));
    CHECK(q.end_reason == "bug resolved (FIXED)");
    CHECK_FALSE(q.satisfied_at.has_value());
    // The update due 03-08 had passed when the bug was resolved on 03-10: missed by 2 days.
    BZ_WINDOW(u, all, "bzu-240-2400");
    CHECK(u.status == WindowStatus::missed);
    CHECK_FALSE(u.satisfied_at.has_value());
    CHECK(u.ended_at == at("2026-03-10T00:00:00Z"));
    CHECK(u.late_seconds == Seconds{2 * 86400});
    // A CA comment after the resolution opens nothing.
    CHECK(find_window(all, "bzu-240-2402") == nullptr);
    CHECK(open_obligations(record, PolicySettings{}, ca_accounts(), ignored_accounts(),
                           at("2026-03-20T00:00:00Z"))
              .empty());
  };
  BugMaker base(240, "2026-03-01T00:00:00Z", "ca@example.com");
  base.comment(2400, 0, "ca@example.com", "2026-03-01T00:00:00Z")
      .comment(2401, 1, "alice@mozilla.com", "2026-03-08T12:00:00Z")
      .comment(2402, 2, "ca@example.com", "2026-03-11T00:00:00Z");

  SECTION("known from cf_last_resolved") {
    BugMaker maker = base;
    maker.resolved("FIXED", "2026-03-10T00:00:00Z");
    maker.record().bug.last_change_time = at("2026-03-11T00:00:00Z");
    check(maker);
  }
  SECTION("known from the history only") {
    BugMaker maker = base;
    maker.resolved("FIXED", "2026-03-10T00:00:00Z");
    maker.record().bug.last_resolved.reset();
    maker.record().bug.last_change_time = at("2026-03-11T00:00:00Z");
    maker.change("2026-03-10T00:00:00Z", "bwilson@mozilla.com", "status", "ASSIGNED", "RESOLVED");
    maker.change("2026-03-12T00:00:00Z", "bwilson@mozilla.com", "status", "RESOLVED", "VERIFIED");
    maker.record().bug.status = "VERIFIED";
    check(maker);
  }
  SECTION("known from last_change_time only") {
    BugMaker maker = base;
    maker.resolved("FIXED", "2026-03-10T00:00:00Z");
    maker.record().bug.last_resolved.reset();
    maker.record().bug.status = "CLOSED";
    check(maker);
  }
}

TEST_CASE("A bug resolved at the very second a window falls due ends it void", "[rules]") {
  BugMaker maker(241, "2026-03-01T00:00:00Z", "ca@example.com");
  maker.comment(2410, 0, "ca@example.com", "2026-03-01T00:00:00Z")
      .resolved("FIXED", "2026-03-08T00:00:00Z");
  BZ_WINDOW(u, windows(maker, "2026-03-20T00:00:00Z"), "bzu-241-2410");
  CHECK(u.deadline == at("2026-03-08T00:00:00Z"));
  CHECK(u.status == WindowStatus::void_);  // the deadline had not passed yet
  CHECK(u.late_seconds == Seconds{0});
}

TEST_CASE("A reopened bug restarts the cadence at the reopening, not at a later comment",
          "[rules]") {
  BugMaker maker(250, "2026-04-01T00:00:00Z", "ca@example.com");
  maker.comment(2500, 0, "ca@example.com", "2026-04-01T00:00:00Z")
      .comment(2501, 1, "bwilson@mozilla.com", "2026-04-10T00:00:00Z", "Reopening: see below");
  maker.record().history.push_back(HistoryEntry{
      at("2026-04-03T00:00:00Z"),
      "bwilson@mozilla.com",
      {FieldChange{"status", "ASSIGNED", "RESOLVED"}, FieldChange{"resolution", "", "FIXED"}}});
  maker.change("2026-04-10T00:00:00Z", "bwilson@mozilla.com", "status", "RESOLVED", "REOPENED");
  maker.record().bug.status = "REOPENED";
  const auto all = windows(maker, "2026-04-12T00:00:00Z");
  // 1775779200 is 2026-04-10T00:00:00Z. The moderator's comment in that second is a question; the
  // update is owed from the reopening itself.
  CHECK(keys_of(all) ==
        std::vector<std::string>{"bzu-250-2500", "bzq-250-2501", "bzu-250-r1775779200"});
  BZ_WINDOW(before, all, "bzu-250-2500");
  CHECK(before.status == WindowStatus::void_);
  CHECK(before.end_reason == "bug resolved (FIXED)");
  BZ_WINDOW(after, all, "bzu-250-r1775779200");
  CHECK(after.status == WindowStatus::open);
  CHECK(after.deadline == at("2026-04-17T00:00:00Z"));
}

TEST_CASE("The full report is met by the first CA comment with the full report's own sections",
          "[rules]") {
  PolicySettings policy;
  policy.full_report = true;
  BugMaker maker(260, "2026-05-01T00:00:00Z", "ca@example.com");
  maker
      .comment(2600, 0, "ca@example.com", "2026-05-01T00:00:00Z",
               "## Preliminary report\n### Summary\nSummary Impact Timeline in prose.")
      .comment(2601, 1, "ca@example.com", "2026-05-05T00:00:00Z", k_closure_text);
  auto all = windows(maker, "2026-05-20T00:00:00Z", policy);
  BZ_WINDOW(late, all, "bzf-260");
  CHECK(late.deadline == at("2026-05-15T00:00:00Z"));
  CHECK(late.status == WindowStatus::overdue);
  CHECK(late.late_seconds == Seconds{5 * 86400});

  // Summary, Impact and one section of the full report's own are not enough.
  maker.comment(2602, 2, "ca@example.com", "2026-05-08T00:00:00Z",
                "# Full Incident Report\n\n## Summary\ntext\n## Impact\ntext\n"
                "#### Root Cause Analysis\ntext\n");
  CHECK(find_window(windows(maker, "2026-05-20T00:00:00Z", policy), "bzf-260")->status ==
        WindowStatus::overdue);
  maker.comment(2603, 3, "ca@example.com", "2026-05-10T00:00:00Z",
                "# Full Incident Report\n\n## Summary\ntext\n## Root Cause Analysis\ntext\n"
                "## Lessons Learned\ntext\n## Action Items\ntext\n");
  all = windows(maker, "2026-05-20T00:00:00Z", policy);
  BZ_WINDOW(met, all, "bzf-260");
  CHECK(met.status == WindowStatus::met);
  CHECK(met.satisfied_comment_id == 2603);
  CHECK(find_window(windows(maker, "2026-05-20T00:00:00Z"), "bzf-260") == nullptr);  // rule off
}
