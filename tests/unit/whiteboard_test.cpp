// Status Whiteboard parsing (docs/rules.md#whiteboard,
// docs/bugzilla-api.md#ca-program-conventions).
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "sync/whiteboard.h"
#include "tests/support/paths.h"

using namespace bzjira::sync;

namespace {

std::string show(const std::optional<Date>& d) { return d ? format_date(*d) : "-"; }

}  // namespace

TEST_CASE("Whiteboard markers are found wherever and however they are written", "[rules]") {
  struct Case {
    const char* whiteboard;
    const char* next_update;  // "-" = none
    bool malformed;
    bool revocation_delay;
    const char* close_on;
  };
  const Case cases[] = {
      {"[ca-compliance] [ov-misissuance] Next update 2026-10-31", "2026-10-31", false, false, "-"},
      {"Next update 2026-10-15 [ca-compliance] [policy-failure]", "2026-10-15", false, false, "-"},
      {"Next update 2026-11-20 [ca-compliance] [policy-failure] ", "2026-11-20", false, false, "-"},
      {"[ca-compliance] NEXT UPDATE: 2026-10-15", "2026-10-15", false, false, "-"},
      {"[ca-compliance] next update:2026-10-15", "2026-10-15", false, false, "-"},
      {"[ca-compliance] Lockdown - Next Update 2020-05-01", "2020-05-01", false, false, "-"},
      // Issue 11 point 6: runs of whitespace between the words.
      {"[ca-compliance] Next  update 2026-10-15", "2026-10-15", false, false, "-"},
      {"[ca-compliance] Next\tupdate: 2026-10-15", "2026-10-15", false, false, "-"},
      {"next \t  UPDATE   2026-10-15 [ca-compliance]", "2026-10-15", false, false, "-"},
      {"[ca-compliance] Nextupdate 2026-10-15", "-", false, false, "-"},
      {"[ca-compliance] next-update 2026-10-15", "-", false, false, "-"},
      {"Next  update TBD", "-", true, false, "-"},
      {"Next update 2026-13-45", "-", true, false, "-"},
      {"Next update 2026-02-30 [ca-compliance]", "-", true, false, "-"},
      {"[ca-compliance] Next update TBD", "-", true, false, "-"},
      {"[ca-compliance] Next update", "-", true, false, "-"},
      {"Next update TBD, Next update 2026-10-01", "2026-10-01", false, false, "-"},
      {"[ca-compliance] [leaf-revocation-delay]", "-", false, true, "-"},
      {"[ca-compliance] [ca-revocation-delay] Next update 2026-10-07", "2026-10-07", false, true,
       "-"},
      {"[close on 2026-10-09] [ca-compliance] [crl-failure]", "-", false, false, "2026-10-09"},
      {"[close as INVALID on 2026-10-02] [ca-compliance]", "-", false, false, "2026-10-02"},
      {"[ca-compliance] [Close On 2026-10-09]", "-", false, false, "2026-10-09"},
      {"[close on 2026-10-45] [ca-compliance]", "-", false, false, "-"},
      {"[close on soon] [closed] [close as on 2026-10-09]", "-", false, false, "-"},
      {"[ca-compliance] [policy-failure]", "-", false, false, "-"},
      {"", "-", false, false, "-"},
      {"[unterminated close on 2026-10-09", "-", false, false, "-"},
  };
  for (const Case& c : cases) {
    INFO("whiteboard: \"" << c.whiteboard << "\"");
    const WhiteboardInfo info = parse_whiteboard(c.whiteboard);
    CHECK(show(info.next_update) == c.next_update);
    CHECK(info.next_update_malformed == c.malformed);
    CHECK(info.revocation_delay == c.revocation_delay);
    CHECK(show(info.close_on) == c.close_on);
  }
}

namespace {

// The [id, "whiteboard"] pairs of the sample, one per line. A std-only reader: the core's tests
// link nothing but the core, and the sample's strings hold no escapes.
std::vector<std::pair<long, std::string>> read_sample_values() {
  std::ifstream in(bzjira::test_support::test_data_dir() +
                   "/samples/bugzilla/bmo_whiteboard_values_2026-10.json");
  REQUIRE(in.good());
  std::vector<std::pair<long, std::string>> values;
  std::string line;
  while (std::getline(in, line)) {
    const auto open = line.find_first_not_of(' ');
    const auto comma = line.find(", \"");
    const auto last_quote = line.rfind('"');
    if (open == std::string::npos || line[open] != '[' || comma == std::string::npos ||
        last_quote <= comma + 2) {
      continue;
    }
    REQUIRE(line.find('\\') == std::string::npos);
    values.emplace_back(std::stol(line.substr(open + 1, comma - open - 1)),
                        line.substr(comma + 3, last_quote - comma - 3));
  }
  return values;
}

}  // namespace

TEST_CASE("All 92 real BMO whiteboard values parse as counted by hand", "[rules]") {
  const auto values = read_sample_values();
  REQUIRE(values.size() == 92);
  int next_update = 0, close_on = 0, revocation = 0, malformed = 0;
  for (const auto& [id, whiteboard] : values) {
    const WhiteboardInfo info = parse_whiteboard(whiteboard);
    next_update += info.next_update ? 1 : 0;
    close_on += info.close_on ? 1 : 0;
    revocation += info.revocation_delay ? 1 : 0;
    malformed += info.next_update_malformed ? 1 : 0;
  }
  CHECK(next_update == 24);  // docs/bugzilla-api.md#ca-program-conventions: 24 of the 92 carry one
  CHECK(close_on == 8);      // "(8/92)"
  CHECK(revocation == 6);    // 2034359, 2064673, 2072600, 2072663, 2073233, 2073668
  CHECK(malformed == 0);

  // Spot checks, read off the file by hand.
  const auto info_of = [&](long bug) {
    for (const auto& [id, whiteboard] : values) {
      if (id == bug) {
        return parse_whiteboard(whiteboard);
      }
    }
    FAIL("bug " << bug << " not in the sample");
    return WhiteboardInfo{};
  };
  CHECK(show(info_of(2058261).next_update) == "2026-10-15");  // marker first
  CHECK(show(info_of(2062418).next_update) == "2026-11-20");  // trailing space
  CHECK(show(info_of(2007216).next_update) == "2026-12-04");  // "[disclosure failure]"
  CHECK(show(info_of(2073518).close_on) == "2026-10-02");     // close as INVALID
  CHECK(show(info_of(2044788).close_on) == "2026-10-09");
  const WhiteboardInfo revocation_bug = info_of(2072600);
  CHECK(revocation_bug.revocation_delay);
  CHECK(show(revocation_bug.next_update) == "2026-10-07");
  CHECK_FALSE(info_of(2004699).next_update.has_value());
}
