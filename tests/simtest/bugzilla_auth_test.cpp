// Issue 12: the client's API key check against both simulated flavours (bugzilla.mozilla.org and
// upstream Bugzilla 5.2: docs/bugzilla-api.md#who-am-i, docs/bugzilla-api.md#upstream-5x), and
// answers that are not Bugzilla's REST API (a wrong base URL) recognised as configuration errors
// naming at most a page title.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/simtest/bugzilla_test_support.h"
#include "tests/support/text.h"

using namespace bzjira::simtest;
using bzjira::adapters::bugzilla::html_title;
using bzjira::adapters::bugzilla::not_the_rest_api;
using bzjira::sync::AuthCheck;
using bzjira::sync::BugScope;
using bzjira::sync::BugzillaAuth;
using bzjira::sync::ErrorKind;

namespace {

using bzjira::test_support::contains;

long requests(const RunningSim& s) {
  const json routes = sim_requests(s.url());  // a named value: items() of a temporary dangles
  long n = 0;
  for (const auto& [route, count] : routes.items()) {
    n += count.get<long>();
  }
  return n;
}

}  // namespace

TEST_CASE("On bugzilla.mozilla.org the header key is checked with one whoami", "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path(), "bmo");
  for (const BugzillaAuth mode : {BugzillaAuth::header, BugzillaAuth::automatic}) {
    auto client = make_client(s.url(), mode, k_ca_key);
    control(s.url(), "/__sim/reset-stats", json::object());
    const auto check = client->verify_auth();
    REQUIRE(check.ok());
    CHECK(check->checked);
    CHECK(check->mode == BugzillaAuth::header);
    CHECK(check->login == "ca@example.org");
    CHECK(client->auth_mode() == BugzillaAuth::header);
    CHECK(requests(s) == 1);
  }
}

TEST_CASE("On upstream 5.x a header key is refused as configuration, with the advice",
          "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  auto client = make_client(s.url(), BugzillaAuth::header, k_insider_key);
  const auto check = client->verify_auth();
  REQUIRE_FALSE(check.ok());
  CHECK(check.error().kind == ErrorKind::config);
  CHECK(contains(check.error().message, "upstream Bugzilla 5.x"));
  CHECK(contains(check.error().message, "set bugzilla.auth to \"query\""));
  CHECK(contains(check.error().message, "access log"));
  CHECK_FALSE(contains(check.error().message, k_insider_key));
}

TEST_CASE("On upstream 5.x auto falls back to the query key and sees restricted bugs",
          "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  auto client = make_client(s.url(), BugzillaAuth::automatic, k_insider_key);
  // Before the check, auto sends the header: upstream reads anonymously, bug 2000004 is hidden.
  CHECK(ids_of(*client->search_bugs(BugScope{}, std::nullopt)) ==
        std::vector<long>{2000001, 2000002, 2000003});
  control(s.url(), "/__sim/reset-stats", json::object());
  const auto check = client->verify_auth();
  REQUIRE(check.ok());
  CHECK(check->mode == BugzillaAuth::query);
  CHECK(check->login.empty());  // upstream cannot say who the key is
  CHECK(contains(check->detail, "access log"));
  CHECK(requests(s) == 2);  // whoami (no such resource), then time with the key
  CHECK(ids_of(*client->search_bugs(BugScope{}, std::nullopt)) ==
        std::vector<long>{2000001, 2000002, 2000003, 2000004});

  // A later run's client told what was found sends the key the same way without asking.
  auto later = make_client(s.url(), BugzillaAuth::automatic, k_insider_key);
  later->use_auth(BugzillaAuth::query);
  CHECK(later->auth_mode() == BugzillaAuth::query);
  CHECK(ids_of(*later->search_bugs(BugScope{}, std::nullopt)).size() == 4);
  // A fixed mode is not changed by a remembered one.
  auto fixed = make_client(s.url(), BugzillaAuth::header, k_insider_key);
  fixed->use_auth(BugzillaAuth::query);
  CHECK(fixed->auth_mode() == BugzillaAuth::header);
}

