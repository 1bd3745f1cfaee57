// The plan's small public helpers: labels, keys, Bugzilla URLs, and the plan rendered for people.
#include <algorithm>

#include "sync/plan.h"

namespace bzjira::sync {

namespace {

const char* const k_obligation_prefixes[] = {"bzb-", "bzq-", "bzn-", "bzu-", "bzf-"};

// "bzq-123-456", "bzf-123", "bzn-123-h1735689600-2": the prefix, the bug's digits, then only
// lower-case letters, digits and dashes (the engine's key alphabet).
bool looks_like_key(const std::string& label, const std::string& prefix) {
  if (label.rfind(prefix, 0) != 0 || label.size() == prefix.size() || label[prefix.size()] < '0' ||
      label[prefix.size()] > '9') {
    return false;
  }
  return std::all_of(
      label.begin() + static_cast<std::ptrdiff_t>(prefix.size()), label.end(),
      [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-'; });
}

}  // namespace

const char* to_string(ActionType type) {
  switch (type) {
    case ActionType::create_issue:
      return "create_issue";
    case ActionType::update_issue:
      return "update_issue";
    case ActionType::add_comment:
      return "add_comment";
    case ActionType::close_issue:
      return "close_issue";
    case ActionType::reopen_issue:
      return "reopen_issue";
    case ActionType::post_reply:
      return "post_reply";
  }
  return "unknown";
}

std::vector<std::string> issue_labels(const Mapping& mapping, BugId bug, const std::string& key) {
  std::vector<std::string> labels{"bzjira", "bz-" + std::to_string(bug), key};
  for (const std::string& extra : mapping.jira.labels) {
    if (std::find(labels.begin(), labels.end(), extra) == labels.end()) {
      labels.push_back(extra);
    }
  }
  return labels;
}

std::optional<BugId> bug_id_of(const MirroredIssue& issue) {
  for (const std::string& label : issue.labels) {
    if (label.rfind("bz-", 0) == 0 && label.size() > 3 && label.size() < 19 &&
        std::all_of(label.begin() + 3, label.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::stoll(label.substr(3));
    }
  }
  return std::nullopt;
}

std::string obligation_key_of(const MirroredIssue& issue) {
  // A per-bug issue also carries the keys it covers: its own bzb- key wins.
  for (const char* prefix : k_obligation_prefixes) {
    for (const std::string& label : issue.labels) {
      if (looks_like_key(label, prefix)) {
        return label;
      }
    }
  }
  return "";
}

std::string bug_url(const Mapping& mapping, BugId bug) {
  std::string base = mapping.bugzilla.url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  return base + "/show_bug.cgi?id=" + std::to_string(bug);
}

std::string comment_url(const Mapping& mapping, BugId bug, int comment_count) {
  return bug_url(mapping, bug) + "#c" + std::to_string(comment_count);
}

std::string describe(const Plan& plan) {
  std::string out;
  for (const Action& a : plan.actions) {
    out += to_string(a.type);
    out += ' ';
    out += a.issue_key.empty() ? "(new)" : a.issue_key;
    out += " bug " + std::to_string(a.bug_id);
    if (!a.obligation_key.empty()) {
      out += " [" + a.obligation_key + "]";
    }
    if (a.type == ActionType::create_issue) {
      out += " \"" + a.draft.summary + "\" due " + format_date(a.draft.due);
    }
    out += ": " + a.reason;
    if (a.type == ActionType::post_reply) {
      // What would be posted, on one line and cut for the terminal.
      std::string text = a.reply_markdown.substr(0, 200);
      std::replace(text.begin(), text.end(), '\n', ' ');
      out += " \"" + text + (a.reply_markdown.size() > 200 ? "…" : "") + "\"";
    }
    out += "\n";
  }
  for (const std::string& note : plan.notes) {
    out += "note: " + note + "\n";
  }
  if (plan.actions.empty() && plan.notes.empty()) {
    out += "nothing to do\n";
  }
  return out;
}

}  // namespace bzjira::sync
