// The simulator's read routes other than search: time, whoami, one bug, comments, history
// (docs/bugzilla-api.md, the upstream 5.2 samples in tests/data).
#include "tests/sim/bugzilla_service.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace bzjira::sim {

namespace {

std::string login_nick(const std::string& login) { return login.substr(0, login.find('@')); }

}  // namespace

// ------------------------------------------------------------------ reads

// A comment in the shape of the server being simulated, whatever shape the dataset stored: BMO adds
// "author", "raw_text", "reactions" and "collapsed"; upstream 5.x has none of them
// (docs/bugzilla-api.md#comments).
Json BugzillaService::present_comment(const Json& comment) const {
  Json out = comment;
  if (m_upstream) {
    for (const char* key : {"author", "raw_text", "reactions", "collapsed"}) {
      out.erase(key);
    }
    return out;
  }
  if (!out.contains("author")) {
    out["author"] = out.value("creator", Json(""));
  }
  if (!out.contains("raw_text")) {
    out["raw_text"] = out.value("text", Json(""));
  }
  if (!out.contains("reactions")) {
    out["reactions"] = Json::object();
  }
  if (!out.contains("collapsed")) {
    out["collapsed"] = false;
  }
  return out;
}

SimResponse BugzillaService::get_time() const {
  const std::string now = format_sim_time(m_clock.now());
  return json_response(200, {{"db_time", now},
                             {"web_time", now},
                             {"web_time_utc", now},
                             {"tz_name", "UTC"},
                             {"tz_short_name", "UTC"},
                             {"tz_offset", "+0000"}});
}

SimResponse BugzillaService::get_whoami(const Caller& caller) const {
  if (caller.login.empty()) {
    return error_response(Error{401, 410, "You must log in before using this part of Bugzilla."});
  }
  // A stable user id and real name: from a *_detail object of the dataset when one names the
  // login, else the login's rank among the configured keys' logins.
  Json user = {{"name", caller.login}, {"real_name", ""}, {"nick", login_nick(caller.login)}};
  std::set<std::string> logins;
  for (const auto& [key, login] : m_api_keys) {
    logins.insert(login);
  }
  logins.insert(caller.login);
  user["id"] = 1 + std::distance(logins.begin(), logins.find(caller.login));
  for (const auto& [id, bug] : m_bugs) {
    for (const char* field : {"creator_detail", "assigned_to_detail"}) {
      const auto it = bug.find(field);
      if (it != bug.end() && it->is_object() && it->value("name", "") == caller.login) {
        user["id"] = it->value("id", user["id"].get<std::int64_t>());
        user["real_name"] = it->value("real_name", "");
      }
    }
  }
  return json_response(200, user);
}

SimResponse BugzillaService::get_bug(const std::string& id_text, const SimRequest& request,
                                     const Caller& caller) const {
  std::vector<std::string> ids = {id_text};
  for (const auto& extra : param_values(request.query, "ids")) {
    ids.push_back(extra);
  }
  Json bugs = Json::array();
  std::set<std::int64_t> seen;
  for (const auto& text : ids) {
    std::int64_t bug_id = 0;
    if (auto error = resolve_bug(text, caller, bug_id)) {
      return error_response(*error);
    }
    if (seen.insert(bug_id).second) {
      bugs.push_back(filter_fields(m_bugs.at(bug_id), request.query, bug_extra_fields()));
    }
  }
  return json_response(200, {{"bugs", bugs}, {"faults", Json::array()}});
}

