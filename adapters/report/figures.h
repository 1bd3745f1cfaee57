// The summary's figures, counted from the audit's windows as the core judged them: how many of
// each status, the median and worst lateness, the on-time rate, and the missed deadlines of each
// month. Arithmetic on the audit, never a rule.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "sync/audit.h"

namespace bzjira::adapters::report {

struct Figures {
  sync::AuditSummary counts;
  // Median lateness of the missed and overdue windows (an even count: the mean of the middle
  // two, rounded down to the second); nullopt when none was late.
  std::optional<sync::Seconds> median_late;
  // met / (met + missed + overdue): the windows whose outcome is known. Open and void windows
  // are left out (not due yet; owed nothing). nullopt when no outcome is known.
  std::optional<double> on_time;
};

Figures bug_figures(const sync::BugAudit& bug);
Figures report_figures(const sync::AuditReport& report);

struct MonthFigure {
  std::chrono::year_month month;
  int missed = 0;   // deadline in this month (UTC), answered late or ended late
  int overdue = 0;  // deadline in this month, still unanswered
  int due = 0;      // every window with a known outcome whose deadline is in this month
};

// Every month from the first to the last deadline with a known outcome, empty months included.
std::vector<MonthFigure> missed_by_month(const sync::AuditReport& report);

// "80.9%" (one decimal), "100%", "0%".
std::string percent(double fraction);

}  // namespace bzjira::adapters::report
