// The commands that read a live Bugzilla (status, audit, snapshot) and the online self-checks,
// against bzjira-sim serving the demo.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/e2e/sim_fixture.h"

using bzjira::e2e::k_demo_env;
using bzjira::e2e::run_bzjira_env;
using bzjira::e2e::Sim;
using bzjira::e2e::SimOptions;
using nlohmann::json;

namespace {

constexpr const char* k_now = "2026-11-26T12:00:00Z";

int count_prefix_lines(const std::string& text, const std::string& prefix) {
  int n = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    n += text.compare(at, prefix.size(), prefix) == 0 ? 1 : 0;
    at = end == std::string::npos ? text.size() : end + 1;
  }
  return n;
}

}  // namespace

TEST_CASE("status lists the open obligations most urgent first, live or from a file",
          "[e2e][status]") {
  Sim sim;
  const auto mapping = sim.mapping();
  const std::vector<std::string> base = {"status",  "-c",        mapping,    "--now", k_now,
                                         "--state", sim.state(), "--format", "json"};
  const auto live = run_bzjira_env(k_demo_env, base);
  INFO(live.err);
  REQUIRE(live.code == 0);
  const json rows = json::parse(live.out);
  // By deadline (worked out in sync_first_run_test.cpp): 2061355's question 11-19 16:40Z, its
  // update 11-20 00:00Z, 2061187's update 11-25 16:45Z, 2061240's needinfo and question
  // 12-01 09:15Z, its update 12-05 00:00Z.
  REQUIRE(rows.size() == 6);
  const std::vector<std::string> order = {"bzq-2061355-", "bzu-2061355-", "bzu-2061187-",
                                          "bzn-2061240-", "bzq-2061240-", "bzu-2061240-"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO(rows[i].dump());
    CHECK(rows[i].at("key").get<std::string>().rfind(order[i], 0) == 0);
    CHECK(rows[i].at("jira_key").is_null());  // no sync yet
  }
  // 11-19 16:40Z is 6 d 19 h 20 min before 11-26 12:00Z; 17:40 in Berlin.
  CHECK(rows[0].at("seconds_left") == -((6 * 24 + 19) * 3600 + 20 * 60));
  CHECK(rows[0].at("deadline") == "2026-11-19T16:40:00Z");
  CHECK(rows[0].at("deadline_local") == "2026-11-19 17:40 CET");
  CHECK(rows[0].at("status") == "overdue");
  CHECK(rows[5].at("status") == "open");

  // The dataset file says the same (its private comment changes no open obligation).
  auto from_file = base;
  from_file.insert(from_file.end(), {"--from-file", bzjira::e2e::demo_dataset()});
  const auto file = run_bzjira_env({}, from_file);
  REQUIRE(file.code == 0);
  CHECK(json::parse(file.out) == rows);

  // After a sync the state knows each obligation's issue.
  REQUIRE(sim.sync(mapping, k_now).code == 0);
  const json synced = json::parse(run_bzjira_env(k_demo_env, base).out);
  for (const auto& row : synced) {
    INFO(row.dump());
    REQUIRE(row.at("jira_key").is_string());
    CHECK(sim.issue_labelled(row.at("key")).at("key") == row.at("jira_key"));
  }

  // The table for people.
  auto text_args = base;
  text_args.resize(text_args.size() - 2);
  const auto text = run_bzjira_env(k_demo_env, text_args);
  REQUIRE(text.code == 0);
  CHECK(text.out.find("DEADLINE (Europe/Berlin)") != std::string::npos);
  CHECK(text.out.find("2026-11-19 17:40 CET") != std::string::npos);
  CHECK(text.out.find("-6d 19h") != std::string::npos);
  CHECK(text.out.find("6 open obligations (3 overdue)") != std::string::npos);
}

