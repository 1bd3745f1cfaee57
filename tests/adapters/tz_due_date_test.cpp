// Jira due dates from deadline instants in real zones (docs/rules.md#due-date), and make_zone's
// error handling.
#include <catch2/catch.hpp>

#include "adapters/tz/tz_zone.h"
#include "sync/time.h"
#include "sync/zone.h"

namespace {

using bzjira::adapters::tz::make_zone;
using namespace bzjira::sync;

Instant at(const char* text) {
  const auto t = parse_rfc3339(text);
  REQUIRE(t.has_value());
  return *t;
}

std::unique_ptr<Zone> zone(const char* name) {
  auto z = make_zone(name);
  REQUIRE(z.ok());
  return std::move(z).value();
}

}  // namespace

TEST_CASE("The rules' example: a deadline at 23:30 in Shanghai is due the day before",
          "[rules][tz]") {
  // 2025-03-31T15:30Z is 23:30 CST (UTC+8) on 03-31; the last whole day before it is 03-30.
  const auto shanghai = zone("Asia/Shanghai");
  CHECK(format_date(shanghai->local_date(at("2025-03-31T15:30:00Z"))) == "2025-03-31");
  CHECK(format_date(due_date(at("2025-03-31T15:30:00Z"), *shanghai, 0)) == "2025-03-30");
  CHECK(shanghai->format_local(at("2025-03-31T15:30:00Z")) == "2025-03-31 23:30 CST");
  CHECK(shanghai->name() == "Asia/Shanghai");
}

TEST_CASE("In Shanghai a deadline just after UTC midnight is already the next local day",
          "[rules][tz]") {
  // 2025-03-31T16:00Z is 04-01 00:00 local: 03-31 ends exactly at the deadline, so it is the due
  // day.
  const auto shanghai = zone("Asia/Shanghai");
  CHECK(format_date(due_date(at("2025-03-31T16:00:00Z"), *shanghai, 0)) == "2025-03-31");
  CHECK(format_date(due_date(at("2025-03-31T15:59:59Z"), *shanghai, 0)) == "2025-03-30");
}

TEST_CASE("In UTC the due date is the day before the deadline's date", "[rules][tz]") {
  const auto utc = zone("UTC");
  CHECK(format_date(due_date(at("2025-03-31T15:30:00Z"), *utc, 0)) == "2025-03-30");
  // A Next update date D is due at D+1 00:00Z: the whole of D is still allowed.
  CHECK(format_date(due_date(at("2026-10-13T00:00:00Z"), *utc, 0)) == "2026-10-12");
  CHECK(utc->format_local(at("2026-10-13T00:00:00Z")) == "2026-10-13 00:00 UTC");
}

TEST_CASE("The built-in UtcZone agrees with the tzdata UTC zone", "[rules][tz]") {
  const UtcZone builtin;
  const auto utc = zone("UTC");
  for (const char* t : {"2025-03-31T15:30:00Z", "2026-01-01T00:00:00Z", "2024-02-29T23:59:59Z"}) {
    CHECK(due_date(at(t), builtin, 0) == due_date(at(t), *utc, 0));
    CHECK(builtin.format_local(at(t)) == utc->format_local(at(t)));
  }
}

TEST_CASE("New York across the 2026-03-08 DST change uses the offset in force at each instant",
          "[rules][tz]") {
  const auto ny = zone("America/New_York");
  // Before the change New York is UTC-5: 2026-03-08T04:30Z is 03-07 23:30 EST.
  CHECK(ny->format_local(at("2026-03-08T04:30:00Z")) == "2026-03-07 23:30 EST");
  CHECK(format_date(due_date(at("2026-03-08T04:30:00Z"), *ny, 0)) == "2026-03-06");
  // 2026-03-08T05:00Z is local midnight EST: 03-07 ends exactly then, so it is the due day.
  CHECK(format_date(due_date(at("2026-03-08T05:00:00Z"), *ny, 0)) == "2026-03-07");
  // After 07:00Z (02:00 EST -> 03:00 EDT) New York is UTC-4: 2026-03-09T03:30Z is 03-08 23:30 EDT.
  CHECK(ny->format_local(at("2026-03-09T03:30:00Z")) == "2026-03-08 23:30 EDT");
  CHECK(format_date(due_date(at("2026-03-09T03:30:00Z"), *ny, 0)) == "2026-03-07");
  // 2026-03-09T04:00Z is 03-09 00:00 EDT (it would still be 03-08 23:00 under EST).
  CHECK(format_date(due_date(at("2026-03-09T04:00:00Z"), *ny, 0)) == "2026-03-08");
}

TEST_CASE("Lead days move the due date earlier by that many days", "[rules][tz]") {
  const auto shanghai = zone("Asia/Shanghai");
  CHECK(format_date(due_date(at("2025-03-31T15:30:00Z"), *shanghai, 2)) == "2025-03-28");
  // Across a month boundary.
  CHECK(format_date(due_date(at("2025-03-02T15:30:00Z"), *shanghai, 1)) == "2025-02-28");
}

TEST_CASE("An unknown or empty zone name is a config error, not an exception", "[config][tz]") {
  const auto bad = make_zone("Mars/Olympus_Mons");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == ErrorKind::config);
  CHECK(bad.error().message.find("Mars/Olympus_Mons") != std::string::npos);
  const auto empty = make_zone("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().kind == ErrorKind::config);
}
