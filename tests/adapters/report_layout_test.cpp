// Geometry of the timeline pictures (adapters/report/timeline_layout.h) and the summary's figures
// (adapters/report/figures.h), on windows made by hand.
#include <catch2/catch.hpp>

#include <string>

#include "adapters/report/figures.h"
#include "adapters/report/timeline_layout.h"

using namespace bzjira::adapters::report;
using bzjira::sync::AuditReport;
using bzjira::sync::BugAudit;
using bzjira::sync::Instant;
using bzjira::sync::Obligation;
using bzjira::sync::ObligationKind;
using bzjira::sync::Seconds;
using bzjira::sync::WindowStatus;

namespace {

Instant at(const char* rfc3339) {
  const auto t = bzjira::sync::parse_rfc3339(rfc3339);
  REQUIRE(t);
  return *t;
}

Obligation window(ObligationKind kind, WindowStatus status, const char* start, const char* deadline,
                  const char* answered = nullptr, long late = 0) {
  Obligation w;
  w.kind = kind;
  w.status = status;
  w.start = at(start);
  w.deadline = at(deadline);
  if (answered != nullptr) {
    w.satisfied_at = at(answered);
  }
  w.late_seconds = Seconds{late};
  return w;
}

}  // namespace

TEST_CASE("the axis maps its range onto the plot and clamps what lies outside", "[report]") {
  const Axis axis(at("2026-08-01T00:00:00Z"), at("2026-08-11T00:00:00Z"));
  CHECK(axis.x(at("2026-08-01T00:00:00Z")) == Approx(84));
  CHECK(axis.x(at("2026-08-11T00:00:00Z")) == Approx(986));
  // Half way: 84 + (986 - 84) / 2.
  CHECK(axis.x(at("2026-08-06T00:00:00Z")) == Approx(535));
  CHECK(axis.x(at("2025-01-01T00:00:00Z")) == Approx(83));
  CHECK(axis.x(at("2027-01-01T00:00:00Z")) == Approx(987));
}

TEST_CASE("a bug's range runs from its creation to its last answer, padded by a 64th", "[report]") {
  BugAudit bug;
  bug.windows.push_back(window(ObligationKind::update, WindowStatus::met, "2026-08-03T00:00:00Z",
                               "2026-08-10T00:00:00Z", "2026-08-09T00:00:00Z"));
  bug.windows.push_back(window(ObligationKind::update, WindowStatus::missed, "2026-08-09T00:00:00Z",
                               "2026-08-16T00:00:00Z", "2026-09-06T00:00:00Z"));
  bzjira::sync::BugRecord record;
  record.bug.creation_time = at("2026-08-01T00:00:00Z");
  // Life: 08-01 to 09-06 = 36 days; a 64th of it is 13.5 hours.
  const Axis axis = bug_axis(bug, &record, at("2026-11-26T12:00:00Z"), {}, {});
  CHECK(axis.from() == at("2026-07-31T10:30:00Z"));
  CHECK(axis.to() == at("2026-09-06T13:30:00Z"));
}

TEST_CASE("with since and until the range is those days, widened to whole windows", "[report]") {
  BugAudit bug;
  // Starts on the --until day; its deadline and answer lie after it.
  bug.windows.push_back(window(ObligationKind::question, WindowStatus::met, "2026-08-31T10:00:00Z",
                               "2026-09-07T10:00:00Z", "2026-09-05T10:00:00Z"));
  const auto since = bzjira::sync::parse_date("2026-08-01");
  const auto until = bzjira::sync::parse_date("2026-08-31");
  const Axis axis = bug_axis(bug, nullptr, at("2026-11-26T12:00:00Z"), since, until);
  CHECK(axis.from() == at("2026-08-01T00:00:00Z"));
  // 08-01 to 09-07 10:00 is 37 d 10 h = 3,232,800 s; a 64th is 50,512 s (14 h 1 min 52 s).
  CHECK(axis.to() == at("2026-09-08T00:01:52Z"));
}

