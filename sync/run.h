// One `bzjira sync` run, orchestrated through the ports (ARCHITECTURE.md "Data flow of one run"):
// read what changed on Bugzilla into the cache, compute every window, find the mirrored issues,
// plan, apply.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/executor.h"
#include "sync/exit_code.h"
#include "sync/mapping.h"
#include "sync/ports.h"
#include "sync/result.h"
#include "sync/state.h"
#include "sync/time.h"
#include "sync/zone.h"

namespace bzjira::sync {

struct RunOptions {
  bool dry_run = false;       // plan and report only: no write to Jira, Bugzilla or the store
  std::string run_id;         // stamps the journal and the run record
  Seconds search_grace{600};  // PlanContext::search_grace
  std::string build;          // the program's version: a steady mark of another is not used
};

struct RunReport {
  ExecutionReport execution;  // in dry-run: the plan's lines
  int obligations_open = 0;   // open windows, overdue ones included
  int overdue = 0;
  std::optional<Instant> next_deadline;          // earliest deadline still ahead of `now`
  int bugzilla_requests = 0, jira_requests = 0;  // sent by this run
  std::vector<std::string> notes;  // the plan's notes (duplicates, creates waiting for the search)
  std::vector<Error> errors;       // reads that failed, and every execution error
  int exit_code = k_exit_ok;       // sync/exit_code.h
  std::string summary;             // one line for people
  bool steady = false;  // the steady mark stood for the evaluation (sync/steady.h): none derived
};

// One run at `now` (UTC; the clock or --now):
// 0. The API key check (sync/auth_check.h): when the state holds no check of this server and
//    bugzilla.auth younger than a day, BugSource::verify_auth() (one or two requests) and the
//    result is remembered; else the remembered mode is used (use_auth), no request. A server that
//    reads the key's requests anonymously, refuses the key or is no Bugzilla REST API ends the
//    run with exit 2 (a configuration error: it will not fix itself).
// 1. t = Bugzilla's server time.
// 2. Scoped search: everything when the store has no watermark or the last full search is more
//    than a day old (it is how bugs that left the scope are noticed); else bugs changed since
//    watermark - 5 minutes. Bugs the search returns identical to the cache are not read again.
// 3. Changed bugs: all their comments in batched calls (cached and new bugs alike); histories, in
//    one batched call, only for bugs newly resolved without cf_last_resolved, or whose cached
//    needinfo flag is gone.
// 4. The cache is saved; bugs out of scope (in_scope()) are removed from it.
// 5. Windows of every cached bug in scope (obligation_windows at `now`; sync/derived_cache.h).
//    When the store's steady mark stands for this run (sync/steady.h: nothing new in either
//    search, replies off, the mapping and build as at the mark, the plan time before the next
//    deadline), Jira is searched first (6) and the run ends without 5, 6b and 7: no bug is loaded
//    or derived, the plan is empty, the report's counts are the mark's. An evaluation whose plan
//    is empty and whose run ended without an error leaves a new mark (9).
// 6. Jira's label search, incremental (sync/mirror_view.h): the issues updated since the previous
//    search (by `now`) + 10 minutes, overlaid on the states stored from earlier searches and
//    actions; a full search when there are no marks, the mapping's project or deadline field
//    changed, the clock went backwards, or the last full search is a day old (issues deleted in
//    Jira or stripped of the label are forgotten only then).
// 6b. With mapping.replies.enabled (sync/run_replies.h): the comments of the open issues the
//    search shows changed (changed_issues: every one of an incremental search, those whose
//    `updated` moved of a full one), and of issues with an unfinished reply, one request each;
//    plan_replies() over them and the cache; its reply records stored. Then the search's issues and
//    its marks are stored (not in a dry run), so a failed read is retried next run.
// 7. Issues the search shows for keys the mirror map lacks or has unconfirmed are written to the
//    map: how a lost store is rebuilt. make_plan with the store's mirror map as `known`, plus the
//    replies.
// 8. execute (unless dry_run, which writes nothing anywhere); each write Jira accepts also stores
//    the issue's new state (RecordingTracker).
// 9. the watermark becomes t unless the reads found nothing new (the old one is as good: the next
//    search is a superset). Every Bugzilla read succeeded by then; Jira failures do not hold it
//    back, the Bugzilla data is cached. The author of a reply read back is remembered as the reply
//    account. The steady mark is stored, or removed when the plan was not empty. The run is
//    recorded.
// A failed Bugzilla or Jira read ends the run with exit 3 before planning (nothing is planned on
// partial data); a store failure with exit 4; failed actions give exit 1. A steady run (nothing
// changed) sends exactly three requests (Bugzilla time and search, Jira search of updated issues),
// with replies enabled too, writes nothing to either system, and to the store only the search
// mark and its run record (plus the states of issues the search returned, and the steady mark
// when a write of the run dropped it). Issues this run
// changes are searched again by the next run (their `updated` moved after this search), and with
// replies enabled their comments are read then. Never throws (unless a port does).
RunReport run_sync(BugSource& bugs, IssueTracker& tracker, StateStore& store,
                   const Mapping& mapping, const Zone& zone, Instant now,
                   const RunOptions& options);

}  // namespace bzjira::sync
