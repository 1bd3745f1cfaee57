// The simulator's create metadata and workflow statuses (the Jira Cloud platform OpenAPI document:
// "Get create metadata issue types for a project", "Get create field metadata for a project and
// issue type id", "Get all statuses for project"): what `bzjira init` reads to fill a mapping.
// Cloud pages createmeta as {"issueTypes" | "fields", "maxResults", "startAt", "total"}; Data
// Center (8.4 and later) as {"values", "maxResults", "startAt", "total", "isLast"}. Both cap
// maxResults at 200 and list nothing to an account without Create Issues. The create screen holds
// every field the simulator accepts on create (jira_issues.cpp), less those hidden with POST
// /__sim/create-screen {"hidden": ["duedate", ...]}, which creates then refuse.
#include <algorithm>
#include <cctype>

#include "tests/sim/jira_service.h"

namespace bzjira::sim::jirasim {
namespace {

constexpr long k_default_page = 50;
constexpr long k_max_page = 200;

struct ScreenField {
  const char* id;
  const char* name;
  const char* type;
  const char* items;   // for arrays
  const char* custom;  // custom field type key, or nullptr for system fields
  bool required;
  bool has_default;
};

// The create screen, in Jira's order: required system fields first.
const ScreenField k_create_screen[] = {
    {"summary", "Summary", "string", nullptr, nullptr, true, false},
    {"issuetype", "Issue Type", "issuetype", nullptr, nullptr, true, false},
    {"project", "Project", "project", nullptr, nullptr, true, false},
    {"description", "Description", "string", nullptr, nullptr, false, false},
    {"duedate", "Due date", "date", nullptr, nullptr, false, false},
    {"labels", "Labels", "array", "string", nullptr, false, false},
    {"priority", "Priority", "priority", nullptr, nullptr, false, true},
    {"assignee", "Assignee", "user", nullptr, nullptr, false, false},
    {"customfield_10050", "Obligation deadline", "datetime", nullptr,
     "com.atlassian.jira.plugin.system.customfieldtypes:datetime", false, false},
    {"customfield_10051", "Bugzilla bug", "string", nullptr,
     "com.atlassian.jira.plugin.system.customfieldtypes:textfield", false, false},
};

const char* const k_statuses[] = {"To Do", "In Progress", "Done"};

// The parameter's value; `fallback` when absent, -1 when it is not a non-negative integer.
long query_number(const Request& r, const char* name, long fallback) {
  const auto it = r.query.find(name);
  if (it == r.query.end()) {
    return fallback;
  }
  const std::string& text = it->second;
  const bool digits =
      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  return text.empty() || text.size() > 9 || !digits ? -1 : std::stol(text);
}

Json field_json(const ScreenField& f) {
  Json schema = {{"type", f.type}};
  if (f.items != nullptr) {
    schema["items"] = f.items;
  }
  if (f.custom != nullptr) {
    const std::string id = f.id;
    schema["custom"] = f.custom;
    schema["customId"] = std::stol(id.substr(id.find('_') + 1));
  } else {
    schema["system"] = f.id;
  }
  return Json{{"fieldId", f.id},
              {"key", f.id},
              {"name", f.name},
              {"required", f.required},
              {"schema", schema},
              {"operations", {"set"}},
              {"hasDefaultValue", f.has_default}};
}

}  // namespace

// One page of `items` in the flavor's shape; 400 for a bad startAt or maxResults.
Answer Service::meta_page(const Request& r, const char* cloud_member, const Json& items) const {
  const long start = query_number(r, "startAt", 0);
  const long max = query_number(r, "maxResults", k_default_page);
  if (start < 0 || max < 0) {
    return error_answer(400, {"startAt and maxResults must be non-negative integers."});
  }
  if (max > k_max_page) {
    return error_answer(400, {"Parameter 'maxResults' must not exceed the limit '200'"});
  }
  Json page = Json::array();
  const long total = static_cast<long>(items.size());
  for (long i = start; i < total && i < start + max; ++i) {
    page.push_back(items[static_cast<std::size_t>(i)]);
  }
  Json out = {{"maxResults", max}, {"startAt", start}, {"total", total}};
  if (m_options.cloud) {
    out[cloud_member] = page;
  } else {
    out["values"] = page;
    out["isLast"] = start + max >= total;
  }
  return json_answer(200, out);
}

Answer Service::get_create_meta(const Request& r, Version v, const std::vector<std::string>& p) {
  // p: issue, createmeta, <project>, issuetypes [, <issue type id>]
  if (p.size() < 4 || p.size() > 5 || p[3] != "issuetypes") {
    Answer unknown;
    unknown.status = 404;
    return unknown;
  }
  if (p[2] != m_options.project_key && p[2] != "10000") {
    return error_answer(404, {"No project could be found with key '" + p[2] + "'."});
  }
  const bool may_create = m_denied.count("CREATE_ISSUES") == 0;
  if (p.size() == 4) {
    Json types = Json::array();
    for (const Json& t : may_create ? issue_types_json(v) : Json::array()) {
      types.push_back(t);
    }
    return meta_page(r, "issueTypes", types);
  }
  bool known = false;
  for (const Json& t : issue_types_json(v)) {
    known = known || t.value("id", Json()) == p[4];
  }
  if (!known || !may_create) {
    return error_answer(404, {"Issue type with id '" + p[4] +
                              "' does not exist or you do not "
                              "have permission to create it."});
  }
  Json fields = Json::array();
  for (const ScreenField& f : k_create_screen) {
    if (m_hidden_on_create.count(f.id) == 0) {
      fields.push_back(field_json(f));
    }
  }
  return meta_page(r, "fields", fields);
}

Answer Service::get_project_statuses(Version v, const std::string& key) {
  if (key != m_options.project_key && key != "10000") {
    return error_answer(404, {"No project could be found with key '" + key + "'."});
  }
  Json out = Json::array();
  for (const Json& t : issue_types_json(v)) {
    Json statuses = Json::array();
    for (const char* s : k_statuses) {
      Json status = status_json(s, v);
      status["untranslatedName"] = s;
      statuses.push_back(status);
    }
    out.push_back(Json{{"self", t.value("self", Json())},
                       {"id", t.value("id", Json())},
                       {"name", t.value("name", Json())},
                       {"subtask", t.value("subtask", Json())},
                       {"statuses", statuses}});
  }
  return json_answer(200, out);
}

Answer Service::control_create_screen(const std::string& body_text) {
  std::lock_guard<std::mutex> lock(m_mu);
  const Json body = Json::parse(body_text, nullptr, false);
  const Json hidden = body.is_object() ? body.value("hidden", Json()) : Json();
  if (!hidden.is_array()) {
    return json_answer(400, Json{{"error", "expected {\"hidden\": [field ids]}"}});
  }
  m_hidden_on_create.clear();
  for (const Json& id : hidden) {
    if (id.is_string()) {
      m_hidden_on_create.insert(id.get<std::string>());
    }
  }
  return json_answer(200, Json{{"hidden", hidden}});
}

}  // namespace bzjira::sim::jirasim
