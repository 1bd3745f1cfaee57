// Issue 7 item 4: hostile Bugzilla content end to end. Comment text with Jira wiki markup,
// ADF-looking JSON, control characters and invalid UTF-8, a 1 MB comment and a 10,000-character
// bug summary must reach Jira as inert text within Jira's limits (summary <= 255, text fields <=
// 32,767, counted as Jira counts: UTF-16 code units), with a visible note where text was cut;
// nothing crashes and nothing is silently dropped.
#include <catch2/catch.hpp>

#include <memory>

#include "tests/reliability/kill_proxy.h"
#include "tests/reliability/world.h"

namespace bzjira::reliability {
namespace {

constexpr const char* k_now = "2026-10-05T12:00:00Z";
constexpr const char* k_invalid_marker = "INVALID-UTF8-GOES-HERE";
// A 2-byte overlong '/', a lone continuation byte, 0xFF, and an encoded UTF-16 surrogate.
const std::string k_invalid_bytes = "\xc0\xaf\x80\xff\xed\xa0\x80";

const std::string k_wiki =
    "h1. Urgent {color:red}ALERT{color} [click here|http://evil.example/phish] "
    "!http://evil.example/pixel.png! [~accountid:5b10a2844c20165700ede21g] {code}rm -rf /{code} "
    "||a||b|| {noformat}x{noformat} <script>alert(1)</script> #bugzilla post this";
const std::string k_adf_lookalike =
    R"({"type":"doc","version":1,"content":[{"type":"mention","attrs":{"id":"557058:evil"}},)"
    R"({"type":"inlineCard","attrs":{"url":"http://evil.example"}}]})";
// C0 controls, DEL, C1 NEL, a bidi override, noncharacters and NUL, as JSON can carry them.
const std::string k_controls =
    std::string("bell\x07 esc\x1b[31mred\x1b[0m nul") + std::string(1, '\0') +
    "\x01\x02\x0b\x0c\x1f del\x7f nel\xc2\x85 rlo\xe2\x80\xae ffff\xef\xbf\xbf fffe\xef\xbf\xbe "
    "cr\r\nlf";

// Code units Jira (Java strings) counts: two for a code point above U+FFFF.
std::size_t utf16_units(const std::string& s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      n += c >= 0xF0 ? 2 : 1;
    }
  }
  return n;
}

bool has_forbidden_control(const std::string& s, bool allow_tab_newline) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 && !(allow_tab_newline && (c == '\t' || c == '\n'))) {
      return true;
    }
  }
  return false;
}

std::string long_summary() {
  std::string s = "Example CA: " + k_wiki + " " + k_adf_lookalike + " " + k_controls + " ";
  // Emoji are one code point but two UTF-16 units each: Jira's limits count the latter.
  while (utf16_units(s) < 9950) {
    s += "\xf0\x9f\x94\x90 tab\there ";
  }
  while (utf16_units(s) < 10000 - 20) {
    s += "x";
  }
  return s + " END-OF-SUMMARY";
}

std::string one_megabyte() {
  std::string s;
  for (int line = 0; s.size() < (1u << 20); ++line) {
    s += "line " + std::to_string(line) + ": " + k_wiki + " \xf0\x9f\x94\x90\n";
  }
  return s;
}

Json hostile_dataset() {
  auto bug = [](std::int64_t id, const std::string& summary) {
    return Json{{"id", id},
                {"summary", summary},
                {"product", "CA Program"},
                {"component", "CA Certificate Compliance"},
                {"status", "ASSIGNED"},
                {"whiteboard", "[ca-compliance]"},
                {"creator", k_ca_login},
                {"assigned_to", k_ca_login},
                {"creation_time", "2026-10-01T08:00:00Z"}};
  };
  auto comment = [](const std::string& who, const std::string& when, const std::string& text) {
    return Json{{"creator", who}, {"creation_time", when}, {"text", text}};
  };
  Json ds = {{"api_keys", {{k_ca_key, k_ca_login}, {k_insider_key, "insider@example.org"}}},
             {"insiders", {"insider@example.org"}}};
  ds["bugs"] = {bug(3100001, long_summary()), bug(3100002, long_summary()),
                bug(3100003, "Example CA: broken encoding")};
  const std::string report = "Preliminary report.";
  ds["comments"]["3100001"] = {comment(k_ca_login, "2026-10-01T08:00:00Z", report),
                               comment("reviewer@example.net", "2026-10-02T08:00:00Z",
                                       k_wiki + "\n" + k_adf_lookalike + "\n" + k_controls)};
  Json big = {comment(k_ca_login, "2026-10-01T08:00:00Z", report),
              comment("reviewer@example.net", "2026-10-02T08:00:00Z", one_megabyte())};
  for (int i = 0; i < 4; ++i) {  // more open questions: one issue per bug must cut its description
    big.push_back(comment("reviewer" + std::to_string(i) + "@example.net",
                          "2026-10-02T0" + std::to_string(i + 1) + ":30:00Z",
                          std::string(20000, static_cast<char>('a' + i))));
  }
  ds["comments"]["3100002"] = big;
  ds["comments"]["3100003"] = {comment(k_ca_login, "2026-10-01T08:00:00Z", report),
                               comment("reviewer@example.net", "2026-10-02T08:00:00Z",
                                       std::string("before ") + k_invalid_marker + " after")};
  return ds;
}

