#include "adapters/report/status_html.h"

#include "adapters/report/html_text.h"
#include "adapters/report/page.h"

namespace bzjira::adapters::report {

namespace {

constexpr std::size_t k_summary_chars = 120;
constexpr sync::Seconds k_soon{24 * 3600};

void append_link(std::string& out, const std::string& url, const std::string& text) {
  out += "<a href=\"";
  append_escaped(out, url);
  out += "\" rel=\"noopener noreferrer\">";
  append_escaped(out, text);
  out += "</a>";
}

const char* kind_label(sync::ObligationKind kind) {
  switch (kind) {
    case sync::ObligationKind::question:
      return "answer a comment";
    case sync::ObligationKind::needinfo:
      return "answer a needinfo";
    case sync::ObligationKind::update:
      return "post an update";
    case sync::ObligationKind::full_report:
      return "post the full report";
  }
  return "";
}

}  // namespace

std::string render_status_html(const std::vector<StatusRow>& rows, const sync::Mapping& mapping,
                               const sync::Zone& zone, sync::Instant now,
                               const StatusPageOptions& options) {
  const std::string bugzilla = link_base(mapping.bugzilla.url);
  const std::string jira = link_base(mapping.jira.url);
  int overdue = 0;
  int soon = 0;
  for (const StatusRow& r : rows) {
    const auto left = r.obligation.deadline - now;
    overdue += left.count() < 0 ? 1 : 0;
    soon += left.count() >= 0 && left <= k_soon ? 1 : 0;
  }

  std::string out;
  PageHead head;
  head.title = "Open obligations of " + mapping.name + " at " + format_utc_minute(now);
  head.generator = "bzjira " + options.version;
  head.css = status_css();
  head.refresh_seconds = options.refresh_seconds;
  append_page_start(out, head);
  out += "<header><h1>Open obligations of <bdi>";
  append_escaped(out, mapping.name);
  out +=
      "</bdi></h1><p class=\"meta\">As of <strong>" + format_utc_minute(now) + "</strong> \u00b7 ";
  out += overdue > 0 ? "<span class=\"bad\">" : "<span>";
  out += std::to_string(overdue) + " overdue</span> \u00b7 ";
  out += std::to_string(soon) + " due within 24 hours \u00b7 " + std::to_string(rows.size()) +
         " open in all \u00b7 deadlines in UTC and ";
  append_escaped(out, zone.name());
  if (options.refresh_seconds > 0) {
    const int r = options.refresh_seconds;
    out += " \u00b7 this page reloads every " +
           (r % 60 == 0 ? std::to_string(r / 60) + (r == 60 ? " minute" : " minutes")
                        : std::to_string(r) + " s");
  }
  out += "</p></header>\n<main>\n";
  if (rows.empty()) {
    out += "<p class=\"ok\"><strong>Nothing is owed right now.</strong></p>\n";
  } else {
    out +=
        "<table class=\"status\"><caption>Most urgent first. A deadline is the moment the "
        "answer or update is due; Jira's due date is the day before it.</caption><thead><tr>"
        "<th scope=\"col\" class=\"t\">State</th><th scope=\"col\" class=\"t\">Deadline (UTC)"
        "</th><th scope=\"col\" class=\"t\">Deadline (";
    append_escaped(out, zone.name());
    out +=
        ")</th><th scope=\"col\">Time left</th><th scope=\"col\" class=\"t\">Bug</th>"
        "<th scope=\"col\" class=\"t\">To do</th><th scope=\"col\" class=\"t\">Since (UTC)</th>"
        "<th scope=\"col\" class=\"t\">Jira</th></tr></thead><tbody>\n";
    for (const StatusRow& r : rows) {
      const sync::Obligation& o = r.obligation;
      const auto left = o.deadline - now;
      const bool is_overdue = left.count() < 0;
      const bool is_soon = !is_overdue && left <= k_soon;
      out += is_overdue ? "<tr class=\"overdue\">"
             : is_soon  ? "<tr class=\"soon\">"
                        : "<tr class=\"ahead\">";
      out += "<td class=\"t\"><span class=\"flag\">";
      out += is_overdue ? "OVERDUE" : is_soon ? "DUE SOON" : "open";
      out += "</span></td><td class=\"t d\">" + format_utc_minute(o.deadline) +
             "</td><td class=\"t d\">";
      append_escaped(out, zone.format_local(o.deadline));
      out += "</td><td class=\"d\">";
      out +=
          is_overdue ? "overdue by " + sync::format_duration(-left) : sync::format_duration(left);
      out += "</td><td class=\"s\">";
      const std::string bug = std::to_string(o.bug_id);
      if (bugzilla.empty()) {
        out += bug;
      } else {
        append_link(out, bugzilla + "/show_bug.cgi?id=" + bug, bug);
      }
      out += ": <bdi>";
      append_escaped(out, one_line(r.bug_summary, k_summary_chars));
      out += "</bdi></td><td class=\"t\">";
      out += kind_label(o.kind);
      out +=
          o.start_comment_count ? " (comment " + std::to_string(*o.start_comment_count) + ")" : "";
      out += "</td><td class=\"t d\">" + format_utc_minute(o.start) + "</td><td class=\"t d\">";
      if (r.jira_key.empty()) {
        out += "\u2013";
      } else if (jira.empty() || !is_issue_key(r.jira_key)) {
        append_escaped(out, r.jira_key);
      } else {
        append_link(out, jira + "/browse/" + r.jira_key, r.jira_key);
      }
      out += "</td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
  out += "</main>\n<footer><p>Generated by bzjira ";
  append_escaped(out, options.version);
  out += " for mapping <bdi>";
  append_escaped(out, mapping.name);
  out += "</bdi>. This page runs no script and loads nothing.</p></footer>\n";
  append_page_end(out);
  return out;
}

}  // namespace bzjira::adapters::report
