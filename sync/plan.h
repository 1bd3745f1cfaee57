// Decide: the pure function from (obligations, mirrored issues, mapping, now) to the actions that make
// Jira match Bugzilla, each with a reason a person can read (Ninja's Plan). Nothing here acts.
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
  create_issue,   // draft + link; one per open obligation without an issue (or per bug)
  update_issue,   // due date / summary / deadline field moved; with a comment saying why
  add_comment,    // a later question added to a per-bug issue; a note
  close_issue,    // obligation satisfied or ended; comment + resolution + link resolved
  reopen_issue,   // closed by hand while still owed (mapping switch); comment says why
  post_reply,     // a Jira comment with the marker, to be posted to Bugzilla
};

const char* to_string(ActionType type);

struct Action {
  ActionType type = ActionType::create_issue;
  std::string obligation_key;  // the idempotency label (bzq-..., bzb-... per bug)
  std::string issue_key;       // empty for create_issue
  BugId bug_id = 0;
  std::string reason;  // one line for people: why this action

  IssueDraft draft;            // create_issue
  IssueUpdate update;          // update_issue (only the fields that change)
  RichText comment;            // update/close/reopen/add_comment: the Jira comment to add (may be empty)
  std::optional<std::string> resolution;  // close_issue
  RemoteLink link;             // create_issue / close_issue (resolved = true)

  // post_reply
  std::string jira_comment_id;
  std::string reply_markdown;
};

struct Plan {
  std::vector<Action> actions;    // deterministic order: by bug id, then obligation key, then type
  std::vector<std::string> notes;  // things a person should know that need no action (duplicates found,
                                   // creates waiting for Jira's search to catch up, ...)
};

struct PlanContext {
  const Mapping* mapping = nullptr;
  const Zone* zone = nullptr;
  Instant now{};
  // Issues created recently (journal/mirror map) that the search may not show yet: an obligation whose
  // key is here is never created again; unconfirmed creates younger than `search_grace` wait.
  std::map<std::string, MirrorEntry> known;
  Seconds search_grace{600};
};

// The labels every issue carries: "bzjira", "bz-<bug>", the obligation key, the mapping's extra labels.
std::vector<std::string> issue_labels(const Mapping& mapping, BugId bug, const std::string& key);

// The obligation key an issue mirrors, from its labels (bzq-/bzn-/bzu-/bzf-/bzb-); empty if none.
std::string obligation_key_of(const MirroredIssue& issue);

// Bug URL and comment URL on the mapping's Bugzilla.
std::string bug_url(const Mapping& mapping, BugId bug);
std::string comment_url(const Mapping& mapping, BugId bug, int comment_count);

// The plan. `bugs` holds every bug in scope (others' issues are closed: "left the scope").
// A second call with the result of applying the first yields no action (idempotent).
Plan make_plan(const std::vector<BugObligations>& bugs, const std::vector<MirroredIssue>& mirrored,
               const PlanContext& context);

// The plan for people (dry-run): one line per action with its reason, then the notes.
std::string describe(const Plan& plan);

}  // namespace bzjira::sync
