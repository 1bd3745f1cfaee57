// `bzjira status --format html`: what the CA owes right now as one self-contained page for a
// wall screen or an intranet page: the open obligations sorted by deadline, the time left, the
// bug and the Jira issue linked. No script; an optional meta refresh reloads the page.
#pragma once

#include <string>
#include <vector>

#include "sync/mapping.h"
#include "sync/obligations.h"
#include "sync/zone.h"

namespace bzjira::adapters::report {

struct StatusRow {
  sync::Obligation obligation;  // open or overdue at `now`
  std::string bug_summary;
  std::string jira_key;  // empty when the state knows none
};

struct StatusPageOptions {
  std::string version;      // bzjira's
  int refresh_seconds = 0;  // > 0: the browser reloads the page this often
};

// Rows are shown in the order given (the status command sorts them by deadline). A row is
// "overdue" past its deadline and "due soon" within 24 hours of it. Jira keys link to
// <jira.url>/browse/<key> and bugs to <bugzilla.url>/show_bug.cgi?id=<id> when those URLs are
// plain http(s) URLs; text from Bugzilla is escaped. Never fails.
std::string render_status_html(const std::vector<StatusRow>& rows, const sync::Mapping& mapping,
                               const sync::Zone& zone, sync::Instant now,
                               const StatusPageOptions& options);

}  // namespace bzjira::adapters::report
