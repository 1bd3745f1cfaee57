// Regression tests for what fuzzing found in the mapping loader (tests/fuzz/fuzz_mapping.cpp).
// Each test is named after the cause; the inputs themselves are in tests/fuzz/regressions/mapping/
// and are replayed here as well.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "adapters/config/mapping_loader.h"
#include "tests/support/paths.h"

namespace cfg = bzjira::adapters::config;

namespace {

std::string regression_input(const std::string& name) {
  std::ifstream in(bzjira::test_support::source_dir() + "/tests/fuzz/regressions/mapping/" + name,
                   std::ios::binary);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string repeat(const std::string& s, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) {
    out += s;
  }
  return out;
}

// The smallest valid mapping (tests/data/mappings/minimal.json) with `extra` as an added member.
std::string minimal_with(const std::string& extra) {
  return R"({"name":"minimal","bugzilla":{"url":"https://bugzilla.mozilla.org",)"
         R"("ca_accounts":["incidents@example.com"]},)"
         R"("jira":{"url":"https://example.atlassian.net","project":"CAINC"},)" +
         extra + "}";
}

}  // namespace

TEST_CASE("Deep nesting is one problem: JSON paths kept per open container grew quadratically",
          "[config]") {
  // 50,000 '[' (the fuzzer's input): every open array kept its whole path, about 3.75 GB in all.
  const std::string text = regression_input("arrays-nested-50000-deep");
  REQUIRE(text == std::string(50000, '['));
  const auto loaded = cfg::load_mapping_text(text, "deep.json");
  CHECK_FALSE(loaded.mapping.has_value());
  REQUIRE(loaded.problems.size() == 1);
  // The 65th array opens at $ followed by 64 times [0].
  CHECK(loaded.problems[0] ==
        "deep.json: $" + repeat("[0]", 64) + ": nested deeper than 64 levels");

  // Objects count the same way, wherever the nesting starts.
  const auto objects =
      cfg::load_mapping_text(minimal_with(R"("x":)" + repeat(R"({"a":)", 100000)), "objects.json");
  REQUIRE(objects.problems.size() == 1);
  CHECK(objects.problems[0] ==
        "objects.json: $.x" + repeat(".a", 63) + ": nested deeper than 64 levels");
}

TEST_CASE("Nesting up to 64 levels is read as usual", "[config]") {
  // $ is level 1 and $.x level 2: 62 more arrays inside x make 64 levels, which is allowed, so the
  // only problem is the unknown key itself.
  const auto loaded = cfg::load_mapping_text(
      minimal_with(R"("x":)" + std::string(63, '[') + std::string(63, ']')), "ok.json");
  REQUIRE(loaded.problems.size() == 1);
  CHECK(loaded.problems[0].rfind("ok.json: $.x: unknown key 'x'", 0) == 0);

  const auto without = cfg::load_mapping_text(minimal_with(R"("$comment":"")"), "ok.json");
  CHECK(without.problems.empty());
  CHECK(without.mapping.has_value());
}
