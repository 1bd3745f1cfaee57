// Decide: the pure function from (obligations, mirrored issues, mapping, now) to the actions that
// make Jira match Bugzilla, each with a reason a person can read (Ninja's Plan). Nothing here acts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sync/mapping.h"
#include "sync/obligations.h"
#include "sync/ports.h"
#include "sync/rich_text.h"
#include "sync/state.h"
#include "sync/time.h"
#include "sync/zone.h"

namespace bzjira::sync {

// Everything the plan needs to know about one bug in scope.
struct BugObligations {
  BugId bug_id = 0;
  std::string summary;
  bool resolved = false;
  std::string resolution;
  std::vector<Obligation> windows;  // every window (open and ended), from obligation_windows()
};

enum class ActionType {
  create_issue,  // draft + link; one per open obligation without an issue (or per bug)
  update_issue,  // due date / summary / deadline field moved; with a comment saying why
  add_comment,   // a later question added to a per-bug issue; a note
  close_issue,   // obligation satisfied or ended; comment + resolution + link resolved
  reopen_issue,  // closed by hand while still owed (mapping switch); comment says why
  post_reply,    // a Jira comment with the marker, to be posted to Bugzilla
};

const char* to_string(ActionType type);

struct Action {
  ActionType type = ActionType::create_issue;
  std::string obligation_key;  // the idempotency label (bzq-..., bzb-... per bug)
  std::string issue_key;       // empty for create_issue
  BugId bug_id = 0;
  std::string reason;  // one line for people: why this action

  IssueDraft draft;    // create_issue
  IssueUpdate update;  // update_issue / reopen_issue / add_comment: only what changes
  RichText comment;    // update/close/reopen/add_comment: the Jira comment to add (may be empty)
  std::optional<std::string> resolution;  // close_issue
  RemoteLink link;                        // create_issue / close_issue (resolved = true)

  // post_reply (sync/plan_replies.h)
  std::string jira_comment_id;
  std::string reply_markdown;       // the reply (marker removed); the reference line is added
  Instant reply_created{};          // when the Jira comment was written
  std::vector<FlagId> clear_flags;  // the CA's needinfo flags to clear afterwards (mapping switch)
  // Already on Bugzilla (its reference found, or an earlier run's record): nothing is posted.
  std::optional<CommentId> reply_bugzilla_id;
  std::optional<int> reply_count;  // its comment number, when known
};

struct Plan {
  std::vector<Action> actions;     // deterministic order: by bug id, then obligation key, then type
  std::vector<std::string> notes;  // things a person should know that need no action (duplicates
                                   // found, creates waiting for Jira's search to catch up, ...)
};

struct PlanContext {
  const Mapping* mapping = nullptr;
  const Zone* zone = nullptr;
  Instant now{};
  // Issues created recently (journal/mirror map) that the search may not show yet: an obligation
  // whose key is here is never created again; unconfirmed creates younger than `search_grace` wait.
  std::map<std::string, MirrorEntry> known;
  Seconds search_grace{600};
};

// The labels every issue carries: "bzjira", "bz-<bug>", the obligation key, the mapping's extra
// labels.
std::vector<std::string> issue_labels(const Mapping& mapping, BugId bug, const std::string& key);

// The bug an issue mirrors, from its "bz-<N>" label; nullopt when it has none.
std::optional<BugId> bug_id_of(const MirroredIssue& issue);

// The obligation key an issue mirrors, from its labels (bzq-/bzn-/bzu-/bzf-/bzb-); empty if none.
std::string obligation_key_of(const MirroredIssue& issue);

// Bug URL and comment URL on the mapping's Bugzilla.
std::string bug_url(const Mapping& mapping, BugId bug);
std::string comment_url(const Mapping& mapping, BugId bug, int comment_count);

// The plan. `bugs` holds every bug in scope; `mirrored` is Jira's label search. Pure, deterministic
// (actions sorted by bug id, obligation key, type; notes in discovery order). Never fails: a null
// mapping gives an empty plan with a note, a null zone means UTC.
//
// Issues are indexed by obligation_key_of(labels). When several open issues share a key, the one
// with the lowest number is kept and the others are noted (never deleted); every open one is closed
// when the obligation ends.
//
// One issue per obligation (mapping.policy.one_issue_per == obligation):
// - open window, no issue: create_issue (summary "Bug N: reply due D — question from x (comment
// 1)",
//   D the Jira due date; description with the quoted comment unless private and copying is off; due
//   = due_date(deadline, zone, lead_days); labels = issue_labels(); deadline field when configured;
//   remote link globalId "system=<bugzilla url>&id=<bug>&key=<key>"). Not when the key is in
//   context.known: a confirmed create (issue_key set) that the search does not show is treated as
//   existing and left alone, with a note (never a second issue, however long the search lags); an
//   unconfirmed one (empty issue_key) younger than search_grace waits (older: the first create
//   evidently failed, create again).
// - open window, issue done: nothing when any of its issues was closed with a resolution in
//   jira.dismissed_resolutions (case-insensitive; noted); else reopen_issue when jira.reopen
//   (comment "Reopened by bzjira: <obligation> is still owed, due <date>", plus the fields that
//   moved); else nothing (noted).
// - open window, issue open: update_issue (due, summary, description, deadline field) when the due
//   date or the configured deadline field differs, with a comment "Due date moved from A to B:
//   why".
// - ended window (met, missed, void) with open issues: close_issue with jira.resolution, a comment
//   naming who answered, when (UTC), the comment link, and "on time (N early)" / "late by N", or
//   the end reason ("bug resolved (FIXED)", "closure requested"); the remote link marked resolved.
// - an open issue whose key matches no window of a bug in `bugs`: close_issue, "bug left the scope
// of
//   this mapping" when its bz-<N> bug is not in `bugs`, else "the obligation no longer exists".
//
// One issue per bug (one_issue_per == bug): key bzb-<bug>; the issue covers the bug's open windows
// (labels list every covered key), due = the earliest deadline's due date. A newly open obligation
// missing from the labels -> add_comment ("New: question from x in comment N, due D") with the
// labels extended. Closed when no window is open (comment lists how each covered one ended).
// Obligations covered by a dismissed issue (or by any closed one when reopening is off) stay out.
//
// Applying the plan and planning again over the result yields no action.
Plan make_plan(const std::vector<BugObligations>& bugs, const std::vector<MirroredIssue>& mirrored,
               const PlanContext& context);

// The plan for people (dry-run): one line per action with its reason, then the notes.
std::string describe(const Plan& plan);

}  // namespace bzjira::sync
