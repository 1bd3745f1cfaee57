// The simulator's Bugzilla: dataset loading, authentication, routing and the read routes other
// than search. Messages and codes follow docs/bugzilla-api.md#errors and the upstream 5.2 samples.
#include "tests/sim/bugzilla_service.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace bzjira::sim {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : path) {
    if (c == '/') {
      if (!current.empty()) {
        parts.push_back(current);
      }
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) {
    parts.push_back(current);
  }
  return parts;
}

}  // namespace

// ------------------------------------------------------------------ loading

BugzillaService::BugzillaService(const std::string& dataset_text, bool upstream, SimClock& clock)
    : m_clock(clock), m_upstream(upstream) {
  Json root = Json::parse(dataset_text, nullptr, false);
  if (root.is_discarded() || !root.is_object() || !root.contains("bugs") ||
      !root["bugs"].is_array()) {
    throw std::runtime_error("dataset is not a JSON object with a \"bugs\" array");
  }
  for (auto& bug : root["bugs"]) {
    if (!bug.is_object() || !bug.contains("id") || !bug["id"].is_number_integer() ||
        bug["id"].get<std::int64_t>() <= 0) {
      throw std::runtime_error("dataset: every bug needs a positive integer \"id\"");
    }
    const auto id = bug["id"].get<std::int64_t>();
    if (m_bugs.count(id) != 0) {
      throw std::runtime_error("dataset: bug " + std::to_string(id) + " appears twice");
    }
    m_bugs[id] = bug;
  }
  if (root.contains("comments") && root["comments"].is_object()) {
    for (auto& [key, list] : root["comments"].items()) {
      if (!all_digits(key) || !list.is_array() || m_bugs.count(std::stoll(key)) == 0) {
        continue;  // comments of a bug the dataset does not have cannot be served
      }
      const auto bug_id = std::stoll(key);
      int count = 0;
      for (auto comment : list) {
        if (!comment.is_object()) {
          continue;
        }
        if (!comment.contains("bug_id")) {
          comment["bug_id"] = bug_id;
        }
        if (!comment.contains("count")) {
          comment["count"] = count;
        }
        if (!comment.contains("creation_time") && comment.contains("time")) {
          comment["creation_time"] = comment["time"];
        }
        if (!comment.contains("time") && comment.contains("creation_time")) {
          comment["time"] = comment["creation_time"];
        }
        if (comment.contains("id") && comment["id"].is_number_integer()) {
          m_next_comment_id = std::max(m_next_comment_id, comment["id"].get<std::int64_t>() + 1);
        }
        m_comments[bug_id].push_back(comment);
        ++count;
      }
    }
  }
  // Comments without an id get fresh ones after the highest id in the file.
  for (auto& [bug_id, list] : m_comments) {
    for (auto& comment : list) {
      if (!comment.contains("id")) {
        comment["id"] = m_next_comment_id++;
      }
    }
  }
  if (root.contains("history") && root["history"].is_object()) {
    for (auto& [key, entries] : root["history"].items()) {
      if (all_digits(key) && entries.is_array() && m_bugs.count(std::stoll(key)) != 0) {
        m_history[std::stoll(key)] = entries;
      }
    }
  }
  if (root.contains("api_keys") && root["api_keys"].is_object()) {
    m_keys_configured = true;
    for (auto& [key, login] : root["api_keys"].items()) {
      if (login.is_string()) {
        m_api_keys[key] = login.get<std::string>();
      }
    }
  }
  if (root.contains("insiders") && root["insiders"].is_array()) {
    for (auto& login : root["insiders"]) {
      if (login.is_string()) {
        m_insiders.insert(login.get<std::string>());
      }
    }
  }
  for (auto& [id, bug] : m_bugs) {
    fill_defaults(bug);
    for (const auto& flag : bug["flags"]) {
      if (flag.is_object() && flag.contains("id") && flag["id"].is_number_integer()) {
        m_next_flag_id = std::max(m_next_flag_id, flag["id"].get<std::int64_t>() + 1);
      }
    }
  }
}

