#include "adapters/cli/audit_build.h"

#include <algorithm>
#include <utility>

namespace bzjira::adapters::cli {

AuditBuilder::AuditBuilder(const sync::Mapping& mapping, sync::Instant now,
                           const sync::AuditOptions& options)
    : m_mapping(mapping),
      m_options(options),
      m_accounts(mapping.bugzilla.ca_accounts, mapping.bugzilla.ignored_accounts) {
  m_report.now = now;
}

void AuditBuilder::add(sync::BugRecord&& record) {
  ++m_bugs;
  if (sync::in_scope(record.bug, m_mapping.bugzilla.scope)) {
    ++m_in_scope;
  }
  auto bug = sync::audit_bug(record, m_mapping, m_accounts, m_report.now, m_options);
  record = sync::BugRecord{};  // its comments go now, before the next bug's windows
  if (!bug) {
    return;
  }
  for (sync::Obligation& w : bug->windows) {
    std::string().swap(w.start_text);
  }
  bug->windows.shrink_to_fit();
  sync::add_summary(m_report.totals, bug->totals);
  m_report.bugs.push_back(std::move(*bug));
}

sync::AuditReport AuditBuilder::finish() {
  std::sort(m_report.bugs.begin(), m_report.bugs.end(),
            [](const sync::BugAudit& a, const sync::BugAudit& b) { return a.bug_id < b.bug_id; });
  return std::move(m_report);
}

}  // namespace bzjira::adapters::cli
