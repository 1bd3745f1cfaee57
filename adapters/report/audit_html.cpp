#include "adapters/report/audit_html.h"

#include <unordered_map>

#include "adapters/report/figures.h"
#include "adapters/report/html_text.h"
#include "adapters/report/page.h"
#include "adapters/report/summary_svg.h"
#include "sync/obligations.h"

namespace bzjira::adapters::report {

namespace {

constexpr std::size_t k_heading_chars = 300;  // Bugzilla caps summaries at 255
constexpr std::size_t k_table_summary_chars = 90;
constexpr std::size_t k_whiteboard_chars = 300;

struct Context {
  const sync::AuditReport& audit;
  const sync::Mapping& mapping;
  const sync::Zone& zone;
  const AuditPageOptions& options;
  std::unordered_map<sync::BugId, const sync::BugRecord*> records;
  std::string bugzilla;  // link base, may be empty
  Detail detail = Detail::full;
  mutable AuthorClasses authors;  // a cache: filled as the timelines are drawn
};

// Text from Bugzilla in HTML text: escaped, and isolated so right-to-left text cannot reorder
// the page's own words around it.
void append_bdi(std::string& out, std::string_view text) {
  out += "<bdi>";
  append_escaped(out, text);
  out += "</bdi>";
}

std::string duration_or_dash(const std::optional<sync::Seconds>& s) {
  return s ? sync::format_duration(*s) : "\u2013";
}

void append_cell(std::string& out, const std::string& value, const char* cls = nullptr) {
  out += cls != nullptr ? std::string("<td class=\"") + cls + "\">" : std::string("<td>");
  append_escaped(out, value);
  out += "</td>";
}

void append_count(std::string& out, int value, const char* bad_class) {
  append_cell(out, std::to_string(value), value > 0 ? bad_class : nullptr);
}

void append_figure_cells(std::string& out, const Figures& f) {
  const sync::AuditSummary& s = f.counts;
  append_cell(out, std::to_string(s.windows));
  append_cell(out, std::to_string(s.met));
  append_count(out, s.missed, "bad");
  append_count(out, s.overdue, "bad");
  append_count(out, s.open, "warn");
  append_cell(out, std::to_string(s.void_count));
  append_count(out, s.lapses, "bad");
  append_cell(out, s.worst_late.count() > 0 ? sync::format_duration(s.worst_late) : "\u2013");
  append_cell(out, duration_or_dash(f.median_late));
  append_cell(out, f.on_time ? percent(*f.on_time) : "\u2013");
}

void append_header(std::string& out, const Context& ctx) {
  out += "<header>\n<h1>Incident response obligations of ";
  append_bdi(out, ctx.mapping.name);
  out += "</h1>\n<p class=\"meta\">Audit as of <strong>";
  out += format_utc_minute(ctx.audit.now);
  out += "</strong> \u00b7 ";
  std::string period = "all windows";
  if (ctx.options.since || ctx.options.until) {
    period = "windows starting " +
             (ctx.options.since ? "on or after " + sync::format_date(*ctx.options.since) : "") +
             (ctx.options.since && ctx.options.until ? " and " : "") +
             (ctx.options.until ? "on or before " + sync::format_date(*ctx.options.until) : "");
  }
  append_escaped(out, period + " \u00b7 rules " + ctx.mapping.policy.rules + " (respond within " +
                          std::to_string(ctx.mapping.policy.response_days) +
                          " days, update every " + std::to_string(ctx.mapping.policy.update_days) +
                          " days) \u00b7 Jira due dates in " + ctx.mapping.policy.time_zone +
                          " \u00b7 bzjira " + ctx.options.version);
  out += "</p>\n<p class=\"meta\">Bugs from ";
  append_bdi(out, ctx.options.source);
  out += " \u00b7 mapping ";
  append_bdi(out, ctx.mapping.source_path.empty() ? ctx.mapping.name : ctx.mapping.source_path);
  out += " \u00b7 all times UTC unless marked</p>\n</header>\n";
}

void append_kpis(std::string& out, const Context& ctx, const Figures& total) {
  const sync::AuditSummary& s = total.counts;
  const auto kpi = [&](int value, const char* label, bool bad) {
    out += bad && value > 0 ? "<span class=\"bad\"><b>" : "<span><b>";
    out += std::to_string(value) + "</b> " + label + "</span>";
  };
  out += "<p class=\"kpi\">";
  kpi(static_cast<int>(ctx.audit.bugs.size()), ctx.audit.bugs.size() == 1 ? "bug" : "bugs", false);
  kpi(s.lapses, s.lapses == 1 ? "missed deadline (lapse)" : "missed deadlines (lapses)", true);
  kpi(s.windows, "windows", false);
  kpi(s.met, "met", false);
  kpi(s.missed, "missed", true);
  kpi(s.overdue, "overdue", true);
  kpi(s.open, "open", false);
  out += "<span><b>" + (total.on_time ? percent(*total.on_time) : std::string("\u2013")) +
         "</b> on time</span>";
  out += "<span>worst lateness <b>" +
         (s.worst_late.count() > 0 ? sync::format_duration(s.worst_late) : std::string("\u2013")) +
         "</b></span><span>median lateness <b>" + duration_or_dash(total.median_late) +
         "</b></span></p>\n";
}

void append_summary(std::string& out, const Context& ctx) {
  const Figures total = report_figures(ctx.audit);
  out +=
      "<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n";
  append_kpis(out, ctx, total);
  out +=
      "<table class=\"sum\"><caption>Per bug: obligation windows by outcome, and the lapses: "
      "missed deadlines as an incident report counts them (one silence of the CA, however many "
      "windows it ran over). Lateness counts the missed and overdue windows; on time = met "
      "\u00f7 (met + missed + overdue).</caption>"
      "<thead><tr><th scope=\"col\" class=\"t\">Bug</th><th scope=\"col\" class=\"t\">Summary"
      "</th><th scope=\"col\">Windows</th><th scope=\"col\">Met</th><th scope=\"col\">Missed"
      "</th><th scope=\"col\">Overdue</th><th scope=\"col\">Open</th><th scope=\"col\">Void"
      "</th><th scope=\"col\">Lapses</th><th scope=\"col\">Worst lateness</th><th "
      "scope=\"col\">Median lateness</th>"
      "<th scope=\"col\">On time</th></tr></thead>\n<tbody>\n";
  for (const sync::BugAudit& bug : ctx.audit.bugs) {
    const std::string id = std::to_string(bug.bug_id);
    out += "<tr><th scope=\"row\"><a href=\"#bug-" + id + "\">" + id + "</a></th><td class=\"s\">";
    append_bdi(out, one_line(bug.summary, k_table_summary_chars));
    out += "</td>";
    append_figure_cells(out, bug_figures(bug));
    out += "</tr>\n";
  }
  out += "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"2\">All bugs</th>";
  append_figure_cells(out, total);
  out += "</tr></tfoot></table>\n";
  out += "<h3>Missed deadlines per month</h3>\n<figure>";
  append_month_chart(out, missed_by_month(ctx.audit));
  out +=
      "<figcaption>Lapses by the month of their first missed deadline (UTC): answered late or "
      "ended (hatched) and still open (cross-hatched); under each month, the windows late of "
      "those due with a known outcome.</figcaption></figure>\n";
  out += "<h3>How to read the timelines</h3>\n";
  append_legend(out);
  out +=
      "<p class=\"meta screen\">Each bug's picture has one lane per kind of obligation. A window "
      "is a "
      "bar from the moment the obligation arose to its deadline; the mark on it is where the "
      "CA answered (or the bug was resolved, or the request withdrawn). Hover over a bar or a "
      "comment for its details; the lines under each picture are the incident report's "
      "timeline.</p>\n";
  if (ctx.detail == Detail::compact) {
    out += "<p class=\"gap\">This audit is large (more than " +
           std::to_string(k_full_detail_limit) +
           " windows and comments), so its pictures are drawn in compact detail: bars and "
           "comments carry no tooltip (comments are counted by kind of author), a met window's "
           "answer is the CA comment above it, lapses are unnumbered dots, and the table of "
           "windows per bug is left out. "
           "<code>--since</code>/<code>--until</code> give full detail for a period; the JSON "
           "and CSV formats list every window.</p>\n";
  }
  out += "</section>\n";
}

void append_facts(std::string& out, const Context& ctx, const sync::BugAudit& bug,
                  const sync::BugRecord* record) {
  out += "<p class=\"meta\">";
  if (record != nullptr) {
    const sync::Bug& b = record->bug;
    append_escaped(out, b.status + (b.resolution.empty() ? "" : " " + b.resolution));
    out += " \u00b7 filed " + format_day(b.creation_time) + " by ";
    append_bdi(out, b.creator);
    if (b.last_resolved && sync::is_resolved_status(b.status)) {
      out += " \u00b7 resolved " + format_day(*b.last_resolved);
    }
    if (!b.whiteboard.empty()) {
      out += " \u00b7 whiteboard <code>";
      append_bdi(out, one_line(b.whiteboard, k_whiteboard_chars));
      out += "</code>";
    }
  }
  if (!ctx.bugzilla.empty()) {
    const std::string url = ctx.bugzilla + "/show_bug.cgi?id=" + std::to_string(bug.bug_id);
    out += " \u00b7 <a href=\"";
    append_escaped(out, url);
    out += "\" rel=\"noopener noreferrer\">";
    append_escaped(out, url);
    out += "</a>";
  }
  out += "</p>\n";
}

void append_window_table(std::string& out, const Context& ctx, const sync::BugAudit& bug) {
  out += "<details><summary>All " + std::to_string(bug.windows.size()) +
         " windows</summary><table class=\"win\"><thead><tr><th scope=\"col\" class=\"t\">Kind"
         "</th><th scope=\"col\" class=\"t\">Started (UTC)</th><th scope=\"col\" class=\"t\">By"
         "</th><th scope=\"col\" class=\"t\">Deadline (UTC)</th><th scope=\"col\" class=\"t\">"
         "Deadline (";
  append_escaped(out, ctx.zone.name());
  out +=
      ")</th><th scope=\"col\" class=\"t\">Status</th><th scope=\"col\" class=\"t\">Answered"
      " or ended (UTC)</th><th scope=\"col\">Lateness</th><th scope=\"col\" class=\"t\">Key"
      "</th></tr></thead><tbody>\n";
  for (const sync::Obligation& w : bug.windows) {
    const auto end = w.satisfied_at ? w.satisfied_at : w.ended_at;
    const bool late =
        w.status == sync::WindowStatus::missed || w.status == sync::WindowStatus::overdue;
    out += "<tr>";
    append_cell(out, sync::to_string(w.kind), "t");
    append_cell(out, format_utc_minute(w.start), "t d");
    out += "<td class=\"t\">";
    append_bdi(out, w.start_author);
    out += "</td>";
    append_cell(out, format_utc_minute(w.deadline), "t d");
    append_cell(out, ctx.zone.format_local(w.deadline), "t d");
    append_cell(out, sync::to_string(w.status), late ? "t bad" : "t");
    append_cell(out, end ? format_utc_minute(*end) : "", "t d");
    append_cell(
        out,
        w.status == sync::WindowStatus::void_
            ? ""
            : (w.late_seconds.count() > 0 ? "late " + sync::format_duration(w.late_seconds)
                                          : "early " + sync::format_duration(-w.late_seconds)),
        late ? "bad" : nullptr);
    append_cell(out, w.key, "t");
    out += "</tr>\n";
  }
  out += "</tbody></table></details>\n";
}

// The incident report's Timeline: the lines `audit --format markdown` prints for this bug, one per
// lapse in time order, numbered as the lapse marks in the picture.
void append_lapse_lines(std::string& out, const sync::BugAudit& bug) {
  out += "<h3>Timeline</h3>\n";
  if (bug.lapses.empty()) {
    out += "<p>No late responses.</p>\n";
    return;
  }
  out += "<ol class=\"lapses\">";
  for (const sync::Lapse& lapse : bug.lapses) {
    out += "<li>";
    append_escaped(out, sync::render_lapse_line(bug, lapse));
    out += "</li>\n";
  }
  out += "</ol>\n";
}

void append_bug(std::string& out, const Context& ctx, const sync::BugAudit& bug, bool first) {
  const std::string id = std::to_string(bug.bug_id);
  const auto found = ctx.records.find(bug.bug_id);
  const sync::BugRecord* record = found == ctx.records.end() ? nullptr : found->second;
  out += "<section class=\"bug";
  out += first ? " first" : "";
  out += "\" id=\"bug-" + id + "\" aria-labelledby=\"bug-" + id + "-h\">\n<h2 id=\"bug-" + id +
         "-h\">Bug " + id + ": ";
  append_bdi(out, one_line(bug.summary, k_heading_chars));
  out += "</h2>\n";
  append_facts(out, ctx, bug, record);
  out += "<figure>";
  TimelineInput in;
  in.bug = &bug;
  in.record = record;
  in.authors = &ctx.authors;
  in.zone = &ctx.zone;
  in.now = ctx.audit.now;
  in.since = ctx.options.since;
  in.until = ctx.options.until;
  in.detail = ctx.detail;
  append_timeline(out, in);
  out += "</figure>\n";
  append_lapse_lines(out, bug);
  if (ctx.detail == Detail::compact) {
    out += "</section>\n";  // the summary's row has this bug's counts
    return;
  }
  const sync::AuditSummary& s = bug.totals;
  out += "<p class=\"tot\">Windows: " + std::to_string(s.windows) +
         ", met: " + std::to_string(s.met) + ", missed: " + std::to_string(s.missed) +
         ", overdue: " + std::to_string(s.overdue) + ", open: " + std::to_string(s.open) +
         ", void: " + std::to_string(s.void_count) +
         "; missed deadlines (lapses): " + std::to_string(s.lapses) +
         ", worst lateness: " + sync::format_duration(s.worst_late) + ".</p>\n";
  append_window_table(out, ctx, bug);
  out += "</section>\n";
}

Detail choose_detail(const sync::AuditReport& audit, const Context& ctx) {
  long elements = 0;
  for (const sync::BugAudit& bug : audit.bugs) {
    elements += static_cast<long>(bug.windows.size());
    if (const auto it = ctx.records.find(bug.bug_id); it != ctx.records.end()) {
      elements += static_cast<long>(it->second->comments.size());
    }
  }
  return elements > k_full_detail_limit ? Detail::compact : Detail::full;
}

}  // namespace

std::string render_audit_html(const sync::AuditReport& audit,
                              const std::vector<sync::BugRecord>& records,
                              const sync::Mapping& mapping, const sync::Zone& zone,
                              const AuditPageOptions& options) {
  Context ctx{audit,        mapping,
              zone,         options,
              {},           link_base(mapping.bugzilla.url),
              Detail::full, AuthorClasses(mapping.bugzilla)};
  for (const sync::BugRecord& r : records) {
    ctx.records.emplace(r.bug.id, &r);
  }
  ctx.detail = options.detail ? *options.detail : choose_detail(audit, ctx);

  std::string out;
  out.reserve(std::size_t{64} * 1024);
  PageHead head;
  head.title = "Obligation audit of " + mapping.name + " as of " + format_utc_minute(audit.now);
  head.generator = "bzjira " + options.version;
  head.css = audit_css();
  append_page_start(out, head);
  append_pattern_defs(out);
  append_header(out, ctx);
  out += "<main>\n";
  append_summary(out, ctx);
  bool first = true;
  for (const sync::BugAudit& bug : audit.bugs) {
    append_bug(out, ctx, bug, first);
    first = false;
  }
  if (audit.bugs.empty()) {
    out += "<p>No obligation window in this audit.</p>\n";
  }
  out += "</main>\n<footer><p>Generated by bzjira ";
  append_escaped(out, options.version);
  out +=
      ". Windows, deadlines and outcomes are bzjira's reading of the CCADB Incident Reporting "
      "Guidelines (rules ";
  append_escaped(out, mapping.policy.rules);
  out +=
      "); the JSON and CSV formats of <code>bzjira audit</code> list every window to the "
      "second. This page runs no script and loads nothing.</p></footer>\n";
  append_page_end(out);
  return out;
}

}  // namespace bzjira::adapters::report
