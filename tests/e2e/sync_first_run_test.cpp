// `bzjira sync` on the demo against bzjira-sim, both Jira flavors: what the first run creates, that
// the second writes nothing, and that neither a lost state nor two runs at once duplicate an issue.
//
// Expected issues at 2026-11-26T12:00:00Z, worked out by hand from deploy/demo's comments and
// docs/rules.md#due-date (mapping zone Europe/Berlin = UTC+1 in November and December; a due date
// is the last Berlin day that ends at or before the deadline):
//   2061187 update, revocation delay: last CA comment 11-18 16:45Z + 7 d = 11-25 16:45Z (17:45
//           Berlin) -> due 11-24
//   2061240 question (comment 9, moderator, 11-24 09:15Z) + 7 d = 12-01 09:15Z -> due 11-30
//   2061240 needinfo on jdoe (flag set 11-24 09:15Z) -> 12-01 09:15Z -> due 11-30
//   2061240 update, Next update 2026-12-04: due by the end of 12-04 UTC = 12-05 00:00Z (01:00
//           Berlin) -> due 12-04
//   2061355 question (comment 15, m.keller, 11-12 16:40Z) -> 11-19 16:40Z -> due 11-18
//   2061355 update, Next update 2026-11-19 -> 11-20 00:00Z (01:00 Berlin) -> due 11-19
// Nothing is owed on 2061101 (resolved), 2061302 (closure requested, only bot comments since),
// and 2061410 belongs to another CA (out of scope).
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "adapters/store/lock.h"
#include "tests/e2e/sim_fixture.h"
#include "tests/support/paths.h"

using bzjira::e2e::label_counts;
using bzjira::e2e::Sim;
using bzjira::e2e::SimOptions;
using bzjira::e2e::write_routes;
using nlohmann::json;

namespace {

constexpr const char* k_now = "2026-11-26T12:00:00Z";

// bug -> (kind prefix, due date) for each expected issue, keyed by a prefix of its obligation key.
const std::map<std::string, std::pair<long, std::string>> k_expected = {
    {"bzu-2061187-", {2061187, "2026-11-24"}}, {"bzq-2061240-", {2061240, "2026-11-30"}},
    {"bzn-2061240-", {2061240, "2026-11-30"}}, {"bzu-2061240-", {2061240, "2026-12-04"}},
    {"bzq-2061355-", {2061355, "2026-11-18"}}, {"bzu-2061355-", {2061355, "2026-11-19"}},
};

// The obligation-key label of an issue (bzq-/bzn-/bzu-...).
std::string obligation_label(const json& issue) {
  for (const auto& l : issue.at("labels")) {
    std::string s = l.get<std::string>();
    if (s.rfind("bzq-", 0) == 0 || s.rfind("bzn-", 0) == 0 || s.rfind("bzu-", 0) == 0 ||
        s.rfind("bzf-", 0) == 0) {
      return s;
    }
  }
  return "";
}

void check_demo_board(const json& issues) {
  REQUIRE(issues.size() == k_expected.size());
  std::map<std::string, int> seen;
  for (const auto& issue : issues) {
    const std::string key = obligation_label(issue);
    INFO(issue.at("key").get<std::string>() << " " << key);
    const auto prefix = key.substr(0, key.find('-', 4) + 1);
    const auto expected = k_expected.find(prefix);
    REQUIRE(expected != k_expected.end());
    seen[prefix] += 1;
    const auto [bug, due] = expected->second;
    CHECK(issue.at("duedate") == due);
    CHECK(issue.at("statusCategory") == "new");
    CHECK(issue.at("summary").get<std::string>().rfind("Bug " + std::to_string(bug) + ":", 0) == 0);
    const auto& labels = issue.at("labels");
    for (const std::string& l :
         {std::string("bzjira"), "bz-" + std::to_string(bug), std::string("ca-incident")}) {
      CHECK(std::find(labels.begin(), labels.end(), l) != labels.end());
    }
    REQUIRE(issue.at("remote_links").size() == 1);
    CHECK(issue.at("remote_links")[0].at("globalId").get<std::string>().find(std::to_string(bug)) !=
          std::string::npos);
  }
  for (const auto& [prefix, count] : seen) {
    CHECK(count == 1);
  }
}

}  // namespace

