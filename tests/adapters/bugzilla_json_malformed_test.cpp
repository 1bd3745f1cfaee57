// The Bugzilla parsers on broken input: every case ends in a clear error or problem line, never a
// crash or an exception.
#include <catch2/catch.hpp>

#include <string>

#include "adapters/bugzilla/bugzilla_json.h"
#include "tests/support/text.h"

namespace bz = bzjira::adapters::bugzilla;
using bzjira::sync::ErrorKind;
using bzjira::sync::format_rfc3339;

namespace {

const std::string k_time = "\"creation_time\":\"2026-01-02T03:04:05Z\"";

std::string one_bug(const std::string& members) { return "{\"bugs\":[{" + members + "}]}"; }

using bzjira::test_support::contains;

bool printable(const std::string& s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) < 0x20) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("a body that is not JSON is an internal error quoting a short excerpt", "[bugzilla]") {
  const std::string html = "<html><body>Bad Gateway</body></html>";
  auto list = bz::parse_bug_list(html);
  REQUIRE_FALSE(list.ok());
  CHECK(list.error().kind == ErrorKind::internal);
  CHECK(contains(list.error().message, "not valid JSON"));
  CHECK(contains(list.error().message, "<html><body>Bad Gateway"));

  // A long body is cut to 200 characters, control characters and broken UTF-8 are replaced.
  const std::string noisy = "\xff\xfe" + std::string("line\n") + std::string(10000, 'x');
  auto long_one = bz::parse_comments(noisy);
  REQUIRE_FALSE(long_one.ok());
  CHECK(long_one.error().message.size() < 320);
  CHECK(contains(long_one.error().message, "..."));
  CHECK(printable(long_one.error().message));
  CHECK(contains(long_one.error().message, "??line x"));
}

TEST_CASE("a truncated answer is transient: the transfer was cut short", "[bugzilla]") {
  const std::string full = one_bug("\"id\":7," + k_time);
  auto cut = bz::parse_bug_list(full.substr(0, full.size() / 2));
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().kind == ErrorKind::transient);
  CHECK(contains(cut.error().message, "truncated"));
  auto empty = bz::parse_history("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().kind == ErrorKind::transient);
}

TEST_CASE("a missing required field names the bug and the field", "[bugzilla]") {
  auto list = bz::parse_bug_list(one_bug("\"id\":123,\"summary\":\"x\""));
  REQUIRE(list.ok());
  REQUIRE(list->problems.size() == 1);
  CHECK(list->problems[0] == "bugs[0]: bug 123: field 'creation_time' is missing");

  auto no_id = bz::parse_bug_list(one_bug(k_time));
  REQUIRE(no_id.ok());
  REQUIRE(no_id->problems.size() == 1);
  CHECK(contains(no_id->problems[0], "field 'id' is missing"));
}

TEST_CASE("wrong types are errors that name the expected type", "[bugzilla]") {
  auto string_id = bz::parse_bug_list(one_bug("\"id\":\"x\"," + k_time));
  REQUIRE(string_id.ok());
  REQUIRE(string_id->problems.size() == 1);
  CHECK(contains(string_id->problems[0], "field 'id' must be an integer, got string"));

  const std::pair<std::string, std::string> cases[] = {
      {"\"id\":5,\"summary\":42," + k_time, "bug 5: field 'summary' must be a string, got number"},
      {"\"id\":5,\"creation_time\":17", "bug 5: field 'creation_time' must be a date-time string"},
      {"\"id\":5,\"creation_time\":\"2026-13-45T00:00:00Z\"", "is not a valid date-time"},
      {"\"id\":5.5," + k_time, "field 'id' must be an integer, got number"},
      {"\"id\":0," + k_time, "field 'id' is out of range: 0"},
      {"\"id\":-4," + k_time, "field 'id' is out of range: -4"},
      {"\"id\":18446744073709551615," + k_time, "is out of range"},
      {"\"id\":5,\"flags\":\"needinfo\"," + k_time, "bug 5: field 'flags' must be an array"},
      {"\"id\":5,\"flags\":[7]," + k_time, "bug 5: flags[0]: must be an object, got number"},
      {"\"id\":5,\"flags\":[{\"id\":1,\"name\":\"needinfo\",\"status\":\"?\"}]," + k_time,
       "bug 5: flags[0]: field 'creation_date' is missing"},
  };
  for (const auto& [members, expected] : cases) {
    INFO(members);
    auto list = bz::parse_bug_list(one_bug(members));
    REQUIRE(list.ok());
    CHECK(list->bugs.empty());
    REQUIRE(list->problems.size() == 1);
    CHECK(contains(list->problems[0], expected));
  }
}

