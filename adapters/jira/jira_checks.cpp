// JiraClient's self-checks for `bzjira check --online`: read-only requests whose answers are
// turned into advice a person can act on.
#include <cctype>

#include <nlohmann/json.hpp>

#include "adapters/jira/jira_client.h"
#include "adapters/jira/jira_client_impl.h"
#include "sync/encoding.h"

namespace bzjira::adapters::jira {
namespace {

using nlohmann::json;

constexpr const char* k_permissions[] = {"BROWSE_PROJECTS",   "CREATE_ISSUES",   "EDIT_ISSUES",
                                         "TRANSITION_ISSUES", "SCHEDULE_ISSUES", "ADD_COMMENTS",
                                         "LINK_ISSUES"};

std::string lower(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

SelfCheck failed(std::string name, const sync::Error& error, const std::string& credential_hint) {
  std::string todo;
  if (error.message.find("TLS certificate verification failed") != std::string::npos) {
    // Not a credential problem: say where the trust anchor is configured.
    return SelfCheck{std::move(name), false, error.message,
                     "point jira.http.ca_bundle at a PEM file with the CA that signed the server's "
                     "certificate, or use the host name the certificate names in jira.url"};
  }
  switch (error.kind) {
    case sync::ErrorKind::auth:
      todo = "check the credentials in " + credential_hint + " and the account's project role";
      break;
    case sync::ErrorKind::not_found:
      todo = "check jira.url and jira.project in the mapping";
      break;
    case sync::ErrorKind::config:
      todo = "fix the mapping or the environment as the message says";
      break;
    case sync::ErrorKind::transient:
      todo = "Jira was unreachable or busy: try again later";
      break;
    default:
      todo = "check jira.url: the answer did not look like Jira's REST API";
  }
  return SelfCheck{std::move(name), false, error.message, todo};
}

sync::Result<json> parse_json(const http::Response& r) {
  json v = parse_answer(r.body);
  if (v.is_discarded()) {
    return sync::make_error(sync::ErrorKind::internal, "Jira's answer is not JSON");
  }
  return v;
}

}  // namespace

SelfCheck JiraClient::check_project() {
  const std::string& key = m_impl->settings.project;
  const std::string name = "Jira project " + key;
  auto answer =
      m_impl->call("GET", "/project/" + sync::url_encode(key), {}, true, "project " + key);
  auto project = answer.ok() ? parse_json(answer.value()) : sync::Result<json>(answer.error());
  if (!project.ok()) {
    return failed(name, project.error(), m_impl->credential_hint);
  }
  const json& p = project.value();
  const std::string title = p.is_object() && p.value("name", json()).is_string()
                                ? p["name"].get<std::string>()
                                : std::string("?");
  return SelfCheck{name, true, "project " + key + " (\"" + title + "\") is visible", {}};
}

SelfCheck JiraClient::check_issue_type() {
  const sync::JiraSettings& s = m_impl->settings;
  const std::string name = "issue type " + s.issue_type;
  auto answer = m_impl->call("GET", "/project/" + sync::url_encode(s.project), {}, true,
                             "project " + s.project);
  auto project = answer.ok() ? parse_json(answer.value()) : sync::Result<json>(answer.error());
  if (!project.ok()) {
    return failed(name, project.error(), m_impl->credential_hint);
  }
  json types = project->is_object() ? project->value("issueTypes", json()) : json();
  if (!types.is_array()) {
    // Older Data Center versions leave issueTypes out of the project: fall back to all types.
    auto all = m_impl->call("GET", "/issuetype", {}, true, "issue types");
    auto parsed = all.ok() ? parse_json(all.value()) : sync::Result<json>(all.error());
    if (!parsed.ok()) {
      return failed(name, parsed.error(), m_impl->credential_hint);
    }
    types = parsed.value();
  }
  std::string names;
  std::string near;
  for (const json& t : types.is_array() ? types : json::array()) {
    const std::string n = t.is_object() && t.value("name", json()).is_string()
                              ? t["name"].get<std::string>()
                              : std::string();
    if (n == s.issue_type) {
      return SelfCheck{name, true, "issue type \"" + n + "\" exists in " + s.project, {}};
    }
    if (lower(n) == lower(s.issue_type)) {
      near = n;
    }
    names += (names.empty() ? "" : ", ") + ("\"" + n + "\"");
  }
  const std::string todo = near.empty() ? "set jira.issue_type to one of the project's types"
                                        : "write jira.issue_type as \"" + near + "\"";
  return SelfCheck{name, false,
                   "project " + s.project + " has no issue type \"" + s.issue_type +
                       "\"; it has: " + (names.empty() ? "none" : names),
                   todo};
}

SelfCheck JiraClient::check_fields() {
  const sync::JiraSettings& s = m_impl->settings;
  const std::string name = "fields";
  auto answer = m_impl->call("GET", "/field", {}, true, "the field list");
  auto fields = answer.ok() ? parse_json(answer.value()) : sync::Result<json>(answer.error());
  if (!fields.ok()) {
    return failed(name, fields.error(), m_impl->credential_hint);
  }
  bool due = false;
  std::string deadline_type;
  bool deadline = false;
  for (const json& f : fields->is_array() ? fields.value() : json::array()) {
    const std::string id = f.is_object() && f.value("id", json()).is_string()
                               ? f["id"].get<std::string>()
                               : std::string();
    due = due || id == "duedate";
    if (!s.deadline_field.empty() && id == s.deadline_field) {
      deadline = true;
      const json schema = f.value("schema", json());
      deadline_type = schema.is_object() && schema.value("type", json()).is_string()
                          ? schema["type"].get<std::string>()
                          : std::string("unknown");
    }
  }
  if (!due) {
    return SelfCheck{name, false, "Jira lists no \"duedate\" field",
                     "enable the Due date field for the project's issue type"};
  }
  if (s.deadline_field.empty()) {
    return SelfCheck{name,
                     true,
                     "duedate exists; no deadline field configured (the exact deadline is only "
                     "in the description)",
                     {}};
  }
  if (!deadline) {
    return SelfCheck{name, false, "Jira has no field with id \"" + s.deadline_field + "\"",
                     "set jira.deadline_field to a custom field id (customfield_NNNNN) of a "
                     "Date Time Picker field, or remove it"};
  }
  if (deadline_type != "datetime") {
    return SelfCheck{name, false,
                     s.deadline_field + " is a \"" + deadline_type + "\" field, not \"datetime\"",
                     "use a Date Time Picker custom field for jira.deadline_field"};
  }
  return SelfCheck{name, true, "duedate and " + s.deadline_field + " (datetime) exist", {}};
}

SelfCheck JiraClient::check_permissions() {
  const std::string& key = m_impl->settings.project;
  const std::string name = "permissions in " + key;
  std::string list;
  for (const char* p : k_permissions) {
    list += (list.empty() ? "" : ",") + std::string(p);
  }
  auto answer = m_impl->call("GET",
                             "/mypermissions?projectKey=" + sync::url_encode(key) +
                                 "&permissions=" + sync::url_encode(list),
                             {}, true, "the permissions in " + key);
  auto parsed = answer.ok() ? parse_json(answer.value()) : sync::Result<json>(answer.error());
  if (!parsed.ok()) {
    return failed(name, parsed.error(), m_impl->credential_hint);
  }
  const json perms = parsed->is_object() ? parsed->value("permissions", json()) : json();
  std::string missing;
  for (const char* p : k_permissions) {
    const json entry = perms.is_object() ? perms.value(p, json()) : json();
    const json have = entry.is_object() ? entry.value("havePermission", json()) : json();
    if (!(have.is_boolean() && have.get<bool>())) {
      missing += (missing.empty() ? "" : ", ") + std::string(p);
    }
  }
  if (!missing.empty()) {
    return SelfCheck{name, false, "the account lacks: " + missing,
                     "grant these permissions to the account in " + key + "'s permission scheme"};
  }
  return SelfCheck{name, true, "all 7 needed permissions granted", {}};
}

std::vector<SelfCheck> JiraClient::self_check() {
  return {check_project(), check_issue_type(), check_fields(), check_permissions()};
}

}  // namespace bzjira::adapters::jira
