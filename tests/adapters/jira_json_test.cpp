// Jira request bodies and answer parsing (adapters/jira/jira_json.h), on the spec's own examples
// (tests/data/samples/jira) and hand-written answers.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "adapters/jira/jira_json.h"
#include "tests/support/paths.h"

using namespace bzjira::adapters::jira;
using bzjira::sync::ErrorKind;
using nlohmann::json;
using namespace bzjira;  // sync:: (an alias named sync would clash with ::sync())

namespace {
json examples() {
  std::ifstream in(bzjira::test_support::test_data_dir() +
                   "/samples/jira/jira_cloud_examples_from_openapi.json");
  return json::parse(in)["examples"];
}

sync::Instant at(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return std::chrono::sys_days{std::chrono::year{y} / m / d} + std::chrono::hours{hh} +
         std::chrono::minutes{mm} + std::chrono::seconds{ss};
}

sync::JiraSettings settings() {
  sync::JiraSettings s;
  s.url = "https://example.atlassian.net";
  s.project = "CAINC";
  s.labels = {"ca-incident"};
  s.deadline_field = "customfield_10050";
  return s;
}
}  // namespace

TEST_CASE("date-times are written in Jira's format with milliseconds and +0000", "[jira]") {
  CHECK(format_jira_datetime(at(2026, 10, 7, 12, 0, 0)) == "2026-10-07T12:00:00.000+0000");
  CHECK(format_jira_datetime(at(2025, 3, 31, 15, 30, 5)) == "2025-03-31T15:30:05.000+0000");
}

TEST_CASE("an ErrorCollection reads as messages then field: message pairs", "[jira]") {
  const json ex = examples();
  CHECK(error_collection_text(ex["POST /rest/api/3/issue 400"]) == "Field 'priority' is required");
  CHECK(error_collection_text(ex["POST /rest/api/3/issue/{key}/remotelink 400"]) ==
        "title: 'title' is required.");
  CHECK(error_body_text("<html><body>Bad\ngateway</body></html>") ==
        "<html><body>Bad gateway</body></html>");
  CHECK(error_body_text("").empty() == false);
}

TEST_CASE("HTTP statuses map to error kinds with the issue named in the message", "[jira]") {
  const std::string body =
      R"({"errorMessages":[],"errors":{"summary":"Summary can't exceed 255 characters."}})";
  const sync::Error rejected = error_from_answer(400, body, "CAINC-3");
  CHECK(rejected.kind == ErrorKind::rejected);
  CHECK(rejected.message == "Jira rejected CAINC-3: summary: Summary can't exceed 255 characters.");
  CHECK(error_from_answer(401, "{}", "x", "BZJIRA_JIRA_TOKEN").kind == ErrorKind::auth);
  CHECK(error_from_answer(401, "{}", "x", "BZJIRA_JIRA_TOKEN").message.find("BZJIRA_JIRA_TOKEN") !=
        std::string::npos);
  CHECK(error_from_answer(403, "{}", "x").kind == ErrorKind::auth);
  CHECK(error_from_answer(404, "{}", "x").kind == ErrorKind::not_found);
  CHECK(error_from_answer(409, "{}", "x").kind == ErrorKind::transient);
  CHECK(error_from_answer(429, "{}", "x").kind == ErrorKind::transient);
  CHECK(error_from_answer(503, "<html/>", "x").kind == ErrorKind::transient);
  CHECK(error_from_answer(422, "{}", "x").kind == ErrorKind::rejected);
}

TEST_CASE("create fields: project by key, type by name, cut summary, ADF, date, labels, deadline",
          "[jira]") {
  sync::IssueDraft draft;
  draft.summary = "BMO 1: reply due\n" + std::string(300, 'x');
  draft.description = {sync::paragraph("Question on bug 1")};
  draft.due = std::chrono::year{2026} / 10 / 7;
  draft.labels = {"bz-1", "bzjira", "bz-1"};
  draft.deadline = at(2026, 10, 7, 12, 0, 0);
  const json f = draft_fields(draft, settings(), ApiVersion::v3);
  CHECK(f["project"] == json({{"key", "CAINC"}}));
  CHECK(f["issuetype"] == json({{"name", "Task"}}));
  CHECK(f["summary"] == ("BMO 1: reply due " + std::string(237, 'x')));  // 17 + 237 = 254
  CHECK(f["description"]["type"] == "doc");
  CHECK(f["description"]["content"][0]["content"][0]["text"] == "Question on bug 1");
  CHECK(f["duedate"] == "2026-10-07");
  CHECK(f["labels"] == json({"bz-1", "bzjira", "ca-incident"}));
  CHECK(f["customfield_10050"] == "2026-10-07T12:00:00.000+0000");

  const json v2 = draft_fields(draft, settings(), ApiVersion::v2);
  CHECK(v2["description"] == "Question on bug 1");
}

