// Valid mappings load with every field (tests/data/mappings/*.json; expectations read from those
// files and from the defaults documented in sync/mapping.h and mappings/README.md).
#include <catch2/catch.hpp>

#include <string>

#include "adapters/config/mapping_loader.h"
#include "tests/support/paths.h"

namespace cfg = bzjira::adapters::config;
namespace model = bzjira::sync;

namespace {

std::string data(const std::string& name) {
  return bzjira::test_support::source_dir() + "/tests/data/mappings/" + name;
}

}  // namespace

TEST_CASE("a full mapping loads with every field set", "[config]") {
  const auto result = cfg::load_mapping_file(data("full.json"));
  INFO((result.problems.empty() ? std::string() : result.problems.front()));
  REQUIRE(result.problems.empty());
  REQUIRE(result.mapping.has_value());
  const model::Mapping& m = *result.mapping;
  CHECK(m.name == "example-ca.prod_1");
  CHECK(m.source_path == data("full.json"));

  const auto& b = m.bugzilla;
  CHECK(b.url == "http://127.0.0.1:8080/bugzilla");  // trailing slash dropped
  CHECK(b.api_key_env == "EXAMPLE_BZ_KEY");
  CHECK(b.auth == model::BugzillaAuth::query);
  CHECK(b.scope.product == "NSS");
  CHECK(b.scope.component == "CA Certificates Code");
  CHECK(b.scope.status == model::BugStatusScope::open);
  CHECK(b.scope.whiteboard == "[ca-compliance]");
  CHECK(b.scope.summary_prefix == "Example CA:");
  CHECK(b.scope.assignee == "incidents@example.com");
  CHECK(b.ca_accounts == std::vector<std::string>{"incidents@example.com", "alice@example.com"});
  CHECK(b.ignored_accounts == std::vector<std::string>{"bot@example.com"});
  CHECK(b.http.connect_timeout_seconds == 5);
  CHECK(b.http.request_timeout_seconds == 30);
  CHECK(b.http.max_attempts == 3);
  CHECK(b.http.max_retry_seconds == 45);
  CHECK(b.http.ca_bundle == "/etc/ssl/example.pem");
  CHECK(b.http.allow_insecure_http);
  CHECK(b.http.concurrency == 2);

  const auto& j = m.jira;
  CHECK(j.url == "https://example.atlassian.net");
  CHECK(j.flavor == model::JiraFlavor::datacenter);
  CHECK(j.user_env == "EXAMPLE_JIRA_USER");
  CHECK(j.token_env == "EXAMPLE_JIRA_TOKEN");
  CHECK(j.project == "CA_INC2");
  CHECK(j.issue_type == "Bug");
  CHECK(j.labels == std::vector<std::string>{"pki", "incident-sla"});
  CHECK(j.deadline_field == "customfield_10050");
  CHECK(j.dismissed_resolutions == std::vector<std::string>{"Rejected"});
  CHECK_FALSE(j.reopen);
  CHECK(j.close_transition == "Resolve");
  CHECK(j.reopen_transition == "Back to work");
  CHECK(j.resolution == "Fixed");
  CHECK(j.http.connect_timeout_seconds == 7);
  CHECK(j.http.request_timeout_seconds == 90);
  CHECK(j.http.max_attempts == 8);
  CHECK(j.http.max_retry_seconds == 300);
  CHECK(j.http.ca_bundle == "/etc/ssl/jira.pem");
  CHECK(j.http.allow_insecure_http);
  CHECK(j.http.concurrency == 8);

  const auto& p = m.policy;
  CHECK(p.rules == "irg-3.2");
  CHECK(p.response_days == 6);
  CHECK(p.update_days == 5);
  CHECK(p.revocation_should_days == 2);
  CHECK(p.revocation_must_days == 4);
  CHECK(p.full_report);
  CHECK(p.full_report_days == 10);
  CHECK(p.time_zone == "Asia/Shanghai");
  CHECK(p.lead_days == 1);
  CHECK(p.one_issue_per == model::OneIssuePer::bug);
  CHECK(p.copy_private_text);
  CHECK(p.closure_account == "closure@example.org");

  CHECK(m.replies.enabled);
  CHECK(m.replies.marker == "#bz");
  CHECK(m.replies.clear_needinfo);
  CHECK(m.replies.account == "incidents@example.com");
}

