// Large documents read part by part (bugzilla_json_split.h): a comment answer bug by bug, a dataset
// bug by bug. One reader reads every part, so each unusual answer must come out as what the
// public parsers promise (bugzilla_json.h), and a cut or broken document never as a partial answer.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "adapters/bugzilla/bugzilla_json.h"
#include "tests/support/paths.h"
#include "tests/support/text.h"

using namespace bzjira::adapters::bugzilla;
using bzjira::sync::BugId;
using bzjira::sync::Comment;
using bzjira::sync::ErrorKind;
using bzjira::sync::Instant;
using bzjira::sync::parse_rfc3339;

namespace {

std::string sample(const std::string& name) {
  std::ifstream in(bzjira::test_support::test_data_dir() + "/samples/bugzilla/" + name);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

using bzjira::test_support::contains;

const std::string k_ok = R"("creator":"a@ca.example","creation_time":"2026-01-02T03:04:05Z")";

std::string one_comment(const std::string& members) {
  return R"({"bugs":{"7":{"comments":[{)" + members + "}]}}}";
}

bzjira::sync::BugRecord example_record() {
  bzjira::sync::BugRecord r;
  r.bug.id = 12;
  r.bug.summary = "Example CA: late revocation";
  r.bug.creation_time = *parse_rfc3339("2026-01-01T00:00:00Z");
  r.bug.last_change_time = r.bug.creation_time;
  Comment c;
  c.id = 120;
  c.bug_id = 12;
  c.count = 0;
  c.creator = "ca@ca.example";
  c.time = *parse_rfc3339("2026-01-02T03:04:05Z");
  c.text = "Preliminary report\n\n\"quoted\" \\ text \xc3\xa9";
  c.tags = {"ca-response"};
  r.comments = {c};
  bzjira::sync::HistoryEntry h;
  h.when = c.time;
  h.who = "mod@example.org";
  h.changes = {{"whiteboard", "", "[ca-compliance]"}};
  r.history = {h};
  return r;
}

}  // namespace

TEST_CASE("a real BMO comment answer read bug by bug keeps every comment and field", "[bugzilla]") {
  // bmo_comments_bug2055439.json: five comments, BMO's empty "comments":{} for comment_ids.
  const auto parsed = parse_comments(sample("bmo_comments_bug2055439.json"));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 1);
  const auto& comments = parsed->at(2055439);
  REQUIRE(comments.size() == 5);
  CHECK(comments[0].id == 18202762);
  CHECK(comments[0].count == 0);
  CHECK(comments[0].creator == "clopez@firmaprofesional.com");
  CHECK(comments[0].time == *parse_rfc3339("2026-07-16T10:45:15Z"));
  CHECK(comments[0].text.rfind("Created attachment 9609478\nSigned explanatory letter", 0) == 0);
  CHECK(comments[1].id == 18202783);
  CHECK(comments[4].id == 18330673);
  CHECK(comments[4].count == 4);
  CHECK(comments[4].text.rfind("## Closure Request\n\n", 0) == 0);
  for (const Comment& c : comments) {
    CHECK(c.bug_id == 2055439);
    CHECK_FALSE(c.is_private);
    CHECK(c.tags.empty());
  }
}

TEST_CASE("BMO quirks read bug by bug: author and time spellings, an empty time, keys sent twice",
          "[bugzilla]") {
  // Upstream 5.x names; an empty creation time is "not set"; a key sent twice counts with its
  // last value; unknown members of any shape are ignored.
  const auto got = parse_comments(R"({"bugs":{"7":{"comments":[
      {"id":70,"author":"a@ca.example","time":"2026-01-02T03:04:05Z","text":"one","count":0},
      {"id":71,"creator":"b@ca.example","creation_time":"","text":"two","count":1,
       "tags":["x"],"tags":["y","z"],"text":"three","reactions":{"+1":[{"n":[1,2]}]},
       "attachment_id":null,"is_private":true}]},
    "9":{"comments":[]}},"faults":[],"extra":{"a":[null,1.5,"s",true]}})");
  REQUIRE(got.ok());
  REQUIRE(got->size() == 2);
  REQUIRE(got->at(7).size() == 2);
  const Comment& first = got->at(7)[0];
  CHECK(first.id == 70);
  CHECK(first.bug_id == 7);
  CHECK(first.creator == "a@ca.example");
  CHECK(first.time == *parse_rfc3339("2026-01-02T03:04:05Z"));
  CHECK(first.text == "one");
  const Comment& second = got->at(7)[1];
  CHECK(second.id == 71);
  CHECK(second.count == 1);
  CHECK(second.creator == "b@ca.example");
  CHECK(second.time == Instant{});
  CHECK(second.text == "three");
  CHECK(second.tags == std::vector<std::string>{"y", "z"});
  CHECK(second.is_private);
  CHECK(got->at(9).empty());
}

