// Issue 11 points 1-3: the whiteboard as it stood at each moment, an update posted on the Next
// update day, and a reopening that starts the cadence. Expectations are worked out by hand from
// IRG 3.2 as sync/obligations.h reads it.
#include <catch2/catch.hpp>

#include "sync/obligations.h"
#include "tests/unit/core_test_util.h"

using namespace bzjira::sync;
using namespace bzjira::sync::testing;

namespace {

Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

}  // namespace

TEST_CASE("A window whose 7-day deadline passed before a Next update date was added stays missed",
          "[rules]") {
  BugMaker maker(300, "2026-01-01T00:00:00Z", "ca@example.com");
  maker.comment(3000, 0, "ca@example.com", "2026-01-01T00:00:00Z")
      .comment(3001, 1, "ca@example.com", "2026-01-05T12:00:00Z")
      .comment(3002, 2, "ca@example.com", "2026-01-20T00:00:00Z")
      .change("2026-01-14T00:00:00Z", "bwilson@mozilla.com", "whiteboard", "[ca-compliance]",
              "[ca-compliance] Next update 2026-01-30")
      .whiteboard("[ca-compliance] Next update 2026-01-30");
  const auto all = windows(maker, "2026-01-21T00:00:00Z");
  // Due 01-12 12:00 by the 7-day rule; the date came on 01-14, too late to help; answered 01-20.
  BZ_WINDOW(late, all, "bzu-300-3001");
  CHECK(late.deadline == at("2026-01-12T12:00:00Z"));
  CHECK_FALSE(late.deadline_from_next_update);
  CHECK(late.status == WindowStatus::missed);
  CHECK(late.late_seconds == Seconds{7 * 86400 + 12 * 3600});
  // The window opened on 01-20 owes the date written on 01-14: the end of 01-30 UTC.
  BZ_WINDOW(next, all, "bzu-300-3002");
  CHECK(next.deadline == at("2026-01-31T00:00:00Z"));
  CHECK(next.deadline_from_next_update);
  CHECK(next.next_update == ymd(2026, 1, 30));
  CHECK(next.status == WindowStatus::open);
}

TEST_CASE("A Next update date removed mid-window brings the 7-day rule back from that moment",
          "[rules]") {
  BugMaker maker(310, "2026-01-01T00:00:00Z", "ca@example.com");
  maker.comment(3100, 0, "ca@example.com", "2026-01-01T00:00:00Z")
      .comment(3101, 1, "ca@example.com", "2026-01-05T12:00:00Z")
      .comment(3102, 2, "ca@example.com", "2026-01-15T00:00:00Z")
      .change("2026-01-14T00:00:00Z", "bwilson@mozilla.com", "whiteboard",
              "[ca-compliance] Next update 2026-01-30", "[ca-compliance]")
      .whiteboard("[ca-compliance]");
  const auto all = windows(maker, "2026-01-16T00:00:00Z");
  // 01-01 to 01-05 12:00: the date held throughout (due 01-31 00:00): met.
  BZ_WINDOW(first, all, "bzu-310-3100");
  CHECK(first.deadline == at("2026-01-31T00:00:00Z"));
  CHECK(first.status == WindowStatus::met);
  // From 01-05 12:00: the date held until 01-14 00:00; then 7 days from the start (01-12 12:00)
  // applied, already past: due at once. Answered 01-15 00:00: one day late, not 2d 12h.
  BZ_WINDOW(second, all, "bzu-310-3101");
  CHECK(second.deadline == at("2026-01-14T00:00:00Z"));
  CHECK_FALSE(second.deadline_from_next_update);
  CHECK(second.status == WindowStatus::missed);
  CHECK(second.late_seconds == Seconds{86400});
}

