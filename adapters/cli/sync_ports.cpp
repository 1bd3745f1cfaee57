#include "adapters/cli/sync_ports.h"

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
  return counted(m_inner.server_time());
}

Result<std::vector<sync::Bug>> ObservedBugSource::search_bugs(
    const sync::BugScope& scope, std::optional<sync::Instant> changed_since) {
  m_progress.phase(changed_since ? "Bugzilla: searching bugs changed since " +
                                       sync::format_rfc3339(*changed_since)
                                 : std::string("Bugzilla: searching every bug in scope"));
  auto found = counted(m_inner.search_bugs(scope, changed_since));
  if (found) {
    m_progress.phase("Bugzilla: " + std::to_string(found->size()) + " bugs found");
  }
  return found;
}

Result<std::map<sync::BugId, std::vector<sync::Comment>>> ObservedBugSource::comments(
    const std::vector<sync::BugId>& bug_ids, std::optional<sync::Instant> new_since) {
  m_progress.phase("Bugzilla: reading " + std::string(new_since ? "new " : "") + "comments of " +
                   std::to_string(bug_ids.size()) + " bugs");
  return counted(m_inner.comments(bug_ids, new_since));
}

Result<std::vector<sync::HistoryEntry>> ObservedBugSource::history(sync::BugId bug) {
  m_progress.step("Bugzilla: reading the history of bug " + std::to_string(bug));
  return counted(m_inner.history(bug));
}

Result<std::map<sync::BugId, std::vector<sync::HistoryEntry>>> ObservedBugSource::histories(
    const std::vector<sync::BugId>& bug_ids) {
  m_progress.phase("Bugzilla: reading the history of " + std::to_string(bug_ids.size()) + " bugs");
  return counted(m_inner.histories(bug_ids));
}

Result<sync::CommentId> ObservedBugSource::post_comment(sync::BugId bug,
                                                        const std::string& markdown) {
  m_progress.phase("Bugzilla: posting a reply written in Jira to bug " + std::to_string(bug));
  return counted(m_inner.post_comment(bug, markdown));
}

Status ObservedBugSource::clear_flag(sync::BugId bug, sync::FlagId flag) {
  return counted(m_inner.clear_flag(bug, flag));
}

Result<std::string> ObservedBugSource::whoami() { return counted(m_inner.whoami()); }

// ---------------------------------------------------------------- Jira

Result<std::vector<sync::MirroredIssue>> ObservedTracker::find_mirrored(
    std::optional<sync::Seconds> updated_within) {
  m_progress.phase(updated_within
                       ? "Jira: searching the mirrored issues updated in the last " +
                             std::to_string((updated_within->count() + 59) / 60) + " minutes"
                       : std::string("Jira: searching every mirrored issue"));
  auto found = counted(m_inner.find_mirrored(updated_within));
  if (found) {
    m_progress.phase("Jira: " + std::to_string(found->size()) + " mirrored issues found");
  }
  return found;
}

std::vector<Result<sync::CreatedIssue>> ObservedTracker::create_issues(
    const std::vector<sync::IssueDraft>& drafts) {
  m_progress.phase("Jira: creating " + std::to_string(drafts.size()) + " issues");
  auto created = m_inner.create_issues(drafts);
  for (const auto& c : created) {
    m_errors += c.ok() ? 0 : 1;
  }
  return created;
}

Status ObservedTracker::update_issue(const std::string& key, const sync::IssueUpdate& update) {
  m_progress.step("Jira: updating " + key);
  return counted(m_inner.update_issue(key, update));
}

Status ObservedTracker::add_comment(const std::string& key, const sync::RichText& body) {
  m_progress.step("Jira: commenting on " + key);
  return counted(m_inner.add_comment(key, body));
}

Status ObservedTracker::transition(const std::string& key, sync::StatusCategory target,
                                   const std::optional<std::string>& resolution) {
  m_progress.step(
      std::string(target == sync::StatusCategory::done ? "Jira: closing " : "Jira: reopening ") +
      key);
  return counted(m_inner.transition(key, target, resolution));
}

Status ObservedTracker::upsert_remote_link(const std::string& key, const sync::RemoteLink& link) {
  m_progress.step("Jira: linking " + key + " to its bug");
  return counted(m_inner.upsert_remote_link(key, link));
}

// One call to the inner tracker, which may send the links concurrently.
std::vector<Status> ObservedTracker::upsert_remote_links(
    const std::vector<std::pair<std::string, sync::RemoteLink>>& links) {
  m_progress.phase("Jira: linking " + std::to_string(links.size()) + " issues to their bugs");
  auto statuses = m_inner.upsert_remote_links(links);
  for (const Status& s : statuses) {
    m_errors += s.ok() ? 0 : 1;
  }
  return statuses;
}

Result<std::vector<sync::IssueComment>> ObservedTracker::comments_since(const std::string& key,
                                                                        sync::Instant since) {
  m_progress.step("Jira: looking for replies on " + key);
  return counted(m_inner.comments_since(key, since));
}

// ---------------------------------------------------------------- state

Result<std::vector<sync::BugRecord>> ObservedStore::load_bugs() {
  return counted(m_inner.load_bugs());
}
Status ObservedStore::save_bugs(const std::vector<sync::BugRecord>& records) {
  return counted(m_inner.save_bugs(records));
}
Status ObservedStore::remove_bugs(const std::vector<sync::BugId>& ids) {
  return counted(m_inner.remove_bugs(ids));
}
Result<std::optional<sync::Instant>> ObservedStore::watermark() {
  return counted(m_inner.watermark());
}
Status ObservedStore::set_watermark(sync::Instant t) { return counted(m_inner.set_watermark(t)); }
Result<std::map<std::string, sync::MirrorEntry>> ObservedStore::mirrors() {
  return counted(m_inner.mirrors());
}
Status ObservedStore::put_mirror(const sync::MirrorEntry& entry) {
  return counted(m_inner.put_mirror(entry));
}
Status ObservedStore::remove_mirror(const std::string& obligation_key) {
  return counted(m_inner.remove_mirror(obligation_key));
}
Result<std::vector<sync::MirroredIssue>> ObservedStore::mirror_states() {
  return counted(m_inner.mirror_states());
}
Status ObservedStore::save_mirror_states(const std::vector<sync::MirroredIssue>& issues,
                                         bool replace_all) {
  return counted(m_inner.save_mirror_states(issues, replace_all));
}
Result<std::int64_t> ObservedStore::record(const sync::JournalEntry& entry) {
  return counted(m_inner.record(entry));
}
Status ObservedStore::update(std::int64_t id, sync::JournalState state, const std::string& detail) {
  return counted(m_inner.update(id, state, detail));
}
Result<std::vector<sync::JournalEntry>> ObservedStore::journal(const std::string& run_id) {
  return counted(m_inner.journal(run_id));
}
Result<std::map<std::string, sync::ReplyRecord>> ObservedStore::replies() {
  return counted(m_inner.replies());
}
Status ObservedStore::put_reply(const sync::ReplyRecord& reply) {
  return counted(m_inner.put_reply(reply));
}
Result<std::optional<std::string>> ObservedStore::get_meta(const std::string& key) {
  return counted(m_inner.get_meta(key));
}
Status ObservedStore::set_meta(const std::string& key, const std::string& value) {
  return counted(m_inner.set_meta(key, value));
}
Status ObservedStore::record_run(const sync::RunRecord& run) {
  return counted(m_inner.record_run(run));
}

}  // namespace bzjira::adapters::cli
