#include "sync/audit.h"

#include <algorithm>

#include "sync/bug_history.h"

namespace bzjira::sync {

bool in_scope(const Bug& bug, const BugScope& scope) {
  if (!scope.product.empty() && bug.product != scope.product) {
    return false;
  }
  if (!scope.component.empty() && bug.component != scope.component) {
    return false;
  }
  // Bugzilla's own text matching is case-insensitive; the audit must select what the search would.
  if (!scope.summary_prefix.empty() &&
      to_lower_ascii(bug.summary).rfind(to_lower_ascii(scope.summary_prefix), 0) != 0) {
    return false;
  }
  if (!scope.assignee.empty() &&
      to_lower_ascii(bug.assigned_to) != to_lower_ascii(scope.assignee)) {
    return false;
  }
  if (!scope.whiteboard.empty() && !contains_ci(bug.whiteboard, to_lower_ascii(scope.whiteboard))) {
    return false;
  }
  return true;
}

namespace {

void count(AuditSummary& s, const Obligation& w) {
  ++s.windows;
  switch (w.status) {
    case WindowStatus::met:
      ++s.met;
      break;
    case WindowStatus::missed:
      ++s.missed;
      break;
    case WindowStatus::overdue:
      ++s.overdue;
      break;
    case WindowStatus::open:
      ++s.open;
      break;
    case WindowStatus::void_:
      ++s.void_count;
      break;
  }
  if (w.status == WindowStatus::missed || w.status == WindowStatus::overdue) {
    s.worst_late = std::max(s.worst_late, w.late_seconds);
  }
}

}  // namespace

void add_summary(AuditSummary& total, const AuditSummary& part) {
  total.windows += part.windows;
  total.met += part.met;
  total.missed += part.missed;
  total.overdue += part.overdue;
  total.open += part.open;
  total.void_count += part.void_count;
  total.lapses += part.lapses;
  total.worst_late = std::max(total.worst_late, part.worst_late);
}

std::optional<BugAudit> audit_bug(const BugRecord& record, const Mapping& mapping,
                                  const AccountRoles& accounts, Instant now,
                                  const AuditOptions& options) {
  if (!in_scope(record.bug, mapping.bugzilla.scope)) {
    return std::nullopt;
  }
  BugAudit audit;
  audit.bug_id = record.bug.id;
  audit.summary = record.bug.summary;
  for (Obligation& w : obligation_windows(record, mapping.policy, accounts, now)) {
    const Date started = utc_date(w.start);
    if ((options.since && started < *options.since) ||
        (options.until && started > *options.until)) {
      continue;
    }
    count(audit.totals, w);
    audit.windows.push_back(std::move(w));
  }
  // A bug with no window in the requested period has nothing to say in this audit.
  if (audit.windows.empty()) {
    return std::nullopt;
  }
  audit.lapses = audit_lapses(audit);
  audit.window_lapse.assign(audit.windows.size(), -1);
  for (std::size_t l = 0; l < audit.lapses.size(); ++l) {
    for (std::size_t w : audit.lapses[l].windows) {
      audit.window_lapse[w] = static_cast<int>(l);
    }
  }
  audit.totals.lapses = static_cast<int>(audit.lapses.size());
  return audit;
}

AuditReport build_audit(const std::vector<BugRecord>& records, const Mapping& mapping, Instant now,
                        const AuditOptions& options) {
  AuditReport report;
  report.now = now;
  const AccountRoles accounts(mapping.bugzilla.ca_accounts, mapping.bugzilla.ignored_accounts);
  for (const BugRecord& record : records) {
    if (auto audit = audit_bug(record, mapping, accounts, now, options)) {
      add_summary(report.totals, audit->totals);
      report.bugs.push_back(std::move(*audit));
    }
  }
  std::sort(report.bugs.begin(), report.bugs.end(),
            [](const BugAudit& a, const BugAudit& b) { return a.bug_id < b.bug_id; });
  return report;
}

}  // namespace bzjira::sync
