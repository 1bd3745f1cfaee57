// Parsers of Jira's answers (declared in jira_json.h). Optional members of the wrong type are read
// as absent: Jira instances differ, and a field bzjira does not need must not stop a run.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "adapters/jira/adf.h"
#include "adapters/jira/jira_json.h"

namespace bzjira::adapters::jira {
namespace {

using nlohmann::json;

const json k_null;

const json& member(const json& object, const char* name) {
  if (!object.is_object()) {
    return k_null;
  }
  const auto it = object.find(name);
  return it == object.end() ? k_null : *it;
}

std::string string_member(const json& object, const char* name) {
  const json& v = member(object, name);
  return v.is_string() ? v.get<std::string>() : std::string();
}

long long_member(const json& object, const char* name, long fallback) {
  const json& v = member(object, name);
  return v.is_number_integer() ? v.get<long>() : fallback;
}

// Jira sends ids as strings in most places and as numbers in a few.
std::string id_member(const json& object, const char* name) {
  const json& v = member(object, name);
  if (v.is_string()) {
    return v.get<std::string>();
  }
  return v.is_number_integer() ? std::to_string(v.get<long long>()) : std::string();
}

sync::Error bad_answer(const std::string& what) {
  return sync::make_error(sync::ErrorKind::internal, "Jira's answer could not be read: " + what);
}

sync::StatusCategory category_of(const std::string& key) {
  if (key == "done") {
    return sync::StatusCategory::done;
  }
  if (key == "indeterminate") {
    return sync::StatusCategory::in_progress;
  }
  return sync::StatusCategory::todo;  // "new", and "undefined" on odd workflows
}

// One comment as GET .../comment and the search's "comment" field list it: the first author name
// Jira gives, the body as plain text (ADF flattened, v2 strings as they are).
sync::Result<sync::IssueComment> parse_comment(const json& c) {
  sync::IssueComment comment;
  comment.id = id_member(c, "id");
  const json& author = member(c, "author");
  for (const char* name : {"displayName", "accountId", "name", "emailAddress"}) {
    comment.author = string_member(author, name);
    if (!comment.author.empty()) {
      break;
    }
  }
  comment.body = adf_to_plain_text(member(c, "body"));
  const auto created = sync::parse_rfc3339(string_member(c, "created"));
  if (!created) {
    return bad_answer("comment " + comment.id + " has no readable created time");
  }
  comment.created = *created;
  return comment;
}

// The search's "comment" field ({"comments", "startAt", "maxResults", "total"}) when it holds
// every comment of the issue, oldest first; nullopt when it is absent, cut short or unreadable:
// the caller then reads the comments with GET .../comment.
std::optional<std::vector<sync::IssueComment>> whole_comments(const json& fields) {
  const json& field = member(fields, "comment");
  const json& list = member(field, "comments");
  const json& start_at = member(field, "startAt");
  const json& total = member(field, "total");
  if (!list.is_array() || !start_at.is_number_integer() || start_at.get<long long>() != 0 ||
      !total.is_number_integer() || total.get<long long>() < 0 ||
      static_cast<std::size_t>(total.get<long long>()) != list.size()) {
    return std::nullopt;
  }
  std::vector<sync::IssueComment> out;
  out.reserve(list.size());
  for (const json& c : list) {
    auto comment = parse_comment(c);
    if (!comment.ok() || comment->id.empty()) {
      return std::nullopt;
    }
    out.push_back(std::move(comment.value()));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const sync::IssueComment& a, const sync::IssueComment& b) {
                     return a.created < b.created;
                   });
  return out;
}

}  // namespace

sync::Result<sync::MirroredIssue> parse_mirrored_issue(const json& issue,
                                                       const std::string& deadline_field) {
  sync::MirroredIssue out;
  out.id = id_member(issue, "id");
  out.key = string_member(issue, "key");
  if (out.id.empty() || out.key.empty()) {
    return bad_answer("a search result without an issue id or key");
  }
  const json& fields = member(issue, "fields");
  out.summary = string_member(fields, "summary");
  const json& labels = member(fields, "labels");
  if (labels.is_array()) {
    for (const json& label : labels) {
      if (label.is_string()) {
        out.labels.push_back(label.get<std::string>());
      }
    }
  }
  out.due = sync::parse_date(string_member(fields, "duedate"));
  const json& status = member(fields, "status");
  out.status = string_member(status, "name");
  out.category = category_of(string_member(member(status, "statusCategory"), "key"));
  out.resolution = string_member(member(fields, "resolution"), "name");
  out.updated = sync::parse_rfc3339(string_member(fields, "updated"));
  if (!deadline_field.empty()) {
    out.deadline = sync::parse_rfc3339(string_member(fields, deadline_field.c_str()));
  }
  out.comments = whole_comments(fields);
  return out;
}

