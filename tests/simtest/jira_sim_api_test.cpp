// The Jira simulator checked by hand-made requests against docs/jira-api.md: status codes,
// answer shapes, validation messages, the removed Cloud search, JQL and paging. Independent of
// the client.
#include <catch2/catch.hpp>

#include "tests/simtest/jira_test_support.h"

using namespace bzjira;  // sync:: (an alias named sync would clash with ::sync())
using bzjira::testing::JiraWorld;
using nlohmann::json;

namespace {

struct Reply {
  int status = 0;
  json body;
};

Reply call(const JiraWorld& w, const std::string& method, const std::string& path,
           const json& body = nullptr) {
  const bool cloud = w.settings.flavor == sync::JiraFlavor::cloud;
  const auto auth =
      cloud ? testing::cloud_auth() : adapters::http::Headers{{"Authorization", "Bearer t0ken"}};
  const auto r = w.raw(method, path, body.is_null() ? std::string() : body.dump(), auth);
  return {r.status, json::parse(r.body, nullptr, false)};
}

json adf(const std::string& text) {
  return {
      {"type", "doc"},
      {"version", 1},
      {"content", {{{"type", "paragraph"}, {"content", {{{"type", "text"}, {"text", text}}}}}}}};
}

json fields(const std::string& summary) {
  return {{"project", {{"key", "CAINC"}}}, {"issuetype", {{"name", "Task"}}}, {"summary", summary}};
}

// The field error Jira gives for `extra` on an otherwise valid v3 create.
json create_error(const JiraWorld& w, const json& extra) {
  json f = fields("s");
  f.update(extra);
  const Reply r = call(w, "POST", "/rest/api/3/issue", {{"fields", f}});
  CHECK(r.status == 400);
  return r.body["errors"];
}

std::vector<std::string> keys_of(const json& issues) {
  std::vector<std::string> out;
  for (const json& i : issues) {
    out.push_back(i["key"]);
  }
  return out;
}

}  // namespace

TEST_CASE("sim: create answers 201 with id, key and self", "[sim][jira]") {
  JiraWorld w("cloud");
  const Reply r = call(w, "POST", "/rest/api/3/issue", {{"fields", fields("hello")}});
  CHECK(r.status == 201);
  CHECK(r.body["id"] == "10000");
  CHECK(r.body["key"] == "CAINC-1");
  CHECK(r.body["self"] == w.sim.base_url() + "/rest/api/3/issue/10000");
}

TEST_CASE("sim: field validation gives Jira's messages", "[sim][jira]") {
  JiraWorld w("cloud");
  CHECK(create_error(w, {{"summary", std::string(256, 's')}})["summary"] ==
        "Summary can't exceed 255 characters.");
  CHECK(call(w, "POST", "/rest/api/3/issue", {{"fields", fields(std::string(255, 's'))}}).status ==
        201);
  CHECK(create_error(w, {{"summary", "a\nb"}})["summary"] ==
        "The summary is invalid because it contains newline characters.");
  CHECK(create_error(w, {{"duedate", "2026/10/07"}})["duedate"] ==
        "Error parsing date string: 2026/10/07");
  CHECK(create_error(w, {{"duedate", "2026-02-30"}})["duedate"] ==
        "Error parsing date string: 2026-02-30");
  CHECK(create_error(w, {{"customfield_999", "x"}})["customfield_999"] ==
        "Field 'customfield_999' cannot be set. It is not on the appropriate screen, or unknown.");
  CHECK(create_error(w, {{"resolution", {{"name", "Done"}}}}).contains("resolution"));
  CHECK(create_error(w, {{"labels", {"two words"}}})["labels"] ==
        "The label 'two words' contains spaces which is invalid.");
  CHECK(create_error(w, {{"issuetype", {{"name", "Epicc"}}}})["issuetype"] ==
        "The issue type selected is invalid.");
  const Reply missing = call(w, "POST", "/rest/api/3/issue", {{"fields", json::object()}});
  CHECK(missing.status == 400);
  CHECK(missing.body["errors"].contains("project"));
  CHECK(missing.body["errors"].contains("issuetype"));
  CHECK(missing.body["errors"]["summary"] == "You must specify a summary of the issue.");
}

