// Read-only looks into bzjira's state database (adapters/store/schema.cpp) for the reliability
// tests: the journal of one run, to hold a run's exit code against what it did.
#pragma once

#include <string>
#include <vector>

namespace bzjira::reliability {

struct JournalRow {
  std::string action, obligation_key, target, state, detail;
};

struct RunJournal {
  bool found = false;   // a run record started at the given instant exists
  std::string outcome;  // runs.outcome: "ok", "partial", "failed"
  std::vector<JournalRow> rows;
};

// The run recorded as started at `now_rfc3339` (the run's --now) and its journal rows. Returns
// found = false when there is no such run (it died before recording itself) or no database.
RunJournal run_journal(const std::string& db_path, const std::string& now_rfc3339);

// The watermark (Bugzilla's time of the last complete read), seconds since the epoch; -1 when
// none is stored.
long long watermark(const std::string& db_path);

// "YYYY-MM-DDTHH:MM:SSZ" for seconds since the epoch.
std::string rfc3339(long long epoch_seconds);

// Seconds since the epoch of an RFC 3339 UTC instant "YYYY-MM-DDTHH:MM:SSZ".
long long epoch_seconds(const std::string& rfc3339);

}  // namespace bzjira::reliability
