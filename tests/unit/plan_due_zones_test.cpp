// Issue 11 point 2: an update posted on the Next update day owes the next update 7 days later, and
// no Jira due date falls before the window's first day, in the zones furthest west and east of
// UTC. The zones below are fixed offsets standing for January in each (no DST then).
#include <catch2/catch.hpp>

#include "sync/obligations.h"
#include "sync/plan.h"
#include "tests/unit/core_test_util.h"
#include "tests/unit/fakes.h"

namespace bzjira::sync {
namespace {

using testing::at;

class FixedZone final : public Zone {
 public:
  FixedZone(std::string name, int hours) : m_name(std::move(name)), m_offset(hours) {}
  std::string name() const override { return m_name; }
  Date local_date(Instant t) const override { return utc_date(t + m_offset); }
  std::string format_local(Instant t) const override { return format_rfc3339(t + m_offset); }

 private:
  std::string m_name;
  std::chrono::hours m_offset;
};

Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

Date created_due(const std::vector<Obligation>& windows, const Mapping& mapping, const Zone& zone,
                 Instant now) {
  PlanContext ctx;
  ctx.mapping = &mapping;
  ctx.zone = &zone;
  ctx.now = now;
  const Plan plan =
      make_plan({BugObligations{340, "Example CA: bug", false, "", windows}}, {}, ctx);
  REQUIRE(plan.actions.size() == 1);
  REQUIRE(plan.actions[0].type == ActionType::create_issue);
  return plan.actions[0].draft.due;
}

TEST_CASE("An update window opened on the Next update day is due 7 days later in every zone",
          "[core][plan]") {
  // The CA updates on 01-20 10:00Z, the whiteboard's Next update day: the next update is owed by
  // 01-27 10:00Z (not 01-21 00:00Z, the end of that same day).
  testing::BugMaker maker(340, "2026-01-10T00:00:00Z", "ca@ca.example");
  maker.comment(3400, 0, "ca@ca.example", "2026-01-10T00:00:00Z")
      .comment(3401, 1, "ca@ca.example", "2026-01-20T10:00:00Z")
      .whiteboard("[ca-compliance] Next update 2026-01-20");
  const Mapping m = testing::test_mapping();
  const Instant now = at("2026-01-20T12:00:00Z");
  const auto all = obligation_windows(maker.record(), m.policy, m.bugzilla.ca_accounts, {}, now);
  const Obligation* open = testing::find_window(all, "bzu-340-3401");
  REQUIRE(open != nullptr);
  CHECK(open->deadline == at("2026-01-27T10:00:00Z"));
  const std::vector<Obligation> windows = {*open};
  struct Case {
    const char* zone;
    int offset;
    Date start_day;  // 01-20 10:00Z in that zone
    Date due;        // the last whole local day ending at or before 01-27 10:00Z
  };
  const Case cases[] = {
      // 01-27 02:00 local; with the old deadline (01-20 16:00 local) the due date was 01-19.
      {"America/Los_Angeles", -8, ymd(2026, 1, 20), ymd(2026, 1, 26)},
      // 01-27 11:00 local; the old deadline fell the same evening (01-21 01:00): due 01-20.
      {"Europe/Berlin", 1, ymd(2026, 1, 20), ymd(2026, 1, 26)},
      // 01-28 00:00 local, a midnight: the day before. The window starts at 01-21 00:00 local; the
      // old deadline (01-21 14:00 local) gave 01-20, before that.
      {"Pacific/Kiritimati", 14, ymd(2026, 1, 21), ymd(2026, 1, 27)},
  };
  for (const Case& c : cases) {
    INFO(c.zone);
    const FixedZone zone(c.zone, c.offset);
    CHECK(zone.local_date(open->start) == c.start_day);
    const Date due = created_due(windows, m, zone, now);
    CHECK(due == c.due);
    CHECK(due >= c.start_day);
  }
}

TEST_CASE("No Jira due date falls before the window's first day, lead days or not",
          "[core][plan]") {
  // A question at 03-24 15:30Z, due 03-31 15:30Z; 10 lead days would put the due date on 03-20.
  Mapping m = testing::test_mapping();
  m.policy.lead_days = 10;
  const Obligation q =
      testing::open_question(340, 11, 1, "jeremy@example.org", at("2025-03-24T15:30:00Z"));
  for (const auto& [name, offset, start_day] :
       {std::tuple{"America/Los_Angeles", -7, ymd(2025, 3, 24)},
        std::tuple{"Europe/Berlin", 1, ymd(2025, 3, 24)},
        std::tuple{"Pacific/Kiritimati", 14, ymd(2025, 3, 25)}}) {
    INFO(name);
    const FixedZone zone(name, offset);
    CHECK(created_due({q}, m, zone, at("2025-03-25T00:00:00Z")) == start_day);
  }
}

}  // namespace
}  // namespace bzjira::sync