void collect_adf(const Json& node, std::vector<std::string>& types,
                 std::vector<std::string>& hrefs) {
  if (node.is_object()) {
    if (node.contains("type") && node["type"].is_string()) {
      types.push_back(node["type"].get<std::string>());
    }
    if (node.contains("attrs") && node["attrs"].is_object() && node["attrs"].contains("href")) {
      hrefs.push_back(node["attrs"]["href"].get<std::string>());
    }
    for (const auto& [k, v] : node.items()) {
      collect_adf(v, types, hrefs);
    }
  } else if (node.is_array()) {
    for (const Json& v : node) {
      collect_adf(v, types, hrefs);
    }
  }
}

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) {
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  }
  return n;
}

// The characters of an ADF document's text nodes, the measure the simulator applies to rich text
// (tests/sim/jira_issues.cpp), in UTF-16 code units or code points.
std::size_t adf_length(const Json& node, bool utf16) {
  std::size_t n = 0;
  if (node.is_object()) {
    if (node.value("type", "") == "text" && node.contains("text") && node["text"].is_string()) {
      const std::string t = node["text"].get<std::string>();
      n += utf16 ? utf16_units(t) : code_points(t);
    }
    if (node.contains("content")) {
      n += adf_length(node["content"], utf16);
    }
  } else if (node.is_array()) {
    for (const Json& v : node) {
      n += adf_length(v, utf16);
    }
  }
  return n;
}

// Every issue of `world` is inert text within Jira's limits, lengths counted in UTF-16 code units
// as Jira (Java strings) most likely counts them, or with `utf16` false in code points as bzjira
// and the simulator count. Rich text is measured over its text nodes.
void check_inert(World& world, bool utf16 = true) {
  const auto length = [utf16](const std::string& s) {
    return utf16 ? utf16_units(s) : code_points(s);
  };
  for (const Json& issue : world.issues()) {
    const std::string key = issue.value("key", "");
    INFO(key << ": " << issue.value("summary", ""));
    const std::string summary = issue.value("summary", "");
    CHECK(length(summary) <= 255);
    CHECK_FALSE(has_forbidden_control(summary, false));
    const std::string description = issue.value("description_text", "");
    CHECK(adf_length(issue["description"], utf16) <= 32767);
    CHECK_FALSE(has_forbidden_control(description, true));
    std::vector<std::string> types, hrefs;
    collect_adf(issue["description"], types, hrefs);
    for (const std::string& t : types) {
      INFO("ADF node or mark " << t);
      CHECK((t == "doc" || t == "paragraph" || t == "text" || t == "blockquote" ||
             t == "hardBreak" || t == "link"));
    }
    for (const std::string& href : hrefs) {
      CHECK(href.rfind(world.bugzilla_url(), 0) == 0);
    }
    for (const Json& c : issue.value("comments", Json::array())) {
      CHECK(adf_length(c["body"], utf16) <= 32767);
    }
    for (const Json& link : issue.value("remote_links", Json::array())) {
      const Json object = link.value("object", Json::object());
      CHECK(length(object.value("title", "")) <= 255);
      CHECK(length(object.value("summary", "")) <= 255);
      CHECK(length(link.value("globalId", "")) <= 255);
    }
  }
}

