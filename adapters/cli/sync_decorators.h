// Decorators of the three ports for `bzjira sync`: they count the calls that failed, per system
// (the run's error metrics), and tell a person on a terminal what a long run is doing. They pass
// every call and answer through unchanged.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "sync/ports.h"
#include "sync/state.h"

namespace bzjira::adapters::cli {

// Progress lines for people. Phase lines always go out; step lines at most once a second, so a
// cold run of many bugs shows it is alive without flooding the terminal. Silent when `sink` is
// empty.
class Progress {
 public:
  explicit Progress(std::function<void(const std::string&)> sink) : m_sink(std::move(sink)) {}
  void phase(const std::string& line);
  void step(const std::string& line);

 private:
  std::function<void(const std::string&)> m_sink;
  std::chrono::steady_clock::time_point m_last{};
};

// Each decorator derives from the port's forwarding base (sync/ports.h, sync/state.h) and overrides
// what it watches: answered() for the error count, and the calls a person wants to see on a
// terminal.
class ObservedBugSource final : public sync::BugSourceWrapper {
 public:
  ObservedBugSource(sync::BugSource& inner, Progress& progress)
      : BugSourceWrapper(inner), m_progress(progress) {}

  sync::Result<sync::Instant> server_time() override;
  sync::Result<std::vector<sync::Bug>> search_bugs(
      const sync::BugScope& scope, std::optional<sync::Instant> changed_since) override;
  sync::Result<std::map<sync::BugId, std::vector<sync::Comment>>> comments(
      const std::vector<sync::BugId>& bug_ids, std::optional<sync::Instant> new_since) override;
  sync::Status comments_by_batch(
      const std::vector<sync::BugId>& bug_ids, std::optional<sync::Instant> new_since,
      const std::function<sync::Status(CommentBatch&&)>& on_batch) override;
  sync::Result<std::vector<sync::HistoryEntry>> history(sync::BugId bug) override;
  sync::Result<std::map<sync::BugId, std::vector<sync::HistoryEntry>>> histories(
      const std::vector<sync::BugId>& bug_ids) override;
  sync::Result<sync::CommentId> post_comment(sync::BugId bug, const std::string& markdown) override;

  int errors() const { return m_errors; }  // calls that returned an error

 private:
  void answered(bool ok) override { m_errors += ok ? 0 : 1; }

  Progress& m_progress;
  int m_errors = 0;
};

class ObservedTracker final : public sync::IssueTrackerWrapper {
 public:
  ObservedTracker(sync::IssueTracker& inner, Progress& progress)
      : IssueTrackerWrapper(inner), m_progress(progress) {}

  sync::Result<std::vector<sync::MirroredIssue>> find_mirrored(
      std::optional<sync::Seconds> updated_within = std::nullopt,
      bool with_comments = false) override;
  std::vector<sync::Result<sync::CreatedIssue>> create_issues(
      const std::vector<sync::IssueDraft>& drafts) override;
  sync::Status update_issue(const std::string& key, const sync::IssueUpdate& update) override;
  sync::Status add_comment(const std::string& key, const sync::RichText& body) override;
  sync::Status transition(const std::string& key, sync::StatusCategory target,
                          const std::optional<std::string>& resolution) override;
  sync::Status upsert_remote_link(const std::string& key, const sync::RemoteLink& link) override;
  std::vector<sync::Status> upsert_remote_links(
      const std::vector<std::pair<std::string, sync::RemoteLink>>& links) override;
  sync::Result<std::vector<sync::IssueComment>> comments_since(const std::string& key,
                                                               sync::Instant since) override;

  int errors() const { return m_errors; }  // calls (one per draft or link) that returned an error

 private:
  void answered(bool ok) override { m_errors += ok ? 0 : 1; }

  Progress& m_progress;
  int m_errors = 0;
};

// Counts the store's failed calls; nothing else to watch.
class ObservedStore final : public sync::StateStoreWrapper {
 public:
  using StateStoreWrapper::StateStoreWrapper;

  int errors() const { return m_errors; }

 private:
  void answered(bool ok) override { m_errors += ok ? 0 : 1; }

  int m_errors = 0;
};

}  // namespace bzjira::adapters::cli
