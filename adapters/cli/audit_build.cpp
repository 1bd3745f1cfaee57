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
  std::vector<sync::BugRecord> one(1);
  for (sync::BugRecord& record : records) {
    one.front() = std::move(record);
    sync::AuditReport part = sync::build_audit(one, mapping, now, options);
    one.front() = sync::BugRecord{};  // its comments go now, before the next bug's windows
    for (sync::BugAudit& bug : part.bugs) {
      for (sync::Obligation& w : bug.windows) {
        std::string().swap(w.start_text);
      }
      bug.windows.shrink_to_fit();
      sync::add_summary(report.totals, bug.totals);
      report.bugs.push_back(std::move(bug));
    }
  }
  std::sort(report.bugs.begin(), report.bugs.end(),
            [](const sync::BugAudit& a, const sync::BugAudit& b) { return a.bug_id < b.bug_id; });
  // What the windows did not reuse of the records' memory goes back to the system before the
  // report is rendered (glibc keeps freed heap memory otherwise: bulk_heap.h).
  malloc_trim(0);
  return report;
}

}  // namespace bzjira::adapters::cli
