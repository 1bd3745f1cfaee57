#include "sync/executor.h"

#include <optional>
#include <set>
#include <utility>

#include "sync/executor_impl.h"
#include "sync/trail.h"

namespace bzjira::sync {
namespace detail {
namespace {

// How far before an interrupted comment's mark to look for it on Jira: Jira stamps comments with
// its own clock, which may differ from this host's.
constexpr Seconds k_trail_lookback{3600};

bool has_fields(const IssueUpdate& u) {
  return u.summary || u.description || u.due || u.deadline || u.labels;
}

}  // namespace

void Executor::start() {
  if (Status s = m_trail.load(); !s) {
    m_report.lines.push_back("warning: unreadable trail marks (" + s.error().message +
                             "): an interrupted comment may be added twice");
    return;
  }
  m_trail_loaded = true;
  const std::vector<PendingLink> pending = m_trail.pending_links();
  if (pending.empty()) {
    return;
  }
  auto known = m_store.mirrors();
  if (!known) {
    return;  // the marks stay for the next run
  }
  std::vector<std::pair<std::string, RemoteLink>> links;
  std::vector<PendingLink> sent, settled;
  for (const PendingLink& p : pending) {
    auto it = known->find(p.obligation_key);
    if (it == known->end()) {
      settled.push_back(p);  // the create was refused: no issue, no link
    } else if (!it->second.issue_key.empty()) {
      links.emplace_back(it->second.issue_key, p.link);
      sent.push_back(p);
    }  // unconfirmed: kept until the search shows the issue
  }
  const std::vector<Status> done =
      links.empty() ? std::vector<Status>{} : m_tracker.upsert_remote_links(links);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (i < done.size() && done[i]) {
      settled.push_back(sent[i]);
      m_report.lines.push_back("restored the remote link of " + links[i].first + " [" +
                               sent[i].obligation_key + "] (an earlier run stopped before it)");
    } else {
      Error e = i < done.size() ? done[i].error()
                                : make_error(ErrorKind::internal, "no answer for this link");
      e.message = "restoring the remote link of " + links[i].first + ": " + e.message;
      m_report.lines.push_back("FAILED " + e.message);
      m_report.errors.push_back(std::move(e));
      ++m_report.failed;
    }
  }
  (void)m_trail.end_links(settled);
}

void Executor::wrap_up() {
  if (m_trail_loaded) {
    (void)m_trail.forget_comments_except(m_steps);
  }
}

Status Executor::comment_once(const std::string& step, const std::string& key,
                              const RichText& body) {
  m_steps.insert(step);
  if (auto earlier = m_trail.pending_comment(step)) {
    // The earlier attempt's text is what may have landed; this run's may read differently (a
    // reply note names the comment number only when it is known).
    auto landed =
        comment_landed(m_tracker, key, earlier->fingerprint, earlier->at - k_trail_lookback);
    if (!landed) {
      return landed.error();
    }
    if (*landed) {
      return ok_status();
    }
  }
  if (m_trail_loaded) {
    if (Status s = m_trail.begin_comment(step, body, m_now); !s) {
      return s;  // never sent without its mark
    }
  }
  return m_tracker.add_comment(key, body);
}

void Executor::end_step(const std::string& step, const Status& outcome) {
  if (outcome.ok() && m_trail_loaded) {
    (void)m_trail.end_comment(step);
  }
}

void Executor::creates(const std::vector<const Action*>& actions) {
  std::vector<Pending> pending;
  std::vector<IssueDraft> drafts;
  // The journal entries and unconfirmed mirrors of all creates in one commit, made before
  // anything is sent (a batch that cannot start leaves each write its own transaction).
  const bool batched = !actions.empty() && m_store.begin_batch().ok();
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
  // Each link is marked before its issue is created: a run that dies after Jira's answer leaves
  // the mark, and the next run's start() adds the link to the issue the mirror names.
  std::vector<PendingLink> link_marks;
  for (const Pending& p : pending) {
    if (!p.action->link.global_id.empty()) {
      link_marks.push_back(PendingLink{p.action->obligation_key, p.action->link});
    }
  }
  if (m_trail_loaded) {
    if (Status s = m_trail.begin_links(link_marks); !s) {
      for (const Pending& p : pending) {  // not marked, so not sent
        (void)m_store.update(p.journal_id, JournalState::failed, "not sent: " + s.error().message);
        fail(*p.action, "bug " + std::to_string(p.action->bug_id), s.error());
      }
      if (batched) {
        (void)m_store.end_batch();
      }
      return;
    }
  }
  if (batched) {
    if (Status s = m_store.end_batch(); !s) {
      for (const Pending& p : pending) {  // not recorded, so not sent
        fail(*p.action, "bug " + std::to_string(p.action->bug_id), s.error());
      }
      return;
    }
  }
  if (drafts.empty()) {
    return;
  }
  const std::vector<Result<CreatedIssue>> results = m_tracker.create_issues(drafts);
  // The answers' mirror and journal writes in one commit too. If it fails, the mirrors stay
  // unconfirmed: the next plans wait for the search to show the issues (as after a crash).
  const bool answers_batched = m_store.begin_batch().ok();
  // The links of every created issue go in one batch (the tracker may send them concurrently),
  // after each issue is confirmed in the mirror and the journal: a run that dies meanwhile leaves
  // an issue without its link but never a second issue, and a link sent again (same globalId)
  // updates the same link.
  std::vector<std::pair<std::string, RemoteLink>> links;
  std::vector<const Action*> linked;
  std::vector<PendingLink> settled_marks;  // links added, or creates refused for sure
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
        settled_marks.push_back(PendingLink{a.obligation_key, a.link});
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
    links.emplace_back(created.key, a.link);
    linked.push_back(&a);
  }
  if (answers_batched) {
    if (Status s = m_store.end_batch(); !s) {
      Error e = s.error();
      e.message = "recording the created issues: " + e.message;
      m_report.lines.push_back("FAILED " + e.message);
      m_report.errors.push_back(std::move(e));
      ++m_report.failed;
    }
  }
  const std::vector<Status> linked_status =
      links.empty() ? std::vector<Status>{} : m_tracker.upsert_remote_links(links);
  for (std::size_t i = 0; i < links.size(); ++i) {
    if (i >= linked_status.size()) {
      fail(*linked[i], links[i].first, make_error(ErrorKind::internal, "no answer for this link"));
    } else if (!linked_status[i]) {
      fail(*linked[i], links[i].first, linked_status[i].error());
    } else {
      settled_marks.push_back(PendingLink{linked[i]->obligation_key, linked[i]->link});
    }
  }
  if (m_trail_loaded) {
    (void)m_trail.end_links(settled_marks);
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
  // Comment first: once the fields are changed the next plan no longer wants this update, so a
  // comment sent after them would be lost when the run dies in between.
  const std::string step = "update_issue " + a.issue_key;
  Status s = a.comment.empty() ? ok_status() : comment_once(step, a.issue_key, a.comment);
  if (s && has_fields(a.update)) {
    s = m_tracker.update_issue(a.issue_key, a.update);
  }
  end_step(step, s);
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
  const std::string step = "add_comment " + a.issue_key;
  Status s = comment_once(step, a.issue_key, a.comment);
  if (s && has_fields(a.update)) {
    s = m_tracker.update_issue(a.issue_key, a.update);
  }
  end_step(step, s);
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
  // Transition last: a done issue is not planned again, so a comment or link sent after the
  // transition would be lost when the run dies in between. While the transition keeps failing,
  // the mark makes each retry find its comment instead of adding it again.
  const std::string step = "close_issue " + a.issue_key;
  Status s = a.comment.empty() ? ok_status() : comment_once(step, a.issue_key, a.comment);
  if (s && !a.link.global_id.empty()) {
    s = m_tracker.upsert_remote_link(a.issue_key, a.link);
  }
  if (s) {
    s = m_tracker.transition(a.issue_key, StatusCategory::done, a.resolution);
  }
  end_step(step, s);
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
  // Comment, transition, then fields (a workflow may forbid editing a done issue); a run that
  // dies after the transition leaves only fields behind, which the next plan updates.
  const std::string step = "reopen_issue " + a.issue_key;
  Status s = a.comment.empty() ? ok_status() : comment_once(step, a.issue_key, a.comment);
  if (s) {
    s = m_tracker.transition(a.issue_key, StatusCategory::todo, std::nullopt);
  }
  if (s && has_fields(a.update)) {
    s = m_tracker.update_issue(a.issue_key, a.update);
  }
  end_step(step, s);
  if (finish(a, *id, s, "")) {
    ++m_report.reopened;
    m_report.lines.push_back("reopened " + a.issue_key + " (bug " + std::to_string(a.bug_id) +
                             "): " + a.reason);
  }
}

}  // namespace detail

ExecutionReport execute(const Plan& plan, IssueTracker& tracker, BugSource& bugs, StateStore& store,
                        const Mapping& mapping, const std::string& run_id, Instant now,
                        bool dry_run) {
  if (dry_run) {
    return dry_run_report(plan);
  }
  detail::Executor executor(tracker, bugs, store, mapping, run_id, now);
  executor.start();
  std::vector<const Action*> creates;
  for (const Action& a : plan.actions) {
    if (a.type == ActionType::create_issue) {
      creates.push_back(&a);
    }
  }
  executor.creates(creates);
  // What an earlier run left half done comes first: a reply it posted gets its Jira note before
  // this run closes the issue the reply answered, as in a run that never died.
  std::vector<const Action*> rest;
  for (const Action& a : plan.actions) {
    if (executor.posted_earlier(a)) {
      executor.apply(a);
    } else {
      rest.push_back(&a);
    }
  }
  for (const Action* a : rest) {
    executor.apply(*a);
  }
  executor.wrap_up();
  return executor.take();
}

}  // namespace bzjira::sync
