// The audit: every obligation window of every bug, with whether it was met, and a summary. This is the
// evidence a CA needs for a late-response incident report (shared/RULES.md "What history means").
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

// Bugs outside the mapping's scope (summary prefix, product, component, assignee, whiteboard) are left
// out here too, so a dataset holding other CAs' bugs audits the same as a live scoped search.
bool in_scope(const Bug& bug, const BugScope& scope);

AuditReport build_audit(const std::vector<BugRecord>& records, const Mapping& mapping, Instant now,
                        const AuditOptions& options);

// Renderers for people: plain text table and the Markdown timeline of an incident report.
// (json and csv renderings live in adapters/, where JSON is allowed.)
std::string render_audit_text(const AuditReport& report);
std::string render_audit_markdown(const AuditReport& report);
std::string render_audit_csv(const AuditReport& report);

}  // namespace bzjira::sync