TEST_CASE("A Next update date changed after it had passed does not excuse the miss", "[rules]") {
  BugMaker maker(320, "2026-01-02T00:00:00Z", "ca@example.com");
  maker.comment(3200, 0, "ca@example.com", "2026-01-02T00:00:00Z")
      .comment(3201, 1, "ca@example.com", "2026-01-15T00:00:00Z")
      .change("2026-01-10T00:00:00Z", "bwilson@mozilla.com", "whiteboard",
              "[ca-compliance] Next update 2026-01-08", "[ca-compliance] Next update 2026-01-20")
      .whiteboard("[ca-compliance] Next update 2026-01-20");
  // 01-08 ended at 01-09 00:00, a day before the new date was written: missed by 6 days.
  BZ_WINDOW(u, windows(maker, "2026-01-16T00:00:00Z"), "bzu-320-3200");
  CHECK(u.deadline == at("2026-01-09T00:00:00Z"));
  CHECK(u.deadline_from_next_update);
  CHECK(u.next_update == ymd(2026, 1, 8));
  CHECK(u.status == WindowStatus::missed);
  CHECK(u.late_seconds == Seconds{6 * 86400});

  // Moved to a later date before the first one passed: the later one applies.
  BugMaker moved(321, "2026-01-02T00:00:00Z", "ca@example.com");
  moved.comment(3210, 0, "ca@example.com", "2026-01-02T00:00:00Z")
      .comment(3211, 1, "ca@example.com", "2026-01-18T00:00:00Z")
      .change("2026-01-10T00:00:00Z", "bwilson@mozilla.com", "whiteboard",
              "[ca-compliance] Next update 2026-01-12", "[ca-compliance] Next update 2026-01-20")
      .whiteboard("[ca-compliance] Next update 2026-01-20");
  BZ_WINDOW(m, windows(moved, "2026-01-19T00:00:00Z"), "bzu-321-3210");
  CHECK(m.deadline == at("2026-01-21T00:00:00Z"));
  CHECK(m.next_update == ymd(2026, 1, 20));
  CHECK(m.status == WindowStatus::met);
}

TEST_CASE("A Next update date already over when it was written gives no deadline of its own",
          "[rules]") {
  BugMaker maker(330, "2026-01-05T12:00:00Z", "ca@example.com");
  maker.comment(3300, 0, "ca@example.com", "2026-01-05T12:00:00Z")
      .comment(3301, 1, "ca@example.com", "2026-01-11T00:00:00Z")
      .change("2026-01-08T00:00:00Z", "bwilson@mozilla.com", "whiteboard", "[ca-compliance]",
              "[ca-compliance] Next update 2026-01-06")
      .whiteboard("[ca-compliance] Next update 2026-01-06");
  // "2026-01-06" ended at 01-07 00:00, before it was written on 01-08: the 7 days apply (due
  // 01-12 12:00), and the answer on 01-11 met them.
  BZ_WINDOW(u, windows(maker, "2026-01-12T00:00:00Z"), "bzu-330-3300");
  CHECK(u.deadline == at("2026-01-12T12:00:00Z"));
  CHECK_FALSE(u.deadline_from_next_update);
  CHECK(u.status == WindowStatus::met);
}

TEST_CASE("An update posted on the Next update day satisfies it: the next window owes 7 days",
          "[rules]") {
  BugMaker maker(340, "2026-01-10T00:00:00Z", "ca@example.com");
  maker.comment(3400, 0, "ca@example.com", "2026-01-10T00:00:00Z")
      .comment(3401, 1, "ca@example.com", "2026-01-20T10:00:00Z")
      .whiteboard("[ca-compliance] Next update 2026-01-20");
  const auto all = windows(maker, "2026-01-22T00:00:00Z");
  BZ_WINDOW(before, all, "bzu-340-3400");
  CHECK(before.deadline == at("2026-01-21T00:00:00Z"));
  CHECK(before.status == WindowStatus::met);
  // Started on 01-20, the day of the date: owes start + 7 days, not the same evening.
  BZ_WINDOW(after, all, "bzu-340-3401");
  CHECK(after.deadline == at("2026-01-27T10:00:00Z"));
  CHECK_FALSE(after.deadline_from_next_update);
  CHECK_FALSE(after.next_update.has_value());
  CHECK(after.status == WindowStatus::open);
  CHECK(after.rule == "IRG 3.2: update open reports within 7 days");

  // A newer date written while it runs takes over from then.
  maker
      .change("2026-01-21T00:00:00Z", "bwilson@mozilla.com", "whiteboard",
              "[ca-compliance] Next update 2026-01-20", "[ca-compliance] Next update 2026-02-03")
      .whiteboard("[ca-compliance] Next update 2026-02-03");
  BZ_WINDOW(newer, windows(maker, "2026-01-22T00:00:00Z"), "bzu-340-3401");
  CHECK(newer.deadline == at("2026-02-04T00:00:00Z"));
  CHECK(newer.next_update == ymd(2026, 2, 3));
}

