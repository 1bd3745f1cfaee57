// The retrying Client driven by a scripted fake transport: no sockets, no real sleeping.
#include <catch2/catch.hpp>

#include <deque>
#include <numeric>
#include <optional>
#include <string>

#include "adapters/http/http_client.h"
#include "adapters/log/log.h"
#include "sync/encoding.h"
#include "sync/time.h"

using namespace bzjira::adapters::http;
using bzjira::sync::Error;
using bzjira::sync::ErrorKind;
using bzjira::sync::make_error;

namespace {

// Answers each call with the next scripted outcome; records what it was sent.
class FakeTransport final : public Transport {
 public:
  void then_status(int status, Headers headers = {}, std::string body = "") {
    Response r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    m_script.push_back(Outcome{r, true});
  }
  void then_error(ErrorKind kind, std::string message, bool maybe_sent) {
    m_script.push_back(Outcome{make_error(kind, std::move(message)), maybe_sent});
  }
  // Every further call answers `status` (for "always failing" servers).
  void forever_status(int status) { m_forever = status; }

  Outcome send_once(const Request& request) override {
    m_sent.push_back(request);
    if (!m_script.empty()) {
      Outcome next = m_script.front();
      m_script.pop_front();
      return next;
    }
    if (m_forever != 0) {
      Response r;
      r.status = m_forever;
      return Outcome{r, true};
    }
    return Outcome{make_error(ErrorKind::internal, "fake transport: unexpected extra call"), true};
  }
  std::size_t calls() const { return m_sent.size(); }
  const std::vector<Request>& sent() const { return m_sent; }

 private:
  std::deque<Outcome> m_script;
  std::vector<Request> m_sent;
  int m_forever = 0;
};

std::chrono::system_clock::time_point at(const char* rfc3339) {
  const auto tp = bzjira::sync::parse_rfc3339(rfc3339);
  REQUIRE(tp.has_value());
  return *tp;
}

struct Harness {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::vector<double> sleeps;
  std::unique_ptr<Client> client;

  explicit Harness(const bzjira::sync::HttpSettings& settings = {}, RetryClassifier extra = nullptr,
                   const std::vector<std::string>& secrets = {}) {
    // Retries are logged as warnings; keep the test output readable.
    bzjira::adapters::log::init(bzjira::adapters::log::LogFormat::text, spdlog::level::off, "", "",
                                {});
    client = std::make_unique<Client>(settings, secrets, transport, std::move(extra));
    client->set_sleep_function([this](double s) { sleeps.push_back(s); });
    client->set_clock_function([] { return at("2026-10-01T12:00:00Z"); });
  }
  double slept() const { return std::accumulate(sleeps.begin(), sleeps.end(), 0.0); }
};

Request get(std::string url = "https://bugzilla.example/rest/bug?id=1") {
  Request r;
  r.url = std::move(url);
  return r;
}

Request post_comment() {
  Request r;
  r.method = "POST";
  r.url = "https://bugzilla.example/rest/bug/1/comment";
  r.body = R"({"comment":"hello"})";
  r.idempotent = false;
  return r;
}

}  // namespace

TEST_CASE("a 503 followed by a 200 is retried once and answers the 200", "[http]") {
  Harness h;
  h.transport->then_status(503);
  h.transport->then_status(200, {}, "ok");
  auto result = h.client->send(get());
  REQUIRE(result.ok());
  CHECK(result->status == 200);
  CHECK(result->body == "ok");
  CHECK(h.transport->calls() == 2);
  REQUIRE(h.sleeps.size() == 1);
  // First retry: full jitter in [0, base 0.5 s].
  CHECK(h.sleeps[0] >= 0.0);
  CHECK(h.sleeps[0] <= 0.5);
  const Stats s = h.client->stats();
  CHECK(s.requests == 2);
  CHECK(s.retries == 1);
  CHECK(s.bytes_received == 2);
}

TEST_CASE("backoff grows as 0.5 s times 2^n with full jitter and never exceeds 30 s", "[http]") {
  bzjira::sync::HttpSettings settings;
  settings.max_attempts = 12;
  settings.max_retry_seconds = 100000;
  Harness h(settings);
  h.transport->forever_status(500);
  auto result = h.client->send(get());
  REQUIRE_FALSE(result.ok());
  CHECK(h.transport->calls() == 12);
  REQUIRE(h.sleeps.size() == 11);
  const double ceilings[] = {0.5, 1, 2, 4, 8, 16, 30, 30, 30, 30, 30};
  for (std::size_t i = 0; i < h.sleeps.size(); ++i) {
    INFO("retry " << i);
    CHECK(h.sleeps[i] >= 0.0);
    CHECK(h.sleeps[i] <= ceilings[i]);
  }
  CHECK(h.slept() > 0.0);  // jitter, not zero waits
  CHECK(h.client->stats().retries == 11);
}

