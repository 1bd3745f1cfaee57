// The two HTML pages (adapters/report/audit_html.h, status_html.h) on audits made by hand: one
// window bar per window, hostile Bugzilla text inert, private text left out, links only where
// they are safe, compact detail for huge reports. The browser tests (tests/report) check the
// same pages as Chromium parses and draws them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "adapters/report/audit_html.h"
#include "adapters/report/html_text.h"
#include "adapters/report/status_html.h"

using namespace bzjira::adapters::report;
namespace core = bzjira::sync;
using core::Instant;
using core::Obligation;
using core::ObligationKind;
using core::WindowStatus;

namespace {

Instant at(const char* rfc3339) {
  const auto t = core::parse_rfc3339(rfc3339);
  REQUIRE(t);
  return *t;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) {
    ++n;
  }
  return n;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The part of the page from bug `id`'s section to the next section.
std::string section(const std::string& html, long id) {
  const auto start = html.find("id=\"bug-" + std::to_string(id) + "\"");
  REQUIRE(start != std::string::npos);
  return html.substr(start, html.find("</section>", start) - start);
}

Obligation window(ObligationKind kind, WindowStatus status, const char* start,
                  const char* deadline) {
  Obligation w;
  w.kind = kind;
  w.status = status;
  w.start = at(start);
  w.deadline = at(deadline);
  w.key = "bzq-" + std::string(start).substr(0, 10);
  w.start_author = "someone@example.org";
  return w;
}

const std::string k_hostile_login = "x\"><script>alert(1)</script>@evil.test";

struct Fixture {
  core::AuditReport report;
  std::vector<core::BugRecord> records;
  core::Mapping mapping;
  core::UtcZone zone;

  Fixture() {
    mapping.name = "demo<b>";
    mapping.bugzilla.url = "https://bugzilla.example";
    mapping.bugzilla.ca_accounts = {"ca@example.com"};
    report.now = at("2026-11-26T12:00:00Z");

    core::BugAudit one;
    one.bug_id = 100;
    one.summary = "Example CA: <script>alert('summary')</script>";
    Obligation met = window(ObligationKind::question, WindowStatus::met, "2026-08-01T00:00:00Z",
                            "2026-08-08T00:00:00Z");
    met.satisfied_at = at("2026-08-03T00:00:00Z");
    met.satisfied_by = "ca@example.com";
    met.satisfied_comment_count = 2;
    met.late_seconds = core::Seconds{-5 * 86400};
    Obligation missed = window(ObligationKind::update, WindowStatus::missed, "2026-08-03T00:00:00Z",
                               "2026-08-10T00:00:00Z");
    missed.satisfied_at = at("2026-08-12T00:00:00Z");
    missed.satisfied_by = "ca@example.com";
    missed.late_seconds = core::Seconds{2 * 86400};
    missed.key = "bzu-100-1";
    Obligation overdue = window(ObligationKind::question, WindowStatus::overdue,
                                "2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z");
    overdue.start_author = k_hostile_login;
    overdue.late_seconds = at("2026-11-26T12:00:00Z") - at("2026-11-08T00:00:00Z");
    one.windows = {met, missed, overdue};
    one.totals.windows = 3;
    one.totals.met = 1;
    one.totals.missed = 1;
    one.totals.overdue = 1;
    // The core groups the late windows into lapses (sync/audit.h): one answered, one open.
    one.lapses = core::audit_lapses(one);
    one.totals.lapses = static_cast<int>(one.lapses.size());

    core::BugAudit two;
    two.bug_id = 200;
    std::string huge;
    while (huge.size() < 10 * 1024) {
      huge += "<script>";
    }
    two.summary = huge;
    two.windows = {window(ObligationKind::update, WindowStatus::open, "2026-11-20T00:00:00Z",
                          "2026-11-27T00:00:00Z")};
    two.totals.windows = 1;
    two.totals.open = 1;
    report.bugs = {one, two};
    report.totals.windows = 4;
    report.totals.met = 1;
    report.totals.missed = 1;
    report.totals.overdue = 1;
    report.totals.open = 1;
    report.totals.lapses = 2;

    core::BugRecord r1;
    r1.bug.id = 100;
    r1.bug.status = "ASSIGNED";
    r1.bug.creator = "ca@example.com";
    r1.bug.creation_time = at("2026-08-01T00:00:00Z");
    r1.bug.whiteboard =
        "[ca-compliance] javascript:alert(1) \xE2\x80\xAE"
        "evil";
    const auto comment = [](int count, const std::string& who, const char* when,
                            const std::string& text, bool is_private) {
      core::Comment c;
      c.id = 1000 + count;
      c.bug_id = 100;
      c.count = count;
      c.creator = who;
      c.time = at(when);
      c.text = text;
      c.is_private = is_private;
      return c;
    };
    r1.comments = {
        comment(0, "ca@example.com", "2026-08-01T00:00:00Z", "Incident report", false),
        comment(1, k_hostile_login, "2026-08-01T00:00:00Z",
                "<img src=x onerror=alert(1)> </title><script>x</script>", false),
        comment(2, "ca@example.com", "2026-08-03T00:00:00Z", "Answer", false),
        comment(3, "other@example.org", "2026-08-20T00:00:00Z", "SECRET-PRIVATE-TEXT", true)};
    core::BugRecord r2;
    r2.bug.id = 200;
    r2.bug.status = "NEW";
    records = {r1, r2};
  }