TEST_CASE("an audit of a snapshot equals the live audit", "[e2e][audit]") {
  Sim sim;
  const auto mapping = sim.mapping();
  const auto dataset = (sim.dir().path() / "snapshot.json").string();
  const auto snap = run_bzjira_env(k_demo_env, {"snapshot", "-c", mapping, "-o", dataset});
  INFO(snap.out << snap.err);
  REQUIRE(snap.code == 0);
  // The six Example CA bugs; 2061410 (another CA) is out of scope.
  CHECK(snap.out.find("wrote 6 bugs") != std::string::npos);
  CHECK(json::parse(bzjira::e2e::read_file(dataset)).at("bugs").size() == 6);

  const std::vector<std::string> audit = {"audit", "-c",       mapping, "--now",
                                          k_now,   "--format", "json"};
  const auto live = run_bzjira_env(k_demo_env, audit);
  INFO(live.err);
  REQUIRE(live.code == 0);
  auto from_snapshot = audit;
  from_snapshot.insert(from_snapshot.end(), {"--from-file", dataset});
  const auto file = run_bzjira_env({}, from_snapshot);
  REQUIRE(file.code == 0);
  const json windows = json::parse(live.out);
  CHECK(windows.size() > 40);
  CHECK(json::parse(file.out) == windows);
  // The snapshot and the live audit each read every bug's history, batched (the six ids fit in
  // one request): two requests, not one per bug.
  CHECK(sim.bugzilla_stats().at("requests").at("GET /rest/bug/{id}/history") == 2);
}

TEST_CASE("check --online prints one line per self-check and says what to do on failure",
          "[e2e][check]") {
  Sim sim;
  const auto mapping = sim.mapping();
  const auto good = run_bzjira_env(k_demo_env, {"check", "-c", mapping, "--online"});
  INFO(good.out << good.err);
  CHECK(good.code == 0);
  CHECK(count_prefix_lines(good.out, "ok   ") == 6);
  CHECK(good.out.find("authenticated as compliance@example-ca.test") != std::string::npos);
  CHECK(good.out.find("FAIL") == std::string::npos);

  // A permission taken away in Jira.
  sim.jira("POST", "/__sim/permissions", {{"deny", {"EDIT_ISSUES"}}});
  const auto denied = run_bzjira_env(k_demo_env, {"check", "-c", mapping, "--online"});
  CHECK(denied.code == 2);
  CHECK(count_prefix_lines(denied.out, "FAIL ") == 1);
  CHECK(denied.out.find("EDIT_ISSUES") != std::string::npos);
  CHECK(denied.out.find(" -> ") != std::string::npos);

  // A missing secret is a failed check, not a crash.
  const auto no_key =
      run_bzjira_env({k_demo_env[1], k_demo_env[2]}, {"check", "-c", mapping, "--online"});
  CHECK(no_key.code == 2);
  CHECK(no_key.out.find("FAIL Bugzilla API key") != std::string::npos);
  CHECK(no_key.out.find("export BZJIRA_BUGZILLA_API_KEY") != std::string::npos);
}

TEST_CASE("check --online detects the header auth mode on an upstream Bugzilla", "[e2e][check]") {
  Sim sim(SimOptions{"cloud", "upstream"});
  const auto header = sim.mapping([](json& m) { m["bugzilla"]["auth"] = "header"; });
  const auto r = run_bzjira_env(k_demo_env, {"check", "-c", header, "--online"});
  INFO(r.out << r.err);
  CHECK(r.code == 2);
  CHECK(r.out.find("FAIL Bugzilla auth mode") != std::string::npos);
  CHECK(r.out.find("set bugzilla.auth to \"query\"") != std::string::npos);

  const auto query = sim.mapping([](json& m) { m["bugzilla"]["auth"] = "query"; }, "query.json");
  const auto fixed = run_bzjira_env(k_demo_env, {"check", "-c", query, "--online"});
  INFO(fixed.out << fixed.err);
  CHECK(fixed.code == 0);
  CHECK(fixed.out.find("FAIL") == std::string::npos);
}