TEST_CASE("overlapping windows of one kind take separate rows and others reuse a free row",
          "[report]") {
  BugAudit bug;
  bug.windows.push_back(window(ObligationKind::question, WindowStatus::met, "2026-08-01T00:00:00Z",
                               "2026-08-08T00:00:00Z", "2026-08-03T00:00:00Z"));
  bug.windows.push_back(window(ObligationKind::question, WindowStatus::met, "2026-08-02T00:00:00Z",
                               "2026-08-09T00:00:00Z", "2026-08-03T00:00:00Z"));
  bug.windows.push_back(window(ObligationKind::update, WindowStatus::met, "2026-08-03T00:00:00Z",
                               "2026-08-10T00:00:00Z", "2026-08-05T00:00:00Z"));
  bug.windows.push_back(window(ObligationKind::question, WindowStatus::met, "2026-08-12T00:00:00Z",
                               "2026-08-19T00:00:00Z", "2026-08-13T00:00:00Z"));
  const Axis axis(at("2026-08-01T00:00:00Z"), at("2026-08-21T00:00:00Z"));
  const auto lanes = pack_lanes(bug, axis, at("2026-11-26T12:00:00Z"), 34);
  REQUIRE(lanes.size() == 2);
  CHECK(lanes[0].kind == ObligationKind::question);
  CHECK(lanes[0].windows == std::vector<std::size_t>{0, 1, 3});
  CHECK(lanes[0].row == std::vector<int>{0, 1, 0});
  CHECK(lanes[0].rows == 2);
  CHECK(lanes[0].top == 34);
  CHECK(lanes[1].kind == ObligationKind::update);
  CHECK(lanes[1].windows == std::vector<std::size_t>{2});
  CHECK(lanes[1].rows == 1);
  // Below the question lane (2 rows of 12 plus 6) and a gap of 2.
  CHECK(lanes[1].top == 34 + 30 + 2);
}

TEST_CASE("a late window's row stays taken up to its late answer, not its deadline", "[report]") {
  BugAudit bug;
  bug.windows.push_back(window(ObligationKind::question, WindowStatus::missed,
                               "2026-08-01T00:00:00Z", "2026-08-08T00:00:00Z",
                               "2026-08-20T00:00:00Z", 12 * 86400));
  bug.windows.push_back(window(ObligationKind::question, WindowStatus::met, "2026-08-10T00:00:00Z",
                               "2026-08-17T00:00:00Z", "2026-08-11T00:00:00Z"));
  const Axis axis(at("2026-08-01T00:00:00Z"), at("2026-08-31T00:00:00Z"));
  const auto lanes = pack_lanes(bug, axis, at("2026-11-26T12:00:00Z"), 34);
  REQUIRE(lanes.size() == 1);
  CHECK(lanes[0].row == std::vector<int>{0, 1});
}

TEST_CASE("month gridlines carry the year on the first label and on January", "[report]") {
  const Axis axis(at("2026-11-15T00:00:00Z"), at("2027-02-15T00:00:00Z"));
  const auto ticks = month_ticks(axis);
  REQUIRE(ticks.size() == 3);
  CHECK(ticks[0].label == "Dec 2026");
  CHECK(ticks[1].label == "Jan 2027");
  CHECK(ticks[2].label == "Feb");
  // 2026-12-01 is 16 of the range's 92 days in.
  CHECK(ticks[0].x == Approx(84 + 902.0 * 16 / 92));
}

TEST_CASE("narrow months are labelled by quarter over several years", "[report]") {
  const Axis axis(at("2024-01-10T00:00:00Z"), at("2026-12-20T00:00:00Z"));
  const auto ticks = month_ticks(axis);
  std::vector<std::string> labels;
  for (const auto& t : ticks) {
    if (!t.label.empty()) {
      labels.push_back(t.label);
    }
  }
  // About 25 units a month: every third month, Apr first (Feb and Mar are not quarters).
  REQUIRE(labels.size() >= 10);
  CHECK(labels[0] == "Apr 2024");
  CHECK(labels[1] == "Jul");
  CHECK(labels[3] == "Jan 2025");
  CHECK(ticks.size() == 35);  // a gridline still for every month from Feb 2024 to Dec 2026
}

TEST_CASE("median lateness takes the middle late window, or the mean of the middle two",
          "[report]") {
  BugAudit bug;
  const auto add = [&](WindowStatus status, long late) {
    bug.windows.push_back(window(ObligationKind::question, status, "2026-08-01T00:00:00Z",
                                 "2026-08-08T00:00:00Z", nullptr, late));
  };
  add(WindowStatus::missed, 3600);
  add(WindowStatus::overdue, 3 * 3600);
  add(WindowStatus::missed, 2 * 3600);
  add(WindowStatus::met, -50 * 3600);  // early: not lateness
  bug.totals.met = 1;
  bug.totals.missed = 2;
  bug.totals.overdue = 1;
  CHECK(bug_figures(bug).median_late == Seconds{2 * 3600});
  add(WindowStatus::missed, 4 * 3600);
  bug.totals.missed = 3;
  CHECK(bug_figures(bug).median_late == Seconds{2 * 3600 + 1800});
  BugAudit none;
  CHECK_FALSE(bug_figures(none).median_late);
}