  std::string page(std::optional<Detail> detail = std::nullopt) const {
    AuditPageOptions options;
    options.version = "9.9.9";
    options.source = "dataset.json";
    options.detail = detail;
    return render_audit_html(report, records, mapping, zone, options);
  }
};

}  // namespace

TEST_CASE("each bug's picture has one window bar per window of the audit", "[report]") {
  const Fixture f;
  const std::string html = f.page();
  CHECK(count(section(html, 100), "<g class=\"w ") == 3);
  CHECK(count(section(html, 100), "<g class=\"w met\"") == 1);
  CHECK(count(section(html, 100), "<g class=\"w missed\"") == 1);
  CHECK(count(section(html, 100), "<g class=\"w overdue\"") == 1);
  CHECK(count(section(html, 200), "<g class=\"w open\"") == 1);
  CHECK(count(html, "<svg class=\"tl\"") == 2);
  // One comment marker per comment, each with its number and author in its title.
  CHECK(count(section(html, 100), "<path class=\"c") == 4);
  CHECK(section(html, 100).find("<title>Comment 2 by ca@example.com, 2026-08-03 00:00 UTC") !=
        std::string::npos);
}

TEST_CASE("under each picture the incident report's lines, one per lapse, as markdown prints them",
          "[report]") {
  const Fixture f;
  const std::string html = f.page();
  const core::BugAudit& one = f.report.bugs[0];
  REQUIRE(one.lapses.size() == 2);
  const std::string bug = section(html, 100);
  CHECK(count(bug, "<ol class=\"lapses\">") == 1);
  CHECK(count(bug, "<li>") == 2);
  for (const core::Lapse& lapse : one.lapses) {
    CHECK(bug.find("<li>" + escaped(core::render_lapse_line(one, lapse)) + "</li>") !=
          std::string::npos);
  }
  // Numbered marks in the picture, the line as their title.
  CHECK(count(bug, "<g class=\"lp\"") == 2);
  CHECK(bug.find("<title>Lapse 2: ") != std::string::npos);
  CHECK(section(html, 200).find("<h3>Timeline</h3>\n<p>No late responses.</p>") !=
        std::string::npos);
  CHECK(count(section(html, 200), "<g class=\"lp\"") == 0);
  // The summary counts them.
  CHECK(html.find("<span class=\"bad\"><b>2</b> missed deadlines (lapses)</span>") !=
        std::string::npos);
}

TEST_CASE("hostile Bugzilla text in the audit page stays text", "[report]") {
  const Fixture f;
  const std::string html = f.page();
  CHECK(lower(html).find("<script") == std::string::npos);
  CHECK(lower(html).find("<img") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;summary&#39;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@evil.test") !=
        std::string::npos);
  CHECK(html.find("&lt;img src=x onerror=alert(1)&gt; &lt;/title&gt;") != std::string::npos);
  CHECK(html.find("\xE2\x80\xAE") == std::string::npos);         // the override is gone
  CHECK(html.find("javascript:alert(1)") != std::string::npos);  // as text, in the whiteboard
  CHECK(html.find("href=\"javascript") == std::string::npos);
  CHECK(html.find("<h1>Incident response obligations of <bdi>demo&lt;b&gt;</bdi></h1>") !=
        std::string::npos);
}

