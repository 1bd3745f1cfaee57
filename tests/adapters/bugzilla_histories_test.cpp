// BugzillaClient::histories: batched GET /rest/bug/<first>/history?ids=...
// (docs/bugzilla-api.md#history), bounded by the request-target limit like comment batches, merged
// by bug, through a transport that answers from a small table and records the URLs. No network.
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "adapters/bugzilla/bugzilla_client.h"
#include "tests/support/bug_ids.h"

namespace {

using namespace bzjira;
using nlohmann::json;
using test_support::ids_from;

// Bugs 1000001.. have one history entry each ("when" 2025-03-0<n>), except the hidden ones,
// which make the whole request fail like BMO does (error 102, HTTP 401).
class HistoryServer final : public adapters::http::Transport {
 public:
  std::vector<std::string> urls;
  std::set<long long> hidden;

  Outcome send_once(const adapters::http::Request& request) override {
    std::lock_guard<std::mutex> lock(m_mu);
    urls.push_back(request.url);
    const std::string marker = "/rest/bug/";
    const auto start = request.url.find(marker) + marker.size();
    std::vector<long long> ids = {std::stoll(request.url.substr(start))};
    for (auto at = request.url.find("ids=", start); at != std::string::npos;
         at = request.url.find("ids=", at + 4)) {
      ids.push_back(std::stoll(request.url.substr(at + 4)));
    }
    adapters::http::Response r;
    r.headers = {{"Content-Type", "application/json"}};
    json bugs = json::array();
    for (long long id : ids) {
      if (hidden.count(id) != 0) {
        r.status = 401;
        r.body = json{{"error", true},
                      {"code", 102},
                      {"message", "You are not authorized to access bug " + std::to_string(id)}}
                     .dump();
        return Outcome{r, true};
      }
      bugs.push_back({{"id", id},
                      {"alias", nullptr},
                      {"history",
                       {{{"when", "2025-03-01T00:00:00Z"},
                         {"who", "mod@example.org"},
                         {"changes",
                          {{{"field_name", "status_whiteboard"},
                            {"removed", ""},
                            {"added", "bug " + std::to_string(id)}}}}}}}});
    }
    r.status = 200;
    r.body = json{{"bugs", bugs}}.dump();
    return Outcome{r, true};
  }

 private:
  std::mutex m_mu;
};

}  // namespace

TEST_CASE("histories of many bugs come in batches that fit the URL limit", "[bugzilla]") {
  sync::BugzillaSettings settings;
  settings.url = "http://127.0.0.1:9";
  auto server = std::make_shared<HistoryServer>();
  adapters::bugzilla::BugzillaClientOptions options;
  // "/rest/bug/1000001/history" is 25 bytes; each further id adds "&ids=1000002" (12 bytes):
  // within 100 bytes, 1 + 6 ids per request.
  options.max_request_target = 100;
  adapters::bugzilla::BugzillaClient client(settings, "", server, options);
  const auto ids = ids_from(1000001, 20);
  auto got = client.histories(ids);
  REQUIRE(got.ok());
  CHECK(server->urls.size() == 3);  // 7 + 7 + 6
  for (const std::string& url : server->urls) {
    CHECK(adapters::bugzilla::BugzillaClient::request_target_length(url) <= 100);
  }
  REQUIRE(got->size() == 20);
  for (sync::BugId id : ids) {
    INFO(id);
    REQUIRE(got->at(id).size() == 1);
    REQUIRE(got->at(id)[0].changes.size() == 1);
    CHECK(got->at(id)[0].changes[0].added == "bug " + std::to_string(id));
  }
  CHECK(client.request_count() == 3);
}

TEST_CASE("a hidden bug in a history batch is retried one bug at a time", "[bugzilla]") {
  sync::BugzillaSettings settings;
  settings.url = "http://127.0.0.1:9";
  auto server = std::make_shared<HistoryServer>();
  server->hidden = {1000002};
  adapters::bugzilla::BugzillaClient client(settings, "", server);
  auto got = client.histories({1000001, 1000002, 1000003, 1000001});
  REQUIRE(got.ok());
  CHECK(server->urls.size() == 4);  // the batch, then each of the three bugs alone
  REQUIRE(got->size() == 3);
  CHECK(got->at(1000001).size() == 1);
  CHECK(got->at(1000002).empty());  // hidden: nothing visible
  CHECK(got->at(1000003).size() == 1);
}

TEST_CASE("no ids, no request", "[bugzilla]") {
  sync::BugzillaSettings settings;
  settings.url = "http://127.0.0.1:9";
  auto server = std::make_shared<HistoryServer>();
  adapters::bugzilla::BugzillaClient client(settings, "", server);
  auto got = client.histories({});
  REQUIRE(got.ok());
  CHECK(got->empty());
  CHECK(server->urls.empty());
}
