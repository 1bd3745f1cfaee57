// Rich text to ADF and back (adapters/jira/adf.h): Bugzilla text is only ever text nodes.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "adapters/jira/adf.h"
#include "tests/support/paths.h"

using namespace bzjira::adapters::jira;
using bzjira::sync::Block;
using bzjira::sync::BlockKind;
using bzjira::sync::RichText;
using bzjira::sync::Span;
using nlohmann::json;

namespace {
json load_examples() {
  std::ifstream in(bzjira::test_support::test_data_dir() +
                   "/samples/jira/jira_cloud_examples_from_openapi.json");
  return json::parse(in)["examples"];
}
}  // namespace

TEST_CASE("a paragraph becomes one text node holding the exact text, markup characters included",
          "[jira]") {
  const std::string hostile =
      "*bold* _it_ {noformat}x{noformat} [link|http://evil] !img.png! {\"type\":\"doc\"}";
  const json adf = to_adf({bzjira::sync::paragraph(hostile)});
  const json expected = {
      {"type", "doc"},
      {"version", 1},
      {"content", {{{"type", "paragraph"}, {"content", {{{"type", "text"}, {"text", hostile}}}}}}}};
  CHECK(adf == expected);
}

TEST_CASE("line feeds inside a span become hardBreak nodes and no text node is empty", "[jira]") {
  const json adf = to_adf({bzjira::sync::paragraph("a\n\nb\n")});
  const json expected = json::array({{{"type", "text"}, {"text", "a"}},
                                     {{"type", "hardBreak"}},
                                     {{"type", "hardBreak"}},
                                     {{"type", "text"}, {"text", "b"}},
                                     {{"type", "hardBreak"}}});
  CHECK(adf["content"][0]["content"] == expected);
}

TEST_CASE("a web link span carries a link mark, any other href stays visible text", "[jira]") {
  const RichText doc = {Block{BlockKind::paragraph,
                              {Span{"bug 1", "https://bugzilla.mozilla.org/show_bug.cgi?id=1"},
                               Span{" js", "javascript:alert(1)"}}}};
  const json content = to_adf(doc)["content"][0]["content"];
  REQUIRE(content.size() == 2);
  CHECK(content[0]["text"] == "bug 1");
  CHECK(content[0]["marks"] ==
        json::array({{{"type", "link"},
                      {"attrs", {{"href", "https://bugzilla.mozilla.org/show_bug.cgi?id=1"}}}}}));
  CHECK(content[1] == json({{"type", "text"}, {"text", " js <javascript:alert(1)>"}}));
}

TEST_CASE("a quote block becomes a blockquote holding a paragraph", "[jira]") {
  const RichText doc = {Block{BlockKind::quote, {Span{"they said", ""}}},
                        Block{BlockKind::quote, {}}};
  const json adf = to_adf(doc);
  REQUIRE(adf["content"].size() == 1);  // the empty quote is left out (invalid ADF)
  CHECK(adf["content"][0]["type"] == "blockquote");
  CHECK(adf["content"][0]["content"][0]["type"] == "paragraph");
  CHECK(adf["content"][0]["content"][0]["content"][0]["text"] == "they said");
}

TEST_CASE("100 KB of text is cut to 32,767 characters including the visible note", "[jira]") {
  const json adf = to_adf_limited({bzjira::sync::paragraph(std::string(100000, 'a'))});
  // Note for N = 67271 has 38 characters, so 32767 - 38 = 32729 text characters remain and
  // 100000 - 32729 = 67271 are not shown.
  REQUIRE(adf["content"].size() == 2);
  CHECK(adf["content"][0]["content"][0]["text"] == std::string(32729, 'a'));
  CHECK(adf["content"][1]["content"][0]["text"] == "[text cut: 67271 characters not shown]");
  CHECK(adf_text_chars(adf) == 32767);
}

TEST_CASE("invalid UTF-8 in the input is replaced so the JSON stays valid", "[jira]") {
  const json adf = to_adf_limited({bzjira::sync::paragraph("ok \xFF\xFE end")});
  CHECK(adf["content"][0]["content"][0]["text"] == "ok \xEF\xBF\xBD\xEF\xBF\xBD end");
  CHECK_NOTHROW(adf.dump());
}

TEST_CASE("ADF flattens to text: paragraphs split by a blank line, hardBreak as a line feed",
          "[jira]") {
  const json adf = json::parse(R"({"type":"doc","version":1,"content":[
    {"type":"paragraph","content":[{"type":"text","text":"Hi "},
      {"type":"mention","attrs":{"id":"abc","text":"@Ann"}},{"type":"hardBreak"},
      {"type":"text","text":"see"},{"type":"text","text":" here",
       "marks":[{"type":"link","attrs":{"href":"https://x.test/"}}]},
      {"type":"emoji","attrs":{"shortName":":smile:","text":"😄"}}]},
    {"type":"bulletList","content":[
      {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]}]},
      {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"two"}]}]}]},
    {"type":"codeBlock","content":[{"type":"text","text":"x = 1"}]}]})");
  CHECK(adf_to_plain_text(adf) == "Hi @Ann\nsee here <https://x.test/>😄\n\n- one\n- two\n\nx = 1");
}

TEST_CASE("the spec's comment example flattens to its text", "[jira]") {
  const json examples = load_examples();
  const json body = examples["POST /rest/api/3/issue/{key}/comment 201"]["body"];
  CHECK(adf_to_plain_text(body).rfind("Lorem ipsum dolor sit amet", 0) == 0);
  CHECK(adf_to_plain_text(body).find("augue semper.") != std::string::npos);
}

TEST_CASE("flattening tolerates any JSON and returns v2 strings as they are", "[jira]") {
  CHECK(adf_to_plain_text(json("plain wiki *text*")) == "plain wiki *text*");
  CHECK(adf_to_plain_text(json(42)).empty());
  CHECK(adf_to_plain_text(json::parse(R"({"type":7,"content":"x"})")).empty());
  CHECK(
      adf_to_plain_text(json::parse(R"({"content":[{"type":"text","text":5},null,[1]]})")).empty());
  // Deep nesting does not exhaust the stack.
  std::string deep_text;
  for (int i = 0; i < 10000; ++i) {
    deep_text += R"({"type":"blockquote","content":[)";
  }
  deep_text += R"({"type":"text","text":"bottom"})";
  for (int i = 0; i < 10000; ++i) {
    deep_text += "]}";
  }
  const json deep = json::parse(deep_text);
  CHECK(adf_to_plain_text(deep).empty());  // beyond the depth limit nothing is read
}