TEST_CASE("unusual comment answers are read or refused as the parser promises", "[bugzilla]") {
  // Accepted: a null text is "not sent", 0/1 for a boolean, text that is not UTF-8 (replaced),
  // and any member the reader does not use, however deep.
  auto null_text = parse_comments(one_comment(R"("id":1,"text":null,)" + k_ok));
  REQUIRE(null_text.ok());
  CHECK(null_text->at(7).at(0).text.empty());
  auto one_as_true = parse_comments(one_comment(R"("id":1,"is_private":1,)" + k_ok));
  REQUIRE(one_as_true.ok());
  CHECK(one_as_true->at(7).at(0).is_private);
  auto latin1 = parse_comments(one_comment("\"id\":1,\"text\":\"caf\xe9\"," + k_ok));
  REQUIRE(latin1.ok());
  CHECK(latin1->at(7).at(0).text == "caf\xef\xbf\xbd");
  auto deep = parse_comments(R"({"bugs":{"7":{"comments":[]}},"zz":)" + std::string(200, '[') +
                             std::string(200, ']') + "}");
  REQUIRE(deep.ok());
  CHECK(deep->at(7).empty());

  const std::pair<std::string, std::string> refused[] = {
      {"[]", "is not a JSON object (array)"},
      {R"("text")", "is not a JSON object (string)"},
      {std::string(100, '[') + std::string(100, ']'), "is not a JSON object (array)"},
      {one_comment(R"("id":1.5,)" + k_ok), "bug 7 comment: field 'id' must be an integer"},
      {one_comment(R"("id":0,)" + k_ok), "field 'id' is out of range: 0"},
      {one_comment(R"("id":1,"bug_id":8,)" + k_ok), "bug 7 comment 1: bug_id 8 does not match"},
      {one_comment(R"("id":1,"count":-1,)" + k_ok), "field 'count' is out of range: -1"},
      {one_comment(R"("id":1,"tags":["a",["b"]],)" + k_ok), "must be an array of strings"},
      {one_comment(R"("id":1,"creation_time":"2026-01-02T03:04:05Z")"),
       "field 'creator' (or 'author') is missing"},
      {one_comment(R"("id":1,"creator":"a@ca.example")"),
       "field 'creation_time' (or 'time') is missing"},
      {one_comment(R"("id":1,"creator":"a","creation_time":"yesterday")"),
       "field 'creation_time' is not a valid date-time"},
      {one_comment(R"("id":99999999999999999999,)" + k_ok), "out-of-range number"},
      {R"({"bugs":{"7":{"comments":[[]]}}})", "bug 7 comment: must be an object, got array"},
      {R"({"bugs":{"7":{"other":[]}}})", "bug 7 has no 'comments' array"},
      {R"({"bugs":{"x7":{"comments":[]}}})", "bug key 'x7' is not a bug id"},
      {R"({"bugs":{"7":{"comments":[]},"07":{"comments":[]}}})", "bug 7 appears twice"},
      {R"({"bugs":{"7":{"comments":[]}},"bugs":{}})", "has the member 'bugs' twice"},
      {R"({"bugs":[]})", "has no object 'bugs'"},
      {R"({"bugs":null})", "has no object 'bugs'"},
      {R"({"other":1})", "has no object 'bugs'"},
      {R"({"bugs":{"7":{"comments":[]}},"comments":{"5":{}}})", "field 'id' is missing"},
      {R"({"bugs":{"7":{"comments":[]}}} x)", "is not valid JSON"},
      // A member's key must open with a quote (found by fuzzing: the cutter took any byte for it).
      {R"({x"bugs":{"7":{"comments":[]}}})", "is not valid JSON"},
      {R"({"bugs":{x"7":{"comments":[]}}})", "is not valid JSON"},
      {R"({"bugs":{"7":{"comments":[]}},"x":[1}]})", "is not valid JSON"},
      {R"({"bugs":{"7":{"comments":[]}},"x":tru})", "is not valid JSON"},
      {R"({"bugs":{"7":{"comments":[]}},"deep":)" + std::string(300, '[') + std::string(300, ']') +
           "}",
       "nests JSON deeper than 256 levels"},
  };
  for (const auto& [body, expected] : refused) {
    INFO(body);
    const auto parsed = parse_comments(body);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ErrorKind::internal);
    INFO(parsed.error().message);
    CHECK(contains(parsed.error().message, expected));
  }
}

TEST_CASE("a member whose key does not open with a quote is refused", "[bugzilla]") {
  // Found by fuzzing: the cutter skipped the byte where a key's quote belongs, so these read as
  // answers with bugs 7 and 9. The quotes left open make them look cut (transient).
  for (const std::string body :
       {R"({xbugs":{"7":{"comments":[]}}})", R"({"bugs":{x7":{"comments":[]}}})",
        R"({"bugs":{"7":{"comments":[]},x9":{"comments":[]}}})"}) {
    INFO(body);
    const auto parsed = parse_comments(body);
    REQUIRE_FALSE(parsed.ok());
    CHECK(contains(parsed.error().message, "JSON"));
  }
}

