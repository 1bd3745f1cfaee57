// `bzjira sync` following the demo's bugs as they change, both Jira flavors: a CA reply, a new
// question, a moved Next update date, a dismissal, a manual close, a resolved bug. Each step
// changes Bugzilla or Jira through the simulator, syncs an hour later, and checks the board.
// The simulator's Bugzilla clock starts at 2026-11-26T12:00:00Z, so everything posted during the
// test is stamped a few seconds after it.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/e2e/sim_fixture.h"

using bzjira::e2e::Sim;
using bzjira::e2e::SimOptions;
using nlohmann::json;

namespace {

// The text of every comment of an issue, one after the other, without the backslashes of Jira
// wiki markup (Data Center's comments escape "-" and parentheses).
std::string comment_texts(const json& issue) {
  std::string all;
  for (const auto& c : issue.at("comments")) {
    for (const char ch : c.at("body_text").get<std::string>()) {
      if (ch != '\\') {
        all += ch;
      }
    }
    all += "\n";
  }
  return all;
}

bool is_done(const json& issue) { return issue.at("statusCategory") == "done"; }

int count_labelled_prefix(const json& issues, const std::string& prefix) {
  int n = 0;
  for (const auto& issue : issues) {
    for (const auto& l : issue.at("labels")) {
      n += l.get<std::string>().rfind(prefix, 0) == 0 ? 1 : 0;
    }
  }
  return n;
}

}  // namespace

TEST_CASE("sync follows replies, questions, dates, dismissals, manual closes and resolutions",
          "[e2e][sync]") {
  const std::string flavor = GENERATE("cloud", "datacenter");
  INFO("Jira flavor " << flavor);
  Sim sim(SimOptions{flavor});
  const auto mapping = sim.mapping();
  const auto run = [&](const std::string& now) { return sim.sync_ok(mapping, now); };
  run("2026-11-26T12:00:00Z");
  REQUIRE(sim.issues().size() == 6);

  // 1. The CA answers on 2061240 through Bugzilla's own API: the question, the needinfo and the
  // update window it satisfies close; the other bugs' issues stay open; the CA's comment starts
  // a new update window, still due on the Next update date 2026-12-04.
  const json posted = sim.call(
      "POST", sim.bugzilla_url() + "/rest/bug/2061240/comment",
      json{{"comment", "Responding to comment 9: yes, the comparison covers every CA."}}.dump(),
      {{"X-BUGZILLA-API-KEY", "demo-ca-key"}});
  REQUIRE(posted.contains("id"));
  const std::string reply_id = std::to_string(posted.at("id").get<long>());
  run("2026-11-26T13:00:00Z");
  for (const char* label : {"bzq-2061240-18471475", "bzu-2061240-18470719"}) {
    INFO(label);
    const json issue = sim.issue_labelled(label);
    CHECK(is_done(issue));
    CHECK(comment_texts(issue).find("compliance@example-ca.test") != std::string::npos);
  }
  CHECK(count_labelled_prefix(sim.issues(), "bzn-2061240-") == 1);
  for (const auto& issue : sim.issues()) {
    const auto labels = issue.at("labels").dump();
    if (labels.find("bzn-2061240-") != std::string::npos) {
      CHECK(is_done(issue));
    }
    if (labels.find("bz-2061187") != std::string::npos ||
        labels.find("bz-2061355") != std::string::npos) {
      CHECK_FALSE(is_done(issue));
    }
  }
  const json next_update = sim.issue_labelled("bzu-2061240-" + reply_id);
  CHECK(next_update.at("duedate") == "2026-12-04");
  CHECK_FALSE(is_done(next_update));
  CHECK(sim.issues().size() == 7);

  // 2. A new question on 2061187 (a root program, a few seconds after 12:00Z on 11-26): deadline
  // 12-03 ~12:00Z = ~13:00 Berlin, so due 12-02.
  const json question = sim.bugzilla("POST", "/__sim/comments",
                                     {{"bug_id", 2061187},
                                      {"creator", "rootstore@chrome-root.test"},
                                      {"text", "Please list the payment terminals still in use."}});
  const std::string question_id = std::to_string(question.at("id").get<long>());
  run("2026-11-26T14:00:00Z");
  const json asked = sim.issue_labelled("bzq-2061187-" + question_id);
  CHECK(asked.at("duedate") == "2026-12-02");
  CHECK_FALSE(is_done(asked));

  // 3. The moderators move 2061240's Next update to 2026-12-10: the update issue follows, with a
  // comment saying so.
  sim.bugzilla("POST", "/__sim/bugs",
               {{"id", 2061240},
                {"whiteboard", "[ca-compliance] [disclosure-failure] Next update 2026-12-10"}});
  run("2026-11-26T15:00:00Z");
  const json moved = sim.issue_labelled("bzu-2061240-" + reply_id);
  CHECK(moved.at("duedate") == "2026-12-10");
  CHECK(comment_texts(moved).find("2026-12-10") != std::string::npos);

  // 4. Someone closes 2061355's question as Won't Do (a dismissal) and 2061187's update issue as
  // plain Done while it is still owed: the first stays closed, the second is reopened.
  const std::string dismissed = sim.issue_labelled("bzq-2061355-18470776").at("key");
  const std::string closed_by_hand = sim.issue_labelled("bzu-2061187-18471197").at("key");
  sim.jira("POST", "/__sim/issues/" + dismissed + "/close", {{"resolution", "Won't Do"}});
  sim.jira("POST", "/__sim/issues/" + closed_by_hand + "/close", {{"resolution", "Done"}});
  const auto reopen_run = run("2026-11-26T16:00:00Z");
  CHECK(reopen_run.out.find("reopened " + closed_by_hand) != std::string::npos);
  CHECK(reopen_run.out.find("reopened " + dismissed) == std::string::npos);
  CHECK(is_done(sim.issue_labelled("bzq-2061355-18470776")));
  CHECK(sim.issue_labelled("bzq-2061355-18470776").at("resolution") == "Won't Do");
  const json reopened = sim.issue_labelled("bzu-2061187-18471197");
  CHECK_FALSE(is_done(reopened));
  CHECK(comment_texts(reopened).find("Reopened by bzjira") != std::string::npos);

  // 5. 2061355 is resolved: every one of its issues is closed (the dismissed one stays as it was).
  sim.bugzilla("POST", "/__sim/bugs",
               {{"id", 2061355},
                {"status", "RESOLVED"},
                {"resolution", "FIXED"},
                {"is_open", false},
                {"cf_last_resolved", sim.bugzilla_now()}});
  run("2026-11-26T17:00:00Z");
  for (const auto& issue : sim.issues()) {
    if (issue.at("labels").dump().find("\"bz-2061355\"") != std::string::npos) {
      INFO(issue.at("key").get<std::string>());
      CHECK(is_done(issue));
    }
  }
  const json update_2061355 = sim.issue_labelled("bzu-2061355-18470134");
  CHECK(comment_texts(update_2061355).find("resolved") != std::string::npos);
  CHECK(sim.issue_labelled("bzq-2061355-18470776").at("resolution") == "Won't Do");

  // Nothing was ever created twice.
  for (const auto& [label, count] : bzjira::e2e::label_counts(sim.issues())) {
    if (label.rfind("bzq-", 0) == 0 || label.rfind("bzu-", 0) == 0 || label.rfind("bzn-", 0) == 0) {
      CHECK(count == 1);
    }
  }
  // And a run with nothing new writes nothing.
  sim.reset_stats();
  run("2026-11-26T17:00:00Z");
  CHECK(bzjira::e2e::write_routes(sim.jira_stats()).empty());
}