// The members a real server always sends; a dataset may leave them out.
void BugzillaService::fill_defaults(Json& bug) const {
  static const char* const k_string_fields[] = {"summary", "resolution", "whiteboard"};
  for (const char* field : k_string_fields) {
    if (!bug.contains(field)) {
      bug[field] = "";
    }
  }
  if (!bug.contains("status")) {
    bug["status"] = "NEW";
  }
  if (!bug.contains("flags") || !bug["flags"].is_array()) {
    bug["flags"] = Json::array();
  }
  if (!bug.contains("alias")) {
    bug["alias"] = m_upstream ? Json::array() : Json(nullptr);
  }
  if (!bug.contains("creation_time")) {
    bug["creation_time"] = format_sim_time(m_clock.now());
  }
  if (!bug.contains("last_change_time")) {
    // The latest thing that happened to the bug, as Bugzilla's delta_ts would be.
    std::optional<SimTime> latest = parse_sim_time(bug.value("creation_time", ""));
    const auto id = bug["id"].get<std::int64_t>();
    auto consider = [&](const Json& value) {
      if (value.is_string()) {
        if (auto t = parse_sim_time(value.get<std::string>()); t && (!latest || *t > *latest)) {
          latest = t;
        }
      }
    };
    if (auto it = m_comments.find(id); it != m_comments.end()) {
      for (const auto& c : it->second) {
        consider(c.value("creation_time", Json()));
      }
    }
    if (auto it = m_history.find(id); it != m_history.end()) {
      for (const auto& h : it->second) {
        if (h.is_object()) {
          consider(h.value("when", Json()));
        }
      }
    }
    bug["last_change_time"] = latest ? Json(format_sim_time(*latest)) : bug["creation_time"];
  }
  const std::string status = bug["status"].is_string() ? bug["status"].get<std::string>() : "";
  bug["is_open"] = !(status == "RESOLVED" || status == "VERIFIED" || status == "CLOSED");
}

// ------------------------------------------------------------------ plumbing

std::string BugzillaService::documentation_url() const {
  return m_upstream ? "https://bugzilla.readthedocs.org/en/5.0/api/"
                    : "https://bmo.readthedocs.io/en/latest/api/";
}

std::string BugzillaService::bug_error_text(std::int64_t bug_id) const {
  // Upstream 5.2 says "Bug #99999 does not exist." (sample err_no_bug); BMO drops the '#'.
  return (m_upstream ? "Bug #" : "Bug ") + std::to_string(bug_id) + " does not exist.";
}

SimResponse BugzillaService::json_response(int status, const Json& body) const {
  SimResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return response;
}

SimResponse BugzillaService::error_response(const Error& error) const {
  Json body = {{"error", true},
               {"code", error.code},
               {"message", error.message},
               {"documentation", documentation_url()}};
  return json_response(error.http_status, body);
}

std::optional<BugzillaService::Error> BugzillaService::authenticate(const SimRequest& request,
                                                                    Caller& caller) const {
  std::string key;
  if (!m_upstream) {  // upstream 5.x has no header auth: the header is silently ignored
    if (auto it = request.headers.find("x-bugzilla-api-key"); it != request.headers.end()) {
      key = it->second;
    }
  }
  for (const char* name : {"api_key", "Bugzilla_api_key"}) {
    if (key.empty()) {
      key = first_param(request.query, name).value_or("");
    }
  }
  if (key.empty() && !request.body.empty()) {
    const Json body = Json::parse(request.body, nullptr, false);
    for (const char* name : {"api_key", "Bugzilla_api_key"}) {
      if (key.empty() && body.is_object() && body.contains(name) && body[name].is_string()) {
        key = body[name].get<std::string>();
      }
    }
  }
  if (key.empty()) {
    return std::nullopt;  // anonymous
  }
  if (!m_keys_configured) {
    caller.login = k_default_login;
  } else if (auto it = m_api_keys.find(key); it != m_api_keys.end()) {
    caller.login = it->second;
  } else {
    return Error{400, 306,
                 "The API key you specified is invalid. Please check that you typed it correctly."};
  }
  caller.insider = m_insiders.count(caller.login) != 0;
  return std::nullopt;
}

