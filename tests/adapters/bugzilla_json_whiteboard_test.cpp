// The 92 real BMO whiteboards (tests/data/samples/bugzilla/bmo_whiteboard_values_2026-10.json) read
// through sync::parse_whiteboard. Counts and dates were taken from the file by hand
// (docs/bugzilla-api.md#ca-program-conventions: 24 of 92 carry "Next update", 8 a close marker).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "sync/time.h"
#include "sync/whiteboard.h"
#include "tests/support/paths.h"

using bzjira::sync::format_date;
using bzjira::sync::parse_whiteboard;

namespace {

std::map<long long, std::string> whiteboards() {
  std::ifstream in(bzjira::test_support::test_data_dir() +
                   "/samples/bugzilla/bmo_whiteboard_values_2026-10.json");
  REQUIRE(in.good());
  const auto doc = nlohmann::json::parse(in);
  std::map<long long, std::string> out;
  for (const auto& pair : doc.at("values")) {
    out[pair.at(0).get<long long>()] = pair.at(1).get<std::string>();
  }
  return out;
}

}  // namespace

TEST_CASE("24 of the 92 real whiteboards carry a Next update date, 8 a close marker",
          "[bugzilla][core]") {
  const auto values = whiteboards();
  REQUIRE(values.size() == 92);
  int next_update = 0;
  int close_on = 0;
  int revocation = 0;
  for (const auto& [id, wb] : values) {
    const auto info = parse_whiteboard(wb);
    INFO(id << ": " << wb);
    CHECK_FALSE(info.next_update_malformed);
    next_update += info.next_update.has_value() ? 1 : 0;
    close_on += info.close_on.has_value() ? 1 : 0;
    revocation += info.revocation_delay ? 1 : 0;
  }
  CHECK(next_update == 24);
  CHECK(close_on == 8);
  CHECK(revocation == 6);  // 2 leaf-revocation-delay, 4 ca-revocation-delay
}

TEST_CASE("real whiteboards give the exact dates, wherever the marker stands", "[bugzilla][core]") {
  const auto values = whiteboards();
  const auto next = [&](long long id) {
    const auto info = parse_whiteboard(values.at(id));
    REQUIRE(info.next_update.has_value());
    return format_date(*info.next_update);
  };
  CHECK(next(2007216) == "2026-12-04");  // after "[disclosure failure]" (with a space)
  CHECK(next(2011430) == "2026-11-01");
  CHECK(next(2058261) == "2026-10-15");  // "Next update" first
  CHECK(next(2062418) == "2026-11-20");  // first, and a trailing space
  CHECK(next(2055551) == "2026-10-31");
  CHECK(next(2072600) == "2026-10-07");
  CHECK(parse_whiteboard(values.at(2072600)).revocation_delay);

  const auto close = parse_whiteboard(values.at(2044788));  // "[close on 2026-10-09] ..."
  REQUIRE(close.close_on.has_value());
  CHECK(format_date(*close.close_on) == "2026-10-09");
  CHECK_FALSE(close.next_update.has_value());
  const auto invalid = parse_whiteboard(values.at(2073518));  // "[close as INVALID on 2026-10-02]"
  REQUIRE(invalid.close_on.has_value());
  CHECK(format_date(*invalid.close_on) == "2026-10-02");

  const auto plain = parse_whiteboard(values.at(2004699));  // "[ca-compliance] [policy-failure]"
  CHECK_FALSE(plain.next_update.has_value());
  CHECK_FALSE(plain.close_on.has_value());
  CHECK_FALSE(plain.revocation_delay);
}
