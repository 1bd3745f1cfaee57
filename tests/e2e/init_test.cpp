// `bzjira init` end to end (issue 16): the real binary against bzjira-sim in both Bugzilla flavors
// (bugzilla.mozilla.org and upstream 5.x) and both Jira flavors. The demo CA (deploy/demo) and
// Northwind Trust (tests/data/bugzilla/northwind_trust.json: people posting from anonymous
// accounts, a root-program reviewer who comments often, a security-sensitive bug) must be found
// as worked out by hand from the datasets; the mapping must load, hold no secret, keep each
// account's evidence, and never replace a file without --force.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tests/e2e/sim_fixture.h"
#include "tests/support/paths.h"
#include "tests/support/text.h"

using bzjira::e2e::Env;
using bzjira::e2e::k_demo_env;
using bzjira::e2e::read_file;
using bzjira::e2e::run_bzjira_env;
using bzjira::e2e::run_program;
using bzjira::e2e::RunResult;
using bzjira::e2e::Sim;
using bzjira::e2e::SimOptions;
using nlohmann::json;

namespace {

constexpr const char* k_now = "2026-11-26T12:00:00Z";

std::string northwind() {
  return bzjira::test_support::source_dir() + "/tests/data/bugzilla/northwind_trust.json";
}

// The key of Northwind's bzjira bot, in ca-program-security (sees the security bug), and one that
// is not.
const Env k_insider_env = {{"BZJIRA_BUGZILLA_API_KEY", "nw-insider-key"}};
const Env k_outsider_env = {{"BZJIRA_BUGZILLA_API_KEY", "nw-outsider-key"}};

std::vector<std::string> strings(const json& list) {
  std::vector<std::string> out;
  for (const json& s : list) {
    out.push_back(s.get<std::string>());
  }
  return out;
}

using bzjira::test_support::contains;

RunResult init(const Sim& sim, const Env& env, const std::string& ca, const std::string& output,
               std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "init", "--bugzilla", sim.bugzilla_url(), "--ca", ca, "-o", output, "--now", k_now};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_bzjira_env(env, args);
}

}  // namespace