TEST_CASE("sim: v3 rich text must be a valid ADF document, v2 takes strings", "[sim][jira]") {
  JiraWorld w("cloud");
  const std::string adf_error =
      "Operation value must be an Atlassian Document (see the Atlassian Document Format)";
  CHECK(create_error(w, {{"description", "plain string"}})["description"] == adf_error);
  json bad_version = adf("x");
  bad_version["version"] = 2;
  CHECK(create_error(w, {{"description", bad_version}})["description"] == adf_error);
  json bad_node = adf("x");
  bad_node["content"][0]["content"][0]["type"] = "script";
  CHECK(create_error(w, {{"description", bad_node}})["description"] == adf_error);
  json number_text = adf("x");
  number_text["content"][0]["content"][0]["text"] = 5;
  CHECK(create_error(w, {{"description", number_text}})["description"] == adf_error);
  json text_at_top = adf("x");
  text_at_top["content"][0] = {{"type", "text"}, {"text", "loose"}};
  CHECK(create_error(w, {{"description", text_at_top}})["description"] == adf_error);
  json f = fields("ok");
  f["description"] = adf("fine");
  CHECK(call(w, "POST", "/rest/api/3/issue", {{"fields", f}}).status == 201);
  f["description"] = "a v2 string";
  CHECK(call(w, "POST", "/rest/api/2/issue", {{"fields", f}}).status == 201);
  f["description"] = adf("object on v2");
  CHECK(call(w, "POST", "/rest/api/2/issue", {{"fields", f}}).status == 400);
  // Text written through v2 reads back through v3 as ADF and vice versa.
  CHECK(call(w, "GET", "/rest/api/3/issue/CAINC-2").body["fields"]["description"] ==
        adf("a v2 string"));
  CHECK(call(w, "GET", "/rest/api/2/issue/CAINC-1").body["fields"]["description"] == "fine");
}

TEST_CASE("sim: bulk create reports failures by element and refuses more than 50", "[sim][jira]") {
  JiraWorld w("cloud");
  json updates = json::array({{{"fields", fields("a")}},
                              {{"fields", fields(std::string(300, 'x'))}},
                              {{"fields", fields("c")}}});
  Reply r = call(w, "POST", "/rest/api/3/issue/bulk", {{"issueUpdates", updates}});
  CHECK(r.status == 201);
  CHECK(keys_of(r.body["issues"]) == std::vector<std::string>{"CAINC-1", "CAINC-2"});
  REQUIRE(r.body["errors"].size() == 1);
  CHECK(r.body["errors"][0]["failedElementNumber"] == 1);
  CHECK(r.body["errors"][0]["status"] == 400);
  CHECK(r.body["errors"][0]["elementErrors"]["errors"]["summary"] ==
        "Summary can't exceed 255 characters.");
  r = call(w, "POST", "/rest/api/3/issue/bulk", {{"issueUpdates", {updates[1]}}});
  CHECK(r.status == 400);  // "if all requests are invalid"
  CHECK(r.body["issues"].empty());
  json many = json::array();
  for (int i = 0; i < 51; ++i) {
    many.push_back({{"fields", fields("n")}});
  }
  CHECK(call(w, "POST", "/rest/api/3/issue/bulk", {{"issueUpdates", many}}).status == 400);
}

TEST_CASE("sim: the Done transition's screen carries a required resolution, others refuse it",
          "[sim][jira]") {
  JiraWorld w("cloud");
  call(w, "POST", "/rest/api/3/issue", {{"fields", fields("t")}});
  const Reply plain = call(w, "GET", "/rest/api/3/issue/CAINC-1/transitions");
  REQUIRE(plain.body["transitions"].size() == 2);
  CHECK_FALSE(plain.body["transitions"][0].contains("fields"));
  const Reply listed =
      call(w, "GET", "/rest/api/3/issue/CAINC-1/transitions?expand=transitions.fields");
  const json done = listed.body["transitions"][1];
  CHECK(done["name"] == "Done");
  CHECK(done["to"]["statusCategory"]["key"] == "done");
  CHECK(done["fields"]["resolution"]["required"] == true);
  CHECK(listed.body["transitions"][0]["fields"] == json::object());

  Reply r =
      call(w, "POST", "/rest/api/3/issue/CAINC-1/transitions",
           {{"transition", {{"id", "11"}}}, {"fields", {{"resolution", {{"name", "Done"}}}}}});
  CHECK(r.status == 400);
  CHECK(r.body["errors"]["resolution"] ==
        "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown.");
  r = call(w, "POST", "/rest/api/3/issue/CAINC-1/transitions", {{"transition", {{"id", "41"}}}});
  CHECK(r.status == 400);
  CHECK(r.body["errorMessages"][0] == "Transition id '41' is not valid for this issue.");
  r = call(w, "POST", "/rest/api/3/issue/CAINC-1/transitions", {{"transition", {{"id", "31"}}}});
  CHECK(r.status == 400);
  r = call(w, "POST", "/rest/api/3/issue/CAINC-1/transitions",
           {{"transition", {{"id", "31"}}}, {"fields", {{"resolution", {{"name", "Duplicate"}}}}}});
  CHECK(r.status == 204);
  const json issue = call(w, "GET", "/rest/api/3/issue/CAINC-1").body["fields"];
  CHECK(issue["status"]["name"] == "Done");
  CHECK(issue["resolution"]["name"] == "Duplicate");
  CHECK(issue["resolutiondate"].is_string());
}