SimResponse BugzillaService::get_comments(const std::string& id_text, const SimRequest& request,
                                          const Caller& caller) const {
  // The path id and every repeated ids= value, de-duplicated (REST.pm _retrieve_json_params);
  // comma lists are not split.
  std::vector<std::string> ids = {id_text};
  for (const auto& extra : param_values(request.query, "ids")) {
    ids.push_back(extra);
  }
  std::optional<SimTime> new_since;
  if (auto text = first_param(request.query, "new_since")) {
    new_since = parse_sim_time(*text);
    if (!new_since) {
      return error_response(Error{400, 56, "'" + *text + "' is not a legal date."});
    }
  }
  Json bugs = Json::object();
  for (const auto& text : ids) {
    std::int64_t bug_id = 0;
    if (auto error = resolve_bug(text, caller, bug_id)) {
      return error_response(*error);
    }
    Json list = Json::array();
    if (auto it = m_comments.find(bug_id); it != m_comments.end()) {
      for (const auto& comment : it->second) {
        if (comment.value("is_private", false) && !caller.insider) {
          continue;
        }
        const Json tags = comment.value("tags", Json::array());
        if (tags.is_array() && std::find(tags.begin(), tags.end(), Json("deleted")) != tags.end()) {
          continue;  // BMO removes deleted comments for users without delete rights
        }
        if (new_since) {
          const auto when = parse_sim_time(comment.value("creation_time", ""));
          if (!when || *when <= *new_since) {  // strictly newer (Bug.pm: creation_ts > $from)
            continue;
          }
        }
        list.push_back(filter_fields(present_comment(comment), request.query, {}));
      }
    }
    bugs[std::to_string(bug_id)] = {{"comments", list}};
  }
  Json by_id = Json::object();
  if (auto error =
          lookup_comments(param_values(request.query, "comment_ids"), request, caller, by_id)) {
    return error_response(*error);
  }
  return json_response(200, {{"bugs", bugs}, {"comments", by_id}});
}

SimResponse BugzillaService::get_comment_by_id(const std::string& id_text,
                                               const SimRequest& request,
                                               const Caller& caller) const {
  if (!all_digits(id_text)) {
    return error_response(Error{400, 111, "'" + id_text + "' is not a valid comment id."});
  }
  std::vector<std::string> ids = {id_text};
  for (const auto& extra : param_values(request.query, "comment_ids")) {
    ids.push_back(extra);
  }
  Json comments = Json::object();
  if (auto error = lookup_comments(ids, request, caller, comments)) {
    return error_response(*error);
  }
  return json_response(200, {{"bugs", Json::object()}, {"comments", comments}});
}

// comment_ids: returned whatever new_since says; unknown ids are skipped, a private one is an
// error for non-insiders.
std::optional<BugzillaService::Error> BugzillaService::lookup_comments(
    const std::vector<std::string>& ids, const SimRequest& request, const Caller& caller,
    Json& out) const {
  for (const auto& text : ids) {
    if (!all_digits(text)) {
      continue;
    }
    const Json wanted(std::stoll(text));
    for (const auto& [bug_id, list] : m_comments) {
      for (const auto& comment : list) {
        if (comment.value("id", Json()) != wanted || !can_see_bug(m_bugs.at(bug_id), caller)) {
          continue;
        }
        if (comment.value("is_private", false) && !caller.insider) {
          return Error{401, 110, "Comment " + text + " is private."};
        }
        out[text] = filter_fields(present_comment(comment), request.query, {});
      }
    }
  }
  return std::nullopt;
}

SimResponse BugzillaService::get_history(const std::string& id_text, const SimRequest& request,
                                         const Caller& caller) const {
  std::vector<std::string> ids = {id_text};
  for (const auto& extra : param_values(request.query, "ids")) {
    ids.push_back(extra);
  }
  std::optional<SimTime> new_since;
  if (auto text = first_param(request.query, "new_since")) {
    new_since = parse_sim_time(*text);
    if (!new_since) {
      return error_response(Error{400, 56, "'" + *text + "' is not a legal date."});
    }
  }
  Json bugs = Json::array();
  std::set<std::int64_t> seen;
  for (const auto& text : ids) {
    std::int64_t bug_id = 0;
    if (auto error = resolve_bug(text, caller, bug_id)) {
      return error_response(*error);
    }
    if (!seen.insert(bug_id).second) {
      continue;
    }
    Json entries = Json::array();
    if (auto it = m_history.find(bug_id); it != m_history.end()) {
      for (const auto& entry : it->second) {
        if (new_since && entry.is_object()) {
          const auto when = parse_sim_time(entry.value("when", ""));
          if (when && *when <= *new_since) {
            continue;
          }
        }
        entries.push_back(entry);
      }
    }
    bugs.push_back({{"id", bug_id}, {"alias", alias_of(m_bugs.at(bug_id))}, {"history", entries}});
  }
  return json_response(200, {{"bugs", bugs}});
}

}  // namespace bzjira::sim
