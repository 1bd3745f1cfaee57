// A small world for run_sync tests: a fake Bugzilla with two in-scope bugs and one of another CA,
// a fake Jira, a fake state store, and a clock the test moves. Test-only.
//
// Bug 101 "Example CA: OCSP outage", filed by the CA 2025-03-20T00:00Z (comment 0, id 5001), then
//   jeremy asks in comment 1 (id 5002) at 2025-03-24T15:30Z.
//   -> update window bzu-101-5001: deadline 03-27T00:00Z, due 2025-03-26 (UTC)
//   -> question window bzq-101-5002: deadline 03-31T15:30Z, due 2025-03-30
// Bug 102 "Example CA: CRL late", filed by the CA 2025-03-22T10:00Z (comment 0, id 5003).
//   -> update window bzu-102-5003: deadline 03-29T10:00Z, due 2025-03-28
// Bug 103 "Other CA: not ours" (id 5004): out of the mapping's scope (summary prefix).
#pragma once

#include <catch2/catch.hpp>

#include "sync/run.h"
#include "tests/unit/core_test_util.h"
#include "tests/unit/fakes.h"

namespace bzjira::sync::testing {

struct RunWorld {
  Mapping mapping = test_mapping();
  UtcZone utc;
  FakeBugSource bugzilla;
  FakeIssueTracker jira;
  FakeStateStore store;
  Instant now = at("2025-03-25T00:00:00Z");
  int runs = 0;

  RunWorld() {
    bugzilla.add_bug(101, at("2025-03-20T00:00:00Z"), "ca@ca.example", "Example CA: OCSP outage");
    bugzilla.add_comment(101, "jeremy@example.org", "Why did the OCSP responder fail?",
                         at("2025-03-24T15:30:00Z"));
    bugzilla.add_bug(102, at("2025-03-22T10:00:00Z"), "ca@ca.example", "Example CA: CRL late");
    bugzilla.add_bug(103, at("2025-03-22T11:00:00Z"), "other@other.example", "Other CA: not ours");
    sync_clocks();
  }

  void sync_clocks() {
    bugzilla.clock = now;
    jira.clock = now;
  }

  // Moves time on; Bugzilla and Jira clocks follow.
  void advance(Seconds s) {
    now += s;
    sync_clocks();
  }

  RunReport run(bool dry_run = false) {
    RunOptions options;
    options.dry_run = dry_run;
    options.run_id = "run-" + std::to_string(++runs);
    RunReport report = run_sync(bugzilla, jira, store, mapping, utc, now, options);
    INFO(report.summary);
    for (const std::string& line : report.execution.lines) {
      UNSCOPED_INFO(line);
    }
    return report;
  }

  // Requests and writes since the last reset, to look at one run.
  void reset_counters() {
    bugzilla.requests = 0;
    bugzilla.writes = 0;
    jira.requests = 0;
    jira.writes = 0;
    store.writes = 0;
    store.writes_by.clear();
  }

  const FakeIssue& issue(const std::string& obligation_key) {
    const FakeIssue* found = jira.find_by_label(obligation_key);
    INFO("issue for " << obligation_key);
    REQUIRE(found != nullptr);
    return *found;
  }

  std::vector<std::string> summaries() const {
    std::vector<std::string> out;
    for (const std::string& key : jira.order) {
      out.push_back(jira.issues.at(key).issue.summary);
    }
    return out;
  }
};

}  // namespace bzjira::sync::testing
