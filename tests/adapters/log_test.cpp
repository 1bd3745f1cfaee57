// The logger's line formats and its redaction, captured through an ostream sink.
#include <catch2/catch.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "adapters/log/log.h"
#include "adapters/log/redact.h"

using namespace bzjira::adapters::log;

namespace {

struct Capture {
  std::ostringstream out;
  spdlog::sink_ptr sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);

  std::vector<std::string> lines() const {
    std::vector<std::string> result;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) {
      result.push_back(line);
    }
    return result;
  }
};

}  // namespace

TEST_CASE("json lines carry time, level, run, mapping, event, message and fields", "[log]") {
  Capture cap;
  init(LogFormat::json, spdlog::level::info, "run-42", "acme", {}, cap.sink);
  event(spdlog::level::warn, "http_retry", "Bugzilla answered 503 \"busy\"\nretrying",
        {{"attempt", "2"}, {"message", "a field named like a fixed key"}});
  const auto lines = cap.lines();
  REQUIRE(lines.size() == 1);
  const auto j = nlohmann::json::parse(lines[0]);
  CHECK(j.at("level") == "warning");
  CHECK(j.at("run_id") == "run-42");
  CHECK(j.at("mapping") == "acme");
  CHECK(j.at("event") == "http_retry");
  CHECK(j.at("message") == "Bugzilla answered 503 \"busy\"\nretrying");
  CHECK(j.at("attempt") == "2");
  CHECK(j.at("field_message") == "a field named like a fixed key");
  const std::string time = j.at("time");
  CHECK(std::regex_match(time, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
}

TEST_CASE("lines below the configured level are dropped", "[log]") {
  Capture cap;
  init(LogFormat::json, spdlog::level::warn, "r", "m", {}, cap.sink);
  event(spdlog::level::info, "plan_action", "not shown");
  event(spdlog::level::err, "run_failed", "shown");
  const auto lines = cap.lines();
  REQUIRE(lines.size() == 1);
  CHECK(nlohmann::json::parse(lines[0]).at("event") == "run_failed");
}

TEST_CASE("text lines are one readable line each", "[log]") {
  Capture cap;
  init(LogFormat::text, spdlog::level::info, "r", "m", {}, cap.sink);
  event(spdlog::level::info, "plan_action", "create issue for bug 5\nsecond line",
        {{"bug", "5"}, {"reason", "needs a reply"}});
  const auto lines = cap.lines();
  REQUIRE(lines.size() == 1);
  CHECK(std::regex_match(lines[0],
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info plan_action: )"
                                    R"(create issue for bug 5\\nsecond line )"
                                    R"(\(bug=5, reason="needs a reply"\))")));
}

TEST_CASE("secrets are redacted from both formats, including plain spdlog calls", "[log]") {
  for (LogFormat format : {LogFormat::text, LogFormat::json}) {
    Capture cap;
    init(format, spdlog::level::info, "r", "m", {"tok3n-AAA"}, cap.sink);
    add_secret("second-secret");
    add_secret("abc");  // too short to be redacted: must not mangle the text
    event(spdlog::level::info, "bugzilla_get",
          "GET https://bmo.example/rest/bug?api_key=K3yK3y&id=1 with tok3n-AAA",
          {{"header", "Authorization: Basic dXNlcjp0b2tlbg=="}, {"other", "second-secret"}});
    spdlog::info("direct call leaking tok3n-AAA and X-BUGZILLA-API-KEY: zzzz9999");
    const std::string all = cap.out.str();
    INFO(all);
    CHECK(cap.lines().size() == 2);
    for (const char* secret :
         {"tok3n-AAA", "K3yK3y", "dXNlcjp0b2tlbg==", "second-secret", "zzzz9999"}) {
      CHECK(all.find(secret) == std::string::npos);
    }
    CHECK(all.find("api_key=***&id=1") != std::string::npos);
    CHECK(all.find("abc") == std::string::npos);  // it is not in the text at all
  }
}

TEST_CASE("a json line stays valid JSON for invalid UTF-8 and control characters", "[log]") {
  Capture cap;
  init(LogFormat::json, spdlog::level::info, "r", "m", {}, cap.sink);
  event(spdlog::level::info, "odd", std::string("bad \xff byte and \x01 control"));
  const auto lines = cap.lines();
  REQUIRE(lines.size() == 1);
  const auto j = nlohmann::json::parse(lines[0]);
  CHECK(j.at("message").get<std::string>().find("control") != std::string::npos);
}

TEST_CASE("parse_format knows text and json only", "[log]") {
  LogFormat f = LogFormat::text;
  CHECK(parse_format("json", f));
  CHECK(f == LogFormat::json);
  CHECK(parse_format("text", f));
  CHECK(f == LogFormat::text);
  CHECK_FALSE(parse_format("xml", f));
}

TEST_CASE("redact replaces secrets of 4 or more characters wherever they appear", "[log]") {
  CHECK(redact("key=abcd1234 and again abcd1234.", {"abcd1234"}) == "key=*** and again ***.");
  CHECK(redact("short abc stays", {"abc", ""}) == "short abc stays");
  // A secret inside another: the longer one goes first, nothing of it is left.
  CHECK(redact("xx-secret-long-yy", {"secret", "secret-long"}) == "xx-***-yy");
  // Percent-encoded in a URL path.
  CHECK(redact("/path/a%2Bb%3D%3D/x", {"a+b=="}) == "/path/***/x");
}

TEST_CASE("redact hides api_key query values whatever the key", "[log]") {
  CHECK(redact("https://h/rest/bug?api_key=XYZ&id=1", {}) == "https://h/rest/bug?api_key=***&id=1");
  CHECK(redact("https://h/rest/bug?id=1&Bugzilla_api_key=XYZ", {}) ==
        "https://h/rest/bug?id=1&Bugzilla_api_key=***");
  CHECK(redact("see 'https://h/?API_KEY=q#frag'", {}) == "see 'https://h/?API_KEY=***#frag'");
  CHECK(redact("https://h/?api_key=&id=1", {}) == "https://h/?api_key=&id=1");
}

TEST_CASE("redact hides Authorization and X-BUGZILLA-API-KEY header values", "[log]") {
  CHECK(redact("Authorization: Basic dXNlcjp0b2tlbg==\r\nAccept: */*", {}) ==
        "Authorization: ***\r\nAccept: */*");
  CHECK(redact("x-bugzilla-api-key:abc123\nnext", {}) == "x-bugzilla-api-key:***\nnext");
  CHECK(redact(R"({"Authorization": "Bearer t0k", "a": 1})", {}) ==
        R"({"Authorization": "***", "a": 1})");
  CHECK(redact(R"({"api_key":"k1k1","ids":[1]})", {}) == R"({"api_key":"***","ids":[1]})");
  CHECK(redact("Proxy-Authorization: Basic Zm9v", {}) == "Proxy-Authorization: ***");
  CHECK(redact("no secrets here: authorization pending", {}) ==
        "no secrets here: authorization pending");
}