TEST_CASE("null and empty optional fields take their defaults", "[bugzilla]") {
  auto list = bz::parse_bug_list(one_bug(
      "\"id\":9,\"summary\":null,\"whiteboard\":null,\"flags\":null,\"cf_last_resolved\":null," +
      k_time));
  REQUIRE(list.ok());
  REQUIRE(list->bugs.size() == 1);
  CHECK(list->bugs[0].summary.empty());
  CHECK(list->bugs[0].flags.empty());
  CHECK_FALSE(list->bugs[0].last_resolved.has_value());

  auto empty = bz::parse_bug_list(one_bug("\"id\":9,\"cf_last_resolved\":\"\"," + k_time));
  REQUIRE(empty.ok());
  REQUIRE(empty->bugs.size() == 1);
  CHECK_FALSE(empty->bugs[0].last_resolved.has_value());

  // Bugzilla's database format for custom date-time fields: space, no zone, read as UTC.
  auto spaced = bz::parse_bug_list(
      one_bug("\"id\":9,\"cf_last_resolved\":\"2026-02-03 04:05:06\"," + k_time));
  REQUIRE(spaced.ok());
  REQUIRE(spaced->bugs.size() == 1);
  REQUIRE(spaced->bugs[0].last_resolved.has_value());
  CHECK(format_rfc3339(*spaced->bugs[0].last_resolved) == "2026-02-03T04:05:06Z");
}

TEST_CASE("one bad bug does not stop the others", "[bugzilla]") {
  auto list = bz::parse_bug_list("{\"bugs\":[{\"id\":1," + k_time + "},{\"id\":2},{\"id\":3," +
                                 k_time + ",\"unknown_field\":{\"x\":[1,2]}}],\"faults\":[]}");
  REQUIRE(list.ok());
  REQUIRE(list->bugs.size() == 2);
  CHECK(list->bugs[0].id == 1);
  CHECK(list->bugs[1].id == 3);
  REQUIRE(list->problems.size() == 1);
  CHECK(list->problems[0] == "bugs[1]: bug 2: field 'creation_time' is missing");
}

TEST_CASE("an answer without a bugs array is an error", "[bugzilla]") {
  for (const char* body : {"{\"faults\":[]}", "{\"bugs\":{}}", "[]", "42", "null"}) {
    INFO(body);
    auto list = bz::parse_bug_list(body);
    REQUIRE_FALSE(list.ok());
    CHECK(list.error().kind == ErrorKind::internal);
  }
  CHECK(contains(bz::parse_bug_list("{\"faults\":[]}").error().message, "'bugs'"));
  CHECK_FALSE(bz::parse_comments("{\"bugs\":[]}").ok());
  CHECK_FALSE(bz::parse_history("{\"bugs\":{}}").ok());
}

TEST_CASE("10,000-deep nesting is refused before parsing", "[bugzilla]") {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  auto list = bz::parse_bug_list(deep);
  REQUIRE_FALSE(list.ok());
  CHECK(contains(list.error().message, "deeper than 256"));
  const std::string inside = "{\"bugs\":[{\"id\":1," + k_time + ",\"x\":" + deep + "}]}";
  CHECK_FALSE(bz::parse_bug_list(inside).ok());
  CHECK_FALSE(bz::parse_comments(inside).ok());
  CHECK_FALSE(bz::parse_dataset(inside).ok());
  auto as_error = bz::parse_bugzilla_error(400, deep);
  REQUIRE(as_error.has_value());
  CHECK(as_error->kind == ErrorKind::rejected);
  // Brackets inside strings are text, not nesting.
  auto text = bz::parse_bug_list(
      one_bug("\"id\":1,\"summary\":\"" + std::string(10000, '[') + "\"," + k_time));
  REQUIRE(text.ok());
  REQUIRE(text->bugs.size() == 1);
  CHECK(text->bugs[0].summary.size() == 10000);
}

