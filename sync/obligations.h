// The obligation engine: turns one bug's comments, flags, history and whiteboard into every
// obligation window the CA had or has (shared/RULES.md). Pure: no clock, no I/O. Linear in the
// number of comments and history entries after one sort.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/mapping.h"
#include "sync/model.h"
#include "sync/time.h"

namespace bzjira::sync {

enum class ObligationKind { question, needinfo, update, full_report };

// met: satisfied at or before the deadline; missed: deadline passed before it was satisfied or
// ended; overdue: still open and past the deadline; open: still open, deadline ahead; void: ended
// by resolution or a closure request before its deadline.
enum class WindowStatus { open, overdue, met, missed, void_ };

const char* to_string(ObligationKind kind);
const char* to_string(WindowStatus status);

struct Obligation {
  std::string key;  // stable identity: bzq-<bug>-<comment>, bzn-<bug>-<flag>, bzu-<bug>-<comment>,
                    // bzf-<bug>
  ObligationKind kind = ObligationKind::question;
  BugId bug_id = 0;
  Instant start{};
  Instant deadline{};
  std::optional<Instant> should_by;  // revocation-delay SHOULD date (a warning, not the deadline)
  std::string rule;                  // the clause it comes from, for people

  // What started it.
  std::optional<CommentId> start_comment_id;
  std::optional<int> start_comment_count;
  std::string start_author;  // comment author, or the flag's setter
  std::optional<FlagId> flag_id;
  bool start_comment_private = false;
  std::string start_text;       // the comment's text (callers decide whether they may copy it)
  bool start_reopened = false;  // update window opened by the bug's reopening (no comment)
  bool deadline_from_next_update = false;
  std::optional<Date> next_update;  // the whiteboard date the deadline comes from, when it does
  int days = 0;  // N of the rule "within N days" that set the deadline; 0 for a Next update date

  // How it ended (all empty while open).
  std::optional<Instant> satisfied_at;
  std::string satisfied_by;  // login, or "flag cleared"
  std::optional<CommentId> satisfied_comment_id;
  std::optional<int> satisfied_comment_count;
  std::optional<Instant> ended_at;  // void/ended without satisfaction: resolution or closure
  std::string end_reason;           // "bug resolved (FIXED)", "closure requested", ...

  WindowStatus status = WindowStatus::open;
  // Positive = late by that much, negative = early by that much. For open windows: now - deadline.
  Seconds late_seconds{0};

  bool is_open() const { return status == WindowStatus::open || status == WindowStatus::overdue; }
};

// Every window of one bug, oldest start first (ties by key). `now` bounds open windows.
//
// How the rules are read (shared/RULES.md; details in sync/obligations.cpp and
// sync/obligations_update.cpp):
// - Accounts compare case-insensitively. Comments from `ignored_accounts` start and satisfy nothing
//   (an account in both lists counts as ignored). Private comments count like public ones and set
//   start_comment_private.
// - Comments are taken in (time, id) order, so "after" a comment means a later second, or the same
//   second with a larger id; "after" an instant (flag, bug creation) means a later second. A CA
//   comment at exactly the deadline meets it.
// - question: every comment by someone neither CA nor ignored, the description included; key
//   bzq-<bug>-<comment id>. Several questions are all answered by the next CA comment.
// - needinfo: a current "needinfo" flag (matched by name, status "?") on a CA account, or one set
//   in the history ("flagtypes.name" adding "needinfo?(<login>)") that is no longer a current flag.
//   Key bzn-<bug>-h<epoch seconds of the request> in both cases (a "-2", "-3" suffix, in requestee
//   order, when several CA accounts were asked in the same second), so a window keeps its key when
//   its flag is cleared. Satisfied by the first CA comment after it or by its clearing in the
//   history ("flag cleared"), whichever is first.
// - update: see sync/obligations_update.cpp; key bzu-<bug>-<start comment id>, 0 for the window
//   from the bug's creation. Not owed after a closure request until someone else comments.
// - full_report (policy.full_report): key bzf-<bug>; met by the first CA comment (the description
//   included) with three or more of the template's headings on Markdown heading lines.
// - Resolution ends every unsatisfied window at the moment the bug was resolved: void if its
//   deadline was still ahead (or exactly then), missed otherwise. Reopened bugs are read from the
//   history; nothing starts while a bug is resolved.
// - Everything after `now` (comments, history, flags, a resolution) is ignored, so a backfill
//   with an earlier `now` sees the bug as it was then (the current whiteboard and flags excepted).
// Never fails; malformed or missing data simply yields fewer windows.
std::vector<Obligation> obligation_windows(const BugRecord& record, const PolicySettings& policy,
                                           const std::vector<std::string>& ca_accounts,
                                           const std::vector<std::string>& ignored_accounts,
                                           Instant now);

// The subset that is open or overdue at `now`, most urgent (earliest deadline) first.
std::vector<Obligation> open_obligations(const BugRecord& record, const PolicySettings& policy,
                                         const std::vector<std::string>& ca_accounts,
                                         const std::vector<std::string>& ignored_accounts,
                                         Instant now);

// Case-insensitive account match against a list.
bool account_in(const std::string& login, const std::vector<std::string>& accounts);

}  // namespace bzjira::sync
