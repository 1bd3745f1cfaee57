#include "adapters/report/timeline_svg.h"

#include <map>
#include <vector>

#include "adapters/report/html_text.h"
#include "adapters/report/timeline_layout.h"
#include "sync/obligations.h"

namespace bzjira::adapters::report {

namespace {

using sync::Obligation;
using sync::WindowStatus;

constexpr double k_comment_y = 24;  // the comment markers' lane: y 16 to 32
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

// Geometry of one window's bar.
struct Bar {
  double x0 = 0, xd = 0, y = 0;  // start, deadline, top edge
  std::optional<double> x_end;   // the answer, end, or now
};

Bar bar_of(const Obligation& w, const Axis& axis, const Lane& lane, int row, sync::Instant now) {
  Bar b;
  b.x0 = axis.x(w.start);
  b.xd = std::max(axis.x(w.deadline), b.x0 + 1.5);
  b.y = lane.top + 3 + row * k_row_height + (k_row_height - k_bar_height) / 2;
  if (const auto end = window_end(w, now)) {
    b.x_end = axis.x(*end);
  }
  return b;
}

bool is_late(const Obligation& w) {
  return w.status == WindowStatus::missed || w.status == WindowStatus::overdue;
}

// The path data of a window's marks: bar (b), late part (l), end mark (e), ticks (t: SHOULD
// dates; n: Next-update deadlines). Appended so compact mode can merge windows.
struct Marks {
  std::string b, l, e, t, n;
};

void add_marks(Marks& m, const Obligation& w, const Bar& bar, const Axis& axis) {
  const auto rect = [](std::string& d, double x0, double x1, double y) {
    d += 'M';
    num(d, x0);
    d += ' ';
    num(d, y);
    d += 'h';
    num(d, x1 - x0);
    d += "v8h";
    num(d, x0 - x1);
    d += 'z';
  };
  rect(m.b, bar.x0, bar.xd, bar.y);
  if (is_late(w) && bar.x_end && *bar.x_end > bar.xd) {
    rect(m.l, bar.xd, *bar.x_end, bar.y);
  }
  if (bar.x_end) {
    m.e += 'M';
    num(m.e, *bar.x_end);
    m.e += ' ';
    num(m.e, bar.y - 2);
    if (w.status == WindowStatus::overdue) {
      m.e += "l3 6-3 6";  // an arrowhead: still running at "now"
    } else {
      m.e += "v12";
    }
  }
  if (w.should_by && axis.contains(*w.should_by)) {
    m.t += 'M';
    num(m.t, axis.x(*w.should_by));
    m.t += ' ';
    num(m.t, bar.y - 3);
    m.t += "v14";
  }
  if (w.deadline_from_next_update) {
    m.n += 'M';
    num(m.n, bar.xd - 3.5);
    m.n += ' ';
    num(m.n, bar.y - 5.5);
    m.n += "h7l-3.5 5z";
  }
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
  std::map<std::string, Marks> merged;  // compact: by status
  for (const Lane& lane : lanes) {
    for (std::size_t k = 0; k < lane.windows.size(); ++k) {
      const Obligation& w = bug.windows[lane.windows[k]];
      const Bar bar = bar_of(w, axis, lane, lane.row[k], in.now);
      if (in.detail == Detail::compact) {
        add_marks(merged[sync::to_string(w.status)], w, bar, axis);
        continue;
      }
      Marks m;
      add_marks(m, w, bar, axis);
      out += "<g class=\"w ";
      out += sync::to_string(w.status);
      out += "\" role=\"img\"><title>";
      append_escaped(out, window_sentence(w, *in.zone, in.now));
      out += "</title>";
      append_paths(out, m);
      out += "</g>";
    }
  }
  for (const auto& [status, m] : merged) {
    out += "<g class=\"wc " + status + "\">";
    append_paths(out, m);
    out += "</g>";
  }
}

// Comment markers: the CA's as squares, bots' (ignored accounts) small and grey, everyone
// else's round. Only comments inside the range and not after `now`.
void append_comments(std::string& out, const TimelineInput& in, const Axis& axis) {
  if (in.record == nullptr) {
    return;
  }
  const auto& accounts = in.mapping->bugzilla;
  const auto marker_class = [&](const std::string& login) {
    if (sync::account_in(login, accounts.ignored_accounts)) {
      return "c bot";
    }
    return sync::account_in(login, accounts.ca_accounts) ? "c ca" : "c";
  };
  struct Group {
    std::string cls, d, numbers;
  };
  std::map<std::string, Group> by_author;  // compact
  std::vector<std::string> order;
  for (const sync::Comment& c : in.record->comments) {
    if (c.time > in.now || !axis.contains(c.time)) {
      continue;
    }
    std::string d = "M";
    num(d, axis.x(c.time));
    d += ' ';
    num(d, k_comment_y);
    d += "h0";
    if (in.detail == Detail::compact) {
      auto [it, fresh] = by_author.try_emplace(c.creator);
      if (fresh) {
        it->second.cls = marker_class(c.creator);
        order.push_back(c.creator);
      }
      it->second.d += d;
      it->second.numbers += (it->second.numbers.empty() ? "" : ", ") + std::to_string(c.count);
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
    out += marker_class(c.creator);
    out += "\" role=\"img\" d=\"" + d + "\"><title>";
    append_escaped(out, title);
    out += "</title></path>";
  }
  for (const std::string& author : order) {
    const Group& g = by_author[author];
    out += "<g class=\"" + g.cls + "\" role=\"img\"><title>";
    append_escaped(out, "Comments by " + author + ": " + g.numbers);
    out += "</title><path d=\"" + g.d + "\"/></g>";
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
  out += "\"/><text class=\"ll\" x=\"4\" y=\"28\">Comments</text>";
  for (const Lane& lane : lanes) {
    out += "<text class=\"ll\" x=\"4\" y=\"";
    num(out, lane.top + std::min(lane.height() / 2 + 4, 16.0));
    out += "\">";
    out += lane_label(lane.kind);
    out += "</text>";
  }
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
    labels += "<text class=\"ml\" x=\"";
    num(labels, k_plot_left + 2);
    labels += "\" y=\"11\">" + format_day(axis.from()) + "</text>";
  }
  for (const MonthTick& tick : ticks) {
    grid += 'M';
    num(grid, tick.x);
    grid += " 14V";
    num(grid, bottom);
    if (!tick.label.empty()) {
      labels += "<text class=\"ml\" x=\"";
      num(labels, tick.x + 2);
      labels += "\" y=\"11\">" + tick.label + "</text>";
    }
  }
  if (!grid.empty()) {
    out += "<path class=\"grid\" d=\"" + grid + "\"/>";
  }
  out += labels;
}

}  // namespace

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
  const double height = lanes_bottom + 16;
  const std::string id = "b" + std::to_string(bug.bug_id);