TEST_CASE("attempts exhausted give a transient error naming the request and the last failure",
          "[http]") {
  bzjira::sync::HttpSettings settings;
  settings.max_attempts = 3;
  Harness h(settings);
  h.transport->forever_status(502);
  auto result = h.client->send(get());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::transient);
  CHECK(result.error().http_status == 502);
  CHECK_THAT(result.error().message,
             Catch::Contains("GET https://bugzilla.example/rest/bug?id=1") &&
                 Catch::Contains("3 attempts") && Catch::Contains("HTTP 502"));
  CHECK(h.transport->calls() == 3);
}

TEST_CASE("a transport error such as connection reset is retried like a 5xx", "[http]") {
  Harness h;
  h.transport->then_error(ErrorKind::transient, "connection reset", true);
  h.transport->then_error(ErrorKind::transient, "no answer within 60 s", true);
  h.transport->then_status(200);
  auto result = h.client->send(get());
  REQUIRE(result.ok());
  CHECK(h.transport->calls() == 3);
  CHECK(h.sleeps.size() == 2);
}

TEST_CASE("Retry-After in seconds is waited exactly", "[http]") {
  Harness h;
  h.transport->then_status(429, {{"retry-after", "7"}});
  h.transport->then_status(200);
  REQUIRE(h.client->send(get()).ok());
  REQUIRE(h.sleeps.size() == 1);
  CHECK(h.sleeps[0] == Approx(7.0));
}

TEST_CASE("Retry-After as an HTTP date is waited until that time", "[http]") {
  Harness h;  // clock: 2026-10-01T12:00:00Z, a Thursday
  h.transport->then_status(503, {{"Retry-After", "Thu, 01 Oct 2026 12:00:42 GMT"}});
  h.transport->then_status(200);
  REQUIRE(h.client->send(get()).ok());
  REQUIRE(h.sleeps.size() == 1);
  CHECK(h.sleeps[0] == Approx(42.0));
}

TEST_CASE("Retry-After in the obsolete RFC 850 date form is understood too", "[http]") {
  Harness h;
  h.transport->then_status(503, {{"Retry-After", "Thursday, 01-Oct-26 12:01:00 GMT"}});
  h.transport->then_status(200);
  REQUIRE(h.client->send(get()).ok());
  REQUIRE(h.sleeps.size() == 1);
  CHECK(h.sleeps[0] == Approx(60.0));
}

TEST_CASE("an unreadable Retry-After falls back to the jittered backoff", "[http]") {
  Harness h;
  h.transport->then_status(503, {{"Retry-After", "soon"}});
  h.transport->then_status(200);
  REQUIRE(h.client->send(get()).ok());
  REQUIRE(h.sleeps.size() == 1);
  CHECK(h.sleeps[0] <= 0.5);
}

TEST_CASE("X-RateLimit-Reset on a 429 is waited until that minute", "[http]") {
  Harness h;
  h.client->set_clock_function([] { return at("2026-10-01T12:00:30Z"); });
  h.transport->then_status(429, {{"X-RateLimit-Reset", "2026-10-01T12:02Z"}});
  h.transport->then_status(200);
  REQUIRE(h.client->send(get()).ok());
  REQUIRE(h.sleeps.size() == 1);
  CHECK(h.sleeps[0] == Approx(90.0));
}

TEST_CASE("with both Retry-After and X-RateLimit-Reset the later one wins", "[http]") {
  Harness h;
  h.transport->then_status(429, {{"Retry-After", "5"}, {"X-RateLimit-Reset", "2026-10-01T12:01Z"}});
  h.transport->then_status(200);
  REQUIRE(h.client->send(get()).ok());
  REQUIRE(h.sleeps.size() == 1);
  CHECK(h.sleeps[0] == Approx(60.0));
}