TEST_CASE("init finds the demo CA's three accounts in both Bugzilla and Jira flavors",
          "[e2e][init]") {
  for (const char* bugzilla : {"bmo", "upstream"}) {
    const char* jira = std::string(bugzilla) == "bmo" ? "cloud" : "datacenter";
    INFO(bugzilla << " / " << jira);
    SimOptions options;
    options.bugzilla_auth = bugzilla;
    options.flavor = jira;
    Sim sim(options);
    const auto output = (sim.dir().path() / "example-ca.json").string();
    const auto r = init(sim, k_demo_env, "Example CA", output,
                        {"--jira", sim.jira_url(), "--jira-project", "CAINC", "--jira-flavor", jira,
                         "--time-zone", "Europe/Berlin"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    const json m = json::parse(read_file(output));
    // mappings/demo.json's accounts: each posted a report in the IRG template (the anonymous
    // ca-incident-desk@mailbox.test filed 2061187 with its Preliminary Incident Report).
    CHECK(strings(m["bugzilla"]["ca_accounts"]) ==
          std::vector<std::string>{"compliance@example-ca.test", "jdoe@example-ca.test",
                                   "ca-incident-desk@mailbox.test"});
    // Every comment of bmo-bot says "(This is an automated message.)".
    CHECK(strings(m["bugzilla"]["ignored_accounts"]) ==
          std::vector<std::string>{"bmo-bot@mozilla.tld"});
    CHECK(m["bugzilla"]["auth"] == (std::string(bugzilla) == "bmo" ? "header" : "query"));
    CHECK(m["bugzilla"]["scope"]["summary_prefix"] == "Example CA:");
    const json& evidence = m["bugzilla"]["$comment"];
    CHECK(contains(evidence["ca_accounts"]["ca-incident-desk@mailbox.test"],
                   "posted an incident report in the IRG template: bug 2061187 comment 0"));
    // The root-program reviewer opens each comment with "Example CA,": never proposed.
    CHECK(contains(evidence["left_out"]["rootstore@chrome-root.test"], "addressed the CA by name"));
    // The community member set a needinfo on jdoe in 2061187 (withdrawn by the moderator): a
    // request to the CA, never the CA's own voice.
    CHECK(contains(evidence["left_out"]["m.keller@community.test"],
                   "asked a CA account by needinfo: bug 2061187"));
    CHECK(m["jira"]["project"] == "CAINC");
    CHECK(m["jira"]["flavor"] == jira);
    CHECK(m["jira"]["issue_type"] == "Task");
    CHECK(m["jira"]["deadline_field"] == "customfield_10050");
    CHECK(m["jira"].contains("user_env") == (std::string(jira) == "cloud"));
    CHECK(m["policy"]["time_zone"] == "Europe/Berlin");
    // The checks of check --online, then the dry run: six obligations are open at 11-26 12:00Z,
    // three past their deadlines (11-19, 11-20, 11-25; see live_commands_test.cpp).
    CHECK(contains(r.out, "ok   permissions in CAINC"));
    CHECK(contains(r.out, "summary: obligations open 6 (overdue 3)"));
    CHECK(contains(r.out, "created 6"));
    CHECK(sim.issues().empty());  // a dry run
    // No secret in the file, and the file loads as it is.
    const std::string text = read_file(output);
    for (const auto& [name, value] : k_demo_env) {
      CHECK_FALSE(contains(text, value));
    }
    const auto check = run_bzjira_env({}, {"check", "-c", output});
    CHECK(check.code == 0);
    CHECK(check.out == "mapping OK: example-ca (3 CA accounts, zone Europe/Berlin)\n");
  }
}

TEST_CASE("init finds a CA posting from anonymous accounts and not the busy root-program reviewer",
          "[e2e][init]") {
  for (const char* bugzilla : {"bmo", "upstream"}) {
    INFO(bugzilla);
    SimOptions options;
    options.bugzilla_auth = bugzilla;
    Sim sim(options, northwind());
    const auto output = (sim.dir().path() / "northwind.json").string();
    const auto r = init(sim, k_insider_env, "Northwind Trust", output, {"--yes"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    const json m = json::parse(read_file(output));
    // Both anonymous accounts filed reports in the template; 3100003 is security-sensitive.
    CHECK(
        strings(m["bugzilla"]["ca_accounts"]) ==
        std::vector<std::string>{"nw-incidents-7731@anonbox.test", "nw-secops-2291@anonbox.test"});
    CHECK(strings(m["bugzilla"]["ignored_accounts"]) ==
          std::vector<std::string>{"bugbot@tracker.test"});
    CHECK(contains(r.out, "CA Program :: CA Security Vulnerability: 1 bug (1 open)"));
    CHECK(m.find("jira") == m.end());
    const json& left_out = m["bugzilla"]["$comment"]["left_out"];
    // 11 comments on three bugs, never in the template, needinfo on the CA's account.
    REQUIRE(left_out.contains("rp-reviewer@rootprogram.test"));
    CHECK(contains(left_out["rp-reviewer@rootprogram.test"], "not the CA."));
    CHECK(contains(left_out["rp-reviewer@rootprogram.test"], "3 bugs, 11 comments"));
    CHECK(contains(left_out["moderator@rootprogram.test"], "acted as a moderator"));
    // Weak evidence only: left for a person, and --yes takes neither.
    CHECK(contains(left_out["researcher@lab.test"], "left out: uncertain evidence, not taken"));
    CHECK(
        contains(left_out["k.ito@northwind-trust.test"],
                 "needinfo from rp-reviewer@rootprogram.test at 2026-10-23T10:00:00Z, answered by "
                 "nw-incidents-7731@anonbox.test"));
    CHECK_FALSE(contains(read_file(output), "southwind"));  // another CA's bug
    CHECK_FALSE(contains(read_file(output), "nw-insider-key"));
  }
}

TEST_CASE("init with a key outside ca-program-security sees no security-sensitive bug",
          "[e2e][init]") {
  SimOptions options;
  Sim sim(options, northwind());
  const auto output = (sim.dir().path() / "northwind.json").string();
  const auto r = init(sim, k_outsider_env, "Northwind Trust", output);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "CA Security Vulnerability: none this key can see"));
  CHECK(contains(r.out, "2 uncertain accounts left out (standard input is not a terminal)"));
  const json m = json::parse(read_file(output));
  CHECK(strings(m["bugzilla"]["ca_accounts"]) ==
        std::vector<std::string>{"nw-incidents-7731@anonbox.test"});
}

TEST_CASE("on a terminal init asks about each uncertain account and takes the yes", "[e2e][init]") {
  SimOptions options;
  Sim sim(options, northwind());
  const auto output = (sim.dir().path() / "northwind.json").string();
  // script(1) gives init a terminal; the answers: researcher (2 comments, asked first) no,
  // k.ito yes.
  const auto answers = sim.dir().file("answers", "n\ny\n");
  std::string command = "BZJIRA_BUGZILLA_API_KEY=nw-outsider-key " +
                        bzjira::e2e::shell_quote(bzjira::test_support::binary_dir() + "/bzjira") +
                        " init --bugzilla " + sim.bugzilla_url() +
                        " --ca 'Northwind Trust' --now " + k_now + " -o " +
                        bzjira::e2e::shell_quote(output);
  const auto r = run_program("sh", {"-c", "script -qec " + bzjira::e2e::shell_quote(command) +
                                              " /dev/null < " + bzjira::e2e::shell_quote(answers)});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "Does researcher@lab.test speak for Northwind Trust? [y/N]"));
  CHECK(contains(r.out, "Does k.ito@northwind-trust.test speak for Northwind Trust? [y/N]"));
  const json m = json::parse(read_file(output));
  CHECK(strings(m["bugzilla"]["ca_accounts"]) ==
        std::vector<std::string>{"nw-incidents-7731@anonbox.test", "k.ito@northwind-trust.test"});
  CHECK(contains(m["bugzilla"]["$comment"]["ca_accounts"]["k.ito@northwind-trust.test"],
                 "taken by a person (uncertain evidence)"));
}