  out += "<svg class=\"tl\" id=\"" + id + "-svg\" viewBox=\"0 0 ";
  num(out, k_width);
  out += ' ';
  num(out, height);
  out += "\" role=\"graphics-document\" aria-labelledby=\"" + id + "-t\" aria-describedby=\"" + id +
         "-d\"><title id=\"" + id + "-t\">Timeline of bug " + std::to_string(bug.bug_id) +
         "</title><desc id=\"" + id + "-d\">";
  const sync::AuditSummary& s = bug.totals;
  append_escaped(out, "From " + format_day(axis.from()) + " to " + format_day(axis.to()) + ": " +
                          std::to_string(s.windows) + " obligation windows, " +
                          std::to_string(s.met) + " met, " + std::to_string(s.missed) +
                          " missed, " + std::to_string(s.overdue) + " overdue, " +
                          std::to_string(s.open) + " open, " + std::to_string(s.void_count) +
                          " void. One lane per kind of obligation; each window is a bar from "
                          "its start to its deadline, its end marked where it was answered; "
                          "comments are marked along the top.");
  out += "</desc>";
  append_frame(out, axis, lanes, lanes_bottom);
  append_windows(out, in, axis, lanes);
  append_comments(out, in, axis);
  if (axis.contains(in.now)) {
    out += "<path class=\"now\" d=\"M";
    num(out, axis.x(in.now));
    out += " 14V";
    num(out, lanes_bottom + 4);
    out += "\"/><text class=\"nl\" x=\"";
    num(out, axis.x(in.now));
    out += "\" y=\"";
    num(out, lanes_bottom + 13);
    out += "\">now</text>";
  }
  out += "</svg>";
}

}  // namespace bzjira::adapters::report
