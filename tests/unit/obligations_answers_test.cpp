// Issue 11 points 4 and 5: what counts as the CA's answer. Ignored accounts start nothing, a
// needinfo withdrawn by someone else is not answered, and only a report with the full report's
// own sections is the full report. Expectations worked out by hand from IRG 3.2.
#include <catch2/catch.hpp>

#include "sync/obligations.h"
#include "tests/unit/core_test_util.h"

using namespace bzjira::sync;
using namespace bzjira::sync::testing;

namespace {

// 1768032000 is 2026-01-10T08:00:00Z.
BugMaker needinfo_bug(const char* setter) {
  BugMaker maker(500, "2026-01-01T00:00:00Z", "ca@example.com");
  maker.comment(5000, 0, "ca@example.com", "2026-01-01T00:00:00Z")
      .change("2026-01-10T08:00:00Z", setter, "flagtypes.name", "", "needinfo?(ca@example.com)");
  return maker;
}

int needinfo_count(const std::vector<Obligation>& all) {
  int n = 0;
  for (const Obligation& o : all) {
    n += o.kind == ObligationKind::needinfo ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("A needinfo requested by an ignored account creates no obligation", "[rules]") {
  // From the history (bot@example.org is in ignored_accounts()), ...
  CHECK(needinfo_count(windows(needinfo_bug("bot@example.org"), "2026-01-11T00:00:00Z")) == 0);
  CHECK(needinfo_count(windows(needinfo_bug("BOT@example.org"), "2026-01-11T00:00:00Z")) == 0);
  // ... and as a current flag.
  BugMaker flagged(501, "2026-01-01T00:00:00Z", "ca@example.com");
  flagged.comment(5010, 0, "ca@example.com", "2026-01-01T00:00:00Z")
      .needinfo(80, "bot@example.org", "ca@example.com", "2026-01-10T08:00:00Z");
  CHECK(needinfo_count(windows(flagged, "2026-01-11T00:00:00Z")) == 0);
  // The same request by a person does.
  CHECK(needinfo_count(windows(needinfo_bug("bwilson@mozilla.com"), "2026-01-11T00:00:00Z")) == 1);
}

TEST_CASE("A needinfo cleared by someone other than its requestee is withdrawn, not met",
          "[rules]") {
  SECTION("a moderator cancels it before the deadline: void, naming who") {
    BugMaker maker = needinfo_bug("bwilson@mozilla.com");
    maker.change("2026-01-12T08:00:00Z", "bwilson@mozilla.com", "flagtypes.name",
                 "needinfo?(ca@example.com)", "");
    BZ_WINDOW(n, windows(maker, "2026-01-20T00:00:00Z"), "bzn-500-h1768032000");
    CHECK(n.status == WindowStatus::void_);
    CHECK_FALSE(n.satisfied_at.has_value());
    CHECK(n.ended_at == at("2026-01-12T08:00:00Z"));
    CHECK(n.end_reason == "needinfo withdrawn: cleared by bwilson@mozilla.com");
    CHECK(n.late_seconds == Seconds{0});
  }
  SECTION("a bot clears it after the deadline had passed: missed") {
    BugMaker maker = needinfo_bug("bwilson@mozilla.com");
    maker.change("2026-01-18T08:00:00Z", "bot@example.org", "flagtypes.name",
                 "needinfo?(ca@example.com)", "");
    BZ_WINDOW(n, windows(maker, "2026-01-20T00:00:00Z"), "bzn-500-h1768032000");
    CHECK(n.status == WindowStatus::missed);
    CHECK(n.ended_at == at("2026-01-18T08:00:00Z"));
    CHECK(n.end_reason == "needinfo withdrawn: cleared by bot@example.org");
    CHECK(n.late_seconds == Seconds{86400});
  }
  SECTION("another CA account clearing it is not the requestee either") {
    BugMaker maker = needinfo_bug("bwilson@mozilla.com");
    maker.change("2026-01-12T08:00:00Z", "ca-incidents-bot@nowhere.invalid", "flagtypes.name",
                 "needinfo?(ca@example.com)", "");
    BZ_WINDOW(n, windows(maker, "2026-01-20T00:00:00Z"), "bzn-500-h1768032000");
    CHECK(n.status == WindowStatus::void_);
  }
  SECTION("a CA comment before the withdrawal still answers it") {
    BugMaker maker = needinfo_bug("bwilson@mozilla.com");
    maker.comment(5001, 1, "ca@example.com", "2026-01-11T08:00:00Z")
        .change("2026-01-12T08:00:00Z", "bwilson@mozilla.com", "flagtypes.name",
                "needinfo?(ca@example.com)", "");
    BZ_WINDOW(n, windows(maker, "2026-01-20T00:00:00Z"), "bzn-500-h1768032000");
    CHECK(n.status == WindowStatus::met);
    CHECK(n.satisfied_comment_id == 5001);
  }
  SECTION("the requestee clearing it, in another case, answers it") {
    BugMaker maker = needinfo_bug("bwilson@mozilla.com");
    maker.change("2026-01-12T08:00:00Z", "CA@example.com", "flagtypes.name",
                 "needinfo?(ca@example.com)", "");
    BZ_WINDOW(n, windows(maker, "2026-01-20T00:00:00Z"), "bzn-500-h1768032000");
    CHECK(n.status == WindowStatus::met);
    CHECK(n.satisfied_by == "CA@example.com");
    CHECK_FALSE(n.satisfied_comment_id.has_value());
  }
}

namespace {

PolicySettings full_report_policy() {
  PolicySettings policy;
  policy.full_report = true;
  return policy;
}

// Filed 05-01 by the CA; full report due 05-15 00:00. `text` is posted by `who` on 05-10.
Obligation full_report_window(const char* who, const std::string& text) {
  BugMaker maker(510, "2026-05-01T00:00:00Z", "ca@example.com");
  maker.comment(5100, 0, "ca@example.com", "2026-05-01T00:00:00Z", "Preliminary report to follow")
      .comment(5101, 1, who, "2026-05-10T00:00:00Z", text);
  const auto all = windows(maker, "2026-05-20T00:00:00Z", full_report_policy());
  const Obligation* o = find_window(all, "bzf-510");
  REQUIRE(o != nullptr);
  return *o;
}

}  // namespace

TEST_CASE("Only the full report's own sections satisfy the full report", "[rules]") {
  struct Case {
    const char* what;
    std::string text;
    bool full;
  };
  const Case cases[] = {
      {"a preliminary report: Summary, Impact, Timeline",
       "## Preliminary Incident Report\n\n### Summary\ntext\n### Impact\ntext\n### Timeline\n"
       "- 2026-04-30: found\n",
       false},
      {"ATX headings of any level",
       "# Full Incident Report\n## Summary\nx\n## Root Cause Analysis\nx\n### Lessons Learned\nx\n"
       "#### Action Items\n| # | item |\n",
       true},
      {"any case", "## ROOT CAUSE ANALYSIS\nx\n## lessons learned\nx\n## Action items\nx\n", true},
      {"bold lines, as list items too",
       "**Root Cause Analysis**\nx\n\n- **Lessons Learned:** went well: y\n\n__Action Items__\n"
       "1. z\n",
       true},
      {"title lines, numbered too",
       "Root Cause Analysis: the job ran twice.\n5. Lessons learned: alerting.\nAction Items: see "
       "the table.\n",
       true},
      {"setext headings",
       "Root Cause Analysis\n===================\nx\n\nLessons Learned\n---\nx\n\nAction Items\n"
       "------------\nx\n",
       true},
      {"two of the three", "## Root Cause Analysis\nx\n## Action Items\nx\n", false},
      {"the words in prose, not as headings",
       "We will post the root cause analysis, the lessons learned and the action items in the "
       "full report next week.\n",
       false},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const Obligation o = full_report_window("ca@example.com", c.text);
    CHECK(o.deadline == at("2026-05-15T00:00:00Z"));
    CHECK((o.status == WindowStatus::met) == c.full);
    if (!c.full) {
      CHECK(o.status == WindowStatus::overdue);
    }
  }
}

TEST_CASE("An empty full report template posted by someone else never satisfies it", "[rules]") {
  const std::string empty_template =
      "## Full Incident Report\n### Summary\n### Impact\n### Timeline\n### Related Incidents\n"
      "### Root Cause Analysis\n### Lessons Learned\n### Action Items\n### Appendix\n";
  CHECK(full_report_window("incident-reporting@ccadb.org", empty_template).status ==
        WindowStatus::overdue);
  CHECK(full_report_window("bot@example.org", empty_template).status == WindowStatus::overdue);
}

TEST_CASE("Accounts match in any ASCII case and an ignored account is never the CA", "[core]") {
  const AccountRoles roles({"Compliance@CA.example", "bot@ca.example"},
                           {"BOT@ca.example", "Nightly-Bot@Mozilla.tld"});
  CHECK(roles.role_of("compliance@ca.example") == Role::ca);
  CHECK(roles.role_of("COMPLIANCE@CA.EXAMPLE") == Role::ca);
  CHECK(roles.role_of("Bot@Ca.Example") == Role::ignored);  // listed in both: ignored wins
  CHECK(roles.role_of("nightly-bot@mozilla.tld") == Role::ignored);
  CHECK(roles.role_of("compliance@ca.example.org") == Role::other);
  CHECK(roles.role_of("") == Role::other);
  // Longer than the lower-casing buffer: still compared whole.
  const std::string long_login = std::string(200, 'A') + "@ca.example";
  const AccountRoles long_roles({long_login}, {});
  CHECK(long_roles.role_of(long_login) == Role::ca);
  CHECK(long_roles.role_of(std::string(200, 'a') + "@CA.example") == Role::ca);
  CHECK(long_roles.role_of(std::string(199, 'a') + "@ca.example") == Role::other);
}
