// Rich text to escaped Jira wiki markup (adapters/jira/wiki.h), for REST v2 / Data Center.
#include <catch2/catch.hpp>

#include "adapters/jira/wiki.h"

using namespace bzjira::adapters::jira;
using bzjira::sync::Block;
using bzjira::sync::BlockKind;
using bzjira::sync::RichText;
using bzjira::sync::Span;

TEST_CASE("every wiki markup character is escaped with a backslash", "[jira]") {
  CHECK(escape_wiki("*bold*") == "\\*bold\\*");
  CHECK(escape_wiki("_it_ -del- +ins+ ^sup^ ~sub~") ==
        "\\_it\\_ \\-del\\- \\+ins\\+ \\^sup\\^ \\~sub\\~");
  CHECK(escape_wiki("??cite??") == "\\?\\?cite\\?\\?");
  CHECK(escape_wiki("{noformat}x{noformat}") == "\\{noformat\\}x\\{noformat\\}");
  CHECK(escape_wiki("{{mono}}") == "\\{\\{mono\\}\\}");
  CHECK(escape_wiki("[a|http://b]") == "\\[a\\|http://b\\]");
  CHECK(escape_wiki("!img.png!") == "\\!img.png\\!");
  CHECK(escape_wiki("# item") == "\\# item");
  CHECK(escape_wiki("(y) (i)") == "\\(y\\) \\(i\\)");
  CHECK(escape_wiki("----") == "\\-\\-\\-\\-");
}

TEST_CASE("emoticons made of a colon and a letter are broken up", "[jira]") {
  CHECK(escape_wiki(":P :D :) ok: yes") == "\\:P \\:D :\\) ok: yes");
}

TEST_CASE("heading and quote markers are escaped only at the start of a line", "[jira]") {
  CHECK(escape_wiki("h1. Title") == "h1\\. Title");
  CHECK(escape_wiki("text\n  bq. quote") == "text\n  bq\\. quote");
  CHECK(escape_wiki("see h1. here") == "see h1. here");
  CHECK(escape_wiki("h7. no") == "h7. no");
}

TEST_CASE("a backslash becomes an entity because Jira reads two backslashes as a line break",
          "[jira]") {
  CHECK(escape_wiki("C:\\temp \\\\ end") == "C:&#92;temp &#92;&#92; end");
}

TEST_CASE("an ampersand is escaped only where Jira would read an entity", "[jira]") {
  CHECK(escape_wiki("A & B &amp; &#92; &x") == "A & B &amp;amp; &amp;\\#92; &x");
}

TEST_CASE("line feeds and ordinary text are kept", "[jira]") {
  const std::string rtl = "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xF0\x9F\x94\xA5";
  CHECK(escape_wiki("one\ntwo\n\nthree " + rtl) == "one\ntwo\n\nthree " + rtl);
}

TEST_CASE(
    "blocks are separated by a blank line, quotes use {quote}, links use text|url in brackets",
    "[jira]") {
  const RichText doc = {
      Block{BlockKind::paragraph,
            {Span{"See ", ""}, Span{"bug [1]", "https://b.test/show_bug.cgi?id=1|x"}}},
      Block{BlockKind::quote, {Span{"*quoted*", ""}}},
      Block{BlockKind::paragraph, {Span{"file", "file:///etc/passwd"}}}};
  CHECK(to_wiki(doc) ==
        "See [bug \\[1\\]|https://b.test/show_bug.cgi?id=1%7Cx]\n\n"
        "{quote}\n\\*quoted\\*\n{quote}\n\n"
        "file <file:///etc/passwd>");
}

TEST_CASE("long wiki text is cut so that the escaped result fits in 32,767 characters", "[jira]") {
  // Every '*' doubles when escaped: 40,000 of them render to 80,000 characters.
  const std::string rendered = to_wiki_limited({bzjira::sync::paragraph(std::string(40000, '*'))});
  const std::size_t n = count_chars(rendered);
  CHECK(n <= k_text_max_chars);
  CHECK(n > k_text_max_chars - 2);  // nothing wasted beyond one odd character
  // The note is the last paragraph, itself escaped; N = 40000 - kept stars.
  const std::size_t note_at = rendered.rfind("\n\n");
  REQUIRE(note_at != std::string::npos);
  const std::string body = rendered.substr(0, note_at);
  const std::size_t kept = body.size() / 2;
  std::string expected_body;
  for (std::size_t i = 0; i < kept; ++i) {
    expected_body += "\\*";
  }
  CHECK(body == expected_body);
  CHECK(rendered.substr(note_at + 2) ==
        "\\[text cut: " + std::to_string(40000 - kept) + " characters not shown\\]");
}
