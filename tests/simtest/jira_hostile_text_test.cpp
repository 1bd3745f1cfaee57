// Hostile Bugzilla text reaches Jira as plain text in both flavours: what the simulator stores
// reads back as exactly the input (Cloud: ADF text; Data Center: wiki text whose escapes Jira
// displays as the characters), cut at 32,767 characters with the visible note.
#include <catch2/catch.hpp>

#include "tests/simtest/jira_test_support.h"

using namespace bzjira;  // sync:: (an alias named sync would clash with ::sync())
using bzjira::testing::JiraWorld;
using bzjira::testing::make_draft;
using nlohmann::json;

namespace {

// What Jira's wiki renderer displays for escaped text: "\X" shows X, "&#92;" a backslash,
// "&amp;" an ampersand.
std::string displayed(const std::string& wiki) {
  std::string out;
  for (std::size_t i = 0; i < wiki.size(); ++i) {
    if (wiki[i] == '\\' && i + 1 < wiki.size()) {
      out += wiki[++i];
    } else if (wiki.compare(i, 5, "&#92;") == 0) {
      out += '\\';
      i += 4;
    } else if (wiki.compare(i, 5, "&amp;") == 0) {
      out += '&';
      i += 4;
    } else {
      out += wiki[i];
    }
  }
  return out;
}

const char* const k_hostile[] = {
    "h1. Not a heading\n*bold* _italic_ -strike- +ins+ ^sup^ ~sub~ ??cite?? {{mono}}\n"
    "[a link|http://evil.example] !image.png! ||head|| |cell| [~admin] (y) (x) :) :P ;)\n"
    "# numbered\n* bullet\n- dash\nbq. quote\n----\nline\\\\break C:\\temp\\new &amp; &#92; &copy;",
    "{noformat}\nraw {code:java}x{code} {panel}p{panel} {color:red}c{color}\n{noformat}",
    R"J({"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"injected","marks":[{"type":"link","attrs":{"href":"javascript:alert(1)"}}]}]}]})J",
    "Emoji \xF0\x9F\x94\xA5\xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD and right-to-left: "
    "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD8\xB9\xD8\xA7\xD9\x84\xD9\x85 \xE2\x80\xAE"
    "evil"
    "\xE2\x80\xAC end",
    "<script>alert('x')</script> &lt;b&gt; %s %n {{{}}}",
};

std::string stored_text(const std::string& flavor, const json& issue) {
  if (flavor == "cloud") {
    CHECK(issue["description_format"] == "adf");
    return issue["description_text"].get<std::string>();
  }
  CHECK(issue["description_format"] == "wiki");
  return displayed(issue["description"].get<std::string>());
}

}  // namespace

TEST_CASE("hostile Bugzilla text is stored as plain text, never as markup", "[jira][sim]") {
  const std::string flavor = GENERATE(as<std::string>{}, "cloud", "datacenter");
  JiraWorld w(flavor);
  std::vector<sync::IssueDraft> drafts;
  for (const char* text : k_hostile) {
    drafts.push_back(make_draft(static_cast<int>(drafts.size()) + 1, text));
  }
  const auto created = w.client->create_issues(drafts);
  REQUIRE(created.size() == drafts.size());
  for (std::size_t i = 0; i < drafts.size(); ++i) {
    INFO("text #" << i);
    REQUIRE(created[i].ok());
    const json issue = w.issue(created[i]->key);
    CHECK(stored_text(flavor, issue) == k_hostile[i]);
    if (flavor == "cloud") {
      // Every node of the stored document is a paragraph, text or hardBreak: no markup.
      for (const json& block : issue["description"]["content"]) {
        CHECK(block["type"] == "paragraph");
        for (const json& node : block["content"]) {
          CHECK((node["type"] == "text" || node["type"] == "hardBreak"));
          CHECK_FALSE(node.contains("marks"));
        }
      }
    }
  }
}

TEST_CASE("hostile comments arrive as plain text too", "[jira][sim]") {
  const std::string flavor = GENERATE(as<std::string>{}, "cloud", "datacenter");
  JiraWorld w(flavor);
  REQUIRE(w.client->create_issues({make_draft(1)})[0].ok());
  REQUIRE(w.client->add_comment("CAINC-1", {sync::paragraph(k_hostile[1])}).ok());
  const json comment = w.issue("CAINC-1")["comments"][0];
  const std::string text = flavor == "cloud" ? comment["body_text"].get<std::string>()
                                             : displayed(comment["body"].get<std::string>());
  CHECK(text == k_hostile[1]);
}

TEST_CASE("100 KB of text is cut to 32,767 characters with a note saying how much is missing",
          "[jira][sim]") {
  const std::string flavor = GENERATE(as<std::string>{}, "cloud", "datacenter");
  JiraWorld w(flavor);
  std::string big;
  while (big.size() < 102400) {
    big += "abcdefghij";
  }
  // Cloud counts the text nodes: the note for a five-digit N has 38 characters, so 32,767 - 38 =
  // 32,729 characters of text remain and 102,400 - 32,729 = 69,671 are left out.
  // Data Center stores the wiki string itself: the blank line before the note (2) and the note's
  // escaped brackets (40) leave 32,725 characters, so 69,675 are left out. Letters need no escapes.
  const std::string expected =
      flavor == "cloud" ? big.substr(0, 32729) + "\n\n[text cut: 69671 characters not shown]"
                        : big.substr(0, 32725) + "\n\n[text cut: 69675 characters not shown]";
  REQUIRE(w.client->create_issues({make_draft(1, big)})[0].ok());
  const json issue = w.issue("CAINC-1");
  const std::string text = stored_text(flavor, issue);
  CHECK(text == expected);

  REQUIRE(w.client->add_comment("CAINC-1", {sync::paragraph(big)}).ok());
  const json comment = w.issue("CAINC-1")["comments"][0];
  CHECK((flavor == "cloud" ? comment["body_text"].get<std::string>()
                           : displayed(comment["body"].get<std::string>())) == expected);
}

TEST_CASE("summaries lose line breaks and are cut to 254 characters, bad UTF-8 is replaced",
          "[jira][sim]") {
  const std::string flavor = GENERATE(as<std::string>{}, "cloud", "datacenter");
  JiraWorld w(flavor);
  sync::IssueDraft d = make_draft(1, "broken \xC3\x28 byte");
  // 10 + 1 + 300 emoji: the summary keeps "first line", a space and 121 emoji, each two UTF-16
  // code units in Jira (11 + 242 = 253; a 122nd would make 255).
  d.summary = "first line\n";
  for (int i = 0; i < 300; ++i) {
    d.summary += "\xF0\x9F\x94\xA5";
  }
  REQUIRE(w.client->create_issues({d})[0].ok());
  const json issue = w.issue("CAINC-1");
  std::string expected = "first line ";
  for (int i = 0; i < 121; ++i) {
    expected += "\xF0\x9F\x94\xA5";
  }
  CHECK(issue["summary"] == expected);
  CHECK(stored_text(flavor, issue) == "broken \xEF\xBF\xBD( byte");
}
