// Issue 8 item 5: request economy on a small generated dataset, so that a regression fails CI.
// Counts come from the simulators' own request counters; the expected numbers are derived from the
// documented API limits (tests/bench/economy.h), never from bzjira's output. No timing.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/bench/process.h"
#include "tests/bench/scenarios.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"
#include "tests/support/text.h"

namespace {

using namespace bzjira::bench;
namespace fs = std::filesystem;

using bzjira::test_support::read_file;
using bzjira::test_support::TempDir;

std::string routes(const RouteCounts& counts) {
  std::string out;
  for (const auto& [route, n] : counts.routes) {
    out += route + " x" + std::to_string(n) + "; ";
  }
  return out;
}

}  // namespace

TEST_CASE(
    "issue 8: scheduled syncs of 120 bugs x 4 comments after a cold one send the minimum requests",
    "[e2e][bench]") {
  TempDir scratch("bench-test");
  const DatasetSpec spec{120, 4, 7};
  const std::string dataset = (scratch.path() / "dataset.json").string();
  const DatasetFacts facts = write_dataset(spec, dataset);
  const ApiLimits limits;
  // The generator must leave real work to do, or the counts below prove nothing: more issues than
  // one Jira search page holds, so a search of every mirrored issue costs at least two requests
  // and a steady run that made one would send 4 or more, not 3.
  REQUIRE(facts.open_ids.size() >= 10);
  REQUIRE(facts.open_obligations() > static_cast<long long>(facts.open_ids.size()));
  REQUIRE(facts.open_obligations() > limits.jira_search_page);
  const long issues = static_cast<long>(facts.open_obligations());
  const long full_search_pages = batches(issues, limits.jira_search_page);

  const std::string bin = bzjira::test_support::binary_dir();
  // No Python yardstick here (an empty interpreter path: not run).
  BenchSession session(
      BenchPaths{bin + "/bzjira", bin + "/bzjira-sim", (scratch.path() / "session").string(), ""},
      facts, dataset);

  const ScenarioFigures cold = session.cold_sync();
  INFO("cold: " << cold.notes);
  REQUIRE(cold.usage.exit_code == 0);
  // One issue per open obligation, as the dataset implies (update + unanswered questions + open
  // needinfo per open bug).
  REQUIRE(cold.issues_after == issues);
  // The minimum, the day's API key check included (the bench's mapping names a key).
  CHECK(cold.bugzilla.routes.at("GET /rest/whoami") == 1);
  CHECK(cold.bugzilla.total == cold.floor.bugzilla);
  CHECK(cold.jira.total == cold.floor.jira);

  // bzjira's summary line says which Jira search it made (BenchSession keeps each run's stdout).
  const fs::path session_dir = scratch.path() / "session";
  const std::string incremental_search = "Jira search: issues updated in the last ";
  CHECK(read_file(session_dir / "cold_sync.stdout").find("Jira search: every mirrored issue") !=
        std::string::npos);

  // 11 minutes later (both simulator clocks moved): the search of the issues updated since the
  // cold run's search, + 10 minutes, returns every issue the cold run created after it; nothing
  // else is sent (the issues are as the cold run left them).
  const ScenarioFigures first = session.first_sync_after_cold();
  INFO("first: Bugzilla: " << routes(first.bugzilla) << " Jira: " << routes(first.jira)
                           << " notes: " << first.notes);
  CHECK(first.usage.exit_code == 0);
  CHECK(first.bugzilla.total == 2);
  CHECK(first.jira.total == full_search_pages);
  CHECK(first.jira.routes.size() == 1);  // search pages only
  CHECK(first.issues_after == issues);
  CHECK(read_file(session_dir / "first_sync_after_cold.stdout").find(incremental_search) !=
        std::string::npos);

  // 11 minutes later again: the window starts after the cold run's writes, so the search is one
  // empty page. A search of every mirrored issue would take full_search_pages (>= 2) requests.
  const ScenarioFigures steady = session.steady_sync();
  INFO("steady: Bugzilla: " << routes(steady.bugzilla) << " Jira: " << routes(steady.jira)
                            << " notes: " << steady.notes);
  CHECK(steady.usage.exit_code == 0);
  CHECK(steady.floor.total() == 3);
  CHECK(steady.requests() == 3);
  CHECK(steady.jira.routes.size() == 1);  // the search, nothing else
  CHECK(steady.issues_after == issues);
  const std::string steady_out = read_file(session_dir / "steady_sync.stdout");
  INFO("steady stdout: " << steady_out);
  CHECK(steady_out.find(incremental_search) != std::string::npos);

  // 1% of 120 bugs is one: it gets a question from root-program staff, which opens exactly one
  // question obligation. Minimum: Bugzilla time, one search page of changes, one comment batch;
  // Jira: one search, one bulk create, one remote link.
  const ScenarioFigures incremental = session.incremental_sync();
  INFO("incremental: Bugzilla: " << routes(incremental.bugzilla) << " Jira: "
                                 << routes(incremental.jira) << " notes: " << incremental.notes);
  CHECK(incremental.usage.exit_code == 0);
  CHECK(incremental.issues_after == issues + 1);
  CHECK(incremental.floor.bugzilla == 3);
  CHECK(incremental.floor.jira == 3);
  CHECK(incremental.bugzilla.total == incremental.floor.bugzilla);
  CHECK(incremental.jira.total == incremental.floor.jira);
  CHECK(read_file(session_dir / "incremental_sync.stdout").find(incremental_search) !=
        std::string::npos);
}

