// The metrics file of `bzjira sync --metrics-file`: the exposition text, counters read back from a
// previous file, and the atomic write.
#include <catch2/catch.hpp>

#include <filesystem>

#include "adapters/cli/metrics.h"
#include "tests/support/temp_dir.h"
#include "tests/support/text.h"

using namespace bzjira::adapters::cli;
using bzjira::test_support::read_file;
using bzjira::test_support::TempDir;

namespace {

SyncMetrics example() {
  SyncMetrics m;
  m.mapping = "example-ca";
  m.open_by_kind = {{"question", 2}, {"update", 0}};
  m.overdue = 1;
  m.next_deadline_seconds = 3600;
  m.last_success = 1795700000;
  m.actions = {{"created", 6}, {"closed", 2}};
  m.errors = {{"jira", 1}};
  m.requests = {{"bugzilla", 5}, {"jira", 9}};
  m.run_duration_seconds = 0.25;
  return m;
}

}  // namespace

TEST_CASE("every metric comes with HELP and TYPE lines and its samples", "[cli][metrics]") {
  const std::string text = render_metrics(example());
  CHECK(text.find("# TYPE bzjira_obligations_open gauge\n") != std::string::npos);
  CHECK(text.find("bzjira_obligations_open{mapping=\"example-ca\",kind=\"question\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("bzjira_obligations_open{mapping=\"example-ca\",kind=\"update\"} 0\n") !=
        std::string::npos);
  CHECK(text.find("# TYPE bzjira_actions_total counter\n") != std::string::npos);
  CHECK(text.find("bzjira_actions_total{mapping=\"example-ca\",type=\"created\"} 6\n") !=
        std::string::npos);
  CHECK(text.find("bzjira_requests_total{mapping=\"example-ca\",system=\"jira\"} 9\n") !=
        std::string::npos);
  CHECK(text.find("bzjira_next_deadline_seconds{mapping=\"example-ca\"} 3600\n") !=
        std::string::npos);
  CHECK(text.find("bzjira_last_success_timestamp_seconds{mapping=\"example-ca\"} 1795700000\n") !=
        std::string::npos);
  CHECK(text.find("bzjira_run_duration_seconds{mapping=\"example-ca\"} 0.25\n") !=
        std::string::npos);
  for (const char* name : {"bzjira_obligations_overdue", "bzjira_errors_total"}) {
    CHECK(text.find(std::string("# HELP ") + name + " ") != std::string::npos);
  }
  CHECK(text.back() == '\n');
}

TEST_CASE("every sample line carries the mapping label, so several files can share a directory",
          "[cli][metrics]") {
  const std::string text = render_metrics(example());
  std::istringstream lines(text);
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() == '#') {
      continue;
    }
    INFO(line);
    ++samples;
    CHECK(line.find("{mapping=\"example-ca\"") != std::string::npos);
  }
  // example(): 2 kinds + overdue + next deadline + last success + 2 actions + 1 error
  // + 2 requests + duration.
  CHECK(samples == 11);
}

TEST_CASE("a mapping name is escaped as the text format requires", "[cli][metrics]") {
  SyncMetrics m = example();
  m.mapping = "a\"b\\c\nd";
  const std::string text = render_metrics(m);
  CHECK(text.find("bzjira_obligations_overdue{mapping=\"a\\\"b\\\\c\\nd\"} 1\n") !=
        std::string::npos);
  // ... and read back under the same, unescaped, name.
  const SyncMetrics back = read_previous_metrics(text, "a\"b\\c\nd");
  CHECK(back.actions == std::map<std::string, double>{{"created", 6}, {"closed", 2}});
}

TEST_CASE("counters of another mapping are not carried into this one", "[cli][metrics]") {
  const SyncMetrics other = read_previous_metrics(render_metrics(example()), "other-ca");
  CHECK(other.actions.empty());
  CHECK(other.requests.empty());
  CHECK_FALSE(other.last_success);
  CHECK(other.mapping == "other-ca");
}

TEST_CASE("a file written without mapping labels still carries its counters", "[cli][metrics]") {
  const SyncMetrics back = read_previous_metrics(
      "# TYPE bzjira_actions_total counter\n"
      "bzjira_actions_total{type=\"created\"} 4\n"
      "bzjira_errors_total{system=\"bugzilla\"} 2\n"
      "bzjira_last_success_timestamp_seconds 1795000000\n",
      "example-ca");
  CHECK(back.actions == std::map<std::string, double>{{"created", 4}});
  CHECK(back.errors == std::map<std::string, double>{{"bugzilla", 2}});
  REQUIRE(back.last_success);
  CHECK(*back.last_success == 1795000000);
}

TEST_CASE("a metric without a value is left out, HELP line included", "[cli][metrics]") {
  SyncMetrics m = example();
  m.next_deadline_seconds.reset();
  m.last_success.reset();
  const std::string text = render_metrics(m);
  CHECK(text.find("bzjira_next_deadline_seconds") == std::string::npos);
  CHECK(text.find("bzjira_last_success_timestamp_seconds") == std::string::npos);
}

TEST_CASE("counters and the last success time are read back from the previous file",
          "[cli][metrics]") {
  const SyncMetrics back = read_previous_metrics(render_metrics(example()), "example-ca");
  CHECK(back.actions == std::map<std::string, double>{{"created", 6}, {"closed", 2}});
  CHECK(back.errors == std::map<std::string, double>{{"jira", 1}});
  CHECK(back.requests == std::map<std::string, double>{{"bugzilla", 5}, {"jira", 9}});
  REQUIRE(back.last_success);
  CHECK(*back.last_success == 1795700000);
  // Gauges describe one run and are not carried.
  CHECK(back.open_by_kind.empty());
}

TEST_CASE("a garbled previous file gives zeros, not a crash", "[cli][metrics]") {
  const SyncMetrics back = read_previous_metrics(
      "bzjira_actions_total{type=\"created\"} lots\n"
      "bzjira_actions_total{type=\"closed\" 3\n"
      "bzjira_requests_total{system=\"jira\"} -4\n"
      "bzjira_errors_total 7\n"
      "\n# just a comment\n\x01\x02",
      "example-ca");
  CHECK(back.actions.empty());
  CHECK(back.requests.empty());
  CHECK(back.errors.empty());
  CHECK_FALSE(back.last_success);
}

TEST_CASE("the file is replaced atomically and nothing else is left behind", "[cli][metrics]") {
  const TempDir scratch("metrics-test");
  const auto& dir = scratch.path();
  const auto path = (dir / "bzjira.prom").string();
  REQUIRE(write_file_atomically(path, "first\n").ok());
  REQUIRE(write_file_atomically(path, "second\n").ok());
  CHECK(read_file(path) == "second\n");
  CHECK(std::distance(std::filesystem::directory_iterator(dir),
                      std::filesystem::directory_iterator()) == 1);

  const auto missing = write_file_atomically((dir / "no" / "such" / "x.prom").string(), "x\n");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == bzjira::sync::ErrorKind::config);
  CHECK(missing.error().message.find("x.prom") != std::string::npos);
}
