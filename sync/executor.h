// Do: applies a Plan through the ports and journals every action (Ninja's Builder to the Plan),
// the replies from Jira to Bugzilla included (posting each once).
#pragma once

#include <string>
#include <vector>

#include "sync/mapping.h"
#include "sync/plan.h"
#include "sync/ports.h"
#include "sync/result.h"
#include "sync/state.h"
#include "sync/time.h"

namespace bzjira::sync {

struct ExecutionReport {
  int created = 0, updated = 0, commented = 0, closed = 0, reopened = 0, replies_posted = 0;
  int failed = 0;                  // actions that failed in whole or in part
  std::vector<std::string> lines;  // one per action for people ("created CAINC-7 for bug 1 ...")
  std::vector<Error> errors;       // one per failure, message naming the action and the issue
  std::string reply_account;       // the author of a reply this run posted and read back
};

// Applies `plan`. `now` (UTC) stamps journal entries, mirror entries and reply records.
// - Creates go first, in one create_issues call (the tracker chunks). Before sending, each create
//   is journaled (sent), its mirror entry stored with an empty issue_key (unconfirmed) and its
//   remote link marked (sync/trail.h), in one batch; after the answer the entry gets the key and
//   the journal says done; then the links of all created issues go in one upsert_remote_links
//   call (the tracker may send them concurrently) and their marks are cleared. A create whose
//   journal, mirror or mark write fails is not sent. A create Jira rejected drops its mirror
//   entry; one whose outcome is unknown (transient) keeps it unconfirmed, so the next plans wait
//   for the search. A link still marked from an earlier run is added first, to the issue its
//   mirror entry names.
// - Then the other actions in plan order, each journaled sent -> done/failed. The step that makes
//   the next plan stop wanting an action comes last, so a run that dies in between leaves the
//   action planned again: update (comment, then fields), add_comment (comment, then labels),
//   close (comment, link resolved, then the transition with jira.resolution), reopen (comment,
//   transition to "to do", fields), post_reply (see below). Each such comment is marked before it
//   is sent; when an earlier run left the mark, the issue's comments are read first (one request)
//   and a comment that landed is not added again.
// - A failure is counted, reported and journaled; it never stops the other actions.
// With `dry_run`, nothing is called: dry_run_report(plan). Not an error: an empty plan.
ExecutionReport execute(const Plan& plan, IssueTracker& tracker, BugSource& bugs, StateStore& store,
                        const Mapping& mapping, const std::string& run_id, Instant now,
                        bool dry_run);

// What a dry run reports: the counts of what `plan` would do (so the summary matches the plan
// lines) and `lines` = the plan, one line per action, then its notes.
ExecutionReport dry_run_report(const Plan& plan);

// ---------------------------------------------------------------- replies (Jira -> Bugzilla)
//
// Executing a post_reply action (planned by sync/plan_replies.h, inside execute):
// - already on Bugzilla (reply_bugzilla_id or reply_count set): the record is confirmed, the Jira
//   note "Posted to Bugzilla as comment N (Jira comment C)." added, the action's needinfo flags
//   cleared; nothing is posted;
// - else the record is stored (unconfirmed) BEFORE post_comment, which sends the reply followed by
//   its reference line (reply_post_text); the new comment is read back for its number and author
//   (one request), the record confirmed, the note added and the flags cleared. When the read-back
//   fails the note waits for the next run, which finds the comment in its cache.
// A post whose answer is lost leaves the record unconfirmed; the next run reads the bug (it
// changed) and finds the reference before posting again. The obligation itself closes in a later
// run, when the posted comment is read back from Bugzilla and its author is a CA account.
// ExecutionReport::reply_account is the author of a reply read back (the login replies are posted
// as), for the run to remember.

}  // namespace bzjira::sync