TEST_CASE("a 10 KB summary is clipped in the heading and the table", "[report]") {
  const Fixture f;
  const std::string html = f.page();
  // 300 code points in the heading: 37 whole "<script>" and "<scr".
  CHECK(count(section(html, 200), "&lt;script&gt;") == 37);
  CHECK(section(html, 200).find("&lt;scr\xE2\x80\xA6</bdi></h2>") != std::string::npos);
  // 90 in the summary's row: 11 whole.
  const auto row = html.find("<a href=\"#bug-200\">");
  REQUIRE(row != std::string::npos);
  CHECK(count(html.substr(row, html.find("</tr>", row) - row), "&lt;script&gt;") == 11);
  CHECK(html.size() < 200 * 1024);
}

TEST_CASE("private comment text never reaches the page", "[report]") {
  const Fixture f;
  CHECK(f.page().find("SECRET-PRIVATE-TEXT") == std::string::npos);
  CHECK(f.page().find("Comment 3 by other@example.org, 2026-08-20 00:00 UTC (private: text not "
                      "shown)") != std::string::npos);
}

TEST_CASE("bugs link to Bugzilla and the summary links to each bug's section", "[report]") {
  Fixture f;
  std::string html = f.page();
  CHECK(html.find("<a href=\"https://bugzilla.example/show_bug.cgi?id=100\"") != std::string::npos);
  CHECK(html.find("<a href=\"#bug-200\">200</a>") != std::string::npos);
  f.mapping.bugzilla.url = "javascript:alert(1)//";
  html = f.page();
  CHECK(html.find("show_bug.cgi") == std::string::npos);
}

TEST_CASE("the summary counts every status and states the page's context", "[report]") {
  const Fixture f;
  const std::string html = f.page();
  const std::string summary = html.substr(0, html.find("<section class=\"bug"));
  CHECK(summary.find("<b>2</b> bugs") != std::string::npos);
  CHECK(summary.find("<b>1</b> met") != std::string::npos);
  CHECK(summary.find("<span class=\"bad\"><b>1</b> missed</span>") != std::string::npos);
  // On time: 1 met of 3 with a known outcome.
  CHECK(summary.find("<b>33.3%</b> on time") != std::string::npos);
  CHECK(summary.find("Audit as of <strong>2026-11-26 12:00 UTC</strong>") != std::string::npos);
  CHECK(summary.find("bzjira 9.9.9") != std::string::npos);
  CHECK(summary.find("Jira due dates in UTC") != std::string::npos);
  CHECK(summary.find(">Missed deadlines per month</title>") != std::string::npos);
}

TEST_CASE("the table of windows lists every window with its key", "[report]") {
  const Fixture f;
  const std::string bug = section(f.page(), 100);
  CHECK(bug.find("<summary>All 3 windows</summary>") != std::string::npos);
  CHECK(bug.find(">bzu-100-1</td>") != std::string::npos);
  CHECK(bug.find(">bzq-2026-08-01</td>") != std::string::npos);
  CHECK(bug.find(">bzq-2026-11-01</td>") != std::string::npos);
}

TEST_CASE("compact detail merges bars by status and counts comments by kind of author",
          "[report]") {
  const Fixture f;
  const std::string html = f.page(Detail::compact);
  CHECK(count(html, "<g class=\"w ") == 0);
  CHECK(count(section(html, 100), "<g class=\"wc ") == 3);
  CHECK(html.find("<details>") == std::string::npos);
  CHECK(html.find("Comment 1 by") == std::string::npos);
  CHECK(section(html, 100).find("<title>Comments by the CA: 2</title>") != std::string::npos);
  CHECK(section(html, 100).find("<title>Comments by others: 2</title>") != std::string::npos);
  // Lapses: the numbered lines stay, the marks are dots in one path.
  CHECK(count(section(html, 100), "<li>") == 2);
  CHECK(count(section(html, 100), "<path class=\"lpc\"") == 1);
  CHECK(count(section(html, 100), "<g class=\"lp\"") == 0);
  CHECK(lower(html).find("<script") == std::string::npos);
  CHECK(html.find("compact detail") != std::string::npos);
}

