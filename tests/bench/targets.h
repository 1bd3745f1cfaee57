// The targets of issues 8 and 14 checked on one bench run's figures. Each says what must hold,
// what was measured, the number compared with its limit, and PASS, FAIL or n/a (a size, scenario
// or the yardstick was not run). Ratios of two scenarios of one size are taken run by run, then
// the median: scenarios of one run ran minutes apart, under about the same machine load.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tests/bench/report.h"

namespace bzjira::bench {

struct Target {
  std::string issue;     // "8", "14"
  std::string item;      // the issue's item number ("2"); empty when the issue has no numbers
  std::string text;      // what must hold, for people
  std::string verdict;   // PASS, FAIL, n/a
  std::string measured;  // the figures behind it, for people
  std::optional<double> value;  // the measured ratio (or value) that is compared with `limit`
  std::optional<double> limit;
  std::string unit;  // "x" for ratios, "MB", "s", "requests"
};

std::vector<Target> targets(const std::vector<SizeResult>& sizes);

// Scenarios whose request count is not held to the API minimum, with the reason (BENCHMARKS.md).
// nullptr for the others.
const char* not_a_request_target(const std::string& scenario);

}  // namespace bzjira::bench
