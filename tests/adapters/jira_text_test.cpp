// UTF-8 hygiene and Jira's length limits (adapters/jira/text_limits.h).
#include <catch2/catch.hpp>

#include "adapters/jira/text_limits.h"

using namespace bzjira::adapters::jira;
using bzjira::sync::Block;
using bzjira::sync::BlockKind;
using bzjira::sync::RichText;
using bzjira::sync::Span;

namespace {
const std::string k_fffd = "\xEF\xBF\xBD";

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += s;
  }
  return out;
}
}  // namespace

TEST_CASE("valid UTF-8 passes through unchanged, emoji and right-to-left text included", "[jira]") {
  const std::string text = "caf\xC3\xA9 \xF0\x9F\x94\xA5 \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D";
  CHECK(sanitize_utf8(text) == text);
}

TEST_CASE("each byte that is not well-formed UTF-8 becomes one U+FFFD", "[jira]") {
  CHECK(sanitize_utf8("a\xFF"
                      "b") == "a" + k_fffd + "b");
  // Overlong encoding of '/' (C0 AF): both bytes are invalid.
  CHECK(sanitize_utf8("\xC0\xAF") == k_fffd + k_fffd);
  // A UTF-16 surrogate encoded in UTF-8 (ED A0 80) is not allowed.
  CHECK(sanitize_utf8("\xED\xA0\x80") == k_fffd + k_fffd + k_fffd);
  // A sequence cut short at the end of the text.
  CHECK(sanitize_utf8("x\xE2\x82") == "x" + k_fffd + k_fffd);
  // Above U+10FFFF (F4 90 80 80).
  CHECK(sanitize_utf8("\xF4\x90\x80\x80") == repeat(k_fffd, 4));
}

TEST_CASE("clean_text turns CR LF and lone CR into LF and drops control characters", "[jira]") {
  CHECK(clean_text("a\r\nb\rc\nd") == "a\nb\nc\nd");
  CHECK(clean_text(std::string("t\ta\x01\x1b[31mb\0c", 12)) == "t\ta[31mbc");
  // U+FFFE and U+FFFF are dropped (not allowed in XML).
  CHECK(clean_text("x\xEF\xBF\xBEy\xEF\xBF\xBFz") == "xyz");
}

TEST_CASE("a summary is one line of at most 254 code points, cut on a character boundary",
          "[jira]") {
  CHECK(clean_summary("line one\nline two\ttab") == "line one line two tab");
  // 300 two-byte characters: 254 remain, 508 bytes.
  const std::string accented = repeat("\xC3\xA9", 300);
  const std::string cut = clean_summary(accented);
  CHECK(count_chars(cut) == 254);
  CHECK(cut == repeat("\xC3\xA9", 254));
  // 252 ASCII characters then a 4-byte emoji (2 UTF-16 units in Jira) then more: the emoji is
  // units 253 and 254 and stays whole; the rest is cut.
  const std::string mixed = std::string(252, 'a') + "\xF0\x9F\x98\x80" + "tail";
  CHECK(clean_summary(mixed) == std::string(252, 'a') + "\xF0\x9F\x98\x80");
  // One more ASCII character: the emoji would need units 254 and 255, so it is cut whole, never
  // split into half a surrogate pair.
  const std::string over = std::string(253, 'a') + "\xF0\x9F\x98\x80" + "tail";
  CHECK(clean_summary(over) == std::string(253, 'a'));
  CHECK(clean_summary("short") == "short");
}

TEST_CASE("count_chars counts as Java does (UTF-16 code units), not bytes", "[jira]") {
  CHECK(count_chars("") == 0);
  CHECK(count_chars("abc") == 3);
  // U+1F525 is a surrogate pair in Java (2), U+00E9 one unit, U+20AC (3 bytes) one unit.
  CHECK(count_chars("\xF0\x9F\x94\xA5\xC3\xA9") == 3);
  CHECK(count_chars("\xE2\x82\xAC") == 1);
  CHECK(prefix_chars("\xF0\x9F\x94\xA5\xC3\xA9z", 3) == "\xF0\x9F\x94\xA5\xC3\xA9");
  CHECK(prefix_chars("\xF0\x9F\x94\xA5\xC3\xA9z", 1).empty());  // never half a pair
  CHECK(prefix_chars("\xF0\x9F\x94\xA5\xC3\xA9z", 2) == "\xF0\x9F\x94\xA5");
}

TEST_CASE("the cut note names the number of characters left out", "[jira]") {
  CHECK(cut_note(12) == "[text cut: 12 characters not shown]");
}

TEST_CASE("cut_rich_text keeps text in document order and drops what follows", "[jira]") {
  const RichText doc = {
      Block{BlockKind::paragraph, {Span{"hello ", ""}, Span{"world", "https://x"}}},
      Block{BlockKind::quote, {Span{"quoted", ""}}}};
  const RichText cut = cut_rich_text(doc, 8);
  REQUIRE(cut.size() == 1);
  REQUIRE(cut[0].spans.size() == 2);
  CHECK(cut[0].spans[0].text == "hello ");
  CHECK(cut[0].spans[1].text == "wo");
  CHECK(cut[0].spans[1].href == "https://x");
  CHECK(count_rich_text_chars(doc) == 17);
}

TEST_CASE("fit_rich_text leaves a short text alone and cuts a long one with a note", "[jira]") {
  const auto measure = [](const RichText& d) { return count_rich_text_chars(d); };
  const RichText small = {bzjira::sync::paragraph("short")};
  CHECK(fit_rich_text(small, 100, measure).size() == 1);

  // 200 characters into 100: the note "[text cut: N characters not shown]" with a 3-digit N has
  // 36 characters, so 64 characters of text remain and N = 200 - 64 = 136.
  const RichText big = {bzjira::sync::paragraph(std::string(200, 'x'))};
  const RichText fitted = fit_rich_text(big, 100, measure);
  REQUIRE(fitted.size() == 2);
  CHECK(fitted[0].spans[0].text == std::string(64, 'x'));
  CHECK(fitted[1].spans[0].text == "[text cut: 136 characters not shown]");
  CHECK(count_rich_text_chars(fitted) == 100);
}
