#include "adapters/cli/sync_decorators.h"

namespace bzjira::adapters::cli {

using sync::Result;
using sync::Status;

void Progress::phase(const std::string& line) {
  if (m_sink) {
    m_sink(line);
    m_last = std::chrono::steady_clock::now();
  }
}

void Progress::step(const std::string& line) {
  if (m_sink && std::chrono::steady_clock::now() - m_last >= std::chrono::seconds(1)) {
    phase(line);
  }
}

// ---------------------------------------------------------------- Bugzilla

Result<sync::Instant> ObservedBugSource::server_time() {
  m_progress.phase("Bugzilla: reading the server's clock");
  return BugSourceWrapper::server_time();
}

Result<std::vector<sync::Bug>> ObservedBugSource::search_bugs(
    const sync::BugScope& scope, std::optional<sync::Instant> changed_since) {
  m_progress.phase(changed_since ? "Bugzilla: searching bugs changed since " +
                                       sync::format_rfc3339(*changed_since)
                                 : std::string("Bugzilla: searching every bug in scope"));
  auto found = BugSourceWrapper::search_bugs(scope, changed_since);
  if (found) {
    m_progress.phase("Bugzilla: " + std::to_string(found->size()) + " bugs found");
  }
  return found;
}

Result<std::map<sync::BugId, std::vector<sync::Comment>>> ObservedBugSource::comments(
    const std::vector<sync::BugId>& bug_ids, std::optional<sync::Instant> new_since) {
  m_progress.phase("Bugzilla: reading " + std::string(new_since ? "new " : "") + "comments of " +
                   std::to_string(bug_ids.size()) + " bugs");
  return BugSourceWrapper::comments(bug_ids, new_since);
}

sync::Status ObservedBugSource::comments_by_batch(
    const std::vector<sync::BugId>& bug_ids, std::optional<sync::Instant> new_since,
    const std::function<sync::Status(CommentBatch&&)>& on_batch) {
  m_progress.phase("Bugzilla: reading " + std::string(new_since ? "new " : "") + "comments of " +
                   std::to_string(bug_ids.size()) + " bugs");
  return BugSourceWrapper::comments_by_batch(bug_ids, new_since, on_batch);
}

Result<std::vector<sync::HistoryEntry>> ObservedBugSource::history(sync::BugId bug) {
  m_progress.step("Bugzilla: reading the history of bug " + std::to_string(bug));
  return BugSourceWrapper::history(bug);
}

Result<std::map<sync::BugId, std::vector<sync::HistoryEntry>>> ObservedBugSource::histories(
    const std::vector<sync::BugId>& bug_ids) {
  m_progress.phase("Bugzilla: reading the history of " + std::to_string(bug_ids.size()) + " bugs");
  return BugSourceWrapper::histories(bug_ids);
}

Result<sync::CommentId> ObservedBugSource::post_comment(sync::BugId bug,
                                                        const std::string& markdown) {
  m_progress.phase("Bugzilla: posting a reply written in Jira to bug " + std::to_string(bug));
  return BugSourceWrapper::post_comment(bug, markdown);
}

// ---------------------------------------------------------------- Jira

Result<std::vector<sync::MirroredIssue>> ObservedTracker::find_mirrored(
    std::optional<sync::Seconds> updated_within, bool with_comments) {
  m_progress.phase(updated_within
                       ? "Jira: searching the mirrored issues updated in the last " +
                             std::to_string((updated_within->count() + 59) / 60) + " minutes"
                       : std::string("Jira: searching every mirrored issue"));
  auto found = IssueTrackerWrapper::find_mirrored(updated_within, with_comments);
  if (found) {
    m_progress.phase("Jira: " + std::to_string(found->size()) + " mirrored issues found");
  }
  return found;
}

std::vector<Result<sync::CreatedIssue>> ObservedTracker::create_issues(
    const std::vector<sync::IssueDraft>& drafts) {
  m_progress.phase("Jira: creating " + std::to_string(drafts.size()) + " issues");
  return IssueTrackerWrapper::create_issues(drafts);
}

Status ObservedTracker::update_issue(const std::string& key, const sync::IssueUpdate& update) {
  m_progress.step("Jira: updating " + key);
  return IssueTrackerWrapper::update_issue(key, update);
}

Status ObservedTracker::add_comment(const std::string& key, const sync::RichText& body) {
  m_progress.step("Jira: commenting on " + key);
  return IssueTrackerWrapper::add_comment(key, body);
}

Status ObservedTracker::transition(const std::string& key, sync::StatusCategory target,
                                   const std::optional<std::string>& resolution) {
  m_progress.step(
      std::string(target == sync::StatusCategory::done ? "Jira: closing " : "Jira: reopening ") +
      key);
  return IssueTrackerWrapper::transition(key, target, resolution);
}

Status ObservedTracker::upsert_remote_link(const std::string& key, const sync::RemoteLink& link) {
  m_progress.step("Jira: linking " + key + " to its bug");
  return IssueTrackerWrapper::upsert_remote_link(key, link);
}

std::vector<Status> ObservedTracker::upsert_remote_links(
    const std::vector<std::pair<std::string, sync::RemoteLink>>& links) {
  m_progress.phase("Jira: linking " + std::to_string(links.size()) + " issues to their bugs");
  return IssueTrackerWrapper::upsert_remote_links(links);
}

Result<std::vector<sync::IssueComment>> ObservedTracker::comments_since(const std::string& key,
                                                                        sync::Instant since) {
  m_progress.step("Jira: looking for replies on " + key);
  return IssueTrackerWrapper::comments_since(key, since);
}

}  // namespace bzjira::adapters::cli
