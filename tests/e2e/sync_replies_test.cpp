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
  const std::string bugzilla = GENERATE("bmo", "upstream");
  INFO("Jira flavor " << flavor << ", Bugzilla " << bugzilla);
  Sim sim(SimOptions{flavor, bugzilla});
  const auto mapping = sim.mapping([](json& m) {
    m["replies"] = {{"enabled", true}};
    m["bugzilla"]["auth"] = "auto";
  });
  const auto run = [&](const std::string& now) { return sim.sync_ok(mapping, now); };
  run("2026-11-26T12:00:00Z");
  const std::string key = sim.issue_labelled("bzq-2061240-18471475").at("key");

  // A plain comment (no marker) and a reply.
  sim.jira("POST", "/__sim/issues/" + key + "/comment",
           {{"author", "jane@example-ca.test"}, {"body", "Drafting the answer now."}});
  sim.jira("POST", "/__sim/issues/" + key + "/comment",
           {{"author", "jane@example-ca.test"}, {"body", std::string("#bugzilla ") + k_reply}});
  std::string reply_id;
  const json written = sim.issue_labelled("bzq-2061240-18471475");  // a named value: no dangling
  for (const auto& c : written.at("comments")) {
    if (c.at("body_text").get<std::string>().rfind("#bugzilla", 0) == 0) {
      reply_id = c.at("id").get<std::string>();
    }
  }
  REQUIRE_FALSE(reply_id.empty());

  const auto posting = run("2026-11-26T12:30:00Z");
  CHECK(posting.out.find("replies posted 1") != std::string::npos);
  REQUIRE(bugzilla_copies(sim) == 1);
  // The posted comment ends with the line that names its origin, and is named as people see it.
  const json posted = sim.comments(2061240).back();
  const std::string reference = "(posted from Jira " + key + ", comment " + reply_id + ")";
  const std::string text = posted.at("text").get<std::string>();
  CHECK(text.substr(text.size() - reference.size()) == reference);
  const std::string number = std::to_string(posted.at("count").get<int>());
  CHECK(posting.out.find("to bug 2061240 as comment " + number + " (") != std::string::npos);
  CHECK(posting.out.find("#c" + number + ")") != std::string::npos);
  std::string jira_notes;
  const json issue = sim.issue_labelled("bzq-2061240-18471475");
  for (const auto& c : issue.at("comments")) {
    jira_notes += c.at("body_text").get<std::string>() + "\n";
  }
  // Data Center keeps the wiki text bzjira wrote: the link is "[comment N|url]".
  CHECK(jira_notes.find(flavor == "cloud" ? "Posted to Bugzilla as comment " + number
                                          : "Posted to Bugzilla as [comment " + number + "|") !=
        std::string::npos);
  // The link to the comment: in the ADF (Cloud) or the wiki text (Data Center).
  CHECK(issue.dump().find("show_bug.cgi?id=2061240#c" + number) != std::string::npos);
  CHECK(jira_notes.find("Jira comment " + reply_id) != std::string::npos);
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

TEST_CASE("a reply among more comments than a search lists is found and posted once",
          "[e2e][sync][replies]") {
  const std::string flavor = GENERATE("cloud", "datacenter");
  INFO("Jira flavor " << flavor);
  Sim sim(SimOptions{flavor});
  const auto mapping = sim.mapping([](json& m) { m["replies"] = {{"enabled", true}}; });
  const auto run = [&](const std::string& now) { return sim.sync_ok(mapping, now); };
  const std::string comment_reads =
      std::string("GET /rest/api/") + (flavor == "cloud" ? "3" : "2") + "/issue/{key}/comment";
  const auto reads = [&] {
    const json requests = sim.jira_stats().at("requests");
    return requests.value(comment_reads, 0);
  };
  const auto copies = [&] {
    int n = 0;
    for (const auto& c : sim.comments(2061240)) {
      n += c.at("text").get<std::string>().find("the 23rd comment") != std::string::npos ? 1 : 0;
    }
    return n;
  };
  run("2026-11-26T12:00:00Z");
  const std::string key = sim.issue_labelled("bzq-2061240-18471475").at("key");
  const auto comment = [&](const std::string& body) {
    sim.jira("POST", "/__sim/issues/" + key + "/comment",
             {{"author", "jane@example-ca.test"}, {"body", body}});
  };

  // A few comments come with the search: no issue's comment list is read.
  comment("Drafting the answer now.");
  sim.reset_stats();
  run("2026-11-26T12:30:00Z");
  CHECK(reads() == 0);

  // 26 comments, more than the 20 a search lists: the reply, the 23rd, is read and posted once.
  for (int i = 2; i <= 26; ++i) {
    comment(i == 23 ? std::string("#bugzilla Answer in the 23rd comment: the job runs daily.")
                    : "Working note " + std::to_string(i) + ".");
  }
  REQUIRE(sim.issue_labelled("bzq-2061240-18471475").at("comments").size() == 26);
  sim.reset_stats();
  const auto posting = run("2026-11-26T13:00:00Z");
  CHECK(posting.out.find("replies posted 1") != std::string::npos);
  CHECK(reads() >= 1);
  CHECK(copies() == 1);
  run("2026-11-26T13:30:00Z");
  run("2026-11-26T14:30:00Z");
  CHECK(copies() == 1);
}