TEST_CASE("sim: Cloud's removed search answers 410 with Jira's message", "[sim][jira]") {
  JiraWorld w("cloud");
  const std::string message =
      "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A "
      "full migration guideline is available at "
      "https://developer.atlassian.com/changelog/#CHANGE-2046";
  for (const char* path : {"/rest/api/3/search", "/rest/api/2/search"}) {
    for (const char* method : {"GET", "POST"}) {
      const Reply r =
          call(w, method, std::string(path) + "?jql=project%3DCAINC",
               std::string(method) == "POST" ? json{{"jql", "project = CAINC"}} : json());
      CHECK(r.status == 410);
      CHECK(r.body["errorMessages"][0] == message);
    }
  }
}

TEST_CASE("sim: Data Center has only REST v2 and the classic search", "[sim][jira]") {
  JiraWorld w("datacenter");
  CHECK(call(w, "POST", "/rest/api/3/issue", {{"fields", fields("x")}}).status == 404);
  CHECK(call(w, "POST", "/rest/api/2/search/jql", {{"jql", "project = CAINC"}}).status == 404);
  for (int i = 0; i < 5; ++i) {
    CHECK(call(w, "POST", "/rest/api/2/issue", {{"fields", fields("x")}}).status == 201);
  }
  const Reply r =
      call(w, "POST", "/rest/api/2/search",
           {{"jql", "project = CAINC ORDER BY key ASC"}, {"startAt", 3}, {"maxResults", 2}});
  CHECK(r.status == 200);
  CHECK(r.body["total"] == 5);
  CHECK(r.body["startAt"] == 3);
  CHECK(keys_of(r.body["issues"]) == std::vector<std::string>{"CAINC-4", "CAINC-5"});
  CHECK(r.body["issues"][0]["fields"].contains("summary"));  // default *navigable
  CHECK(w.raw("GET", "/rest/api/2/myself").status == 401);   // no credentials
  CHECK(w.raw("GET", "/rest/api/2/myself", {}, testing::cloud_auth()).status == 401);
}

TEST_CASE("sim: enhanced search pages with nextPageToken and isLast, without total",
          "[sim][jira]") {
  JiraWorld w("cloud");
  for (int i = 0; i < 7; ++i) {
    call(w, "POST", "/rest/api/3/issue", {{"fields", fields("p")}});
  }
  std::vector<std::string> seen;
  json request = {{"jql", "project = CAINC ORDER BY key ASC"}, {"maxResults", 3}};
  std::vector<bool> last_flags;
  for (int page = 0; page < 5; ++page) {
    const Reply r = call(w, "POST", "/rest/api/3/search/jql", request);
    REQUIRE(r.status == 200);
    CHECK_FALSE(r.body.contains("total"));
    CHECK(r.body["issues"][0].size() == 3);  // fields default to the id only: id, key, self
    for (const std::string& k : keys_of(r.body["issues"])) {
      seen.push_back(k);
    }
    last_flags.push_back(r.body["isLast"].get<bool>());
    if (!r.body.contains("nextPageToken")) {
      break;
    }
    request["nextPageToken"] = r.body["nextPageToken"];
  }
  CHECK(last_flags == std::vector<bool>{false, false, true});
  CHECK(seen.size() == 7);
  CHECK(seen.back() == "CAINC-7");
  const Reply unbounded = call(w, "POST", "/rest/api/3/search/jql", {{"jql", "order by key desc"}});
  CHECK(unbounded.status == 400);
  const Reply bad_token = call(w, "POST", "/rest/api/3/search/jql",
                               {{"jql", "project = CAINC"}, {"nextPageToken", "forged"}});
  CHECK(bad_token.status == 400);
  const Reply start_at =
      call(w, "POST", "/rest/api/3/search/jql", {{"jql", "project = CAINC"}, {"startAt", 3}});
  CHECK(start_at.status == 400);
}

