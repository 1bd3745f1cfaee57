// BugzillaClient against the simulator's faults: every kind retried and recovered, a clear
// transient error when attempts run out, writes never duplicated, auth errors never retried.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "tests/simtest/bugzilla_test_support.h"

using namespace bzjira::simtest;
using bzjira::sync::BugScope;
using bzjira::sync::BugzillaAuth;
using bzjira::sync::ErrorKind;

namespace {

long count_of(const std::string& url, const std::string& route) {
  return sim_requests(url).value(route, 0L);
}

void force(const std::string& url, const std::vector<std::string>& kinds) {
  control(url, "/__sim/faults", {{"next", kinds}});
}

long comments_with_text(const std::string& url, long bug, const std::string& text) {
  const json body = raw(url, "GET", "/rest/bug/" + std::to_string(bug) + "/comment").json_body();
  long n = 0;
  for (const auto& c : body["bugs"][std::to_string(bug)]["comments"]) {
    n += c["text"] == text ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("Every fault kind is retried and the read recovers", "[bugzilla][sim]") {
  // Request timeout 1 s; the simulator's hang lasts 2 s.
  auto s = start_sim(small_dataset_path());
  struct Case {
    std::vector<std::string> faults;
    long attempts;
  };
  const std::vector<Case> cases = {{{"http500"}, 2},
                                   {{"http503_html"}, 2},
                                   {{"reset"}, 2},
                                   {{"truncated_json"}, 2},
                                   {{"rate_limit", "rate_limit"}, 3},  // JSON 400, then HTML 429
                                   {{"hang"}, 2}};
  for (auto auth : {BugzillaAuth::header, BugzillaAuth::query}) {
    for (const auto& c : cases) {
      INFO(c.faults.front());
      raw(s.url(), "POST", "/__sim/reset-stats");
      auto client = make_client(s.url(), auth, k_ca_key, 1, 4);
      force(s.url(), c.faults);
      const auto bugs = client->search_bugs(BugScope{}, std::nullopt);
      REQUIRE(bugs.ok());
      CHECK(bugs->size() == 3);
      CHECK(count_of(s.url(), "GET /rest/bug") == c.attempts);
      CHECK(client->request_count() == c.attempts);
    }
  }
}

TEST_CASE("When attempts run out the error is transient and says why, without the key",
          "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path());
  for (const std::string kind : {"http503_html", "reset", "truncated_json", "http500"}) {
    INFO(kind);
    raw(s.url(), "POST", "/__sim/reset-stats");
    auto client = make_client(s.url(), BugzillaAuth::query, k_ca_key, 1, 3);
    force(s.url(), {kind, kind, kind});
    const auto time = client->server_time();
    REQUIRE_FALSE(time.ok());
    CHECK(time.error().kind == ErrorKind::transient);
    CHECK(time.error().message.find("3 attempts") != std::string::npos);
    CHECK(time.error().message.find(k_ca_key) == std::string::npos);
    CHECK(count_of(s.url(), "GET /rest/time") == 3);
  }
  SECTION("a hang past the request timeout with a single attempt allowed") {
    auto client = make_client(s.url(), BugzillaAuth::header, k_ca_key, 1, 1);
    force(s.url(), {"hang"});
    const auto time = client->server_time();
    REQUIRE_FALSE(time.ok());
    CHECK(time.error().kind == ErrorKind::transient);
  }
}

TEST_CASE("Over the configured rate the client backs off and gets through", "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path());
  control(s.url(), "/__sim/faults",
          {{"rate_limit_per_second", 4}, {"rate_limit_block_seconds", 0.3}});
  auto client = make_client(s.url(), BugzillaAuth::header, k_ca_key, 5, 6, {}, 0.2);
  for (int i = 0; i < 8; ++i) {
    REQUIRE(client->server_time().ok());
  }
  const json stats = raw(s.url(), "GET", "/__sim/stats").json_body();
  CHECK(stats["rate_limited"].get<long>() >= 1);
  CHECK(client->request_count() == 8 + stats["rate_limited"].get<long>());
}

TEST_CASE("A comment whose answer is lost is not posted twice", "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path());
  auto client = make_client(s.url(), BugzillaAuth::header, k_ca_key, 1, 4);
  SECTION("connection reset after the server acted") {
    force(s.url(), {"reset"});
    const auto posted = client->post_comment(2000003, "Reset reply");
    REQUIRE_FALSE(posted.ok());
    CHECK(posted.error().kind == ErrorKind::transient);
    CHECK(posted.error().message.find("unknown") != std::string::npos);
    CHECK(count_of(s.url(), "POST /rest/bug/{id}/comment") == 1);
    CHECK(comments_with_text(s.url(), 2000003, "Reset reply") == 1);
  }
  SECTION("a hang past the timeout") {
    force(s.url(), {"hang"});
    const auto posted = client->post_comment(2000003, "Slow reply");
    REQUIRE_FALSE(posted.ok());
    CHECK(posted.error().kind == ErrorKind::transient);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the server finishes
    CHECK(count_of(s.url(), "POST /rest/bug/{id}/comment") == 1);
    CHECK(comments_with_text(s.url(), 2000003, "Slow reply") == 1);
  }
  SECTION("a truncated 201 answer") {
    force(s.url(), {"truncated_json"});
    const auto posted = client->post_comment(2000003, "Cut reply");
    REQUIRE_FALSE(posted.ok());
    CHECK(posted.error().kind == ErrorKind::transient);
    CHECK(comments_with_text(s.url(), 2000003, "Cut reply") == 1);
  }
  SECTION("a rate-limit refusal is safe to resend") {
    force(s.url(), {"rate_limit"});
    REQUIRE(client->post_comment(2000003, "Limited reply").ok());
    CHECK(count_of(s.url(), "POST /rest/bug/{id}/comment") == 2);
    CHECK(comments_with_text(s.url(), 2000003, "Limited reply") == 1);
  }
}

TEST_CASE("A bad key or a missing login is an auth error, sent once", "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path());
  for (auto auth : {BugzillaAuth::header, BugzillaAuth::query}) {
    auto bad = make_client(s.url(), auth, "wrong-key-123456");
    const auto bugs = bad->search_bugs(BugScope{}, std::nullopt);
    REQUIRE_FALSE(bugs.ok());
    CHECK(bugs.error().kind == ErrorKind::auth);
    CHECK(bugs.error().service_code == 306);
    CHECK(bugs.error().message.find("API key") != std::string::npos);
    CHECK(bugs.error().message.find("wrong-key-123456") == std::string::npos);
    CHECK(bad->request_count() == 1);
  }
  auto anonymous = make_client(s.url(), BugzillaAuth::header, "");
  const auto posted = anonymous->post_comment(2000001, "hi");
  REQUIRE_FALSE(posted.ok());
  CHECK(posted.error().kind == ErrorKind::auth);
  CHECK(posted.error().http_status == 401);
  const auto me = anonymous->whoami();
  REQUIRE_FALSE(me.ok());
  CHECK(me.error().kind == ErrorKind::auth);
  CHECK(anonymous->request_count() == 2);
}

TEST_CASE("A full read succeeds through random faults from a fixed seed", "[bugzilla][sim]") {
  bzjira::sim::BugzillaSimOptions options;
  options.data_path = small_dataset_path();
  options.fault_rate = 0.3;
  options.seed = 2026;
  options.hang_seconds = 2;
  RunningSim s(options);
  auto client = make_client(s.url(), BugzillaAuth::header, k_ca_key, 1, 8);
  REQUIRE(client->server_time().ok());
  const auto bugs = client->search_bugs(BugScope{}, std::nullopt);
  REQUIRE(bugs.ok());
  CHECK(bugs->size() == 3);
  const auto comments = client->comments({2000001, 2000002, 2000003}, std::nullopt);
  REQUIRE(comments.ok());
  CHECK(comments->at(2000001).size() == 4);
  const json stats = raw(s.url(), "GET", "/__sim/stats").json_body();
  CHECK(client->request_count() == stats["total"].get<long>());
}