TEST_CASE("a comment answer cut short anywhere is transient, never a partial answer",
          "[bugzilla]") {
  const std::string body = R"({"bugs":{"7":{"comments":[{"id":70,"creator":"a@ca.example",)"
                           R"("time":"2026-01-02T03:04:05Z","text":"one \"two\" [three]"}]},)"
                           R"("9":{"comments":[]}},"comments":{}})";
  REQUIRE(parse_comments(body).ok());
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    INFO(body.substr(0, cut));
    const auto parsed = parse_comments(body.substr(0, cut));
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ErrorKind::transient);
    CHECK(contains(parsed.error().message, "ends early"));
  }
}

TEST_CASE("a dataset read bug by bug gives back what was written", "[bugzilla]") {
  const auto r = example_record();
  const auto ds = parse_dataset(write_dataset({r}));
  REQUIRE(ds.ok());
  CHECK(ds->problems.empty());
  REQUIRE(ds->records.size() == 1);
  CHECK(ds->records[0].bug.summary == r.bug.summary);
  REQUIRE(ds->records[0].history.size() == 1);
  CHECK(ds->records[0].history[0].who == "mod@example.org");
  REQUIRE(ds->records[0].comments.size() == 1);
  const Comment& c = ds->records[0].comments[0];
  CHECK(c.id == 120);
  CHECK(c.text == r.comments[0].text);
  CHECK(c.tags == r.comments[0].tags);
}

TEST_CASE("a dataset's comments and history may come before its bugs", "[bugzilla]") {
  const std::string text = R"({
    "history": {"12": [{"when": "2026-01-03T00:00:00Z", "who": "m@x", "changes": []}]},
    "comments": {"12": [{"id": 1, "creator": "a", "creation_time": "2026-01-02T03:04:05Z"}],
                 "13": [{"id": 2, "creator": "a", "creation_time": "2026-01-02T03:04:05Z"}]},
    "bugs": [{"id": 12, "creation_time": "2026-01-01T00:00:00Z"}]})";
  const auto ds = parse_dataset(text);
  REQUIRE(ds.ok());
  REQUIRE(ds->records.size() == 1);
  REQUIRE(ds->records[0].comments.size() == 1);
  CHECK(ds->records[0].comments[0].id == 1);
  CHECK(ds->records[0].history.size() == 1);
  REQUIRE(ds->problems.size() == 1);
  CHECK(contains(ds->problems[0], "comments[\"13\"]: bug 13 is not in 'bugs'"));
}

TEST_CASE("a dataset naming a bug's comments under two keys files one and says so of the other",
          "[bugzilla]") {
  const std::string text = R"({"bugs": [{"id": 12, "creation_time": "2026-01-01T00:00:00Z"}],
    "comments": {"12": [{"id": 1, "creator": "a", "creation_time": "2026-01-02T03:04:05Z"}],
                 "012": [{"id": 2, "creator": "b", "creation_time": "2026-01-02T03:04:05Z"}]}})";
  const auto ds = parse_dataset(text);
  REQUIRE(ds.ok());
  REQUIRE(ds->records.at(0).comments.size() == 1);
  // Listed by key: "012" sorts before "12", so it is the one filed.
  CHECK(ds->records[0].comments[0].id == 2);
  REQUIRE(ds->problems.size() == 1);
  CHECK(ds->problems[0] == "comments[\"12\"]: bug 12 appears a second time; skipped");
}

TEST_CASE("a dataset with comments of an unknown bug keeps the others", "[bugzilla]") {
  const std::string text =
      R"({"bugs":[{"id":12,"creation_time":"2026-01-01T00:00:00Z"}],
          "comments":{"13":[{"id":1,"creator":"a","creation_time":"2026-01-02T03:04:05Z"}]}})";
  const auto ds = parse_dataset(text);
  REQUIRE(ds.ok());
  REQUIRE(ds->problems.size() == 1);
  CHECK(ds->problems[0] == "comments[\"13\"]: bug 13 is not in 'bugs'; skipped");
  CHECK(ds->records.at(0).comments.empty());
}

TEST_CASE("a body with room after it is read in place, one without is copied", "[bugzilla]") {
  std::string roomy = R"({"bugs":{}})";
  roomy.reserve(roomy.size() + JsonText::k_padding);
  const auto in_place = JsonText::padded(roomy);
  REQUIRE(in_place.ok());
  CHECK(in_place->data() == roomy.data());
  CHECK(in_place->view() == roomy);
  std::string tight(100, ' ');
  tight.shrink_to_fit();
  if (tight.capacity() - tight.size() < JsonText::k_padding) {
    const auto copied = JsonText::padded(tight);
    REQUIRE(copied.ok());
    CHECK(copied->data() != tight.data());
    CHECK(copied->view() == tight);
  }
}
