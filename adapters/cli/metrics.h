// `bzjira sync --metrics-file`: the run's numbers in the Prometheus text format, written atomically
// for node_exporter's textfile collector (a scrape never sees half a file).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "sync/result.h"

namespace bzjira::adapters::cli {

// What one file holds. Gauges describe the latest run; counters (the *_total maps) keep counting
// across runs: each run adds its own numbers to those of the previous file.
struct SyncMetrics {
  // The mapping's name: every sample carries it as the label mapping="<name>", so that one
  // textfile directory can hold the files of several mappings without duplicate series.
  std::string mapping;
  std::map<std::string, double> open_by_kind;   // bzjira_obligations_open{kind}: every kind listed
  double overdue = 0;                           // bzjira_obligations_overdue
  std::optional<double> next_deadline_seconds;  // bzjira_next_deadline_seconds: from the run's
                                                // `now` to the earliest deadline still ahead
  std::optional<double> last_success;      // bzjira_last_success_timestamp_seconds (Unix time, the
                                           // wall clock at the end of the last run that exited 0)
  std::map<std::string, double> actions;   // bzjira_actions_total{type}
  std::map<std::string, double> errors;    // bzjira_errors_total{system}: failed calls
  std::map<std::string, double> requests;  // bzjira_requests_total{system}: HTTP attempts
  double run_duration_seconds = 0;         // bzjira_run_duration_seconds
};

// The counters and the last success time of a file this program wrote before, so they carry on.
// Only samples whose mapping label is `mapping` are taken (a file without mapping labels, as
// earlier versions wrote it, counts as this mapping's); samples of another mapping are ignored
// rather than added to this one's. Anything it does not recognise is ignored; an empty or garbled
// text gives empty maps. The result's `mapping` is `mapping`.
SyncMetrics read_previous_metrics(const std::string& text, const std::string& mapping);

// The exposition text: for each metric its # HELP and # TYPE lines, then its samples, each with
// mapping="<metrics.mapping>" first (left out when the name is empty) and then its own label, in
// map order; label values escaped as the text format requires (\\, \", \n). Absent optional
// values leave their metric out entirely. Ends with a newline.
std::string render_metrics(const SyncMetrics& metrics);

// Writes `text` to a new file beside `path` (same directory, so the rename cannot cross file
// systems), flushes it to disk, then renames it over `path`, with permissions `mode` (metrics:
// 0644, they hold no secret and the collector usually runs as another user). Errors: config naming
// the path and the system's reason; the temporary file is removed on failure.
sync::Status write_file_atomically(const std::string& path, const std::string& text,
                                   unsigned mode = 0644);

}  // namespace bzjira::adapters::cli