TEST_CASE("huge strings parse, bodies above 256 MiB are refused", "[bugzilla]") {
  const std::string big(20 * 1024 * 1024, 'a');
  auto list = bz::parse_bug_list(one_bug("\"id\":1,\"summary\":\"" + big + "\"," + k_time));
  REQUIRE(list.ok());
  REQUIRE(list->bugs.size() == 1);
  CHECK(list->bugs[0].summary.size() == big.size());

  const std::string too_big(bz::k_max_body_bytes + 1, ' ');
  auto refused = bz::parse_bug_list(too_big);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::internal);
  CHECK(contains(refused.error().message, "above the limit"));
}

TEST_CASE("malformed comment answers fail with the bug and the comment named", "[bugzilla]") {
  const std::pair<std::string, std::string> cases[] = {
      {"{\"bugs\":{\"abc\":{\"comments\":[]}}}", "bug key 'abc' is not a bug id"},
      {"{\"bugs\":{\"5\":{\"comments\":\"none\"}}}", "bug 5 has no 'comments' array"},
      {"{\"bugs\":{\"5\":{\"comments\":[{\"id\":1,\"creation_time\":\"2026-01-01T00:00:00Z\"}]}}}",
       "bug 5 comment 1: field 'creator' (or 'author') is missing"},
      {"{\"bugs\":{\"5\":{\"comments\":[{\"id\":1,\"creator\":\"a@b\"}]}}}",
       "field 'creation_time' (or 'time') is missing"},
      {"{\"bugs\":{\"5\":{\"comments\":[{\"creator\":\"a@b\",\"time\":\"2026-01-01T00:00:00Z\"}]}}"
       "}",
       "bug 5 comment: field 'id' is missing"},
      {"{\"bugs\":{\"5\":{\"comments\":[{\"id\":1,\"bug_id\":6,\"creator\":\"a@b\",\"time\":"
       "\"2026-01-01T00:00:00Z\"}]}}}",
       "bug_id 6 does not match its bug"},
      {"{\"bugs\":{\"5\":{\"comments\":[{\"id\":1,\"creator\":\"a@b\",\"time\":"
       "\"2026-01-01T00:00:00Z\",\"tags\":[1]}]}}}",
       "field 'tags' must be an array of strings"},
  };
  for (const auto& [body, expected] : cases) {
    INFO(body);
    auto parsed = bz::parse_comments(body);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ErrorKind::internal);
    CHECK(contains(parsed.error().message, expected));
  }
  // "author" and "time" alone are enough (the fallbacks), and 0/1 is read as a boolean.
  auto fallback = bz::parse_comments(
      "{\"bugs\":{\"5\":{\"comments\":[{\"id\":1,\"author\":\"a@b\",\"time\":"
      "\"2026-01-01T00:00:00Z\",\"is_private\":1,\"text\":null}]}}}");
  REQUIRE(fallback.ok());
  CHECK(fallback->at(5)[0].creator == "a@b");
  CHECK(fallback->at(5)[0].is_private);
  CHECK(fallback->at(5)[0].text.empty());
}

