// The one-pass comment reader (bugzilla_json_sax.h) must give exactly what the DOM reader gives,
// and leave every unusual answer to the DOM reader (whose errors the malformed-input tests check).
// The DOM reader is reached through parse_comments by adding a top-level member nested 70 deep,
// which the one-pass reader leaves to it (the DOM reader ignores it: its depth limit is 256).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/bugzilla/bugzilla_json_sax.h"

using namespace bzjira::adapters::bugzilla;
using bzjira::sync::BugId;
using bzjira::sync::Comment;
using CommentMap = std::map<BugId, std::vector<Comment>>;

namespace {

std::string sample(const std::string& name) {
  std::ifstream in(std::string(BZJIRA_SHARED_DIR) + "/samples/bugzilla/" + name);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<BugId> id_of(const std::string& key) {
  try {
    std::size_t used = 0;
    const long long id = std::stoll(key, &used);
    return used == key.size() && id > 0 ? std::optional<BugId>(id) : std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool one_pass_reads(const std::string& body) {
  return detail::sax_read(body, detail::SaxShape::comment_answer, id_of).has_value();
}

// The same answer, read by the DOM reader.
std::string for_dom(const std::string& body) {
  const auto brace = body.find('{');
  REQUIRE(brace != std::string::npos);
  const std::string deep = R"("zz":)" + std::string(70, '[') + std::string(70, ']') + ",";
  const std::string out = body.substr(0, brace + 1) + deep + body.substr(brace + 1);
  REQUIRE_FALSE(one_pass_reads(out));
  return out;
}

void require_same(const CommentMap& a, const CommentMap& b) {
  REQUIRE(a.size() == b.size());
  for (const auto& [id, list] : a) {
    REQUIRE(b.count(id) == 1);
    const auto& other = b.at(id);
    REQUIRE(list.size() == other.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      CHECK(list[i].id == other[i].id);
      CHECK(list[i].bug_id == other[i].bug_id);
      CHECK(list[i].count == other[i].count);
      CHECK(list[i].creator == other[i].creator);
      CHECK(list[i].time == other[i].time);
      CHECK(list[i].text == other[i].text);
      CHECK(list[i].is_private == other[i].is_private);
      CHECK(list[i].tags == other[i].tags);
    }
  }
}

void check_agrees(const std::string& body) {
  REQUIRE(one_pass_reads(body));
  const auto fast = parse_comments(body);
  const auto dom = parse_comments(for_dom(body));
  REQUIRE(fast.ok());
  REQUIRE(dom.ok());
  require_same(*fast, *dom);
}

}  // namespace

TEST_CASE("real BMO comment answers read in one pass equal the DOM reading", "[bugzilla]") {
  // Both carry BMO's empty "comments":{} for comment_ids.
  check_agrees(sample("bmo_comments_bug2031562.json"));
  check_agrees(sample("bmo_comments_bug2055439.json"));
}

TEST_CASE("one-pass reading keeps BMO's quirks: author/time spellings, empty time, repeats",
          "[bugzilla]") {
  // Upstream 5.x names; an empty creation time is "not set"; a repeated key keeps the last value;
  // unknown members of any shape are ignored.
  check_agrees(R"({"bugs":{"7":{"comments":[
      {"id":70,"author":"a@ca.example","time":"2026-01-02T03:04:05Z","text":"one","count":0},
      {"id":71,"creator":"b@ca.example","creation_time":"","text":"two","count":1,
       "tags":["x"],"tags":["y","z"],"text":"three","reactions":{"+1":[{"n":[1,2]}]},
       "attachment_id":null,"is_private":true}]},
    "9":{"comments":[]}},"faults":[],"extra":{"a":[null,1.5,"s",true]}})");
  const auto got = parse_comments(R"({"bugs":{"7":{"comments":[{"id":71,"creator":"b@ca.example",
      "creation_time":"2026-01-02T03:04:05Z","text":"one","tags":["x"],"tags":["y","z"]}]}}})");
  REQUIRE(got.ok());
  REQUIRE(got->at(7).size() == 1);
  CHECK(got->at(7)[0].tags == std::vector<std::string>{"y", "z"});
}

