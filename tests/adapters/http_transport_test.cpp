// The cpprest transport against a real socket on 127.0.0.1, and the URL policy (which is checked
// before any connection, so refused hosts are never contacted by these tests).
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http/http_client.h"
#include "adapters/http/url_policy.h"
#include "adapters/log/log.h"
#include "tests/adapters/http_server.h"

using namespace bzjira::adapters::http;
using bzjira::sync::ErrorKind;
using bzjira::sync::HttpSettings;
using bzjira::test::TinyServer;

namespace {

// The value of header `name` in a raw request (names case-insensitive, optional space after ':').
std::string header_value(const std::string& raw, const std::string& name) {
  auto lower = [](std::string s) {
    for (char& c : s) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
  };
  const std::string head = raw.substr(0, raw.find("\r\n\r\n"));
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    const std::size_t next = head.find("\r\n", pos + 2);
    const std::string line =
        head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    const auto colon = line.find(':');
    if (colon != std::string::npos && lower(line.substr(0, colon)) == lower(name)) {
      const auto start = line.find_first_not_of(' ', colon + 1);
      return start == std::string::npos ? "" : line.substr(start);
    }
    pos = next;
  }
  return "(absent)";
}

HttpSettings quick() {
  HttpSettings s;
  s.connect_timeout_seconds = 2;
  s.request_timeout_seconds = 1;
  s.max_attempts = 2;
  return s;
}

std::unique_ptr<Client> client_with_fake_sleep(const HttpSettings& settings,
                                               std::vector<std::string> secrets = {}) {
  bzjira::adapters::log::init(bzjira::adapters::log::LogFormat::text, spdlog::level::off, "", "",
                              {});
  auto client = std::make_unique<Client>(settings, std::move(secrets));
  client->set_sleep_function([](double) {});
  return client;
}

}  // namespace

TEST_CASE("requests carry User-Agent bzjira/0.1.0, the headers given and the URL unchanged",
          "[http]") {
  TinyServer server(
      {TinyServer::answer(200, R"({"ok":true})", "X-Test: yes\r\nConnection: close\r\n")});
  auto transport = make_cpprest_transport(quick());
  Request r;
  r.url = server.url("/rest/bug?summary=a%20b%2Bc&id=1");
  r.headers = {{"X-BUGZILLA-API-KEY", "k123"}, {"Accept", "application/json"}};
  auto outcome = transport->send_once(r);
  REQUIRE(outcome.result.ok());
  CHECK(outcome.result->status == 200);
  CHECK(outcome.result->body == R"({"ok":true})");
  CHECK(outcome.result->header("x-test") == "yes");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].rfind("GET /rest/bug?summary=a%20b%2Bc&id=1 HTTP/1.1\r\n", 0) == 0);
  CHECK(header_value(requests[0], "User-Agent") == "bzjira/0.1.0");
  CHECK(header_value(requests[0], "x-bugzilla-api-key") == "k123");
}

TEST_CASE("a JSON body is sent as application/json with its exact bytes", "[http]") {
  TinyServer server({TinyServer::answer(201, "{}")});
  auto transport = make_cpprest_transport(quick());
  Request r;
  r.method = "POST";
  r.url = server.url("/rest/bug/7/comment");
  r.body = R"({"comment":"Größe \"quoted\""})";
  r.idempotent = false;
  auto outcome = transport->send_once(r);
  REQUIRE(outcome.result.ok());
  CHECK(outcome.result->status == 201);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(header_value(requests[0], "Content-Type") == "application/json");
  CHECK(header_value(requests[0], "Content-Length") == std::to_string(r.body.size()));
  CHECK(requests[0].substr(requests[0].find("\r\n\r\n") + 4) == r.body);
}

