#include "sync/executor.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "sync/obligations.h"

namespace bzjira::sync {

namespace {

// How far before a reply's send time to look for it on Bugzilla: covers clock skew between this
// host and Bugzilla's database.
constexpr Seconds k_reply_lookback{60};

bool has_fields(const IssueUpdate& u) {
  return u.summary || u.description || u.due || u.deadline || u.labels;
}

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// One execution: the ports, the report, and what is learned on the way (whoami, reply records).
class Executor {
 public:
  Executor(IssueTracker& tracker, BugSource& bugs, StateStore& store, const Mapping& mapping,
           const std::string& run_id, Instant now)
      : m_tracker(tracker),
        m_bugs(bugs),
        m_store(store),
        m_mapping(mapping),
        m_run_id(run_id),
        m_now(now) {}

  void creates(const std::vector<const Action*>& actions);
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

  void update(const Action& a);
  void add_comment(const Action& a);
  void close(const Action& a);
  void reopen(const Action& a);
  void post_reply(const Action& a);

  // Reply helpers.
  Result<std::optional<Comment>> find_posted(BugId bug, Instant since, const std::string& hash);
  void acknowledge(ReplyRecord& record, const std::optional<int>& count);
  bool posted_by_bzjira(const std::string& login);

  IssueTracker& m_tracker;
  BugSource& m_bugs;
  StateStore& m_store;
  const Mapping& m_mapping;
  const std::string& m_run_id;
  Instant m_now;
  ExecutionReport m_report;
  std::optional<std::map<std::string, ReplyRecord>> m_replies;
  std::optional<std::string> m_whoami;  // "" when the server cannot say
};

void Executor::creates(const std::vector<const Action*>& actions) {
  std::vector<Pending> pending;
  std::vector<IssueDraft> drafts;
  for (const Action* a : actions) {
    const std::string target = "bug " + std::to_string(a->bug_id);
    const auto id = journal(*a, target);
    if (!id) {
      continue;
    }
    // Remembered before sending: if the run dies after Jira's answer, the next plan knows.
    MirrorEntry entry{a->obligation_key, "", "", m_now};
    if (Status s = m_store.put_mirror(entry); !s) {
      (void)m_store.update(*id, JournalState::failed, "not sent: " + s.error().message);
      fail(*a, target, s.error());
      continue;
    }
    pending.push_back({a, *id});
    drafts.push_back(a->draft);
  }
  if (drafts.empty()) {
    return;
  }
  const std::vector<Result<CreatedIssue>> results = m_tracker.create_issues(drafts);
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const Action& a = *pending[i].action;
    const std::int64_t jid = pending[i].journal_id;
    const std::string target = "bug " + std::to_string(a.bug_id);
    if (i >= results.size() || !results[i].ok()) {
      const Error error = i < results.size()
                              ? results[i].error()
                              : make_error(ErrorKind::internal, "no answer for this draft");
      // Refused for sure: nothing exists, so forget the entry. Unknown: keep it unconfirmed.
      if (error.kind != ErrorKind::transient && error.kind != ErrorKind::internal) {
        (void)m_store.remove_mirror(a.obligation_key);
      }
      (void)m_store.update(jid, JournalState::failed, error.message);
      fail(a, target, error);
      continue;
    }
    const CreatedIssue& created = results[i].value();
    (void)m_store.put_mirror(MirrorEntry{a.obligation_key, created.key, created.id, m_now});
    (void)m_store.update(jid, JournalState::done, created.key);
    ++m_report.created;
    m_report.lines.push_back("created " + created.key + " for bug " + std::to_string(a.bug_id) +
                             " [" + a.obligation_key + "]: " + a.draft.summary);
    if (Status s = m_tracker.upsert_remote_link(created.key, a.link); !s) {
      fail(a, created.key, s.error());
    }
  }
}

void Executor::apply(const Action& a) {
  switch (a.type) {
    case ActionType::create_issue:
      break;  // sent in bulk by creates()
    case ActionType::update_issue:
      update(a);
      break;
    case ActionType::add_comment:
      add_comment(a);
      break;
    case ActionType::close_issue:
      close(a);
      break;
    case ActionType::reopen_issue:
      reopen(a);
      break;
    case ActionType::post_reply:
      post_reply(a);
      break;
  }
}

void Executor::update(const Action& a) {
  const auto id = journal(a, a.issue_key);
  if (!id) {
    return;
  }
  Status s = has_fields(a.update) ? m_tracker.update_issue(a.issue_key, a.update) : ok_status();
  if (s && !a.comment.empty()) {
    s = m_tracker.add_comment(a.issue_key, a.comment);
  }
  if (finish(a, *id, s, "")) {
    ++m_report.updated;
    m_report.lines.push_back("updated " + a.issue_key + " (bug " + std::to_string(a.bug_id) +
                             "): " + a.reason);
  }
}

void Executor::add_comment(const Action& a) {
  const auto id = journal(a, a.issue_key);
  if (!id) {
    return;
  }
  // Comment first: labels mark the new obligations as announced, so they must come after.
  Status s = m_tracker.add_comment(a.issue_key, a.comment);
  if (s && has_fields(a.update)) {
    s = m_tracker.update_issue(a.issue_key, a.update);
  }
  if (finish(a, *id, s, "")) {
    ++m_report.commented;
    m_report.lines.push_back("commented on " + a.issue_key + " (bug " + std::to_string(a.bug_id) +
                             "): " + a.reason);
  }
}

void Executor::close(const Action& a) {
  const auto id = journal(a, a.issue_key);
  if (!id) {
    return;
  }
  // Transition first: when it fails nothing else happened, and the next run retries cleanly
  // (a comment first would be repeated on every run while the transition keeps failing).
  Status s = m_tracker.transition(a.issue_key, StatusCategory::done, a.resolution);
  if (s && !a.comment.empty()) {
    s = m_tracker.add_comment(a.issue_key, a.comment);
  }
  if (s && !a.link.global_id.empty()) {
    s = m_tracker.upsert_remote_link(a.issue_key, a.link);
  }
  if (finish(a, *id, s, "")) {
    ++m_report.closed;
    m_report.lines.push_back("closed " + a.issue_key + " (bug " + std::to_string(a.bug_id) +
                             "): " + a.reason);
  }
}

void Executor::reopen(const Action& a) {
  const auto id = journal(a, a.issue_key);
  if (!id) {
    return;
  }
  Status s = m_tracker.transition(a.issue_key, StatusCategory::todo, std::nullopt);
  if (s && has_fields(a.update)) {
    s = m_tracker.update_issue(a.issue_key, a.update);
  }
  if (s && !a.comment.empty()) {
    s = m_tracker.add_comment(a.issue_key, a.comment);
  }
  if (finish(a, *id, s, "")) {
    ++m_report.reopened;
    m_report.lines.push_back("reopened " + a.issue_key + " (bug " + std::to_string(a.bug_id) +
                             "): " + a.reason);
  }
}

bool Executor::posted_by_bzjira(const std::string& login) {
  if (!m_whoami) {
    auto who = m_bugs.whoami();
    m_whoami = who ? *who : "";
  }
  if (!m_whoami->empty()) {
    return iequals(login, *m_whoami);
  }
  return account_in(login, m_mapping.bugzilla.ca_accounts);
}

Result<std::optional<Comment>> Executor::find_posted(BugId bug, Instant since,
                                                     const std::string& hash) {
  auto found = m_bugs.comments({bug}, since - k_reply_lookback);
  if (!found) {
    return found.error();
  }
  auto it = found->find(bug);
  if (it == found->end()) {
    return std::optional<Comment>{};
  }
  for (const Comment& c : it->second) {
    if (reply_text_hash(c.text) == hash && posted_by_bzjira(c.creator)) {
      return std::optional<Comment>{c};
    }
  }
  return std::optional<Comment>{};
}

void Executor::acknowledge(ReplyRecord& record, const std::optional<int>& count) {
  Block note{BlockKind::paragraph, {}};
  if (count) {
    note.spans.push_back(Span{"Posted to Bugzilla as ", {}});
    note.spans.push_back(
        Span{"comment " + std::to_string(*count), comment_url(m_mapping, record.bug_id, *count)});
  } else {
    note.spans.push_back(Span{"Posted to Bugzilla as comment id " +
                                  std::to_string(*record.bugzilla_comment_id) + " on bug " +
                                  std::to_string(record.bug_id),
                              bug_url(m_mapping, record.bug_id)});
  }
  if (Status s = m_tracker.add_comment(record.issue_key, {note}); !s) {
    Action a;
    a.type = ActionType::post_reply;
    a.bug_id = record.bug_id;
    fail(a, record.issue_key, s.error());
    return;
  }
  record.jira_acknowledged = true;
  (void)m_store.put_reply(record);
}

void Executor::post_reply(const Action& a) {
  if (!m_replies) {
    auto loaded = m_store.replies();
    if (!loaded) {
      fail(a, a.issue_key, loaded.error());
      return;
    }
    m_replies = std::move(*loaded);
  }
  auto& replies = *m_replies;
  const std::string hash = reply_text_hash(a.reply_markdown);
  auto it = replies.find(a.jira_comment_id);
  if (it != replies.end() && it->second.bugzilla_comment_id) {
    if (!it->second.jira_acknowledged) {
      acknowledge(it->second, std::nullopt);
    }
    return;
  }
  const auto id = journal(a, "bug " + std::to_string(a.bug_id));
  if (!id) {
    return;
  }
  ReplyRecord record{a.jira_comment_id, a.issue_key, a.bug_id, hash, std::nullopt, false, m_now};
  std::optional<int> count;
  bool recovered = false;
  if (it != replies.end()) {
    // A run died after sending: look before posting again.
    auto found = find_posted(a.bug_id, it->second.sent_at, hash);
    if (!found) {
      finish(a, *id, found.error(), "");
      return;
    }
    if (*found) {
      record = it->second;
      record.bugzilla_comment_id = (*found)->id;
      count = (*found)->count;
      recovered = true;
    }
  }
  if (!record.bugzilla_comment_id) {
    if (Status s = m_store.put_reply(record); !s) {  // never post without a record
      finish(a, *id, s, "");
      return;
    }
    replies[record.jira_comment_id] = record;
    auto posted = m_bugs.post_comment(a.bug_id, a.reply_markdown);
    if (!posted) {
      finish(a, *id, posted.error(), "");
      return;
    }
    record.bugzilla_comment_id = *posted;
    ++m_report.replies_posted;
    // The count people know ("comment 5") is not in post_comment's answer.
    if (auto back = find_posted(a.bug_id, m_now, hash); back && *back && (*back)->id == *posted) {
      count = (*back)->count;
    }
  }
  (void)m_store.put_reply(record);
  replies[record.jira_comment_id] = record;
  m_report.lines.push_back(
      std::string(recovered ? "confirmed earlier post of " : "posted ") + a.issue_key +
      " comment " + a.jira_comment_id + " to bug " + std::to_string(a.bug_id) + " as comment " +
      (count ? std::to_string(*count) : "id " + std::to_string(*record.bugzilla_comment_id)));
  acknowledge(replies[record.jira_comment_id], count);
  Status flags = ok_status();
  for (FlagId flag : a.clear_flags) {
    if (Status s = m_bugs.clear_flag(a.bug_id, flag); !s && flags) {
      flags = s;
    }
  }
  finish(a, *id, flags, "bugzilla comment " + std::to_string(*record.bugzilla_comment_id));
}

}  // namespace

