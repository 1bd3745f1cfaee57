// Decide, for replies from Jira to Bugzilla (mapping replies.enabled): which mirrored issues' Jira
// comments a run reads, and, from what it read, what to post, what is already on Bugzilla and what
// the state must remember. Pure: sync/run.cpp reads, sync/executor_replies_post.cpp posts.
//
// Exactly once, without trusting the state: every posted reply ends with a visible reference line
// naming its Jira origin, and the Jira comment gets a note once it is posted. Before posting, the
// bug's comments (the run's cache, read in the same run) are searched for the reference, and the
// issue's Jira comments for the note, so a post whose answer was lost, or a state that was
// deleted, never leads to a second post.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sync/mapping.h"
#include "sync/model.h"
#include "sync/plan.h"
#include "sync/ports.h"
#include "sync/reply_reference.h"
#include "sync/state.h"
#include "sync/time.h"

namespace bzjira::sync {

// ---------------------------------------------------------------- what to read

// The issues changed since the previous search, by key. An incremental search (`full` false)
// returns only issues updated within its window: every one of them (a person may have written in
// the same second as the `updated` stored before: the time has whole seconds only, so an equal
// time proves nothing). A full search returns every issue: those whose `updated` differs from the
// stored state of the same key, or that have none. Windows overlap by the search margin, so a
// change is usually seen by two runs; issues bzjira itself wrote count too (JQL cannot leave out
// "updated by us").
std::set<std::string> changed_issues(const std::vector<MirroredIssue>& stored,
                                     const std::vector<MirroredIssue>& fresh, bool full);

// The issues whose comments a run reads, in key order (empty unless mapping.replies.enabled):
// among the mirrored issues that carry an obligation key and a bz-<N> label, the open ones in
// `changed` (all open ones when `read_all`: no run has read them all since replies were enabled),
// and every issue with a reply record that is not finished (a reply planned, posted without its
// note, ...), open or not.
std::vector<std::string> issues_to_read(const Mapping& mapping,
                                        const std::vector<MirroredIssue>& mirrored,
                                        const std::set<std::string>& changed,
                                        const std::map<std::string, ReplyRecord>& records,
                                        bool read_all);

// ---------------------------------------------------------------- what to do

struct ReplyInputs {
  const Mapping* mapping = nullptr;
  const std::vector<MirroredIssue>* mirrored = nullptr;  // the run's view of every issue
  // The comments read this run (issues_to_read), by issue key, oldest first.
  const std::map<std::string, std::vector<IssueComment>>* comments = nullptr;
  const std::map<BugId, BugRecord>* bugs = nullptr;  // the cache, read from Bugzilla this run
  const std::map<std::string, ReplyRecord>* records = nullptr;
  std::string account;  // the login replies are posted as; empty when unknown
  Instant now{};
};

struct ReplyPlan {
  // post_reply actions, by issue key then Jira comment order. An action with reply_bugzilla_id or
  // reply_count set is already on Bugzilla: the executor records it and adds the note, no post.
  std::vector<Action> actions;
  // Records to store before the Jira search marks move past the comments: each planned post
  // (sent_at = now, not posted yet), and each reply found posted (reference, note).
  std::vector<ReplyRecord> remember;
  // Jira comment ids whose unfinished record is void: the comment is gone from its issue, or the
  // reply never went out and its issue is closed while its bug is out of reach.
  std::vector<std::string> forget;
  std::vector<std::string> notes;  // for people: replies that wait, an account that is not the CA's
};

// For each issue read and each of its comments that is a reply (reply_text non-empty; on a closed
// issue only when a record says an earlier run planned it), in order:
// - its record finished: nothing;
// - Jira holds its note: remembered as posted and acknowledged (the note's comment number), no
//   action;
// - the bug's cached comments hold its trusted reference (trusted_reference), or its record says
//   it was posted: an action to complete it (record, then note), never a second post;
// - else a post: remembered first, and clearing the CA's open needinfo flags (set before now) when
//   mapping.replies.clear_needinfo.
// Replies of an issue whose bug is not in `bugs` wait (a note): nothing can be checked there.
// A known `account` outside bugzilla.ca_accounts gives a note: such replies do not answer the
// obligation, and its issue stays open. Deterministic; never fails.
ReplyPlan plan_replies(const ReplyInputs& inputs);

}  // namespace bzjira::sync