TEST_CASE("a Retry-After beyond the time budget gives up at once and says when to retry",
          "[http]") {
  bzjira::sync::HttpSettings settings;
  settings.max_retry_seconds = 120;
  Harness h(settings);
  h.transport->then_status(429, {{"Retry-After", "3600"}});
  auto result = h.client->send(get());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::transient);
  CHECK(result.error().http_status == 429);
  CHECK_THAT(result.error().message, Catch::Contains("retry after 2026-10-01T13:00:00Z"));
  CHECK(h.transport->calls() == 1);
  CHECK(h.sleeps.empty());
}

TEST_CASE("the total time budget bounds the sum of all waits", "[http]") {
  bzjira::sync::HttpSettings settings;
  settings.max_attempts = 100000;
  settings.max_retry_seconds = 10;
  Harness h(settings);
  h.transport->forever_status(503);
  auto result = h.client->send(get());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::transient);
  CHECK_THAT(result.error().message, Catch::Contains("budget"));
  CHECK(h.slept() <= 10.0);
  // The last wait is cut to what is left, so the budget is used, not abandoned early.
  CHECK(h.slept() > 9.0);
  CHECK(h.transport->calls() < 100000);
}

TEST_CASE("a Retry-After longer than what is left is not waited beyond the budget", "[http]") {
  bzjira::sync::HttpSettings settings;
  settings.max_retry_seconds = 10;
  Harness h(settings);
  h.transport->then_status(503, {{"Retry-After", "8"}});
  h.transport->then_status(503, {{"Retry-After", "8"}});
  auto result = h.client->send(get());
  REQUIRE_FALSE(result.ok());
  CHECK(h.sleeps == std::vector<double>{8.0});
  CHECK_THAT(result.error().message, Catch::Contains("retry after 2026-10-01T12:00:08Z"));
}

TEST_CASE("4xx answers are returned as responses and not retried", "[http]") {
  for (int status : {400, 401, 403, 404, 409, 413}) {
    Harness h;
    h.transport->then_status(status, {}, R"({"error":true})");
    auto result = h.client->send(get());
    INFO("status " << status);
    REQUIRE(result.ok());
    CHECK(result->status == status);
    CHECK(h.transport->calls() == 1);
  }
}

TEST_CASE("the service's extra rule retries Bugzilla's JSON 400 rate-limit answer", "[http]") {
  // docs/bugzilla-api.md#rate-limits: the request that hits the limit gets a JSON HTTP 400
  // rate-limit error.
  auto bugzilla_rule = [](const Response& r) {
    return r.status == 400 && r.body.find("rate limit") != std::string::npos;
  };
  Harness h({}, bugzilla_rule);
  h.transport->then_status(
      400, {}, R"({"error":true,"code":32000,"message":"You have exceeded the rate limit."})");
  h.transport->then_status(400, {},
                           R"({"error":true,"code":101,"message":"Bug 9 does not exist."})");
  auto result = h.client->send(get());
  REQUIRE(result.ok());
  CHECK(result->status == 400);  // the second 400 is a real answer for the caller
  CHECK(h.transport->calls() == 2);
}

TEST_CASE("a non-idempotent POST is not resent after a timeout once it may have been sent",
          "[http]") {
  Harness h;
  h.transport->then_error(ErrorKind::transient, "no answer within 60 s (request timeout)", true);
  h.transport->then_status(201);
  auto result = h.client->send(post_comment());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::transient);
  CHECK_THAT(result.error().message, Catch::Contains("outcome unknown") &&
                                         Catch::Contains("POST https://bugzilla.example"));
  CHECK(h.transport->calls() == 1);
  CHECK(h.sleeps.empty());
}

TEST_CASE("a non-idempotent POST refused before sending is retried", "[http]") {
  Harness h;
  h.transport->then_error(ErrorKind::transient, "connection refused", false);
  h.transport->then_status(201);
  auto result = h.client->send(post_comment());
  REQUIRE(result.ok());
  CHECK(result->status == 201);
  CHECK(h.transport->calls() == 2);
}

TEST_CASE("a non-idempotent POST answered 5xx is not resent, a 429 is", "[http]") {
  {
    Harness h;
    h.transport->then_status(502);
    auto result = h.client->send(post_comment());
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == ErrorKind::transient);
    CHECK(result.error().http_status == 502);
    CHECK_THAT(result.error().message, Catch::Contains("outcome unknown"));
    CHECK(h.transport->calls() == 1);
  }
  {
    Harness h;
    h.transport->then_status(429, {{"Retry-After", "1"}});
    h.transport->then_status(201);
    auto result = h.client->send(post_comment());
    REQUIRE(result.ok());
    CHECK(h.transport->calls() == 2);
  }
}

