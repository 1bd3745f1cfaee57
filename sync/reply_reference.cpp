#include "sync/reply_reference.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>

#include "sync/encoding.h"
#include "sync/plan.h"

namespace bzjira::sync {

namespace {

const char* const k_reference_head = "(posted from Jira ";
const char* const k_note_head = "Posted to Bugzilla";
const char* const k_note_origin = "(Jira comment ";

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

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

// CR LF and lone CR as LF, as Bugzilla stores a comment.
std::string unix_lines(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      }
    } else {
      out += text[i];
    }
  }
  return out;
}

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_issue_key(const std::string& key) {
  const std::size_t dash = key.rfind('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 >= key.size() || !is_upper(key[0])) {
    return false;
  }
  for (std::size_t i = 1; i < dash; ++i) {
    if (!is_upper(key[i]) && !is_digit(key[i]) && key[i] != '_') {
      return false;
    }
  }
  return std::all_of(key.begin() + static_cast<std::ptrdiff_t>(dash) + 1, key.end(), is_digit);
}

bool is_comment_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), is_alnum);
}

// Data Center returns a comment as the wiki text bzjira sent: its escapes ("\(") undone.
std::string unescape_wiki(const std::string& text) {
  static const std::string k_escaped = "*_-+^~?{}[]|!#()";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() &&
        k_escaped.find(text[i + 1]) != std::string::npos) {
      continue;
    }
    out += text[i];
  }
  return out;
}

std::optional<int> leading_number(const std::string& text, std::size_t at) {
  std::size_t end = at;
  while (end < text.size() && is_digit(text[end]) && end - at < 9) {
    ++end;
  }
  if (end == at) {
    return std::nullopt;
  }
  return std::stoi(text.substr(at, end - at));
}

}  // namespace

std::string reply_reference(const std::string& issue_key, const std::string& jira_comment_id) {
  return k_reference_head + issue_key + ", comment " + jira_comment_id + ")";
}

std::string reply_post_text(const std::string& reply, const std::string& issue_key,
                            const std::string& jira_comment_id) {
  return reply + "\n\n" + reply_reference(issue_key, jira_comment_id);
}

bool referenceable(const std::string& issue_key, const std::string& jira_comment_id) {
  return is_issue_key(issue_key) && is_comment_id(jira_comment_id);
}

std::optional<ReplyReference> parse_reply_reference(const std::string& text) {
  std::string body = unix_lines(text);
  while (!body.empty() && is_space(body.back())) {
    body.pop_back();
  }
  const std::size_t newline = body.rfind('\n');
  const std::string line = newline == std::string::npos ? body : body.substr(newline + 1);
  const std::string head = k_reference_head;
  if (line.size() <= head.size() + 1 || line.compare(0, head.size(), head) != 0 ||
      line.back() != ')') {
    return std::nullopt;
  }
  const std::string inner = line.substr(head.size(), line.size() - head.size() - 1);
  const std::string separator = ", comment ";
  const std::size_t at = inner.find(separator);
  if (at == std::string::npos) {
    return std::nullopt;
  }
  ReplyReference ref;
  ref.issue_key = inner.substr(0, at);
  ref.jira_comment_id = inner.substr(at + separator.size());
  if (!referenceable(ref.issue_key, ref.jira_comment_id)) {
    return std::nullopt;
  }
  ref.reply = newline == std::string::npos ? std::string() : body.substr(0, newline);
  return ref;
}

std::string reply_text_hash(const std::string& text) {
  const std::string normalized = trim(unix_lines(text));
  // FNV-1a, 64 bits: tells replies apart on one bug; not a security property (the reference's
  // trust rests on the text being unknown before it is posted).
  return fnv1a_hex(normalized);
}

bool trusted_reference(const Comment& comment, const std::string& issue_key,
                       const std::string& jira_comment_id, const std::string& reply,
                       const std::string& account) {
  const auto ref = parse_reply_reference(comment.text);
  if (!ref || ref->issue_key != issue_key || ref->jira_comment_id != jira_comment_id) {
    return false;
  }
  if (!account.empty() && iequals(comment.creator, account)) {
    return true;  // the reply account's own comment: the Jira text may have been edited since
  }
  return reply_text_hash(ref->reply) == reply_text_hash(reply);
}

RichText reply_note(const Mapping& mapping, BugId bug, std::optional<int> count,
                    const std::string& jira_comment_id) {
  Block note{BlockKind::paragraph, {}};
  if (count) {
    note.spans.push_back(Span{std::string(k_note_head) + " as ", {}});
    note.spans.push_back(
        Span{"comment " + std::to_string(*count), comment_url(mapping, bug, *count)});
  } else {
    note.spans.push_back(Span{std::string(k_note_head) + " on ", {}});
    note.spans.push_back(Span{"bug " + std::to_string(bug), bug_url(mapping, bug)});
  }
  note.spans.push_back(Span{" " + std::string(k_note_origin) + jira_comment_id + ").", {}});
  return {note};
}

std::optional<ReplyNote> parse_reply_note(const std::string& body) {
  const std::string text = trim(unescape_wiki(body));
  const std::string head = k_note_head;
  if (text.compare(0, head.size(), head) != 0) {
    return std::nullopt;
  }
  const std::string origin = k_note_origin;
  const std::size_t at = text.rfind(origin);
  if (at == std::string::npos) {
    return std::nullopt;
  }
  const std::size_t close = text.find(')', at);
  if (close == std::string::npos) {
    return std::nullopt;
  }
  ReplyNote note;
  note.jira_comment_id = text.substr(at + origin.size(), close - at - origin.size());
  if (!is_comment_id(note.jira_comment_id)) {
    return std::nullopt;
  }
  for (const std::string& prefix : {head + " as comment ", head + " as [comment "}) {
    if (text.compare(0, prefix.size(), prefix) == 0) {
      note.count = leading_number(text, prefix.size());
    }
  }
  return note;
}

std::optional<std::string> reply_text(const std::string& body, const std::string& marker) {
  const std::string text = trim(body);
  if (marker.empty() || text.size() < marker.size() ||
      !iequals(text.substr(0, marker.size()), marker)) {
    return std::nullopt;
  }
  if (text.size() > marker.size() && !is_space(text[marker.size()])) {
    return std::nullopt;  // "#bugzillafoo" is not the marker
  }
  return trim(text.substr(marker.size()));
}

}  // namespace bzjira::sync