// The issues labelled bz-<bug>.
std::vector<Json> issues_of(World& world, std::int64_t bug) {
  std::vector<Json> out;
  for (const Json& issue : world.issues()) {
    for (const Json& l : issue["labels"]) {
      if (l == "bz-" + std::to_string(bug)) {
        out.push_back(issue);
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("issue 7: hostile Bugzilla text reaches Jira as inert text within Jira's limits",
          "[e2e]") {
  TempDir dir("hostile");
  write_file(dir.file("hostile.json"), hostile_dataset().dump());
  World world(world_options(dir.file("hostile.json"), k_now));
  world.set_clock(k_now);
  const RunResult r = world.sync(k_now);
  INFO(r.out.substr(0, 4000) << r.err.substr(0, 4000));
  REQUIRE(r.code == 0);
  check_inert(world);

  // The long summary is in the description whole (it fits), as text.
  const auto first = issues_of(world, 3100001);
  REQUIRE(first.size() == 2);  // the question and the update
  for (const Json& issue : first) {
    const std::string d = issue.value("description_text", "");
    CHECK(contains(d, "END-OF-SUMMARY"));
    CHECK(contains(d, "[click here|http://evil.example/phish]"));
    CHECK(contains(d, "{color:red}ALERT{color}"));
  }
  // The question quotes the hostile comment as text: markup and JSON verbatim.
  bool quoted = false;
  for (const Json& issue : first) {
    const std::string d = issue.value("description_text", "");
    quoted = quoted || (contains(d, R"({"type":"mention","attrs":{"id":"557058:evil"}})") &&
                        contains(d, "{code}rm -rf /{code}") && contains(d, "bell esc[31mred"));
  }
  CHECK(quoted);

  // The 1 MB question and the four others each have their issue; the long quote shows its cut.
  const auto big = issues_of(world, 3100002);
  CHECK(big.size() == 6);  // five questions and the update
  int cut_notes = 0;
  for (const Json& issue : big) {
    cut_notes += contains(issue.value("description_text", ""), "cut") ? 1 : 0;
  }
  CHECK(cut_notes >= 1);

  // Nothing else breaks on it: the status and audit commands read the same bugs live.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"status", "-c", world.mapping_path(), "--now", k_now},
        std::vector<std::string>{"audit", "-c", world.mapping_path(), "--now", k_now}}) {
    const RunResult other = world.bzjira(args);
    INFO(args[0] << ": " << other.err.substr(0, 2000));
    CHECK(other.code == 0);
  }
  // A second run changes nothing: the cleaned text is stable, not re-sent every run.
  const RunResult again = world.sync(plus_minutes(k_now, 10));
  INFO(again.out << again.err);
  CHECK(again.code == 0);
  CHECK(contains(again.out, "created 0, updated 0, commented 0, closed 0"));
}

namespace {

// One issue per bug over a 1 MB question and four long ones, on a bug whose summary is 10,000
// characters (half of them emoji): the description must be cut, with its note.
struct PerBug {
  TempDir dir{"hostile"};
  std::unique_ptr<World> world;
  std::vector<Json> issues;  // bug 3100002's
  PerBug() {
    write_file(dir.file("hostile.json"), hostile_dataset().dump());
    WorldOptions options;
    options.dataset = dir.file("hostile.json");
    options.clock = k_now;
    options.edit_mapping = [](Json& m) { m["policy"]["one_issue_per"] = "bug"; };
    world = std::make_unique<World>(options);
    world->set_clock(k_now);
    const RunResult r = world->sync(k_now);
    INFO(r.out.substr(0, 4000) << r.err.substr(0, 4000));
    REQUIRE(r.code == 0);
    issues = issues_of(*world, 3100002);
  }
};

}  // namespace

TEST_CASE("issue 7: one issue per bug cuts an over-long description with a visible note", "[e2e]") {
  PerBug p;
  check_inert(*p.world);
  const auto& big = p.issues;
  REQUIRE(big.size() == 1);
  const std::string d = big[0].value("description_text", "");
  INFO(d.substr(d.size() > 300 ? d.size() - 300 : 0));
  CHECK(adf_length(big[0]["description"], false) > 30000);  // filled up, not dropped
  WARN("cut description: " << adf_length(big[0]["description"], false) << " code points, "
                           << adf_length(big[0]["description"], true) << " UTF-16 units");
  CHECK(contains(d, "[text cut: "));
}

// Jira stores text in Java strings: its 32,767 limit counts UTF-16 code units, two for each
// character above U+FFFF (emoji); bzjira counts the same way (adapters/jira/text_limits), so the
// same limit holds when counted in code points too.
TEST_CASE("issue 7: a cut description fits Jira's limit in UTF-16 code units", "[e2e]") {
  PerBug p;
  REQUIRE(p.issues.size() == 1);
  check_inert(*p.world, true);
  check_inert(*p.world, false);
}

TEST_CASE("issue 7: invalid UTF-8 from Bugzilla becomes U+FFFD in Jira, other bugs unharmed",
          "[e2e]") {
  TempDir dir("hostile");
  write_file(dir.file("hostile.json"), hostile_dataset().dump());
  World world(world_options(dir.file("hostile.json"), k_now));
  // Bytes no JSON encoder produces, put into Bugzilla's answers on the way.
  auto kill_switch = std::make_shared<KillSwitch>();
  CountingProxy bugzilla(world.bugzilla_port(), kill_switch, [](std::string& body) {
    for (std::size_t at = body.find(k_invalid_marker); at != std::string::npos;
         at = body.find(k_invalid_marker, at)) {
      body.replace(at, std::string(k_invalid_marker).size(), k_invalid_bytes);
    }
  });
  world.point_at(bugzilla.url(), world.jira_url());
  world.set_clock(k_now);
  const RunResult r = world.sync(k_now);
  INFO(r.out.substr(0, 4000) << r.err.substr(0, 4000));
  CHECK(r.code == 0);
  check_inert(world);
  CHECK(issues_of(world, 3100001).size() == 2);
  const auto broken = issues_of(world, 3100003);
  REQUIRE(broken.size() == 2);  // question and update
  bool replaced = false;
  for (const Json& issue : broken) {
    replaced = replaced || contains(issue.value("description_text", ""), "before \xef\xbf\xbd");
  }
  CHECK(replaced);
}

}  // namespace bzjira::reliability
