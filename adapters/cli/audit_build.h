// The audit of many bugs built bug by bug (`bzjira audit`): each record is freed as soon as its
// windows are made, and the windows drop the comment text they copied (no rendering of the audit
// shows it), so memory holds one bug's record and the windows made so far (issue 14). The report
// is the one sync::build_audit makes of all the records at once, but for that text.
#pragma once

#include <cstddef>

#include "sync/audit.h"

namespace bzjira::adapters::cli {

class AuditBuilder {
 public:
  AuditBuilder(const sync::Mapping& mapping, sync::Instant now, const sync::AuditOptions& options);

  // Audits one bug (when in the mapping's scope) and frees its record.
  void add(sync::BugRecord&& record);
  // The report, bugs by id. Call once.
  sync::AuditReport finish();

  std::size_t bugs() const { return m_bugs; }          // records added
  std::size_t in_scope() const { return m_in_scope; }  // of those, in the mapping's scope

 private:
  const sync::Mapping& m_mapping;
  sync::AuditOptions m_options;
  sync::AccountRoles m_accounts;
  sync::AuditReport m_report;
  std::size_t m_bugs = 0;
  std::size_t m_in_scope = 0;
};

}  // namespace bzjira::adapters::cli