ExecutionReport execute(const Plan& plan, IssueTracker& tracker, BugSource& bugs, StateStore& store,
                        const Mapping& mapping, const std::string& run_id, Instant now,
                        bool dry_run) {
  if (dry_run) {
    ExecutionReport report;
    const std::string text = describe(plan);
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      report.lines.push_back(text.substr(start, end - start));
      start = end == std::string::npos ? text.size() : end + 1;
    }
    // The counts say what the run would do, so the dry-run summary matches its plan lines.
    for (const Action& a : plan.actions) {
      switch (a.type) {
        case ActionType::create_issue:
          ++report.created;
          break;
        case ActionType::update_issue:
          ++report.updated;
          break;
        case ActionType::add_comment:
          ++report.commented;
          break;
        case ActionType::close_issue:
          ++report.closed;
          break;
        case ActionType::reopen_issue:
          ++report.reopened;
          break;
        case ActionType::post_reply:
          ++report.replies_posted;
          break;
      }
    }
    return report;
  }
  Executor executor(tracker, bugs, store, mapping, run_id, now);
  std::vector<const Action*> creates;
  for (const Action& a : plan.actions) {
    if (a.type == ActionType::create_issue) {
      creates.push_back(&a);
    }
  }
  executor.creates(creates);
  for (const Action& a : plan.actions) {
    executor.apply(a);
  }
  return executor.take();
}

}  // namespace bzjira::sync
