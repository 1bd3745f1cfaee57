// make_plan with one issue per bug (mapping.policy.one_issue_per == bug): the bug's issue covers
// all its open obligations; see sync/plan.h.
#include <algorithm>
#include <set>
#include <tuple>

#include "sync/plan_planner.h"
#include "sync/plan_text.h"

namespace bzjira::sync::plan_detail {

namespace text = plan_text;

void Planner::plan_per_bug(const BugObligations& bug) {
  const std::string key = per_bug_key(bug.bug_id);
  const auto& issues = issues_for(key);
  // Obligations a person settled in Jira: covered by a dismissed issue, or by any closed issue
  // when reopening is off. They stay out of the bug's issue.
  std::set<std::string> settled;
  for (const MirroredIssue* issue : issues) {
    if (dismissed(*issue) || (is_done(*issue) && !m_mapping.jira.reopen)) {
      settled.insert(issue->labels.begin(), issue->labels.end());
    }
  }
  std::vector<const Obligation*> open;
  for (const Obligation& o : bug.windows) {
    if (o.is_open()) {
      if (settled.count(o.key) != 0) {
        m_plan.notes.push_back(o.key + " is still owed but was closed in Jira (" + key +
                               "): left closed");
      } else {
        open.push_back(&o);
      }
    }
  }
  std::stable_sort(open.begin(), open.end(), [](const Obligation* a, const Obligation* b) {
    return std::tie(a->deadline, a->key) < std::tie(b->deadline, b->key);
  });
  if (open.empty()) {
    for (const MirroredIssue* issue : issues) {
      if (!is_done(*issue)) {
        m_plan.actions.push_back(per_bug_close(*issue, bug, key));
      }
    }
    return;
  }
  const MirroredIssue* primary = open_primary(issues, key);
  if (primary != nullptr) {
    std::vector<std::string> labels = primary->labels;
    RichText comment;
    std::string reason;
    for (const Obligation* o : open) {
      if (has_label(*primary, o->key)) {
        continue;
      }
      labels.push_back(o->key);
      std::string what = text::kind_text(*o);
      if (o->kind == ObligationKind::question && o->start_comment_count) {
        what = "question from " + text::login_local_part(o->start_author) + " in comment " +
               std::to_string(*o->start_comment_count);
      }
      const std::string line = "New: " + what + ", due " + format_date(due_for(*o));
      comment.push_back(paragraph(line));
      reason += (reason.empty() ? "" : "; ") + line;
    }
    if (!comment.empty()) {
      Action a;
      a.type = ActionType::add_comment;
      a.obligation_key = key;
      a.issue_key = primary->key;
      a.bug_id = bug.bug_id;
      a.reason = reason;
      a.comment = std::move(comment);
      a.update.labels = std::move(labels);
      m_plan.actions.push_back(std::move(a));
    }
    sync_open_issue(*primary, bug, key, open,
                    "the earliest open obligation is now " + text::kind_text(*open.front()) + ", ");
    return;
  }
  // Closed issues whose labels are not settled (reopening is on, none dismissed): reopen the
  // latest, covering every open obligation.
  const MirroredIssue* reopenable = nullptr;
  for (const MirroredIssue* issue : issues) {
    if (m_mapping.jira.reopen && !dismissed(*issue)) {
      reopenable = issue;
    }
  }
  if (reopenable != nullptr) {
    Action a = reopen_action(*reopenable, bug, key, open);
    std::vector<std::string> labels = reopenable->labels;
    for (const Obligation* o : open) {
      if (!has_label(*reopenable, o->key)) {
        labels.push_back(o->key);
      }
    }
    if (labels != reopenable->labels) {
      a.update.labels = std::move(labels);
    }
    m_plan.actions.push_back(std::move(a));
    return;
  }
  if (may_create(key)) {
    m_plan.actions.push_back(
        create_action(bug, key, open,
                      std::to_string(open.size()) + " open obligation(s), earliest " +
                          text::kind_text(*open.front()) + ", and no open Jira issue for the bug"));
  }
}

Action Planner::per_bug_close(const MirroredIssue& issue, const BugObligations& bug,
                              const std::string& key) const {
  RichText comment;
  comment.push_back(paragraph(bug.resolved ? "Closed by bzjira: the bug was resolved (" +
                                                 bug.resolution + "); nothing is owed any more."
                                           : "Closed by bzjira: nothing is owed on this bug "
                                             "any more."));
  for (const Obligation& o : bug.windows) {
    if (!o.is_open() && has_label(issue, o.key)) {
      Block b{BlockKind::paragraph, {Span{text::kind_text(o) + ": ", {}}}};
      for (Span& s : text::outcome_spans(m_mapping, o)) {
        b.spans.push_back(std::move(s));
      }
      comment.push_back(std::move(b));
    }
  }
  Action a = close_action(issue, key, bug.bug_id,
                          bug.resolved ? "bug resolved (" + bug.resolution + ")"
                                       : "no obligation is open on the bug any more");
  a.comment = std::move(comment);
  a.link = text::remote_link(m_mapping, bug.bug_id, key, bug.summary, nullptr, true);
  return a;
}

}  // namespace bzjira::sync::plan_detail
