// The benchmark's workload: a reproducible dataset of N bugs x M comments in the simulator's format
// (docs/dataset-format.md, plus "api_keys"), the mapping that goes with it, and what
// the dataset implies (how many obligations are open), worked out from the generator's own
// choices rather than from bzjira's output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bzjira::bench {

// Every dataset is generated relative to this instant; the simulator's clock starts here.
inline constexpr const char* k_bench_epoch = "2026-11-26T12:00:00Z";
// The API key the simulator accepts, and the login it authenticates as (not a CA account).
inline constexpr const char* k_bench_api_key = "bench-bugzilla-key";
inline constexpr const char* k_bench_login = "bzjira-bench@bench.test";
// A bot: listed as ignored in the mapping, so its comments start and satisfy nothing.
inline constexpr const char* k_bench_bot = "bmo-bot@mozilla.tld";

struct DatasetSpec {
  int bugs = 50;
  int comments_per_bug = 20;  // the description (comment 0) included
  std::uint64_t seed = 1;
};

// What the generator put in: enough to derive the open obligations by hand (docs/rules.md):
// every open bug owes one update; each comment after the CA's last one from someone neither CA
// nor bot is an unanswered question; a needinfo flag on a CA account set after the CA's last
// comment is open. Resolved bugs owe nothing. No bug carries a closure request.
struct DatasetFacts {
  int bugs = 0;
  int comments_per_bug = 0;
  long long comments = 0;
  long long text_bytes = 0;       // comment text only
  std::uintmax_t file_bytes = 0;  // the dataset file
  int resolved = 0;
  int with_next_update = 0;
  int revocation_delay = 0;
  int needinfo_open = 0;      // needinfo? on a CA account, asked after the CA's last comment
  int needinfo_answered = 0;  // needinfo? on a CA account that a later CA comment satisfied
  long long open_questions = 0;
  std::vector<std::int64_t> bug_ids;   // ascending
  std::vector<std::int64_t> open_ids;  // ascending: the bugs that are not resolved
  std::vector<std::string> ca_accounts;
  // One issue per open obligation (the mapping's one_issue_per = "obligation").
  long long open_obligations() const {
    return static_cast<long long>(open_ids.size()) + needinfo_open + open_questions;
  }
};

// Writes the dataset to `path` (streamed: memory stays small at any size) and returns its facts.
// Deterministic for a given spec. Bug ids are seven digits from 2,000,001; every time is at least a
// day before k_bench_epoch, so a search from (epoch - 5 minutes) finds nothing until the
// benchmark changes something. Throws std::runtime_error when the file cannot be written.
DatasetFacts write_dataset(const DatasetSpec& spec, const std::string& path);

// The mapping for a dataset and the two (proxy) ports bzjira talks to. Secrets are named, never
// included: bench_environment() gives their values to the child process.
struct MappingSpec {
  std::string name;  // [a-z0-9._-]
  int bugzilla_port = 0;
  int jira_port = 0;
  std::vector<std::string> ca_accounts;
  bool replies = false;  // replies.enabled (marker "#bugzilla")
};
std::string mapping_json(const MappingSpec& spec);
void write_text_file(const std::string& path, const std::string& text);

// NAME=value pairs bzjira needs for the mapping above (the simulator accepts these credentials).
std::vector<std::pair<std::string, std::string>> bench_environment();

// A question from root-program staff, as the incremental scenario posts it (200-1,200 characters).
std::string staff_question(std::uint64_t seed);
inline constexpr const char* k_bench_staff = "rootstore@mozilla.test";

}  // namespace bzjira::bench
