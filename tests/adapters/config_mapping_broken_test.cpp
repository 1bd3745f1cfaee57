// Broken mappings: each case changes tests/data/mappings/full.json in one place and expects exactly
// one problem, at the JSON path it broke, saying what is wrong (mappings/README.md states the
// rules).
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/config/mapping_loader.h"
#include "tests/support/paths.h"
#include "tests/support/text.h"

namespace cfg = bzjira::adapters::config;
using nlohmann::json;

namespace {

std::string data(const std::string& name) {
  return bzjira::test_support::source_dir() + "/tests/data/mappings/" + name;
}

json full_mapping() {
  std::ifstream in(data("full.json"));
  REQUIRE(in.good());
  return json::parse(in);
}

struct Edit {
  std::string pointer;        // JSON pointer into full.json
  std::optional<json> value;  // nullopt: remove the member
};

struct Case {
  std::vector<Edit> edits;
  std::string path;     // expected JSON path in the problem
  std::string message;  // expected part of the message
};

std::vector<std::string> problems_after(const std::vector<Edit>& edits) {
  json doc = full_mapping();
  for (const auto& e : edits) {
    const json::json_pointer ptr(e.pointer);
    if (e.value) {
      doc[ptr] = *e.value;
    } else {
      doc[ptr.parent_pointer()].erase(ptr.back());
    }
  }
  const auto result = cfg::load_mapping_text(doc.dump(2), "case.json");
  CHECK(result.mapping.has_value() == result.problems.empty());
  return result.problems;
}

using bzjira::test_support::contains;

}  // namespace

