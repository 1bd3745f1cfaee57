#include "sync/plan_replies.h"

#include <algorithm>

#include "sync/obligations.h"

namespace bzjira::sync {

namespace {

// Where a Bugzilla comment said to be a posted reply is: found by id, else by trusted reference.
const Comment* find_on_bugzilla(const BugRecord& bug, const std::string& issue_key,
                                const std::string& jira_comment_id, const std::string& reply,
                                const std::string& account, const ReplyRecord* record) {
  if (record != nullptr && record->bugzilla_comment_id) {
    for (const Comment& c : bug.comments) {
      if (c.id == *record->bugzilla_comment_id) {
        return &c;
      }
    }
  }
  for (const Comment& c : bug.comments) {
    if (trusted_reference(c, issue_key, jira_comment_id, reply, account)) {
      return &c;
    }
  }
  return nullptr;
}

const MirroredIssue* find_issue(const std::vector<MirroredIssue>& mirrored,
                                const std::string& key) {
  for (const MirroredIssue& issue : mirrored) {
    if (issue.key == key) {
      return &issue;
    }
  }
  return nullptr;
}

}  // namespace

std::set<std::string> changed_issues(const std::vector<MirroredIssue>& stored,
                                     const std::vector<MirroredIssue>& fresh, bool full) {
  std::map<std::string, const MirroredIssue*> before;
  if (full) {
    for (const MirroredIssue& issue : stored) {
      before[issue.key] = &issue;
    }
  }
  std::set<std::string> out;
  for (const MirroredIssue& issue : fresh) {
    auto it = before.find(issue.key);
    if (!full || it == before.end() || !it->second->updated || !issue.updated ||
        *it->second->updated != *issue.updated) {
      out.insert(issue.key);
    }
  }
  return out;
}

std::vector<std::string> issues_to_read(const Mapping& mapping,
                                        const std::vector<MirroredIssue>& mirrored,
                                        const std::set<std::string>& changed,
                                        const std::map<std::string, ReplyRecord>& records,
                                        bool read_all) {
  std::set<std::string> keys;
  if (!mapping.replies.enabled) {
    return {};
  }
  std::set<std::string> unfinished;
  for (const auto& [id, record] : records) {
    if (!record.finished()) {
      unfinished.insert(record.issue_key);
    }
  }
  for (const MirroredIssue& issue : mirrored) {
    if (obligation_key_of(issue).empty() || !bug_id_of(issue)) {
      continue;
    }
    const bool open = issue.category != StatusCategory::done;
    if ((open && (read_all || changed.count(issue.key) != 0)) || unfinished.count(issue.key) != 0) {
      keys.insert(issue.key);
    }
  }
  return {keys.begin(), keys.end()};
}

ReplyPlan plan_replies(const ReplyInputs& in) {
  ReplyPlan plan;
  if (in.mapping == nullptr || in.mirrored == nullptr || in.comments == nullptr ||
      in.bugs == nullptr || in.records == nullptr || !in.mapping->replies.enabled) {
    return plan;
  }
  const Mapping& mapping = *in.mapping;
  bool posts = false;
  for (const auto& [key, comments] : *in.comments) {
    const MirroredIssue* issue = find_issue(*in.mirrored, key);
    if (issue == nullptr || !bug_id_of(*issue)) {
      continue;
    }
    const BugId bug_id = *bug_id_of(*issue);
    const bool open = issue->category != StatusCategory::done;
    std::map<std::string, ReplyNote> notes;
    std::set<std::string> present;
    for (const IssueComment& c : comments) {
      present.insert(c.id);
      if (auto note = parse_reply_note(c.body)) {
        notes.emplace(note->jira_comment_id, *note);
      }
    }
    // Unfinished records of this issue whose comment is gone: nothing is left to post from.
    for (const auto& [id, record] : *in.records) {
      if (record.issue_key == key && !record.finished() && present.count(id) == 0) {
        plan.forget.push_back(id);
      }
    }
    const auto bug = in.bugs->find(bug_id);
    for (const IssueComment& c : comments) {
      const auto text = reply_text(c.body, mapping.replies.marker);
      if (!text || text->empty()) {
        continue;
      }
      const auto rec_it = in.records->find(c.id);
      const ReplyRecord* record = rec_it == in.records->end() ? nullptr : &rec_it->second;
      if (record != nullptr && record->finished()) {
        continue;
      }
      if (!open && record == nullptr) {
        continue;  // replies are taken from open issues; a planned one is finished wherever
      }
      ReplyRecord rec =
          record != nullptr
              ? *record
              : ReplyRecord{c.id, key, bug_id, reply_text_hash(*text), std::nullopt, false, in.now};
      if (notes.count(c.id) != 0) {
        rec.jira_acknowledged = true;
        if (bug != in.bugs->end()) {
          if (const Comment* found =
                  find_on_bugzilla(bug->second, key, c.id, *text, in.account, record)) {
            rec.bugzilla_comment_id = found->id;
          }
        }
        plan.remember.push_back(rec);
        continue;
      }
      if (!referenceable(key, c.id)) {
        plan.notes.push_back("the reply in " + key + " comment " + c.id +
                             " is not posted: its issue key or comment id cannot be named in the "
                             "reference line that keeps it from being posted twice");
        continue;
      }
      if (bug == in.bugs->end()) {
        if (!open && record != nullptr && !record->posted()) {
          plan.forget.push_back(c.id);
        } else {
          plan.notes.push_back("the reply in " + key + " comment " + c.id + " waits: bug " +
                               std::to_string(bug_id) +
                               " is not in the cache (out of scope or not visible)");
        }
        continue;
      }
      Action a;
      a.type = ActionType::post_reply;
      a.obligation_key = obligation_key_of(*issue);
      a.issue_key = key;
      a.bug_id = bug_id;
      a.jira_comment_id = c.id;
      a.reply_markdown = *text;
      a.reply_created = c.created;
      Instant posted_at = in.now;
      if (const Comment* found =
              find_on_bugzilla(bug->second, key, c.id, *text, in.account, record)) {
        a.reply_bugzilla_id = found->id;
        a.reply_count = found->count;
        posted_at = found->time;
        // Remembered now: a run that dies before the note leaves its issue to be read again.
        rec.bugzilla_comment_id = found->id;
        plan.remember.push_back(rec);
        a.reason = "the reply in Jira comment " + c.id + " on " + key +
                   " is on Bugzilla already as comment " + std::to_string(found->count) +
                   ": recorded, not posted again";
      } else if (record != nullptr && record->posted()) {
        a.reply_bugzilla_id = record->bugzilla_comment_id;  // not visible in the cache (deleted?)
        posted_at = record->sent_at;
        a.reason = "the reply in Jira comment " + c.id + " on " + key +
                   " was posted by an earlier run: its Jira note is added";
      } else {
        posts = true;
        if (record == nullptr) {
          plan.remember.push_back(rec);
        }
        a.reason = "Jira comment " + c.id + " on " + key + " by " + c.author + " starts with " +
                   mapping.replies.marker;
      }
      if (mapping.replies.clear_needinfo) {
        for (const Flag& f : bug->second.bug.flags) {
          if (is_open_needinfo(f) && f.creation_date <= posted_at &&
              account_in(f.requestee, mapping.bugzilla.ca_accounts)) {
            a.clear_flags.push_back(f.id);
          }
        }
      }
      plan.actions.push_back(std::move(a));
    }
  }
  if (posts && !in.account.empty() && !account_in(in.account, mapping.bugzilla.ca_accounts)) {
    plan.notes.push_back("replies are posted as " + in.account +
                         ", which is not one of bugzilla.ca_accounts: they do not count as the "
                         "CA's answer, and the issues they answer stay open");
  }
  return plan;
}

}  // namespace bzjira::sync
