// The Jira client under trouble from the simulator: 429 storms, injected faults, lost answers to
// writes, wrong or missing credentials.
#include <catch2/catch.hpp>

#include "tests/simtest/jira_test_support.h"

using namespace bzjira;  // sync:: (an alias named sync would clash with ::sync())
using bzjira::testing::JiraWorld;
using bzjira::testing::make_draft;
using nlohmann::json;

TEST_CASE("a 429 storm is ridden out by waiting as Retry-After says", "[jira][sim]") {
  sim::JiraSimOptions options;
  options.rate_limit_per_second = 4;
  JiraWorld w("cloud", options);
  REQUIRE(w.client->create_issues({make_draft(1), make_draft(2)})[0].ok());
  for (int i = 0; i < 12; ++i) {
    const auto found = w.client->find_mirrored();
    REQUIRE(found.ok());
    CHECK(found->size() == 2);
  }
  const json stats = w.control("GET", "/__sim/stats");
  CHECK(stats["rate_limited"].get<long>() > 0);
  CHECK(w.client->http_stats().retries == stats["rate_limited"].get<long>());
}

TEST_CASE("each injected fault on a read is retried and recovered", "[jira][sim]") {
  const std::string kind = GENERATE(as<std::string>{}, "http500", "http503_html", "rate_limit",
                                    "reset", "truncated_json");
  JiraWorld w("cloud");
  REQUIRE(w.client->create_issues({make_draft(1)})[0].ok());
  w.raw("POST", "/__sim/faults", json{{"next", {kind, kind}}}.dump());
  const auto found = w.client->find_mirrored();
  INFO(kind);
  REQUIRE(found.ok());
  CHECK(found->size() == 1);
  CHECK(w.control("GET", "/__sim/stats")["faults_injected"] == 2);
}

TEST_CASE("a hang past the request timeout is retried", "[jira][sim]") {
  sim::JiraSimOptions options;
  options.hang_seconds = 5;
  JiraWorld w("datacenter", options);
  REQUIRE(w.client->create_issues({make_draft(1)})[0].ok());
  w.settings.http.request_timeout_seconds = 1;
  auto impatient = w.make_client();
  w.raw("POST", "/__sim/faults", R"({"next": ["hang"]})");
  const auto found = impatient->find_mirrored();
  REQUIRE(found.ok());
  CHECK(found->size() == 1);
  CHECK(impatient->http_stats().retries == 1);
}

TEST_CASE("a comment whose answer is lost is reported as unknown and not sent twice",
          "[jira][sim]") {
  JiraWorld w("cloud");
  REQUIRE(w.client->create_issues({make_draft(1)})[0].ok());
  w.raw("POST", "/__sim/faults", R"({"next": ["reset"]})");
  const auto posted = w.client->add_comment("CAINC-1", {sync::paragraph("once")});
  REQUIRE_FALSE(posted.ok());
  CHECK(posted.error().kind == sync::ErrorKind::transient);
  CHECK(posted.error().message.find("unknown") != std::string::npos);
  CHECK(w.issue("CAINC-1")["comments"].size() == 1);
}

TEST_CASE("a bulk create whose answer is cut off reports every draft as unknown", "[jira][sim]") {
  JiraWorld w("cloud");
  w.raw("POST", "/__sim/faults", R"({"next": ["truncated_json"]})");
  const auto created = w.client->create_issues({make_draft(1), make_draft(2)});
  REQUIRE(created.size() == 2);
  for (const auto& c : created) {
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().kind == sync::ErrorKind::transient);
  }
  CHECK(w.issues().size() == 2);  // Jira did create them: the caller must look before retrying
  CHECK(w.count("POST /rest/api/3/issue/bulk") == 1);
}

TEST_CASE("wrong credentials are an auth error at once, never retried, never echoed",
          "[jira][sim]") {
  const std::string flavor = GENERATE(as<std::string>{}, "cloud", "datacenter");
  sim::JiraSimOptions options;
  options.users = "ann@example.com:right-T0ken";
  JiraWorld w(flavor, options);
  const std::string secret = "s3cr3t-Wr0ng-T0ken";
  auto wrong = w.make_client("ann@example.com", secret);
  const auto found = wrong->find_mirrored();
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().kind == sync::ErrorKind::auth);
  CHECK(found.error().http_status == 401);
  CHECK(found.error().message.find("BZJIRA_JIRA_TOKEN") != std::string::npos);
  CHECK(found.error().message.find(secret) == std::string::npos);
  CHECK(found.error().message.find(adapters::jira::base64_encode("ann@example.com:" + secret)) ==
        std::string::npos);
  CHECK(w.control("GET", "/__sim/stats")["total"] == 1);

  auto right = w.make_client("ann@example.com", "right-T0ken");
  CHECK(right->find_mirrored().ok());
}

TEST_CASE("Data Center wants a bearer token and Cloud a basic login", "[jira][sim]") {
  JiraWorld dc("datacenter");
  sync::JiraSettings as_cloud = dc.settings;
  as_cloud.flavor = sync::JiraFlavor::cloud;
  adapters::jira::JiraClient basic(as_cloud, {"ann@example.com", "t0ken"});
  const auto refused = basic.check_project();
  CHECK_FALSE(refused.ok);
  CHECK(refused.detail.find("HTTP 401") != std::string::npos);
  CHECK(dc.client->check_project().ok);
}

TEST_CASE("missing credentials are a config error before any request", "[jira][sim]") {
  JiraWorld w("cloud");
  auto nobody = w.make_client("", "");
  const auto found = nobody->find_mirrored();
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().kind == sync::ErrorKind::config);
  CHECK(found.error().message.find("BZJIRA_JIRA_USER and BZJIRA_JIRA_TOKEN") != std::string::npos);
  const auto created = nobody->create_issues({make_draft(1)});
  CHECK(created[0].error().kind == sync::ErrorKind::config);
  CHECK(w.control("GET", "/__sim/stats")["total"] == 0);
}