TEST_CASE("a server that never answers hits the request timeout as a transient error", "[http]") {
  TinyServer server({});
  auto transport = make_cpprest_transport(quick());
  Request r;
  r.url = server.url("/rest/whoami");
  auto outcome = transport->send_once(r);
  REQUIRE_FALSE(outcome.result.ok());
  CHECK(outcome.result.error().kind == ErrorKind::transient);
  CHECK_THAT(outcome.result.error().message, Catch::Contains("request timeout"));
  CHECK(outcome.maybe_sent);
}

TEST_CASE("a non-idempotent POST that timed out reaches the server exactly once", "[http]") {
  TinyServer server({});
  HttpSettings settings = quick();
  settings.max_attempts = 3;
  auto client = client_with_fake_sleep(settings);
  Request r;
  r.method = "POST";
  r.url = server.url("/rest/bug/7/comment");
  r.body = R"({"comment":"once"})";
  r.idempotent = false;
  auto result = client->send(r);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::transient);
  CHECK_THAT(result.error().message, Catch::Contains("outcome unknown"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("an idempotent GET that timed out is sent again", "[http]") {
  TinyServer server({});
  auto client = client_with_fake_sleep(quick());
  Request r;
  r.url = server.url("/rest/bug?id=1");
  auto result = client->send(r);
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(result.error().message, Catch::Contains("2 attempts"));
  CHECK(server.requests().size() == 2);
}

TEST_CASE("a refused connection is transient, known unsent, and never shows the API key",
          "[http]") {
  const int port = bzjira::test::closed_port();
  auto transport = make_cpprest_transport(quick());
  Request r;
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/rest/bug?api_key=Sekr3tKey&id=1";
  auto outcome = transport->send_once(r);
  REQUIRE_FALSE(outcome.result.ok());
  CHECK(outcome.result.error().kind == ErrorKind::transient);
  CHECK_FALSE(outcome.maybe_sent);
  CHECK_THAT(outcome.result.error().message, Catch::Contains("cannot connect") &&
                                                 Catch::Contains("api_key=***&id=1") &&
                                                 !Catch::Contains("Sekr3tKey"));
}

TEST_CASE("a non-idempotent POST whose connection was refused is retried", "[http]") {
  const int port = bzjira::test::closed_port();
  auto client = client_with_fake_sleep(quick());
  Request r;
  r.method = "POST";
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/rest/bug/7/comment";
  r.body = "{}";
  r.idempotent = false;
  auto result = client->send(r);
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(result.error().message, Catch::Contains("2 attempts"));
  CHECK(client->stats().requests == 2);
}

TEST_CASE("a 503 and then a 200 from a real server come back as the 200", "[http]") {
  TinyServer server({TinyServer::answer(503, "busy", "Retry-After: 0\r\nConnection: close\r\n"),
                     TinyServer::answer(200, "[]")});
  auto client = client_with_fake_sleep(quick());
  Request r;
  r.url = server.url("/rest/api/3/project");
  auto result = client->send(r);
  REQUIRE(result.ok());
  CHECK(result->status == 200);
  CHECK(result->body == "[]");
  CHECK(server.requests().size() == 2);
}

TEST_CASE("a response announcing more than 256 MiB is refused", "[http]") {
  TinyServer server({"HTTP/1.1 200 OK\r\nContent-Length: 300000000\r\nConnection: close\r\n\r\n"});
  auto transport = make_cpprest_transport(quick());
  Request r;
  r.url = server.url("/big");
  auto outcome = transport->send_once(r);
  REQUIRE_FALSE(outcome.result.ok());
  CHECK(outcome.result.error().kind == ErrorKind::internal);
  CHECK_THAT(outcome.result.error().message, Catch::Contains("256 MiB"));
}

TEST_CASE("a header value with a line break is refused before connecting", "[http]") {
  TinyServer server({TinyServer::answer(200, "")});
  auto transport = make_cpprest_transport(quick());
  Request r;
  r.url = server.url("/x");
  r.headers = {{"X-Note", "a\r\nX-Injected: 1"}};
  auto outcome = transport->send_once(r);
  REQUIRE_FALSE(outcome.result.ok());
  CHECK_FALSE(outcome.maybe_sent);
  CHECK(server.requests().empty());
}

TEST_CASE("plain http is refused for non-loopback hosts unless explicitly allowed", "[http]") {
  HttpSettings strict;
  const auto refused = check_url_allowed("http://10.1.2.3/rest/bug?api_key=abcdef", strict);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::config);
  CHECK_THAT(refused.error().message, Catch::Contains("allow_insecure_http") &&
                                          Catch::Contains("10.1.2.3") &&
                                          !Catch::Contains("abcdef"));
  HttpSettings lax;
  lax.allow_insecure_http = true;
  CHECK(check_url_allowed("http://10.1.2.3/rest/bug", lax).ok());

  for (const char* ok : {"http://127.0.0.1:8080/rest", "http://127.8.9.10/", "http://localhost:1/",
                         "http://LOCALHOST/", "http://[::1]:8080/rest", "https://jira.example/",
                         "https://10.1.2.3/"}) {
    INFO(ok);
    CHECK(check_url_allowed(ok, strict).ok());
  }
  for (const char* bad :
       {"http://10.1.2.3/", "http://127.0.0.1.evil.example/", "http://localhost.evil.example/",
        "http://[::2]/", "http://192.168.0.1/", "ftp://127.0.0.1/", "no url at all", "http:///x"}) {
    INFO(bad);
    const auto status = check_url_allowed(bad, strict);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().kind == ErrorKind::config);
  }
}

