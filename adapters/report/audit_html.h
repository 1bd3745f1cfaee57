// `bzjira audit --format html`: the audit as one self-contained page an auditor can open from a
// file, a mail or a share and print. A summary of every bug (counts, lapses, lateness, on-time
// rate, missed deadlines per month) above one section per bug: its timeline picture, the
// incident report's timeline lines under it, and every window in a table. All values are the
// core's audit (sync/audit.h); the records only add what a picture shows besides windows
// (comments, the bug's status, whiteboard and dates).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "adapters/report/timeline_svg.h"
#include "sync/audit.h"
#include "sync/mapping.h"
#include "sync/model.h"
#include "sync/zone.h"

namespace bzjira::adapters::report {

// Above this many windows and comments in one report, the timelines are drawn in compact detail
// (adapters/report/timeline_svg.h) so the file stays small (about 4 MB at 1000 bugs x 50
// comments); a real CA's years of incidents stay far below it.
inline constexpr long k_full_detail_limit = 20000;

struct AuditPageOptions {
  std::optional<sync::Date> since;  // the --since/--until of the audit: shown, and the time axis
  std::optional<sync::Date> until;
  std::string version;           // bzjira's
  std::string source;            // where the bugs came from: the dataset file or the Bugzilla URL
  std::optional<Detail> detail;  // default: full up to k_full_detail_limit, compact beyond
};

// The page. `records` are the bugs the audit was built from (any order; bugs of the audit that
// are not among them are drawn without comments). Never fails; text from Bugzilla is escaped.
std::string render_audit_html(const sync::AuditReport& audit,
                              const std::vector<sync::BugRecord>& records,
                              const sync::Mapping& mapping, const sync::Zone& zone,
                              const AuditPageOptions& options);

}  // namespace bzjira::adapters::report
