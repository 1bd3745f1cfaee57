// Step 6b of a sync run (sync/run.h): reading the Jira comments that replies need and planning
// them (sync/plan_replies.h), through the ports. Separate from run.cpp, which orchestrates.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "sync/exit_code.h"
#include "sync/mapping.h"
#include "sync/plan_replies.h"
#include "sync/ports.h"
#include "sync/result.h"
#include "sync/state.h"
#include "sync/time.h"

namespace bzjira::sync {

// What the run knows by step 6b.
struct ReplyReading {
  const Mapping& mapping;
  const std::vector<MirroredIssue>& mirrored;  // the run's view of every mirrored issue
  const std::set<std::string>& changed;        // changed_issues() of this run's search
  // The cache, up to date with Bugzilla: bugs and flags (StateStore::load_bug_heads), the comments
  // only of those in `whole`; the others' are in the store.
  const std::map<BugId, BugRecord>& bugs;
  const std::set<BugId>& whole;
  const std::string& account;  // the login replies are posted as; may be empty
  Instant now{};
};

// Unless mapping.replies.enabled, nothing (and the "read every issue once" mark is cleared, so
// that enabling replies again reads them all). Else: takes the comments of issues_to_read() (all
// open issues on the first run with replies enabled, SearchMarks::replies_read_all) from the
// search where it brought them whole (MirroredIssue::comments), else reads them, one request per
// issue; then plan_replies(); its records are stored (remember, forget; a dry run's store keeps
// nothing) before the caller saves the Jira search marks. Fails with a read failure (exit 3;
// nothing was written) or a store failure (exit 4).
StepResult<ReplyPlan> read_replies(IssueTracker& tracker, StateStore& store,
                                   const ReplyReading& reading);

// After the search is saved: notes that a run read every open issue (once, when the mark is
// missing).
Status replies_read(StateStore& store, const ReplyReading& reading);

}  // namespace bzjira::sync
