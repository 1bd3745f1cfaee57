#include "adapters/bugzilla/bugzilla_json.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <limits>
#include <set>

#include "adapters/bugzilla/bugzilla_json_detail.h"
#include "adapters/bugzilla/bugzilla_json_split.h"

namespace bzjira::adapters::bugzilla {

using sync::Error;
using sync::ErrorKind;
using sync::Instant;
using sync::make_error;

namespace {

using detail::describe;
using detail::Element;
using detail::excerpt;
using detail::Fields;
using detail::member;
using detail::Type;

// The error of a check that must fail (member() of a value that is not what it should be).
std::optional<Error> error_of(const sync::Result<Element>& check, const std::string& what,
                              const std::string& body) {
  if (!check.ok()) {
    return check.error();
  }
  return make_error(ErrorKind::internal, what + " has no object 'bugs': " + excerpt(body));
}

// `what` + ": " + problem, for the comments answer's own checks.
Error answer_problem(const std::string& what, const std::string& problem) {
  return make_error(ErrorKind::internal, what + ": " + problem);
}

}  // namespace

namespace detail {

std::optional<Error> read_comment_entry(Element entry, std::string_view key, sync::BugId id,
                                        const std::string& what, std::vector<sync::Comment>& out) {
  std::optional<Element> comments;
  if (entry.is_object()) {
    for (const auto field : detail::object_of(entry)) {
      if (field.key == "comments") {
        comments = field.value;  // the last of repeated keys counts
      }
    }
  }
  if (!comments || !comments->is_array()) {
    return answer_problem(what, "bug " + excerpt(key, 40) + " has no 'comments' array");
  }
  const auto items = detail::array_of(*comments);
  out.reserve(out.size() + items.size());
  for (const Element item : items) {
    auto c = detail::read_comment(item, id);
    if (!c) {
      return c.error();
    }
    out.push_back(std::move(c.value()));
  }
  return std::nullopt;
}

void file_comments_by_id(std::map<sync::BugId, std::vector<sync::Comment>>& out,
                         std::vector<sync::Comment>&& by_id) {
  if (by_id.empty()) {
    return;
  }
  std::set<sync::CommentId> seen;
  for (const auto& [id, list] : out) {
    for (const sync::Comment& c : list) {
      seen.insert(c.id);
    }
  }
  for (sync::Comment& c : by_id) {
    if (seen.insert(c.id).second) {
      out[c.bug_id].push_back(std::move(c));
    }
  }
}

}  // namespace detail

// The answers below but the comments are parsed whole: they are small (a page of 1,000 bugs is
// about 1 MB).
sync::Result<BugList> parse_bug_list(const std::string& body) {
  const std::string what = "Bugzilla bug list";
  detail::Dom dom;
  auto doc = dom.document(body, what);
  if (!doc) {
    return doc.error();
  }
  auto bugs = member(*doc, "bugs", Type::ARRAY, what, body);
  if (!bugs) {
    return bugs.error();
  }
  BugList list;
  std::size_t i = 0;
  for (const Element item : detail::array_of(*bugs)) {
    auto bug = detail::read_bug(item);
    if (bug) {
      list.bugs.push_back(std::move(bug.value()));
    } else {
      list.problems.push_back("bugs[" + std::to_string(i) + "]: " + bug.error().message);
    }
    ++i;
  }
  return list;
}

sync::Result<std::map<sync::BugId, std::vector<sync::Comment>>> parse_comments(
    const std::string& body) {
  const std::string what = "Bugzilla comment answer";
  if (auto error = detail::too_large(body.size(), what)) {
    return *error;
  }
  auto text = JsonText::padded(body);
  if (!text) {
    return text.error();
  }
  std::map<sync::BugId, std::vector<sync::Comment>> out;
  bool has_bugs = false;
  std::vector<sync::Comment> by_id;  // the answer for comment_ids, filed after the bugs'
  const auto no_bugs = [&] {
    return make_error(ErrorKind::internal, what + " has no object 'bugs': " + excerpt(body));
  };
  detail::Dom dom;
  const auto visit = [&](const detail::Part& part) -> std::optional<Error> {
    if (part.opening) {
      has_bugs = true;
      return std::nullopt;
    }
    auto value = dom.part(part.json, body, what, part.whole_document);
    if (!value) {
      return value.error();
    }
    if (part.whole_document) {
      // Not an object: member() words it.
      return error_of(member(*value, "bugs", Type::OBJECT, what, body), what, body);
    }
    if (part.member == "bugs" && !part.opened) {
      return no_bugs();
    }
    if (part.member == "bugs") {
      const auto id = detail::bug_id_from_key(part.key);
      if (!id) {
        return answer_problem(what, "bug key '" + excerpt(part.key, 40) + "' is not a bug id");
      }
      const auto [at, inserted] = out.emplace(*id, std::vector<sync::Comment>{});
      if (!inserted) {
        return answer_problem(what, "bug " + std::to_string(*id) + " appears twice");
      }
      return detail::read_comment_entry(*value, part.key, *id, what, at->second);
    }
    if (part.member == "comments" && value->is_object()) {
      // Answers for comment_ids: keyed by comment id, each carrying its bug_id.
      for (const auto field : detail::object_of(*value)) {
        auto c = detail::read_comment(field.value, 0);
        if (!c) {
          return c.error();
        }
        by_id.push_back(std::move(c.value()));
      }
    }
    return std::nullopt;
  };
  if (auto error = detail::split(*text, {"bugs"}, what, visit)) {
    return *error;
  }
  if (!has_bugs) {
    return no_bugs();
  }
  detail::file_comments_by_id(out, std::move(by_id));
  return out;
}

sync::Result<std::map<sync::BugId, std::vector<sync::HistoryEntry>>> parse_history_by_bug(
    const std::string& body) {
  const std::string what = "Bugzilla history answer";
  detail::Dom dom;
  auto doc = dom.document(body, what);
  if (!doc) {
    return doc.error();
  }
  auto bugs = member(*doc, "bugs", Type::ARRAY, what, body);
  if (!bugs) {
    return bugs.error();
  }
  std::map<sync::BugId, std::vector<sync::HistoryEntry>> out;
  for (const Element bug : detail::array_of(*bugs)) {
    if (!bug.is_object()) {
      return make_error(ErrorKind::internal, what + ": a bug is " + describe(bug));
    }
    sync::BugId id = 0;
    Fields f(detail::object_of(bug), [&]() -> const std::string& { return what; });
    f.integer("id", id, true, 1);
    const auto history = f.get("history", true);
    if (f.error()) {
      return *f.error();
    }
    auto entries = detail::read_history_entries(*history, id);
    if (!entries) {
      return entries.error();
    }
    auto& list = out[id];
    list.insert(list.end(), std::make_move_iterator(entries->begin()),
                std::make_move_iterator(entries->end()));
  }
  return out;
}

sync::Result<std::vector<sync::HistoryEntry>> parse_history(const std::string& body) {
  const std::string what = "Bugzilla history answer";
  detail::Dom dom;
  auto doc = dom.document(body, what);
  if (!doc) {
    return doc.error();
  }
  auto bugs = member(*doc, "bugs", Type::ARRAY, what, body);
  if (!bugs) {
    return bugs.error();
  }
  std::vector<sync::HistoryEntry> out;
  for (const Element bug : detail::array_of(*bugs)) {
    sync::BugId id = 0;
    std::optional<Element> history;
    if (bug.is_object()) {
      Fields f(detail::object_of(bug), [&]() -> const std::string& { return what; });
      f.integer("id", id, false, 1);
      history = f.get("history", false);
      if (f.error()) {
        return *f.error();
      }
    }
    if (!history) {
      return make_error(ErrorKind::internal, what + ": a bug has no 'history': " + excerpt(body));
    }
    auto entries = detail::read_history_entries(*history, id);
    if (!entries) {
      return entries.error();
    }
    out.insert(out.end(), std::make_move_iterator(entries->begin()),
               std::make_move_iterator(entries->end()));
  }
  return out;
}

std::optional<Error> parse_bugzilla_error(int http_status, const std::string& body) {
  // Error objects are a few hundred bytes: a large answer is never one, and is not parsed twice.
  constexpr std::size_t k_max_error_body = 64 * 1024;
  detail::Dom dom;
  std::optional<Element> doc;
  if (body.size() <= k_max_error_body) {
    auto parsed = dom.document(body, "Bugzilla error answer");
    if (parsed) {
      doc = *parsed;  // HTML error pages and plain text are judged by the status alone
    }
  }
  std::optional<Element> flag, code_value, message_value;
  if (doc && doc->is_object()) {
    for (const auto field : detail::object_of(*doc)) {
      if (field.key == "error") {
        flag = field.value;
      } else if (field.key == "code") {
        code_value = field.value;
      } else if (field.key == "message") {
        message_value = field.value;
      }
    }
  }
  const bool is_error_object = flag && flag->is_bool() && flag->get_bool().value_unsafe();
  if (!is_error_object) {
    if (http_status >= 200 && http_status < 300) {
      return std::nullopt;
    }
    ErrorKind kind = ErrorKind::rejected;
    if (http_status == 401 || http_status == 403) {
      kind = ErrorKind::auth;
    } else if (http_status == 404) {
      kind = ErrorKind::not_found;
    } else if (http_status == 429 || http_status >= 500 || http_status < 100) {
      kind = ErrorKind::transient;
    }
    return make_error(
        kind, "Bugzilla answered HTTP " + std::to_string(http_status) + ": " + excerpt(body, 200),
        http_status);
  }
  int code = 0;
  if (code_value && code_value->is_int64() &&
      code_value->get_int64().value_unsafe() >= std::numeric_limits<int>::min() &&
      code_value->get_int64().value_unsafe() <= std::numeric_limits<int>::max()) {
    code = static_cast<int>(code_value->get_int64().value_unsafe());
  }
  std::string message;
  if (message_value && message_value->is_string()) {
    message = std::string(message_value->get_string().value_unsafe());
  }
  std::string lower = message;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  ErrorKind kind = ErrorKind::rejected;
  if (code == 102 || code == 306 || code == 410 || http_status == 401 || http_status == 403) {
    kind = ErrorKind::auth;
  } else if (code == 100 || code == 101 || http_status == 404) {
    kind = ErrorKind::not_found;
  } else if (lower.find("rate limit") != std::string::npos || http_status == 429 ||
             http_status >= 500) {
    kind = ErrorKind::transient;
  }
  Error error = make_error(
      kind,
      "Bugzilla error " + std::to_string(code) + " (HTTP " + std::to_string(http_status) +
          "): " + (message.empty() ? std::string("no message") : excerpt(message, 500)),
      http_status);
  error.service_code = code;
  return error;
}

sync::Result<Instant> parse_time(const std::string& body) {
  const std::string what = "Bugzilla time answer";
  detail::Dom dom;
  auto doc = dom.document(body, what);
  if (!doc) {
    return doc.error();
  }
  auto db_time = member(*doc, "db_time", Type::STRING, what, body);
  if (!db_time) {
    return db_time.error();
  }
  const std::string_view text = db_time->get_string().value_unsafe();
  const auto t = sync::parse_rfc3339(text);
  if (!t) {
    return make_error(ErrorKind::internal,
                      what + ": 'db_time' is not a valid date-time: " + excerpt(text, 60));
  }
  return *t;
}

sync::Result<std::string> parse_whoami(const std::string& body) {
  const std::string what = "Bugzilla whoami answer";
  detail::Dom dom;
  auto doc = dom.document(body, what);
  if (!doc) {
    return doc.error();
  }
  auto name = member(*doc, "name", Type::STRING, what, body);
  if (!name) {
    return name.error();
  }
  if (name->get_string().value_unsafe().empty()) {
    return make_error(ErrorKind::internal, what + ": 'name' is empty");
  }
  return std::string(name->get_string().value_unsafe());
}

sync::Result<sync::CommentId> parse_created_comment(const std::string& body) {
  const std::string what = "Bugzilla new-comment answer";
  detail::Dom dom;
  auto doc = dom.document(body, what);
  if (!doc) {
    return doc.error();
  }
  if (!doc->is_object()) {
    return make_error(ErrorKind::internal, what + " is not a JSON object: " + excerpt(body));
  }
  sync::CommentId id = 0;
  Fields f(detail::object_of(*doc), [&]() -> const std::string& { return what; });
  f.integer("id", id, true, 1);
  if (f.error()) {
    return *f.error();
  }
  return id;
}

}  // namespace bzjira::adapters::bugzilla
