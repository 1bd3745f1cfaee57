// The audit's renderings for people and spreadsheets (declared in sync/audit.h).
#include <algorithm>
#include <string_view>

#include "sync/audit.h"

namespace bzjira::sync {

namespace {

std::string one_line(const std::string& text) {
  std::string out = text;
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  return out;
}

std::string opt_time(const std::optional<Instant>& t) { return t ? format_rfc3339(*t) : ""; }

std::string summary_line(const AuditSummary& s) {
  return "windows: " + std::to_string(s.windows) + ", met: " + std::to_string(s.met) +
         ", missed: " + std::to_string(s.missed) + ", overdue: " + std::to_string(s.overdue) +
         ", open: " + std::to_string(s.open) + ", void: " + std::to_string(s.void_count) +
         ", missed deadlines (lapses): " + std::to_string(s.lapses) +
         ", worst lateness: " + format_duration(s.worst_late);
}

void pad(std::string& out, std::string_view cell, std::size_t width) {
  out += cell;
  out.append(cell.size() < width ? width - cell.size() : 1, ' ');
}

void pad_time(std::string& out, Instant t, std::size_t width) {
  const std::size_t at = out.size();
  append_rfc3339(out, t);
  const std::size_t size = out.size() - at;
  out.append(size < width ? width - size : 1, ' ');
}

std::string late_cell(const Obligation& w) {
  if (w.status == WindowStatus::void_) {
    return "";
  }
  // Negative lateness is time to spare: "early 2d" reads better than "-2d".
  return w.late_seconds.count() > 0 ? "late " + format_duration(w.late_seconds)
                                    : "early " + format_duration(-w.late_seconds);
}

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    return value;
  }
  std::string out = "\"";
  for (char c : value) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

// Free text from Bugzilla (summaries, logins, reasons) in a spreadsheet: a cell starting with
// '=', '+', '-', '@', tab or CR would be read as a formula (CSV injection). A leading apostrophe
// makes it text; numbers and times are never passed here.
std::string csv_text(const std::string& value) {
  if (!value.empty() &&
      std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    return csv_field("'" + value);
  }
  return csv_field(value);
}

}  // namespace

std::string render_audit_text(const AuditReport& report) {
  std::string out = "Obligation audit as of " + format_rfc3339(report.now) + "\n";
  out += "Total " + summary_line(report.totals) + "\n";
  for (const BugAudit& bug : report.bugs) {
    out += "\nBug " + std::to_string(bug.bug_id) + ": " + one_line(bug.summary) + "\n";
    std::string header = "  ";
    pad(header, "kind", 13);
    pad(header, "start", 22);
    pad(header, "deadline", 22);
    pad(header, "status", 9);
    pad(header, "satisfied / ended", 22);
    header += "lateness";
    out += header + "\n";
    // Tens of thousands of rows: each is written straight into the report.
    for (const Obligation& w : bug.windows) {
      out += "  ";
      pad(out, to_string(w.kind), 13);
      pad_time(out, w.start, 22);
      pad_time(out, w.deadline, 22);
      pad(out, to_string(w.status), 9);
      if (const auto& at = w.satisfied_at ? w.satisfied_at : w.ended_at) {
        pad_time(out, *at, 22);
      } else {
        pad(out, "", 22);
      }
      out += late_cell(w);
      out += '\n';
    }
    out += "  " + summary_line(bug.totals) + "\n";
  }
  return out;
}

std::string render_audit_markdown(const AuditReport& report) {
  std::string out = "# Obligation audit as of " + format_rfc3339(report.now) + "\n\n";
  out +=
      "All dates and times are UTC. Each line is one lapse (a missed deadline): the windows "
      "one CA answer ended late, or that are still open past their deadline.\n";
  for (const BugAudit& bug : report.bugs) {
    out += "\n## Bug " + std::to_string(bug.bug_id) + ": " + one_line(bug.summary) + "\n\n";
    for (const Lapse& lapse : bug.lapses) {
      out += "- " + render_lapse_line(bug, lapse) + "\n";
    }
    if (bug.lapses.empty()) {
      out += "- No late responses.\n";
    }
    const AuditSummary& s = bug.totals;
    out += "\nWindows: " + std::to_string(s.windows) + ", met: " + std::to_string(s.met) +
           ", missed: " + std::to_string(s.missed) + ", overdue: " + std::to_string(s.overdue) +
           "; missed deadlines (lapses): " + std::to_string(s.lapses) +
           ", worst lateness: " + format_duration(s.worst_late) + ".\n";
  }
  out += "\nTotal " + summary_line(report.totals) + ".\n";
  return out;
}

std::string render_audit_timeline(const AuditReport& report) {
  struct Line {
    Instant at;
    BugId bug;
    std::string text;
  };
  std::vector<Line> lines;
  const bool name_bugs = report.bugs.size() > 1;
  for (const BugAudit& bug : report.bugs) {
    for (const Lapse& lapse : bug.lapses) {
      std::string text = render_lapse_line(bug, lapse);
      if (name_bugs) {
        // "2024-04-30: bug 7: failed ..." keeps the date first, as the Timeline's lines are.
        text.insert(12, "bug " + std::to_string(bug.bug_id) + ": ");
      }
      lines.push_back(Line{lapse.at, bug.bug_id, std::move(text)});
    }
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    return a.at != b.at ? a.at < b.at : a.bug < b.bug;
  });
  std::string out;
  for (const Line& line : lines) {
    out += "- " + line.text + "\n";
  }
  return out;
}

std::string render_audit_csv(const AuditReport& report) {
  std::string out =
      "bug_id,summary,key,kind,status,start,deadline,should_by,deadline_from_next_update,"
      "satisfied_at,satisfied_by,satisfied_comment_count,ended_at,end_reason,late_seconds,"
      "start_comment_count,start_author,start_private,rule,lapse\r\n";
  for (const BugAudit& bug : report.bugs) {
    for (std::size_t index = 0; index < bug.windows.size(); ++index) {
      const Obligation& w = bug.windows[index];
      const int lapse = index < bug.window_lapse.size() ? bug.window_lapse[index] : -1;
      const std::vector<std::string> fields = {
          std::to_string(bug.bug_id),
          bug.summary,
          w.key,
          to_string(w.kind),
          to_string(w.status),
          format_rfc3339(w.start),
          format_rfc3339(w.deadline),
          opt_time(w.should_by),
          w.deadline_from_next_update ? "true" : "false",
          opt_time(w.satisfied_at),
          w.satisfied_by,
          w.satisfied_comment_count ? std::to_string(*w.satisfied_comment_count) : "",
          opt_time(w.ended_at),
          w.end_reason,
          std::to_string(w.late_seconds.count()),
          w.start_comment_count ? std::to_string(*w.start_comment_count) : "",
          w.start_author,
          w.start_comment_private ? "true" : "false",
          w.rule,
          lapse >= 0 ? bug.lapses[static_cast<std::size_t>(lapse)].id : ""};
      for (std::size_t i = 0; i < fields.size(); ++i) {
        // summary, logins, reason
        const bool text = i == 1 || i == 10 || i == 13 || i == 16;
        out += (i == 0 ? "" : ",") + (text ? csv_text(fields[i]) : csv_field(fields[i]));
      }
      out += "\r\n";
    }
  }
  return out;
}

}  // namespace bzjira::sync