TEST_CASE("malformed history answers fail with the entry named", "[bugzilla]") {
  CHECK(contains(
      bz::parse_history("{\"bugs\":[{\"id\":3,\"history\":[{\"who\":\"a\"}]}]}").error().message,
      "bug 3 history[0]: field 'when' is missing"));
  CHECK(contains(bz::parse_history("{\"bugs\":[{\"id\":3,\"history\":[{\"who\":\"a\",\"when\":"
                                   "\"2026-01-01T00:00:00Z\",\"changes\":[{\"added\":\"x\"}]}]}]}")
                     .error()
                     .message,
                 "changes[0]: field 'field_name' is missing"));
  CHECK_FALSE(bz::parse_history("{\"bugs\":[{\"id\":3}]}").ok());
  auto empty = bz::parse_history("{\"bugs\":[{\"id\":3,\"history\":[]}]}");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("error answers map to kinds by code, message and HTTP status", "[bugzilla]") {
  const auto kind = [](int status, const std::string& body) {
    const auto error = bz::parse_bugzilla_error(status, body);
    REQUIRE(error.has_value());
    CHECK(error->http_status == status);
    return error->kind;
  };
  const auto coded = [](int code) {
    return "{\"error\":true,\"code\":" + std::to_string(code) + ",\"message\":\"m\"}";
  };
  CHECK(kind(401, coded(102)) == ErrorKind::auth);
  CHECK(kind(401, coded(410)) == ErrorKind::auth);
  CHECK(kind(400, coded(306)) == ErrorKind::auth);
  CHECK(kind(401, coded(109)) == ErrorKind::auth);  // by HTTP status
  CHECK(kind(404, coded(101)) == ErrorKind::not_found);
  CHECK(kind(400, coded(100)) == ErrorKind::not_found);
  CHECK(kind(404, coded(51)) == ErrorKind::not_found);
  CHECK(kind(400, coded(114)) == ErrorKind::rejected);  // comment too long
  CHECK(kind(400, coded(50)) == ErrorKind::rejected);
  CHECK(kind(400,
             "{\"error\":true,\"code\":32000,\"message\":\"You have exceeded the rate "
             "limit.\"}") == ErrorKind::transient);
  CHECK(kind(429, "<html><body>Too Many Requests</body></html>") == ErrorKind::transient);
  CHECK(kind(503, "<html>Service Unavailable</html>") == ErrorKind::transient);
  CHECK(kind(414, "URI Too Long") == ErrorKind::rejected);
  CHECK(kind(401, "") == ErrorKind::auth);
  CHECK(kind(404, "") == ErrorKind::not_found);
  // An error object wins even on HTTP 200 (JSON-RPC style), and keeps its code.
  const auto in_200 = bz::parse_bugzilla_error(200, coded(306));
  REQUIRE(in_200.has_value());
  CHECK(in_200->kind == ErrorKind::auth);
  CHECK(in_200->service_code == 306);
  CHECK_FALSE(bz::parse_bugzilla_error(200, "not json at all").has_value());
  CHECK_FALSE(bz::parse_bugzilla_error(200, "{\"error\":false}").has_value());
  CHECK_FALSE(bz::parse_bugzilla_error(200, "{\"error\":\"yes\",\"code\":\"x\"}").has_value());
  CHECK(kind(400, "{\"error\":\"yes\",\"code\":[1]}") == ErrorKind::rejected);
  CHECK(kind(400, "{\"error\":true,\"code\":1e300,\"message\":7}") == ErrorKind::rejected);
  // A large success answer is not parsed again; a large failure is judged by its status.
  const std::string big = "{\"bugs\":[],\"pad\":\"" + std::string(100000, 'x') + "\"}";
  CHECK_FALSE(bz::parse_bugzilla_error(200, big).has_value());
  CHECK(kind(502, big) == ErrorKind::transient);
}

TEST_CASE("time, whoami and new-comment answers are read or refused clearly", "[bugzilla]") {
  // Shapes from docs/bugzilla-api.md#server-time and docs/bugzilla-api.md#who-am-i.
  auto t = bz::parse_time(
      "{\"db_time\":\"2026-10-02T10:00:00Z\",\"web_time\":\"2026-10-02T10:00:01Z\",\"tz_name\":"
      "\"UTC\"}");
  REQUIRE(t.ok());
  CHECK(format_rfc3339(*t) == "2026-10-02T10:00:00Z");
  CHECK_FALSE(bz::parse_time("{\"db_time\":\"yesterday\"}").ok());
  CHECK(contains(bz::parse_time("{}").error().message, "'db_time'"));

  auto who = bz::parse_whoami(
      "{\"id\":1234,\"name\":\"user@bugzilla.org\",\"real_name\":\"Test User\",\"nick\":\"user\"}");
  REQUIRE(who.ok());
  CHECK(*who == "user@bugzilla.org");
  CHECK_FALSE(bz::parse_whoami("{\"name\":\"\"}").ok());
  CHECK_FALSE(bz::parse_whoami("{\"name\":7}").ok());

  CHECK(*bz::parse_created_comment("{\"id\":789}") == 789);
  CHECK(contains(bz::parse_created_comment("{\"id\":\"7\"}").error().message, "integer"));
  CHECK_FALSE(bz::parse_created_comment("{\"id\":0}").ok());
  CHECK_FALSE(bz::parse_created_comment("[]").ok());
}
