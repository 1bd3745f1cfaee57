// The benchmark's scenarios against one simulator instance: cold sync, steady sync, incremental
// sync (1% of the bugs get a comment from root-program staff), and the audit of everything (from
// the dataset file and live). Each runs the real `bzjira` as a child and collects every figure.
#pragma once

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
};

struct ScenarioFigures {
  std::string name;     // cold_sync, steady_sync, incremental_sync, audit_file, audit_live
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

// One simulator with the dataset, fresh Jira and a fresh state file; scenarios in order (cold
// first). Throws std::runtime_error when the simulator or bzjira cannot be run at all; a bzjira
// that fails is reported in the figures (exit code, notes), not thrown.
class BenchSession {
 public:
  BenchSession(BenchPaths paths, DatasetFacts facts, std::string dataset_path);
  ~BenchSession();

  ScenarioFigures cold_sync();
  ScenarioFigures steady_sync();
  ScenarioFigures incremental_sync();
  ScenarioFigures audit_file();
  ScenarioFigures audit_live();

  SimHarness& sim() { return *m_sim; }
  const std::string& mapping_path() const { return m_mapping; }

 private:
  ScenarioFigures run_bzjira(const std::string& name, std::vector<std::string> args);
  ScenarioFigures sync(const std::string& name);

  BenchPaths m_paths;
  DatasetFacts m_facts;
  std::string m_dataset;
  std::string m_mapping, m_state;
  std::unique_ptr<SimHarness> m_sim;
  long m_issues = 0;  // issues Jira should hold by now
  ApiLimits m_limits;
};

}  // namespace bzjira::bench