TEST_CASE("sim: the JQL subset selects what Jira would", "[sim][jira]") {
  JiraWorld w("cloud");
  const json specs[] = {{{"labels", {"bzjira", "a"}}, {"duedate", "2026-10-01"}},
                        {{"labels", {"bzjira", "b"}}, {"duedate", "2026-10-09"}},
                        {{"labels", {"c"}}},
                        {{"labels", json::array()}}};
  for (const json& extra : specs) {
    json f = fields("q");
    f.update(extra);
    REQUIRE(call(w, "POST", "/rest/api/3/issue", {{"fields", f}}).status == 201);
  }
  call(w, "POST", "/rest/api/3/issue/CAINC-2/transitions",
       {{"transition", {{"id", "31"}}}, {"fields", {{"resolution", {{"name", "Done"}}}}}});
  const auto keys = [&w](const std::string& jql) {
    const Reply r = call(w, "POST", "/rest/api/3/search/jql", {{"jql", jql}, {"fields", {"key"}}});
    INFO(jql << " -> " << r.body.dump());
    REQUIRE(r.status == 200);
    return keys_of(r.body["issues"]);
  };
  using V = std::vector<std::string>;
  CHECK(keys("project = CAINC AND labels = \"bzjira\" ORDER BY key ASC") ==
        V{"CAINC-1", "CAINC-2"});
  CHECK(keys("labels in (a, c) ORDER BY key") == V{"CAINC-1", "CAINC-3"});
  CHECK(keys("labels != a ORDER BY key") == V{"CAINC-2", "CAINC-3"});  // EMPTY never matches !=
  CHECK(keys("labels is EMPTY") == V{"CAINC-4"});
  CHECK(keys("project = CAINC AND statusCategory = Done") == V{"CAINC-2"});
  CHECK(keys("project = CAINC AND statusCategory != Done ORDER BY key DESC") ==
        V{"CAINC-4", "CAINC-3", "CAINC-1"});
  CHECK(keys("resolution = Unresolved AND labels = bzjira") == V{"CAINC-1"});
  CHECK(keys("key in (CAINC-4, CAINC-2) ORDER BY key") == V{"CAINC-2", "CAINC-4"});
  CHECK(keys("project = CAINC AND (labels = a OR labels = b) AND NOT statusCategory = Done") ==
        V{"CAINC-1"});
  CHECK(keys("duedate <= \"2026-10-07\"") == V{"CAINC-1"});
  CHECK(keys("duedate > 2026/10/01 ORDER BY duedate") == V{"CAINC-2"});
  CHECK(keys("project = CAINC AND duedate is EMPTY ORDER BY key") == V{"CAINC-3", "CAINC-4"});
  CHECK(keys("project = CAINC AND updated >= -1d ORDER BY key").size() == 4);
  CHECK(keys("project = CAINC AND updated < \"2000-01-01\"").empty());
  CHECK(keys("project = CAINC AND created >= startOfDay() ORDER BY key").size() == 4);
  // Day offsets, as the automation templates use them: every issue was created today.
  CHECK(keys("project = CAINC AND created >= startOfDay(\"-1d\")").size() == 4);
  CHECK(keys("project = CAINC AND created >= startOfDay(\"+1d\")").empty());
  CHECK(keys("project = CAINC AND created <= endOfDay(\"+1d\")").size() == 4);
  CHECK(keys("project = CAINC AND created <= endOfDay(-1)").empty());

  const auto error = [&w](const std::string& jql) {
    const Reply r = call(w, "POST", "/rest/api/3/search/jql", {{"jql", jql}});
    CHECK(r.status == 400);
    return r.body["errorMessages"][0].get<std::string>();
  };
  CHECK(error("assignee = currentUser()") ==
        "Field 'assignee' does not exist or you do not have permission to view it.");
  CHECK(error("project = CAINC AND").find("Error in the JQL Query") == 0);
  CHECK(error("labels > a") == "The operator '>' is not supported by the 'labels' field.");
  CHECK(error("statusCategory = Finished") ==
        "The value 'Finished' does not exist for the field 'statusCategory'.");
  CHECK(error("updated >= yesterday").find("Date value 'yesterday'") == 0);
  CHECK(error("created <= endOfDay(\"soon\")").find("does not accept the argument 'soon'") !=
        std::string::npos);
  CHECK(error("created <= now(\"+1d\")").find("does not accept") != std::string::npos);
  CHECK(error("project = \"CAINC").find("has not been completed") != std::string::npos);
  CHECK(error("project = CAINC ORDER BY labels") == "Not able to sort using field 'labels'.");
}

