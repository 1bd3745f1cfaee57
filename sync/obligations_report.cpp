// The optional full-report obligation (IRG 3.2: "Full Incident Reports ... MUST be posted within
// 14 days of the incident's initial disclosure") and how a comment is recognised as the full
// report.
#include <algorithm>
#include <array>
#include <string_view>

#include "sync/obligation_context.h"

namespace bzjira::sync {

namespace {

// The sections of the IRG 3.2 Full Incident Report template that its Preliminary Incident Report
// lacks: a comment with all three as headings is a full report.
constexpr std::array<std::string_view, 3> k_full_report_sections = {
    "root cause analysis", "lessons learned", "action items"};

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// A setext underline: "===" or "---" (three or more, nothing else).
bool is_underline(std::string_view line) {
  line = trim(line);
  return line.size() >= 3 && (line.find_first_not_of('=') == std::string_view::npos ||
                              line.find_first_not_of('-') == std::string_view::npos);
}

// The heading text of one line, or empty when the line is no heading. Heading styles real reports
// use: "## Root Cause Analysis" (ATX, any level), a line underlined with === or ---, a bold line
// "**Root Cause Analysis**" / "__Lessons learned:__ ..." (also as a list item), and a title line
// "Action Items: ..." (also "- 5. Action Items:"), whose label before the colon is short.
std::string_view heading_text(std::string_view line, std::string_view next_line) {
  constexpr std::size_t k_max_label = 48;
  std::string_view t = trim(line);
  if (t.empty()) {
    return {};
  }
  if (t.front() == '#') {
    const std::size_t hashes = t.find_first_not_of('#');
    if (hashes == std::string_view::npos) {
      return {};
    }
    return hashes <= 6 && (t[hashes] == ' ' || t[hashes] == '\t') ? t.substr(hashes) : "";
  }
  if (is_underline(next_line) && t.size() <= k_max_label) {
    return t;
  }
  // A list marker or a number ("-", "*", "+", "5.", "5)") before the heading text.
  if ((t.front() == '-' || t.front() == '*' || t.front() == '+') && t.size() > 1 && t[1] == ' ') {
    t = trim(t.substr(2));
  }
  std::size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') {
    ++digits;
  }
  if (digits > 0 && digits < t.size() && (t[digits] == '.' || t[digits] == ')')) {
    t = trim(t.substr(digits + 1));
  }
  if (t.size() > 2 && (t.substr(0, 2) == "**" || t.substr(0, 2) == "__")) {
    const std::size_t close = t.find(t.substr(0, 2), 2);
    if (close != std::string_view::npos && close - 2 <= k_max_label) {
      return t.substr(2, close - 2);
    }
    return {};
  }
  const std::size_t colon = t.find(':');
  return colon != std::string_view::npos && colon <= k_max_label ? t.substr(0, colon) : "";
}

bool is_full_report(const std::string& text) {
  std::array<bool, k_full_report_sections.size()> seen{};
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) {
      eol = text.size();
    }
    const std::string_view line(text.data() + pos, eol - pos);
    pos = eol + 1;
    std::string_view next;
    if (pos < text.size()) {
      const std::size_t next_eol = text.find('\n', pos);
      next = std::string_view(text.data() + pos,
                              (next_eol == std::string::npos ? text.size() : next_eol) - pos);
    }
    const std::string_view heading = heading_text(line, next);
    if (heading.empty()) {
      continue;
    }
    for (std::size_t h = 0; h < k_full_report_sections.size(); ++h) {
      seen[h] = seen[h] || contains_ci(heading, k_full_report_sections[h]);
    }
  }
  return std::all_of(seen.begin(), seen.end(), [](bool b) { return b; });
}

}  // namespace

// docs/rules.md#full-report (optional rule): the full report within full_report_days of the bug's
// creation.
void add_full_report_window(const ObligationContext& ctx, std::vector<Obligation>& out) {
  const Bug& bug = ctx.record.bug;
  Obligation o = new_window(ObligationKind::full_report, "bzf-" + std::to_string(bug.id), bug.id,
                            bug.creation_time,
                            ctx.rule_prefix + ": post the full incident report within " +
                                days_text(ctx.policy.full_report_days));
  o.deadline = bug.creation_time + Days{ctx.policy.full_report_days};
  o.days = ctx.policy.full_report_days;
  o.start_author = bug.creator;
  std::optional<Satisfaction> sat;
  // The description counts too: a CA may file the bug with the full report in it.
  for (std::size_t index : ctx.ca_indexes) {
    const Comment& c = *ctx.comments[index];
    if (c.time >= bug.creation_time && is_full_report(c.text)) {
      sat = satisfaction_from(c);
      break;
    }
  }
  settle_until_resolved(ctx, o, sat);
  out.push_back(std::move(o));
}

}  // namespace bzjira::sync
