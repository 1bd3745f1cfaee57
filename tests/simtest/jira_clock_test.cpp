// The Jira simulator's clock control (POST /__sim/clock {"advance_seconds": N}): relative JQL
// dates and the `updated` stamps of new writes follow the moved clock, so a benchmark can model
// runs ten minutes apart without waiting.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "tests/sim/jira_service.h"
#include "tests/simtest/jira_test_support.h"

namespace {

using namespace bzjira;  // sync:: (an alias named sync would clash with ::sync())
using bzjira::testing::JiraWorld;
using nlohmann::json;

// The clock offset is process-wide: put it back whatever the test did.
struct ClockGuard {
  ClockGuard() { sim::jirasim::set_wall_clock_offset(std::chrono::milliseconds{0}); }
  ~ClockGuard() { sim::jirasim::set_wall_clock_offset(std::chrono::milliseconds{0}); }
};

std::vector<std::string> keys_matching(const JiraWorld& w, const std::string& jql) {
  const json body = {{"jql", jql}, {"fields", {"key"}}};
  const auto r = w.raw("POST", "/rest/api/3/search/jql", body.dump(), testing::cloud_auth());
  INFO(jql << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
  const json answer = json::parse(r.body);  // kept: the loop below iterates inside it
  std::vector<std::string> keys;
  for (const json& issue : answer["issues"]) {
    keys.push_back(issue["key"].get<std::string>());
  }
  return keys;
}

std::string create_one(JiraWorld& w, int bug) {
  const auto created = w.client->create_issues({testing::make_draft(bug)});
  REQUIRE(created.size() == 1);
  REQUIRE(created[0].ok());
  return created[0]->key;
}

}  // namespace

TEST_CASE("sim: after the Jira clock moves 6 minutes, updated >= \"-5m\" no longer matches",
          "[jira][sim]") {
  ClockGuard guard;
  JiraWorld w;
  const std::string first = create_one(w, 1001);
  const std::string window = "project = CAINC AND updated >= \"-5m\" ORDER BY key";
  // Created a moment ago: within the last five minutes.
  CHECK(keys_matching(w, window) == std::vector<std::string>{first});

  const json moved = w.control("POST", "/__sim/clock", json{{"advance_seconds", 360}}.dump());
  CHECK(moved.value("offset_seconds", -1) == 360);
  // Six minutes later by Jira's clock, the issue was updated more than five minutes ago.
  CHECK(keys_matching(w, window).empty());
  CHECK(keys_matching(w, "project = CAINC AND updated >= \"-7m\"") ==
        std::vector<std::string>{first});
  // The client's incremental search asks the same question.
  const auto found = w.client->find_mirrored(sync::Seconds{300});
  REQUIRE(found.ok());
  CHECK(found->empty());

  // A write after the move is stamped with the moved clock, so it matches again.
  const std::string second = create_one(w, 1002);
  CHECK(keys_matching(w, window) == std::vector<std::string>{second});
  const json dumped = w.issue(second);
  REQUIRE(dumped.is_object());
  const auto stamped = sim::jirasim::parse_jira_time(dumped["updated"].get<std::string>());
  REQUIRE(stamped);
  CHECK(*stamped > std::chrono::system_clock::now() + std::chrono::minutes{5});
}

TEST_CASE("sim: the Jira clock moves forward only, by a whole number of seconds", "[jira][sim]") {
  ClockGuard guard;
  JiraWorld w;
  CHECK(w.control("GET", "/__sim/clock").value("offset_seconds", -1) == 0);
  for (const std::string bad : {R"({"advance_seconds": -60})", R"({"advance_seconds": 1.5})",
                                R"({"advance_seconds": "60"})", R"({})", "not json"}) {
    INFO(bad);
    CHECK(w.raw("POST", "/__sim/clock", bad).status == 400);
  }
  CHECK(w.control("GET", "/__sim/clock").value("offset_seconds", -1) == 0);
  w.control("POST", "/__sim/clock", R"({"advance_seconds": 60})");
  CHECK(
      w.control("POST", "/__sim/clock", R"({"advance_seconds": 60})").value("offset_seconds", -1) ==
      120);
}
