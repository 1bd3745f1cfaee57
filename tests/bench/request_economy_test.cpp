// Issue 8 item 5: request economy on a small generated dataset, so that a regression fails CI.
// Counts come from the simulators' own request counters; the expected numbers are derived from the
// documented API limits (tests/bench/economy.h), never from bzjira's output. No timing.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/bench/scenarios.h"

namespace {

using namespace bzjira::bench;
namespace fs = std::filesystem;

class Scratch {
 public:
  Scratch() {
    m_path = fs::temp_directory_path() / ("bzjira-bench-test-" + std::to_string(::getpid()));
    fs::create_directories(m_path);
  }
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
  }
  fs::path path() const { return m_path; }

 private:
  fs::path m_path;
};

std::string routes(const RouteCounts& counts) {
  std::string out;
  for (const auto& [route, n] : counts.routes) {
    out += route + " x" + std::to_string(n) + "; ";
  }
  return out;
}

}  // namespace

TEST_CASE(
    "issue 8: steady and incremental syncs of 30 bugs x 10 comments send the minimum requests",
    "[e2e][bench]") {
  Scratch scratch;
  const DatasetSpec spec{30, 10, 7};
  const std::string dataset = (scratch.path() / "dataset.json").string();
  const DatasetFacts facts = write_dataset(spec, dataset);
  // The generator must leave real work to do, or the counts below prove nothing.
  REQUIRE(facts.open_ids.size() >= 10);
  REQUIRE(facts.open_obligations() > static_cast<long long>(facts.open_ids.size()));

  const std::string bin = BZJIRA_BINARY_DIR;
  BenchSession session(
      BenchPaths{bin + "/bzjira", bin + "/bzjira-sim", (scratch.path() / "session").string()},
      facts, dataset);

  const ScenarioFigures cold = session.cold_sync();
  INFO("cold: " << cold.notes);
  REQUIRE(cold.usage.exit_code == 0);
  // One issue per open obligation, as the dataset implies (update + unanswered questions + open
  // needinfo per open bug).
  REQUIRE(cold.issues_after == facts.open_obligations());

  SECTION("a steady sync sends at most three requests in total") {
    const ScenarioFigures steady = session.steady_sync();
    INFO("Bugzilla: " << routes(steady.bugzilla) << " Jira: " << routes(steady.jira)
                      << " notes: " << steady.notes);
    CHECK(steady.usage.exit_code == 0);
    CHECK(steady.requests() <= 3);
    CHECK(steady.issues_after == facts.open_obligations());

    // 1% of 30 bugs is less than one: one bug gets a question from root-program staff, which
    // opens exactly one question obligation. Minimum: Bugzilla time, one search page of changes,
    // one comment batch; Jira: one search, one bulk create, one remote link.
    const ScenarioFigures incremental = session.incremental_sync();
    INFO("Bugzilla: " << routes(incremental.bugzilla) << " Jira: " << routes(incremental.jira)
                      << " notes: " << incremental.notes);
    CHECK(incremental.usage.exit_code == 0);
    CHECK(incremental.issues_after == facts.open_obligations() + 1);
    CHECK(incremental.floor.bugzilla == 3);
    CHECK(incremental.floor.jira == 3);
    CHECK(incremental.bugzilla.total == incremental.floor.bugzilla);
    CHECK(incremental.jira.total == incremental.floor.jira);
  }
}
