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
  // Missed deadlines as a CA counts them (sync::Lapse), by the month of their first missed
  // deadline (UTC): closed (answered late, or ended) and still open.
  int lapses_closed = 0;
  int lapses_open = 0;
  int late = 0;  // windows missed or overdue whose deadline is in this month
  int due = 0;   // every window with a known outcome whose deadline is in this month
};

// Every month from the first to the last deadline with a known outcome, empty months included.
std::vector<MonthFigure> missed_by_month(const sync::AuditReport& report);

// "80.9%" (one decimal), "100%", "0%".
std::string percent(double fraction);

}  // namespace bzjira::adapters::report
