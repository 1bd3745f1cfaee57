// Issue 12 through the real binaries: with the state database deleted (a lost Kubernetes emptyDir,
// a reset), a sync re-posts nothing that was posted before, in both Bugzilla flavours; the reply
// records come back from the reference line on Bugzilla and the note in Jira. And with replies on,
// a run with nothing new reads no Jira comments.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "tests/e2e/sim_fixture.h"

using bzjira::e2e::Sim;
using bzjira::e2e::SimOptions;
using nlohmann::json;

namespace {

constexpr const char* k_question = "bzq-2061240-18471475";

int copies_of(const Sim& sim, const std::string& text) {
  int n = 0;
  for (const auto& c : sim.comments(2061240)) {
    n += c.at("text").get<std::string>().find(text) != std::string::npos ? 1 : 0;
  }
  return n;
}

int notes_in(const json& issue) {
  int n = 0;
  for (const auto& c : issue.at("comments")) {
    n += c.at("body_text").get<std::string>().rfind("Posted to Bugzilla", 0) == 0 ? 1 : 0;
  }
  return n;
}

void delete_state(const Sim& sim) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(sim.state() + suffix);
  }
  REQUIRE_FALSE(std::filesystem::exists(sim.state()));
}

int route_count(const json& stats, const std::string& route) {
  const auto& requests = stats.at("requests");
  return requests.contains(route) ? requests.at(route).get<int>() : 0;
}

}  // namespace

TEST_CASE("issue 12: with the state deleted, replies posted earlier are not posted again",
          "[e2e][sync][replies]") {
  const std::string bugzilla = GENERATE("bmo", "upstream");
  INFO("Bugzilla " << bugzilla);
  Sim sim(SimOptions{"cloud", bugzilla});
  const auto mapping = sim.mapping([](json& m) {
    m["replies"] = {{"enabled", true}};
    m["bugzilla"]["auth"] = "auto";
  });
  const auto run = [&](const std::string& now) { return sim.sync_ok(mapping, now); };
  run("2026-11-26T12:00:00Z");
  const std::string key = sim.issue_labelled(k_question).at("key");
  const std::string first = "We publish the CRL shard list with every CCADB update.";
  const std::string second = "The CCADB JSON array now lists all 12 shards.";
  // Two replies, the second written twice: each Jira comment is its own reply.
  for (const std::string& text : {first, second, second}) {
    sim.jira("POST", "/__sim/issues/" + key + "/comment",
             {{"author", "jane@example-ca.test"}, {"body", "#bugzilla " + text}});
  }
  run("2026-11-26T12:30:00Z");
  REQUIRE(copies_of(sim, first) == 1);
  REQUIRE(copies_of(sim, second) == 2);
  REQUIRE(notes_in(sim.issue_labelled(k_question)) == 3);

  // The state is lost before any other run: the question's issue is still open, its replies are
  // found by their reference on Bugzilla and their notes in Jira.
  delete_state(sim);
  const auto rebuilt = run("2026-11-26T13:00:00Z");
  CHECK(rebuilt.out.find("replies posted 0") != std::string::npos);
  CHECK(copies_of(sim, first) == 1);
  CHECK(copies_of(sim, second) == 2);
  CHECK(notes_in(sim.issue_labelled(k_question)) == 3);
  // The replies were the CA's answer: read back, they closed the question.
  CHECK(sim.issue_labelled(k_question).at("statusCategory") == "done");

  // Deleted again, and the runs after it: still nothing twice.
  delete_state(sim);
  run("2026-11-26T13:15:00Z");
  run("2026-11-26T13:30:00Z");
  CHECK(copies_of(sim, first) == 1);
  CHECK(copies_of(sim, second) == 2);
  CHECK(notes_in(sim.issue_labelled(k_question)) == 3);
}

TEST_CASE("issue 12: with replies on, a sync with nothing new sends three requests",
          "[e2e][sync][replies]") {
  Sim sim;
  const auto mapping = sim.mapping([](json& m) { m["replies"] = {{"enabled", true}}; });
  const auto run = [&](const std::string& now) { return sim.sync_ok(mapping, now); };
  // Jira's clock moves with the runs' --now (11 minutes each), so the incremental search window
  // ends up past the first run's writes, as in a scheduled deployment.
  const auto eleven_minutes_later = [&] {
    sim.jira("POST", "/__sim/clock", {{"advance_seconds", 660}});
  };
  run("2026-11-26T12:00:00Z");
  eleven_minutes_later();
  run("2026-11-26T12:11:00Z");  // reads what the first run wrote
  eleven_minutes_later();
  sim.reset_stats();
  const auto steady = run("2026-11-26T12:22:00Z");
  CHECK(steady.out.find("requests: Bugzilla 2, Jira 1") != std::string::npos);
  CHECK(route_count(sim.jira_stats(), "GET /rest/api/3/issue/{key}/comment") == 0);
}
