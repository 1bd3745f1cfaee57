// The numbers of one `bzjira sync` run turned into its metrics file (metrics.h): gauges from the
// state's cached bugs at the run's `now`, counters carried on from the previous file.
#pragma once

#include <string>

#include "sync/mapping.h"
#include "sync/result.h"
#include "sync/run.h"
#include "sync/state.h"
#include "sync/time.h"

namespace bzjira::adapters::cli {

struct RunFacts {
  const sync::RunReport& report;
  int bugzilla_errors = 0;  // failed calls per system during the run
  int jira_errors = 0;
  int state_errors = 0;
  double seconds = 0;     // wall-clock duration
  sync::Instant ended{};  // the wall clock when it ended (not --now)
};

// Open obligations by kind, overdue ones and the next deadline come from the cache in `store` (the
// run has just brought it up to date; after a failed read it is the best knowledge there is), at
// `now`, for the bugs in the mapping's scope. The last success time is `facts.ended` when the run
// exited 0, else the previous file's. Errors: the store's (reading the cache) or
// write_file_atomically's.
sync::Status write_sync_metrics(const std::string& path, sync::StateStore& store,
                                const sync::Mapping& mapping, sync::Instant now,
                                const RunFacts& facts);

}  // namespace bzjira::adapters::cli