TEST_CASE("A reopened bug owes an update within 7 days of the reopening with nobody commenting",
          "[rules]") {
  BugMaker maker(350, "2026-04-01T00:00:00Z", "ca@example.com");
  maker.comment(3500, 0, "ca@example.com", "2026-04-01T00:00:00Z");
  maker.record().history.push_back(HistoryEntry{
      at("2026-04-03T00:00:00Z"),
      "bwilson@mozilla.com",
      {FieldChange{"status", "ASSIGNED", "RESOLVED"}, FieldChange{"resolution", "", "FIXED"}}});
  maker.record().history.push_back(HistoryEntry{
      at("2026-04-10T00:00:00Z"),
      "bwilson@mozilla.com",
      {FieldChange{"status", "RESOLVED", "REOPENED"}, FieldChange{"resolution", "FIXED", ""}}});
  maker.record().bug.status = "REOPENED";
  const auto all = windows(maker, "2026-04-20T00:00:00Z");
  // 2026-04-10T00:00:00Z is 1775779200 seconds after the epoch.
  CHECK(keys_of(all) == std::vector<std::string>{"bzu-350-3500", "bzu-350-r1775779200"});
  BZ_WINDOW(reopened, all, "bzu-350-r1775779200");
  CHECK(reopened.start == at("2026-04-10T00:00:00Z"));
  CHECK(reopened.start_reopened);
  CHECK(reopened.start_author == "bwilson@mozilla.com");
  CHECK(reopened.deadline == at("2026-04-17T00:00:00Z"));
  CHECK(reopened.status == WindowStatus::overdue);
  CHECK(reopened.late_seconds == Seconds{3 * 86400});
  CHECK(reopened.is_open());

  // The CA's comment after the reopening answers it and the cadence runs on from there.
  maker.comment(3501, 1, "ca@example.com", "2026-04-12T00:00:00Z");
  const auto answered = windows(maker, "2026-04-20T00:00:00Z");
  BZ_WINDOW(met, answered, "bzu-350-r1775779200");
  CHECK(met.status == WindowStatus::met);
  CHECK(met.satisfied_comment_id == 3501);
  BZ_WINDOW(next, answered, "bzu-350-3501");
  CHECK(next.deadline == at("2026-04-19T00:00:00Z"));
  CHECK(next.status == WindowStatus::overdue);
}

TEST_CASE("After a reopening only a Next update date written after it sets the deadline",
          "[rules]") {
  const auto reopened_bug = [] {
    BugMaker maker(360, "2026-04-01T00:00:00Z", "ca@example.com");
    maker.comment(3600, 0, "ca@example.com", "2026-04-01T00:00:00Z")
        .change("2026-04-02T00:00:00Z", "bwilson@mozilla.com", "whiteboard", "[ca-compliance]",
                "[ca-compliance] Next update 2026-04-30")
        .change("2026-04-03T00:00:00Z", "bwilson@mozilla.com", "status", "ASSIGNED", "RESOLVED")
        .change("2026-04-10T00:00:00Z", "bwilson@mozilla.com", "status", "RESOLVED", "REOPENED")
        .whiteboard("[ca-compliance] Next update 2026-04-30");
    maker.record().bug.status = "REOPENED";
    return maker;
  };
  // The 04-30 date predates the resolution: the reopening owes 7 days (04-17 00:00).
  BZ_WINDOW(old_date, windows(reopened_bug(), "2026-04-11T00:00:00Z"), "bzu-360-r1775779200");
  CHECK(old_date.deadline == at("2026-04-17T00:00:00Z"));
  CHECK_FALSE(old_date.deadline_from_next_update);

  // A date written on 04-12, after the reopening, applies: the end of 04-25.
  BugMaker maker = reopened_bug();
  maker
      .change("2026-04-12T00:00:00Z", "bwilson@mozilla.com", "whiteboard",
              "[ca-compliance] Next update 2026-04-30", "[ca-compliance] Next update 2026-04-25")
      .whiteboard("[ca-compliance] Next update 2026-04-25");
  BZ_WINDOW(new_date, windows(maker, "2026-04-20T00:00:00Z"), "bzu-360-r1775779200");
  CHECK(new_date.deadline == at("2026-04-26T00:00:00Z"));
  CHECK(new_date.deadline_from_next_update);
  CHECK(new_date.status == WindowStatus::open);
}