TEST_CASE("the first sync creates the expected issues and a second sync writes nothing",
          "[e2e][sync]") {
  const std::string flavor = GENERATE("cloud", "datacenter");
  INFO("Jira flavor " << flavor);
  Sim sim(SimOptions{flavor});
  const auto mapping = sim.mapping();

  const auto first = sim.sync(mapping, k_now);
  INFO(first.out << first.err);
  REQUIRE(first.code == 0);
  check_demo_board(sim.issues());
  CHECK(first.out.find("created 6,") != std::string::npos);
  // One batched comment request for all the bugs, one batched history request for the bugs whose
  // whiteboard holds a date (2061240, 2061355: Next update; 2061302: close on), one bulk create
  // for all the issues.
  const auto bz1 = sim.bugzilla_stats();
  const auto jira1 = sim.jira_stats();
  // The API key check (once, remembered: issue 12), time, search, comments, histories.
  CHECK(bz1.at("total") == 5);
  CHECK(bz1.at("requests").at("GET /rest/whoami") == 1);
  CHECK(bz1.at("requests").at("GET /rest/bug/{id}/comment") == 1);
  CHECK(bz1.at("requests").at("GET /rest/bug/{id}/history") == 1);
  const std::string bulk =
      flavor == "cloud" ? "POST /rest/api/3/issue/bulk" : "POST /rest/api/2/issue/bulk";
  CHECK(jira1.at("requests").at(bulk) == 1);
  INFO("first sync (" << flavor << "): Bugzilla " << bz1.dump() << "; Jira " << jira1.dump());

  sim.reset_stats();
  const auto second = sim.sync(mapping, k_now);
  INFO(second.out << second.err);
  REQUIRE(second.code == 0);
  const auto bz2 = sim.bugzilla_stats();
  const auto jira2 = sim.jira_stats();
  INFO("second sync (" << flavor << "): Bugzilla " << bz2.dump() << "; Jira " << jira2.dump());
  // The steady state: Bugzilla's clock and one search, Jira's one search; nothing else.
  CHECK(bz2.at("total") == 2);
  CHECK(bz2.at("requests").at("GET /rest/time") == 1);
  CHECK(bz2.at("requests").at("GET /rest/bug") == 1);
  CHECK(jira2.at("total") == 1);
  CHECK(bz2.at("total").get<int>() + jira2.at("total").get<int>() <= 3);
  CHECK(second.out.find("created 0, updated 0, commented 0, closed 0, reopened 0") !=
        std::string::npos);
  check_demo_board(sim.issues());
}

TEST_CASE("a dry run prints the plan and writes nothing to Bugzilla, Jira or the state",
          "[e2e][sync]") {
  const std::string flavor = GENERATE("cloud", "datacenter");
  INFO("Jira flavor " << flavor);
  Sim sim(SimOptions{flavor});
  const auto mapping = sim.mapping();

  const auto plan = sim.sync(mapping, k_now, {"--dry-run"});
  INFO(plan.out << plan.err);
  REQUIRE(plan.code == 0);
  int creates = 0;
  for (std::size_t at = 0; (at = plan.out.find("create_issue", at)) != std::string::npos; ++at) {
    ++creates;
  }
  CHECK(creates == 6);
  CHECK(sim.issues().empty());
  CHECK(write_routes(sim.bugzilla_stats()).empty());
  CHECK(write_routes(sim.jira_stats()).empty());
  CHECK_FALSE(std::filesystem::exists(std::filesystem::path(sim.state()).parent_path()));

  // With a state: a CA reply would close three issues, but the dry run only says so.
  REQUIRE(sim.sync(mapping, k_now).code == 0);
  sim.bugzilla("POST", "/__sim/comments",
               {{"bug_id", 2061240},
                {"creator", "compliance@example-ca.test"},
                {"text", "Responding to comment 9: confirmed."}});
  const auto before = sim.issues();
  sim.reset_stats();
  const auto again = sim.sync(mapping, "2026-11-26T13:00:00Z", {"--dry-run"});
  INFO(again.out << again.err);
  REQUIRE(again.code == 0);
  CHECK(again.out.find("close_issue") != std::string::npos);
  CHECK(sim.issues() == before);
  CHECK(write_routes(sim.bugzilla_stats()).empty());
  CHECK(write_routes(sim.jira_stats()).empty());
}