TEST_CASE("the on-time rate counts only windows whose outcome is known", "[report]") {
  BugAudit bug;
  bug.totals.met = 3;
  bug.totals.missed = 1;
  bug.totals.open = 5;
  bug.totals.void_count = 2;
  REQUIRE(bug_figures(bug).on_time);
  CHECK(*bug_figures(bug).on_time == Approx(0.75));
  BugAudit only_open;
  only_open.totals.open = 2;
  CHECK_FALSE(bug_figures(only_open).on_time);
}

TEST_CASE("percentages are rounded down so a missed deadline never reads 100 percent", "[report]") {
  CHECK(percent(1.0) == "100%");
  CHECK(percent(0.9996) == "99.9%");
  CHECK(percent(2.0 / 3.0) == "66.6%");
  CHECK(percent(0.85) == "85%");
  CHECK(percent(0.0) == "0%");
}

TEST_CASE("lapses are counted by the month of their first missed deadline, empty months included",
          "[report]") {
  AuditReport report;
  BugAudit a;
  a.windows.push_back(window(ObligationKind::update, WindowStatus::missed, "2026-07-28T00:00:00Z",
                             "2026-08-04T00:00:00Z", "2026-08-06T00:00:00Z", 2 * 86400));
  a.windows.push_back(window(ObligationKind::question, WindowStatus::met, "2026-08-20T00:00:00Z",
                             "2026-08-27T00:00:00Z", "2026-08-21T00:00:00Z"));
  bzjira::sync::Lapse answered;
  answered.first_deadline = at("2026-08-04T00:00:00Z");
  answered.at = at("2026-08-06T00:00:00Z");
  answered.end = bzjira::sync::LapseEnd::answered;
  a.lapses = {answered};
  BugAudit b;
  // A deadline at 23:30 UTC on Oct 31 is October's.
  b.windows.push_back(window(ObligationKind::question, WindowStatus::overdue,
                             "2026-10-24T23:30:00Z", "2026-10-31T23:30:00Z"));
  b.windows.push_back(window(ObligationKind::update, WindowStatus::overdue, "2026-10-25T00:00:00Z",
                             "2026-11-01T00:00:00Z"));
  b.windows.push_back(window(ObligationKind::question, WindowStatus::void_, "2026-09-01T00:00:00Z",
                             "2026-09-08T00:00:00Z"));
  b.windows.push_back(window(ObligationKind::update, WindowStatus::open, "2026-11-20T00:00:00Z",
                             "2026-11-27T00:00:00Z"));
  // Both overdue windows are one open lapse, counted in the month of its first deadline.
  bzjira::sync::Lapse open;
  open.first_deadline = at("2026-10-31T23:30:00Z");
  open.at = at("2026-10-31T23:30:00Z");
  open.end = bzjira::sync::LapseEnd::open;
  b.lapses = {open};
  report.bugs = {a, b};
  const auto months = missed_by_month(report);
  REQUIRE(months.size() == 4);
  using std::chrono::year;
  CHECK(months[0].month == year{2026} / std::chrono::August);
  CHECK(months[0].lapses_closed == 1);
  CHECK(months[0].lapses_open == 0);
  CHECK(months[0].late == 1);
  CHECK(months[0].due == 2);
  CHECK(months[1].month == year{2026} / std::chrono::September);
  CHECK(months[1].due == 0);  // the void window owed nothing
  CHECK(months[1].lapses_closed + months[1].lapses_open == 0);
  CHECK(months[2].month == year{2026} / std::chrono::October);
  CHECK(months[2].lapses_open == 1);
  CHECK(months[2].late == 1);
  CHECK(months[3].month == year{2026} / std::chrono::November);
  CHECK(months[3].late == 1);  // the second overdue window, due Nov 1
  CHECK(months[3].lapses_open == 0);
  CHECK(months[3].due == 1);  // the open window is not due yet
}