TEST_CASE("the mirror label is added when a draft lacks it", "[jira]") {
  sync::IssueDraft draft;
  draft.labels = {"bz-9"};
  CHECK(issue_labels(draft, settings()) ==
        std::vector<std::string>{"bz-9", "bzjira", "ca-incident"});
}

TEST_CASE("edit fields hold only what the update sets", "[jira]") {
  sync::IssueUpdate update;
  CHECK(update_fields(update, settings(), ApiVersion::v3).empty());
  update.due = std::chrono::year{2026} / 1 / 2;
  update.deadline = at(2026, 1, 2, 3, 4, 5);
  const json f = update_fields(update, settings(), ApiVersion::v3);
  CHECK(f ==
        json({{"duedate", "2026-01-02"}, {"customfield_10050", "2026-01-02T03:04:05.000+0000"}}));
  sync::JiraSettings no_field = settings();
  no_field.deadline_field.clear();
  CHECK(update_fields(update, no_field, ApiVersion::v3) == json({{"duedate", "2026-01-02"}}));
}

TEST_CASE("an update that sets labels sends the whole list and keeps the mirror labels", "[jira]") {
  sync::IssueUpdate update;
  update.labels = std::vector<std::string>{"bzb-7", "bz-7", "bzq-7-70"};
  const json f = update_fields(update, settings(), ApiVersion::v3);
  CHECK(f == json({{"labels", {"bzb-7", "bz-7", "bzq-7-70", "bzjira", "ca-incident"}}}));
}

TEST_CASE("a search page is parsed with status category, resolution, dates and deadline",
          "[jira]") {
  const std::string body = R"({"issues":[{"id":"10001","key":"CAINC-2","fields":{
      "summary":"s","labels":["bzjira","bz-1"],"duedate":"2026-10-07",
      "status":{"name":"Done","statusCategory":{"key":"done"}},
      "resolution":{"name":"Won't Do"},"updated":"2026-10-01T08:00:00.000+0000",
      "customfield_10050":"2026-10-07T12:00:00.000+0000"}}],
    "nextPageToken":"abc","isLast":false})";
  auto page = parse_search_page(body, "customfield_10050");
  REQUIRE(page.ok());
  REQUIRE(page->issues.size() == 1);
  const sync::MirroredIssue& i = page->issues[0];
  CHECK(i.id == "10001");
  CHECK(i.key == "CAINC-2");
  CHECK(i.labels == std::vector<std::string>{"bzjira", "bz-1"});
  CHECK(i.due == std::optional<sync::Date>(std::chrono::year{2026} / 10 / 7));
  CHECK(i.status == "Done");
  CHECK(i.category == sync::StatusCategory::done);
  CHECK(i.resolution == "Won't Do");
  CHECK(i.updated == std::optional<sync::Instant>(at(2026, 10, 1, 8, 0, 0)));
  CHECK(i.deadline == std::optional<sync::Instant>(at(2026, 10, 7, 12, 0, 0)));
  CHECK(page->next_page_token == "abc");
  CHECK_FALSE(page->is_last);
}

TEST_CASE("the spec's search example parses, fields of unexpected types read as absent", "[jira]") {
  const std::string body = examples()["GET /rest/api/3/search/jql 200"].dump();
  auto page = parse_search_page(body, "");
  REQUIRE(page.ok());
  REQUIRE(page->issues.size() == 1);
  CHECK(page->issues[0].key == "ED-1");
  CHECK_FALSE(page->issues[0].updated.has_value());  // the example's "updated" is the number 1
  CHECK(page->is_last);
}

TEST_CASE("Data Center search pages carry startAt and total", "[jira]") {
  auto page = parse_search_page(R"({"startAt":100,"maxResults":100,"total":250,"issues":[]})", "");
  REQUIRE(page.ok());
  CHECK(page->start_at == 100);
  CHECK(page->total == 250);
}

