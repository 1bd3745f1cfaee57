// How a reply posted from Jira is recognised by content (sync/plan_replies.h decides with it): the
// visible reference line that ends every posted reply, the note its Jira comment gets, and the
// reply text a Jira comment carries after the mapping's marker. Pure text functions.
#pragma once

#include <optional>
#include <string>

#include "sync/mapping.h"
#include "sync/model.h"
#include "sync/rich_text.h"

namespace bzjira::sync {

// ---------------------------------------------------------------- the reference on Bugzilla

// The line bzjira ends every posted reply with: "(posted from Jira CAINC-6, comment 10009)".
std::string reply_reference(const std::string& issue_key, const std::string& jira_comment_id);

// What is posted: the reply, a blank line, the reference.
std::string reply_post_text(const std::string& reply, const std::string& issue_key,
                            const std::string& jira_comment_id);

// Whether an issue key and a Jira comment id can go into a reference that parses back: a key
// "ABC-123" (upper-case letters, digits and '_' before the dash) and an id of letters and digits.
bool referenceable(const std::string& issue_key, const std::string& jira_comment_id);

struct ReplyReference {
  std::string issue_key;
  std::string jira_comment_id;
  std::string reply;  // the text above the reference line
};

// The reference a Bugzilla comment ends with, when its last line that is not blank is exactly one
// (trailing white space and carriage returns aside). A reference quoted ("> (posted ...)"), set in
// other text, or followed by more text is none: nullopt.
std::optional<ReplyReference> parse_reply_reference(const std::string& text);

// Hex digest of a reply, normalized as Bugzilla stores a comment (CR LF and lone CR become LF,
// trailing white space is dropped) and with leading white space trimmed too: the same reply in
// Jira and on Bugzilla has the same digest.
std::string reply_text_hash(const std::string& text);

// A posted reply's reference is trusted when the comment is on the issue's bug, names this issue
// and this Jira comment, and either its text above the reference is the reply's (same
// reply_text_hash) or it was written by `account` (the login replies are posted as, when known;
// compared without case). Someone quoting or imitating the line cannot stop a real reply: they
// would need the exact text before it is published, or the reply account's key.
bool trusted_reference(const Comment& comment, const std::string& issue_key,
                       const std::string& jira_comment_id, const std::string& reply,
                       const std::string& account);

// ---------------------------------------------------------------- the note in Jira

// "Posted to Bugzilla as comment 3 (Jira comment 10009)." with "comment 3" linked to #c3; without
// `count`, "Posted to Bugzilla on bug N (Jira comment 10009)." linked to the bug.
RichText reply_note(const Mapping& mapping, BugId bug, std::optional<int> count,
                    const std::string& jira_comment_id);

struct ReplyNote {
  std::string jira_comment_id;
  std::optional<int> count;  // the Bugzilla comment number, when the note names it
};

// The note a Jira comment body is (as the tracker returns it: plain text from ADF, or Data
// Center's wiki text with its escapes and link markup); nullopt when it is not one.
std::optional<ReplyNote> parse_reply_note(const std::string& body);

// The reply in a Jira comment: the text after `marker` (case-insensitive, followed by white space
// or the end), trimmed; nullopt when the body does not start with the marker.
std::optional<std::string> reply_text(const std::string& body, const std::string& marker);

}  // namespace bzjira::sync
