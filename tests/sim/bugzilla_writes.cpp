// The simulator's writes: POST /rest/bug/<id>/comment (docs/bugzilla-api.md#posting-a-comment),
// PUT /rest/bug/<id> (flags, whiteboard, status, resolution, a comment), and the control endpoints
// that let tests change the dataset.
#include <algorithm>
#include <stdexcept>

#include "tests/sim/bugzilla_service.h"

namespace bzjira::sim {

namespace {

// Characters, as Perl's length() counts a decoded string: UTF-8 lead bytes.
std::size_t utf8_length(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool is_blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

bool truthy(const Json& value) {
  return (value.is_boolean() && value.get<bool>()) ||
         (value.is_number_integer() && value.get<long>() != 0);
}

// Bugzilla's rendering of a flag in history and "changes": "needinfo?(ca@example.org)".
std::string flag_text(const Json& flag) {
  std::string text = flag.value("name", "") + flag.value("status", "");
  if (flag.contains("requestee") && flag["requestee"].is_string()) {
    text += "(" + flag["requestee"].get<std::string>() + ")";
  }
  return text;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

}  // namespace

Json BugzillaService::make_comment(std::int64_t bug_id, const std::string& creator,
                                   const std::string& text, bool is_private, SimTime when) {
  int count = 0;
  for (const auto& existing : m_comments[bug_id]) {
    count = std::max(count, existing.value("count", 0) + 1);
  }
  const std::string time = format_sim_time(when);
  Json comment = {{"id", m_next_comment_id++},
                  {"bug_id", bug_id},
                  {"attachment_id", nullptr},
                  {"count", count},
                  {"text", text},
                  {"creator", creator},
                  {"time", time},
                  {"creation_time", time},
                  {"is_private", is_private},
                  {"tags", Json::array()}};
  m_comments[bug_id].push_back(comment);
  Json& bug = m_bugs.at(bug_id);
  if (bug.contains("comment_count") && bug["comment_count"].is_number_integer()) {
    bug["comment_count"] = bug["comment_count"].get<long>() + 1;
  }
  return comment;
}

void BugzillaService::touch_bug(std::int64_t bug_id, SimTime when) {
  Json& bug = m_bugs.at(bug_id);
  const auto current = parse_sim_time(bug.value("last_change_time", ""));
  if (!current || *current < when) {
    bug["last_change_time"] = format_sim_time(when);
  }
}

SimResponse BugzillaService::post_comment(const std::string& id_text, const SimRequest& request,
                                          const Caller& caller) {
  if (caller.login.empty()) {  // Bugzilla->login(LOGIN_REQUIRED)
    return error_response(Error{401, 410, "You must log in before using this part of Bugzilla."});
  }
  std::int64_t bug_id = 0;
  if (auto error = resolve_bug(id_text, caller, bug_id)) {
    return error_response(*error);
  }
  const Json body = Json::parse(request.body, nullptr, false);
  const Json text = body.is_object() ? body.value("comment", Json()) : Json();
  if (!text.is_string() || is_blank(text.get<std::string>())) {
    return error_response(Error{400, 50,
                                "The function Bug.add_comment requires a comment argument, and "
                                "that argument was not set."});
  }
  if (utf8_length(text.get<std::string>()) > k_max_comment_length) {
    return error_response(Error{400, 114,
                                "According to the comment length limit, the comment is longer "
                                "than the maximum allowed length (65,535 characters)."});
  }
  const bool is_private = truthy(body.value("is_private", Json(false)));
  if (is_private && !caller.insider) {
    return error_response(Error{401, 113, "You are not allowed to mark comments as private."});
  }
  const SimTime now = m_clock.now();
  const Json comment = make_comment(bug_id, caller.login, text.get<std::string>(), is_private, now);
  touch_bug(bug_id, now);
  return json_response(201, {{"id", comment["id"]}});
}

SimResponse BugzillaService::put_bug(const std::string& id_text, const SimRequest& request,
                                     const Caller& caller) {
  if (caller.login.empty()) {
    return error_response(Error{401, 410, "You must log in before using this part of Bugzilla."});
  }
  std::int64_t bug_id = 0;
  if (auto error = resolve_bug(id_text, caller, bug_id)) {
    return error_response(*error);
  }
  const Json body = Json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    return error_response(Error{400, 32000, "The request body is not a JSON object."});
  }
  Json bug = m_bugs.at(bug_id);  // changed on a copy: an error leaves the bug as it was
  const SimTime now = m_clock.now();
  Json changes = Json::object();
  Json history_changes = Json::array();
  auto record = [&](const std::string& field, const std::string& removed,
                    const std::string& added) {
    changes[field] = {{"removed", removed}, {"added", added}};
    history_changes.push_back({{"field_name", field}, {"removed", removed}, {"added", added}});
  };
  for (const char* field : {"whiteboard", "status", "resolution", "summary"}) {
    if (body.contains(field) && body[field].is_string() && bug.value(field, "") != body[field]) {
      record(field, bug.value(field, ""), body[field].get<std::string>());
      bug[field] = body[field];
    }
  }
  if (body.contains("flags")) {
    if (!body["flags"].is_array()) {
      return error_response(Error{400, 32000, "The 'flags' parameter must be an array."});
    }
    std::vector<std::string> removed;
    std::vector<std::string> added;
    for (const auto& change : body["flags"]) {
      const std::string status = change.is_object() ? change.value("status", "") : "";
      if (status != "X" && status != "?" && status != "+" && status != "-") {
        return error_response(Error{400, 32000, "A flag change needs a status of X, ?, + or -."});
      }
      if (change.contains("id")) {
        auto& flags = bug["flags"];
        auto it = std::find_if(flags.begin(), flags.end(), [&](const Json& f) {
          return f.is_object() && f.value("id", Json()) == change["id"];
        });
        if (it == flags.end()) {
          return error_response(Error{400, 32000,
                                      "There is no flag with id " + change["id"].dump() +
                                          " on bug " + std::to_string(bug_id) + "."});
        }
        removed.push_back(flag_text(*it));
        if (status == "X") {
          flags.erase(it);
        } else {
          (*it)["status"] = status;
          (*it)["modification_date"] = format_sim_time(now);
          (*it)["setter"] = caller.login;
          added.push_back(flag_text(*it));
        }
      } else if (status != "X") {  // a new flag: {"name":"needinfo","status":"?","requestee":...}
        // needinfo's id on BMO is 800 (docs/bugzilla-api.md#needinfo-flag)
        const int type_id = m_upstream ? 1 : 800;
        Json flag = {{"id", m_next_flag_id++},
                     {"name", change.value("name", "needinfo")},
                     {"type_id", change.value("type_id", type_id)},
                     {"status", status},
                     {"setter", caller.login},
                     {"creation_date", format_sim_time(now)},
                     {"modification_date", format_sim_time(now)}};
        if (change.contains("requestee") && change["requestee"].is_string()) {
          flag["requestee"] = change["requestee"];
        }
        added.push_back(flag_text(flag));
        bug["flags"].push_back(flag);
      }
    }
    if (!removed.empty() || !added.empty()) {
      record("flagtypes.name", join(removed), join(added));
    }
  }
  std::optional<std::string> comment_text;
  bool comment_private = false;
  if (body.contains("comment") && body["comment"].is_object()) {
    const Json& c = body["comment"];
    if (c.contains("body") && c["body"].is_string() && !is_blank(c["body"].get<std::string>())) {
      comment_text = c["body"].get<std::string>();
      comment_private = truthy(c.value("is_private", Json(false)));
      if (utf8_length(*comment_text) > k_max_comment_length) {
        return error_response(Error{400, 114,
                                    "According to the comment length limit, the comment is longer "
                                    "than the maximum allowed length (65,535 characters)."});
      }
    }
  }
  const bool changed = !history_changes.empty() || comment_text.has_value();
  if (changes.contains("status")) {
    const std::string status = bug.value("status", "");
    bug["is_open"] = !(status == "RESOLVED" || status == "VERIFIED" || status == "CLOSED");
    if (!bug["is_open"].get<bool>() && !m_upstream) {
      bug["cf_last_resolved"] = format_sim_time(now);
    }
  }
  if (changed) {
    bug["last_change_time"] = format_sim_time(now);
  }
  m_bugs[bug_id] = bug;
  if (!history_changes.empty()) {
    m_history[bug_id].push_back(
        {{"when", format_sim_time(now)}, {"who", caller.login}, {"changes", history_changes}});
  }
  if (comment_text) {
    make_comment(bug_id, caller.login, *comment_text, comment_private, now);
  }
  Json answer = {{"id", bug_id},
                 {"alias", alias_of(bug)},
                 {"changes", changes},
                 {"last_change_time", bug["last_change_time"]}};
  return json_response(200, {{"bugs", Json::array({answer})}});
}

// ------------------------------------------------------------------ control endpoints

SimResponse BugzillaService::control_bugs(const std::string& body_text) {
  std::lock_guard<std::mutex> lock(m_mu);
  const Json body = Json::parse(body_text, nullptr, false);
  Json list = body.is_object() && body.contains("bugs") ? body["bugs"] : Json::array({body});
  Json ids = Json::array();
  const SimTime now = m_clock.now();
  for (const auto& patch : list) {
    if (!patch.is_object() || !patch.contains("id") || !patch["id"].is_number_integer()) {
      return json_response(400, {{"error", "every bug needs an integer \"id\""}});
    }
    const auto id = patch["id"].get<std::int64_t>();
    if (auto it = m_bugs.find(id); it != m_bugs.end()) {
      for (const auto& [key, value] : patch.items()) {
        it->second[key] = value;
      }
      if (!patch.contains("last_change_time")) {
        it->second["last_change_time"] = format_sim_time(now);
      }
      fill_defaults(it->second);
    } else {
      Json bug = patch;
      if (!bug.contains("creation_time")) {
        bug["creation_time"] = format_sim_time(now);
      }
      fill_defaults(bug);
      m_bugs[id] = bug;
    }
    ids.push_back(id);
  }
  return json_response(200, {{"ids", ids}});
}

SimResponse BugzillaService::control_comments(const std::string& body_text) {
  std::lock_guard<std::mutex> lock(m_mu);
  const Json body = Json::parse(body_text, nullptr, false);
  Json list =
      body.is_object() && body.contains("comments") ? body["comments"] : Json::array({body});
  Json ids = Json::array();
  for (const auto& item : list) {
    if (!item.is_object() || !item.contains("bug_id") || !item["bug_id"].is_number_integer() ||
        m_bugs.count(item["bug_id"].get<std::int64_t>()) == 0) {
      return json_response(400, {{"error", "every comment needs the \"bug_id\" of a known bug"}});
    }
    const auto bug_id = item["bug_id"].get<std::int64_t>();
    SimTime when = m_clock.now();
    if (item.contains("creation_time")) {
      const auto t = parse_sim_time(item.value("creation_time", ""));
      if (!t) {
        return json_response(400, {{"error", "creation_time is not a Bugzilla datetime"}});
      }
      when = *t;
    }
    Json comment = make_comment(bug_id, item.value("creator", k_default_login),
                                item.value("text", ""), item.value("is_private", false), when);
    if (item.contains("tags") && item["tags"].is_array()) {
      m_comments[bug_id].back()["tags"] = item["tags"];
    }
    touch_bug(bug_id, when);
    ids.push_back(comment["id"]);
  }
  return json_response(200, {{"ids", ids}, {"id", ids.empty() ? Json() : ids.back()}});
}

}  // namespace bzjira::sim
