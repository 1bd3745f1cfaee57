// Wrappers around the three ports for `bzjira sync`: they count the calls that failed, per system
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

class ObservedBugSource final : public sync::BugSource {
 public:
  ObservedBugSource(sync::BugSource& inner, Progress& progress)
      : m_inner(inner), m_progress(progress) {}

  sync::Result<sync::Instant> server_time() override;
  sync::Result<std::vector<sync::Bug>> search_bugs(
      const sync::BugScope& scope, std::optional<sync::Instant> changed_since) override;
  sync::Result<std::map<sync::BugId, std::vector<sync::Comment>>> comments(
      const std::vector<sync::BugId>& bug_ids, std::optional<sync::Instant> new_since) override;
  sync::Status comments_by_batch(
      const std::vector<sync::BugId>& bug_ids, std::optional<sync::Instant> new_since,
      const std::function<sync::Status(CommentBatch&&)>& on_batch) override {
    m_progress.phase("Bugzilla: reading " + std::string(new_since ? "new " : "") + "comments of " +
                     std::to_string(bug_ids.size()) + " bugs");
    return counted(m_inner.comments_by_batch(bug_ids, new_since, on_batch));
  }
  sync::Result<std::vector<sync::HistoryEntry>> history(sync::BugId bug) override;
  sync::Result<std::map<sync::BugId, std::vector<sync::HistoryEntry>>> histories(
      const std::vector<sync::BugId>& bug_ids) override;
  sync::Result<sync::CommentId> post_comment(sync::BugId bug, const std::string& markdown) override;
  sync::Status clear_flag(sync::BugId bug, sync::FlagId flag) override;
  sync::Result<std::string> whoami() override;
  int request_count() const override { return m_inner.request_count(); }

  int errors() const { return m_errors; }  // calls that returned an error

 private:
  template <typename R>
  R counted(R result) {
    m_errors += result.ok() ? 0 : 1;
    return result;
  }

  sync::BugSource& m_inner;
  Progress& m_progress;
  int m_errors = 0;
};

class ObservedTracker final : public sync::IssueTracker {
 public:
  ObservedTracker(sync::IssueTracker& inner, Progress& progress)
      : m_inner(inner), m_progress(progress) {}

  sync::Result<std::vector<sync::MirroredIssue>> find_mirrored(
      std::optional<sync::Seconds> updated_within = std::nullopt) override;
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
  int request_count() const override { return m_inner.request_count(); }

  int errors() const { return m_errors; }

 private:
  template <typename R>
  R counted(R result) {
    m_errors += result.ok() ? 0 : 1;
    return result;
  }

  sync::IssueTracker& m_inner;
  Progress& m_progress;
  int m_errors = 0;
};

class ObservedStore final : public sync::StateStore {
 public:
  explicit ObservedStore(sync::StateStore& inner) : m_inner(inner) {}

  sync::Result<std::vector<sync::BugRecord>> load_bugs() override;
  sync::Status save_bugs(const std::vector<sync::BugRecord>& records) override;
  sync::Status remove_bugs(const std::vector<sync::BugId>& ids) override;
  // The derived cache and partial loads (issue 14) pass straight through.
  sync::Result<std::vector<sync::BugRecord>> load_bug_heads() override {
    return counted(m_inner.load_bug_heads());
  }
  sync::Result<std::vector<sync::BugRecord>> load_some_bugs(
      const std::vector<sync::BugId>& ids) override {
    return counted(m_inner.load_some_bugs(ids));
  }
  sync::Result<std::vector<sync::DerivedBug>> load_derived() override {
    return counted(m_inner.load_derived());
  }
  sync::Result<std::map<sync::BugId, std::string>> load_ended(
      const std::vector<sync::BugId>& ids) override {
    return counted(m_inner.load_ended(ids));
  }
  sync::Status save_derived(const std::vector<sync::DerivedBug>& derived) override {
    return counted(m_inner.save_derived(derived));
  }
  sync::Result<std::optional<sync::Instant>> watermark() override;
  sync::Status set_watermark(sync::Instant t) override;
  sync::Result<std::map<std::string, sync::MirrorEntry>> mirrors() override;
  sync::Status put_mirror(const sync::MirrorEntry& entry) override;
  sync::Status remove_mirror(const std::string& obligation_key) override;
  sync::Result<std::vector<sync::MirroredIssue>> mirror_states() override;
  sync::Status save_mirror_states(const std::vector<sync::MirroredIssue>& issues,
                                  bool replace_all) override;
  sync::Result<std::int64_t> record(const sync::JournalEntry& entry) override;
  sync::Status begin_batch() override { return counted(m_inner.begin_batch()); }
  sync::Status end_batch() override { return counted(m_inner.end_batch()); }
  sync::Status update(std::int64_t id, sync::JournalState state,
                      const std::string& detail) override;
  sync::Result<std::vector<sync::JournalEntry>> journal(const std::string& run_id) override;
  sync::Result<std::map<std::string, sync::ReplyRecord>> replies() override;
  sync::Status put_reply(const sync::ReplyRecord& reply) override;
  sync::Result<std::optional<std::string>> get_meta(const std::string& key) override;
  sync::Status set_meta(const std::string& key, const std::string& value) override;
  sync::Status record_run(const sync::RunRecord& run) override;

  int errors() const { return m_errors; }

 private:
  template <typename R>
  R counted(R result) {
    m_errors += result.ok() ? 0 : 1;
    return result;
  }

  sync::StateStore& m_inner;
  int m_errors = 0;
};

}  // namespace bzjira::adapters::cli
