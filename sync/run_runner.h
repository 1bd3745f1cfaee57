// The runner of one sync (sync/run.h), shared by the files that implement its steps: run.cpp (the
// order of the steps, Jira, planning and applying) and run_bugzilla.cpp (steps 2 to 4). Internal
// to sync/: nothing outside run*.cpp includes it.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sync/derived_cache.h"
#include "sync/plan.h"
#include "sync/run.h"
#include "sync/steady.h"

namespace bzjira::sync::run_detail {

// What step 6 found: the run's view of every mirrored issue and the search's own answer.
struct JiraView {
  std::vector<MirroredIssue> mirrored;  // the stored states overlaid with the search
  std::vector<MirroredIssue> fresh;     // the search's answer, saved by save_jira
  std::set<std::string> changed;        // issues changed since the previous search
  bool full = false;
  std::string scope;
  // Incremental, and every issue returned equals its stored state (sync/steady.h); set only while
  // the run may be steady. When nothing was returned, `mirrored` is left empty (never planned).
  bool quiet = false;
};

class Runner {
 public:
  Runner(BugSource& bugs, IssueTracker& tracker, StateStore& store, const Mapping& mapping,
         const Zone& zone, Instant now, const RunOptions& options)
      : m_bugs(bugs),
        m_tracker(tracker),
        m_store(store),
        m_mapping(mapping),
        m_zone(zone),
        m_now(now),
        m_plan_now(now),
        m_options(options),
        m_bz0(bugs.request_count()),
        m_jira0(tracker.request_count()) {}

  RunReport run();

 private:
  // Ends the run early: nothing is planned on partial data.
  RunReport stop(int exit_code, const std::string& what, const Error& error);

  RunReport finish(const std::string& headline);

  void raise_exit(int code);

  // Step 8: executes `plan` through a tracker that records each accepted write in the issue's
  // stored state (mirror_view.h); the execution and its errors go into m_report.
  void execute_plan(const Plan& plan, const std::vector<MirroredIssue>& mirrored);

  // Steps 2 to 4. Unless m_all_heads, `records` holds no bug yet: the heads of the bugs the
  // search returns are loaded (all of them on a full search).
  StepResult<Ok> read_bugzilla(std::map<BugId, BugRecord>& records,
                               std::optional<Instant> watermark, Instant server_time,
                               DerivedWindows& derived);
  // The heads read_bugzilla did not load (a run that may be steady and is not), under those it
  // holds, leaving out the bugs it removed.
  Status load_other_heads(std::map<BugId, BugRecord>& records);
  // The end of a run that the steady mark stands for (sync/steady.h): no bug is loaded, derived
  // or planned; the searches' marks are saved and the empty plan executed as in any run.
  RunReport steady_run(const JiraView& view);
  // After an evaluation: the mark it leaves (plan empty, no error), else none.
  void leave_steady_mark(const Plan& plan, const DerivedWindows& derived);
  void count_windows(const std::vector<Obligation>& windows);
  Status adopt_mirrors(const std::vector<MirroredIssue>& mirrored,
                       std::map<std::string, MirrorEntry>& known);
  StepResult<JiraView> search_jira();
  Status save_jira(const JiraView& view);
  // Ends the run after a failed Jira read: the Bugzilla data is cached, the watermark may move.
  RunReport stop_after_jira(const StepFailure& failure, Instant server_time, bool had_watermark);

  BugSource& m_bugs;
  IssueTracker& m_tracker;
  StateStore& m_store;
  const Mapping& m_mapping;
  const Zone& m_zone;
  Instant m_now;       // the clock (or --now): decides the Jira search window
  Instant m_plan_now;  // m_now, or the last search's time when the clock went back: plans
  const RunOptions& m_options;
  int m_bz0, m_jira0;
  bool m_cache_changed = false;      // the Bugzilla reads found something new
  std::set<BugId> m_reread;          // bugs read from Bugzilla this run
  std::set<BugId> m_whole;           // those whose records keep comments and history (dry run)
  std::string m_clock_note;          // set when the clock went back
  std::vector<std::string> m_notes;  // what the run learned on the way (the key check)
  std::string m_jira_search;         // what step 6 searched, for the summary
  std::string m_reply_account;       // the login replies are posted as, when known
  std::string m_steady_fingerprint;  // steady_fingerprint() of this run
  std::optional<SteadyMark> m_mark;  // the store's at the start of the run
  bool m_steady = false;             // the mark may stand for this run (so far)
  bool m_all_heads = true;           // every cached bug's head is in the records
  std::set<BugId> m_removed;         // bugs removed from the cache this run
  RunReport m_report;
};

}  // namespace bzjira::sync::run_detail
