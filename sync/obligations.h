// The obligation engine: turns one bug's comments, flags, history and whiteboard into every
// obligation window the CA had or has, as IRG 3.2 says (the reading is written down at
// obligation_windows below). Pure: no clock, no I/O. Linear in the number of comments and history
// entries after one sort.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/mapping.h"
#include "sync/model.h"
#include "sync/time.h"

namespace bzjira::sync {

enum class ObligationKind { question, needinfo, update, full_report };

// docs/rules.md#terms. met: satisfied at or before the deadline; missed: deadline passed before it
// was satisfied or ended; overdue: still open and past the deadline; open: still open, deadline
// ahead; void: ended before its deadline by a resolution, a closure request or a withdrawn
// needinfo.
enum class WindowStatus { open, overdue, met, missed, void_ };

const char* to_string(ObligationKind kind);
const char* to_string(WindowStatus status);

struct Obligation {
  // Stable identity (docs/rules.md#obligation-keys): bzq-<bug>-<comment id>, bzn-<bug>-h<epoch>
  // (-2, -3... for more CA accounts asked in the same second), bzu-<bug>-<comment id> (-0 from the
  // filing, -r<epoch> from a reopening), bzf-<bug>.
  std::string key;
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
  std::string satisfied_by;  // login: who commented, or the requestee who cleared a needinfo
  std::optional<CommentId> satisfied_comment_id;
  std::optional<int> satisfied_comment_count;
  std::optional<Instant> ended_at;  // ended without satisfaction: resolution, closure, withdrawal
  std::string end_reason;  // "bug resolved (FIXED)", "closure requested", "needinfo withdrawn: ..."

  WindowStatus status = WindowStatus::open;
  // Positive = late by that much, negative = early by that much. For open windows: now - deadline.
  Seconds late_seconds{0};

  bool is_open() const { return status == WindowStatus::open || status == WindowStatus::overdue; }
};

// Who a login speaks for. Ignored wins over CA: a bot listed in both must not satisfy anything.
enum class Role { ca, other, ignored };

// The mapping's CA and ignored accounts, lower-cased and sorted once per run, so that asking who
// wrote each of a run's comments allocates nothing (logins match in any ASCII case).
class AccountRoles {
 public:
  AccountRoles(const std::vector<std::string>& ca_accounts,
               const std::vector<std::string>& ignored_accounts);
  Role role_of(std::string_view login) const;

