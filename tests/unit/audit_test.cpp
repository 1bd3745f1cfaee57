// The audit: scope, period filtering, totals and the renderings (sync/audit.h). JSON-free.
#include <catch2/catch.hpp>

#include "sync/audit.h"
#include "tests/support/text.h"
#include "tests/unit/core_test_util.h"

using namespace bzjira::sync;
using namespace bzjira::sync::testing;

namespace {

// Filed by the CA 04-01; CA update 04-06; x@y asks on 04-23 (comment 12); the CA answers 05-02.
BugRecord audit_bug() {
  BugMaker maker(7, "2024-04-01T00:00:00Z", "ca@example.com");
  maker.comment(700, 0, "ca@example.com", "2024-04-01T00:00:00Z")
      .comment(701, 1, "ca@example.com", "2024-04-06T00:00:00Z")
      .comment(712, 12, "x@y", "2024-04-23T09:00:00Z")
      .comment(713, 13, "ca@example.com", "2024-05-02T10:00:00Z");
  maker.record().bug.summary = "Example CA: late OCSP responses";
  return maker.record();
}

Mapping audit_mapping() {
  Mapping m;
  m.bugzilla.ca_accounts = ca_accounts();
  m.bugzilla.ignored_accounts = ignored_accounts();
  return m;
}

using bzjira::test_support::contains;

}  // namespace

TEST_CASE("The audit counts every window of a bug and its worst lateness", "[rules]") {
  const AuditReport report =
      build_audit({audit_bug()}, audit_mapping(), at("2024-05-05T00:00:00Z"), AuditOptions{});
  REQUIRE(report.bugs.size() == 1);
  const BugAudit& bug = report.bugs.front();
  CHECK(bug.bug_id == 7);
  // bzu-7-700 met (due 04-08); bzu-7-701 missed (due 04-13, answered 05-02 10:00: 19d 10h late);
  // bzq-7-712 missed (due 04-30 09:00: 2d 1h late); bzu-7-713 open (due 05-09 10:00).
  CHECK(keys_of(bug.windows) ==
        std::vector<std::string>{"bzu-7-700", "bzu-7-701", "bzq-7-712", "bzu-7-713"});
  CHECK(bug.totals.windows == 4);
  CHECK(bug.totals.met == 1);
  CHECK(bug.totals.missed == 2);
  CHECK(bug.totals.overdue == 0);
  CHECK(bug.totals.open == 1);
  CHECK(bug.totals.void_count == 0);
  CHECK(bug.totals.worst_late == Seconds{19 * 86400 + 10 * 3600});
  CHECK(report.totals.windows == 4);
  CHECK(report.totals.worst_late == bug.totals.worst_late);
}

TEST_CASE("The Markdown audit lists each lapse as an incident-report timeline line", "[rules]") {
  const std::string md = render_audit_markdown(
      build_audit({audit_bug()}, audit_mapping(), at("2024-05-05T00:00:00Z"), AuditOptions{}));
  CHECK(contains(md, "## Bug 7: Example CA: late OCSP responses\n"));
  // The update due 04-13 and the question due 04-30 09:00 were both answered by comment 13 on
  // 05-02 10:00: one lapse, led by the question (2d 1h late).
  CHECK(contains(md,
                 "\n- 2024-05-02: failed to respond within 7 days since 2024-04-23 (comment 12 by "
                 "x@y; weekly update; answered by ca@example.com in comment 13, 2d 1h late)\n"));
  CHECK(contains(md,
                 "Windows: 4, met: 1, missed: 2, overdue: 0; missed deadlines (lapses): 1, worst "
                 "lateness: 19d 10h."));
  // Met and open windows are not part of the timeline.
  CHECK_FALSE(contains(md, "2024-04-08:"));
  CHECK_FALSE(contains(md, "2024-05-09:"));
}

TEST_CASE("The Markdown audit names overdue windows and Next update dates", "[rules]") {
  BugRecord record = audit_bug();
  record.bug.whiteboard = "[ca-compliance] Next update 2024-05-03";
  const std::string md = render_audit_markdown(
      build_audit({record}, audit_mapping(), at("2024-05-06T00:00:00Z"), AuditOptions{}));
  // The window from 05-02 10:00 is due at the end of 05-03 (05-04T00:00Z) and still open on 05-06.
  CHECK(contains(md,
                 "\n- 2024-05-04: failed to post an update due by the Next update date 2024-05-03 "
                 "(owed since 2024-05-02, comment 13 by ca@example.com; still unanswered, 2d "
                 "overdue)\n"));
  // With the date, the update from 04-06 was met; the question alone was late.
  CHECK(contains(md,
                 "\n- 2024-05-02: failed to respond within 7 days since 2024-04-23 (comment 12 by "
                 "x@y; answered by ca@example.com in comment 13, 2d 1h late)\n"));
}

