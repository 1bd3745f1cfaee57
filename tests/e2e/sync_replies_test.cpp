// Replies written in Jira and published to Bugzilla by `bzjira sync` (mapping replies.enabled),
// both Jira flavors: posted once, acknowledged in Jira, and the obligation closes once Bugzilla
// shows the posted comment.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/e2e/sim_fixture.h"

using bzjira::e2e::Sim;
using bzjira::e2e::SimOptions;
using nlohmann::json;

namespace {

constexpr const char* k_reply = "Responding to comment 9: yes, the job compares **every** CA.";

int bugzilla_copies(const Sim& sim) {
  int n = 0;
  for (const auto& c : sim.comments(2061240)) {
    if (c.at("text").get<std::string>().find("compares **every** CA") != std::string::npos) {
      CHECK(c.at("creator") == "compliance@example-ca.test");
      ++n;
    }
  }
  return n;
}

}  // namespace

TEST_CASE("a reply written in Jira with #bugzilla is posted once and then closes its issue",
          "[e2e][sync][replies]") {
  const std::string flavor = GENERATE("cloud", "datacenter");
  INFO("Jira flavor " << flavor);
  Sim sim(SimOptions{flavor});
  const auto mapping = sim.mapping([](json& m) { m["replies"] = {{"enabled", true}}; });
  const auto run = [&](const std::string& now) {
    const auto r = sim.sync(mapping, now);
    INFO("sync at " << now << ":\n" << r.out << r.err);
    REQUIRE(r.code == 0);
    return r;
  };
  run("2026-11-26T12:00:00Z");
  const std::string key = sim.issue_labelled("bzq-2061240-18471475").at("key");

  // A plain comment (no marker) and a reply.
  sim.jira("POST", "/__sim/issues/" + key + "/comment",
           {{"author", "jane@example-ca.test"}, {"body", "Drafting the answer now."}});
  sim.jira("POST", "/__sim/issues/" + key + "/comment",
           {{"author", "jane@example-ca.test"}, {"body", std::string("#bugzilla ") + k_reply}});

  const auto posting = run("2026-11-26T12:30:00Z");
  CHECK(posting.out.find("replies posted 1") != std::string::npos);
  CHECK(bugzilla_copies(sim) == 1);
  std::string jira_notes;
  const json issue = sim.issue_labelled("bzq-2061240-18471475");
  for (const auto& c : issue.at("comments")) {
    jira_notes += c.at("body_text").get<std::string>() + "\n";
  }
  CHECK(jira_notes.find("Posted to Bugzilla as comment") != std::string::npos);
  CHECK(jira_notes.find("Drafting") != std::string::npos);  // the user's own, left alone

  // The posted comment is read back: the question (and everything else it satisfies) closes.
  const auto closing = run("2026-11-26T13:30:00Z");
  CHECK(sim.issue_labelled("bzq-2061240-18471475").at("statusCategory") == "done");
  CHECK(closing.out.find("replies posted 0") != std::string::npos);
  CHECK(bugzilla_copies(sim) == 1);

  // Later runs never post it again.
  run("2026-11-26T14:30:00Z");
  CHECK(bugzilla_copies(sim) == 1);
}
