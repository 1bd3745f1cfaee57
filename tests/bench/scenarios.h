// The benchmark's scenarios against one simulator instance: cold sync, the first scheduled sync
// after it, steady sync, incremental sync (1% of the bugs get a comment from root-program staff),
// the audit of everything (from the dataset file as text and as JSON, and live), and the
// scripting yardstick (Python's json.load of the same file). Each runs a child process and
// collects every figure. bench_steps() lists them in run order: a new scenario is one method and
// one line there.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/bench/dataset.h"
#include "tests/bench/economy.h"
#include "tests/bench/process.h"
#include "tests/bench/proxy.h"
#include "tests/bench/sim_harness.h"

namespace bzjira::bench {

struct BenchPaths {
  std::string bzjira;    // the bzjira binary
  std::string sim;       // the bzjira-sim binary
  std::string work_dir;  // scratch space for this session (mapping, state, outputs)
  std::string python;    // the Python 3 interpreter of the yardstick; empty: not run
};

struct ScenarioFigures {
  std::string name;     // a bench_steps() name: cold_sync, ..., audit_live
  std::string command;  // what was run (secrets are in the environment, never here)
  ChildUsage usage;
  RouteCounts bugzilla, jira;                        // the simulators' own counts
  CountingProxy::Counts bugzilla_bytes, jira_bytes;  // counted on the wire by the proxies
  int reported_bugzilla = -1, reported_jira = -1;    // bzjira's summary line; -1 when absent
  double sim_cpu_seconds = 0;                        // the simulator's CPU during the scenario
  double proxy_cpu_seconds = 0;  // this program's CPU meanwhile: the counting proxies, mostly
  RequestFloor floor;
  long issues_after = -1;     // Jira issues once it ran (sync scenarios)
  long issues_expected = -1;  // what the dataset implies (DatasetFacts), -1 when not checked
  std::string notes;

  long requests() const { return bugzilla.total + jira.total; }
  double cpu_seconds() const { return usage.user_seconds + usage.sys_seconds; }
  // measured / minimum requests; 0 when the minimum is 0.
  double ratio() const {
    return floor.total() == 0 ? 0 : static_cast<double>(requests()) / floor.total();
  }
};

// Bugs changed by the incremental scenario: 1% of them, at least one.
long changed_bug_count(long bugs);

// How far both simulator clocks move before each sync after the cold one: a deployment runs
// `bzjira sync` every 10 minutes, so each scheduled run comes a little more than one interval
// after the previous one (further than the 10-minute k_jira_search_margin, so the run after next
// no longer sees a run's own writes).
inline constexpr std::chrono::seconds k_bench_run_interval{11 * 60};

// One simulator with the dataset, fresh Jira and a fresh state file; scenarios in order: cold,
// first_sync_after_cold, steady, incremental (each of the last three k_bench_run_interval after
// the previous sync on both simulator clocks), then the audits. Throws std::runtime_error when the
// simulator or bzjira cannot be run at all; a bzjira that fails is reported in the figures (exit
// code, notes), not thrown.
class BenchSession {
 public:
  BenchSession(BenchPaths paths, DatasetFacts facts, std::string dataset_path);
  ~BenchSession();

  ScenarioFigures cold_sync();
  // Re-reads the issues cold_sync wrote after its own search (they were updated within this run's
  // search window); nothing else changed.
  ScenarioFigures first_sync_after_cold();
  ScenarioFigures steady_sync();
  ScenarioFigures incremental_sync();
  ScenarioFigures audit_file();       // --format text
  ScenarioFigures audit_file_json();  // --format json
  ScenarioFigures audit_live();
  // `python3 -c 'import json; json.load(open(DATASET))'`: what a user would write instead of
  // `bzjira audit --from-file` (issue 14). Figures with exit code -1 and a note when
  // BenchPaths::python is empty.
  ScenarioFigures python_json_load();

  SimHarness& sim() { return *m_sim; }
  const std::string& mapping_path() const { return m_mapping; }

 private:
  ScenarioFigures run_bzjira(const std::string& name, std::vector<std::string> args);
  ScenarioFigures audit_from_file(const std::string& name, const std::string& format);
  ScenarioFigures sync(const std::string& name);

  BenchPaths m_paths;
  DatasetFacts m_facts;
  std::string m_dataset;
  std::string m_mapping, m_state;
  std::unique_ptr<SimHarness> m_sim;
  long m_issues = 0;  // issues Jira should hold by now
  ApiLimits m_limits;
};

// One scenario of a benchmark run. `live`: it reads the whole dataset from the simulator (skipped
// with --no-live-audit).
struct ScenarioStep {
  const char* name;
  ScenarioFigures (BenchSession::*run)();
  bool live = false;
};

// Every scenario in the order a run takes them: the syncs build on each other's state; the
// yardstick runs right after the file audits, so that the ratio compares runs made under the same
// machine load.
const std::vector<ScenarioStep>& bench_steps();

// The Python 3 interpreter behind `python3` on PATH (sys.executable, so that a version manager's
// shim script is not measured with it); empty when there is none.
std::string find_python();

}  // namespace bzjira::bench
