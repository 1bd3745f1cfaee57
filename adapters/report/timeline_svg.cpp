#include "adapters/report/timeline_svg.h"

#include <cmath>
#include <vector>

#include "adapters/report/html_text.h"
#include "adapters/report/timeline_compact.h"
#include "adapters/report/timeline_layout.h"
#include "sync/obligations.h"

namespace bzjira::adapters::report {

namespace {

using sync::Obligation;
using sync::WindowStatus;

constexpr double k_lanes_top = 34;
constexpr std::size_t k_excerpt_chars = 100;

const char* kind_name(sync::ObligationKind kind) {
  switch (kind) {
    case sync::ObligationKind::question:
      return "Question";
    case sync::ObligationKind::needinfo:
      return "Needinfo";
    case sync::ObligationKind::update:
      return "Update";
    case sync::ObligationKind::full_report:
      return "Full report";
  }
  return "";
}

std::string origin(const Obligation& w) {
  if (w.start_comment_count) {
    return "comment " + std::to_string(*w.start_comment_count) + " by " + w.start_author +
           (w.start_comment_private ? ", private" : "");
  }
  if (w.kind == sync::ObligationKind::needinfo) {
    return "needinfo requested by " + w.start_author;
  }
  return "bug filed by " + w.start_author;
}

std::string ending(const Obligation& w, sync::Instant now) {
  std::string text;
  if (w.satisfied_at) {
    text = w.satisfied_comment_count
               ? "answered " + format_utc_minute(*w.satisfied_at) + " by " + w.satisfied_by +
                     " in comment " + std::to_string(*w.satisfied_comment_count)
               : "satisfied " + format_utc_minute(*w.satisfied_at) + " (" + w.satisfied_by + ")";
  } else if (w.ended_at) {
    text = "ended " + format_utc_minute(*w.ended_at) + ": " + w.end_reason;
  } else if (w.status == WindowStatus::overdue) {
    text = "still unanswered at " + format_utc_minute(now);
  } else {
    text = "still open";
  }
  const sync::Seconds late = w.late_seconds;
  if (w.status == WindowStatus::missed) {
    text += ", " + sync::format_duration(late) + " late";
  } else if (w.status == WindowStatus::overdue) {
    text += ", " + sync::format_duration(late) + " past the deadline";
  } else if (w.status == WindowStatus::met) {
    text += ", " + sync::format_duration(-late) + " before the deadline";
  } else if (w.status == WindowStatus::open) {
    text += ", " + sync::format_duration(-late) + " left";
  }
  return text;
}

void num(std::string& out, double v) { append_number(out, v); }

// The path data of a window's marks: bar (b, an outlined rectangle), late part (l), end mark
// (e), ticks (t: SHOULD dates; n: Next-update deadlines).
struct Marks {
  std::string b, l, e, t, n;
};

void move_to(std::string& d, double x, double y) {
  d += 'M';
  num(d, x);
  d += ' ';
  num(d, y);
}

void add_rect(std::string& d, double x0, double x1, double y) {
  move_to(d, x0, y);
  d += 'h';
  num(d, x1 - x0);
  d += "v8h";
  num(d, x0 - x1);
  d += 'z';
}

Marks marks_of(const Obligation& w, const Bar& bar, const Axis& axis) {
  Marks m;
  add_rect(m.b, bar.x0, bar.xd, bar.y);
  if (is_late(w) && bar.x_end && *bar.x_end > bar.xd) {
    add_rect(m.l, bar.xd, *bar.x_end, bar.y);
  }
  if (bar.x_end) {
    move_to(m.e, *bar.x_end, bar.y - 2);
    // Overdue: an arrowhead, still running at "now"; otherwise a stroke across the bar.
    m.e += w.status == WindowStatus::overdue ? "l3 6-3 6" : "v12";
  }
  if (w.should_by && axis.contains(*w.should_by)) {
    move_to(m.t, axis.x(*w.should_by), bar.y - 3);
    m.t += "v14";
  }
  if (w.deadline_from_next_update) {
    move_to(m.n, bar.xd - 3.5, bar.y - 5.5);
    m.n += "h7l-3.5 5z";
  }
  return m;
}

void append_paths(std::string& out, const Marks& m) {
  const std::pair<const char*, const std::string*> parts[] = {
      {"b", &m.b}, {"l", &m.l}, {"t", &m.t}, {"n", &m.n}, {"e", &m.e}};
  for (const auto& [cls, d] : parts) {
    if (!d->empty()) {
      out += "<path class=\"";
      out += cls;
      out += "\" d=\"";
      out += *d;
      out += "\"/>";
    }
  }
}

void append_windows(std::string& out, const TimelineInput& in, const Axis& axis,
                    const std::vector<Lane>& lanes) {
  const sync::BugAudit& bug = *in.bug;
  for (const Lane& lane : lanes) {
    for (std::size_t k = 0; k < lane.windows.size(); ++k) {
      const Obligation& w = bug.windows[lane.windows[k]];
      out += "<g class=\"w ";
      out += sync::to_string(w.status);
      out += "\" role=\"img\"><title>";
      append_escaped(out, window_sentence(w, *in.zone, in.now));
      out += "</title>";
      append_paths(out, marks_of(w, bar_of(w, axis, lane, lane.row[k], in.now), axis));
      out += "</g>";
    }
  }
}

// Comment markers, one per comment with its <title>: the CA's as squares, bots' (ignored
// accounts) small and grey, everyone else's round. Only comments inside the range and not after
// `now`.
void append_comments(std::string& out, const TimelineInput& in, const Axis& axis) {
  if (in.record == nullptr) {
    return;
  }
  for (const sync::Comment& c : in.record->comments) {
    if (c.time > in.now || !axis.contains(c.time)) {
      continue;
    }
    std::string title = "Comment " + std::to_string(c.count) + " by " + c.creator + ", " +
                        format_utc_minute(c.time);
    if (c.is_private) {
      title += " (private: text not shown)";
    } else if (const std::string excerpt = one_line(c.text, k_excerpt_chars); !excerpt.empty()) {
      title += ": \u201c" + excerpt + "\u201d";
    }
    out += "<path class=\"";
    out += in.authors->marker_class(c.creator);
    out += "\" role=\"img\" d=\"M";
    num(out, axis.x(c.time));
    out += " 24h0\"><title>";
    append_escaped(out, title);
    out += "</title></path>";
  }
}

// One numbered mark per lapse at the instant its Timeline line leads with (the late answer, or
// the first missed deadline of one still open), numbered as the lines under the picture, the line
// itself as its <title>. Compact detail: a dot each.
void append_lapse_marks(std::string& out, const TimelineInput& in, const Axis& axis, double y) {
  const sync::BugAudit& bug = *in.bug;
  if (in.detail == Detail::compact) {
    // Unnumbered dots, one path: the numbered list under the picture says which is which.
    if (!bug.lapses.empty()) {
      out += "<path class=\"lpc\" d=\"";
      for (const sync::Lapse& lapse : bug.lapses) {
        out += 'M';
        num(out, std::round(axis.x(lapse.at)));
        out += ' ';
        num(out, y);
        out += "h0";
      }
      out += "\"/>";
    }
    return;
  }
  for (std::size_t i = 0; i < bug.lapses.size(); ++i) {
    const sync::Lapse& lapse = bug.lapses[i];
    const std::string number = std::to_string(i + 1);
    out += "<g class=\"lp\" role=\"img\"><title>";
    append_escaped(out, "Lapse " + number + ": " + sync::render_lapse_line(bug, lapse));
    out += "</title>";
    const double x = axis.x(lapse.at);
    out += "<circle cx=\"";
    num(out, x);
    out += "\" cy=\"";
    num(out, y);
    out += "\" r=\"6\"/><text x=\"";
    num(out, x);
    out += "\" y=\"";
    num(out, y + 3);
    out += "\">" + number + "</text></g>";
  }
}

void append_frame(std::string& out, const Axis& axis, const std::vector<Lane>& lanes,
                  double bottom) {
  // Lanes: a light band each, named on the left.
  out += "<path class=\"lane\" d=\"M";
  num(out, k_plot_left);
  out += " 16h";
  num(out, k_plot_right - k_plot_left);
  out += "v16h";
  num(out, k_plot_left - k_plot_right);
  out += "z";
  for (const Lane& lane : lanes) {
    out += "M";
    num(out, k_plot_left);
    out += ' ';
    num(out, lane.top);
    out += 'h';
    num(out, k_plot_right - k_plot_left);
    out += 'v';
    num(out, lane.height());
    out += 'h';
    num(out, k_plot_left - k_plot_right);
    out += 'z';
  }
  out += "\"/><text class=\"ll\" x=\"4\"><tspan y=\"28\">Comments</tspan>";
  for (const Lane& lane : lanes) {
    out += "<tspan x=\"4\" y=\"";
    num(out, lane.top + std::min(lane.height() / 2 + 4, 16.0));
    out += "\">";
    out += lane_label(lane.kind);
    out += "</tspan>";
  }
  out += "</text>";
  // Month gridlines and labels.
  std::string grid;
  std::string labels;
  const std::vector<MonthTick> ticks = month_ticks(axis);
  // The range's first day at the left edge when the first month label is far from it.
  double first_label = k_plot_right;
  for (const MonthTick& tick : ticks) {
    if (!tick.label.empty()) {
      first_label = tick.x;
      break;
    }
  }
  if (first_label > k_plot_left + 75) {
    labels += "<tspan x=\"";
    num(labels, k_plot_left + 2);
    labels += "\">" + format_day(axis.from()) + "</tspan>";
  }
  for (const MonthTick& tick : ticks) {
    grid += 'M';
    num(grid, tick.x);
    grid += " 14V";
    num(grid, bottom);
    if (!tick.label.empty()) {
      labels += "<tspan x=\"";
      num(labels, tick.x + 2);
      labels += "\">" + tick.label + "</tspan>";
    }
  }
  if (!grid.empty()) {
    out += "<path class=\"grid\" d=\"" + grid + "\"/>";
  }
  if (!labels.empty()) {
    out += "<text class=\"ml\" y=\"11\">" + labels + "</text>";
  }
}

}  // namespace

const char* AuthorClasses::marker_class(const std::string& login) {
  const auto [it, fresh] = m_cache.try_emplace(login, "c");
  if (fresh) {
    if (sync::account_in(login, m_settings->ignored_accounts)) {
      it->second = "c bot";
    } else if (sync::account_in(login, m_settings->ca_accounts)) {
      it->second = "c ca";
    }
  }
  return it->second;
}

std::string window_sentence(const Obligation& w, const sync::Zone& zone, sync::Instant now) {
  std::string s = std::string(kind_name(w.kind)) + " window from " + format_utc_minute(w.start) +
                  " (" + origin(w) + "): deadline " + format_utc_minute(w.deadline);
  if (zone.name() != "UTC") {
    s += " (" + zone.format_local(w.deadline) + ")";
  }
  if (w.deadline_from_next_update) {
    s += ", the whiteboard's Next update date " + format_day(w.deadline - sync::Days{1});
  }
  if (w.should_by) {
    s += "; SHOULD by " + format_utc_minute(*w.should_by);
  }
  std::string status = sync::to_string(w.status);
  status[0] = static_cast<char>(status[0] - 'a' + 'A');
  s += ". " + status + ": " + ending(w, now) + ". [" + w.key + "]";
  return s;
}

void append_timeline(std::string& out, const TimelineInput& in) {
  const sync::BugAudit& bug = *in.bug;
  const Axis axis = bug_axis(bug, in.record, in.now, in.since, in.until);
  const std::vector<Lane> lanes = pack_lanes(bug, axis, in.now, k_lanes_top);
  const double lanes_bottom =
      lanes.empty() ? k_lanes_top : lanes.back().top + lanes.back().height();
  // Below the lanes: a row of numbered lapse marks (when the bug has lapses), then "now".
  const double lapse_row = lanes_bottom + 10;
  const double now_label = lanes_bottom + (bug.lapses.empty() ? 13 : 29);
  const double height = now_label + 3;

  // The first <title> and <desc> children name and describe the picture (SVG-AAM).
  out += "<svg class=\"tl\" viewBox=\"0 0 ";
  num(out, k_width);
  out += ' ';
  num(out, height);
  out += "\"><title>Timeline of bug " + std::to_string(bug.bug_id) + "</title><desc>";
  const sync::AuditSummary& s = bug.totals;
  append_escaped(out, "From " + format_day(axis.from()) + " to " + format_day(axis.to()) + ": " +
                          std::to_string(s.windows) + " obligation windows (" +
                          std::to_string(s.met) + " met, " + std::to_string(s.missed) +
                          " missed, " + std::to_string(s.overdue) + " overdue, " +
                          std::to_string(s.open) + " open, " + std::to_string(s.void_count) +
                          " void), a bar each from start to deadline.");
  out += "</desc>";
  append_frame(out, axis, lanes, lanes_bottom);
  if (in.detail == Detail::compact) {
    append_windows_compact(out, bug, axis, lanes, in.now);
    append_comments_compact(out, in, axis);
  } else {
    append_windows(out, in, axis, lanes);
    append_comments(out, in, axis);
  }
  append_lapse_marks(out, in, axis, lapse_row);
  if (axis.contains(in.now)) {
    out += "<path class=\"now\" d=\"M";
    num(out, axis.x(in.now));
    out += " 14V";
    num(out, now_label - 9);
    out += "\"/><text class=\"nl\" x=\"";
    num(out, axis.x(in.now));
    out += "\" y=\"";
    num(out, now_label);
    out += "\">now</text>";
  }
  out += "</svg>";
}

}  // namespace bzjira::adapters::report
