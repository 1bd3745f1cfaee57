#include "sync/steady.h"

#include <algorithm>
#include <map>

#include "sync/derived_cache.h"
#include "sync/encoding.h"

namespace bzjira::sync {

namespace {

class Fields {
 public:
  Fields& add(const std::string& s) {
    m_out += std::to_string(s.size());
    m_out += ':';
    m_out += s;
    m_out += ';';
    return *this;
  }
  Fields& add(long long n) { return add(std::to_string(n)); }
  Fields& add(const std::vector<std::string>& list) {
    add(static_cast<long long>(list.size()));
    for (const std::string& s : list) {
      add(s);
    }
    return *this;
  }
  const std::string& text() const { return m_out; }

 private:
  std::string m_out;
};

bool same_issue(const MirroredIssue& a, const MirroredIssue& b) {
  return a.id == b.id && a.key == b.key && a.summary == b.summary && a.labels == b.labels &&
         a.due == b.due && a.status == b.status && a.category == b.category &&
         a.resolution == b.resolution && a.deadline == b.deadline && a.updated == b.updated;
}

}  // namespace

std::string steady_fingerprint(const Mapping& mapping, Seconds search_grace,
                               const std::string& build) {
  Fields f;
  const BugzillaSettings& bz = mapping.bugzilla;
  const BugScope& scope = bz.scope;
  f.add(bz.url).add(static_cast<long long>(bz.auth));
  f.add(scope.product).add(scope.component).add(static_cast<long long>(scope.status));
  f.add(scope.whiteboard).add(scope.summary_prefix).add(scope.assignee);
  f.add(bz.ca_accounts).add(bz.ignored_accounts);
  const JiraSettings& j = mapping.jira;
  f.add(j.url).add(static_cast<long long>(j.flavor)).add(j.project).add(j.issue_type);
  f.add(j.labels).add(j.deadline_field).add(j.dismissed_resolutions).add(j.reopen ? 1 : 0);
  f.add(j.close_transition).add(j.reopen_transition).add(j.resolution);
  const PolicySettings& p = mapping.policy;
  f.add(p.rules).add(p.response_days).add(p.update_days).add(p.revocation_should_days);
  f.add(p.revocation_must_days).add(p.full_report ? 1 : 0).add(p.full_report_days);
  f.add(p.time_zone).add(p.lead_days).add(static_cast<long long>(p.one_issue_per));
  f.add(p.copy_private_text ? 1 : 0).add(p.closure_account);
  const RepliesSettings& r = mapping.replies;
  f.add(r.enabled ? 1 : 0).add(r.marker).add(r.clear_needinfo ? 1 : 0).add(r.account);
  f.add(search_grace.count()).add(build);
  return "engine " + std::to_string(k_engine_version) + " plan " + std::to_string(k_plan_version) +
         " " + fnv1a_hex(f.text());
}

bool steady_usable(const std::optional<SteadyMark>& mark, const std::string& fingerprint,
                   Instant plan_now, bool replies_enabled) {
  return mark && !replies_enabled && mark->fingerprint == fingerprint &&
         mark->evaluated_at <= plan_now && plan_now < mark->valid_until;
}

bool same_states(const std::vector<MirroredIssue>& stored,
                 const std::vector<MirroredIssue>& fresh) {
  if (fresh.empty()) {
    return true;
  }
  std::map<std::string, const MirroredIssue*> by_key;
  for (const MirroredIssue& issue : stored) {
    by_key[issue.key] = &issue;
  }
  return std::all_of(fresh.begin(), fresh.end(), [&](const MirroredIssue& issue) {
    auto it = by_key.find(issue.key);
    return it != by_key.end() && same_issue(*it->second, issue);
  });
}

Instant steady_until(Instant plan_now, std::optional<Instant> next_deadline,
                     std::optional<Instant> unsettled) {
  Instant until = plan_now + k_steady_longest;
  if (next_deadline) {
    until = std::min(until, *next_deadline);
  }
  if (unsettled) {
    until = std::min(until, *unsettled);
  }
  return until;
}

}  // namespace bzjira::sync
