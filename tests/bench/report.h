// The benchmark's output: medians over runs, a table per size, the issue-8 targets checked, and
// every figure as JSON (--json).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "tests/bench/dataset.h"
#include "tests/bench/scenarios.h"

namespace bzjira::bench {

struct SizeResult {
  DatasetSpec spec;
  DatasetFacts facts;
  double generate_seconds = 0;
  double sim_start_seconds = 0;  // median time for bzjira-sim to load the dataset and listen
  long sim_rss_kb = 0;           // the simulator's resident memory after the last scenario
  // The machine's 1-minute load average when the size started and ended (/proc/loadavg): CPU
  // times grow when other work shares the cores, so figures are read together with it.
  double load_before = 0, load_after = 0;
  std::vector<std::vector<ScenarioFigures>> runs;  // runs[r] = the scenarios of run r, in order
};

// Field-by-field median of one scenario over the runs (request counts too: they should not vary;
// when they do, the notes say so).
ScenarioFigures median_figures(const std::vector<ScenarioFigures>& runs);

// The table of one size (medians), with minimum requests and ratios.
void print_size(std::ostream& out, const SizeResult& size);

// The issue-8 targets, one line each: PASS / FAIL / n/a (size not run) with the measured value.
void print_targets(std::ostream& out, const std::vector<SizeResult>& sizes);

// Every figure of every run, the medians and the targets, as JSON text.
std::string results_json(const std::vector<SizeResult>& sizes, const std::string& command);

}  // namespace bzjira::bench