TEST_CASE("malformed search answers are internal errors, never crashes", "[jira]") {
  for (const char* bad : {"", "nope", "[]", R"({"issues":5})", R"({"issues":[{"id":1}]})",
                          R"({"issues":[{"key":"A-1"}]})"}) {
    auto page = parse_search_page(bad, "");
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().kind == ErrorKind::internal);
  }
}

TEST_CASE("bulk create answers map failures by failedElementNumber", "[jira]") {
  auto all_failed = parse_bulk_answer(examples()["POST /rest/api/3/issue/bulk 400"].dump());
  REQUIRE(all_failed.ok());
  CHECK(all_failed->created.empty());
  REQUIRE(all_failed->failed.size() == 2);
  CHECK(all_failed->failed.at(1) ==
        "issuetype: The issue type selected is invalid.; project: Sub-tasks must be created in the "
        "same project as the parent.");
  auto ok = parse_bulk_answer(examples()["POST /rest/api/3/issue/bulk 201"].dump());
  REQUIRE(ok.ok());
  REQUIRE(ok->created.size() == 2);
  CHECK(ok->created[1].key == "ED-25");
  CHECK(ok->created[1].id == "10001");
}

TEST_CASE("transitions are read with their target category and screen fields", "[jira]") {
  auto list = parse_transitions(examples()["GET /rest/api/3/issue/{key}/transitions 200"].dump());
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].id == "2");
  CHECK((*list)[0].name == "Close Issue");
  CHECK((*list)[1].to_status == "Closed");
  CHECK((*list)[1].to_category == "completed");
  CHECK_FALSE((*list)[1].has_resolution);
  auto with = parse_transitions(
      R"({"transitions":[{"id":"31","name":"Done","to":{"name":"Done","statusCategory":{"key":"done"}},
          "fields":{"resolution":{"required":true}}}]})");
  REQUIRE(with.ok());
  CHECK((*with)[0].has_resolution);
}

namespace {
// A search answer with one issue whose "comment" field is `comment` (left out when null).
std::string search_with_comment(const json& comment) {
  json fields = {{"summary", "s"}, {"labels", json::array({"bzjira"})}};
  if (!comment.is_null()) {
    fields["comment"] = comment;
  }
  const json issue = {{"id", "10001"}, {"key", "CAINC-2"}, {"fields", fields}};
  return json{{"issues", json::array({issue})}, {"isLast", true}}.dump();
}

json v2_comment(const std::string& id, const std::string& created) {
  return {
      {"id", id}, {"author", {{"name", "jsmith"}}}, {"body", "text " + id}, {"created", created}};
}
}  // namespace

TEST_CASE("the search asks for comments only when told to", "[jira]") {
  const auto plain = mirrored_field_names(settings());
  CHECK(std::find(plain.begin(), plain.end(), "comment") == plain.end());
  const auto with = mirrored_field_names(settings(), true);
  CHECK(std::find(with.begin(), with.end(), "comment") != with.end());
  CHECK(with.size() == plain.size() + 1);
}

TEST_CASE("a search's comment field is used only when it lists every comment", "[jira]") {
  const json later = v2_comment("12", "2026-10-02T08:00:00.000+0000");
  const json earlier = v2_comment("11", "2026-10-01T08:00:00.000+0000");
  const auto comments_of = [](const json& comment) {
    auto page = parse_search_page(search_with_comment(comment), "");
    REQUIRE(page.ok());
    REQUIRE(page->issues.size() == 1);
    return page->issues[0].comments;
  };
  // Whole: read oldest first, as GET .../comment?orderBy=created gives them.
  const auto whole = comments_of({{"comments", json::array({later, earlier})},
                                  {"maxResults", 2},
                                  {"total", 2},
                                  {"startAt", 0}});
  REQUIRE(whole.has_value());
  REQUIRE(whole->size() == 2);
  CHECK((*whole)[0].id == "11");
  CHECK((*whole)[1].id == "12");
  CHECK((*whole)[1].body == "text 12");
  CHECK((*whole)[1].author == "jsmith");
  const auto none =
      comments_of({{"comments", json::array()}, {"maxResults", 0}, {"total", 0}, {"startAt", 0}});
  REQUIRE(none.has_value());
  CHECK(none->empty());
  // Cut short (Jira lists at most 20 in a search), not from the start, or unreadable: nullopt,
  // so that the comments are read with GET .../comment.
  CHECK_FALSE(comments_of(nullptr).has_value());
  CHECK_FALSE(
      comments_of(
          {{"comments", json::array({earlier})}, {"maxResults", 1}, {"total", 2}, {"startAt", 0}})
          .has_value());
  CHECK_FALSE(
      comments_of(
          {{"comments", json::array({later})}, {"maxResults", 1}, {"total", 2}, {"startAt", 1}})
          .has_value());
  CHECK_FALSE(comments_of({{"comments", json::array({earlier})}, {"total", 1}}).has_value());
  CHECK_FALSE(comments_of({{"comments", json::array({earlier})}, {"startAt", 0}}).has_value());
  CHECK_FALSE(comments_of({{"comments", json::array({earlier})}, {"total", "1"}, {"startAt", 0}})
                  .has_value());
  CHECK_FALSE(comments_of({{"comments", "no"}, {"total", 0}, {"startAt", 0}}).has_value());
  CHECK_FALSE(comments_of("a string").has_value());
  json no_time = earlier;
  no_time.erase("created");
  CHECK_FALSE(comments_of({{"comments", json::array({no_time})}, {"total", 1}, {"startAt", 0}})
                  .has_value());
  json no_id = earlier;
  no_id.erase("id");
  CHECK_FALSE(
      comments_of({{"comments", json::array({no_id})}, {"total", 1}, {"startAt", 0}}).has_value());
}

