// Contract driver: runs every Jira Cloud call the client makes through a Prism proxy (started by
// run_contract.sh with the official OpenAPI document and --errors) and fails when Prism reports a
// violation of the document by a request or a response, or when a call does not work.
//   bzjira_contract_driver <prism base url>   exit 0: no violation; 1: violations or failures
//   bzjira_contract_driver --pick-port        prints a free TCP port on 127.0.0.1
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/http/http_client.h"
#include "adapters/jira/jira_client.h"

namespace {

using namespace bzjira;  // sync:: (an alias named sync would clash with ::sync())
namespace http = bzjira::adapters::http;

// Records what Prism says about each exchange: with --errors, a request violation comes back as
// 422 and a response violation as 500, both application/problem+json; without it, the answer
// carries an sl-violations header.
class RecordingTransport : public http::Transport {
 public:
  explicit RecordingTransport(std::shared_ptr<http::Transport> inner) : m_inner(std::move(inner)) {}

  Outcome send_once(const http::Request& request) override {
    Outcome outcome = m_inner->send_once(request);
    if (outcome.result.ok()) {
      const http::Response& r = outcome.result.value();
      const std::string header = r.header("sl-violations");
      const bool problem =
          r.header("Content-Type").find("application/problem+json") != std::string::npos;
      if (!header.empty() || problem) {
        std::lock_guard<std::mutex> lock(m_mu);
        m_violations.push_back(request.method + " " + request.url + " -> HTTP " +
                               std::to_string(r.status) + " " + header + " " + r.body);
      }
    }
    return outcome;
  }

  std::vector<std::string> violations() const {
    std::lock_guard<std::mutex> lock(m_mu);
    return m_violations;
  }

 private:
  std::shared_ptr<http::Transport> m_inner;
  mutable std::mutex m_mu;
  std::vector<std::string> m_violations;
};

int pick_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return 0;
  }
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

sync::IssueDraft draft(int bug, const std::string& text) {
  sync::IssueDraft d;
  d.summary = "BMO " + std::to_string(bug) + ": reply due";
  d.description = {
      sync::paragraph(text), sync::Block{sync::BlockKind::quote, {{"quoted", ""}}},
      sync::Block{sync::BlockKind::paragraph,
                  {{"bug " + std::to_string(bug),
                    "https://bugzilla.mozilla.org/show_bug.cgi?id=" + std::to_string(bug)}}}};
  d.due = std::chrono::year{2026} / 10 / 7;
  d.labels = {"bzjira", "bz-" + std::to_string(bug)};
  d.deadline = std::chrono::sys_days{std::chrono::year{2026} / 10 / 7} + std::chrono::hours{12};
  return d;
}

struct Steps {
  int failures = 0;
  void expect(bool ok, const std::string& what, const std::string& detail = {}) {
    std::cout << (ok ? "ok   " : "FAIL ") << what << (detail.empty() ? "" : ": " + detail) << "\n";
    failures += ok ? 0 : 1;
  }
  template <typename R>
  void expect_ok(const R& result, const std::string& what) {
    expect(result.ok(), what, result.ok() ? "" : result.error().message);
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--pick-port") {
    const int port = pick_port();
    std::cout << port << "\n";
    return port > 0 ? 0 : 1;
  }
  if (argc != 2) {
    std::cerr << "usage: bzjira_contract_driver <prism base url> | --pick-port\n";
    return 2;
  }
  sync::JiraSettings settings;
  settings.url = argv[1];
  settings.flavor = sync::JiraFlavor::cloud;
  settings.project = "CAINC";
  settings.deadline_field = "customfield_10050";
  settings.http.request_timeout_seconds = 30;
  settings.http.max_attempts = 2;
  auto recorder = std::make_shared<RecordingTransport>(http::make_cpprest_transport(settings.http));
  adapters::jira::JiraClient client(settings, {"contract@example.com", "contract-token"}, recorder);
  Steps s;
  const auto finish = [&recorder, &client, &s] {
    const auto violations = recorder->violations();
    for (const std::string& v : violations) {
      std::cout << "VIOLATION " << v << "\n";
    }
    std::cout << client.request_count() << " requests through Prism, " << violations.size()
              << " violations, " << s.failures << " failed steps\n";
    return violations.empty() && s.failures == 0 ? 0 : 1;
  };

  for (const auto& check : client.self_check()) {
    s.expect(check.ok, "self-check " + check.name, check.detail);
  }
  std::vector<sync::IssueDraft> drafts = {draft(1, "*not bold* {noformat} [x|http://e]"),
                                          draft(2, "second"), draft(3, "rejected")};
  drafts[2].labels.push_back("has space");
  const auto created = client.create_issues(drafts);
  s.expect(created.size() == 3 && created[0].ok() && created[1].ok() && !created[2].ok(),
           "bulk create with one rejected element (201)");
  const auto none = client.create_issues({drafts[2]});
  s.expect(none.size() == 1 && !none[0].ok() && none[0].error().http_status == 400,
           "bulk create with every element rejected (400)");
  const auto found = client.find_mirrored();
  s.expect_ok(found, "search/jql for mirrored issues");
  s.expect(found.ok() && found->size() == 2, "both created issues found");
  if (created.empty() || !created[0].ok()) {
    s.expect(false, "cannot go on without an issue");
    return finish();
  }
  const std::string key = created[0]->key;
  sync::IssueUpdate update;
  update.due = std::chrono::year{2026} / 10 / 9;
  update.summary = "BMO 1: reply due (moved)";
  update.description = {sync::paragraph("updated")};
  update.deadline = std::chrono::sys_days{std::chrono::year{2026} / 10 / 9};
  s.expect_ok(client.update_issue(key, update), "edit issue (204)");
  const auto missing = client.update_issue("CAINC-999", update);
  s.expect(!missing.ok() && missing.error().kind == sync::ErrorKind::not_found,
           "edit of a missing issue is not_found (404)");
  s.expect_ok(client.add_comment(key, {sync::paragraph("a comment\nwith two lines")}),
              "add comment (201)");
  s.expect_ok(client.comments_since(key, sync::Instant{}), "read comments");
  s.expect_ok(client.transition(key, sync::StatusCategory::done, std::string("Won't Do")),
              "close with a resolution (204)");
  s.expect_ok(client.transition(key, sync::StatusCategory::todo, std::nullopt), "reopen (204)");
  const auto no_way = client.transition(key, sync::StatusCategory::todo, std::nullopt);
  s.expect(!no_way.ok() && no_way.error().kind == sync::ErrorKind::not_found,
           "no transition to To Do from To Do is not_found");
  sync::RemoteLink link{"system=https://bugzilla.mozilla.org&id=1",
                        "https://bugzilla.mozilla.org/show_bug.cgi?id=1", "Bug 1", "question",
                        false};
  s.expect_ok(client.upsert_remote_link(key, link), "create remote link (201)");
  link.resolved = true;
  s.expect_ok(client.upsert_remote_link(key, link), "update remote link by globalId (200)");

  return finish();
}