sync::Result<SearchPage> parse_search_page(std::string_view body,
                                           const std::string& deadline_field) {
  const json root = parse_answer(body);
  if (root.is_discarded() || !root.is_object()) {
    return bad_answer("the search answer is not a JSON object");
  }
  const json& issues = member(root, "issues");
  if (!issues.is_array()) {
    return bad_answer("the search answer has no issues list");
  }
  SearchPage page;
  for (const json& issue : issues) {
    auto parsed = parse_mirrored_issue(issue, deadline_field);
    if (!parsed.ok()) {
      return parsed.error();
    }
    page.issues.push_back(std::move(parsed.value()));
  }
  page.next_page_token = string_member(root, "nextPageToken");
  const json& is_last = member(root, "isLast");
  // The token is left out on the last page; isLast is optional.
  page.is_last = is_last.is_boolean() ? is_last.get<bool>() : page.next_page_token.empty();
  page.start_at = long_member(root, "startAt", 0);
  page.total = long_member(root, "total", -1);
  return page;
}

sync::Result<BulkAnswer> parse_bulk_answer(std::string_view body) {
  const json root = parse_answer(body);
  if (root.is_discarded() || !root.is_object()) {
    return bad_answer("the bulk create answer is not a JSON object");
  }
  BulkAnswer out;
  const json& issues = member(root, "issues");
  if (issues.is_array()) {
    for (const json& issue : issues) {
      sync::CreatedIssue created{id_member(issue, "id"), string_member(issue, "key")};
      if (created.id.empty() || created.key.empty()) {
        return bad_answer("a created issue without id or key");
      }
      out.created.push_back(std::move(created));
    }
  }
  const json& errors = member(root, "errors");
  if (errors.is_array()) {
    for (const json& e : errors) {
      const long index = long_member(e, "failedElementNumber", -1);
      if (index < 0) {
        return bad_answer("a bulk create error without failedElementNumber");
      }
      std::string text = error_collection_text(member(e, "elementErrors"));
      out.failed[index] = text.empty() ? "no details" : text;
    }
  }
  return out;
}

sync::Result<std::vector<TransitionInfo>> parse_transitions(std::string_view body) {
  const json root = parse_answer(body);
  const json& list = member(root, "transitions");
  if (root.is_discarded() || !list.is_array()) {
    return bad_answer("the transitions answer has no transitions list");
  }
  std::vector<TransitionInfo> out;
  for (const json& t : list) {
    TransitionInfo info;
    info.id = id_member(t, "id");
    if (info.id.empty()) {
      return bad_answer("a transition without id");
    }
    info.name = string_member(t, "name");
    const json& to = member(t, "to");
    info.to_status = string_member(to, "name");
    info.to_category = string_member(member(to, "statusCategory"), "key");
    const json& fields = member(t, "fields");
    info.has_resolution = fields.is_object() && fields.contains("resolution");
    out.push_back(std::move(info));
  }
  return out;
}

sync::Result<CommentsPage> parse_comments_page(std::string_view body) {
  const json root = parse_answer(body);
  const json& list = member(root, "comments");
  if (root.is_discarded() || !list.is_array()) {
    return bad_answer("the comments answer has no comments list");
  }
  CommentsPage page;
  page.start_at = long_member(root, "startAt", 0);
  page.max_results = long_member(root, "maxResults", 0);
  page.total = long_member(root, "total", 0);
  for (const json& c : list) {
    auto comment = parse_comment(c);
    if (!comment.ok()) {
      return comment.error();
    }
    page.comments.push_back(std::move(comment.value()));
  }
  return page;
}

}  // namespace bzjira::adapters::jira