TEST_CASE("config errors from the transport are returned at once", "[http]") {
  Harness h;
  h.transport->then_error(ErrorKind::config, "TLS certificate verification failed for host x",
                          false);
  auto result = h.client->send(get());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::config);
  CHECK(h.transport->calls() == 1);
}

TEST_CASE("errors never show the API key, in the URL or registered as a secret", "[http]") {
  bzjira::sync::HttpSettings settings;
  settings.max_attempts = 2;
  Harness h(settings, nullptr, {"Zk4Secret99"});
  h.transport->then_error(ErrorKind::transient,
                          "reset talking to https://bugzilla.example/rest/bug?api_key=Q7x9&id=1 "
                          "with X-BUGZILLA-API-KEY: Zk4Secret99",
                          false);
  h.transport->then_status(503);
  auto result = h.client->send(get("https://bugzilla.example/rest/bug?api_key=Q7x9&id=1"));
  REQUIRE_FALSE(result.ok());
  const std::string& m = result.error().message;
  CHECK_THAT(m, !Catch::Contains("Q7x9") && !Catch::Contains("Zk4Secret99"));
  CHECK_THAT(m, Catch::Contains("api_key=***&id=1"));
}

TEST_CASE("stats count attempts, retries and bytes both ways", "[http]") {
  Harness h;
  h.transport->then_status(500, {}, "oops");
  h.transport->then_status(200, {}, "12345");
  Request r = get();
  r.method = "PUT";
  r.body = "abc";
  REQUIRE(h.client->send(r).ok());
  const Stats s = h.client->stats();
  CHECK(s.requests == 2);
  CHECK(s.retries == 1);
  CHECK(s.bytes_sent == 6);      // the body twice
  CHECK(s.bytes_received == 9);  // "oops" + "12345"
}

TEST_CASE("Response::header finds names whatever their case", "[http]") {
  Response r;
  r.headers = {{"Content-Type", "application/json"}, {"retry-after", "3"}};
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.header("Retry-After") == "3");
  CHECK(r.header("X-Missing").empty());
}

TEST_CASE("url_encode keeps RFC 3986 unreserved characters and encodes the rest", "[http]") {
  CHECK(bzjira::sync::url_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(bzjira::sync::url_encode("a b+c/d&e=f") == "a%20b%2Bc%2Fd%26e%3Df");
  CHECK(bzjira::sync::url_encode("é") == "%C3%A9");
  CHECK(bzjira::sync::url_encode("") == "");
}

TEST_CASE("send_streamed retries what comes before the body and never what the consumer said",
          "[http]") {
  Harness h;
  h.transport->then_status(503, {}, "busy");
  h.transport->then_status(200, {}, "0123456789");
  std::string got;
  int consumer_calls = 0;
  const BodyConsumer read_all = [&](Response& head, BodyReader& body) -> std::optional<Error> {
    ++consumer_calls;
    CHECK(head.status == 200);
    char piece[3];
    for (;;) {
      auto n = body.read(piece, sizeof piece);
      REQUIRE(n.ok());
      if (*n == 0) {
        return std::nullopt;
      }
      got.append(piece, *n);
    }
  };
  auto answer = h.client->send_streamed(get(), read_all);
  REQUIRE(answer.ok());
  CHECK(answer->status == 200);
  CHECK(answer->body.empty());  // the consumer had it
  CHECK(got == "0123456789");
  CHECK(consumer_calls == 1);
  CHECK(h.transport->calls() == 2);
  CHECK(h.client->stats().bytes_received == 14);  // "busy" + the ten streamed

  // The consumer's error (e.g. a body cut short) comes back as it is, sent once.
  h.transport->then_status(200, {}, "{\"bugs\":");
  auto cut = h.client->send_streamed(get(), [](Response&, BodyReader&) -> std::optional<Error> {
    return make_error(ErrorKind::transient, "cut short");
  });
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().message == "cut short");
  CHECK(h.transport->calls() == 3);

  // Answers other than 2xx come whole, without the consumer.
  h.transport->then_status(404, {}, "{\"error\":true}");
  auto missing = h.client->send_streamed(get(), read_all);
  REQUIRE(missing.ok());
  CHECK(missing->status == 404);
  CHECK(missing->body == "{\"error\":true}");
  CHECK(consumer_calls == 1);
}
