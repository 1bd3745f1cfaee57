// Internal to the plan (sync/plan*.cpp): the Planner that make_plan() runs once per call, and the
// label helpers it shares with the rest of the core. Not a public contract.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "sync/plan.h"

namespace bzjira::sync::plan_detail {

bool iequals(const std::string& a, const std::string& b);
// The number after the last dash of a Jira key ("CAINC-12" -> 12); LLONG_MAX when there is none.
long long key_number(const std::string& key);
bool has_label(const MirroredIssue& issue, const std::string& label);
inline bool is_done(const MirroredIssue& issue) { return issue.category == StatusCategory::done; }
inline std::string per_bug_key(BugId bug) { return "bzb-" + std::to_string(bug); }

// Builds the plan for one run; one instance per make_plan call.
class Planner {
 public:
  Planner(const std::vector<MirroredIssue>& mirrored, const PlanContext& context);
  void plan_bug(const BugObligations& bug);
  void plan_orphans();
  Plan finish();

 private:
  const std::vector<const MirroredIssue*>& issues_for(const std::string& key);
  bool dismissed(const MirroredIssue& issue) const;
  // The open issue to keep (lowest number); the others are noted, never deleted.
  const MirroredIssue* open_primary(const std::vector<const MirroredIssue*>& issues,
                                    const std::string& key);
  // Whether a create may be sent for `key` that the search did not show (PlanContext::known).
  bool may_create(const std::string& key);
  Date due_for(const Obligation& o) const;
  bool deadline_field() const;
  Action close_action(const MirroredIssue& issue, const std::string& key, BugId bug,
                      std::string reason) const;
  // The fields of `issue` that differ from what the open obligations ask for (empty when none).
  // `earliest` drives the due date, the summary and the deadline field.
  IssueUpdate differences(const MirroredIssue& issue, const BugObligations& bug,
                          const std::vector<const Obligation*>& open) const;
  // "Due date moved from A to B: why" (and the deadline field, when only that moved).
  static std::string move_text(const MirroredIssue& issue, const IssueUpdate& u,
                               const Obligation& earliest, const std::string& why_prefix);
  Action create_action(const BugObligations& bug, const std::string& key,
                       const std::vector<const Obligation*>& open, const std::string& reason);
  Action reopen_action(const MirroredIssue& issue, const BugObligations& bug,
                       const std::string& key, const std::vector<const Obligation*>& open) const;
  void plan_window(const BugObligations& bug, const Obligation& o);
  // Due date / deadline field of an open issue; `why_prefix` explains per-bug moves.
  void sync_open_issue(const MirroredIssue& issue, const BugObligations& bug,
                       const std::string& key, const std::vector<const Obligation*>& open,
                       const std::string& why_prefix);
  void plan_per_bug(const BugObligations& bug);
  Action per_bug_close(const MirroredIssue& issue, const BugObligations& bug,
                       const std::string& key) const;

  const PlanContext& m_ctx;
  const Mapping& m_mapping;
  const Zone& m_zone;
  Plan m_plan;
  std::map<std::string, std::vector<const MirroredIssue*>> m_by_key;
  std::set<std::string> m_search_keys;  // every Jira key the search returned
  std::set<std::string> m_handled;      // obligation keys some in-scope bug accounts for
  std::set<BugId> m_bug_ids;
};

}  // namespace bzjira::sync::plan_detail
