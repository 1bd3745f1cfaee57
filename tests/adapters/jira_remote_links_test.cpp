// The Jira client's batched remote links (JiraClient::upsert_remote_links) over a scripted
// transport: one Status per pair in order, invalid globalIds refused without a request, Jira's
// refusals typed, and the same POST /remotelink as the one-at-a-time call.
#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/jira/jira_client.h"

using namespace bzjira::adapters;
using bzjira::sync::ErrorKind;
using bzjira::sync::RemoteLink;

namespace {

// 404 for CAINC-2 (gone), 201 for every other issue; records what was sent (from several threads).
class LinkTransport final : public http::Transport {
 public:
  Outcome send_once(const http::Request& request) override {
    std::lock_guard lock(m_mutex);
    m_sent.push_back(request);
    http::Response r;
    if (request.url.find("/issue/CAINC-2/") != std::string::npos) {
      r.status = 404;
      r.body =
          R"({"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}})";
    } else {
      r.status = 201;
      r.body =
          R"({"id":10000,"self":"https://example.atlassian.net/rest/api/3/issue/X/remotelink/10000"})";
    }
    return Outcome{r, true};
  }
  std::vector<http::Request> sent() const {
    std::lock_guard lock(m_mutex);
    return m_sent;
  }

 private:
  mutable std::mutex m_mutex;
  std::vector<http::Request> m_sent;
};

bzjira::sync::JiraSettings cloud_settings() {
  bzjira::sync::JiraSettings s;
  s.url = "https://example.atlassian.net/";
  s.project = "CAINC";
  s.http.concurrency = 3;
  return s;
}

RemoteLink link_to(int bug) {
  RemoteLink link;
  link.global_id = "system=https://bugzilla.example/&id=" + std::to_string(bug);
  link.url = "https://bugzilla.example/show_bug.cgi?id=" + std::to_string(bug);
  link.title = "Bug " + std::to_string(bug);
  return link;
}

}  // namespace

TEST_CASE("remote links in a batch come back one status per pair, in order", "[jira]") {
  auto transport = std::make_shared<LinkTransport>();
  jira::JiraClient impl(cloud_settings(), {"ca@example.com", "token-1"}, transport);
  RemoteLink too_long = link_to(4);
  too_long.global_id = std::string(256, 'g');  // Jira allows 255 characters
  const auto statuses = impl.upsert_remote_links({{"CAINC-1", link_to(1)},
                                                  {"CAINC-2", link_to(2)},
                                                  {"CAINC-3", link_to(3)},
                                                  {"CAINC-4", too_long}});
  REQUIRE(statuses.size() == 4);
  CHECK(statuses[0].ok());
  REQUIRE_FALSE(statuses[1].ok());
  CHECK(statuses[1].error().kind == ErrorKind::not_found);
  CHECK(statuses[2].ok());
  REQUIRE_FALSE(statuses[3].ok());
  CHECK(statuses[3].error().kind == ErrorKind::rejected);

  // Three requests: the invalid globalId never left the process.
  const auto sent = transport->sent();
  REQUIRE(sent.size() == 3);
  std::map<std::string, std::string> body_by_url;
  for (const http::Request& r : sent) {
    CHECK(r.method == "POST");
    CHECK(r.idempotent);  // keyed by globalId: safe to send again
    body_by_url[r.url] = r.body;
  }
  const std::string url1 = "https://example.atlassian.net/rest/api/3/issue/CAINC-1/remotelink";
  REQUIRE(body_by_url.count(url1) == 1);
  CHECK(body_by_url[url1].find(R"("globalId":"system=https://bugzilla.example/&id=1")") !=
        std::string::npos);
  CHECK(body_by_url.count("https://example.atlassian.net/rest/api/3/issue/CAINC-4/remotelink") ==
        0);
}

TEST_CASE("remote links without credentials all fail as configuration errors, unsent", "[jira]") {
  auto transport = std::make_shared<LinkTransport>();
  jira::JiraClient impl(cloud_settings(), {}, transport);
  const auto statuses =
      impl.upsert_remote_links({{"CAINC-1", link_to(1)}, {"CAINC-3", link_to(3)}});
  REQUIRE(statuses.size() == 2);
  for (const auto& s : statuses) {
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == ErrorKind::config);
  }
  CHECK(transport->sent().empty());
}

TEST_CASE("an empty batch of remote links sends nothing", "[jira]") {
  auto transport = std::make_shared<LinkTransport>();
  jira::JiraClient impl(cloud_settings(), {"ca@example.com", "token-1"}, transport);
  CHECK(impl.upsert_remote_links({}).empty());
  CHECK(transport->sent().empty());
}