TEST_CASE("a minimal mapping takes the documented defaults", "[config]") {
  const auto result = cfg::load_mapping_file(data("minimal.json"));
  REQUIRE(result.problems.empty());
  REQUIRE(result.mapping.has_value());
  const model::Mapping& m = *result.mapping;
  CHECK(m.name == "minimal");
  CHECK(m.bugzilla.url == "https://bugzilla.mozilla.org");
  CHECK(m.bugzilla.api_key_env == "BZJIRA_BUGZILLA_API_KEY");
  CHECK(m.bugzilla.auth == model::BugzillaAuth::header);
  CHECK(m.bugzilla.scope.product == "CA Program");
  CHECK(m.bugzilla.scope.component == "CA Certificate Compliance");
  CHECK(m.bugzilla.scope.status == model::BugStatusScope::all);
  CHECK(m.bugzilla.ignored_accounts.empty());
  CHECK(m.bugzilla.http.connect_timeout_seconds == 10);
  CHECK(m.bugzilla.http.request_timeout_seconds == 60);
  CHECK(m.bugzilla.http.max_attempts == 5);
  CHECK(m.bugzilla.http.max_retry_seconds == 120);
  CHECK(m.bugzilla.http.concurrency == 4);
  CHECK_FALSE(m.bugzilla.http.allow_insecure_http);
  CHECK(m.jira.project == "CAINC");
  CHECK(m.jira.flavor == model::JiraFlavor::cloud);
  CHECK(m.jira.user_env == "BZJIRA_JIRA_USER");
  CHECK(m.jira.token_env == "BZJIRA_JIRA_TOKEN");
  CHECK(m.jira.issue_type == "Task");
  CHECK(m.jira.dismissed_resolutions == std::vector<std::string>{"Won't Do", "Duplicate"});
  CHECK(m.jira.reopen);
  CHECK(m.jira.resolution == "Done");
  CHECK(m.policy.response_days == 7);
  CHECK(m.policy.update_days == 7);
  CHECK(m.policy.revocation_should_days == 3);
  CHECK(m.policy.revocation_must_days == 7);
  CHECK_FALSE(m.policy.full_report);
  CHECK(m.policy.full_report_days == 14);
  CHECK(m.policy.time_zone == "UTC");
  CHECK(m.policy.lead_days == 0);
  CHECK(m.policy.one_issue_per == model::OneIssuePer::obligation);
  CHECK_FALSE(m.policy.copy_private_text);
  CHECK(m.policy.closure_account == "incident-reporting@ccadb.org");
  CHECK_FALSE(m.replies.enabled);
  CHECK(m.replies.marker == "#bugzilla");
  CHECK_FALSE(m.replies.clear_needinfo);
  CHECK(m.replies.account.empty());
}

TEST_CASE("issue 12: \"auth\": \"auto\" loads, and a mapping without \"auth\" keeps the header",
          "[config]") {
  const std::string base = R"({"name": "n", "bugzilla": {"url": "https://bugzilla.mozilla.org",
      "ca_accounts": ["ca@example.org"]AUTH}, "jira": {"url": "https://x.atlassian.net",
      "project": "CAINC"}})";
  const auto with = [&](const std::string& auth) {
    std::string text = base;
    text.replace(text.find("AUTH"), 4, auth);
    return cfg::load_mapping_text(text, "m.json");
  };
  const auto automatic = with(R"(, "auth": "auto")");
  REQUIRE(automatic.problems.empty());
  CHECK(automatic.mapping->bugzilla.auth == model::BugzillaAuth::automatic);
  // An existing mapping that never said: the header, as before (never a key in URLs unasked).
  const auto omitted = with("");
  REQUIRE(omitted.problems.empty());
  CHECK(omitted.mapping->bugzilla.auth == model::BugzillaAuth::header);
}

TEST_CASE("a mapping without a jira section loads for audits with Jira defaults", "[config]") {
  const auto result = cfg::load_mapping_file(data("audit_only.json"));
  REQUIRE(result.problems.empty());
  REQUIRE(result.mapping.has_value());
  CHECK(result.mapping->jira.url.empty());
  CHECK(result.mapping->jira.project.empty());
  CHECK(result.mapping->policy.time_zone == "Europe/Madrid");
}

TEST_CASE("loopback http URLs are allowed without the insecure switch", "[config]") {
  for (const char* url :
       {"http://127.0.0.1:9000", "http://localhost/bz", "http://[::1]:8080", "http://127.1.2.3"}) {
    INFO(url);
    const auto result = cfg::load_mapping_text(
        std::string(R"({"name":"t","bugzilla":{"url":")") + url +
            R"(","ca_accounts":["a@b.c"]},"jira":{"url":")" + url + R"(","project":"AB"}})",
        "t.json");
    CHECK(result.problems.empty());
  }
}

TEST_CASE("a missing or unreadable file is one problem naming the file", "[config]") {
  const auto missing = cfg::load_mapping_file(data("does-not-exist.json"));
  CHECK_FALSE(missing.mapping.has_value());
  REQUIRE(missing.problems.size() == 1);
  CHECK(missing.problems[0].rfind(data("does-not-exist.json") + ": $: cannot open the file", 0) ==
        0);
  const auto directory = cfg::load_mapping_file(data(""));
  CHECK_FALSE(directory.mapping.has_value());
  CHECK(directory.problems.size() == 1);
}
