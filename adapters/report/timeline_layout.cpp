#include "adapters/report/timeline_layout.h"

#include <algorithm>
#include <array>

namespace bzjira::adapters::report {

namespace {

using std::chrono::hours;
constexpr std::array k_month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

Axis::Axis(sync::Instant from, sync::Instant to)
    : m_from(from), m_to(std::max(to, from + hours{1})) {}

double Axis::x(sync::Instant t) const {
  const double span = static_cast<double>((m_to - m_from).count());
  const double offset = static_cast<double>((t - m_from).count());
  const double x = k_plot_left + offset / span * (k_plot_right - k_plot_left);
  return std::clamp(x, k_plot_left - 1, k_plot_right + 1);
}

std::optional<sync::Instant> window_end(const sync::Obligation& w, sync::Instant now) {
  if (w.satisfied_at) {
    return w.satisfied_at;
  }
  if (w.ended_at) {
    return w.ended_at;
  }
  if (w.status == sync::WindowStatus::overdue) {
    return now;
  }
  return std::nullopt;
}

Axis bug_axis(const sync::BugAudit& bug, const sync::BugRecord* record, sync::Instant now,
              std::optional<sync::Date> since, std::optional<sync::Date> until) {
  sync::Instant lo = sync::Instant::max();
  sync::Instant hi = sync::Instant::min();
  const auto widen = [&](sync::Instant t) {
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  };
  for (const sync::Obligation& w : bug.windows) {
    widen(w.start);
    widen(w.deadline);
    if (const auto end = window_end(w, now)) {
      widen(*end);
    }
  }
  if (lo > hi) {  // no window: the caller leaves such bugs out, but stay defined
    widen(now);
  }
  if (record != nullptr) {
    const sync::Instant created = record->bug.creation_time;
    if (!since && created > sync::Instant{} && created < lo) {
      lo = created;
    }
    if (!until) {
      for (const sync::Comment& c : record->comments) {
        if (c.time <= now && c.time > hi) {
          hi = c.time;
        }
      }
      const auto& resolved = record->bug.last_resolved;
      if (resolved && *resolved <= now && *resolved > hi &&
          sync::is_resolved_status(record->bug.status)) {
        hi = *resolved;
      }
    }
  }
  if (since) {
    lo = sync::start_of_utc_day(*since);
  }
  if (until) {
    hi = std::max(
        hi, sync::start_of_utc_day(sync::Date{std::chrono::sys_days{*until} + sync::Days{1}}));
  }
  hi = std::max(hi, lo + sync::Days{1});
  const auto pad = std::max<sync::Seconds>(hours{12}, (hi - lo) / 64);
  return Axis(since ? lo : lo - pad, hi + pad);
}

std::vector<Lane> pack_lanes(const sync::BugAudit& bug, const Axis& axis, sync::Instant now,
                             double top) {
  std::vector<Lane> lanes;
  for (const auto kind : {sync::ObligationKind::question, sync::ObligationKind::needinfo,
                          sync::ObligationKind::update, sync::ObligationKind::full_report}) {
    Lane lane;
    lane.kind = kind;
    std::vector<double> row_end;  // right edge of the last bar in each row
    for (std::size_t i = 0; i < bug.windows.size(); ++i) {
      const sync::Obligation& w = bug.windows[i];
      if (w.kind != kind) {
        continue;
      }
      const double x0 = axis.x(w.start);
      double x1 = axis.x(w.deadline);
      if (const auto end = window_end(w, now)) {
        x1 = std::max(x1, axis.x(*end));
      }
      x1 += 4;  // room for the end marker
      int row = -1;
      for (std::size_t r = 0; r < row_end.size(); ++r) {
        if (row_end[r] <= x0) {
          row = static_cast<int>(r);
          break;
        }
      }
      if (row < 0 && static_cast<int>(row_end.size()) < k_max_rows) {
        row_end.push_back(0);
        row = static_cast<int>(row_end.size()) - 1;
      } else if (row < 0) {
        // Too many at once: share the row that frees up first.
        row = static_cast<int>(std::min_element(row_end.begin(), row_end.end()) - row_end.begin());
      }
      row_end[static_cast<std::size_t>(row)] = x1;
      lane.windows.push_back(i);
      lane.row.push_back(row);
    }
    if (lane.windows.empty()) {
      continue;
    }
    lane.rows = static_cast<int>(row_end.size());
    lane.top = top;
    top += lane.height() + 2;
    lanes.push_back(std::move(lane));
  }
  return lanes;
}

Bar bar_of(const sync::Obligation& w, const Axis& axis, const Lane& lane, int row,
           sync::Instant now) {
  Bar b;
  b.x0 = axis.x(w.start);
  b.xd = std::max(axis.x(w.deadline), b.x0 + 1.5);
  b.y = lane.top + 3 + row * k_row_height + (k_row_height - k_bar_height) / 2;
  if (const auto end = window_end(w, now)) {
    b.x_end = axis.x(*end);
  }
  return b;
}

bool is_late(const sync::Obligation& w) {
  return w.status == sync::WindowStatus::missed || w.status == sync::WindowStatus::overdue;
}

const char* lane_label(sync::ObligationKind kind) {
  switch (kind) {
    case sync::ObligationKind::question:
      return "Questions";
    case sync::ObligationKind::needinfo:
      return "Needinfo";
    case sync::ObligationKind::update:
      return "Updates";
    case sync::ObligationKind::full_report:
      return "Full report";
  }
  return "";
}

std::vector<MonthTick> month_ticks(const Axis& axis) {
  using namespace std::chrono;
  const double month_width = axis.x(axis.from() + days{30}) - axis.x(axis.from());
  const unsigned step = month_width >= 26 ? 1 : month_width * 3 >= 26 ? 3 : 12;
  const sys_days first{floor<days>(axis.from())};
  year_month ym{year_month_day{first}.year(), year_month_day{first}.month()};
  std::vector<MonthTick> ticks;
  bool labelled = false;
  for (;; ym += months{1}) {
    const sync::Instant start{sys_days{ym / 1}};
    if (start > axis.to()) {
      break;
    }
    if (start < axis.from()) {
      continue;
    }
    const unsigned m = static_cast<unsigned>(ym.month());
    MonthTick tick;
    tick.x = axis.x(start);
    if ((m - 1) % step == 0 && tick.x + 30 <= k_plot_right + 14) {
      tick.label = k_month_names[m - 1];
      if (m == 1 || !labelled) {
        tick.label += " " + std::to_string(static_cast<int>(ym.year()));
      }
      labelled = true;
    } else if (month_width < 4) {
      continue;  // a gridline per month would be a grey wall
    }
    ticks.push_back(std::move(tick));
  }
  return ticks;
}

}  // namespace bzjira::adapters::report