TEST_CASE("sim: remote links are created (201), updated by globalId (200), and validated",
          "[sim][jira]") {
  JiraWorld w("cloud");
  call(w, "POST", "/rest/api/3/issue", {{"fields", fields("l")}});
  json link = {{"globalId", "system=https://b.test&id=1"},
               {"object", {{"url", "https://b.test/1"}, {"title", "Bug 1"}}}};
  Reply r = call(w, "POST", "/rest/api/3/issue/CAINC-1/remotelink", link);
  CHECK(r.status == 201);
  CHECK(r.body["id"].is_number_integer());
  r = call(w, "POST", "/rest/api/3/issue/CAINC-1/remotelink", link);
  CHECK(r.status == 200);
  link["object"].erase("title");
  r = call(w, "POST", "/rest/api/3/issue/CAINC-1/remotelink", link);
  CHECK(r.status == 400);
  CHECK(r.body["errors"]["title"] == "'title' is required.");
  CHECK(call(w, "GET", "/rest/api/3/issue/CAINC-1/remotelink").body.size() == 1);
}

TEST_CASE("sim: comments have Jira's shape and limits", "[sim][jira]") {
  JiraWorld w("cloud");
  call(w, "POST", "/rest/api/3/issue", {{"fields", fields("c")}});
  Reply r = call(w, "POST", "/rest/api/3/issue/CAINC-1/comment", {{"body", adf("hello")}});
  CHECK(r.status == 201);
  CHECK(r.body["author"]["emailAddress"] == "ann@example.com");
  CHECK(r.body["created"].get<std::string>().size() == 28);  // 2026-10-07T12:00:00.000+0000
  CHECK(call(w, "POST", "/rest/api/3/issue/CAINC-1/comment", {{"body", "string on v3"}}).status ==
        400);
  CHECK(
      call(w, "POST", "/rest/api/3/issue/CAINC-1/comment", {{"body", adf(std::string(32768, 'x'))}})
          .body["errors"]["comment"] ==
      "The entered text is too long. It exceeds the allowed limit of 32767 characters.");
  r = call(w, "GET", "/rest/api/2/issue/CAINC-1/comment?orderBy=created&startAt=0&maxResults=10");
  CHECK(r.body["total"] == 1);
  CHECK(r.body["comments"][0]["body"] == "hello");
  CHECK(call(w, "GET", "/rest/api/3/issue/CAINC-9/comment").status == 404);
}

TEST_CASE("sim: a search lists an issue's comments only when asked and at most 20 of them",
          "[sim][jira]") {
  const std::string flavor = GENERATE("cloud", "datacenter");
  JiraWorld w(flavor);
  const bool cloud = flavor == "cloud";
  const std::string api = cloud ? "/rest/api/3" : "/rest/api/2";
  REQUIRE(call(w, "POST", api + "/issue", {{"fields", fields("few")}}).status == 201);
  REQUIRE(call(w, "POST", api + "/issue", {{"fields", fields("many")}}).status == 201);
  const auto add = [&](const std::string& key, const std::string& text) {
    const json body = cloud ? adf(text) : json(text);
    REQUIRE(call(w, "POST", api + "/issue/" + key + "/comment", {{"body", body}}).status == 201);
  };
  add("CAINC-1", "only one");
  for (int i = 1; i <= 23; ++i) {
    add("CAINC-2", "comment " + std::to_string(i));
  }
  const std::string path = cloud ? "/search/jql" : "/search";
  json request = {{"jql", "project = CAINC ORDER BY key ASC"},
                  {"fields", json::array({"summary"})}};
  const Reply plain = call(w, "POST", api + path, request);
  REQUIRE(plain.status == 200);
  CHECK_FALSE(plain.body["issues"][0]["fields"].contains("comment"));
  request["fields"] = json::array({"summary", "comment"});
  const Reply r = call(w, "POST", api + path, request);
  REQUIRE(r.status == 200);
  const json few = r.body["issues"][0]["fields"]["comment"];
  CHECK(few["total"] == 1);
  CHECK(few["startAt"] == 0);
  CHECK(few["comments"].size() == 1);
  const json many = r.body["issues"][1]["fields"]["comment"];
  CHECK(many["total"] == 23);
  CHECK(many["startAt"] == 0);
  REQUIRE(many["comments"].size() == 20);
  CHECK(many["comments"][0].contains("created"));
  // Data Center's default fields (*navigable) leave comments out.
  if (!cloud) {
    const Reply defaults = call(w, "POST", api + path, {{"jql", "project = CAINC"}});
    REQUIRE(defaults.status == 200);
    CHECK_FALSE(defaults.body["issues"][0]["fields"].contains("comment"));
  }
}