TEST_CASE("init never replaces a mapping without --force and sends nothing when it refuses",
          "[e2e][init]") {
  Sim sim;
  const auto output = sim.dir().file("existing.json", "{\"mine\": true}\n");
  sim.reset_stats();
  const auto refused = init(sim, k_demo_env, "Example CA", output);
  CHECK(refused.code == 2);
  CHECK(contains(refused.err, "exists"));
  CHECK(contains(refused.err, "--force"));
  CHECK(read_file(output) == "{\"mine\": true}\n");
  CHECK(sim.bugzilla_stats()["total"] == 0);
  const auto forced = init(sim, k_demo_env, "Example CA", output, {"--force"});
  INFO(forced.out << forced.err);
  CHECK(forced.code == 0);
  CHECK(json::parse(read_file(output))["name"] == "existing");
}

TEST_CASE("init without the API key, or with a bad option, writes nothing and exits 2",
          "[e2e][init]") {
  Sim sim;
  const auto output = (sim.dir().path() / "x.json").string();
  const auto no_key = init(sim, {}, "Example CA", output);
  CHECK(no_key.code == 2);
  CHECK(contains(no_key.err, "BZJIRA_BUGZILLA_API_KEY"));
  const auto no_jira_token = init(sim, {k_demo_env[0], k_demo_env[1]}, "Example CA", output,
                                  {"--jira", sim.jira_url(), "--jira-project", "CAINC"});
  CHECK(no_jira_token.code == 2);
  CHECK(contains(no_jira_token.err, "BZJIRA_JIRA_TOKEN"));
  const auto bad_project = init(sim, k_demo_env, "Example CA", output,
                                {"--jira", sim.jira_url(), "--jira-project", "cainc"});
  CHECK(bad_project.code == 2);
  CHECK(contains(bad_project.err, "--jira-project: must be a Jira project key"));
  const auto lone_jira = init(sim, k_demo_env, "Example CA", output, {"--jira", sim.jira_url()});
  CHECK(lone_jira.code == 2);
  CHECK(contains(lone_jira.err, "--jira and --jira-project go together"));
  const auto unknown_ca = init(sim, k_demo_env, "Nobody CA", output);
  CHECK(unknown_ca.code == 2);
  CHECK(contains(unknown_ca.err, "no incident bug has a summary starting with \"Nobody CA:\""));
  CHECK_FALSE(std::filesystem::exists(output));
}

TEST_CASE("init says what is missing in Jira and still writes the mapping to fix", "[e2e][init]") {
  Sim sim;
  sim.jira("POST", "/__sim/create-screen", json{{"hidden", {"duedate"}}});
  const auto output = (sim.dir().path() / "example-ca.json").string();
  const auto r = init(sim, k_demo_env, "Example CA", output,
                      {"--jira", sim.jira_url(), "--jira-project", "CAINC", "--issue-type", "Bug"});
  INFO(r.out << r.err);
  CHECK(r.code == 2);
  CHECK(contains(r.out,
                 "FAIL Due date is not on the create screen of Bug in CAINC -> add the Due date"));
  const json m = json::parse(read_file(output));
  CHECK(m["jira"]["issue_type"] == "Bug");
  CHECK(contains(m["jira"]["$comment"]["to_fix"][0], "Due date is not on the create screen"));

  const auto story = (sim.dir().path() / "story.json").string();
  const auto wrong_type =
      init(sim, k_demo_env, "Example CA", story,
           {"--jira", sim.jira_url(), "--jira-project", "CAINC", "--issue-type", "Story"});
  CHECK(wrong_type.code == 2);
  CHECK(contains(wrong_type.out,
                 "project CAINC has no issue type \"Story\" this account may create; it "
                 "offers \"Task\", \"Bug\""));
}
