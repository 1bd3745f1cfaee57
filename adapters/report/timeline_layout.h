// Where things go in one bug's timeline picture: the time range and its x scale, the month
// gridlines and labels, and the packing of each obligation kind's windows into rows so that
// windows that overlap in time never hide each other. Geometry only: no window is judged here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/audit.h"
#include "sync/model.h"

namespace bzjira::adapters::report {

// SVG user units. The picture is scaled to the page's width (1000 units = the print width; a
// 1400 px screen shows it 1.4 times larger).
inline constexpr double k_width = 1000;
inline constexpr double k_plot_left = 84;  // lane labels to the left of this
inline constexpr double k_plot_right = 986;
inline constexpr double k_row_height = 12;  // one row of bars
inline constexpr double k_bar_height = 8;
inline constexpr int k_max_rows = 8;  // beyond this, overlapping windows share rows

class Axis {
 public:
  Axis(sync::Instant from, sync::Instant to);
  sync::Instant from() const { return m_from; }
  sync::Instant to() const { return m_to; }
  // x of an instant; instants outside the range are clamped just past the plot's edges.
  double x(sync::Instant t) const;
  bool contains(sync::Instant t) const { return t >= m_from && t <= m_to; }

 private:
  sync::Instant m_from;
  sync::Instant m_to;
};

// The range a bug's picture covers: its life (creation, or its first window, to the last
// answer, deadline or comment; "now" while a window is open or overdue), or the --since/--until
// days when given (widened to show the whole of every window kept), padded a little each side.
Axis bug_axis(const sync::BugAudit& bug, const sync::BugRecord* record, sync::Instant now,
              std::optional<sync::Date> since, std::optional<sync::Date> until);

// Where a window's drawing ends: the answer or the end (resolution, withdrawal), "now" for an
// overdue window, nothing for an open one (its bar ends at the deadline).
std::optional<sync::Instant> window_end(const sync::Obligation& w, sync::Instant now);

// One window's bar in SVG units: start, deadline, top edge, and where its end is marked.
struct Bar {
  double x0 = 0;
  double xd = 0;  // at least 1.5 right of x0, so a zero-length window still shows
  double y = 0;
  std::optional<double> x_end;  // the answer, the end, or now (overdue); none while open
};

struct Lane;
Bar bar_of(const sync::Obligation& w, const Axis& axis, const Lane& lane, int row,
           sync::Instant now);

bool is_late(const sync::Obligation& w);  // missed or overdue

struct Lane {
  sync::ObligationKind kind = sync::ObligationKind::question;
  std::vector<std::size_t> windows;  // indexes into BugAudit::windows, by start
  std::vector<int> row;              // row of each of those windows, 0-based
  int rows = 1;
  double top = 0;  // y of the lane's top edge
  double height() const { return rows * k_row_height + 6; }
};

// One lane per obligation kind the bug has, in the order question, needinfo, update, full
// report, laid out from y = `top` down with a 2-unit gap.
std::vector<Lane> pack_lanes(const sync::BugAudit& bug, const Axis& axis, sync::Instant now,
                             double top);

// "Questions", "Needinfo", "Updates", "Full report".
const char* lane_label(sync::ObligationKind kind);

struct MonthTick {
  double x = 0;
  std::string label;  // empty: a gridline without a label (labels thinned where months are narrow)
};

// A gridline at the start of every month in the range; labels "Sep", with the year on January
// and on the first label ("Aug 2026"); every 3rd or 12th month only when months are narrow.
std::vector<MonthTick> month_ticks(const Axis& axis);

}  // namespace bzjira::adapters::report
