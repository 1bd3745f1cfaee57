// The parts of `bzjira init` that need no server (adapters/cli/init.h): the y/n questions, the
// jira section's choices from a project's facts, the mapping's layout, the file that is never
// replaced without --force, mapping names.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "adapters/cli/init.h"
#include "adapters/config/mapping_loader.h"
#include "tests/support/temp_dir.h"
#include "tests/support/text.h"

using namespace bzjira;
using namespace bzjira::adapters::cli::init;
using Level = Finding::Level;

namespace {

sync::AccountReport account(const std::string& login, sync::AccountClass verdict,
                            sync::EvidenceKind kind, bool bot = false) {
  sync::AccountReport a;
  a.login = login;
  a.verdict = verdict;
  a.bot = bot;
  a.bugs = 1;
  a.comments = 2;
  a.evidence.push_back(sync::Evidence{kind, 42, 3, ""});
  return a;
}

const std::vector<sync::AccountReport>& sample_accounts() {
  static const std::vector<sync::AccountReport> k_accounts = {
      account("ca@example.test", sync::AccountClass::ca, sync::EvidenceKind::incident_report),
      account("maybe@example.test", sync::AccountClass::uncertain, sync::EvidenceKind::reporter),
      account("alias@example.test", sync::AccountClass::uncertain, sync::EvidenceKind::signature),
      account("bot@tracker.test", sync::AccountClass::not_ca, sync::EvidenceKind::automated, true),
      account("root@program.test", sync::AccountClass::not_ca,
              sync::EvidenceKind::addresses_the_ca),
      account("someone@community.test", sync::AccountClass::unknown, sync::EvidenceKind::reporter),
  };
  return k_accounts;
}

std::vector<Finding::Level> levels(const JiraPlan& plan) {
  std::vector<Finding::Level> out;
  for (const Finding& f : plan.findings) {
    out.push_back(f.level);
  }
  return out;
}

bool mentions(const JiraPlan& plan, Level level, const std::string& part) {
  for (const Finding& f : plan.findings) {
    if (f.level == level && (f.text + " " + f.what_to_do).find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// A project as the simulator has it: Task with Due date and a deadline field, To Do / In
// Progress / Done.
adapters::jira::ProjectFacts good_project() {
  adapters::jira::ProjectFacts f;
  f.key = "CAINC";
  f.name = "CA incidents";
  f.issue_types = {{"10001", "Task", false}, {"10002", "Bug", false}, {"10003", "Sub-task", true}};
  f.issue_type = f.issue_types[0];
  f.create_fields = {{"summary", "Summary", "string", false, true, false},
                     {"duedate", "Due date", "date", false, false, false},
                     {"customfield_10050", "Obligation deadline", "datetime", true, false, false}};
  f.statuses = {{"To Do", "new"}, {"In Progress", "indeterminate"}, {"Done", "done"}};
  f.datetime_fields = {
      {"customfield_10050", "Obligation deadline", "datetime", true, false, false}};
  return f;
}

using bzjira::test_support::read_file;
using bzjira::test_support::TempDir;

}  // namespace

TEST_CASE("init asks about each uncertain account and takes only a yes", "[cli][init]") {
  std::istringstream answers("YES\n\n");
  std::ostringstream out;
  const auto taken = ask_uncertain(sample_accounts(), "Example CA", answers, out);
  CHECK(taken == std::vector<std::string>{"maybe@example.test"});
  CHECK(out.str().find("Does maybe@example.test speak for Example CA? [y/N]") != std::string::npos);
  CHECK(out.str().find("Does alias@example.test speak for Example CA? [y/N]") != std::string::npos);
  CHECK(out.str().find("ca@example.test speak") == std::string::npos);  // strong: not asked

  std::istringstream ended("");  // Ctrl-D: nobody is taken and nothing more is asked
  std::ostringstream out2;
  CHECK(ask_uncertain(sample_accounts(), "Example CA", ended, out2).empty());
  CHECK(out2.str().find("alias@example.test") == std::string::npos);

  std::istringstream other(" y \nyess\n");
  std::ostringstream out3;
  CHECK(ask_uncertain(sample_accounts(), "Example CA", other, out3) ==
        std::vector<std::string>{"maybe@example.test"});
}

TEST_CASE("the account lists take strong accounts, accounts a person took, and bots",
          "[cli][init]") {
  const auto choice = choose_accounts(sample_accounts(), {"alias@example.test"});
  CHECK(choice.ca == std::vector<std::string>{"ca@example.test", "alias@example.test"});
  CHECK(choice.taken == std::vector<std::string>{"alias@example.test"});
  CHECK(choice.ignored == std::vector<std::string>{"bot@tracker.test"});
}

TEST_CASE("a project with everything bzjira needs gives a clean jira section", "[cli][init]") {
  const JiraPlan plan = plan_jira(good_project(), "Task");
  CHECK_FALSE(plan.failed());
  CHECK(plan.issue_type == "Task");
  CHECK(plan.deadline_field == "customfield_10050");
  CHECK(plan.reopen);
  CHECK(mentions(plan, Level::ok, "closes issues to Done"));
  CHECK(mentions(plan, Level::ok, "reopens issues to To Do"));
}

TEST_CASE("what a project lacks is said with what to do", "[cli][init]") {
  auto facts = good_project();
  facts.create_fields.erase(facts.create_fields.begin() + 1);  // no Due date
  facts.create_fields.push_back({"customfield_1", "Team", "option", true, true, false});
  facts.statuses = {{"Open", "indeterminate"}};  // neither done nor to do
  const JiraPlan plan = plan_jira(facts, "Task");
  CHECK(plan.failed());
  CHECK(mentions(plan, Level::fail, "Due date is not on the create screen of Task in CAINC"));
  CHECK(mentions(plan, Level::fail, "no status in category done"));
  CHECK(mentions(plan, Level::fail, "requires \"Team\" (customfield_1)"));
  CHECK_FALSE(plan.reopen);  // no to-do status to reopen to
  CHECK(mentions(plan, Level::note, "jira.reopen set to false"));
}

TEST_CASE("a missing issue type names the ones the project offers", "[cli][init]") {
  auto facts = good_project();
  facts.issue_type.reset();
  const JiraPlan plan = plan_jira(facts, "task");
  CHECK(levels(plan) == std::vector<Level>{Level::fail});
  CHECK(mentions(plan, Level::fail, "offers \"Task\", \"Bug\""));
  CHECK(mentions(plan, Level::fail, "write jira.issue_type as \"Task\""));
  facts.issue_types.clear();
  CHECK(mentions(plan_jira(facts, "Task"), Level::fail, "may create no issues in CAINC"));
}

TEST_CASE("a deadline field is chosen only when one date-time field is named for it",
          "[cli][init]") {
  auto facts = good_project();
  facts.create_fields.push_back({"customfield_2", "SLA deadline", "datetime", true, false, false});
  CHECK(plan_jira(facts, "Task").deadline_field.empty());  // two: a person picks
  facts = good_project();
  facts.create_fields[2].name = "Start time";
  const JiraPlan plan = plan_jira(facts, "Task");
  CHECK(plan.deadline_field.empty());
  CHECK(mentions(plan, Level::note, "customfield_10050 \"Obligation deadline\""));  // the site's
}

TEST_CASE("several transitions to done are pointed out", "[cli][init]") {
  auto facts = good_project();
  facts.sample_issue = "CAINC-7";
  facts.sample_status = "To Do";
  facts.sample_transitions = {{"Done", "Done", "done"}, {"Won't Do", "Won't Do", "done"}};
  const JiraPlan plan = plan_jira(facts, "Task");
  CHECK(mentions(plan, Level::note, "transitions from CAINC-7 (To Do)"));
  CHECK(mentions(plan, Level::note, "set jira.close_transition"));
}

TEST_CASE("the proposed mapping loads, keeps the evidence and names no secret", "[cli][init]") {
  MappingFacts f;
  f.name = "example-ca";
  f.ca_name = "Example CA";
  f.bugzilla_url = "https://bugzilla.mozilla.org";
  f.auth = sync::BugzillaAuth::query;
  f.time_zone = "Europe/Madrid";
  f.accounts = sample_accounts();
  f.choice = choose_accounts(f.accounts, {});
  f.bugs = 5;
  f.written_by = "bzjira init 0.1.0 on 2026-12-02T10:00:00Z";
  auto m = compose_mapping(f);
  CHECK(m.find("jira") == m.end());
  CHECK(m["bugzilla"]["auth"] == "query");
  CHECK(m["bugzilla"]["scope"]["summary_prefix"] == "Example CA:");
  const auto& evidence = m["bugzilla"]["$comment"];
  CHECK(evidence["ca_accounts"].contains("ca@example.test"));
  CHECK(evidence["ignored_accounts"].contains("bot@tracker.test"));
  for (const char* left : {"maybe@example.test", "alias@example.test", "root@program.test",
                           "someone@community.test"}) {
    CHECK(evidence["left_out"].contains(left));
  }
  CHECK(evidence["left_out"]["maybe@example.test"].get<std::string>().rfind(
            "left out: uncertain evidence, not taken.", 0) == 0);

  f.jira = plan_jira(good_project(), "Task");
  f.jira_settings.url = "https://example.atlassian.net";
  f.jira_settings.project = "CAINC";
  m = compose_mapping(f);
  CHECK(m["jira"]["deadline_field"] == "customfield_10050");
  CHECK(m["jira"]["token_env"] == "BZJIRA_JIRA_TOKEN");
  const auto loaded = adapters::config::load_mapping_text(m.dump(2), "proposed.json");
  INFO((loaded.problems.empty() ? "" : loaded.problems.front()));
  REQUIRE(loaded.mapping.has_value());
  CHECK(loaded.mapping->bugzilla.ca_accounts == std::vector<std::string>{"ca@example.test"});
  CHECK(loaded.mapping->bugzilla.ignored_accounts == std::vector<std::string>{"bot@tracker.test"});
  CHECK(loaded.mapping->policy.time_zone == "Europe/Madrid");
}

TEST_CASE("the mapping file is never replaced without force and never left half written",
          "[cli][init]") {
  TempDir dir;
  const auto path = dir.path() / "m.json";
  REQUIRE(write_mapping_file(path.string(), "{\"a\": 1}\n", false).ok());
  CHECK(read_file(path) == "{\"a\": 1}\n");
  const auto refused = write_mapping_file(path.string(), "{\"b\": 2}\n", false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == sync::ErrorKind::config);
  CHECK(refused.error().message.find("--force") != std::string::npos);
  CHECK(read_file(path) == "{\"a\": 1}\n");
  REQUIRE(write_mapping_file(path.string(), "{\"c\": 3}\n", true).ok());
  CHECK(read_file(path) == "{\"c\": 3}\n");
  // No temporary file stays beside it.
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++files;
  }
  CHECK(files == 1);
  CHECK_FALSE(
      write_mapping_file((dir.path() / "no-such-dir" / "m.json").string(), "{}", false).ok());
}

TEST_CASE("mapping names are made from file or CA names", "[cli][init]") {
  CHECK(mapping_name_from("Example CA") == "example-ca");
  CHECK(mapping_name_from("  Northwind Trust, Inc. ") == "northwind-trust-inc");
  CHECK(mapping_name_from("my_ca.v2") == "my_ca.v2");
  CHECK(mapping_name_from("Ünïcode") == "n-code");
  CHECK(mapping_name_from("***").empty());
}
