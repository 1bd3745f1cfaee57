// Regression tests for what fuzzing found in the Bugzilla answer parsers and the core's parsers of
// Bugzilla values (tests/fuzz). Each test is named after the cause; the crashing inputs themselves
// are in tests/fuzz/regressions/ and are replayed here as well.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "adapters/bugzilla/bugzilla_json.h"
#include "sync/time.h"
#include "sync/whiteboard.h"
#include "tests/support/paths.h"

namespace bz = bzjira::adapters::bugzilla;
namespace core = bzjira::sync;
using namespace std::chrono;

namespace {

std::string regression_input(const std::string& name) {
  std::ifstream in(bzjira::test_support::source_dir() + "/tests/fuzz/regressions/" + name,
                   std::ios::binary);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string bug_with_creation_time(const std::string& when) {
  return R"({"bugs":[{"id":7,"creation_time":")" + when + R"("}]})";
}

}  // namespace

TEST_CASE("A UTC offset that carries 9999-12-31 into year 10000 makes the time unreadable",
          "[bugzilla]") {
  // 9999-12-31T23:59:59 at -23:59 is 10000-01-01T23:58:59Z: format_rfc3339 writes four-digit
  // years, so accepting it would save a dataset that can no longer be loaded.
  CHECK_FALSE(core::parse_rfc3339("9999-12-31T23:59:59-23:59").has_value());
  CHECK_FALSE(core::parse_rfc3339("9999-12-31T23:00:00-01:00").has_value());
  // 0000-01-01T00:00:00 at +00:01 is one minute before year 0.
  CHECK_FALSE(core::parse_rfc3339("0000-01-01T00:00:00+00:01").has_value());

  // The edges themselves are fine.
  const auto latest = core::parse_rfc3339("9999-12-31T23:59:59Z");
  REQUIRE(latest.has_value());
  CHECK(core::format_rfc3339(*latest) == "9999-12-31T23:59:59Z");
  const auto first = core::parse_rfc3339("0000-01-01T00:00:00Z");
  REQUIRE(first.has_value());
  CHECK(core::format_rfc3339(*first) == "0000-01-01T00:00:00Z");
  // An offset that stays inside year 9999 is still applied: 12:00 at -05:00 is 17:00 UTC.
  const auto shifted = core::parse_rfc3339("9999-12-31T12:00:00-05:00");
  REQUIRE(shifted.has_value());
  CHECK(core::format_rfc3339(*shifted) == "9999-12-31T17:00:00Z");
}

TEST_CASE("A bug created past year 9999 is a problem line, not a record that cannot be saved",
          "[bugzilla]") {
  const auto list = bz::parse_bug_list(bug_with_creation_time("9999-12-31T23:59:59-23:59"));
  REQUIRE(list.ok());
  CHECK(list->bugs.empty());
  REQUIRE(list->problems.size() == 1);
  CHECK(list->problems[0].find("creation_time") != std::string::npos);

  // The fuzzer's input: a dataset with that bug loads without it.
  const auto dataset = bz::parse_dataset(
      regression_input("bugzilla_json/dataset-creation-time-past-year-9999.json"));
  REQUIRE(dataset.ok());
  CHECK(dataset->records.empty());
  CHECK(dataset->problems.size() == 1);
}

TEST_CASE("A dataset whose times sit at the last second of year 9999 saves and reloads unchanged",
          "[bugzilla]") {
  const auto dataset = bz::parse_dataset(bug_with_creation_time("9999-12-31T23:59:59Z"));
  REQUIRE(dataset.ok());
  REQUIRE(dataset->records.size() == 1);
  const auto again = bz::parse_dataset(bz::write_dataset(dataset->records));
  REQUIRE(again.ok());
  CHECK(again->problems.empty());
  REQUIRE(again->records.size() == 1);
  CHECK(again->records[0].bug.creation_time ==
        sys_days{year{9999} / December / 31} + hours{23} + minutes{59} + seconds{59});
}

TEST_CASE(
    "The close-marker search does not rescan the whiteboard for every opening bracket (was "
    "quadratic)",
    "[bugzilla]") {
  // 100,000 '[' then "[close on 2026-10-09]": every '[' shares the same ']', and only the last
  // one opens a marker. The quadratic search took minutes on a 1 MB whiteboard.
  const std::string whiteboard =
      regression_input("whiteboard/close-marker-after-100k-open-brackets");
  REQUIRE(whiteboard.size() == 100021);
  const auto info = core::parse_whiteboard(whiteboard);
  REQUIRE(info.close_on.has_value());
  CHECK(*info.close_on == year{2026} / October / 9);
  CHECK_FALSE(info.next_update.has_value());

  // The same whiteboard through a Bugzilla answer.
  const std::string body =
      R"({"bugs":[{"id":8,"creation_time":"2026-10-01T00:00:00Z","whiteboard":")" + whiteboard +
      R"("}]})";
  const auto list = bz::parse_bug_list(body);
  REQUIRE(list.ok());
  REQUIRE(list->bugs.size() == 1);
  CHECK(core::parse_whiteboard(list->bugs[0].whiteboard).close_on == info.close_on);

  // A megabyte of '[' (the old search needed about an hour: ctest's 600 s timeout fails it).
  const auto huge = core::parse_whiteboard(std::string(1000000, '[') + "[close on 2026-10-09]");
  REQUIRE(huge.close_on.has_value());
  CHECK(*huge.close_on == year{2026} / October / 9);

  // Markers among many other brackets keep their first-wins order.
  const auto two =
      core::parse_whiteboard("[[[ [close on 2026-10-09] [[close as FIXED on 2026-11-01]");
  REQUIRE(two.close_on.has_value());
  CHECK(*two.close_on == year{2026} / October / 9);
}
