// The audit: every obligation window of every bug, with whether it was met, and a summary. This is
// the evidence a CA needs for a late-response incident report (shared/RULES.md "What history
// means").
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
  Seconds worst_late{0};  // the largest lateness among missed and overdue windows (0 if none)
};

struct BugAudit {
  BugId bug_id = 0;
  std::string summary;
  std::vector<Obligation> windows;
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
AuditReport build_audit(const std::vector<BugRecord>& records, const Mapping& mapping, Instant now,
                        const AuditOptions& options);

// Renderers for people: plain text table and the Markdown timeline of an incident report.
// (json and csv renderings live in adapters/, where JSON is allowed.)
// Markdown: per bug "## Bug <id>: <summary>", one line per missed or overdue window, the deadline's
// UTC date first ("- 2024-04-30: failed to respond within 7 days since 2024-04-23 (comment 12 by
// x@y); answered 2024-05-02 by ca@example.com, 2d 1h late"), then that bug's totals.
// CSV (sync/audit_render.cpp): a header row, one row per window, RFC 4180 quoting, CRLF line ends;
// free text starting with = + - @ tab or CR gets a leading apostrophe (no formulas in
// spreadsheets).
std::string render_audit_text(const AuditReport& report);
std::string render_audit_markdown(const AuditReport& report);
std::string render_audit_csv(const AuditReport& report);

}  // namespace bzjira::sync
