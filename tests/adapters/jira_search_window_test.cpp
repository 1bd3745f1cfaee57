// JiraClient::find_mirrored with and without `updated_within`: the JQL it sends (a relative date in
// whole minutes, rounded up), through a transport that records the requests. No network.
#include <catch2/catch.hpp>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/jira/jira_client.h"

namespace {

using namespace bzjira;

class RecordingTransport final : public adapters::http::Transport {
 public:
  Outcome send_once(const adapters::http::Request& request) override {
    std::lock_guard<std::mutex> lock(m_mu);
    requests.push_back(request);
    adapters::http::Response r;
    r.status = 200;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = R"({"issues":[],"isLast":true})";
    return Outcome{r, true};
  }
  std::vector<adapters::http::Request> requests;

 private:
  std::mutex m_mu;
};

std::string searched_jql(std::optional<sync::Seconds> within) {
  sync::JiraSettings settings;
  settings.url = "http://127.0.0.1:9";
  settings.project = "CAINC";
  auto transport = std::make_shared<RecordingTransport>();
  adapters::jira::JiraClient client(settings, {"bot@example.test", "token"}, transport);
  const auto found = client.find_mirrored(within);
  REQUIRE(found.ok());
  CHECK(found->empty());
  REQUIRE(transport->requests.size() == 1);
  const auto body = nlohmann::json::parse(transport->requests[0].body);
  return body.at("jql").get<std::string>();
}

}  // namespace

TEST_CASE("a full search of mirrored issues has no date clause", "[jira]") {
  CHECK(searched_jql(std::nullopt) ==
        R"(project = "CAINC" AND labels = "bzjira" ORDER BY key ASC)");
}

TEST_CASE("a search of recently updated issues adds a relative date in whole minutes", "[jira]") {
  // 25 minutes exactly; 25 minutes and a second round up to 26; a few seconds are at least 1.
  CHECK(searched_jql(sync::Seconds{1500}) ==
        R"(project = "CAINC" AND labels = "bzjira" AND updated >= "-25m" ORDER BY key ASC)");
  CHECK(searched_jql(sync::Seconds{1501}) ==
        R"(project = "CAINC" AND labels = "bzjira" AND updated >= "-26m" ORDER BY key ASC)");
  CHECK(searched_jql(sync::Seconds{0}) ==
        R"(project = "CAINC" AND labels = "bzjira" AND updated >= "-1m" ORDER BY key ASC)");
}