TEST_CASE("Since and until keep the windows that started within those UTC dates", "[rules]") {
  struct Case {
    const char* since;  // "" = none
    const char* until;
    std::vector<std::string> keys;
  };
  const Case cases[] = {
      {"", "", {"bzu-7-700", "bzu-7-701", "bzq-7-712", "bzu-7-713"}},
      {"2024-04-20", "", {"bzq-7-712", "bzu-7-713"}},
      {"2024-04-20", "2024-04-30", {"bzq-7-712"}},
      {"", "2024-04-06", {"bzu-7-700", "bzu-7-701"}},  // until is inclusive
      {"2024-05-02", "2024-05-02", {"bzu-7-713"}},
  };
  for (const Case& c : cases) {
    INFO("since " << c.since << " until " << c.until);
    AuditOptions options;
    if (*c.since) {
      options.since = parse_date(c.since);
    }
    if (*c.until) {
      options.until = parse_date(c.until);
    }
    const AuditReport report =
        build_audit({audit_bug()}, audit_mapping(), at("2024-05-05T00:00:00Z"), options);
    REQUIRE(report.bugs.size() == 1);
    CHECK(keys_of(report.bugs.front().windows) == c.keys);
    CHECK(report.totals.windows == static_cast<int>(c.keys.size()));
  }
  AuditOptions later;
  later.since = parse_date("2024-06-01");
  CHECK(
      build_audit({audit_bug()}, audit_mapping(), at("2024-05-05T00:00:00Z"), later).bugs.empty());
}

TEST_CASE("Bugs outside the mapping's scope are left out of the audit", "[rules]") {
  BugRecord other = audit_bug();
  other.bug.id = 8;
  other.bug.summary = "Other CA: something";
  Mapping mapping = audit_mapping();
  mapping.bugzilla.scope.summary_prefix = "example ca:";  // case-insensitive, like Bugzilla
  const AuditReport report =
      build_audit({other, audit_bug()}, mapping, at("2024-05-05T00:00:00Z"), AuditOptions{});
  REQUIRE(report.bugs.size() == 1);
  CHECK(report.bugs.front().bug_id == 7);

  Bug bug = audit_bug().bug;
  BugScope scope;  // CA Program :: CA Certificate Compliance, anything else open
  CHECK(in_scope(bug, scope));
  scope.whiteboard = "CA-COMPLIANCE";
  bug.whiteboard = "[ca-compliance] [ov-misissuance]";
  CHECK(in_scope(bug, scope));
  bug.whiteboard = "[ov-misissuance]";
  CHECK_FALSE(in_scope(bug, scope));
  bug.whiteboard = "[ca-compliance]";
  scope.assignee = "CA@example.com";
  CHECK(in_scope(bug, scope));
  bug.assigned_to = "someone@else.org";
  CHECK_FALSE(in_scope(bug, scope));
  scope = BugScope{};
  bug.component = "CA Security Vulnerability";
  CHECK_FALSE(in_scope(bug, scope));
  scope.component.clear();  // empty = any
  CHECK(in_scope(bug, scope));
  bug.product = "Firefox";
  CHECK_FALSE(in_scope(bug, scope));
}

TEST_CASE("The CSV audit has a header and quotes fields per RFC 4180", "[rules]") {
  BugRecord record = audit_bug();
  record.bug.summary = "Example CA: a \"quoted\", thing";
  const std::string csv = render_audit_csv(
      build_audit({record}, audit_mapping(), at("2024-05-05T00:00:00Z"), AuditOptions{}));
  CHECK(csv.rfind("bug_id,summary,key,kind,status,start,deadline,", 0) == 0);
  CHECK(contains(csv,
                 "\r\n7,\"Example CA: a \"\"quoted\"\", thing\",bzq-7-712,question,missed,"
                 "2024-04-23T09:00:00Z,2024-04-30T09:00:00Z,"));
  // One header plus four windows, each line ended by CRLF.
  std::size_t lines = 0;
  for (std::size_t p = csv.find("\r\n"); p != std::string::npos; p = csv.find("\r\n", p + 2)) {
    ++lines;
  }
  CHECK(lines == 5);
}

TEST_CASE("CSV text that a spreadsheet would run as a formula is made inert", "[rules]") {
  BugRecord record = audit_bug();
  record.bug.summary = "=HYPERLINK(\"https://evil.example\",\"x\")";
  const std::string csv = render_audit_csv(
      build_audit({record}, audit_mapping(), at("2024-05-05T00:00:00Z"), AuditOptions{}));
  // The summary keeps its text behind an apostrophe (and RFC 4180 quoting for its quotes).
  CHECK(contains(csv, "\r\n7,\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\")\",bzq-7-712,"));
  CHECK_FALSE(contains(csv, ",=HYPERLINK"));
  CHECK_FALSE(contains(csv, ",\"=HYPERLINK"));
  // Numbers keep their sign: a window met early has a negative late_seconds.
  CHECK(contains(csv, ",-"));
}

TEST_CASE("The text audit shows one row per window and the totals", "[rules]") {
  const std::string text = render_audit_text(
      build_audit({audit_bug()}, audit_mapping(), at("2024-05-05T00:00:00Z"), AuditOptions{}));
  CHECK(contains(text, "Bug 7: Example CA: late OCSP responses\n"));
  CHECK(contains(text, "question"));
  CHECK(contains(text, "late 2d 1h"));
  CHECK(contains(text,
                 "windows: 4, met: 1, missed: 2, overdue: 0, open: 1, void: 0, missed "
                 "deadlines (lapses): 1"));
}
