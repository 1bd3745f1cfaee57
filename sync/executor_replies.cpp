// Replies from Jira to Bugzilla: finding the comments to post and remembering how far each issue's
// comments were read. Posting itself is in executor.cpp.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>

#include "sync/executor.h"
#include "sync/obligations.h"
#include "sync/plan.h"

namespace bzjira::sync {

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string trim(const std::string& text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_space(text[begin])) {
    ++begin;
  }
  while (end > begin && is_space(text[end - 1])) {
    --end;
  }
  return text.substr(begin, end - begin);
}

// The reply text when `body` starts with `marker` as a word of its own; nullopt otherwise.
std::optional<std::string> after_marker(const std::string& body, const std::string& marker) {
  const std::string text = trim(body);
  if (marker.empty() || text.size() < marker.size()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < marker.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(marker[i]))) {
      return std::nullopt;
    }
  }
  if (text.size() > marker.size() && !is_space(text[marker.size()])) {
    return std::nullopt;  // "#bugzillafoo" is not the marker
  }
  return trim(text.substr(marker.size()));
}

std::string seen_key(const std::string& issue_key) { return "replies_seen:" + issue_key; }

}  // namespace

std::string reply_text_hash(const std::string& text) {
  std::string normalized;
  normalized.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    }
    normalized += text[i];
  }
  normalized = trim(normalized);
  // FNV-1a, 64 bits: enough to tell texts apart on one bug; not a security property.
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : normalized) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

ReplyScan collect_replies(IssueTracker& tracker, StateStore& store, const Mapping& mapping,
                          const std::vector<MirroredIssue>& mirrored,
                          const std::vector<BugRecord>& records) {
  ReplyScan scan;
  if (!mapping.replies.enabled) {
    return scan;
  }
  auto replies = store.replies();
  if (!replies) {
    scan.errors.push_back(replies.error());
    return scan;
  }
  std::vector<const MirroredIssue*> issues;
  for (const MirroredIssue& issue : mirrored) {
    if (issue.category != StatusCategory::done && !obligation_key_of(issue).empty() &&
        bug_id_of(issue)) {
      issues.push_back(&issue);
    }
  }
  std::sort(issues.begin(), issues.end(),
            [](const MirroredIssue* a, const MirroredIssue* b) { return a->key < b->key; });
  for (const MirroredIssue* issue : issues) {
    const BugId bug = *bug_id_of(*issue);
    auto mark = store.get_meta(seen_key(issue->key));
    if (!mark) {
      scan.errors.push_back(mark.error());
      continue;
    }
    Instant since{};
    if (*mark) {
      since = parse_rfc3339(**mark).value_or(Instant{});
    }
    auto comments = tracker.comments_since(issue->key, since);
    if (!comments) {
      Error e = comments.error();
      e.message = "reading comments of " + issue->key + ": " + e.message;
      scan.errors.push_back(std::move(e));
      continue;
    }
    SeenMark seen{since, since};
    for (const IssueComment& c : *comments) {
      seen.newest = std::max(seen.newest, c.created);
      const auto text = after_marker(c.body, mapping.replies.marker);
      if (!text || text->empty()) {
        continue;
      }
      auto rec = replies->find(c.id);
      if (rec != replies->end() && rec->second.bugzilla_comment_id &&
          rec->second.jira_acknowledged) {
        continue;
      }
      Action a;
      a.type = ActionType::post_reply;
      a.obligation_key = obligation_key_of(*issue);
      a.issue_key = issue->key;
      a.bug_id = bug;
      a.reason = "Jira comment " + c.id + " on " + issue->key + " by " + c.author +
                 " starts with " + mapping.replies.marker;
      a.jira_comment_id = c.id;
      a.reply_markdown = *text;
      a.reply_created = c.created;
      if (mapping.replies.clear_needinfo) {
        for (const BugRecord& r : records) {
          if (r.bug.id != bug) {
            continue;
          }
          for (const Flag& f : r.bug.flags) {
            if (is_open_needinfo(f) && account_in(f.requestee, mapping.bugzilla.ca_accounts)) {
              a.clear_flags.push_back(f.id);
            }
          }
        }
      }
      scan.actions.push_back(std::move(a));
    }
    scan.seen[issue->key] = seen;
  }
  return scan;
}

Status finish_replies(StateStore& store, const ReplyScan& scan) {
  auto replies = store.replies();
  if (!replies) {
    return replies.error();
  }
  for (const auto& [key, seen] : scan.seen) {
    Instant mark = seen.newest;
    for (const Action& a : scan.actions) {
      if (a.issue_key != key) {
        continue;
      }
      auto rec = replies->find(a.jira_comment_id);
      const bool finished =
          rec != replies->end() && rec->second.bugzilla_comment_id && rec->second.jira_acknowledged;
      if (!finished) {
        mark = std::min(mark, a.reply_created);
      }
    }
    if (mark != seen.before) {
      if (Status s = store.set_meta(seen_key(key), format_rfc3339(mark)); !s) {
        return s;
      }
    }
  }
  return ok_status();
}

}  // namespace bzjira::sync
