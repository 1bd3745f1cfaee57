#include "adapters/bugzilla/bugzilla_json.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <exception>
#include <limits>
#include <set>

#include "adapters/bugzilla/bugzilla_json_detail.h"
#include "adapters/bugzilla/bugzilla_json_sax.h"

namespace bzjira::adapters::bugzilla {

using nlohmann::json;
using sync::Error;
using sync::ErrorKind;
using sync::Instant;
using sync::make_error;

namespace {

using detail::describe;
using detail::excerpt;
using detail::Fields;
using detail::member;
using detail::parse_body;
using detail::too_deep;

std::string bug_context(const json& bug) {
  const auto it = bug.find("id");
  if (it != bug.end() && it->is_number_integer()) {
    return "bug " + (it->is_number_unsigned() ? std::to_string(it->get<unsigned long long>())
                                              : std::to_string(it->get<long long>()));
  }
  return "bug (no valid id)";
}

sync::Result<sync::Flag> parse_flag(const json& obj, const std::string& context) {
  if (!obj.is_object()) {
    return make_error(ErrorKind::internal, context + ": must be an object, got " + describe(obj));
  }
  Fields f(obj, context);
  sync::Flag flag;
  f.integer("id", flag.id, true, 1);
  f.text("name", flag.name, true);
  f.integer("type_id", flag.type_id);
  f.text("status", flag.status, true);
  f.text("setter", flag.setter);
  f.text("requestee", flag.requestee);
  flag.creation_date = f.time("creation_date", true).value_or(Instant{});
  flag.modification_date = f.time("modification_date", false).value_or(flag.creation_date);
  if (f.error()) {
    return *f.error();
  }
  return flag;
}

sync::Result<sync::HistoryEntry> parse_history_entry(const json& obj, const std::string& context) {
  if (!obj.is_object()) {
    return make_error(ErrorKind::internal, context + ": must be an object, got " + describe(obj));
  }
  Fields f(obj, context);
  sync::HistoryEntry entry;
  entry.when = f.time("when", true).value_or(Instant{});
  f.text("who", entry.who, true);
  if (const json* changes = f.get("changes", false)) {
    if (!changes->is_array()) {
      f.fail("field 'changes' must be an array, got " + describe(*changes));
    } else {
      for (std::size_t i = 0; i < changes->size() && !f.error(); ++i) {
        const json& c = (*changes)[i];
        const std::string change_context = context + ": changes[" + std::to_string(i) + "]";
        if (!c.is_object()) {
          return make_error(ErrorKind::internal,
                            change_context + ": must be an object, got " + describe(c));
        }
        Fields cf(c, change_context);
        sync::FieldChange change;
        cf.text("field_name", change.field_name, true);
        cf.text("removed", change.removed);
        cf.text("added", change.added);
        if (cf.error()) {
          return *cf.error();
        }
        entry.changes.push_back(std::move(change));
      }
    }
  }
  if (f.error()) {
    return *f.error();
  }
  return entry;
}

std::optional<sync::BugId> bug_id_from_key(const std::string& key) {
  sync::BugId id = 0;
  const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
  if (ec != std::errc() || end != key.data() + key.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

}  // namespace

sync::Result<sync::Bug> parse_bug(const json& obj) {
  try {
    if (!obj.is_object()) {
      return make_error(ErrorKind::internal, "bug: must be an object, got " + describe(obj));
    }
    const std::string context = bug_context(obj);
    Fields f(obj, context);
    sync::Bug bug;
    f.integer("id", bug.id, true, 1);
    f.text("summary", bug.summary);
    f.text("status", bug.status);
    f.text("resolution", bug.resolution);
    f.text("whiteboard", bug.whiteboard);
    f.text("product", bug.product);
    f.text("component", bug.component);
    f.text("creator", bug.creator);
    f.text("assigned_to", bug.assigned_to);
    bug.creation_time = f.time("creation_time", true).value_or(Instant{});
    bug.last_change_time = f.time("last_change_time", false).value_or(Instant{});
    bug.last_resolved = f.time("cf_last_resolved", false);
    if (f.error()) {
      return *f.error();
    }
    if (const json* flags = f.get("flags", false)) {
      if (!flags->is_array()) {
        return make_error(ErrorKind::internal,
                          context + ": field 'flags' must be an array, got " + describe(*flags));
      }
      for (std::size_t i = 0; i < flags->size(); ++i) {
        auto flag = parse_flag((*flags)[i], context + ": flags[" + std::to_string(i) + "]");
        if (!flag) {
          return flag.error();
        }
        bug.flags.push_back(std::move(flag.value()));
      }
    }
    return bug;
  } catch (const std::exception& e) {
    return make_error(ErrorKind::internal, "bug could not be read: " + excerpt(e.what()));
  }
}

sync::Result<BugList> parse_bug_list(const std::string& body) {
  auto doc = parse_body(body, "Bugzilla bug list");
  if (!doc) {
    return doc.error();
  }
  auto bugs = member(*doc, "bugs", json::value_t::array, "Bugzilla bug list", body);
  if (!bugs) {
    return bugs.error();
  }
  BugList list;
  for (std::size_t i = 0; i < (*bugs)->size(); ++i) {
    auto bug = parse_bug((**bugs)[i]);
    if (bug) {
      list.bugs.push_back(std::move(bug.value()));
    } else {
      list.problems.push_back("bugs[" + std::to_string(i) + "]: " + bug.error().message);
    }
  }
  return list;
}

sync::Result<sync::Comment> parse_comment(const json& obj, sync::BugId bug_from_key) {
  try {
    const std::string context = "bug " + std::to_string(bug_from_key) + " comment";
    if (!obj.is_object()) {
      return make_error(ErrorKind::internal, context + ": must be an object, got " + describe(obj));
    }
    sync::Comment c;
    c.bug_id = bug_from_key;
    {
      Fields id_field(obj, context);
      id_field.integer("id", c.id, true, 1);
      if (id_field.error()) {
        return *id_field.error();
      }
    }
    Fields f(obj, context + " " + std::to_string(c.id));
    f.integer("bug_id", c.bug_id, bug_from_key == 0, 1);
    f.integer("count", c.count);
    // Upstream 5.x sends only "creator" and "time"; BMO adds "author" and "creation_time".
    const char* creator_key = f.get("creator", false) != nullptr ? "creator" : "author";
    const char* time_key = f.get("creation_time", false) != nullptr ? "creation_time" : "time";
    if (f.get(creator_key, false) == nullptr) {
      f.fail("field 'creator' (or 'author') is missing");
    }
    if (f.get(time_key, false) == nullptr) {
      f.fail("field 'creation_time' (or 'time') is missing");
    }
    f.text(creator_key, c.creator);
    c.time = f.time(time_key, false).value_or(Instant{});
    f.text("text", c.text);
    f.flag("is_private", c.is_private);
    f.strings("tags", c.tags);
    if (!f.error() && bug_from_key != 0 && c.bug_id != bug_from_key) {
      f.fail("bug_id " + std::to_string(c.bug_id) + " does not match its bug");
    }
    if (f.error()) {
      return *f.error();
    }
    return c;
  } catch (const std::exception& e) {
    return make_error(ErrorKind::internal, "comment could not be read: " + excerpt(e.what()));
  }
}

sync::Result<std::map<sync::BugId, std::vector<sync::Comment>>> parse_comments(
    const std::string& body) {
  // One pass straight into sync::Comment for the usual answer; the DOM below for the rest, so that
  // every malformed answer gets the same error as before.
  if (auto fast = detail::sax_read(body, detail::SaxShape::comment_answer, bug_id_from_key)) {
    std::map<sync::BugId, std::vector<sync::Comment>> out;
    for (auto& [id, list] : fast->comments) {
      out.emplace(id, std::move(list));
    }
    return out;
  }
  const std::string what = "Bugzilla comment answer";
  auto doc = parse_body(body, what);
  if (!doc) {
    return doc.error();
  }
  auto bugs = member(*doc, "bugs", json::value_t::object, what, body);
  if (!bugs) {
    return bugs.error();
  }
  std::map<sync::BugId, std::vector<sync::Comment>> out;
  std::set<sync::CommentId> seen;
  for (const auto& [key, entry] : (*bugs)->items()) {
    const auto id = bug_id_from_key(key);
    if (!id) {
      return make_error(ErrorKind::internal,
                        what + ": bug key '" + excerpt(key, 40) + "' is not a bug id");
    }
    auto& list = out[*id];
    const auto comments = entry.is_object() ? entry.find("comments") : entry.end();
    if (!entry.is_object() || comments == entry.end() || !comments->is_array()) {
      return make_error(ErrorKind::internal, what + ": bug " + key + " has no 'comments' array");
    }
    for (const auto& item : *comments) {
      auto c = parse_comment(item, *id);
      if (!c) {
        return c.error();
      }
      seen.insert(c->id);
      list.push_back(std::move(c.value()));
    }
  }
  // Answers for comment_ids: keyed by comment id, each carrying its bug_id.
  const auto by_id = doc->find("comments");
  if (by_id != doc->end() && by_id->is_object()) {
    for (const auto& [key, item] : by_id->items()) {
      auto c = parse_comment(item, 0);
      if (!c) {
        return c.error();
      }
      if (seen.insert(c->id).second) {
        out[c->bug_id].push_back(std::move(c.value()));
      }
    }
  }
  return out;
}

sync::Result<std::vector<sync::HistoryEntry>> parse_history_entries(const json& entries,
                                                                    sync::BugId bug) {
  try {
    const std::string context = "bug " + std::to_string(bug) + " history";
    if (!entries.is_array()) {
      return make_error(ErrorKind::internal,
                        context + ": must be an array, got " + describe(entries));
    }
    std::vector<sync::HistoryEntry> out;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      auto entry = parse_history_entry(entries[i], context + "[" + std::to_string(i) + "]");
      if (!entry) {
        return entry.error();
      }
      out.push_back(std::move(entry.value()));
    }
    return out;
  } catch (const std::exception& e) {
    return make_error(ErrorKind::internal, "history could not be read: " + excerpt(e.what()));
  }
}

sync::Result<std::vector<sync::HistoryEntry>> parse_history(const std::string& body) {
  const std::string what = "Bugzilla history answer";
  auto doc = parse_body(body, what);
  if (!doc) {
    return doc.error();
  }
  auto bugs = member(*doc, "bugs", json::value_t::array, what, body);
  if (!bugs) {
    return bugs.error();
  }
  std::vector<sync::HistoryEntry> out;
  for (const auto& bug : **bugs) {
    sync::BugId id = 0;
    const json* history = nullptr;
    if (bug.is_object()) {
      Fields f(bug, what);
      f.integer("id", id, false, 1);
      history = f.get("history", false);
      if (f.error()) {
        return *f.error();
      }
    }
    if (history == nullptr) {
      return make_error(ErrorKind::internal, what + ": a bug has no 'history': " + excerpt(body));
    }
    auto entries = parse_history_entries(*history, id);
    if (!entries) {
      return entries.error();
    }
    out.insert(out.end(), entries->begin(), entries->end());
  }
  return out;
}

std::optional<Error> parse_bugzilla_error(int http_status, const std::string& body) {
  // Error objects are a few hundred bytes: a large answer is never one, and is not parsed twice.
  constexpr std::size_t k_max_error_body = 64 * 1024;
  std::optional<json> doc;
  if (body.size() <= k_max_error_body && !too_deep(body, k_max_json_depth)) {
    try {
      doc = json::parse(body);
    } catch (const std::exception&) {
      doc.reset();  // HTML error pages and plain text are judged by the status alone
    }
  }
  bool is_error_object = false;
  if (doc && doc->is_object()) {
    const auto flag = doc->find("error");
    is_error_object = flag != doc->end() && flag->is_boolean() && flag->get<bool>();
  }
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
  const auto code_it = doc->find("code");
  if (code_it != doc->end() && code_it->is_number_integer() &&
      code_it->get<long long>() >= std::numeric_limits<int>::min() &&
      code_it->get<long long>() <= std::numeric_limits<int>::max()) {
    code = static_cast<int>(code_it->get<long long>());
  }
  std::string message;
  const auto msg_it = doc->find("message");
  if (msg_it != doc->end() && msg_it->is_string()) {
    message = msg_it->get<std::string>();
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
  auto doc = parse_body(body, what);
  if (!doc) {
    return doc.error();
  }
  auto db_time = member(*doc, "db_time", json::value_t::string, what, body);
  if (!db_time) {
    return db_time.error();
  }
  const auto t = sync::parse_rfc3339((*db_time)->get<std::string>());
  if (!t) {
    return make_error(ErrorKind::internal, what + ": 'db_time' is not a valid date-time: " +
                                               excerpt((*db_time)->get<std::string>(), 60));
  }
  return *t;
}

sync::Result<std::string> parse_whoami(const std::string& body) {
  const std::string what = "Bugzilla whoami answer";
  auto doc = parse_body(body, what);
  if (!doc) {
    return doc.error();
  }
  auto name = member(*doc, "name", json::value_t::string, what, body);
  if (!name) {
    return name.error();
  }
  if ((*name)->get_ref<const std::string&>().empty()) {
    return make_error(ErrorKind::internal, what + ": 'name' is empty");
  }
  return (*name)->get<std::string>();
}

sync::Result<sync::CommentId> parse_created_comment(const std::string& body) {
  const std::string what = "Bugzilla new-comment answer";
  auto doc = parse_body(body, what);
  if (!doc) {
    return doc.error();
  }
  if (!doc->is_object()) {
    return make_error(ErrorKind::internal, what + " is not a JSON object: " + excerpt(body));
  }
  sync::CommentId id = 0;
  Fields f(*doc, what);
  f.integer("id", id, true, 1);
  if (f.error()) {
    return *f.error();
  }
  return id;
}

}  // namespace bzjira::adapters::bugzilla
