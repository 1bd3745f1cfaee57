// Lapses: the audit's missed and overdue windows grouped the way a CA counts missed deadlines, and
// the Timeline line of each (declared in sync/audit.h).
#include <algorithm>
#include <map>
#include <tuple>

#include "sync/audit.h"

namespace bzjira::sync {

const char* to_string(LapseLead lead) {
  switch (lead) {
    case LapseLead::respond:
      return "respond";
    case LapseLead::needinfo:
      return "needinfo";
    case LapseLead::update:
      return "update";
    case LapseLead::next_update:
      return "next_update";
    case LapseLead::full_report:
      return "full_report";
  }
  return "respond";
}

const char* to_string(LapseEnd end) {
  switch (end) {
    case LapseEnd::answered:
      return "answered";
    case LapseEnd::ended:
      return "ended";
    case LapseEnd::open:
      return "open";
  }
  return "open";
}

namespace {

bool is_late(const Obligation& w) {
  return w.status == WindowStatus::missed || w.status == WindowStatus::overdue;
}

// What ends a window, as a grouping key: 0 = a CA comment (by id), 1 = an instant (a needinfo
// cleared, the resolution, a closure request, a withdrawal), 2 = still open.
using EndKey = std::tuple<int, CommentId, Instant>;

EndKey end_key(const Obligation& w) {
  if (w.satisfied_at && w.satisfied_comment_id) {
    return {0, *w.satisfied_comment_id, Instant{}};
  }
  if (w.satisfied_at) {
    return {1, 0, *w.satisfied_at};
  }
  if (w.ended_at) {
    return {1, 0, *w.ended_at};
  }
  return {2, 0, Instant{}};
}

// Lower ranks lead: an unanswered comment, then a needinfo, then the update, then the full report.
int lead_rank(ObligationKind kind) {
  switch (kind) {
    case ObligationKind::question:
      return 0;
    case ObligationKind::needinfo:
      return 1;
    case ObligationKind::update:
      return 2;
    case ObligationKind::full_report:
      return 3;
  }
  return 3;
}

Lapse make_lapse(const BugAudit& bug, const std::vector<std::size_t>& members) {
  Lapse lapse;
  lapse.bug_id = bug.bug_id;
  lapse.windows = members;
  std::size_t lead = members.front();
  for (std::size_t i : members) {
    const Obligation& w = bug.windows[i];
    const Obligation& l = bug.windows[lead];
    if (std::make_tuple(lead_rank(w.kind), w.start, i) <
        std::make_tuple(lead_rank(l.kind), l.start, lead)) {
      lead = i;
    }
  }
  const Obligation& l = bug.windows[lead];
  lapse.lead_window = lead;
  lapse.since = l.start;
  switch (l.kind) {
    case ObligationKind::question:
      lapse.lead = LapseLead::respond;
      break;
    case ObligationKind::needinfo:
      lapse.lead = LapseLead::needinfo;
      break;
    case ObligationKind::update:
      lapse.lead = l.deadline_from_next_update ? LapseLead::next_update : LapseLead::update;
      break;
    case ObligationKind::full_report:
      lapse.lead = LapseLead::full_report;
      break;
  }
  lapse.first_deadline = l.deadline;
  lapse.late = l.late_seconds;
  lapse.worst_late = l.late_seconds;
  for (std::size_t i : members) {
    lapse.first_deadline = std::min(lapse.first_deadline, bug.windows[i].deadline);
    lapse.worst_late = std::max(lapse.worst_late, bug.windows[i].late_seconds);
  }
  const std::string bug_id = std::to_string(bug.bug_id);
  if (l.satisfied_at) {
    lapse.end = LapseEnd::answered;
    lapse.answered_at = l.satisfied_at;
    lapse.answered_by = l.satisfied_by;
    lapse.answered_comment_id = l.satisfied_comment_id;
    lapse.answered_comment_count = l.satisfied_comment_count;
    lapse.at = *l.satisfied_at;
    if (l.satisfied_comment_id) {
      lapse.id = bug_id + "#c" +
                 std::to_string(l.satisfied_comment_count ? *l.satisfied_comment_count
                                                          : *l.satisfied_comment_id);
    } else {
      lapse.id = bug_id + "@" + format_rfc3339(*l.satisfied_at);
    }
  } else if (l.ended_at) {
    lapse.end = LapseEnd::ended;
    lapse.ended_at = l.ended_at;
    lapse.end_reason = l.end_reason;
    lapse.at = l.deadline;
    lapse.id = bug_id + "@" + format_rfc3339(*l.ended_at);
  } else {
    lapse.end = LapseEnd::open;
    lapse.at = l.deadline;
    lapse.id = bug_id + "#open";
  }
  return lapse;
}

}  // namespace

std::vector<Lapse> audit_lapses(const BugAudit& bug) {
  std::map<EndKey, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < bug.windows.size(); ++i) {
    if (is_late(bug.windows[i])) {
      groups[end_key(bug.windows[i])].push_back(i);
    }
  }
  std::vector<Lapse> lapses;
  lapses.reserve(groups.size());
  for (const auto& [key, members] : groups) {
    lapses.push_back(make_lapse(bug, members));
  }
  std::sort(lapses.begin(), lapses.end(), [](const Lapse& a, const Lapse& b) {
    return a.at != b.at ? a.at < b.at : a.id < b.id;
  });
  return lapses;
}

