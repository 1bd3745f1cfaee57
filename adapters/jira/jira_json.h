// The Jira REST shapes the client sends and reads (docs/jira-api.md), kept apart from the
// HTTP logic so they can be tested on literal JSON. Parsers never throw: malformed answers come
// back as ErrorKind::internal with a message naming what was wrong.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sync/mapping.h"
#include "sync/ports.h"
#include "sync/result.h"
#include "sync/rich_text.h"
#include "sync/time.h"

namespace bzjira::adapters::jira {

// REST v3 (Cloud: rich text as ADF) or v2 (Data Center, or Cloud's v2: rich text as wiki strings).
enum class ApiVersion { v2, v3 };

// Standard base64 (RFC 4648, with padding), for the Basic authorization value (jira_client.cpp).
std::string base64_encode(const std::string& bytes);

// A request body as JSON text. Never throws: text that is not valid UTF-8 (only possible from
// outside the cleaned fields, e.g. a caller's globalId) is written with U+FFFD in its place.
std::string to_body(const nlohmann::json& value);

// Parses an answer body; a discarded value when it is not JSON or nests deeper than
// http::k_max_json_depth (deeper input would overflow the stack of recursive readers).
nlohmann::json parse_answer(std::string_view body);

// Jira's date-time field format, always UTC: "2026-10-07T12:00:00.000+0000".
std::string format_jira_datetime(sync::Instant t);

// An ErrorCollection ({"errorMessages": [...], "errors": {field: message}}) as one line: the
// messages, then "field: message" pairs, joined by "; ". Empty when the value holds neither.
std::string error_collection_text(const nlohmann::json& body);

// The readable part of an error answer: error_collection_text of a JSON body, else the body's
// first 200 characters on one line (HTML error pages), else "no details".
std::string error_body_text(std::string_view body);

// A non-2xx answer as a typed error about `context` (an issue key or "the search for mirrored
// issues"): 401/403 auth, 404 not_found, 409/429/5xx transient, other 4xx rejected, e.g.
// "Jira rejected CAINC-3: summary: Summary can't exceed 255 characters.". `credential_hint`
// (the names of the environment variables, never their values) is added to auth errors.
sync::Error error_from_answer(int status, std::string_view body, const std::string& context,
                              const std::string& credential_hint = {});

// A description or comment body: an ADF document (v3) or escaped wiki text (v2), cleaned and cut
// to Jira's text limit with a visible note (adf.h, wiki.h).
nlohmann::json rich_text_value(const sync::RichText& text, ApiVersion version);

// The labels a new issue gets: the draft's, then "bzjira", then the mapping's extra labels, each
// once, in that order (find_mirrored searches by "bzjira", so it is never left out).
std::vector<std::string> issue_labels(const sync::IssueDraft& draft,
                                      const sync::JiraSettings& settings);

// The "fields" object of a create request: project by key, issue type by name, the cleaned summary
// (clean_summary), description, duedate "YYYY-MM-DD", labels, and the deadline field when both the
// mapping names one and the draft has a deadline.
nlohmann::json draft_fields(const sync::IssueDraft& draft, const sync::JiraSettings& settings,
                            ApiVersion version);

// The "fields" object of an edit request: only what `update` sets. A deadline is dropped when the
// mapping names no deadline field. Empty object when nothing is to change.
nlohmann::json update_fields(const sync::IssueUpdate& update, const sync::JiraSettings& settings,
                             ApiVersion version);

// Fields requested by find_mirrored: summary, status, resolution, duedate, labels, updated, the
// deadline field when configured, and "comment" when `with_comments`.
std::vector<std::string> mirrored_field_names(const sync::JiraSettings& settings,
                                              bool with_comments = false);

// One issue of a search answer. Wrong or missing optional fields are read as absent; an issue
// without a string id and key is an internal error. The "comment" field becomes
// MirroredIssue::comments (oldest first) only when it is whole: startAt 0, a total equal to the
// number of comments listed, and every comment readable with an id (a search returns at most 20
// per issue, docs/jira-api.md#comments-in-search-results); else comments stay nullopt.
sync::Result<sync::MirroredIssue> parse_mirrored_issue(const nlohmann::json& issue,
                                                       const std::string& deadline_field);

// One page of search results. Cloud's search/jql: next_page_token empty and is_last true on the
// last page. Data Center's search: start_at and total (-1 when absent).
struct SearchPage {
  std::vector<sync::MirroredIssue> issues;
  std::string next_page_token;
  bool is_last = true;
  long start_at = 0;
  long total = -1;
};
sync::Result<SearchPage> parse_search_page(std::string_view body,
                                           const std::string& deadline_field);

// A bulk create answer (201, or 400 when every element failed): created issues in request order of
// the successful elements, and failures by failedElementNumber (0-based index into issueUpdates)
// with their readable messages.
struct BulkAnswer {
  std::vector<sync::CreatedIssue> created;
  std::map<long, std::string> failed;
};
sync::Result<BulkAnswer> parse_bulk_answer(std::string_view body);

// A transition as GET .../transitions?expand=transitions.fields lists it.
struct TransitionInfo {
  std::string id;
  std::string name;
  std::string to_status;        // target status name
  std::string to_category;      // "new", "indeterminate", "done" (Jira's status category key)
  bool has_resolution = false;  // the transition's screen has the resolution field
};
sync::Result<std::vector<TransitionInfo>> parse_transitions(std::string_view body);

// A page of GET .../comment: comments with plain-text bodies (ADF flattened, v2 strings as they
// are), paging numbers. Comments whose created time cannot be read are an internal error.
struct CommentsPage {
  std::vector<sync::IssueComment> comments;
  long start_at = 0;
  long max_results = 0;
  long total = 0;
};
sync::Result<CommentsPage> parse_comments_page(std::string_view body);

// The body of POST .../remotelink (RemoteIssueLinkRequest): globalId, application Bugzilla,
// relationship "mirrors", object url / title (clean, at most 255 characters, the URL when empty) /
// summary / status.resolved.
nlohmann::json remote_link_body(const sync::RemoteLink& link);

}  // namespace bzjira::adapters::jira
