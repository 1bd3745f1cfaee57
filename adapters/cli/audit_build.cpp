#include "adapters/cli/audit_build.h"

#include <malloc.h>

#include <algorithm>
#include <utility>

namespace bzjira::adapters::cli {

sync::AuditReport build_audit_releasing(std::vector<sync::BugRecord> records,
                                        const sync::Mapping& mapping, sync::Instant now,
                                        const sync::AuditOptions& options) {
  sync::AuditReport report;
  report.now = now;
  const sync::AccountRoles accounts(mapping.bugzilla.ca_accounts,
                                    mapping.bugzilla.ignored_accounts);
  for (sync::BugRecord& record : records) {
    auto bug = sync::audit_bug(record, mapping, accounts, now, options);
    record = sync::BugRecord{};  // its comments go now, before the next bug's windows
    if (!bug) {
      continue;
    }
    for (sync::Obligation& w : bug->windows) {
      std::string().swap(w.start_text);
    }
    bug->windows.shrink_to_fit();
    sync::add_summary(report.totals, bug->totals);
    report.bugs.push_back(std::move(*bug));
  }
  std::sort(report.bugs.begin(), report.bugs.end(),
            [](const sync::BugAudit& a, const sync::BugAudit& b) { return a.bug_id < b.bug_id; });
  // What the windows did not reuse of the records' memory goes back to the system before the
  // report is rendered (glibc keeps freed heap memory otherwise: bulk_heap.h).
  malloc_trim(0);
  return report;
}

}  // namespace bzjira::adapters::cli