TEST_CASE("the transport applies the URL policy before connecting", "[http]") {
  // A scheme the policy refuses on a loopback port where a server listens: nothing may arrive.
  TinyServer server({TinyServer::answer(200, "")});
  auto transport = make_cpprest_transport(quick());
  Request r;
  r.url = "ftp://127.0.0.1:" + std::to_string(server.port()) + "/x";
  auto outcome = transport->send_once(r);
  REQUIRE_FALSE(outcome.result.ok());
  CHECK(outcome.result.error().kind == ErrorKind::config);
  CHECK_FALSE(outcome.maybe_sent);
  CHECK(server.requests().empty());
}

TEST_CASE("an unreadable CA bundle is a config error naming the file", "[http]") {
  HttpSettings settings = quick();
  settings.ca_bundle = "/nonexistent/bzjira-ca.pem";
  auto transport = make_cpprest_transport(settings);
  Request r;
  r.url = "https://127.0.0.1:1/x";
  auto outcome = transport->send_once(r);
  REQUIRE_FALSE(outcome.result.ok());
  CHECK(outcome.result.error().kind == ErrorKind::config);
  CHECK_THAT(outcome.result.error().message, Catch::Contains("/nonexistent/bzjira-ca.pem"));
}

TEST_CASE("a connection that cannot be established hits the connect timeout, known unsent",
          "[http]") {
  // A listener with a full accept queue: Linux drops further SYNs, so connect() just waits.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 0) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    // Non-blocking: EINPROGRESS is the expected answer; the filler only has to occupy the backlog.
    (void)::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fillers.push_back(fd);
  }
  HttpSettings settings = quick();
  settings.connect_timeout_seconds = 1;
  settings.request_timeout_seconds = 30;
  auto transport = make_cpprest_transport(settings);
  Request r;
  r.method = "POST";
  r.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/rest/bug/1/comment";
  r.body = "{}";
  r.idempotent = false;
  auto outcome = transport->send_once(r);
  for (int fd : fillers) {
    ::close(fd);
  }
  ::close(listener);
  REQUIRE_FALSE(outcome.result.ok());
  CHECK(outcome.result.error().kind == ErrorKind::transient);
  CHECK_THAT(outcome.result.error().message, Catch::Contains("connect timeout"));
  CHECK_FALSE(outcome.maybe_sent);  // so even this POST may be retried
}