TEST_CASE("unusual comment answers are left to the DOM reader", "[bugzilla]") {
  const std::string ok_comment =
      R"("creator":"a@ca.example","creation_time":"2026-01-02T03:04:05Z")";
  const std::vector<std::string> unusual = {
      "",
      "[]",
      R"("text")",
      R"({"bugs":{"7":{"comments":[{"id":1,)" + ok_comment + R"(,"text":null}]}}})",
      R"({"bugs":{"7":{"comments":[{"id":1.5,)" + ok_comment + "}]}}}",
      R"({"bugs":{"7":{"comments":[{"id":0,)" + ok_comment + "}]}}}",
      R"({"bugs":{"7":{"comments":[{"id":1,"bug_id":8,)" + ok_comment + "}]}}}",
      R"({"bugs":{"7":{"comments":[{"id":1,"count":-1,)" + ok_comment + "}]}}}",
      R"({"bugs":{"7":{"comments":[{"id":1,"is_private":1,)" + ok_comment + "}]}}}",
      R"({"bugs":{"7":{"comments":[{"id":1,"tags":["a",["b"]],)" + ok_comment + "}]}}}",
      R"({"bugs":{"7":{"comments":[{"id":1,"creation_time":"2026-01-02T03:04:05Z"}]}}})",
      R"({"bugs":{"7":{"comments":[{"id":1,"creator":"a@ca.example"}]}}})",
      R"({"bugs":{"7":{"comments":[{"id":1,"creator":"a","creation_time":"yesterday"}]}}})",
      R"({"bugs":{"7":{"comments":[{"id":99999999999999999999,)" + ok_comment + "}]}}}",
      R"({"bugs":{"7":{"comments":[[]]}}})",
      R"({"bugs":{"7":{"other":[]}}})",
      R"({"bugs":{"x7":{"comments":[]}}})",
      R"({"bugs":{"7":{"comments":[]},"07":{"comments":[]}}})",
      R"({"bugs":{"7":{"comments":[]}},"bugs":{}})",
      R"({"bugs":[]})",
      R"({"bugs":null})",
      R"({"other":1})",
      R"({"bugs":{"7":{"comments":[]}},"comments":{"5":{}}})",
      R"({"bugs":{"7":{"comments":[]}})",                                  // cut off
      "{\"bugs\":{\"7\":{\"comments\":[{\"id\":1,\"text\":\"\xff\"}]}}}",  // invalid UTF-8
      std::string(100, '[') + std::string(100, ']'),
      R"({"bugs":{"7":{"comments":[]}},"deep":)" + std::string(70, '[') + std::string(70, ']') +
          "}",
  };
  for (const std::string& body : unusual) {
    INFO(body);
    CHECK_FALSE(one_pass_reads(body));
  }
}

TEST_CASE("a dataset read in one pass gives back what was written", "[bugzilla]") {
  bzjira::sync::BugRecord r;
  r.bug.id = 12;
  r.bug.summary = "Example CA: late revocation";
  r.bug.creation_time = *bzjira::sync::parse_rfc3339("2026-01-01T00:00:00Z");
  r.bug.last_change_time = r.bug.creation_time;
  Comment c;
  c.id = 120;
  c.bug_id = 12;
  c.count = 0;
  c.creator = "ca@ca.example";
  c.time = *bzjira::sync::parse_rfc3339("2026-01-02T03:04:05Z");
  c.text = "Preliminary report\n\n\"quoted\" \\ text \xc3\xa9";
  c.tags = {"ca-response"};
  r.comments = {c};
  bzjira::sync::HistoryEntry h;
  h.when = c.time;
  h.who = "mod@example.org";
  h.changes = {{"whiteboard", "", "[ca-compliance]"}};
  r.history = {h};
  const std::string text = write_dataset({r});
  REQUIRE(detail::sax_read(text, detail::SaxShape::dataset, id_of).has_value());
  const auto ds = parse_dataset(text);
  REQUIRE(ds.ok());
  CHECK(ds->problems.empty());
  REQUIRE(ds->records.size() == 1);
  CHECK(ds->records[0].bug.summary == r.bug.summary);
  REQUIRE(ds->records[0].history.size() == 1);
  CHECK(ds->records[0].history[0].who == "mod@example.org");
  require_same({{12, ds->records[0].comments}}, {{12, r.comments}});
}

TEST_CASE("a dataset with comments of an unknown bug is left to the DOM reader's problems",
          "[bugzilla]") {
  const std::string text =
      R"({"bugs":[{"id":12,"creation_time":"2026-01-01T00:00:00Z"}],
          "comments":{"13":[{"id":1,"creator":"a","creation_time":"2026-01-02T03:04:05Z"}]}})";
  const auto ds = parse_dataset(text);
  REQUIRE(ds.ok());
  REQUIRE(ds->problems.size() == 1);
  CHECK(ds->problems[0].find("bug 13 is not in 'bugs'") != std::string::npos);
  CHECK(ds->records.at(0).comments.empty());
}
