// Posting replies from Jira to Bugzilla as sync/plan_replies.h planned them: each recorded before
// it is sent, sent with its reference line, confirmed, and acknowledged in Jira.
#include "sync/executor_impl.h"
#include "sync/plan_replies.h"

namespace bzjira::sync::detail {

namespace {

// " as comment 3 (https://.../show_bug.cgi?id=N#c3)", or " (<bug url>)" when the number is not
// known.
std::string as_comment(const Mapping& mapping, BugId bug, const std::optional<int>& count) {
  if (count) {
    return " as comment " + std::to_string(*count) + " (" + comment_url(mapping, bug, *count) + ")";
  }
  return " (" + bug_url(mapping, bug) + ")";
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
  return a.type == ActionType::post_reply && (a.reply_bugzilla_id || a.reply_count);
}

std::optional<Comment> Executor::read_back(BugId bug, CommentId id) {
  // The whole bug: a new_since window would depend on this host's clock agreeing with Bugzilla's.
  auto found = m_bugs.comments({bug}, std::nullopt);
  if (!found) {
    return std::nullopt;
  }
  if (auto it = found->find(bug); it != found->end()) {
    for (const Comment& c : it->second) {
      if (c.id == id) {
        return c;
      }
    }
  }
  return std::nullopt;
}

Status Executor::acknowledge(ReplyRecord& record, std::optional<int> count) {
  const RichText note = reply_note(m_mapping, record.bug_id, count, record.jira_comment_id);
  if (Status s = m_tracker.add_comment(record.issue_key, note); !s) {
    return s;
  }
  record.jira_acknowledged = true;
  return m_store.put_reply(record);
}

void Executor::post_reply(const Action& a) {
  const auto id = journal(a, "bug " + std::to_string(a.bug_id));
  if (!id) {
    return;
  }
  if (Status s = load_replies(); !s) {
    finish(a, *id, s, "");
    return;
  }
  auto& replies = *m_replies;
  auto it = replies.find(a.jira_comment_id);
  ReplyRecord record =
      it != replies.end()
          ? it->second
          : ReplyRecord{a.jira_comment_id, a.issue_key, a.bug_id, reply_text_hash(a.reply_markdown),
                        std::nullopt,      false,       m_now};
  const std::string origin =
      "the reply of " + a.issue_key + " (Jira comment " + a.jira_comment_id + ") ";
  Status outcome = ok_status();
  std::optional<int> count = a.reply_count;
  if (posted_earlier(a)) {
    if (a.reply_bugzilla_id) {
      record.bugzilla_comment_id = a.reply_bugzilla_id;
    }
    outcome = m_store.put_reply(record);
    m_report.lines.push_back("found " + origin + "on bug " + std::to_string(a.bug_id) +
                             as_comment(m_mapping, a.bug_id, count) + ": not posted again");
  } else {
    record.sent_at = m_now;
    if (Status s = m_store.put_reply(record); !s) {  // never posted without its record
      finish(a, *id, s, "");
      return;
    }
    replies[record.jira_comment_id] = record;
    auto posted = m_bugs.post_comment(
        a.bug_id, reply_post_text(a.reply_markdown, a.issue_key, a.jira_comment_id));
    if (!posted) {
      finish(a, *id, posted.error(), "");
      return;
    }
    ++m_report.replies_posted;
    record.bugzilla_comment_id = *posted;
    if (auto back = read_back(a.bug_id, *posted)) {
      count = back->count;
      m_report.reply_account = back->creator;
    }
    outcome = m_store.put_reply(record);
    m_report.lines.push_back("posted " + origin + "to bug " + std::to_string(a.bug_id) +
                             as_comment(m_mapping, a.bug_id, count));
  }
  replies[record.jira_comment_id] = record;
  // The note names the comment number. Right after a post whose read-back failed, the next run
  // (which reads the bug it changed) finds it in its cache and adds the note then; a reply posted
  // earlier that Bugzilla no longer shows gets a note naming the bug.
  if (outcome && (count || posted_earlier(a))) {
    outcome = acknowledge(replies[record.jira_comment_id], count);
  } else if (outcome) {
    m_report.lines.push_back("note: the Jira note of " + origin +
                             "waits for the comment number, read by the next run");
  }
  for (FlagId flag : a.clear_flags) {
    if (Status s = m_bugs.clear_flag(a.bug_id, flag); !s && outcome) {
      outcome = s;
    }
  }
  const std::string detail =
      record.bugzilla_comment_id
          ? "bugzilla comment id " + std::to_string(*record.bugzilla_comment_id)
          : std::string("on Bugzilla, comment id unknown");
  finish(a, *id, outcome, detail);
}

}  // namespace bzjira::sync::detail