TEST_CASE("a window's title says what started it, its deadline and how it ended", "[report]") {
  Obligation w;
  w.kind = ObligationKind::update;
  w.status = WindowStatus::missed;
  w.key = "bzu-2061101-123";
  w.start = at("2026-08-12T10:05:31Z");
  w.start_comment_count = 3;
  w.start_author = "jdoe@example-ca.test";
  w.deadline = at("2026-08-19T10:05:31Z");
  w.satisfied_at = at("2026-08-20T13:20:08Z");
  w.satisfied_by = "jdoe@example-ca.test";
  w.satisfied_comment_count = 4;
  w.late_seconds = *w.satisfied_at - w.deadline;  // 27 h 14 min 37 s
  CHECK(window_sentence(w, core::UtcZone{}, at("2026-11-26T12:00:00Z")) ==
        "Update window from 2026-08-12 10:05 UTC (comment 3 by jdoe@example-ca.test): deadline "
        "2026-08-19 10:05 UTC. Missed: answered 2026-08-20 13:20 UTC by jdoe@example-ca.test in "
        "comment 4, 1d 3h late. [bzu-2061101-123]");
}

TEST_CASE("since and until are stated and bound the time axis", "[report]") {
  const Fixture f;
  AuditPageOptions options;
  options.since = core::parse_date("2026-08-01");
  options.until = core::parse_date("2026-08-31");
  const std::string html = render_audit_html(f.report, f.records, f.mapping, f.zone, options);
  CHECK(html.find("windows starting on or after 2026-08-01 and on or before 2026-08-31") !=
        std::string::npos);
  // The axis starts at 2026-08-01 00:00 exactly (no padding): August's label at the left edge.
  CHECK(section(html, 100).find("<tspan x=\"86\">Aug 2026</tspan>") != std::string::npos);
}

TEST_CASE("the status page lists the rows in the order given with overdue and due soon flagged",
          "[report]") {
  core::Mapping mapping;
  mapping.name = "demo";
  mapping.bugzilla.url = "https://bugzilla.example";
  mapping.jira.url = "https://jira.example";
  const Instant now = at("2026-11-26T12:00:00Z");
  std::vector<StatusRow> rows(3);
  rows[0].obligation = window(ObligationKind::question, WindowStatus::overdue,
                              "2026-11-12T16:40:00Z", "2026-11-19T16:40:00Z");
  rows[0].obligation.bug_id = 7;
  rows[0].bug_summary = "First <script>";
  rows[0].jira_key = "CAINC-7";
  rows[1].obligation = window(ObligationKind::update, WindowStatus::open, "2026-11-19T15:00:00Z",
                              "2026-11-26T15:00:00Z");
  rows[1].obligation.bug_id = 8;
  rows[1].jira_key = "X-1\"><script>alert(1)</script>";
  rows[2].obligation = window(ObligationKind::needinfo, WindowStatus::open, "2026-11-24T09:15:00Z",
                              "2026-12-01T09:15:00Z");
  rows[2].obligation.bug_id = 9;
  const std::string html = render_status_html(rows, mapping, core::UtcZone{}, now, {"9.9.9", 300});
  const auto first = html.find("show_bug.cgi?id=7");
  const auto second = html.find("show_bug.cgi?id=8");
  const auto third = html.find("show_bug.cgi?id=9");
  REQUIRE(first != std::string::npos);
  CHECK(first < second);
  CHECK(second < third);
  CHECK(count(html, "<tr class=\"overdue\">") == 1);
  CHECK(count(html, "<tr class=\"soon\">") == 1);  // 3 hours left
  CHECK(count(html, "<tr class=\"ahead\">") == 1);
  CHECK(html.find("overdue by 6d 19h") != std::string::npos);
  CHECK(html.find("<a href=\"https://jira.example/browse/CAINC-7\"") != std::string::npos);
  CHECK(html.find("browse/X-1") == std::string::npos);
  CHECK(lower(html).find("<script") == std::string::npos);
  CHECK(html.find("<meta http-equiv=\"refresh\" content=\"300\">") != std::string::npos);
  CHECK(html.find("1 overdue</span>") != std::string::npos);
}

TEST_CASE("the status page says plainly when nothing is owed", "[report]") {
  core::Mapping mapping;
  mapping.name = "demo";
  const std::string html =
      render_status_html({}, mapping, core::UtcZone{}, at("2026-11-26T12:00:00Z"), {"9.9.9", 0});
  CHECK(html.find("Nothing is owed right now.") != std::string::npos);
  CHECK(html.find("<table") == std::string::npos);
  CHECK(html.find("http-equiv=\"refresh\"") == std::string::npos);
}
