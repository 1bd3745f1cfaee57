// Steady runs (sync/steady.h): a run with nothing new plans from the steady mark, and only when a
// full evaluation would plan the same.
#include <catch2/catch.hpp>

#include <functional>
#include <random>

#include "sync/derived_cache.h"
#include "sync/obligation_context.h"
#include "sync/steady.h"
#include "tests/unit/run_world.h"

namespace bzjira::sync {
namespace {

using testing::at;
using testing::RunWorld;

// The world after its first run (three creates) and the run that reads those creates back: the
// latter evaluates, plans nothing and leaves a mark.
void settle(RunWorld& w) {
  REQUIRE(w.run().execution.created == 3);
  w.advance(Seconds{660});
  const RunReport r = w.run();
  REQUIRE(r.execution.lines.empty());
  REQUIRE_FALSE(r.steady);
  REQUIRE(w.store.steady.has_value());
  w.advance(Seconds{660});
}

// The same run evaluated in full: a copy of the world without the mark.
RunReport full_evaluation(const RunWorld& w) {
  RunWorld copy = w;
  copy.store.steady.reset();
  return copy.run();
}

void check_same(const RunReport& a, const RunReport& b) {
  CHECK(a.summary == b.summary);
  CHECK(a.execution.lines == b.execution.lines);
  CHECK(a.notes == b.notes);
  CHECK(a.exit_code == b.exit_code);
  CHECK(a.obligations_open == b.obligations_open);
  CHECK(a.overdue == b.overdue);
  CHECK(a.next_deadline == b.next_deadline);
}

TEST_CASE("a run with nothing new is steady and reports what a full evaluation reports",
          "[core][run][steady]") {
  RunWorld w;
  settle(w);
  const RunReport full = full_evaluation(w);
  CHECK_FALSE(full.steady);
  w.reset_counters();
  const std::map<BugId, DerivedBug> derived = w.store.derived;
  const RunReport r = w.run();
  CHECK(r.steady);
  check_same(r, full);
  CHECK(r.obligations_open == 3);
  CHECK(w.bugzilla.requests + w.jira.requests == 3);
  CHECK(w.store.writes_by ==
        std::map<std::string, int>{{"record_run", 1}, {"set_search_marks", 1}});
  CHECK(w.store.derived.size() == derived.size());
  CHECK(w.store.steady.has_value());
  // And the next one too.
  w.advance(Seconds{660});
  CHECK(w.run().steady);
}

TEST_CASE("a steady run whose own write drops the mark writes it back", "[core][run][steady]") {
  RunWorld w;
  settle(w);
  REQUIRE(w.run().steady);
  // Jira's search returns an issue again, as the store already has it.
  const std::string key = w.issue("bzu-102-5003").issue.key;
  w.jira.at(key).issue.updated = w.now;
  w.store.mirror_state[key] = w.jira.at(key).issue;
  w.advance(Seconds{660});
  w.reset_counters();
  const int saves = w.store.steady_saves;
  const RunReport r = w.run();
  CHECK(r.steady);
  CHECK(w.store.writes_by["save_mirror_states"] == 1);  // which dropped the mark
  CHECK(w.store.steady_saves == saves + 1);
  CHECK(w.store.steady.has_value());
  w.advance(Seconds{660});
  CHECK(w.run().steady);
}

TEST_CASE("a deadline passing between two runs with no new data ends the steady mark",
          "[core][run][steady]") {
  RunWorld w;
  // An hour before bzu-101-5001 is due (2025-03-27T00:00Z).
  w.now = at("2025-03-26T23:00:00Z");
  w.sync_clocks();
  settle(w);
  REQUIRE(w.run().steady);
  REQUIRE(w.store.steady->valid_until == at("2025-03-27T00:00:00Z"));
  w.now = at("2025-03-27T00:00:00Z");
  w.sync_clocks();
  const RunReport due = w.run();
  CHECK_FALSE(due.steady);  // valid_until is not before it
  CHECK(due.overdue == 0);
  w.advance(Seconds{1});
  const RunReport full = full_evaluation(w);
  const RunReport r = w.run();
  CHECK_FALSE(r.steady);
  check_same(r, full);
  CHECK(r.overdue == 1);
  CHECK(r.next_deadline == std::optional<Instant>(at("2025-03-29T10:00:00Z")));
  // The evaluation left a new mark: the next deadline is more than k_steady_longest away.
  REQUIRE(w.store.steady.has_value());
  CHECK(w.store.steady->valid_until == w.now + k_steady_longest);
  w.advance(Seconds{660});
  const RunReport next = w.run();
  CHECK(next.steady);
  CHECK(next.overdue == 1);
}

TEST_CASE("a comment dated after the run's time is planned once time reaches it",
          "[core][run][steady]") {
  RunWorld w;
  settle(w);
  // Bugzilla's clock is ahead of ours: a question stamped three minutes after this run's time.
  w.bugzilla.add_comment(102, "jeremy@example.org", "When is the CRL fixed?", w.now + Seconds{180});
  const RunReport first = w.run();
  CHECK_FALSE(first.steady);
  CHECK(first.execution.created == 0);  // not visible yet at this run's time
  REQUIRE(w.store.steady.has_value());
  CHECK(w.store.steady->valid_until == w.now + Seconds{180} + k_closure_slack);
  // Bugzilla has nothing new for the next run (the bug was read), yet the question is owed now.
  w.advance(Seconds{660});
  w.reset_counters();
  const RunReport r = w.run();
  CHECK_FALSE(r.steady);
  CHECK(r.execution.created == 1);
}

TEST_CASE("an issue edited in Jira by a person is planned again", "[core][run][steady]") {
  RunWorld w;
  settle(w);
  REQUIRE(w.run().steady);
  const std::string key = w.issue("bzu-102-5003").issue.key;
  MirroredIssue& issue = w.jira.at(key).issue;
  const std::optional<Date> due = issue.due;
  issue.due = Date{std::chrono::year{2025}, std::chrono::month{4}, std::chrono::day{30}};
  issue.updated = w.now;
  w.advance(Seconds{660});
  const RunReport r = w.run();
  CHECK_FALSE(r.steady);
  CHECK(r.execution.updated == 1);
  CHECK(w.jira.at(key).issue.due == due);
}

TEST_CASE("an issue closed in Jira by a person is reopened", "[core][run][steady]") {
  RunWorld w;
  settle(w);
  REQUIRE(w.run().steady);
  w.jira.close_by_hand(w.issue("bzq-101-5002").issue.key, "Done");
  w.advance(Seconds{660});
  const RunReport r = w.run();
  CHECK_FALSE(r.steady);
  CHECK(r.execution.reopened == 1);
}

TEST_CASE("a mapping change evaluates every bug again", "[core][run][steady]") {
  RunWorld w;
  settle(w);
  REQUIRE(w.run().steady);
  w.mapping.policy.lead_days = 1;
  w.advance(Seconds{660});
  const RunReport r = w.run();
  CHECK_FALSE(r.steady);
  CHECK(r.execution.updated == 3);
}

TEST_CASE("the steady fingerprint follows the build and every setting a plan reads",
          "[core][steady]") {
  const Mapping m = testing::test_mapping();
  const std::string base = steady_fingerprint(m, Seconds{600}, "0.1.0");
  CHECK(base.rfind("engine " + std::to_string(k_engine_version) + " plan " +
                       std::to_string(k_plan_version) + " ",
                   0) == 0);
  CHECK(base == steady_fingerprint(m, Seconds{600}, "0.1.0"));
  CHECK(base != steady_fingerprint(m, Seconds{600}, "0.1.1"));
  CHECK(base != steady_fingerprint(m, Seconds{300}, "0.1.0"));
  const std::vector<std::function<void(Mapping&)>> changes = {
      [](Mapping& c) { c.policy.lead_days = 2; },
      [](Mapping& c) { c.policy.time_zone = "Europe/Berlin"; },
      [](Mapping& c) { c.policy.one_issue_per = OneIssuePer::bug; },
      [](Mapping& c) { c.policy.response_days = 8; },
      [](Mapping& c) { c.policy.copy_private_text = !c.policy.copy_private_text; },
      [](Mapping& c) { c.jira.dismissed_resolutions.push_back("Cannot Reproduce"); },
      [](Mapping& c) { c.jira.reopen = !c.jira.reopen; },
      [](Mapping& c) { c.jira.labels.push_back("extra"); },
      [](Mapping& c) { c.jira.resolution = "Fixed"; },
      [](Mapping& c) { c.jira.deadline_field = "customfield_1"; },
      [](Mapping& c) { c.bugzilla.ca_accounts.push_back("new@ca.example"); },
      [](Mapping& c) { c.bugzilla.ignored_accounts.push_back("bot@example.org"); },
      [](Mapping& c) { c.bugzilla.scope.summary_prefix = "Other CA:"; },
      [](Mapping& c) { c.bugzilla.url = "https://bugzilla.other.example"; },
      [](Mapping& c) { c.replies.enabled = !c.replies.enabled; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    Mapping changed = m;
    changes[i](changed);
    INFO("change " << i);
    CHECK(steady_fingerprint(changed, Seconds{600}, "0.1.0") != base);
  }
  // What only the HTTP clients read is not a plan's input.
  Mapping http = m;
  http.jira.http.request_timeout_seconds = 5;
  CHECK(steady_fingerprint(http, Seconds{600}, "0.1.0") == base);
}

TEST_CASE("a steady mark stands from its evaluation up to before valid_until", "[core][steady]") {
  const SteadyMark mark{"fp", at("2025-03-25T00:00:00Z"), at("2025-03-26T00:00:00Z"), 3, 0, {}};
  CHECK(steady_usable(mark, "fp", at("2025-03-25T00:00:00Z"), false));
  CHECK(steady_usable(mark, "fp", at("2025-03-25T23:59:59Z"), false));
  CHECK_FALSE(steady_usable(mark, "fp", at("2025-03-26T00:00:00Z"), false));
  CHECK_FALSE(steady_usable(mark, "fp", at("2025-03-24T23:59:59Z"), false));
  CHECK_FALSE(steady_usable(mark, "other", at("2025-03-25T01:00:00Z"), false));
  CHECK_FALSE(steady_usable(mark, "fp", at("2025-03-25T01:00:00Z"), true));
  CHECK_FALSE(steady_usable(std::nullopt, "fp", at("2025-03-25T01:00:00Z"), false));
  const Instant t = at("2025-03-25T00:00:00Z");
  CHECK(steady_until(t, std::nullopt, std::nullopt) == t + k_steady_longest);
  CHECK(steady_until(t, t + Seconds{60}, t + Seconds{30}) == t + Seconds{30});
  CHECK(steady_until(t, t + Seconds{60}, std::nullopt) == t + Seconds{60});
}

TEST_CASE("issue states are the same only when every field is", "[core][steady]") {
  MirroredIssue a;
  a.id = "10001";
  a.key = "CAINC-1";
  a.summary = "Bug 1: update due 2025-03-26";
  a.labels = {"bzjira", "bz-1", "bzu-1-5001"};
  a.status = "To Do";
  a.updated = at("2025-03-25T00:00:00Z");
  CHECK(same_states({a}, {}));
  CHECK(same_states({a}, {a}));
  CHECK_FALSE(same_states({}, {a}));
  const std::vector<std::function<void(MirroredIssue&)>> edits = {
      [](MirroredIssue& i) { i.summary += "!"; },
      [](MirroredIssue& i) { i.labels.pop_back(); },
      [](MirroredIssue& i) {
        i.due = Date{std::chrono::year{2025}, std::chrono::month{4}, std::chrono::day{1}};
      },
      [](MirroredIssue& i) { i.status = "In Progress"; },
      [](MirroredIssue& i) { i.category = StatusCategory::done; },
      [](MirroredIssue& i) { i.resolution = "Done"; },
      [](MirroredIssue& i) { i.deadline = at("2025-03-27T00:00:00Z"); },
      [](MirroredIssue& i) { i.updated = at("2025-03-25T00:01:00Z"); },
      [](MirroredIssue& i) { i.id = "10002"; },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    MirroredIssue b = a;
    edits[i](b);
    INFO("edit " << i);
    CHECK_FALSE(same_states({a}, {b}));
  }
}

TEST_CASE("a run that dies after storing a changed bug leaves no mark behind",
          "[core][run][steady]") {
  RunWorld w;
  settle(w);
  REQUIRE(w.run().steady);
  w.advance(Seconds{60});
  w.bugzilla.add_comment(102, "jeremy@example.org", "When is the CRL fixed?", w.now);
  w.advance(Seconds{600});
  w.jira.faults.fail("find_mirrored");
  REQUIRE(w.run().exit_code == k_exit_unreachable);
  CHECK_FALSE(w.store.steady.has_value());
  // The bug is cached as Bugzilla has it, so the search shows nothing new; it is planned anyway.
  w.advance(Seconds{660});
  const RunReport r = w.run();
  CHECK_FALSE(r.steady);
  CHECK(r.execution.created == 1);
}

TEST_CASE("a clock behind the mark and replies on both evaluate", "[core][run][steady]") {
  RunWorld w;
  settle(w);
  REQUIRE(w.run().steady);
  SECTION("clock behind the last run") {
    w.advance(Seconds{-3600});
    CHECK_FALSE(w.run().steady);
  }
  SECTION("replies on") {
    w.mapping.replies.enabled = true;
    w.advance(Seconds{660});
    CHECK_FALSE(w.run().steady);
    w.advance(Seconds{660});
    CHECK_FALSE(w.run().steady);
    CHECK_FALSE(w.store.steady.has_value());
  }
}

// Random worlds, random events between runs: every run gives what a full evaluation of the same
// state gives, steady or not.
TEST_CASE("steady runs plan what a full evaluation plans on generated worlds",
          "[core][run][steady]") {
  const unsigned seed = GENERATE(1u, 2u, 3u, 4u);
  std::mt19937 rng(seed);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  RunWorld w;
  for (BugId id = 200; id < 212; ++id) {
    w.bugzilla.add_bug(id, w.now - Seconds{86400 * (1 + pick(9))}, "ca@ca.example",
                       "Example CA: incident " + std::to_string(id));
    if (pick(2) == 0) {
      w.bugzilla.add_comment(id, "jeremy@example.org", "A question?",
                             w.now - Seconds{3600 * (1 + pick(100))});
    }
  }
  int steady = 0, evaluated = 0;
  for (int step = 0; step < 60; ++step) {
    const BugId bug = 200 + pick(12);
    switch (pick(16)) {
      case 0:
        w.bugzilla.add_comment(bug, "jeremy@example.org", "Another question?", w.now);
        break;
      case 1:
        w.bugzilla.add_comment(bug, "ca@ca.example", "An update.", w.now);
        break;
      case 2:
        if (!w.jira.open_keys().empty()) {
          const auto keys = w.jira.open_keys();
          w.jira.close_by_hand(keys[static_cast<std::size_t>(pick(static_cast<int>(keys.size())))],
                               pick(4) == 0 ? "Won't Do" : "Done");
        }
        break;
      case 3:
        w.advance(Seconds{3600 * (1 + pick(30))});
        break;
      default:
        break;  // nothing new
    }
    w.advance(Seconds{60 * (5 + pick(20))});
    INFO("seed " << seed << " step " << step);
    const RunReport full = full_evaluation(w);
    const RunReport r = w.run();
    check_same(r, full);
    (r.steady ? steady : evaluated) += 1;
  }
  CHECK(steady > 5);
  CHECK(evaluated > 5);
}

}  // namespace
}  // namespace bzjira::sync