TEST_CASE("each broken mapping yields its specific problem with file and JSON path", "[config]") {
  const std::vector<Case> cases = {
      // top level
      {{{"/name", 5}}, "$.name", "expected a string, got number 5"},
      {{{"/name", "Bad Name"}}, "$.name", "[a-z0-9._-]+"},
      {{{"/name", ""}}, "$.name", "[a-z0-9._-]+"},
      {{{"/name", std::nullopt}}, "$.name", "is required"},
      {{{"/bugzilla", std::nullopt}}, "$.bugzilla", "is required"},
      {{{"/bugzilla", json::array()}}, "$.bugzilla", "expected an object, got an array"},
      {{{"/polcy", json::object()}}, "$.polcy", "unknown key 'polcy' (did you mean 'policy'?)"},
      {{{"/policy", "strict"}}, "$.policy", "expected an object, got a string"},
      // bugzilla
      {{{"/bugzilla/url", std::nullopt}}, "$.bugzilla.url", "is required"},
      {{{"/bugzilla/url", "ftp://bugzilla.example.com"}},
       "$.bugzilla.url",
       "must start with https://"},
      {{{"/bugzilla/url", "bugzilla.mozilla.org"}}, "$.bugzilla.url", "must start with https://"},
      {{{"/bugzilla/url", "http://bugzilla.example.com"},
        {"/bugzilla/http/allow_insecure_http", false}},
       "$.bugzilla.url",
       "not loopback"},
      {{{"/bugzilla/url", "https://user:pw@bugzilla.example.com"}},
       "$.bugzilla.url",
       "credentials"},
      {{{"/bugzilla/url", "https://bugzilla.mozilla.org/rest/"}},
       "$.bugzilla.url",
       "without /rest"},
      {{{"/bugzilla/url", "https://bugzilla.example.com:99999"}}, "$.bugzilla.url", "invalid port"},
      {{{"/bugzilla/url", "https://bugzilla.example.com/?x=1"}}, "$.bugzilla.url", "query"},
      {{{"/bugzilla/ca_acounts", json::array({"x@y.z"})}},
       "$.bugzilla.ca_acounts",
       "unknown key 'ca_acounts' (did you mean 'ca_accounts'?)"},
      {{{"/bugzilla/ca_accounts", json::array()}}, "$.bugzilla.ca_accounts", "at least one"},
      {{{"/bugzilla/ca_accounts", std::nullopt}}, "$.bugzilla.ca_accounts", "is required"},
      {{{"/bugzilla/ca_accounts", "incidents@example.com"}},
       "$.bugzilla.ca_accounts",
       "expected an array of strings, got a string"},
      {{{"/bugzilla/ca_accounts", json::array({"A@x.com", "a@X.com"})}},
       "$.bugzilla.ca_accounts[1]",
       "duplicates ca_accounts[0]"},
      {{{"/bugzilla/ca_accounts", json::array({"a@x.com", 5})}},
       "$.bugzilla.ca_accounts[1]",
       "expected a string, got number 5"},
      {{{"/bugzilla/ca_accounts", json::array({"two words@x.com"})}},
       "$.bugzilla.ca_accounts[0]",
       "without spaces"},
      {{{"/bugzilla/ignored_accounts", json::array({"ALICE@example.com"})}},
       "$.bugzilla.ignored_accounts[0]",
       "also in ca_accounts"},
      {{{"/bugzilla/auth", "bearer"}},
       "$.bugzilla.auth",
       "must be one of \"header\", \"query\", \"auto\"; got \"bearer\""},
      {{{"/replies/account", "two words@x.com"}}, "$.replies.account", "without spaces"},
      {{{"/bugzilla/api_key_env", "MY-KEY"}}, "$.bugzilla.api_key_env", "environment variable"},
      {{{"/bugzilla/scope/status", "opne"}},
       "$.bugzilla.scope.status",
       "\"open\", \"closed\", \"all\""},
      {{{"/bugzilla/scope/prodcut", "x"}},
       "$.bugzilla.scope.prodcut",
       "unknown key 'prodcut' (did you mean 'product'?)"},
      {{{"/bugzilla/scope/product", ""}}, "$.bugzilla.scope.product", "must not be empty"},
      {{{"/bugzilla/http/max_attempts", 0}},
       "$.bugzilla.http.max_attempts",
       "between 1 and 20, got 0"},
      {{{"/bugzilla/http/concurrency", "4"}},
       "$.bugzilla.http.concurrency",
       "expected an integer, got a string"},
      {{{"/bugzilla/http/connect_timeout_seconds", 2.5}},
       "$.bugzilla.http.connect_timeout_seconds",
       "expected an integer, got number 2.5"},
      {{{"/bugzilla/http/allow_insecure_http", "yes"}, {"/bugzilla/url", "https://b.example"}},
       "$.bugzilla.http.allow_insecure_http",
       "expected a boolean"},
      {{{"/bugzilla/http/timeout", 5}}, "$.bugzilla.http.timeout", "unknown key 'timeout'"},
      // jira
      {{{"/jira/projct", "CAINC"}},
       "$.jira.projct",
       "unknown key 'projct' (did you mean 'project'?)"},
      {{{"/jira/project", std::nullopt}}, "$.jira.project", "is required"},
      {{{"/jira/project", "cainc"}}, "$.jira.project", "[A-Z][A-Z0-9_]+"},
      {{{"/jira/project", "C"}}, "$.jira.project", "[A-Z][A-Z0-9_]+"},
      {{{"/jira/project", "1ABC"}}, "$.jira.project", "[A-Z][A-Z0-9_]+"},
      {{{"/jira/url", std::nullopt}}, "$.jira.url", "is required"},
      {{{"/jira/url", "http://jira.example.com"}, {"/jira/http/allow_insecure_http", false}},
       "$.jira.url",
       "not loopback"},
      {{{"/jira/flavor", "server"}}, "$.jira.flavor", "\"cloud\", \"datacenter\""},
      {{{"/jira/token_env", "abc def"}}, "$.jira.token_env", "environment variable"},
      {{{"/jira/labels", json::array({"a b"})}}, "$.jira.labels[0]", "no spaces"},
      {{{"/jira/labels", json::array({"pki", "PKI"})}}, "$.jira.labels[1]", "duplicates labels[0]"},
      {{{"/jira/labels", json::array({"bzjira"})}}, "$.jira.labels[0]", "reserved"},
      {{{"/jira/labels", json::array({"bzq-12"})}}, "$.jira.labels[0]", "reserved"},
      {{{"/jira/deadline_field", "duedate"}}, "$.jira.deadline_field", "customfield_10050"},
      {{{"/jira/deadline_field", "customfield_12x"}}, "$.jira.deadline_field", "customfield_"},
      {{{"/jira/dismissed_resolutions", "Won't Do"}},
       "$.jira.dismissed_resolutions",
       "expected an array of strings"},
      {{{"/jira/reopen", 1}}, "$.jira.reopen", "expected a boolean (true or false), got number 1"},
      {{{"/jira/resolution", ""}}, "$.jira.resolution", "must not be empty"},
      {{{"/jira/http/request_timeout_seconds", 99999}},
       "$.jira.http.request_timeout_seconds",
       "between 1 and 3600, got 99999"},
      {{{"/jira/http/connect_timeout_seconds", 120}},
       "$.jira.http.connect_timeout_seconds",
       "must not be larger than request_timeout_seconds (90)"},
      // policy
      {{{"/policy/rules", "irg-3.1"}}, "$.policy.rules", "must be one of \"irg-3.2\""},
      {{{"/policy/response_days", -3}}, "$.policy.response_days", "between 1 and 365, got -3"},
      {{{"/policy/update_days", 0}}, "$.policy.update_days", "between 1 and 365, got 0"},
      {{{"/policy/lead_days", -1}}, "$.policy.lead_days", "between 0 and 30, got -1"},
      {{{"/policy/lead_days", 5}},
       "$.policy.lead_days",
       "smaller than response_days and update_days (5)"},
      {{{"/policy/revocation_should_days", 5}},
       "$.policy.revocation_should_days",
       "must not be larger than revocation_must_days (4)"},
      {{{"/policy/time_zone", "Mars/Olympus_Mons"}}, "$.policy.time_zone", "unknown time zone"},
      {{{"/policy/time_zone", ""}}, "$.policy.time_zone", "unknown time zone"},
      {{{"/policy/timezone", "UTC"}}, "$.policy.timezone", "did you mean 'time_zone'?"},
      {{{"/policy/one_issue_per", "question"}},
       "$.policy.one_issue_per",
       "\"obligation\", \"bug\""},
      {{{"/policy/full_report", "no"}}, "$.policy.full_report", "expected a boolean"},
      {{{"/policy/closure_account", ""}}, "$.policy.closure_account", "login"},
      // replies
      {{{"/replies/enable", true}}, "$.replies.enable", "did you mean 'enabled'?"},
      {{{"/replies/enabled", "true"}}, "$.replies.enabled", "expected a boolean"},
      {{{"/replies/marker", ""}}, "$.replies.marker", "one word"},
      {{{"/jira", std::nullopt}}, "$.replies.enabled", "needs a 'jira' section"},
  };
  REQUIRE(cases.size() >= 30);
  for (const auto& c : cases) {
    INFO("case " << c.edits.front().pointer << " -> expected " << c.path << ": " << c.message);
    const auto problems = problems_after(c.edits);
    REQUIRE(problems.size() == 1);
    INFO("got: " << problems[0]);
    CHECK(problems[0].rfind("case.json: " + c.path + ": ", 0) == 0);
    CHECK(contains(problems[0], c.message));
  }
}

