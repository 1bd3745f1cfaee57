#include "adapters/report/figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

namespace bzjira::adapters::report {

namespace {

bool decided(const sync::Obligation& w) {
  return w.status == sync::WindowStatus::met || w.status == sync::WindowStatus::missed ||
         w.status == sync::WindowStatus::overdue;
}

bool late(const sync::Obligation& w) {
  return w.status == sync::WindowStatus::missed || w.status == sync::WindowStatus::overdue;
}

Figures figures_of(const sync::AuditSummary& counts, std::vector<sync::Seconds> lateness) {
  Figures f;
  f.counts = counts;
  if (!lateness.empty()) {
    const std::size_t mid = lateness.size() / 2;
    std::nth_element(lateness.begin(), lateness.begin() + static_cast<long>(mid), lateness.end());
    sync::Seconds median = lateness[mid];
    if (lateness.size() % 2 == 0) {
      const sync::Seconds lower =
          *std::max_element(lateness.begin(), lateness.begin() + static_cast<long>(mid));
      median = lower + (median - lower) / 2;
    }
    f.median_late = median;
  }
  const int known = counts.met + counts.missed + counts.overdue;
  if (known > 0) {
    f.on_time = static_cast<double>(counts.met) / known;
  }
  return f;
}

void collect_lateness(const sync::BugAudit& bug, std::vector<sync::Seconds>& out) {
  for (const sync::Obligation& w : bug.windows) {
    if (late(w)) {
      out.push_back(w.late_seconds);
    }
  }
}

}  // namespace

Figures bug_figures(const sync::BugAudit& bug) {
  std::vector<sync::Seconds> lateness;
  collect_lateness(bug, lateness);
  return figures_of(bug.totals, std::move(lateness));
}

Figures report_figures(const sync::AuditReport& report) {
  std::vector<sync::Seconds> lateness;
  for (const sync::BugAudit& bug : report.bugs) {
    collect_lateness(bug, lateness);
  }
  return figures_of(report.totals, std::move(lateness));
}

std::vector<MonthFigure> missed_by_month(const sync::AuditReport& report) {
  using namespace std::chrono;
  std::map<year_month, MonthFigure> months;
  for (const sync::BugAudit& bug : report.bugs) {
    for (const sync::Obligation& w : bug.windows) {
      if (!decided(w)) {
        continue;
      }
      const sync::Date d = sync::utc_date(w.deadline);
      MonthFigure& m = months[d.year() / d.month()];
      m.month = d.year() / d.month();
      ++m.due;
      m.late += late(w) ? 1 : 0;
    }
    for (const sync::Lapse& lapse : bug.lapses) {
      const sync::Date d = sync::utc_date(lapse.first_deadline);
      MonthFigure& m = months[d.year() / d.month()];
      m.month = d.year() / d.month();
      (lapse.end == sync::LapseEnd::open ? m.lapses_open : m.lapses_closed) += 1;
    }
  }
  std::vector<MonthFigure> out;
  if (months.empty()) {
    return out;
  }
  for (year_month ym = months.begin()->first; ym <= months.rbegin()->first;
       ym += std::chrono::months{1}) {
    const auto it = months.find(ym);
    MonthFigure m = it == months.end() ? MonthFigure{} : it->second;
    m.month = ym;
    out.push_back(m);
  }
  return out;
}

std::string percent(double fraction) {
  // Rounded down: 99.96% must not read "100%" while a deadline was missed.
  const double tenths = std::floor(fraction * 1000.0 + 1e-9);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", tenths / 10.0);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) {
    s.resize(s.size() - 2);
  }
  return s + "%";
}

}  // namespace bzjira::adapters::report
