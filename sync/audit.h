// The audit: every obligation window of every bug, with whether it was met, and a summary. This is
// the evidence a CA needs for a late-response incident report (docs/rules.md#audit).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/mapping.h"
#include "sync/model.h"
#include "sync/obligations.h"
#include "sync/time.h"

namespace bzjira::sync {

struct AuditOptions {
  std::optional<Date> since;  // keep windows whose start is on or after this UTC date
  std::optional<Date> until;  // keep windows whose start is on or before this UTC date
};

struct AuditSummary {
  int windows = 0, met = 0, missed = 0, overdue = 0, open = 0, void_count = 0;
  int lapses = 0;         // missed deadlines as a CA counts them (see Lapse)
  Seconds worst_late{0};  // the largest lateness among missed and overdue windows (0 if none)
};

// What a lapse's line leads with, from the windows it holds: an unanswered comment first, then a
// needinfo, then the update (a Next update date, or the N-day cadence), then the full report.
enum class LapseLead { respond, needinfo, update, next_update, full_report };

// How a lapse ended: a CA answer (a comment, or the requestee clearing the needinfo), an event
// that ended its windows unanswered (the resolution, a closure request, a withdrawn needinfo),
// or not yet.
enum class LapseEnd { answered, ended, open };

const char* to_string(LapseLead lead);
const char* to_string(LapseEnd end);

// One silence of the CA on one bug: every missed or overdue window that the same CA answer ended,
// that the same event ended unanswered, or that is still open. A late-response incident report
// counts these as its "missed deadlines" and writes one Timeline line per lapse.
struct Lapse {
  // Stable across runs and --since/--until: "<bug>#c<count>" when comment <count> answered it
  // (Bugzilla's own comment anchor), "<bug>#open" while open, "<bug>@<RFC 3339 instant>" when it
  // ended otherwise (a needinfo cleared, the resolution, a closure request, a withdrawal).
  std::string id;
  BugId bug_id = 0;
  std::vector<std::size_t> windows;  // indexes into BugAudit::windows, in that vector's order
  LapseLead lead = LapseLead::respond;
  std::size_t lead_window = 0;  // index into BugAudit::windows: the window the line is about
  // The earliest unanswered comment (respond), the earliest needinfo request, the CA's last
  // comment before the silence (update, next_update: the update window's start), the bug's filing.
  Instant since{};
  Instant first_deadline{};  // the earliest deadline among the lapse's windows (the first missed)
  // The instant the line leads with: the late answer; for an open or unanswered lapse, the lead
  // window's deadline.
  Instant at{};
  LapseEnd end = LapseEnd::open;
  // answered: who answered and when; a comment, or (no comment) the requestee clearing a needinfo.
  std::optional<Instant> answered_at;
  std::string answered_by;
  std::optional<CommentId> answered_comment_id;
  std::optional<int> answered_comment_count;
  // ended: when and why ("bug resolved (FIXED)", "closure requested", "needinfo withdrawn ...").
  std::optional<Instant> ended_at;
  std::string end_reason;
  // The lead window's lateness (what the line states): the answer, the end or now minus its
  // deadline. worst_late: the largest among the lapse's windows (from first_deadline).
  Seconds late{0};
  Seconds worst_late{0};
};

struct BugAudit {
  BugId bug_id = 0;
  std::string summary;
  std::vector<Obligation> windows;
  std::vector<Lapse> lapses;      // in time order (by `at`, then id); see audit_lapses()
  std::vector<int> window_lapse;  // parallel to windows: index into lapses, -1 when in none
  AuditSummary totals;
};

struct AuditReport {
  Instant now{};
  std::vector<BugAudit> bugs;  // by bug id
  AuditSummary totals;
};

// Bugs outside the mapping's scope (summary prefix, product, component, assignee, whiteboard) are
// left out here too, so a dataset holding other CAs' bugs audits the same as a live scoped search.
// Product and component compare exactly; the summary prefix, assignee and whiteboard substring
// ignore case, as Bugzilla's search does. An empty scope field matches anything. The status scope
// is not applied: an audit wants resolved bugs too.
bool in_scope(const Bug& bug, const BugScope& scope);

// Windows are computed with obligation_windows() and the mapping's policy and accounts; a bug with
// no window in the since/until period is left out. Bugs sorted by id.
// Adds one summary's counts to another (worst_late: the larger).
void add_summary(AuditSummary& total, const AuditSummary& part);

AuditReport build_audit(const std::vector<BugRecord>& records, const Mapping& mapping, Instant now,
                        const AuditOptions& options);

// One bug of build_audit(): nullopt when it is out of scope or has no window in the period.
std::optional<BugAudit> audit_bug(const BugRecord& record, const Mapping& mapping,
                                  const AccountRoles& accounts, Instant now,
                                  const AuditOptions& options);

// The lapses of one bug's windows (pure; build_audit() fills BugAudit::lapses and window_lapse
// with it). Met, open and void windows belong to none. Windows answered by the same CA comment
// share a lapse; so do windows ended (answered without a comment, or unanswered) at the same
// instant; all overdue windows share the one open lapse. Sorted by `at`, then id.
std::vector<Lapse> audit_lapses(const BugAudit& bug);

// One Timeline line for a lapse (no "- " bullet, no newline), dates in UTC:
// "2024-04-30: failed to respond within 7 days since 2024-04-05 (comments 5, 6 by x@y; weekly
// update; answered by ca@example.com in comment 7, 17d 23h late)". The lead says "failed to
// respond within N days since <earliest unanswered comment's date>", "failed to respond to a
// needinfo request within N days since <request date>", "failed to post an update within N days
// since <the CA's last comment>", "failed to post an update due by the Next update date D" or
// "failed to post the full incident report within N days since <filing>". The parentheses hold
// the lead's own origin, the lapse's other windows, then its end: "answered by X in comment N",
// "needinfo cleared by X", "unanswered when <reason> on D", or "still unanswered" for an open
// lapse, which leads with its first missed deadline and says "<d>d <h>h overdue".
std::string render_lapse_line(const BugAudit& bug, const Lapse& lapse);

// Renderers for people: plain text table and the Markdown timeline of an incident report.
// (json and csv renderings live in adapters/, where JSON is allowed.)
// Markdown: a title with the audit's time, one sentence saying every date is UTC, then per bug
// "## Bug <id>: <summary>", one line per lapse ("- " + render_lapse_line(), in time order, or
// "- No late responses."), that bug's window and lapse counts; then the report's totals.
// Timeline (`--timeline-only`): just the "- " lines of every lapse, newline-ended, in time order
// across bugs; when the report holds several bugs each line names its bug after the date
// ("- 2024-04-30: bug 7: failed to respond ..."). Empty when nothing was late.
// CSV (sync/audit_render.cpp): a header row, one row per window, RFC 4180 quoting, CRLF line ends;
// free text starting with = + - @ tab or CR gets a leading apostrophe (no formulas in
// spreadsheets); the last column is the window's lapse id (empty when in none).
std::string render_audit_text(const AuditReport& report);
std::string render_audit_markdown(const AuditReport& report);
std::string render_audit_timeline(const AuditReport& report);
std::string render_audit_csv(const AuditReport& report);

}  // namespace bzjira::sync
