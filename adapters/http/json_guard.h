// A cheap guard for JSON bodies from the network, shared by the Bugzilla and Jira parsers.
// nlohmann's parser is iterative, but copying, dumping and our own readers recurse: absurd nesting
// (a fuzzer's 100,000 brackets) must be refused before it reaches them.
#pragma once

#include <string_view>

namespace bzjira::adapters::http {

// Deeper than any real Bugzilla or Jira answer (Jira's ADF nests a few levels per block).
constexpr int k_max_json_depth = 256;

// True when brackets and braces outside strings nest deeper than `limit`. One pass, no allocation.
bool json_too_deep(std::string_view text, int limit = k_max_json_depth);

}  // namespace bzjira::adapters::http
