// The Jira simulator's create metadata and project statuses against the Cloud OpenAPI document's
// shapes (PageOfCreateMetaIssueTypes, PageOfCreateMetaIssueTypeWithField, IssueTypeWithStatus) and
// Data Center's "values"/"isLast" pages; then JiraClient::discover_project against both flavors.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/simtest/jira_test_support.h"

using namespace bzjira;  // sync:: (an alias named sync would clash with ::sync())
using bzjira::testing::JiraWorld;
using nlohmann::json;

namespace {

json get(const JiraWorld& w, const std::string& path, int expect_status = 200) {
  const bool cloud = w.settings.flavor == sync::JiraFlavor::cloud;
  const auto auth =
      cloud ? testing::cloud_auth() : adapters::http::Headers{{"Authorization", "Bearer t0ken"}};
  const auto r = w.raw("GET", path, {}, auth);
  CHECK(r.status == expect_status);
  return json::parse(r.body, nullptr, false);
}

std::vector<std::string> ids_of(const json& list, const char* key) {
  std::vector<std::string> out;
  for (const json& item : list) {
    out.push_back(item.at(key).get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE("sim: Cloud createmeta pages issue types with startAt, maxResults and total",
          "[sim][jira][init]") {
  JiraWorld w("cloud");
  const json all = get(w, "/rest/api/3/issue/createmeta/CAINC/issuetypes");
  CHECK(all.at("total") == 3);
  CHECK(all.at("startAt") == 0);
  CHECK(all.at("maxResults") == 50);
  CHECK(ids_of(all.at("issueTypes"), "name") ==
        std::vector<std::string>{"Task", "Bug", "Sub-task"});
  CHECK_FALSE(all.contains("values"));
  const json second =
      get(w, "/rest/api/3/issue/createmeta/CAINC/issuetypes?startAt=1&maxResults=1");
  CHECK(ids_of(second.at("issueTypes"), "name") == std::vector<std::string>{"Bug"});
  const json too_many = get(w, "/rest/api/3/issue/createmeta/CAINC/issuetypes?maxResults=201", 400);
  CHECK(too_many.at("errorMessages").at(0) ==
        "Parameter 'maxResults' must not exceed the limit '200'");
  get(w, "/rest/api/3/issue/createmeta/NOPE/issuetypes", 404);
}

TEST_CASE("sim: createmeta fields list the create screen, and a hidden field is refused",
          "[sim][jira][init]") {
  JiraWorld w("cloud");
  const json page = get(w, "/rest/api/3/issue/createmeta/CAINC/issuetypes/10001");
  const json& fields = page.at("fields");
  const auto ids = ids_of(fields, "fieldId");
  CHECK(std::find(ids.begin(), ids.end(), "duedate") != ids.end());
  for (const json& f : fields) {
    // FieldCreateMetadata's required members.
    for (const char* member : {"fieldId", "key", "name", "operations", "required", "schema"}) {
      INFO(f.dump() << " lacks " << member);
      CHECK(f.contains(member));
    }
  }
  const auto deadline = std::find_if(fields.begin(), fields.end(), [](const json& f) {
    return f["fieldId"] == "customfield_10050";
  });
  REQUIRE(deadline != fields.end());
  CHECK((*deadline)["schema"]["type"] == "datetime");
  CHECK((*deadline)["schema"]["customId"] == 10050);

  w.control("POST", "/__sim/create-screen", R"({"hidden": ["duedate"]})");
  const auto hidden =
      ids_of(get(w, "/rest/api/3/issue/createmeta/CAINC/issuetypes/10001").at("fields"), "fieldId");
  CHECK(std::find(hidden.begin(), hidden.end(), "duedate") == hidden.end());
  const auto created = w.client->create_issues({testing::make_draft(1)});
  REQUIRE(created.size() == 1);
  REQUIRE_FALSE(created[0].ok());
  CHECK(created[0].error().message.find(
            "Field 'duedate' cannot be set. It is not on the appropriate screen, or unknown.") !=
        std::string::npos);
  get(w, "/rest/api/3/issue/createmeta/CAINC/issuetypes/99999", 404);
}

TEST_CASE("sim: Data Center pages createmeta as values with isLast", "[sim][jira][init]") {
  JiraWorld w("datacenter");
  const json first = get(w, "/rest/api/2/issue/createmeta/CAINC/issuetypes?maxResults=2");
  CHECK(ids_of(first.at("values"), "name") == std::vector<std::string>{"Task", "Bug"});
  CHECK(first.at("isLast") == false);
  const json rest = get(w, "/rest/api/2/issue/createmeta/CAINC/issuetypes?startAt=2&maxResults=2");
  CHECK(ids_of(rest.at("values"), "name") == std::vector<std::string>{"Sub-task"});
  CHECK(rest.at("isLast") == true);
  CHECK_FALSE(rest.contains("issueTypes"));
  get(w, "/rest/api/3/issue/createmeta/CAINC/issuetypes", 404);  // no REST v3 on Data Center
}

TEST_CASE("sim: an account without Create Issues sees no issue types to create",
          "[sim][jira][init]") {
  JiraWorld w("cloud");
  w.control("POST", "/__sim/permissions", R"({"deny": ["CREATE_ISSUES"]})");
  const json page = get(w, "/rest/api/3/issue/createmeta/CAINC/issuetypes");
  CHECK(page.at("issueTypes").empty());
  CHECK(page.at("total") == 0);
}

TEST_CASE("sim: project statuses name each issue type's statuses with their category",
          "[sim][jira][init]") {
  JiraWorld w("cloud");
  const json types = get(w, "/rest/api/3/project/CAINC/statuses");
  REQUIRE(types.is_array());
  const json& task = types.at(0);
  CHECK(task.at("name") == "Task");
  CHECK(task.at("subtask") == false);
  std::vector<std::string> seen;
  for (const json& s : task.at("statuses")) {
    seen.push_back(s.at("name").get<std::string>() + "=" +
                   s.at("statusCategory").at("key").get<std::string>());
  }
  CHECK(seen == std::vector<std::string>{"To Do=new", "In Progress=indeterminate", "Done=done"});
  get(w, "/rest/api/3/project/NOPE/statuses", 404);
}

TEST_CASE("discover_project reads types, the create screen, statuses and date-time fields",
          "[jira][init]") {
  for (const char* flavor : {"cloud", "datacenter"}) {
    INFO(flavor);
    JiraWorld w(flavor);
    // One existing Task shows the transitions from To Do.
    REQUIRE(w.client->create_issues({testing::make_draft(7)}).at(0).ok());
    const auto facts = w.client->discover_project("Task");
    REQUIRE(facts.ok());
    CHECK(facts->name == "CA incidents");
    REQUIRE(facts->issue_types.size() == 3);
    CHECK(facts->issue_types[2].subtask);
    REQUIRE(facts->issue_type.has_value());
    CHECK(facts->issue_type->id == "10001");
    const auto& fields = facts->create_fields;
    CHECK(std::any_of(fields.begin(), fields.end(), [](const adapters::jira::ProjectField& f) {
      return f.id == "duedate" && f.type == "date" && !f.custom;
    }));
    REQUIRE(facts->statuses.size() == 3);
    CHECK(facts->statuses[2].name == "Done");
    CHECK(facts->statuses[2].category == "done");
    REQUIRE(facts->datetime_fields.size() == 1);
    CHECK(facts->datetime_fields[0].id == "customfield_10050");
    CHECK(facts->datetime_fields[0].name == "Obligation deadline");
    CHECK(facts->sample_issue == "CAINC-1");
    CHECK(facts->sample_status == "To Do");
    std::vector<std::string> transitions;
    for (const auto& t : facts->sample_transitions) {
      transitions.push_back(t.name + "->" + t.to + "/" + t.to_category);
    }
    CHECK(transitions ==
          std::vector<std::string>{"Start Progress->In Progress/indeterminate", "Done->Done/done"});
    CHECK(facts->problems.empty());
  }
}

TEST_CASE("discover_project without the type asked for lists what the project has",
          "[jira][init]") {
  JiraWorld w("cloud");
  const auto facts = w.client->discover_project("Story");
  REQUIRE(facts.ok());
  CHECK_FALSE(facts->issue_type.has_value());
  CHECK(facts->issue_types.size() == 3);
  CHECK(facts->create_fields.empty());
  w.settings.project = "NOPE";
  const auto missing = w.make_client()->discover_project("Task");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == sync::ErrorKind::not_found);
}