TEST_CASE("A refused key is an auth error in every mode and flavour", "[bugzilla][sim]") {
  for (const char* flavour : {"bmo", "upstream"}) {
    auto s = start_sim(small_dataset_path(), flavour);
    for (const BugzillaAuth mode : {BugzillaAuth::query, BugzillaAuth::automatic}) {
      INFO(flavour << " mode " << static_cast<int>(mode));
      const auto check = make_client(s.url(), mode, "not-a-key")->verify_auth();
      REQUIRE_FALSE(check.ok());
      CHECK(check.error().kind == ErrorKind::auth);
      CHECK(check.error().service_code == 306);
    }
  }
}

TEST_CASE("Without a key there is nothing to check and no request", "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  const auto check = make_client(s.url(), BugzillaAuth::header, "")->verify_auth();
  REQUIRE(check.ok());
  CHECK_FALSE(check->checked);
  CHECK(requests(s) == 0);
}

TEST_CASE("A base URL that answers an HTML 404 page is a configuration error naming its title",
          "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  auto wrong = make_client(s.url() + "/bugzilla", BugzillaAuth::query, k_ca_key);
  const auto time = wrong->server_time();
  REQUIRE_FALSE(time.ok());
  CHECK(time.error().kind == ErrorKind::config);
  CHECK(time.error().http_status == 404);
  CHECK(contains(time.error().message, "HTML page titled \"404 Not Found\""));
  CHECK(contains(time.error().message, "check bugzilla.url"));
  CHECK_FALSE(contains(time.error().message, "<"));
  CHECK_FALSE(contains(time.error().message, k_ca_key));
  CHECK(wrong->verify_auth().error().kind == ErrorKind::config);
  // "/rest" twice: the server is a Bugzilla, the resource is not (error 32614).
  auto doubled = make_client(s.url() + "/rest", BugzillaAuth::query, k_ca_key);
  const auto search = doubled->search_bugs(BugScope{}, std::nullopt);
  REQUIRE_FALSE(search.ok());
  CHECK(search.error().kind == ErrorKind::config);
  CHECK(contains(search.error().message, "check bugzilla.url"));
}

TEST_CASE("Pages that are not the REST API are told apart from Bugzilla's own answers",
          "[bugzilla]") {
  const auto page = [](int status, const std::string& type, const std::string& body) {
    bzjira::adapters::http::Response r;
    r.status = status;
    r.headers = {{"Content-Type", type}};
    r.body = body;
    return r;
  };
  const std::string html = "<html><head><title>Sign in</title></head><body>x</body></html>";
  const std::string base = "https://bugs.example.org";
  CHECK(not_the_rest_api(page(200, "text/html", html), base)->kind == ErrorKind::config);
  CHECK(not_the_rest_api(page(302, "text/plain", ""), base));
  CHECK(not_the_rest_api(page(404, "text/plain", "Not found"), base));
  // Bugzilla's own JSON errors, and pages that mean "try again" or "not allowed", are not.
  CHECK_FALSE(
      not_the_rest_api(page(404, "application/json", R"({"error":true,"code":101})"), base));
  CHECK_FALSE(not_the_rest_api(page(503, "text/html", html), base));
  CHECK_FALSE(not_the_rest_api(page(429, "text/html", html), base));
  CHECK_FALSE(not_the_rest_api(page(401, "text/html", html), base));
  CHECK_FALSE(not_the_rest_api(page(200, "application/json", "{\"bugs\":[]}"), base));
  // A hostile title: control characters dropped, markup gone, cut.
  CHECK(html_title("<TITLE>\x1b[31mred\x1b[0m\n  <b>x</b></TITLE>") == "[31mred [0m bx/b");
  CHECK(html_title("<title>" + std::string(200, 'a') + "</title>").size() == 83);
  CHECK(html_title("<p>no title</p>").empty());
}