namespace {

std::string days_text(int days) { return std::to_string(days) + (days == 1 ? " day" : " days"); }

std::string date_of(Instant t) { return format_date(utc_date(t)); }

// "comment 5 by x@y", "comments 5, 6 by x@y; comment 8 by z@w": the lapse's unanswered comments,
// consecutive ones by the same author together.
std::string comments_text(const BugAudit& bug, const std::vector<std::size_t>& questions) {
  std::string out;
  std::size_t i = 0;
  while (i < questions.size()) {
    const std::string& author = bug.windows[questions[i]].start_author;
    std::vector<std::string> numbers;
    bool any_private = false;
    for (; i < questions.size() && bug.windows[questions[i]].start_author == author; ++i) {
      const Obligation& w = bug.windows[questions[i]];
      numbers.push_back(w.start_comment_count ? std::to_string(*w.start_comment_count) : "?");
      any_private = any_private || w.start_comment_private;
    }
    if (!out.empty()) {
      out += "; ";
    }
    out += numbers.size() == 1 ? "comment " : "comments ";
    for (std::size_t n = 0; n < numbers.size(); ++n) {
      out += (n == 0 ? "" : ", ") + numbers[n];
    }
    out += " by " + author + (any_private ? " (private)" : "");
  }
  return out;
}

// Where an update window started: "comment 14 by x@y", "bug filed by x@y", "reopened".
std::string update_origin(const Obligation& w) {
  if (w.start_comment_count) {
    return "comment " + std::to_string(*w.start_comment_count) + " by " + w.start_author +
           (w.start_comment_private ? " (private)" : "");
  }
  if (w.start_reopened) {
    return w.start_author.empty() ? "bug reopened" : "bug reopened by " + w.start_author;
  }
  return "bug filed by " + w.start_author;
}

std::string update_name(const Obligation& w) {
  if (w.deadline_from_next_update && w.next_update) {
    return "update due by the Next update date " + format_date(*w.next_update);
  }
  if (w.should_by) {
    return "revocation-delay update";
  }
  return w.days == 7 ? "weekly update" : "update every " + days_text(w.days);
}

std::string ending_text(const Lapse& lapse) {
  const std::string late = format_duration(lapse.late);
  switch (lapse.end) {
    case LapseEnd::answered:
      if (lapse.answered_comment_count) {
        return "answered by " + lapse.answered_by + " in comment " +
               std::to_string(*lapse.answered_comment_count) + ", " + late + " late";
      }
      return "needinfo cleared by " + lapse.answered_by + " on " + date_of(*lapse.answered_at) +
             ", " + late + " late";
    case LapseEnd::ended:
      return "unanswered when " + lapse.end_reason + " on " + date_of(*lapse.ended_at) + ", " +
             late + " late";
    case LapseEnd::open:
      return "still unanswered, " + late + " overdue";
  }
  return {};
}

}  // namespace

std::string render_lapse_line(const BugAudit& bug, const Lapse& lapse) {
  const Obligation& lead = bug.windows[lapse.lead_window];
  std::vector<std::size_t> questions;
  std::vector<std::string> details;
  for (std::size_t i : lapse.windows) {
    if (bug.windows[i].kind == ObligationKind::question) {
      questions.push_back(i);
    }
  }
  std::string what;
  switch (lapse.lead) {
    case LapseLead::respond:
      what = "failed to respond within " + days_text(lead.days) + " since " + date_of(lapse.since);
      details.push_back(comments_text(bug, questions));
      break;
    case LapseLead::needinfo:
      what = "failed to respond to a needinfo request within " + days_text(lead.days) + " since " +
             date_of(lapse.since);
      details.push_back("requested by " + lead.start_author);
      break;
    case LapseLead::update:
      what = "failed to post an update within " + days_text(lead.days) + " since " +
             date_of(lapse.since);
      details.push_back(update_origin(lead));
      break;
    case LapseLead::next_update:
      what = "failed to post an update due by the Next update date " +
             (lead.next_update ? format_date(*lead.next_update) : date_of(lead.deadline));
      details.push_back("owed since " + date_of(lapse.since) + ", " + update_origin(lead));
      break;
    case LapseLead::full_report:
      what = "failed to post the full incident report within " + days_text(lead.days) + " since " +
             date_of(lapse.since);
      details.push_back("bug filed by " + lead.start_author);
      break;
  }
  // The other windows of the lapse, in the order a reader weighs them.
  for (ObligationKind kind :
       {ObligationKind::needinfo, ObligationKind::update, ObligationKind::full_report}) {
    for (std::size_t i : lapse.windows) {
      const Obligation& w = bug.windows[i];
      if (i == lapse.lead_window || w.kind != kind) {
        continue;
      }
      switch (kind) {
        case ObligationKind::needinfo:
          details.push_back("needinfo requested by " + w.start_author);
          break;
        case ObligationKind::update:
          details.push_back(update_name(w));
          break;
        case ObligationKind::full_report:
          details.push_back("full incident report");
          break;
        case ObligationKind::question:
          break;
      }
    }
  }
  details.push_back(ending_text(lapse));
  std::string line = date_of(lapse.at) + ": " + what + " (";
  for (std::size_t d = 0; d < details.size(); ++d) {
    line += (d == 0 ? "" : "; ") + details[d];
  }
  return line + ")";
}

}  // namespace bzjira::sync
