// Text for the HTML pages (adapters/report/html_text.h, page.h): escaping for every context the
// pages use, the characters shown as U+FFFD, clipping, which URLs become links, and the CSP.
#include <catch2/catch.hpp>

#include <string>

#include "adapters/report/html_text.h"
#include "adapters/report/page.h"

using namespace bzjira::adapters::report;

namespace {

const std::string k_fffd = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

}  // namespace

TEST_CASE("the five characters that end text or an attribute value become references", "[report]") {
  CHECK(escaped("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(escaped("\"><img src=x onerror=alert(1)>") ==
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  CHECK(escaped("it's a & b") == "it&#39;s a &amp; b");
  CHECK(escaped("</title><title>") == "&lt;/title&gt;&lt;title&gt;");
  CHECK(escaped("&amp;") == "&amp;amp;");
}

TEST_CASE("ordinary text, accents, CJK, emoji and right-to-left letters pass unchanged",
          "[report]") {
  const std::string text =
      "Zertifikat f\xC3\xBCr \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x94\x92 "
      "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D\ttab\nline";
  CHECK(escaped(text) == text);
}

TEST_CASE("bidirectional overrides and isolates are shown as the replacement character",
          "[report]") {
  // U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LEFT-TO-RIGHT ISOLATE, U+200F RIGHT-TO-LEFT MARK.
  CHECK(escaped("a\xE2\x80\xAE"
                "cba") == "a" + k_fffd + "cba");
  CHECK(escaped("\xE2\x81\xA6x\xE2\x81\xA9") == k_fffd + "x" + k_fffd);
  CHECK(escaped("\xE2\x80\x8F") == k_fffd);
  CHECK(escaped("\xD8\x9C") == k_fffd);  // U+061C ARABIC LETTER MARK
}

TEST_CASE(
    "controls, invalid UTF-8, surrogates and noncharacters are shown as the replacement "
    "character",
    "[report]") {
  CHECK(escaped(std::string("a\0b", 3)) == "a" + k_fffd + "b");
  CHECK(escaped("a\rb\x1b[31m") == "a" + k_fffd + "b" + k_fffd + "[31m");
  CHECK(escaped("\xC2\x85") == k_fffd);  // U+0085, a C1 control
  CHECK(escaped("\xFF"
                "ok") == k_fffd + "ok");                       // not UTF-8 at all
  CHECK(escaped("\xC0\xBC") == k_fffd + k_fffd);               // overlong '<': never a '<'
  CHECK(escaped("\xED\xA0\x80") == k_fffd + k_fffd + k_fffd);  // a surrogate, one per byte
  CHECK(escaped("\xE2\x82") == k_fffd + k_fffd);               // cut short
  CHECK(escaped("\xEF\xBF\xBE") == k_fffd);                    // U+FFFE
}

TEST_CASE("one_line folds white space and clips at a number of code points with an ellipsis",
          "[report]") {
  CHECK(one_line("  a \n\n b\t c  ", 100) == "a b c");
  CHECK(one_line("abcdef", 3) == "abc\xE2\x80\xA6");
  CHECK(one_line("abc", 3) == "abc");
  CHECK(one_line("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 2) == "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
  CHECK(one_line(std::string(10000, 'x'), 300).size() == 300 + 3);
  CHECK(one_line("<b>", 10) == "<b>");  // cleaned, not escaped: escaping is the writer's job
}

TEST_CASE("only plain http and https URLs become link bases", "[report]") {
  CHECK(link_base("https://bugzilla.mozilla.org") == "https://bugzilla.mozilla.org");
  CHECK(link_base("https://jira.example.com/") == "https://jira.example.com");
  CHECK(link_base("http://127.0.0.1:8080") == "http://127.0.0.1:8080");
  CHECK(link_base("https://example.com/jira") == "https://example.com/jira");
  CHECK(link_base("javascript:alert(1)").empty());
  CHECK(link_base("JavaScript://x/%0Aalert(1)").empty());
  CHECK(link_base("data:text/html,<script>").empty());
  CHECK(link_base("https://x\" onmouseover=\"y").empty());
  CHECK(link_base("https://x/<y>").empty());
  CHECK(link_base("https://").empty());
  CHECK(link_base("https:///path").empty());
  CHECK(link_base("").empty());
}

TEST_CASE("Jira keys are recognised by their shape only", "[report]") {
  CHECK(is_issue_key("CAINC-42"));
  CHECK(is_issue_key("A1_B-7"));
  CHECK_FALSE(is_issue_key("cainc-42"));
  CHECK_FALSE(is_issue_key("CAINC-"));
  CHECK_FALSE(is_issue_key("-42"));
  CHECK_FALSE(is_issue_key("1ABC-4"));
  CHECK_FALSE(is_issue_key("CA-INC-4"));
  CHECK_FALSE(is_issue_key("X-1\"><script>"));
}

TEST_CASE("numbers carry at most one decimal and no negative zero", "[report]") {
  std::string out;
  append_number(out, 12.0);
  out += ' ';
  append_number(out, 12.46);
  out += ' ';
  append_number(out, -0.04);
  out += ' ';
  append_number(out, 3.05e2);
  CHECK(out == "12 12.5 0 305");
}

TEST_CASE("the CSP hash is the base64 SHA-256 of the style sheet's bytes", "[report]") {
  // Known digests: SHA-256("") and SHA-256("abc") (FIPS 180-2 test vectors), in base64.
  CHECK(csp_hash("") == "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  CHECK(csp_hash("abc") == "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
}

TEST_CASE("the policy allows no script, no fetch and only the page's own style sheet", "[report]") {
  const std::string policy = content_security_policy("abc");
  CHECK(policy.rfind("default-src 'none';", 0) == 0);
  CHECK(policy.find("script-src 'none'") != std::string::npos);
  CHECK(policy.find("style-src 'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='") !=
        std::string::npos);
  CHECK(policy.find("base-uri 'none'") != std::string::npos);
  CHECK(policy.find("form-action 'none'") != std::string::npos);
  CHECK(policy.find("unsafe") == std::string::npos);
  CHECK(policy.find("http") == std::string::npos);
  CHECK(policy.find('*') == std::string::npos);
}

TEST_CASE("the policy is the first thing in the head, before the style sheet and the title",
          "[report]") {
  std::string out;
  PageHead head;
  head.title = "t</title><script>x</script>";
  head.generator = "bzjira 9";
  head.css = "body{color:#000}";
  append_page_start(out, head);
  append_page_end(out);
  const auto csp = out.find("<meta http-equiv=\"Content-Security-Policy\"");
  REQUIRE(csp != std::string::npos);
  CHECK(csp < out.find("<style>"));
  CHECK(csp < out.find("<title>"));
  CHECK(out.find("<meta charset=\"utf-8\">") < csp);
  CHECK(out.find(csp_hash("body{color:#000}")) != std::string::npos);
  CHECK(out.find("<style>body{color:#000}</style>") != std::string::npos);
  CHECK(out.find("<title>t&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>") !=
        std::string::npos);
  CHECK(out.find("<script") == std::string::npos);
  CHECK(out.find("http-equiv=\"refresh\"") == std::string::npos);
  head.refresh_seconds = 300;
  out.clear();
  append_page_start(out, head);
  CHECK(out.find("<meta http-equiv=\"refresh\" content=\"300\">") != std::string::npos);
}
