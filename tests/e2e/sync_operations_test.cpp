// Running `bzjira sync` in production: the metrics file (checked with promtool), JSON logs,
// secrets kept out of every output, and the exit codes of a missing secret, a broken mapping and
// an unreachable Bugzilla.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/e2e/sim_fixture.h"
#include "tests/support/paths.h"

using bzjira::e2e::k_demo_env;
using bzjira::e2e::k_demo_now;
using bzjira::e2e::promtool_missing;
using bzjira::e2e::run_bzjira_env;
using bzjira::e2e::Sim;
using nlohmann::json;

namespace {

// The value of one sample line "name{labels} value" (or "name value"). The `mapping` label every
// sample carries is left out of `series`.
double sample(const std::string& text, const std::string& series) {
  static const std::regex k_mapping_first(R"(\{mapping="[^"]*",)");
  static const std::regex k_mapping_alone(R"(\{mapping="[^"]*"\})");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = std::regex_replace(line, k_mapping_first, "{");
    line = std::regex_replace(line, k_mapping_alone, "");
    if (line.rfind(series + " ", 0) == 0) {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  FAIL("no sample " << series << " in:\n" << text);
  return 0;
}

}  // namespace

TEST_CASE("sync --metrics-file writes Prometheus metrics that promtool accepts", "[e2e][sync]") {
  REQUIRE(promtool_missing() == "");
  Sim sim;
  const auto mapping = sim.mapping();
  const auto metrics = (sim.dir().path() / "metrics" / "bzjira.prom").string();
  std::filesystem::create_directories(std::filesystem::path(metrics).parent_path());
  const auto before = std::chrono::system_clock::now();
  REQUIRE(sim.sync(mapping, k_demo_now, {"--metrics-file", metrics}).code == 0);
  REQUIRE(sim.sync(mapping, k_demo_now, {"--metrics-file", metrics}).code == 0);
  const auto after = std::chrono::system_clock::now();

  const auto checked = bzjira::e2e::run_program(
      "sh", {"-c", "promtool check metrics < " + bzjira::e2e::shell_quote(metrics)});
  INFO(checked.out << checked.err);
  CHECK(checked.code == 0);

  const std::string text = bzjira::e2e::read_file(metrics);
  INFO(text);
  for (const char* name :
       {"bzjira_obligations_open", "bzjira_obligations_overdue", "bzjira_next_deadline_seconds",
        "bzjira_last_success_timestamp_seconds", "bzjira_actions_total", "bzjira_errors_total",
        "bzjira_requests_total", "bzjira_run_duration_seconds"}) {
    CHECK(text.find(std::string("# HELP ") + name + " ") != std::string::npos);
    CHECK(text.find(std::string("# TYPE ") + name + " ") != std::string::npos);
  }
  // The demo at 12:00Z (see sync_first_run_test.cpp): 2 questions, 1 needinfo, 3 updates, 3 of
  // them overdue; the next deadline ahead is 12-01 09:15Z, 4 d 21 h 15 min away.
  CHECK(sample(text, "bzjira_obligations_open{kind=\"question\"}") == 2);
  CHECK(sample(text, "bzjira_obligations_open{kind=\"needinfo\"}") == 1);
  CHECK(sample(text, "bzjira_obligations_open{kind=\"update\"}") == 3);
  CHECK(sample(text, "bzjira_obligations_open{kind=\"full_report\"}") == 0);
  CHECK(sample(text, "bzjira_obligations_overdue") == 3);
  CHECK(sample(text, "bzjira_next_deadline_seconds") == (4 * 24 + 21) * 3600 + 15 * 60);
  // Counters add up over both runs: 6 issues created by the first, none by the second; the
  // second run's requests (2 to Bugzilla, 1 to Jira) come on top of the first's.
  CHECK(sample(text, "bzjira_actions_total{type=\"created\"}") == 6);
  CHECK(sample(text, "bzjira_actions_total{type=\"closed\"}") == 0);
  CHECK(sample(text, "bzjira_errors_total{system=\"jira\"}") == 0);
  const double bugzilla_requests = sample(text, "bzjira_requests_total{system=\"bugzilla\"}");
  CHECK(bugzilla_requests >= 2 + 3);
  const double success = sample(text, "bzjira_last_success_timestamp_seconds");
  const auto unix = [](auto tp) {
    return std::chrono::duration_cast<std::chrono::seconds>(tp.time_since_epoch()).count();
  };
  CHECK(success >= unix(before) - 1);
  CHECK(success <= unix(after) + 1);
  // Written atomically: nothing but the file itself is left in the directory.
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(metrics).parent_path())) {
    INFO(entry.path());
    ++files;
  }
  CHECK(files == 1);
  struct stat st {};
  REQUIRE(::stat(metrics.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
}

TEST_CASE("sync with --log-format json writes one JSON object per line on stderr", "[e2e][sync]") {
  Sim sim;
  const auto mapping = sim.mapping();
  const auto r = sim.sync(mapping, k_demo_now, {"--log-format", "json"});
  REQUIRE(r.code == 0);
  std::istringstream lines(r.err);
  std::string line;
  std::string run_id;
  bool summary = false;
  int count = 0;
  while (std::getline(lines, line)) {
    INFO(line);
    const json j = json::parse(line, nullptr, false);
    REQUIRE(j.is_object());
    for (const char* member : {"time", "level", "run_id", "mapping", "event", "message"}) {
      CHECK(j.contains(member));
    }
    CHECK(j.at("mapping") == "example-ca-demo");
    run_id = run_id.empty() ? j.at("run_id").get<std::string>() : run_id;
    CHECK(j.at("run_id") == run_id);
    if (j.at("event") == "sync_summary") {
      summary = true;
      CHECK(j.at("created") == "6");
      CHECK(j.at("exit_code") == "0");
    }
    ++count;
  }
  CHECK(count >= 2);
  CHECK(summary);
  CHECK_FALSE(run_id.empty());
  // The report for people stays on stdout, as text.
  CHECK(r.out.find("created CAINC-1") != std::string::npos);

  // Even a usage error is a JSON line then.
  const auto bad = run_bzjira_env(
      k_demo_env, {"sync", "-c", mapping, "--log-format", "json", "--colour", "blue"});
  CHECK(bad.code == 2);
  const json error = json::parse(bad.err.substr(0, bad.err.find('\n')), nullptr, false);
  REQUIRE(error.is_object());
  CHECK(error.at("level") == "error");
  CHECK(error.at("message").get<std::string>().find("colour") != std::string::npos);
}

TEST_CASE("secrets appear in no output, text or JSON, not even in errors about their URLs",
          "[e2e][sync]") {
  Sim sim;
  // The key sent as api_key= in the URL, to a Bugzilla port nobody listens on: the error names
  // the URL. One attempt, so the test does not wait for backoff.
  const auto mapping = sim.mapping([](json& m) {
    m["bugzilla"]["auth"] = "query";
    m["bugzilla"]["url"] = "http://127.0.0.1:1";
    m["bugzilla"]["http"] = {{"max_attempts", 1}};
  });
  for (const char* format : {"text", "json"}) {
    INFO(format);
    const auto r =
        run_bzjira_env(k_demo_env, {"sync", "-c", mapping, "--now", k_demo_now, "--state",
                                    sim.state(), "--log-format", format, "--log-level", "debug"});
    INFO(r.out << r.err);
    CHECK(r.code == 3);
    CHECK(r.out.find("Bugzilla unreachable") != std::string::npos);
    CHECK(r.err.find("127.0.0.1:1") != std::string::npos);
    for (const auto& [name, value] : k_demo_env) {
      if (name != "BZJIRA_JIRA_USER") {  // an e-mail address, not a secret
        CHECK((r.out + r.err).find(value) == std::string::npos);
      }
    }
  }
  // Bugzilla was never reached, so Jira was not asked either.
  CHECK(sim.jira_stats().at("total") == 0);
}

TEST_CASE("a missing secret or a broken mapping stops sync with 2 before any request",
          "[e2e][sync]") {
  Sim sim;
  const auto mapping = sim.mapping();
  bzjira::e2e::Env without_token = {k_demo_env[0], k_demo_env[1]};
  const auto r = run_bzjira_env(
      without_token, {"sync", "-c", mapping, "--now", k_demo_now, "--state", sim.state()});
  CHECK(r.code == 2);
  CHECK(r.err.find("BZJIRA_JIRA_TOKEN") != std::string::npos);
  CHECK(r.err.find("demo-ca-key") == std::string::npos);

  const auto broken = sim.mapping([](json& m) { m["jira"]["colour"] = "blue"; }, "broken.json");
  const auto b = sim.sync(broken, k_demo_now);
  CHECK(b.code == 2);
  CHECK(b.err.find("$.jira.colour") != std::string::npos);

  CHECK(sim.bugzilla_stats().at("total") == 0);
  CHECK(sim.jira_stats().at("total") == 0);
  CHECK_FALSE(std::filesystem::exists(std::filesystem::path(sim.state()).parent_path()));
}

TEST_CASE("a create whose outcome is unknown exits 1, waits for Jira's search, then is made once",
          "[e2e][sync]") {
  Sim sim;
  const auto mapping = sim.mapping();
  const auto metrics = (sim.dir().path() / "bzjira.prom").string();
  // Jira's first request (the search) goes through; the bulk create gets a 500, after which
  // nobody knows whether Jira created the issues (the simulator did not).
  sim.jira("POST", "/__sim/faults", {{"next", {"none", "http500"}}});
  const auto failed = sim.sync(mapping, k_demo_now, {"--metrics-file", metrics});
  INFO(failed.out << failed.err);
  CHECK(failed.code == 1);
  CHECK(failed.out.find("failed 6") != std::string::npos);
  CHECK(sample(bzjira::e2e::read_file(metrics), "bzjira_errors_total{system=\"jira\"}") == 6);
  CHECK(bzjira::e2e::read_file(metrics).find("bzjira_last_success_timestamp_seconds") ==
        std::string::npos);
  CHECK(sim.issues().empty());

  // A minute later the creates may still be on their way into Jira's search: nothing is sent.
  const auto waiting = sim.sync(mapping, "2026-11-26T12:01:00Z");
  CHECK(waiting.code == 0);
  CHECK(waiting.out.find("created 0,") != std::string::npos);
  CHECK(sim.issues().empty());

  // Past the grace period the search has had its chance: each obligation gets its one issue.
  const auto later = sim.sync(mapping, "2026-11-26T12:15:00Z");
  CHECK(later.code == 0);
  CHECK(sim.issues().size() == 6);
  for (const auto& [label, count] : bzjira::e2e::label_counts(sim.issues())) {
    CHECK(count <= 6);
    if (label.rfind("bzq-", 0) == 0 || label.rfind("bzu-", 0) == 0) {
      CHECK(count == 1);
    }
  }
}

TEST_CASE("on a terminal, sync tells what each phase is doing", "[e2e][sync]") {
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    FAIL("script(1) from util-linux is needed to give bzjira a terminal");
  }
  Sim sim;
  std::string command = "env";
  for (const auto& [name, value] : k_demo_env) {
    command += " " + name + "=" + value;
  }
  for (const std::string& a : {bzjira::test_support::binary_dir() + "/bzjira", std::string("sync"),
                               std::string("-c"), sim.mapping(), std::string("--now"),
                               std::string(k_demo_now), std::string("--state"), sim.state()}) {
    command += " " + bzjira::e2e::shell_quote(a);
  }
  const auto r = bzjira::e2e::run_program("script", {"-qec", command, "/dev/null"});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  for (const char* phase : {"Bugzilla: searching every bug in scope", "Bugzilla: 6 bugs found",
                            "Jira: searching every mirrored issue", "Jira: creating 6 issues"}) {
    CHECK(r.out.find(phase) != std::string::npos);
  }
  // Without a terminal (every other test) there is no progress line.
  const auto quiet = sim.sync(sim.mapping(), k_demo_now);
  CHECK(quiet.err.find("Jira: searching") == std::string::npos);
}