TEST_CASE("a deleted state database is rebuilt from Bugzilla and Jira without a duplicate",
          "[e2e][sync]") {
  const std::string flavor = GENERATE("cloud", "datacenter");
  INFO("Jira flavor " << flavor);
  Sim sim(SimOptions{flavor});
  const auto mapping = sim.mapping();
  REQUIRE(sim.sync(mapping, k_now).code == 0);
  REQUIRE(sim.issues().size() == 6);

  std::filesystem::remove_all(std::filesystem::path(sim.state()).parent_path());
  const auto rebuilt = sim.sync(mapping, k_now);
  INFO(rebuilt.out << rebuilt.err);
  REQUIRE(rebuilt.code == 0);
  CHECK(rebuilt.out.find("created 0,") != std::string::npos);
  check_demo_board(sim.issues());
  // And the rebuilt state is a real one: the next run is steady again.
  sim.reset_stats();
  REQUIRE(sim.sync(mapping, k_now).code == 0);
  CHECK(write_routes(sim.jira_stats()).empty());
}

TEST_CASE("two sync runs started together create no duplicate", "[e2e][sync]") {
  const std::string flavor = GENERATE("cloud", "datacenter");
  INFO("Jira flavor " << flavor);
  Sim sim(SimOptions{flavor});
  const auto mapping = sim.mapping();
  // Two shells started together, each recording its exit code.
  const auto& dir = sim.dir().path();
  std::string command =
      "env BZJIRA_BUGZILLA_API_KEY=demo-ca-key BZJIRA_JIRA_USER=u@example.test "
      "BZJIRA_JIRA_TOKEN=token-0123";
  for (const std::string& a :
       {bzjira::test_support::binary_dir() + "/bzjira", std::string("sync"), std::string("-c"),
        mapping, std::string("--now"), std::string(k_now), std::string("--state"), sim.state()}) {
    command += " " + bzjira::e2e::shell_quote(a);
  }
  std::string script;
  for (const char* n : {"1", "2"}) {
    const auto out = (dir / (std::string("out") + n)).string();
    const auto code = (dir / (std::string("code") + n)).string();
    script += "(" + command + " >" + bzjira::e2e::shell_quote(out) + " 2>&1; echo $? >" +
              bzjira::e2e::shell_quote(code) + ") & ";
  }
  script += "wait";
  REQUIRE(bzjira::e2e::run_program("sh", {"-c", script}).code == 0);
  int ok = 0;
  for (const char* n : {"1", "2"}) {
    const std::string out = bzjira::e2e::read_file(dir / (std::string("out") + n));
    const int code = std::stoi(bzjira::e2e::read_file(dir / (std::string("code") + n)));
    INFO("run " << n << " exit " << code << ": " << out);
    CHECK((code == 0 || code == 3));
    ok += code == 0 ? 1 : 0;
    if (code == 3) {
      CHECK(out.find("another bzjira run holds") != std::string::npos);
    }
  }
  CHECK(ok >= 1);
  check_demo_board(sim.issues());
  for (const auto& [label, count] : label_counts(sim.issues())) {
    if (label.rfind("bz", 0) == 0 && label.find('-', 4) != std::string::npos) {
      CHECK(count == 1);
    }
  }
}

TEST_CASE("a run finding the state locked by another run touches nothing and exits with 3",
          "[e2e][sync]") {
  Sim sim;
  const auto mapping = sim.mapping();
  auto lock = bzjira::adapters::store::RunLock::acquire(sim.state());
  REQUIRE(lock.ok());
  sim.reset_stats();
  const auto r = sim.sync(mapping, k_now);
  CHECK(r.code == 3);
  CHECK(r.err.find("another bzjira run holds") != std::string::npos);
  CHECK(sim.bugzilla_stats().at("total") == 0);
  CHECK(sim.jira_stats().at("total") == 0);
  CHECK_FALSE(std::filesystem::exists(sim.state()));
}