TEST_CASE("comment pages flatten ADF bodies and read authors and times", "[jira]") {
  json page = {{"startAt", 0}, {"maxResults", 100}, {"total", 2}, {"comments", json::array()}};
  page["comments"].push_back(examples()["POST /rest/api/3/issue/{key}/comment 201"]);
  page["comments"].push_back({{"id", "7"},
                              {"author", {{"name", "jsmith"}}},
                              {"body", "a v2 *string*"},
                              {"created", "2021-01-18T00:00:00.000+0000"}});
  auto parsed = parse_comments_page(page.dump());
  REQUIRE(parsed.ok());
  REQUIRE(parsed->comments.size() == 2);
  CHECK(parsed->comments[0].author == "Mia Krystof");
  CHECK(parsed->comments[0].created == at(2021, 1, 17, 12, 34, 0));
  CHECK(parsed->comments[0].body.rfind("Lorem ipsum", 0) == 0);
  CHECK(parsed->comments[1].author == "jsmith");
  CHECK(parsed->comments[1].body == "a v2 *string*");
  CHECK(parsed->total == 2);
}

TEST_CASE("a remote link body carries globalId, url, title and resolved status", "[jira]") {
  sync::RemoteLink link{"system=https://bugzilla.mozilla.org&id=1", "https://b.test/1", "",
                        "summary", true};
  const json body = remote_link_body(link);
  CHECK(body["globalId"] == "system=https://bugzilla.mozilla.org&id=1");
  CHECK(body["object"]["url"] == "https://b.test/1");
  CHECK(body["object"]["title"] == "https://b.test/1");  // an empty title falls back to the URL
  CHECK(body["object"]["status"]["resolved"] == true);
}

TEST_CASE("base64 follows RFC 4648's test vectors", "[jira]") {
  CHECK(base64_encode("").empty());
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("a request body is valid JSON even when a caller's text is not valid UTF-8", "[jira]") {
  sync::RemoteLink link{"id=\xFF", "https://b.test/1", "t", "", false};
  std::string body;
  REQUIRE_NOTHROW(body = to_body(remote_link_body(link)));
  CHECK(json::parse(body)["globalId"] == "id=\xEF\xBF\xBD");
}

TEST_CASE("fuzz: an answer nested 100,000 levels deep is refused instead of overflowing the stack",
          "[jira]") {
  // Found by fuzz_jira_json: error_collection_text dumped the nested "errors" value recursively
  // and adf flatten copied it, both overflowing the stack on ~200 KB of brackets.
  const std::string deep_errors =
      R"({"errors":{"summary":)" + std::string(100000, '[') + std::string(100000, ']') + "}}";
  CHECK_FALSE(parse_bulk_answer(deep_errors).ok());
  CHECK(error_body_text(deep_errors).size() < 1000);  // a short excerpt, not a crash
  const std::string deep_comments =
      R"({"comments":[{"body":)" + std::string(100000, '[') + std::string(100000, ']') + "}]}";
  CHECK_FALSE(parse_comments_page(deep_comments).ok());
  // The guard's limit: 256 levels pass, 257 do not.
  CHECK(parse_answer(std::string(256, '[') + std::string(256, ']')).is_array());
  CHECK(parse_answer(std::string(257, '[') + std::string(257, ']')).is_discarded());
}
