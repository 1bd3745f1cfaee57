#include "sync/mirror_view.h"

#include <utility>

namespace bzjira::sync {

namespace {

// Placeholder status names after a transition; the next search brings the workflow's real one.
const char* status_name(StatusCategory category) {
  switch (category) {
    case StatusCategory::done:
      return "Done";
    case StatusCategory::in_progress:
      return "In Progress";
    case StatusCategory::todo:
      break;
  }
  return "To Do";
}

}  // namespace

std::string jira_search_scope(const Mapping& mapping) {
  return "project=" + mapping.jira.project + ";deadline_field=" + mapping.jira.deadline_field;
}

std::optional<Seconds> jira_search_window(const JiraSearchMarks& marks, const std::string& scope,
                                          Instant now) {
  if (!marks.last_search || !marks.last_full_search || marks.scope != scope) {
    return std::nullopt;
  }
  if (now < *marks.last_search || now < *marks.last_full_search ||
      now - *marks.last_full_search >= k_jira_full_search_every) {
    return std::nullopt;
  }
  return (now - *marks.last_search) + k_jira_search_margin;
}

std::vector<MirroredIssue> merge_mirrored(std::vector<MirroredIssue> stored,
                                          std::vector<MirroredIssue> fresh) {
  std::map<std::string, MirroredIssue> by_key;
  for (MirroredIssue& issue : stored) {
    std::string key = issue.key;
    by_key.insert_or_assign(std::move(key), std::move(issue));
  }
  for (MirroredIssue& issue : fresh) {
    std::string key = issue.key;
    by_key.insert_or_assign(std::move(key), std::move(issue));
  }
  std::vector<MirroredIssue> out;
  out.reserve(by_key.size());
  for (auto& [key, issue] : by_key) {
    out.push_back(std::move(issue));
  }
  return out;
}

Result<JiraSearchMarks> read_jira_marks(StateStore& store) {
  auto marks = store.search_marks();
  if (!marks) {
    return marks.error();
  }
  return JiraSearchMarks{marks->jira_last_search, marks->jira_last_full_search, marks->jira_scope};
}

Status write_jira_marks(StateStore& store, Instant now, bool full, const std::string& scope) {
  auto marks = store.search_marks();
  if (!marks) {
    return marks.error();
  }
  if (full) {
    marks->jira_scope = scope;
    marks->jira_last_full_search = now;
  }
  marks->jira_last_search = now;
  return store.set_search_marks(*marks);
}

RecordingTracker::RecordingTracker(IssueTracker& inner, StateStore& store,
                                   const std::vector<MirroredIssue>& known,
                                   std::string default_resolution)
    : IssueTrackerWrapper(inner),
      m_store(store),
      m_default_resolution(std::move(default_resolution)) {
  for (const MirroredIssue& issue : known) {
    MirroredIssue& copy = m_known[issue.key] = issue;
    copy.comments.reset();  // saved states never hold comments
  }
}

void RecordingTracker::save(const std::vector<MirroredIssue>& issues) {
  if (Status s = m_store.save_mirror_states(issues, false); !s) {
    m_errors.push_back(s.error());
  }
}

std::vector<Result<CreatedIssue>> RecordingTracker::create_issues(
    const std::vector<IssueDraft>& drafts) {
  std::vector<Result<CreatedIssue>> results = IssueTrackerWrapper::create_issues(drafts);
  std::vector<MirroredIssue> created;
  for (std::size_t i = 0; i < results.size() && i < drafts.size(); ++i) {
    if (!results[i]) {
      continue;
    }
    const IssueDraft& d = drafts[i];
    MirroredIssue issue;
    issue.id = results[i]->id;
    issue.key = results[i]->key;
    issue.summary = d.summary;
    issue.labels = d.labels;
    issue.due = d.due;
    issue.status = status_name(StatusCategory::todo);
    issue.deadline = d.deadline;
    m_known[issue.key] = issue;
    created.push_back(std::move(issue));
  }
  if (!created.empty()) {
    save(created);
  }
  return results;
}

Status RecordingTracker::update_issue(const std::string& key, const IssueUpdate& update) {
  Status s = IssueTrackerWrapper::update_issue(key, update);
  auto it = m_known.find(key);
  if (!s || it == m_known.end()) {
    return s;
  }
  MirroredIssue& issue = it->second;
  if (update.summary) {
    issue.summary = *update.summary;
  }
  if (update.due) {
    issue.due = *update.due;
  }
  if (update.deadline) {
    issue.deadline = *update.deadline;
  }
  if (update.labels) {
    issue.labels = *update.labels;
  }
  issue.updated.reset();  // Jira's new value is unknown until the next search
  save({issue});
  return s;
}

Status RecordingTracker::transition(const std::string& key, StatusCategory target,
                                    const std::optional<std::string>& resolution) {
  Status s = IssueTrackerWrapper::transition(key, target, resolution);
  auto it = m_known.find(key);
  if (!s || it == m_known.end()) {
    return s;
  }
  MirroredIssue& issue = it->second;
  issue.category = target;
  issue.status = status_name(target);
  issue.resolution =
      target == StatusCategory::done ? resolution.value_or(m_default_resolution) : "";
  issue.updated.reset();
  save({issue});
  return s;
}

// Forwarded as one call, so the inner tracker may still send them concurrently.

}  // namespace bzjira::sync
