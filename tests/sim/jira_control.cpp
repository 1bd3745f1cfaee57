// The Jira simulator's /__sim endpoints that read or change data: the issue dump and the
// actions a Jira user would take by hand (comment, close, change status), plus workflow and
// permission switches and the clock. Documented in jira_sim.h.
#include "tests/sim/jira_service.h"

#include <cstdint>

namespace bzjira::sim::jirasim {
namespace {

Answer bad(const std::string& message) { return json_answer(400, Json{{"error", message}}); }

}  // namespace

Answer control_clock(const std::string& method, const std::string& body_text) {
  if (method != "GET" && method != "POST") {
    return json_answer(405, Json{{"error", "GET or POST /__sim/clock"}});
  }
  if (method == "POST") {
    // Forward only, and bounded: Jira's clock never goes back, and a huge offset would overflow.
    constexpr std::int64_t k_max_advance = 10LL * 366 * 86400;
    const Json body = Json::parse(body_text.empty() ? "{}" : body_text, nullptr, false);
    const Json advance = body.is_object() ? body.value("advance_seconds", Json()) : Json();
    if (!advance.is_number_integer() || advance.get<std::int64_t>() < 0 ||
        advance.get<std::int64_t>() > k_max_advance) {
      return bad("expected {\"advance_seconds\": an integer from 0 to " +
                 std::to_string(k_max_advance) + "}");
    }
    set_wall_clock_offset(wall_clock_offset() + std::chrono::seconds{advance.get<std::int64_t>()});
  }
  return json_answer(
      200, Json{{"now", format_jira_time(wall_now())},
                {"offset_seconds",
                 std::chrono::duration_cast<std::chrono::seconds>(wall_clock_offset()).count()}});
}

Answer Service::dump_issues() {
  std::lock_guard<std::mutex> lock(m_mu);
  Json list = Json::array();
  for (const Issue& i : m_issues) {
    Json comments = Json::array();
    for (const Comment& c : i.comments) {
      comments.push_back({{"id", c.id},
                          {"author", c.author},
                          {"body", c.body},
                          {"body_text", adf_text(c.body)},
                          {"created", format_jira_time(c.created)}});
    }
    Json links = Json::array();
    for (const RemoteLink& l : i.links) {
      Json link = l.request;
      link["id"] = l.id;
      link["globalId"] = l.global_id;
      links.push_back(link);
    }
    Json custom = Json::object();
    for (const auto& [name, value] : i.custom) {
      custom[name] = value;
    }
    const std::string category = i.status == "Done"          ? "done"
                                 : i.status == "In Progress" ? "indeterminate"
                                                             : "new";
    list.push_back({{"id", std::to_string(i.id)},
                    {"key", i.key},
                    {"project", m_options.project_key},
                    {"issuetype", i.issuetype},
                    {"summary", i.summary},
                    {"description", i.description},
                    {"description_format", i.description.is_null()     ? Json()
                                           : i.description.is_string() ? Json("wiki")
                                                                       : Json("adf")},
                    {"description_text", adf_text(i.description)},
                    {"labels", i.labels},
                    {"duedate", i.duedate ? Json(*i.duedate) : Json()},
                    {"priority", i.priority},
                    {"custom_fields", custom},
                    {"status", i.status},
                    {"statusCategory", category},
                    {"resolution", i.resolution.empty() ? Json() : Json(i.resolution)},
                    {"reporter", i.reporter},
                    {"created", format_jira_time(i.created)},
                    {"updated", format_jira_time(i.updated)},
                    {"resolutiondate", i.resolved ? Json(format_jira_time(*i.resolved)) : Json()},
                    {"comments", comments},
                    {"remote_links", links}});
  }
  return json_answer(200, Json{{"issues", list}});
}

Answer Service::control_issue(const std::string& key, const std::string& action,
                              const std::string& body_text) {
  std::lock_guard<std::mutex> lock(m_mu);
  Issue* issue = find_issue(key);
  if (issue == nullptr) {
    return json_answer(404, Json{{"error", "no issue " + key}});
  }
  const Json body = Json::parse(body_text.empty() ? "{}" : body_text, nullptr, false);
  if (!body.is_object()) {
    return bad("body must be a JSON object");
  }
  const Version v = m_options.cloud ? Version::v3 : Version::v2;
  if (action == "comment") {
    const Json author = body.value("author", Json("jira-user@example.com"));
    const Json text = body.value("body", Json());
    WallTime created = wall_now();
    if (body.contains("created")) {
      const Json& c = body["created"];
      const auto parsed = c.is_string() ? parse_jira_time(c.get<std::string>()) : std::nullopt;
      if (!parsed) {
        return bad("created must be a date-time such as 2026-10-07T12:00:00Z");
      }
      created = *parsed;
    }
    const Version as = text.is_string() ? Version::v2 : Version::v3;
    if (!author.is_string() || !comment_problem(text, as).empty()) {
      return bad("need {\"author\": e-mail, \"body\": text or ADF}: " + comment_problem(text, as));
    }
    const Comment& c = append_comment(*issue, author.get<std::string>(), text, created);
    return json_answer(201, comment_json(*issue, c, v));
  }
  if (action == "close" || action == "status") {
    const std::string status = action == "close" ? "Done"
                               : body.value("status", Json("")).is_string()
                                   ? body["status"].get<std::string>()
                                   : std::string();
    if (status != "To Do" && status != "In Progress" && status != "Done") {
      return bad("status must be \"To Do\", \"In Progress\" or \"Done\"");
    }
    const Json resolution = body.value("resolution", Json("Done"));
    if (!resolution.is_string()) {
      return bad("resolution must be a string");
    }
    move_to(*issue, status, resolution.get<std::string>());
    return json_answer(
        200,
        Json{{"key", issue->key}, {"status", issue->status}, {"resolution", issue->resolution}});
  }
  return json_answer(404, Json{{"error", "unknown action " + action}});
}

Answer Service::control_workflow(const std::string& body_text) {
  std::lock_guard<std::mutex> lock(m_mu);
  const Json body = Json::parse(body_text, nullptr, false);
  if (!body.is_object() || !body.value("resolution_screen", Json()).is_boolean()) {
    return bad("expected {\"resolution_screen\": true|false}");
  }
  m_resolution_screen = body["resolution_screen"].get<bool>();
  return json_answer(200, Json{{"resolution_screen", m_resolution_screen}});
}

Answer Service::control_permissions(const std::string& body_text) {
  std::lock_guard<std::mutex> lock(m_mu);
  const Json body = Json::parse(body_text, nullptr, false);
  const Json deny = body.is_object() ? body.value("deny", Json()) : Json();
  if (!deny.is_array()) {
    return bad("expected {\"deny\": [permission keys]}");
  }
  m_denied.clear();
  for (const Json& key : deny) {
    if (key.is_string()) {
      m_denied.insert(key.get<std::string>());
    }
  }
  return json_answer(200, Json{{"deny", deny}});
}

}  // namespace bzjira::sim::jirasim