 private:
  std::vector<std::string> m_ca;       // lower case, sorted
  std::vector<std::string> m_ignored;  // lower case, sorted
};

// Every window of one bug, oldest start first (ties by key). `now` bounds open windows.
//
// How bzjira reads the CCADB Incident Reporting Guidelines 3.2, clause by clause; each reading
// cites its section of docs/rules.md, which quotes the clause and gives the reasons in full. Where
// the IRG is silent the reading is the one a CA's compliance officer and a root-program reviewer
// would both accept, and the reason is given. Details in sync/obligations.cpp,
// sync/obligations_update.cpp.
//
// Who speaks for the CA ("What Bugzilla account can I use?"):
// - Exactly the mapping's ca_accounts, compared case-insensitively; never guessed from a domain
//   (docs/rules.md#ca-accounts).
// - ignored_accounts (docs/rules.md#ignored-accounts) are ignored everywhere: their comments start
//   and satisfy nothing, a needinfo they request creates nothing, and their clearing of a flag
//   answers nothing (it withdraws it, below). An account in both lists counts as ignored. Private
//   comments count like public ones.
// - docs/rules.md#time. Comments are taken in (time, id) order: "after" a comment means a later
//   second, or the same second with a larger id; "after" an instant (flag, filing) means a later
//   second. A CA comment at exactly the deadline meets it.
//
// "CA Owners ... MUST respond within 7 days" (comments and questions):
// - question (docs/rules.md#question): every comment by someone neither CA nor ignored, the
//   description included; key bzq-<bug>-<comment id>; due start + response_days. The next CA
//   comment answers all earlier ones.
// - needinfo (docs/rules.md#needinfo; "Request information from" on a CA account) is a question
//   too: a current flag (named "needinfo" in any case, status "?") or one set in the history
//   ("flagtypes.name" adding "needinfo?(<login>)"). Key bzn-<bug>-h<epoch seconds of the request>
//   either way (a "-2", "-3" suffix, in requestee order, when several CA accounts were asked in the
//   same second), so a window keeps its key when its flag is cleared. Answered by the first CA
//   comment after it, or by the requestee clearing the flag (satisfied_by = the requestee, no
//   comment): in Bugzilla that is how the person asked says "done". Cleared by anyone else (a
//   moderator cancelling it, a bot, a colleague's CA account), the request is withdrawn, not
//   answered: the window ends there, void if its deadline was still ahead and missed if not,
//   end_reason "needinfo withdrawn: cleared by <login>". A withdrawal cannot show the CA met a
//   deadline, and need not show it missed one.
//
// Open reports "MUST be updated: on or before the 'Next update' date in the 'Whiteboard' field of
// the bug; within 7 days, if a 'Next update' date is not recorded":
// - update (docs/rules.md#update): one window from each CA comment, from the bug's filing when the
//   CA has not posted yet, and from each reopening; the next CA comment satisfies it. Keys
//   bzu-<bug>-<comment id>, bzu-<bug>-0, bzu-<bug>-r<epoch seconds of the reopening>.
// - The whiteboard as it stood (docs/rules.md#whiteboard-over-time): a Next update date D counts
//   only from the moment it was written (the history dates every whiteboard change). At each moment
//   the value then in force sets the deadline: the end of D in UTC (D+1 00:00Z; the IRG names no
//   zone) when the window started before day D, else start + update_days. The first deadline to
//   pass while in force is the window's, so a window whose 7 days had passed when a date was added
//   stays missed, and a date removed or moved earlier after the 7 days makes the update due at that
//   moment (the rule that applies from then has already run out). A past window is never judged by
//   today's whiteboard.
// - An update posted on day D satisfies D: a window starting on or after day D owes start +
//   update_days until the whiteboard gets a newer date (D is then in the past of that window).
// - A date already over when it was written is no date (the 7 days apply): nothing can have been
//   owed by a day that had ended before anyone asked for it, and the cadence still holds.
// - With no whiteboard change in the history, the current value is taken as held since the filing.
// - "within 3 days of an Action Item being changed, completed, or delayed" is not computed:
//   Bugzilla does not say when an action item changed (docs/rules.md#not-enforced).
//
// Revocation delay (docs/rules.md#revocation-delay; "SHOULD be updated every 3 days and MUST be
// updated no less frequently than every 7 days"): should_by = start + revocation_should_days (a
// warning, never a miss); the deadline is the earlier of start + revocation_must_days and a Next
// update date as above.
//
// Closure (docs/rules.md#closure; "After an Incident Closure Summary has been posted, CA Owners are
// not required to continue updating the incident report unless further questions are asked"): a CA
// comment with the closure summary plus a needinfo on policy.closure_account, or a "[close on D]"
// whiteboard marker appearing, ends the open update window ("closure requested"); the next comment
// by someone neither CA nor ignored resumes the cadence (not a moderator's final call under a close
// marker). Questions are still owed meanwhile.
//
// Full report (docs/rules.md#full-report; "MUST be posted within 14 days of the incident's initial
// disclosure"), optional (policy.full_report): key bzf-<bug>, due filing + full_report_days. Met
// only by a CA comment (the description included) carrying, as headings, all three sections the
// Full Incident Report template has and the Preliminary one lacks: Root Cause Analysis, Lessons
// Learned, Action Items, in any case and any heading style real reports use (# headings of any
// level, underlined headings, **bold** lines, "Title:" lines, also as list items). A preliminary
// report (Summary, Impact, Timeline) is not one; a template posted by anyone but the CA never is.
//
// Resolution and reopening (docs/rules.md#resolution-and-reopening): a resolution ends every
// unsatisfied window at the moment the bug was resolved: void if its deadline was still ahead (or
// exactly then), missed otherwise; nothing starts while a bug is resolved. A reopening (status from
// resolved to open in the history) makes the report open again: it owes an update within
// update_days of the reopening even when nobody comments, or by a Next update date written after
// the reopening (a date written before belonged to the report that was closed).
//
// Everything after `now` (comments, history, flags, a resolution) is ignored (docs/rules.md#time),
// so a backfill with an earlier `now` sees the bug as it was then (the current flags excepted).
// Never fails; malformed or missing data simply yields fewer windows.
std::vector<Obligation> obligation_windows(const BugRecord& record, const PolicySettings& policy,
                                           const std::vector<std::string>& ca_accounts,
                                           const std::vector<std::string>& ignored_accounts,
                                           Instant now);
// The same with the accounts prepared once (a run or an audit over many bugs).
std::vector<Obligation> obligation_windows(const BugRecord& record, const PolicySettings& policy,
                                           const AccountRoles& accounts, Instant now);

// The subset that is open or overdue at `now`, most urgent (earliest deadline) first.
std::vector<Obligation> open_obligations(const BugRecord& record, const PolicySettings& policy,
                                         const std::vector<std::string>& ca_accounts,
                                         const std::vector<std::string>& ignored_accounts,
                                         Instant now);

// Case-insensitive account match against a list.
bool account_in(const std::string& login, const std::vector<std::string>& accounts);

}  // namespace bzjira::sync
