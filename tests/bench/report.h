// The benchmark's output: medians over runs, a table per size, how cost grows with the dataset,
// the targets of issues 8 and 14 checked (targets.h), and every figure as JSON (--json).
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

// Every run's figures of scenario `name` in one size, in run order.
std::vector<ScenarioFigures> runs_named(const SizeResult& size, const std::string& name);

// `value` with `decimals` digits after the point.
std::string format_fixed(double value, int decimals);

// How a scenario's median CPU and peak memory grow from the smallest to the largest dataset run
// (by comments): the exponent k of cost ~ comments^k (1 = linear, 0 = flat).
struct Growth {
  std::string scenario;
  long long comments_from = 0, comments_to = 0;
  double cpu_from = 0, cpu_to = 0, cpu_exponent = 0;
  double rss_mb_from = 0, rss_mb_to = 0, rss_exponent = 0;
};
// Empty when fewer than two sizes of different comment counts were run.
std::vector<Growth> growth(const std::vector<SizeResult>& sizes);
void print_growth(std::ostream& out, const std::vector<SizeResult>& sizes);

// The table of one size (medians), with minimum requests and ratios.
void print_size(std::ostream& out, const SizeResult& size);

// The targets of issues 8 and 14, one line each: PASS / FAIL / n/a with the measured value.
void print_targets(std::ostream& out, const std::vector<SizeResult>& sizes);

// Every figure of every run, the medians and the targets, as JSON text.
std::string results_json(const std::vector<SizeResult>& sizes, const std::string& command);

}  // namespace bzjira::bench
