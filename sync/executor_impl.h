// The executor's internals, shared by its two files: sync/executor.cpp (the plan's actions on
// Jira, and the trail marks that keep them whole across a crash) and sync/executor_replies_post.cpp
// (posting replies from Jira to Bugzilla, as sync/plan_replies.h planned them). Not part of the
// core's interface: use sync/executor.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sync/executor.h"
#include "sync/trail.h"

namespace bzjira::sync::detail {

// One execution: the ports, the report, and what is learned on the way (reply records, the reply
// account).
class Executor {
 public:
  Executor(IssueTracker& tracker, BugSource& bugs, StateStore& store, const Mapping& mapping,
           const std::string& run_id, Instant now)
      : m_tracker(tracker),
        m_bugs(bugs),
        m_store(store),
        m_mapping(mapping),
        m_run_id(run_id),
        m_now(now),
        m_trail(store) {}

  // Reads what earlier runs left half done (sync/trail.h) and restores the remote links of
  // issues whose create answered but whose link was never confirmed.
  void start();
  // Forgets the comment marks of earlier runs whose action was not planned again.
  void wrap_up();
  void creates(const std::vector<const Action*>& actions);
  // Whether `a` is a reply already on Bugzilla (an earlier run posted it; its note is missing):
  // finishing it is recovery, done before this run's own actions.
  static bool posted_earlier(const Action& a);
  void apply(const Action& a);
  ExecutionReport take() { return std::move(m_report); }

 private:
  struct Pending {
    const Action* action;
    std::int64_t journal_id;
  };

  std::optional<std::int64_t> journal(const Action& a, const std::string& target) {
    JournalEntry e;
    e.run_id = m_run_id;
    e.action = to_string(a.type);
    e.obligation_key = a.obligation_key;
    e.target = target;
    e.state = JournalState::sent;
    e.reason = a.reason;
    e.at = m_now;
    auto id = m_store.record(e);
    if (!id) {
      fail(a, target, id.error());
      return std::nullopt;
    }
    return *id;
  }

  void fail(const Action& a, const std::string& target, const Error& error) {
    Error e = error;
    e.message = std::string(to_string(a.type)) + " " + target + " (bug " +
                std::to_string(a.bug_id) + "): " + error.message;
    m_report.lines.push_back("FAILED " + e.message);
    m_report.errors.push_back(std::move(e));
    ++m_report.failed;
  }

  // Finishes a journaled action: done, or failed with the first error.
  bool finish(const Action& a, std::int64_t id, const Status& outcome, const std::string& detail) {
    if (outcome.ok()) {
      (void)m_store.update(id, JournalState::done, detail);
      return true;
    }
    (void)m_store.update(id, JournalState::failed, outcome.error().message);
    fail(a, a.issue_key, outcome.error());
    return false;
  }

  // Adds `body` to `key` at most once across runs: when an earlier run marked `step` and died,
  // Jira's comments are read first and a comment that landed is not added again.
  Status comment_once(const std::string& step, const std::string& key, const RichText& body);
  // Clears the mark of `step` when `outcome` is ok (the whole action is done).
  void end_step(const std::string& step, const Status& outcome);

  void update(const Action& a);
  void add_comment(const Action& a);
  void close(const Action& a);
  void reopen(const Action& a);
  void post_reply(const Action& a);

  // Reply helpers (sync/executor_replies_post.cpp).
  Status load_replies();  // the stored reply records, read once per run
  // The posted comment as Bugzilla shows it (its number, its author), read back; nullopt when the
  // read fails or does not show it.
  std::optional<Comment> read_back(BugId bug, CommentId id);
  // Adds the Jira note naming comment `count`; the record is acknowledged once Jira took it.
  Status acknowledge(ReplyRecord& record, std::optional<int> count);

  IssueTracker& m_tracker;
  BugSource& m_bugs;
  StateStore& m_store;
  const Mapping& m_mapping;
  const std::string& m_run_id;
  Instant m_now;
  ExecutionReport m_report;
  std::optional<std::map<std::string, ReplyRecord>> m_replies;
  Trail m_trail;
  bool m_trail_loaded = false;
  std::set<std::string> m_steps;  // comment steps this run attempted
};

}  // namespace bzjira::sync::detail
