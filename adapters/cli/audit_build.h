// The audit of many bugs built bug by bug (`bzjira audit`): each record is freed as soon as its
// windows are made, and the windows drop the comment text they copied (no rendering of the audit
// shows it), so memory holds the records or the windows, hardly both (issue 14). The report is the
// one sync::build_audit makes of all the records at once, but for that text.
#pragma once

#include <vector>

#include "sync/audit.h"

namespace bzjira::adapters::cli {

sync::AuditReport build_audit_releasing(std::vector<sync::BugRecord> records,
                                        const sync::Mapping& mapping, sync::Instant now,
                                        const sync::AuditOptions& options);

}  // namespace bzjira::adapters::cli