SimResponse BugzillaService::handle(const SimRequest& request) {
  try {
    std::lock_guard<std::mutex> lock(m_mu);
    Caller caller;
    if (auto error = authenticate(request, caller)) {
      return error_response(*error);
    }
    return dispatch(request, caller);
  } catch (const std::exception& e) {
    return error_response(Error{500, -32000, std::string("internal simulator error: ") + e.what()});
  }
}

SimResponse BugzillaService::dispatch(const SimRequest& request, const Caller& caller) {
  const auto parts = split_path(request.path);
  const std::string& m = request.method;
  const std::size_t n = parts.size();
  if (n >= 2 && parts[0] == "rest") {
    if (m == "GET" && n == 2 && parts[1] == "time") {
      return get_time();
    }
    if (m == "GET" && n == 2 && parts[1] == "version") {
      return json_response(200, {{"version", m_upstream ? "5.2+" : "20260820.1"}});
    }
    if (m == "GET" && n == 2 && parts[1] == "whoami" && !m_upstream) {
      return get_whoami(caller);
    }
    if (parts[1] == "bug") {
      if (m == "GET" && n == 2) {
        return search(request, caller);
      }
      if (m == "GET" && n == 4 && parts[2] == "comment") {
        return get_comment_by_id(parts[3], request, caller);
      }
      if (m == "GET" && n == 3) {
        return get_bug(parts[2], request, caller);
      }
      if (m == "PUT" && n == 3) {
        return put_bug(parts[2], request, caller);
      }
      if (n == 4 && parts[3] == "comment" && m == "GET") {
        return get_comments(parts[2], request, caller);
      }
      if (n == 4 && parts[3] == "comment" && m == "POST") {
        return post_comment(parts[2], request, caller);
      }
      if (n == 4 && parts[3] == "history" && m == "GET") {
        return get_history(parts[2], request, caller);
      }
    }
  }
  std::string rest_path =
      request.path.rfind("/rest", 0) == 0 ? request.path.substr(5) : request.path;
  return error_response(
      Error{404, 32614, "A REST API resource was not found for '" + m + " " + rest_path + "'."});
}

std::string BugzillaService::route_of(const std::string& method, const std::string& path) {
  auto parts = split_path(path);
  if (parts.size() >= 3 && parts[0] == "rest" && parts[1] == "bug") {
    parts[parts.size() >= 4 && parts[2] == "comment" ? 3 : 2] = "{id}";
  }
  std::string route = method + " ";
  for (const auto& part : parts) {
    route += "/" + part;
  }
  return parts.empty() ? route + "/" : route;
}

std::optional<BugzillaService::Error> BugzillaService::resolve_bug(const std::string& id_text,
                                                                   const Caller& caller,
                                                                   std::int64_t& bug_id) const {
  if (all_digits(id_text)) {
    bug_id = std::stoll(id_text);
    if (m_bugs.count(bug_id) == 0) {
      return Error{404, 101, bug_error_text(bug_id)};
    }
  } else {
    bug_id = 0;
    for (const auto& [id, bug] : m_bugs) {
      const Json& alias = bug["alias"];
      if ((alias.is_string() && alias == id_text) ||
          (alias.is_array() &&
           std::find(alias.begin(), alias.end(), Json(id_text)) != alias.end())) {
        bug_id = id;
      }
    }
    if (bug_id == 0) {
      return Error{400, 100, "'" + id_text + "' is not a valid bug number nor an alias to a bug."};
    }
  }
  if (!can_see_bug(m_bugs.at(bug_id), caller)) {
    return Error{401, 102,
                 "You are not authorized to access bug " + std::string(m_upstream ? "#" : "") +
                     std::to_string(bug_id) + "."};
  }
  return std::nullopt;
}

// A bug in a security group is visible to insiders only (the simulator has one group of users).
bool BugzillaService::can_see_bug(const Json& bug, const Caller& caller) const {
  const auto it = bug.find("groups");
  return caller.insider || it == bug.end() || !it->is_array() || it->empty();
}

Json BugzillaService::alias_of(const Json& bug) const {
  return bug.contains("alias") ? bug["alias"] : (m_upstream ? Json::array() : Json(nullptr));
}

}  // namespace bzjira::sim
