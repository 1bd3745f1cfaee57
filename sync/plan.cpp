#include "sync/plan.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <set>
#include <tuple>

#include "sync/plan_planner.h"
#include "sync/plan_text.h"

namespace bzjira::sync {

namespace plan_detail {

namespace text = plan_text;

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

long long key_number(const std::string& key) {
  const auto dash = key.rfind('-');
  if (dash == std::string::npos || dash + 1 == key.size()) {
    return LLONG_MAX;
  }
  long long n = 0;
  for (std::size_t i = dash + 1; i < key.size(); ++i) {
    if (key[i] < '0' || key[i] > '9' || n > LLONG_MAX / 10 - 10) {
      return LLONG_MAX;
    }
    n = n * 10 + (key[i] - '0');
  }
  return n;
}

bool has_label(const MirroredIssue& issue, const std::string& label) {
  return std::find(issue.labels.begin(), issue.labels.end(), label) != issue.labels.end();
}

Planner::Planner(const std::vector<MirroredIssue>& mirrored, const PlanContext& context)
    : m_ctx(context), m_mapping(*context.mapping), m_zone(*context.zone) {
  for (const MirroredIssue& issue : mirrored) {
    const std::string key = obligation_key_of(issue);
    m_search_keys.insert(issue.key);
    if (key.empty()) {
      m_plan.notes.push_back(issue.key + " has the bzjira label but no obligation key: left alone");
      continue;
    }
    m_by_key[key].push_back(&issue);
  }
  for (auto& [key, issues] : m_by_key) {
    std::sort(issues.begin(), issues.end(), [](const MirroredIssue* a, const MirroredIssue* b) {
      return std::make_tuple(key_number(a->key), a->key) <
             std::make_tuple(key_number(b->key), b->key);
    });
  }
}

void Planner::plan_bug(const BugObligations& bug) {
  m_bug_ids.insert(bug.bug_id);
  if (m_mapping.policy.one_issue_per == OneIssuePer::bug) {
    plan_per_bug(bug);
    return;
  }
  // One window per key; the engine's keys are unique, but an open duplicate would win.
  std::map<std::string, const Obligation*> windows;
  for (const Obligation& o : bug.windows) {
    auto [it, inserted] = windows.emplace(o.key, &o);
    if (!inserted && o.is_open()) {
      it->second = &o;
    }
  }
  for (const auto& [key, o] : windows) {
    plan_window(bug, *o);
  }
}

void Planner::plan_orphans() {
  for (const auto& [key, issues] : m_by_key) {
    if (m_handled.count(key) != 0) {
      continue;
    }
    for (const MirroredIssue* issue : issues) {
      if (is_done(*issue)) {
        continue;
      }
      const BugId bug = bug_id_of(*issue).value_or(0);
      const bool per_bug_key = key.rfind("bzb-", 0) == 0;
      const bool per_bug_mode = m_mapping.policy.one_issue_per == OneIssuePer::bug;
      std::string why;
      if (m_bug_ids.count(bug) == 0) {
        why = "bug left the scope of this mapping";
      } else if (per_bug_key != per_bug_mode) {
        why = per_bug_mode ? "the mapping now keeps one issue per bug"
                           : "the mapping now keeps one issue per obligation";
      } else if (key.rfind("bzn-", 0) == 0) {
        why = "the needinfo flag is no longer set (cleared or withdrawn)";
      } else {
        why = "the obligation no longer exists (comment deleted or hidden)";
      }
      Action a = close_action(*issue, key, bug, issue->key + ": " + why);
      a.comment = {paragraph("Closed by bzjira: " + why + ".")};
      a.link = text::remote_link(m_mapping, bug, key, "", nullptr, true);
      m_plan.actions.push_back(std::move(a));
    }
  }
}

Plan Planner::finish() {
  std::stable_sort(m_plan.actions.begin(), m_plan.actions.end(),
                   [](const Action& a, const Action& b) {
                     return std::make_tuple(a.bug_id, a.obligation_key, static_cast<int>(a.type)) <
                            std::make_tuple(b.bug_id, b.obligation_key, static_cast<int>(b.type));
                   });
  return std::move(m_plan);
}

const std::vector<const MirroredIssue*>& Planner::issues_for(const std::string& key) {
  static const std::vector<const MirroredIssue*> k_none;
  m_handled.insert(key);
  auto it = m_by_key.find(key);
  return it == m_by_key.end() ? k_none : it->second;
}

bool Planner::dismissed(const MirroredIssue& issue) const {
  if (!is_done(issue)) {
    return false;
  }
  return std::any_of(m_mapping.jira.dismissed_resolutions.begin(),
                     m_mapping.jira.dismissed_resolutions.end(),
                     [&](const std::string& r) { return iequals(r, issue.resolution); });
}

// The open issue to keep (lowest number); the others are noted, never deleted.
const MirroredIssue* Planner::open_primary(const std::vector<const MirroredIssue*>& issues,
                                           const std::string& key) {
  const MirroredIssue* primary = nullptr;
  for (const MirroredIssue* issue : issues) {
    if (is_done(*issue)) {
      continue;
    }
    if (primary == nullptr) {
      primary = issue;
    } else {
      m_plan.notes.push_back(issue->key + " duplicates " + primary->key + " for " + key +
                             ": kept " + primary->key + ", left " + issue->key + " alone");
    }
  }
  return primary;
}

// Whether a create may be sent for `key` that the search did not show (PlanContext::known).
bool Planner::may_create(const std::string& key) {
  auto it = m_ctx.known.find(key);
  if (it == m_ctx.known.end()) {
    return true;
  }
  const MirrorEntry& entry = it->second;
  const bool young = m_ctx.now - entry.created_at < m_ctx.search_grace;
  const std::string at = format_rfc3339(entry.created_at);
  if (!entry.issue_key.empty()) {
    if (m_search_keys.count(entry.issue_key) != 0) {
      return true;  // found, but no longer usable for this key (dismissed, or relabelled)
    }
    // Jira said it exists: never create a second one, however long the search lags. An issue
    // deleted (or relabelled) by hand therefore stays gone, and the note says so every run.
    m_plan.notes.push_back(entry.issue_key + " created at " + at + " is not in Jira's search " +
                           (young ? "yet" : "(deleted, or its labels changed?)") + " (" + key +
                           "): left alone");
    return false;
  }
  if (young) {
    m_plan.notes.push_back("waiting: the create for " + key + " sent at " + at +
                           " is unconfirmed and Jira's search may not show it yet");
    return false;
  }
  m_plan.notes.push_back("the create for " + key + " sent at " + at +
                         " was never confirmed and Jira does not show it: creating again");
  return true;
}

Date Planner::due_for(const Obligation& o) const {
  // Never a due date before the window's own first day (lead days, a deadline set at once by a
  // whiteboard change, a 25-hour day): Jira would show the issue late from its creation.
  return std::max(due_date(o.deadline, m_zone, m_mapping.policy.lead_days),
                  m_zone.local_date(o.start));
}

bool Planner::deadline_field() const { return !m_mapping.jira.deadline_field.empty(); }

Action Planner::close_action(const MirroredIssue& issue, const std::string& key, BugId bug,
                             std::string reason) const {
  Action a;
  a.type = ActionType::close_issue;
  a.obligation_key = key;
  a.issue_key = issue.key;
  a.bug_id = bug;
  a.reason = std::move(reason);
  a.resolution = m_mapping.jira.resolution;
  return a;
}

// The fields of `issue` that differ from what the open obligations ask for (empty when none).
// `earliest` drives the due date, the summary and the deadline field.
IssueUpdate Planner::differences(const MirroredIssue& issue, const BugObligations& bug,
                                 const std::vector<const Obligation*>& open) const {
  const Obligation& earliest = *open.front();
  const Date due = due_for(earliest);
  IssueUpdate u;
  const bool due_moved = !issue.due || *issue.due != due;
  // Jira may keep a date-time field to the minute only: a smaller gap is not a move.
  const Seconds gap = issue.deadline ? *issue.deadline - earliest.deadline : Seconds{0};
  const bool deadline_moved =
      deadline_field() && (!issue.deadline || gap >= Seconds{60} || gap <= Seconds{-60});
  if (due_moved) {
    u.due = due;
    u.summary = text::summary(bug.bug_id, earliest, due);
  }
  if (deadline_moved) {
    u.deadline = earliest.deadline;
  }
  if (due_moved || deadline_moved) {
    u.description = text::description(m_mapping, m_zone, bug.bug_id, bug.summary, open, due);
  }
  return u;
}

// "Due date moved from A to B: why" (and the deadline field, when only that moved).
std::string Planner::move_text(const MirroredIssue& issue, const IssueUpdate& u,
                               const Obligation& earliest, const std::string& why_prefix) {
  const std::string why = why_prefix + text::deadline_why(earliest);
  if (u.due) {
    if (!issue.due) {
      return "Due date set to " + format_date(*u.due) + ": " + why;
    }
    return "Due date moved from " + format_date(*issue.due) + " to " + format_date(*u.due) + ": " +
           why;
  }
  const std::string from = issue.deadline ? format_rfc3339(*issue.deadline) : "none";
  return "Deadline moved from " + from + " to " + format_rfc3339(earliest.deadline) + ": " + why;
}

Action Planner::create_action(const BugObligations& bug, const std::string& key,
                              const std::vector<const Obligation*>& open,
                              const std::string& reason) {
  const Obligation& earliest = *open.front();
  const Date due = due_for(earliest);
  Action a;
  a.type = ActionType::create_issue;
  a.obligation_key = key;
  a.bug_id = bug.bug_id;
  a.reason = reason;
  a.draft.summary = text::summary(bug.bug_id, earliest, due);
  a.draft.description = text::description(m_mapping, m_zone, bug.bug_id, bug.summary, open, due);
  a.draft.due = due;
  a.draft.labels = issue_labels(m_mapping, bug.bug_id, key);
  if (key != earliest.key) {  // per bug: the issue also carries every covered obligation key
    for (const Obligation* o : open) {
      a.draft.labels.push_back(o->key);
    }
  }
  if (deadline_field()) {
    a.draft.deadline = earliest.deadline;
  }
  a.link = text::remote_link(m_mapping, bug.bug_id, key, bug.summary,
                             key == earliest.key ? &earliest : nullptr, false);
  return a;
}

Action Planner::reopen_action(const MirroredIssue& issue, const BugObligations& bug,
                              const std::string& key,
                              const std::vector<const Obligation*>& open) const {
  const Obligation& earliest = *open.front();
  const std::string due = format_date(due_for(earliest));
  std::string owed = text::kind_text(earliest);
  if (open.size() > 1) {
    owed += " and " + std::to_string(open.size() - 1) + " more";
  }
  Action a;
  a.type = ActionType::reopen_issue;
  a.obligation_key = key;
  a.issue_key = issue.key;
  a.bug_id = bug.bug_id;
  a.reason = issue.key + " was closed (" +
             (issue.resolution.empty() ? issue.status : issue.resolution) + ") but " + owed +
             " is still owed, due " + due;
  a.comment = {paragraph("Reopened by bzjira: " + owed + " is still owed, due " + due + ".")};
  a.update = differences(issue, bug, open);
  return a;
}

void Planner::plan_window(const BugObligations& bug, const Obligation& o) {
  const auto& issues = issues_for(o.key);
  if (!o.is_open()) {
    for (const MirroredIssue* issue : issues) {
      if (is_done(*issue)) {
        continue;
      }
      const std::string outcome = text::outcome_text(o);
      Action a = close_action(*issue, o.key, bug.bug_id, text::kind_text(o) + " " + outcome);
      Block b{BlockKind::paragraph, {Span{"Closed by bzjira: " + text::kind_text(o) + " ", {}}}};
      for (Span& s : text::outcome_spans(m_mapping, o)) {
        b.spans.push_back(std::move(s));
      }
      b.spans.push_back(Span{".", {}});
      a.comment = {std::move(b)};
      a.link = text::remote_link(m_mapping, bug.bug_id, o.key, bug.summary, &o, true);
      m_plan.actions.push_back(std::move(a));
    }
    return;
  }
  const std::vector<const Obligation*> open{&o};
  const MirroredIssue* primary = open_primary(issues, o.key);
  if (primary != nullptr) {
    sync_open_issue(*primary, bug, o.key, open, "");
    return;
  }
  if (!issues.empty()) {
    const MirroredIssue& last = *issues.back();
    const auto dismissed_it = std::find_if(issues.begin(), issues.end(),
                                           [&](const MirroredIssue* i) { return dismissed(*i); });
    if (dismissed_it != issues.end()) {
      m_plan.notes.push_back((*dismissed_it)->key + " was closed as " +
                             (*dismissed_it)->resolution + ": " + o.key + " stays dismissed");
    } else if (m_mapping.jira.reopen) {
      m_plan.actions.push_back(reopen_action(last, bug, o.key, open));
    } else {
      m_plan.notes.push_back(last.key + " was closed while " + text::kind_text(o) +
                             " is still owed; reopening is off in this mapping");
    }
    return;
  }
  if (may_create(o.key)) {
    m_plan.actions.push_back(create_action(bug, o.key, open,
                                           text::kind_text(o) + " is open (deadline " +
                                               format_rfc3339(o.deadline) +
                                               ") and has no Jira issue"));
  }
}

// Due date / deadline field of an open issue; `why_prefix` explains per-bug moves.
void Planner::sync_open_issue(const MirroredIssue& issue, const BugObligations& bug,
                              const std::string& key, const std::vector<const Obligation*>& open,
                              const std::string& why_prefix) {
  IssueUpdate u = differences(issue, bug, open);
  if (!u.due && !u.deadline) {
    return;
  }
  const std::string moved = move_text(issue, u, *open.front(), why_prefix);
  Action a;
  a.type = ActionType::update_issue;
  a.obligation_key = key;
  a.issue_key = issue.key;
  a.bug_id = bug.bug_id;
  a.reason = moved;
  a.update = std::move(u);
  a.comment = {paragraph(moved)};
  m_plan.actions.push_back(std::move(a));
}

}  // namespace plan_detail

Plan make_plan(const std::vector<BugObligations>& bugs, const std::vector<MirroredIssue>& mirrored,
               const PlanContext& context) {
  if (context.mapping == nullptr) {
    Plan empty;
    empty.notes.push_back("no mapping given: nothing planned");
    return empty;
  }
  static const UtcZone k_utc;
  PlanContext ctx = context;
  if (ctx.zone == nullptr) {
    ctx.zone = &k_utc;
  }
  plan_detail::Planner planner(mirrored, ctx);
  std::vector<const BugObligations*> sorted;
  sorted.reserve(bugs.size());
  for (const BugObligations& bug : bugs) {
    sorted.push_back(&bug);
  }
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const BugObligations* a, const BugObligations* b) { return a->bug_id < b->bug_id; });
  for (const BugObligations* bug : sorted) {
    planner.plan_bug(*bug);
  }
  planner.plan_orphans();
  return planner.finish();
}

}  // namespace bzjira::sync
