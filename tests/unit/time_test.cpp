// RFC 3339 and date handling of sync/time.h.
#include <catch2/catch.hpp>

#include "sync/time.h"

using namespace bzjira::sync;
using namespace std::chrono;

namespace {

Instant utc(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

}  // namespace

TEST_CASE("An instant is formatted as UTC with a Z and second precision", "[core]") {
  CHECK(format_rfc3339(utc(2026, 4, 15, 3, 6, 10)) == "2026-04-15T03:06:10Z");
  CHECK(format_rfc3339(utc(1970, 1, 1, 0, 0, 0)) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(utc(2024, 2, 29, 23, 59, 59)) == "2024-02-29T23:59:59Z");
}

TEST_CASE("Years at and beyond the four-digit range are formatted with every digit", "[core]") {
  CHECK(format_rfc3339(utc(9999, 12, 31, 23, 59, 59)) == "9999-12-31T23:59:59Z");
  CHECK(format_rfc3339(utc(0, 1, 1, 0, 0, 0)) == "0000-01-01T00:00:00Z");
  CHECK(format_rfc3339(utc(10000, 1, 1, 0, 0, 0)) == "10000-01-01T00:00:00Z");
  CHECK(format_rfc3339(utc(-1, 12, 31, 1, 2, 3)) == "-001-12-31T01:02:03Z");
  CHECK(format_date(year{7} / month{3} / day{9}) == "0007-03-09");
  CHECK(format_date(year{12345} / month{3} / day{9}) == "12345-03-09");
}

TEST_CASE("Timestamps in Bugzilla, Jira and flag-activity formats are parsed", "[core]") {
  struct Case {
    const char* text;
    Instant expected;
  };
  const Case cases[] = {
      {"2026-04-15T03:06:10Z", utc(2026, 4, 15, 3, 6, 10)},
      {"2021-01-17T12:34:00.000+0000", utc(2021, 1, 17, 12, 34, 0)},  // Jira
      {"2021-01-17T12:34:00+05:30", utc(2021, 1, 17, 7, 4, 0)},
      {"2021-01-17T23:10:00-02:00", utc(2021, 1, 18, 1, 10, 0)},  // crosses midnight
      {"2018-10-10 12:41:00", utc(2018, 10, 10, 12, 41, 0)},      // flag activity: UTC
      {"2026-04-15T03:06:10.999Z", utc(2026, 4, 15, 3, 6, 10)},   // fraction truncated
      {"2024-02-29T00:00:00Z", utc(2024, 2, 29, 0, 0, 0)},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const auto parsed = parse_rfc3339(c.text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == c.expected);
  }
}

TEST_CASE("Malformed or out-of-range timestamps are rejected", "[core]") {
  for (const char* text :
       {"", "garbage", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z", "2026-01-01",
        "2026-01-01T00:00:00Zjunk", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+0",
        "2026-01-01T00:00:00+25:00", "2026-01-01X00:00:00Z", "20260101T000000Z",
        "2026-1-01T00:00:00Z"}) {
    INFO(text);
    CHECK_FALSE(parse_rfc3339(text).has_value());
  }
}

TEST_CASE("Dates are exactly YYYY-MM-DD with a real calendar day", "[core]") {
  const auto leap = parse_date("2024-02-29");
  REQUIRE(leap.has_value());
  CHECK(*leap == year{2024} / month{2} / day{29});
  CHECK(format_date(*leap) == "2024-02-29");
  for (const char* text : {"2023-02-29", "2026-13-45", "2026-02-30", "2026-1-05", "2026-01-05 ",
                           " 2026-01-05", "2026/01/05", "", "2026-00-10", "2026-01-00"}) {
    INFO(text);
    CHECK_FALSE(parse_date(text).has_value());
  }
}

TEST_CASE("An instant's UTC date and a UTC day's first instant round-trip", "[core]") {
  CHECK(utc_date(utc(2026, 3, 31, 23, 59, 59)) == year{2026} / month{3} / day{31});
  CHECK(utc_date(utc(2026, 4, 1, 0, 0, 0)) == year{2026} / month{4} / day{1});
  CHECK(start_of_utc_day(year{2026} / month{4} / day{1}) == utc(2026, 4, 1, 0, 0, 0));
}

TEST_CASE("Durations are shown with their two largest units and a sign", "[core]") {
  CHECK(format_duration(seconds{3 * 86400 + 4 * 3600}) == "3d 4h");
  CHECK(format_duration(-seconds{2 * 3600 + 5 * 60}) == "-2h 5m");
  CHECK(format_duration(seconds{45}) == "45s");
  CHECK(format_duration(seconds{0}) == "0s");
  CHECK(format_duration(seconds{86400}) == "1d");
  CHECK(format_duration(seconds{61}) == "1m 1s");
  CHECK(format_duration(seconds{2 * 86400 + 3599}) == "2d");  // minutes are below the 2nd unit
}
