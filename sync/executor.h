// Do: applies a Plan through the ports and journals every action (Ninja's Builder to the Plan), and
// the Jira -> Bugzilla replies: finding comments that carry the mapping's marker, posting each
// once.
#pragma once

#include <map>
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
// Executing a post_reply action (inside execute):
// - its Jira comment id confirmed in store.replies(): skipped (the Jira note is added if missing);
// - there but unconfirmed (a run died after sending): the bug's comments since sent_at - 60 s are
//   searched for the same text (reply_text_hash) by the account bzjira posts as (whoami, else any
//   CA account); found -> confirmed, not posted again;
// - otherwise put_reply (unconfirmed) BEFORE post_comment, then confirm with the new comment id,
// add
//   the Jira note "Posted to Bugzilla as comment N", and clear the action's needinfo flags.
// The obligation itself closes in a later run, when the posted comment is read back from Bugzilla.

// Newest comment time looked at per issue, to move the "replies_seen:<key>" mark.
struct SeenMark {
  Instant before{};  // the mark when the scan started
  Instant newest{};  // the newest comment the scan returned (>= before)
};

struct ReplyScan {
  std::vector<Action> actions;  // post_reply, by issue key then comment time
  std::map<std::string, SeenMark> seen;
  std::vector<Error> errors;  // Jira or store reads that failed (those issues are skipped)
};

// For each open mirrored issue with an obligation key and a bz-<N> label: its comments since the
// mark in get_meta("replies_seen:<key>") (RFC 3339; the epoch when absent) whose text starts with
// mapping.replies.marker (case-insensitive, followed by white space or the end) become post_reply
// actions with the text after the marker, trimmed. Comments already confirmed and acknowledged, and
// empty replies, are left out. `records` (the bug cache) supplies the CA's needinfo flags to clear
// when mapping.replies.clear_needinfo. Does nothing unless mapping.replies.enabled. Writes nothing.
ReplyScan collect_replies(IssueTracker& tracker, StateStore& store, const Mapping& mapping,
                          const std::vector<MirroredIssue>& mirrored,
                          const std::vector<BugRecord>& records);

// After execute: moves each issue's mark to its newest comment, or back to the oldest reply that is
// not yet confirmed and acknowledged (comments_since is inclusive, so it is looked at again).
// Writes only marks that change.
Status finish_replies(StateStore& store, const ReplyScan& scan);

// Hex digest of a reply's text, normalized (CR LF -> LF, outer white space trimmed), to recognise
// the same text on Bugzilla.
std::string reply_text_hash(const std::string& text);

}  // namespace bzjira::sync
