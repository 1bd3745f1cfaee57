// `bzjira audit` on the bundled demo (mappings/demo.json, deploy/demo/example-ca.dataset.json) at
// the demo's fixed time 2026-11-26T12:00:00Z. Every expected value below was worked out by hand
// from the dataset's comment times and docs/rules.md (7 days to respond or update, Next update
// dates due by the end of the day in UTC, revocation-delay SHOULD at 3 days), not copied from the
// program.
#include <catch2/catch.hpp>

#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/e2e/cli_run.h"
#include "tests/support/paths.h"

using bzjira::e2e::demo_audit;
using bzjira::e2e::run_bzjira;
using bzjira::e2e::TempDir;
using nlohmann::json;

namespace {

constexpr long k_hour = 3600;
constexpr long k_day = 24 * k_hour;

// The Example CA bugs of the demo; 2061410 belongs to "Other CA" and is out of scope.
const std::set<long> k_example_ca_bugs = {2061101, 2061187, 2061240, 2061302, 2061355, 2061466};
constexpr long k_other_ca_bug = 2061410;

json audit_json(const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_bzjira(demo_audit(args));
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  return json::parse(r.out);
}

// The one window of `bug` of `kind` that starts at `start`.
json window(const json& windows, long bug, const std::string& kind, const std::string& start) {
  std::vector<json> found;
  for (const auto& w : windows) {
    if (w.at("bug_id") == bug && w.at("kind") == kind && w.at("start") == start) {
      found.push_back(w);
    }
  }
  INFO("bug " << bug << " " << kind << " starting " << start);
  REQUIRE(found.size() == 1);
  return found.front();
}

int count_if(const json& windows, const std::function<bool(const json&)>& pred) {
  int n = 0;
  for (const auto& w : windows) {
    n += pred(w) ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("the demo audit in JSON has one well-formed object per window", "[e2e][cli]") {
  const json windows = audit_json();
  REQUIRE(windows.is_array());
  REQUIRE(windows.size() > 40);
  for (const auto& w : windows) {
    INFO(w.dump());
    CHECK(w.at("bug_id").is_number_integer());
    CHECK(w.at("kind").is_string());
    CHECK(w.at("key").is_string());
    CHECK(w.at("start").is_string());
    CHECK(w.at("deadline").is_string());
    CHECK((w.at("should_by").is_null() || w.at("should_by").is_string()));
    CHECK((w.at("satisfied_at").is_null() || w.at("satisfied_at").is_string()));
    CHECK((w.at("satisfied_by").is_null() || w.at("satisfied_by").is_string()));
    CHECK((w.at("start_comment").is_null() || w.at("start_comment").is_number_integer()));
    CHECK(w.contains("start_author"));
    CHECK(w.at("status").is_string());
    CHECK(w.at("late_seconds").is_number_integer());
    CHECK(w.at("rule").is_string());
    CHECK(w.contains("end_reason"));
    // RFC 3339 in UTC: "2026-11-26T12:00:00Z".
    CHECK(w.at("start").get<std::string>().size() == 20);
    CHECK(w.at("start").get<std::string>().back() == 'Z');
  }
}

TEST_CASE("the demo audit covers exactly the Example CA bugs: the other CA's bug is out of scope",
          "[e2e][cli]") {
  const json windows = audit_json();
  std::set<long> bugs;
  for (const auto& w : windows) {
    bugs.insert(w.at("bug_id").get<long>());
  }
  CHECK(bugs == k_example_ca_bugs);
  CHECK(bugs.count(k_other_ca_bug) == 0);

  for (const char* format : {"text", "markdown", "csv"}) {
    INFO(format);
    const auto r = run_bzjira(demo_audit({"--format", format}));
    CHECK(r.code == 0);
    CHECK(r.out.find("2061410") == std::string::npos);
    CHECK(r.out.find("Other CA") == std::string::npos);
    CHECK(r.out.find("2061355") != std::string::npos);
  }
}

TEST_CASE("demo: a question unanswered for a week is overdue at the demo's time", "[e2e][cli]") {
  const json windows = audit_json();
  // Bug 2061355 comment 15 by m.keller at 2026-11-12 16:40; no CA comment after it. Deadline
  // 2026-11-19 16:40; at 2026-11-26 12:00 that is 6 days 19 h 20 min late.
  const json w = window(windows, 2061355, "question", "2026-11-12T16:40:00Z");
  CHECK(w.at("start_comment") == 15);
  CHECK(w.at("start_author") == "m.keller@community.test");
  CHECK(w.at("deadline") == "2026-11-19T16:40:00Z");
  CHECK(w.at("status") == "overdue");
  CHECK(w.at("satisfied_at").is_null());
  CHECK(w.at("late_seconds") == 6 * k_day + 19 * k_hour + 20 * 60);
}

TEST_CASE("demo: a Next update date moves the update deadline to the end of that UTC day",
          "[e2e][cli]") {
  const json windows = audit_json();
  // Bug 2061355: the CA's last comment is comment 14 (2026-11-05 10:00); the whiteboard says
  // "Next update 2026-11-19", due by the end of that day in UTC: 2026-11-20 00:00. Overdue by
  // 6 days 12 h at 2026-11-26 12:00. The bot's reminder (comment 16) satisfies nothing.
  const json overdue = window(windows, 2061355, "update", "2026-11-05T10:00:00Z");
  CHECK(overdue.at("deadline") == "2026-11-20T00:00:00Z");
  CHECK(overdue.at("deadline_from_next_update") == true);
  CHECK(overdue.at("status") == "overdue");
  CHECK(overdue.at("late_seconds") == 6 * k_day + 12 * k_hour);

  // Bug 2061240: "Next update 2026-12-04" since 2026-11-13; the update owed since comment 8 is due
  // 2026-12-05 00:00, still ahead.
  const json open = window(windows, 2061240, "update", "2026-11-12T15:20:00Z");
  CHECK(open.at("deadline") == "2026-12-05T00:00:00Z");
  CHECK(open.at("status") == "open");
  CHECK(open.at("late_seconds") == -(8 * k_day + 12 * k_hour));

  // Bug 2061355 comment 11 (2026-10-16 11:00) asked for Next update 2026-11-05, set the same day:
  // without the date the update would have been 4 days late on 2026-10-27; with it, it was met.
  const json with_date = window(windows, 2061355, "update", "2026-10-16T11:00:00Z");
  CHECK(with_date.at("deadline") == "2026-11-06T00:00:00Z");
  CHECK(with_date.at("status") == "met");
}

TEST_CASE("demo: an open question and an open needinfo on a CA account", "[e2e][cli]") {
  const json windows = audit_json();
  // Bug 2061240 comment 9: the moderator asks and sets needinfo on jdoe@example-ca.test at
  // 2026-11-24 09:15. Both are due 2026-12-01 09:15, 4 days 21 h 15 min after the demo's time.
  const json q = window(windows, 2061240, "question", "2026-11-24T09:15:00Z");
  CHECK(q.at("status") == "open");
  CHECK(q.at("deadline") == "2026-12-01T09:15:00Z");
  CHECK(q.at("late_seconds") == -(4 * k_day + 21 * k_hour + 15 * 60));
  const json n = window(windows, 2061240, "needinfo", "2026-11-24T09:15:00Z");
  CHECK(n.at("status") == "open");
  CHECK(n.at("deadline") == "2026-12-01T09:15:00Z");
  CHECK(n.at("flag_id") == 2351177);
  CHECK(n.at("start_author") == "moderator@ccadb.test");
}

TEST_CASE("demo: several questions before one reply, the first one missed", "[e2e][cli]") {
  const json windows = audit_json();
  // Bug 2061240: questions in comments 3 (10-22 18:30), 4 (10-24 09:10) and 5 (10-26 20:00), one
  // reply in comment 6 on 10-30 11:00. The first was due 10-29 18:30: 16 h 30 min late.
  const json first = window(windows, 2061240, "question", "2026-10-22T18:30:00Z");
  CHECK(first.at("status") == "missed");
  CHECK(first.at("start_author") == "p.nguyen@community.test");
  CHECK(first.at("satisfied_at") == "2026-10-30T11:00:00Z");
  CHECK(first.at("satisfied_by") == "compliance@example-ca.test");
  CHECK(first.at("satisfied_comment") == 6);
  CHECK(first.at("late_seconds") == 16 * k_hour + 30 * 60);
  for (const char* start : {"2026-10-24T09:10:00Z", "2026-10-26T20:00:00Z"}) {
    const json later = window(windows, 2061240, "question", start);
    CHECK(later.at("status") == "met");
    CHECK(later.at("satisfied_comment") == 6);
    CHECK(later.at("late_seconds").get<long>() < 0);
  }
  // The update owed since comment 2 (10-21 10:00) was due 10-28 10:00: 2 days 1 h late.
  const json update = window(windows, 2061240, "update", "2026-10-21T10:00:00Z");
  CHECK(update.at("status") == "missed");
  CHECK(update.at("late_seconds") == 2 * k_day + 1 * k_hour);
}

TEST_CASE("demo: late and on-time replies, to the second", "[e2e][cli]") {
  const json windows = audit_json();
  // Bug 2061101: update owed since comment 3 (08-12 10:05:31), next CA comment 6 on 08-20 13:20:08:
  // 1 day 3 h 14 min 37 s late.
  const json late = window(windows, 2061101, "update", "2026-08-12T10:05:31Z");
  CHECK(late.at("status") == "missed");
  CHECK(late.at("late_seconds") == k_day + 3 * k_hour + 14 * 60 + 37);
  // Bug 2061302: update owed since comment 6 (10-27 07:40), posted 11-03 08:15: 35 minutes late.
  CHECK(window(windows, 2061302, "update", "2026-10-27T07:40:00Z").at("late_seconds") == 35 * 60);
  // Bug 2061355: question in comment 12 (10-20 13:00:00) answered at 10-27 13:00:00 exactly: met.
  const json exact = window(windows, 2061355, "question", "2026-10-20T13:00:00Z");
  CHECK(exact.at("status") == "met");
  CHECK(exact.at("late_seconds") == 0);
  CHECK(exact.at("satisfied_at") == "2026-10-27T13:00:00Z");
  // Deleted comment 7 leaves a gap: the update owed since comment 6 is met by comment 8.
  const json gap = window(windows, 2061355, "update", "2026-09-15T12:30:00Z");
  CHECK(gap.at("start_comment") == 6);
  CHECK(gap.at("satisfied_comment") == 8);
  CHECK(gap.at("status") == "met");
}

TEST_CASE("demo: the revocation-delay bug has SHOULD dates and an overdue MUST", "[e2e][cli]") {
  const json windows = audit_json();
  // Bug 2061187 [leaf-revocation-delay]: last CA update comment 18 on 11-18 16:45. SHOULD 3 days
  // (11-21 16:45), MUST 7 days (11-25 16:45): overdue by 19 h 15 min at 11-26 12:00.
  const json w = window(windows, 2061187, "update", "2026-11-18T16:45:00Z");
  CHECK(w.at("should_by") == "2026-11-21T16:45:00Z");
  CHECK(w.at("deadline") == "2026-11-25T16:45:00Z");
  CHECK(w.at("status") == "overdue");
  CHECK(w.at("late_seconds") == 19 * k_hour + 15 * 60);
  CHECK(w.at("start_author") == "ca-incident-desk@mailbox.test");
  // Ten days between comments 8 (10-09 10:00) and 9 (10-19 15:30): MUST missed by 3 days 5 h 30
  // min.
  const json missed = window(windows, 2061187, "update", "2026-10-09T10:00:00Z");
  CHECK(missed.at("status") == "missed");
  CHECK(missed.at("late_seconds") == 3 * k_day + 5 * k_hour + 30 * 60);
  for (const auto& u : windows) {
    if (u.at("bug_id") == 2061187 && u.at("kind") == "update") {
      CHECK(u.at("should_by").is_string());
    }
  }
}

TEST_CASE("demo: bot comments start nothing", "[e2e][cli]") {
  const json windows = audit_json();
  CHECK(count_if(windows, [](const json& w) {
          return w.at("start_author") == "bmo-bot@mozilla.tld" ||
                 w.at("satisfied_by") == "bmo-bot@mozilla.tld";
        }) == 0);
}

TEST_CASE("demo: resolution and closure requests end what the CA owes", "[e2e][cli]") {
  const json windows = audit_json();
  // Bug 2061101 was resolved FIXED at 2026-09-30 09:27:51; m.keller's comment 13 of 09-25 08:14
  // was due 10-02 08:14, after the resolution: void.
  const json v = window(windows, 2061101, "question", "2026-09-25T08:14:00Z");
  CHECK(v.at("status") == "void");
  CHECK(v.at("ended_at") == "2026-09-30T09:27:51Z");
  CHECK(v.at("satisfied_at").is_null());
  // Bug 2061302: closure summary with needinfo on incident-reporting@ccadb.org on 11-10, only a bot
  // comment since: no update is owed, so nothing is open, overdue or missed after it.
  for (const long bug : {2061101L, 2061302L}) {
    CHECK(count_if(windows, [&](const json& w) {
            return w.at("bug_id") == bug &&
                   (w.at("status") == "open" || w.at("status") == "overdue");
          }) == 0);
  }
  CHECK(count_if(windows, [](const json& w) {
          return w.at("bug_id") == 2061302 && w.at("start") >= "2026-11-10T06:30:00Z" &&
                 w.at("status") != "void";
        }) == 0);
}

TEST_CASE("demo: the totals show open, overdue and missed windows", "[e2e][cli]") {
  const json windows = audit_json();
  const auto with = [&](const char* status) {
    return count_if(windows, [&](const json& w) { return w.at("status") == status; });
  };
  // By hand: open = 2061240's question, needinfo and update; overdue = 2061187's update, 2061355's
  // question and update; missed = 2061101 (1), 2061187 (1), 2061240 (2), 2061302 (1), 2061355 (1),
  // 2061466 (1, the reopening's update).
  CHECK(with("open") == 3);
  CHECK(with("overdue") == 3);
  CHECK(with("missed") == 7);

  const auto text = run_bzjira(demo_audit({}));
  CHECK(text.code == 0);
  CHECK(text.out.find("missed: 7, overdue: 3, open: 3") != std::string::npos);
  // One lapse each on 2061101, 2061240, 2061302 and 2061466, two on 2061187 and 2061355.
  CHECK(text.out.find("missed deadlines (lapses): 8,") != std::string::npos);
}

TEST_CASE("demo: the Markdown timeline has one line per lapse like an incident report",
          "[e2e][cli]") {
  const auto r = run_bzjira(demo_audit({"--format", "markdown"}));
  CHECK(r.code == 0);
  CHECK(r.out.find("All dates and times are UTC.") != std::string::npos);
  // Bug 2061240: comment 3 (10-22 18:30, due 10-29 18:30) and the update owed since comment 2
  // (10-21 10:00, due 10-28 10:00) were both answered by comment 6 on 10-30 11:00: one lapse.
  CHECK(r.out.find("- 2026-10-30: failed to respond within 7 days since 2026-10-22 (comment 3 by "
                   "p.nguyen@community.test; weekly update; answered by "
                   "compliance@example-ca.test in comment 6, 16h 30m late)\n") !=
        std::string::npos);
  // Bug 2061355: comment 15 (11-12 16:40, due 11-19 16:40) and the update due by the Next update
  // date 2026-11-19 are still open at 11-26 12:00: one open lapse, 6d 19h 20m overdue.
  CHECK(r.out.find("- 2026-11-19: failed to respond within 7 days since 2026-11-12 (comment 15 by "
                   "m.keller@community.test; update due by the Next update date 2026-11-19; still "
                   "unanswered, 6d 19h overdue)\n") != std::string::npos);
  // A met window is not part of the timeline.
  CHECK(r.out.find("since 2026-10-24") == std::string::npos);
}

TEST_CASE("demo: --timeline-only prints just the lines, in time order across the bugs",
          "[e2e][cli]") {
  const auto r = run_bzjira(demo_audit({"--format", "markdown", "--timeline-only"}));
  CHECK(r.code == 0);
  CHECK(r.out.rfind("- 2026-", 0) == 0);
  CHECK(r.out.find('#') == std::string::npos);
  CHECK(r.out.find("\n- 2026-10-30: bug 2061240: failed to respond within 7 days since "
                   "2026-10-22") != std::string::npos);
  std::string previous;
  for (std::size_t pos = 0; pos < r.out.size();) {
    const std::size_t eol = r.out.find('\n', pos);
    REQUIRE(eol != std::string::npos);
    const std::string date = r.out.substr(pos + 2, 10);
    CHECK(r.out.compare(pos, 2, "- ") == 0);
    CHECK(previous <= date);
    previous = date;
    pos = eol + 1;
  }
  const auto text = run_bzjira(demo_audit({"--timeline-only"}));
  CHECK(text.code == 2);
}

TEST_CASE("demo: a reopened bug owes an update from the reopening, with nobody commenting",
          "[e2e][cli]") {
  const json windows = audit_json();
  // Bug 2061466 was resolved on 09-24 and reopened by the moderator on 10-27 14:05 without a
  // comment; the CA's update came on 11-05 10:30, 1 d 20 h 25 min after 11-03 14:05.
  const json w = window(windows, 2061466, "update", "2026-10-27T14:05:00Z");
  CHECK(w.at("start_comment").is_null());
  CHECK(w.at("start_author") == "moderator@ccadb.test");
  CHECK(w.at("deadline") == "2026-11-03T14:05:00Z");
  CHECK(w.at("status") == "missed");
  CHECK(w.at("satisfied_comment") == 4);
  CHECK(w.at("late_seconds") == k_day + 20 * k_hour + 25 * 60);
  const auto md = run_bzjira(demo_audit({"--format", "markdown"}));
  CHECK(md.out.find("- 2026-11-05: failed to post an update within 7 days since 2026-10-27 (bug "
                    "reopened by moderator@ccadb.test; answered by compliance@example-ca.test in "
                    "comment 4, 1d 20h late)\n") != std::string::npos);
  // Closed again on 11-09: the window from comment 4 ended void.
  CHECK(window(windows, 2061466, "update", "2026-11-05T10:30:00Z").at("status") == "void");
}

TEST_CASE("demo: a Next update date set after the deadline had passed does not make it met",
          "[e2e][cli]") {
  const json windows = audit_json();
  // Bug 2061302: comment 6 (10-27 07:40) asked for Next update 2026-11-06; the moderator set it on
  // 11-03 08:00, 20 minutes after the 7 days had run out; the CA's update at 08:15 is 35 min late.
  const json w = window(windows, 2061302, "update", "2026-10-27T07:40:00Z");
  CHECK(w.at("deadline") == "2026-11-03T07:40:00Z");
  CHECK(w.at("deadline_from_next_update") == false);
  CHECK(w.at("status") == "missed");
  CHECK(w.at("late_seconds") == 35 * 60);
}

TEST_CASE("demo: a needinfo the moderator withdrew is void, not answered", "[e2e][cli]") {
  const json windows = audit_json();
  // Bug 2061187: m.keller set needinfo on jdoe with comment 16 (11-10 14:20); the moderator cleared
  // it on 11-11 08:30, before its deadline.
  const json n = window(windows, 2061187, "needinfo", "2026-11-10T14:20:00Z");
  CHECK(n.at("status") == "void");
  CHECK(n.at("satisfied_at").is_null());
  CHECK(n.at("ended_at") == "2026-11-11T08:30:00Z");
  CHECK(n.at("end_reason") == "needinfo withdrawn: cleared by moderator@ccadb.test");
  CHECK(n.at("lapse").is_null());
}

TEST_CASE("the demo timeline README.md shows is what the demo audit prints", "[e2e][cli]") {
  const std::string readme =
      bzjira::e2e::read_file(bzjira::test_support::source_dir() + "/README.md");
  const std::size_t open = readme.find("```\n- 2026-");
  REQUIRE(open != std::string::npos);
  const std::size_t close = readme.find("```", open + 3);
  REQUIRE(close != std::string::npos);
  const auto r = run_bzjira(demo_audit({"--format", "markdown", "--timeline-only"}));
  REQUIRE(r.code == 0);
  CHECK(readme.substr(open + 4, close - open - 4) == r.out);
}

TEST_CASE("demo: json names the lapse each late window belongs to", "[e2e][cli]") {
  const json windows = audit_json();
  // Answered together by comment 6 of bug 2061240.
  CHECK(window(windows, 2061240, "question", "2026-10-22T18:30:00Z").at("lapse") == "2061240#c6");
  CHECK(window(windows, 2061240, "update", "2026-10-21T10:00:00Z").at("lapse") == "2061240#c6");
  // Still open together on bug 2061355.
  CHECK(window(windows, 2061355, "question", "2026-11-12T16:40:00Z").at("lapse") == "2061355#open");
  CHECK(window(windows, 2061355, "update", "2026-11-05T10:00:00Z").at("lapse") == "2061355#open");
  // Met and open windows belong to none.
  CHECK(window(windows, 2061240, "question", "2026-10-24T09:10:00Z").at("lapse").is_null());
  CHECK(window(windows, 2061240, "update", "2026-11-12T15:20:00Z").at("lapse").is_null());
}

TEST_CASE("demo: csv has a header and one row per window", "[e2e][cli]") {
  const json windows = audit_json();
  const auto r = run_bzjira(demo_audit({"--format", "csv"}));
  CHECK(r.code == 0);
  CHECK(r.out.rfind("bug_id,", 0) == 0);
  // No field of the demo holds a line break, so rows are lines.
  CHECK(bzjira::e2e::count_lines(r.out) == static_cast<int>(windows.size()) + 1);
}

TEST_CASE("audit --since and --until keep the windows that start within those UTC dates",
          "[e2e][cli]") {
  const json windows = audit_json({"--since", "2026-11-01", "--until", "2026-11-15"});
  // By hand: 2061187 updates of 11-04, 11-09, 11-13, the question and the needinfo of 11-10;
  // 2061240's update of 11-12; 2061302's update of 11-03; 2061355's update of 11-05 and question of
  // 11-12; 2061466's update of 11-05.
  CHECK(windows.size() == 10);
  for (const auto& w : windows) {
    CHECK(w.at("start") >= "2026-11-01T00:00:00Z");
    CHECK(w.at("start") < "2026-11-16T00:00:00Z");
  }
  CHECK(audit_json({"--since", "2026-12-01"}).empty());
  // --until alone: bug 2061101's windows all start in August and September.
  const json early = audit_json({"--until", "2026-08-31"});
  REQUIRE_FALSE(early.empty());
  for (const auto& w : early) {
    CHECK(w.at("start") < "2026-09-01T00:00:00Z");
  }
}

TEST_CASE("audit --output writes the report to a file instead of standard output", "[e2e][cli]") {
  TempDir dir;
  const auto path = (dir.path() / "audit.md").string();
  const auto r = run_bzjira(demo_audit({"--format", "markdown", "--output", path}));
  CHECK(r.code == 0);
  CHECK(r.out.empty());
  const auto written = bzjira::e2e::read_file(path);
  CHECK(written == run_bzjira(demo_audit({"--format", "markdown"})).out);
  // A directory that does not exist: exit 2 with the path named.
  const auto bad = (dir.path() / "missing" / "audit.md").string();
  const auto failed = run_bzjira(demo_audit({"--output", bad}));
  CHECK(failed.code == 2);
  CHECK(failed.err.find(bad) != std::string::npos);
}

TEST_CASE("a bad bug in a dataset is a warning and the other bugs are still audited",
          "[e2e][cli]") {
  TempDir dir;
  // Two Example CA bugs; the first lacks its creation_time. The second has one question from a
  // community member on 2026-11-20 10:00 and nothing since: due 11-27 10:00, open at 11-26 12:00.
  const auto dataset = dir.file("partial.json", R"({
    "bugs": [
      {"id": 7001, "summary": "Example CA: broken", "status": "NEW", "resolution": "",
       "product": "CA Program", "component": "CA Certificate Compliance", "flags": []},
      {"id": 7002, "summary": "Example CA: fine", "status": "NEW", "resolution": "",
       "whiteboard": "[ca-compliance]", "product": "CA Program",
       "component": "CA Certificate Compliance", "creator": "someone@community.test",
       "creation_time": "2026-11-20T10:00:00Z", "flags": []}
    ],
    "comments": {"7002": [
      {"id": 1, "bug_id": 7002, "count": 0, "creator": "someone@community.test",
       "creation_time": "2026-11-20T10:00:00Z", "time": "2026-11-20T10:00:00Z",
       "text": "Example CA seems to have misissued.", "is_private": false, "tags": []}
    ]}
  })");
  const auto r = run_bzjira({"audit", "-c", bzjira::e2e::demo_mapping(), "--from-file", dataset,
                             "--now", "2026-11-26T12:00:00Z", "--format", "json"});
  CHECK(r.code == 0);
  CHECK(r.err.find("warning") != std::string::npos);
  CHECK(r.err.find("7001") != std::string::npos);
  const json windows = json::parse(r.out);
  const json q = window(windows, 7002, "question", "2026-11-20T10:00:00Z");
  CHECK(q.at("deadline") == "2026-11-27T10:00:00Z");
  CHECK(q.at("status") == "open");
  CHECK(count_if(windows, [](const json& w) { return w.at("bug_id") == 7001; }) == 0);
}

TEST_CASE("a dataset with no bug in the mapping's scope audits nothing and says why",
          "[e2e][cli]") {
  TempDir dir;
  const auto dataset = dir.file("other.json", R"({"bugs": [
      {"id": 7101, "summary": "Other CA: not ours", "status": "NEW", "resolution": "",
       "product": "CA Program", "component": "CA Certificate Compliance",
       "creation_time": "2026-11-20T10:00:00Z", "flags": []}]})");
  const auto r = run_bzjira({"audit", "-c", bzjira::e2e::demo_mapping(), "--from-file", dataset,
                             "--now", "2026-11-26T12:00:00Z", "--format", "json"});
  CHECK(r.code == 0);
  CHECK(json::parse(r.out).empty());
  CHECK(r.err.find("scope") != std::string::npos);
}