TEST_CASE(
    "issue 12: with replies on, scheduled syncs read Jira comments only of issues that changed",
    "[e2e][bench]") {
  TempDir scratch("bench-test");
  const DatasetSpec spec{120, 4, 7};
  const std::string dataset = (scratch.path() / "dataset.json").string();
  const DatasetFacts facts = write_dataset(spec, dataset);
  const ApiLimits limits;
  const long issues = static_cast<long>(facts.open_obligations());
  REQUIRE(issues > limits.jira_search_page);
  const long full_search_pages = batches(issues, limits.jira_search_page);
  const std::string bin = bzjira::test_support::binary_dir();
  BenchSession session(
      BenchPaths{bin + "/bzjira", bin + "/bzjira-sim", (scratch.path() / "session").string(), ""},
      facts, dataset, true);

  const ScenarioFigures cold = session.cold_sync();
  INFO("cold: " << cold.notes);
  REQUIRE(cold.usage.exit_code == 0);
  REQUIRE(cold.issues_after == issues);
  CHECK(cold.name == "cold_sync+replies");
  CHECK(cold.bugzilla.routes.at("GET /rest/whoami") == 1);  // the key check, once
  CHECK(cold.requests() == cold.floor.total());

  // The issues the cold run created changed after its search, so the search returns each one, and
  // with its comments (none has more than a search lists, 20): no issue's comment list is read,
  // the same requests as with replies off.
  const ScenarioFigures first = session.first_sync_after_cold();
  INFO("first: Bugzilla: " << routes(first.bugzilla) << " Jira: " << routes(first.jira));
  CHECK(first.usage.exit_code == 0);
  CHECK(first.issues_after == issues);
  CHECK(first.bugzilla.total == 2);
  CHECK(first.jira.routes.count("GET /rest/api/3/issue/{key}/comment") == 0);
  CHECK(first.jira.total == full_search_pages);
  CHECK(first.jira.routes.size() == 1);  // search pages only

  // Nothing new: no comment list of any issue, the key check remembered.
  const ScenarioFigures steady = session.steady_sync();
  INFO("steady: Bugzilla: " << routes(steady.bugzilla) << " Jira: " << routes(steady.jira));
  CHECK(steady.usage.exit_code == 0);
  CHECK(steady.requests() == 3);
  CHECK(steady.jira.routes.size() == 1);

  // A new question on Bugzilla changes nothing in Jira that a person wrote: the same minimum as
  // with replies off.
  const ScenarioFigures incremental = session.incremental_sync();
  INFO("incremental: Bugzilla: " << routes(incremental.bugzilla)
                                 << " Jira: " << routes(incremental.jira));
  CHECK(incremental.usage.exit_code == 0);
  CHECK(incremental.bugzilla.total == incremental.floor.bugzilla);
  CHECK(incremental.jira.total == incremental.floor.jira);
}

TEST_CASE("A measured child's peak memory leaves out the memory the bench holds", "[bench]") {
  // The spawner is forked now, before the 100 MB below exist; started by this process instead,
  // /bin/true would report this process's peak and so 100 MB more the second time.
  start_spawner();
  const long before_kb = measured_rss_holding(0);
  const long holding_kb = measured_rss_holding(std::size_t{100} << 20);
  INFO("/bin/true: " << before_kb << " KB, then " << holding_kb << " KB while 100 MB were held");
  CHECK(holding_kb < before_kb + 30 * 1024);
}