TEST_CASE("a non-idempotent POST never rides a reused connection that cpprest would resend on",
          "[http]") {
  // The first GET leaves a kept-alive connection in the pool; the server then drops every
  // further request unanswered. cpprest resends a request whose reused connection was closed,
  // so a POST sent on the pooled connection would arrive twice.
  TinyServer server({TinyServer::answer(200, "first", ""), ""});
  auto client = client_with_fake_sleep(quick());
  Request get;
  get.url = server.url("/rest/bug?id=1");
  auto first = client->send(get);
  REQUIRE(first.ok());
  CHECK(first->body == "first");
  Request post;
  post.method = "POST";
  post.url = server.url("/rest/bug/1/comment");
  post.body = R"({"comment":"only once"})";
  post.idempotent = false;
  auto result = client->send(post);
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(result.error().message, Catch::Contains("outcome unknown"));
  const auto requests = server.requests();
  const auto posts = std::count_if(requests.begin(), requests.end(),
                                   [](const std::string& r) { return r.rfind("POST ", 0) == 0; });
  CHECK(posts == 1);
}

namespace {

// Reads a streamed body `step` bytes at a time into `into`; the reader's error, if any.
BodyConsumer collect(std::string& into, std::size_t step) {
  return [&into, step](Response&, BodyReader& body) -> std::optional<bzjira::sync::Error> {
    std::vector<char> piece(step);
    for (;;) {
      auto n = body.read(piece.data(), piece.size());
      if (!n.ok()) {
        return n.error();
      }
      if (*n == 0) {
        return std::nullopt;
      }
      into.append(piece.data(), *n);
    }
  };
}

// A comment request to `server`, and the transport to send it.
std::pair<std::shared_ptr<Transport>, Request> comment_request(const TinyServer& server) {
  Request r;
  r.url = server.url("/rest/bug/1/comment");
  return {make_cpprest_transport(quick()), r};
}

}  // namespace

TEST_CASE("a 2xx body is streamed to the consumer as it arrives, other answers come whole",
          "[http]") {
  std::string big(300 * 1024, 'x');
  for (std::size_t i = 0; i < big.size(); i += 997) {
    big[i] = static_cast<char>('a' + i % 26);
  }
  TinyServer server({TinyServer::answer(200, big), TinyServer::answer(404, "{\"error\":true}")});
  auto [transport, r] = comment_request(server);
  std::string got;
  auto outcome = transport->send_once_streamed(r, collect(got, 1000));
  REQUIRE(outcome.result.ok());
  CHECK(outcome.result->status == 200);
  CHECK(outcome.result->body.empty());
  CHECK(got == big);
  std::string untouched;
  auto missing = transport->send_once_streamed(r, collect(untouched, 1000));
  REQUIRE(missing.result.ok());
  CHECK(missing.result->status == 404);
  CHECK(missing.result->body == "{\"error\":true}");
  CHECK(untouched.empty());
}

TEST_CASE("a streamed body that ends before its length is a transient error", "[http]") {
  const std::string sent(5000, 'y');
  TinyServer server(
      {"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n" + sent});
  auto [transport, r] = comment_request(server);
  std::string got;
  auto outcome = transport->send_once_streamed(r, collect(got, 4096));
  REQUIRE_FALSE(outcome.result.ok());
  CHECK(outcome.result.error().kind == ErrorKind::transient);
  CHECK(got.size() <= sent.size());
}

TEST_CASE("a consumer that stops early ends the exchange with its error", "[http]") {
  TinyServer server({TinyServer::answer(200, std::string(2 * 1024 * 1024, 'z'))});
  auto [transport, r] = comment_request(server);
  auto outcome = transport->send_once_streamed(
      r, [](Response&, BodyReader& body) -> std::optional<bzjira::sync::Error> {
        char first[16];
        REQUIRE(body.read(first, sizeof first).ok());
        return bzjira::sync::make_error(ErrorKind::internal, "not what was asked");
      });
  REQUIRE_FALSE(outcome.result.ok());
  CHECK(outcome.result.error().message == "not what was asked");
}