TEST_CASE("a URL with credentials is refused without repeating them", "[config]") {
  const auto problems = problems_after({{"/jira/url", "https://me:hunter2@jira.example.com"}});
  REQUIRE(problems.size() == 1);
  CHECK_FALSE(contains(problems[0], "hunter2"));
}

TEST_CASE("$comment is allowed in every object", "[config]") {
  std::vector<Edit> edits;
  for (const char* at :
       {"/$comment", "/bugzilla/$comment", "/bugzilla/scope/$comment", "/bugzilla/http/$comment",
        "/jira/$comment", "/jira/http/$comment", "/policy/$comment", "/replies/$comment"}) {
    edits.push_back({at, json{{"any", "thing"}}});
  }
  CHECK(problems_after(edits).empty());
}

TEST_CASE("every problem of a file is reported at once", "[config]") {
  const auto result = cfg::load_mapping_file(data("several_problems.json"));
  CHECK_FALSE(result.mapping.has_value());
  const std::string f = data("several_problems.json") + ": ";
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"$.name", "[a-z0-9._-]+"},
      {"$.bugzilla.url", "must start with https://"},
      {"$.bugzilla.scope.status", "got \"opne\""},
      {"$.bugzilla.ca_accounts", "at least one"},
      {"$.jira.project", "is required"},
      {"$.jira.projct", "did you mean 'project'?"},
      {"$.policy.response_days", "got -1"},
      {"$.policy.time_zone", "unknown time zone"},
  };
  for (const auto& p : result.problems) {
    UNSCOPED_INFO(p);
  }
  REQUIRE(result.problems.size() == expected.size());
  for (const auto& [path, message] : expected) {
    bool found = false;
    for (const auto& p : result.problems) {
      found = found || (p.rfind(f + path + ": ", 0) == 0 && contains(p, message));
    }
    CHECK(found);
  }
}

TEST_CASE("invalid JSON is one problem with line and column", "[config]") {
  const auto result = cfg::load_mapping_file(data("not_json.json"));
  CHECK_FALSE(result.mapping.has_value());
  REQUIRE(result.problems.size() == 1);
  CHECK(result.problems[0].rfind(data("not_json.json") + ": $: not valid JSON", 0) == 0);
  CHECK(contains(result.problems[0], "line 5"));
  for (const char* text : {"", "[]", "\"name\"", "{\"name\":"}) {
    INFO(text);
    const auto r = cfg::load_mapping_text(text, "t.json");
    CHECK_FALSE(r.mapping.has_value());
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].rfind("t.json: $: ", 0) == 0);
  }
}

TEST_CASE("duplicate keys are reported with their path", "[config]") {
  const auto result = cfg::load_mapping_text(
      R"({"name":"a","name":"b","bugzilla":{"url":"https://b.example","ca_accounts":["x@y"],
          "scope":{"product":"P","product":"Q"}},
          "$comment":[{"k":1},{"k":1,"k":2}]})",
      "dup.json");
  CHECK_FALSE(result.mapping.has_value());
  const std::vector<std::string> expected = {
      "dup.json: $.name: duplicate key 'name' (only the last one would count)",
      "dup.json: $.bugzilla.scope.product: duplicate key 'product' (only the last one would count)",
      "dup.json: $.$comment[1].k: duplicate key 'k' (only the last one would count)",
  };
  CHECK(result.problems == expected);
}

TEST_CASE("odd keys are quoted in paths and huge files are refused", "[config]") {
  const auto odd = cfg::load_mapping_text(
      R"({"name":"a","bugzilla":{"url":"https://b.example","ca_accounts":["x@y"]},"a key":1})",
      "odd.json");
  REQUIRE(odd.problems.size() == 1);
  CHECK(odd.problems[0] == "odd.json: $['a key']: unknown key 'a key'");
  const auto huge = cfg::load_mapping_text(std::string(2 * 1024 * 1024, ' '), "huge.json");
  REQUIRE(huge.problems.size() == 1);
  CHECK(contains(huge.problems[0], "at most"));
}
