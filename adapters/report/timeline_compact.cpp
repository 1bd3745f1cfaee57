#include "adapters/report/timeline_compact.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "adapters/report/html_text.h"
#include "sync/obligations.h"

namespace bzjira::adapters::report {

namespace {

// Straight segments on whole units, written as one path with relative moves (sorted by row,
// then x, so most moves are short and horizontal).
class Segments {
 public:
  void horizontal(double x0, double x1, double y) {
    const long a = std::lround(x0);
    m_h.push_back({std::lround(y), a, std::max(1L, std::lround(x1) - a)});
  }
  // A zero-length segment: a dot with the stroke's round or square cap.
  void dot(double x, double y) { m_h.push_back({std::lround(y), std::lround(x), 0}); }
  void vertical(double x, double y, long length) {
    m_v.push_back({std::lround(y), std::lround(x), length});
  }
  bool empty() const { return m_h.empty() && m_v.empty(); }

  std::string path() {
    std::string d;
    long px = 0, py = 0;
    const auto move = [&](long x, long y) {
      d += d.empty() ? "M" + std::to_string(x) + " " + std::to_string(y)
                     : "m" + std::to_string(x - px) + " " + std::to_string(y - py);
      px = x, py = y;
    };
    std::sort(m_h.begin(), m_h.end());
    for (const auto& [y, x, length] : m_h) {
      move(x, y);
      d += "h" + std::to_string(length);
      px += length;
    }
    std::sort(m_v.begin(), m_v.end());
    for (const auto& [y, x, length] : m_v) {
      // Draw from whichever end is nearer the pen: a row of ticks zigzags without long moves.
      if (std::labs(py - (y + length)) < std::labs(py - y)) {
        move(x, y + length);
        d += "v-" + std::to_string(length);
        py -= length;
      } else {
        move(x, y);
        d += "v" + std::to_string(length);
        py += length;
      }
    }
    return d;
  }

 private:
  std::vector<std::array<long, 3>> m_h;  // y, x, length
  std::vector<std::array<long, 3>> m_v;
};

struct StatusMarks {
  Segments bars, late, ends, should;
  std::string arrows;  // overdue: arrowheads at now
  std::string flags;   // Next-update deadlines
};

void add_path(std::string& out, const char* cls, const std::string& d) {
  if (!d.empty()) {
    out += "<path class=\"";
    out += cls;
    out += "\" d=\"" + d + "\"/>";
  }
}

}  // namespace

void append_windows_compact(std::string& out, const sync::BugAudit& bug, const Axis& axis,
                            const std::vector<Lane>& lanes, sync::Instant now) {
  std::map<std::string, StatusMarks> by_status;
  for (const Lane& lane : lanes) {
    for (std::size_t k = 0; k < lane.windows.size(); ++k) {
      const sync::Obligation& w = bug.windows[lane.windows[k]];
      const Bar bar = bar_of(w, axis, lane, lane.row[k], now);
      StatusMarks& m = by_status[sync::to_string(w.status)];
      const double mid = bar.y + k_bar_height / 2;
      m.bars.horizontal(bar.x0, bar.xd, mid);
      if (is_late(w) && bar.x_end && *bar.x_end > bar.xd) {
        m.late.horizontal(bar.xd, *bar.x_end, mid);
      }
      if (bar.x_end && w.status == sync::WindowStatus::overdue) {
        m.arrows += "M" + std::to_string(std::lround(*bar.x_end)) + " " +
                    std::to_string(std::lround(bar.y - 2)) + "l3 6-3 6";
      } else if (bar.x_end && w.status != sync::WindowStatus::met) {
        m.ends.vertical(*bar.x_end, bar.y - 2, 12);
      }
      if (w.should_by && axis.contains(*w.should_by)) {
        m.should.vertical(axis.x(*w.should_by), bar.y - 3, 14);
      }
      if (w.deadline_from_next_update) {
        m.flags += "M" + std::to_string(std::lround(bar.xd) - 3) + " " +
                   std::to_string(std::lround(bar.y) - 6) + "h6l-3 5z";
      }
    }
  }
  for (auto& [status, m] : by_status) {
    out += "<g class=\"wc " + status + "\">";
    add_path(out, "b", m.bars.path());
    add_path(out, "l", m.late.path());
    add_path(out, "t", m.should.path());
    add_path(out, "n", m.flags);
    add_path(out, "e", m.ends.path() + m.arrows);
    out += "</g>";
  }
}

void append_comments_compact(std::string& out, const TimelineInput& in, const Axis& axis) {
  if (in.record == nullptr) {
    return;
  }
  struct Group {
    Segments dots;
    int count = 0;
  };
  std::map<std::string, Group> groups;  // by marker class
  for (const sync::Comment& c : in.record->comments) {
    if (c.time > in.now || !axis.contains(c.time)) {
      continue;
    }
    const char* cls = in.authors->marker_class(c.creator);
    Group& g = groups[cls];
    g.dots.dot(axis.x(c.time), 24);
    ++g.count;
  }
  const std::pair<const char*, const char*> labels[] = {
      {"c ca", "Comments by the CA"}, {"c", "Comments by others"}, {"c bot", "Comments by bots"}};
  for (const auto& [cls, label] : labels) {
    const auto it = groups.find(cls);
    if (it == groups.end()) {
      continue;
    }
    Group& g = it->second;
    const std::string title = std::string(label) + ": " + std::to_string(g.count);
    out += "<g class=\"";
    out += cls;
    out += "\" role=\"img\"><title>";
    append_escaped(out, title);
    out += "</title><path d=\"" + g.dots.path() + "\"/></g>";
  }
}

}  // namespace bzjira::adapters::report
