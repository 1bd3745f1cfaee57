#include <algorithm>
#include <cctype>

#include "sync/executor_impl.h"
#include "sync/obligations.h"

namespace bzjira::sync::detail {
namespace {

// How far before a reply's send time to look for it on Bugzilla: covers clock skew between this
// host and Bugzilla's database.
constexpr Seconds k_reply_lookback{60};

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Status Executor::load_replies() {
  if (m_replies) {
    return ok_status();
  }
  auto loaded = m_store.replies();
  if (!loaded) {
    return loaded.error();
  }
  m_replies = std::move(*loaded);
  return ok_status();
}

bool Executor::posted_earlier(const Action& a) {
  if (a.type != ActionType::post_reply || !load_replies().ok()) {
    return false;  // post_reply reports a store error
  }
  return m_replies->count(a.jira_comment_id) != 0;  // recorded before an earlier post
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
  const std::string step = "reply_note " + record.jira_comment_id;
  if (Status s = comment_once(step, record.issue_key, {note}); !s) {
    Action a;
    a.type = ActionType::post_reply;
    a.bug_id = record.bug_id;
    fail(a, record.issue_key, s.error());
    return;
  }
  record.jira_acknowledged = true;
  end_step(step, m_store.put_reply(record));
}

void Executor::post_reply(const Action& a) {
  if (Status s = load_replies(); !s) {
    fail(a, a.issue_key, s.error());
    return;
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

}  // namespace bzjira::sync::detail
