// JiraClient::discover_project for `bzjira init`: read-only requests (docs/jira-api.md and
// the Cloud OpenAPI document: issue/createmeta/{project}/issuetypes[/{id}], project/{key}/statuses,
// field, search, issue/{key}/transitions) whose answers become ProjectFacts. Cloud pages createmeta
// as {"issueTypes"|"fields", startAt, maxResults, total}; Data Center as {"values", isLast, ...}.
#include <functional>

#include <nlohmann/json.hpp>

#include "adapters/jira/jira_client.h"
#include "adapters/jira/jira_client_impl.h"
#include "adapters/jira/jql.h"
#include "sync/encoding.h"

namespace bzjira::adapters::jira {
namespace {

using nlohmann::json;

constexpr int k_meta_page = 50;
constexpr int k_max_meta_pages = 40;  // 2,000 types or fields: more is a server that never ends
constexpr int k_sample_issues = 20;   // the newest issues looked at for one of the chosen type

std::string text_of(const json& object, const char* key) {
  if (!object.is_object()) {
    return {};
  }
  const auto it = object.find(key);
  if (it == object.end()) {
    return {};
  }
  if (it->is_string()) {
    return it->get<std::string>();
  }
  if (it->is_number_integer()) {
    return std::to_string(it->get<long long>());
  }
  return {};
}

// The member, or null when `object` is no object or lacks it (never throws, unlike json::value).
json member(const json& object, const char* key) {
  if (!object.is_object()) {
    return json();
  }
  const auto it = object.find(key);
  return it == object.end() ? json() : *it;
}

bool flag_of(const json& object, const char* key) {
  if (!object.is_object()) {
    return false;
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

sync::Result<json> parsed(const sync::Result<http::Response>& answer, const std::string& what) {
  if (!answer.ok()) {
    return answer.error();
  }
  json v = parse_answer(answer->body);
  if (v.is_discarded()) {
    return sync::make_error(sync::ErrorKind::internal, "Jira's answer to " + what + " is not JSON");
  }
  return v;
}

ProjectField field_from(const json& f, const std::string& id_key) {
  ProjectField info;
  info.id = text_of(f, id_key.c_str());
  if (info.id.empty()) {
    info.id = text_of(f, "key");
  }
  info.name = text_of(f, "name");
  const json schema = member(f, "schema");
  info.type = text_of(schema, "type");
  info.custom = !text_of(schema, "custom").empty() || flag_of(f, "custom");
  info.required = flag_of(f, "required");
  info.has_default = flag_of(f, "hasDefaultValue");
  return info;
}

}  // namespace

sync::Result<ProjectFacts> JiraClient::discover_project(const std::string& issue_type) {
  Impl& impl = *m_impl;
  const std::string& key = impl.settings.project;
  const std::string project_path = sync::url_encode(key);
  ProjectFacts facts;
  facts.key = key;
  auto project = parsed(impl.call("GET", "/project/" + project_path, {}, true, "project " + key),
                        "project " + key);
  if (!project.ok()) {
    return project.error();
  }
  facts.name = text_of(project.value(), "name");

  // Pages of createmeta: Cloud has `member` ("issueTypes", "fields") and `total`; Data Center has
  // "values" and "isLast".
  const auto pages = [&impl](const std::string& path, const char* list_key, const std::string& what,
                             const std::function<void(const json&)>& each) -> sync::Status {
    long start = 0;
    for (int page = 0; page < k_max_meta_pages; ++page) {
      auto body = parsed(impl.call("GET",
                                   path + "?startAt=" + std::to_string(start) +
                                       "&maxResults=" + std::to_string(k_meta_page),
                                   {}, true, what),
                         what);
      if (!body.ok()) {
        return body.error();
      }
      const json& b = body.value();
      json items = jira::member(b, list_key);
      if (!items.is_array()) {
        items = jira::member(b, "values");
      }
      if (!items.is_array()) {
        return sync::make_error(sync::ErrorKind::internal,
                                "Jira's answer to " + what + " holds no list");
      }
      for (const json& item : items) {
        each(item);
      }
      start += static_cast<long>(items.size());
      const json total = jira::member(b, "total");
      const bool last = flag_of(b, "isLast") || items.empty() ||
                        (total.is_number_integer() && start >= total.get<long>()) ||
                        (!total.is_number_integer() && jira::member(b, "isLast").is_null());
      if (last) {
        return sync::ok_status();
      }
    }
    return sync::make_error(sync::ErrorKind::internal, "Jira kept paging " + what);
  };

  const std::string meta = "/issue/createmeta/" + project_path + "/issuetypes";
  auto types = pages(meta, "issueTypes", "the issue types of " + key, [&facts](const json& t) {
    ProjectIssueType info{text_of(t, "id"), text_of(t, "name"), flag_of(t, "subtask")};
    if (!info.id.empty() && !info.name.empty()) {
      facts.issue_types.push_back(std::move(info));
    }
  });
  if (!types.ok()) {
    return types.error();
  }
  for (const ProjectIssueType& t : facts.issue_types) {
    if (t.name == issue_type) {
      facts.issue_type = t;
    }
  }
  if (!facts.issue_type) {
    return facts;
  }
  const ProjectIssueType& chosen = *facts.issue_type;

  auto fields =
      pages(meta + "/" + sync::url_encode(chosen.id), "fields",
            "the create screen of " + chosen.name + " in " + key,
            [&facts](const json& f) { facts.create_fields.push_back(field_from(f, "fieldId")); });
  if (!fields.ok()) {
    facts.problems.push_back(fields.error().message);
  }

  auto statuses = parsed(impl.call("GET", "/project/" + project_path + "/statuses", {}, true,
                                   "the statuses of " + key),
                         "the statuses of " + key);
  if (!statuses.ok()) {
    facts.problems.push_back(statuses.error().message);
  } else {
    for (const json& t : statuses->is_array() ? statuses.value() : json::array()) {
      if (text_of(t, "id") != chosen.id && text_of(t, "name") != chosen.name) {
        continue;
      }
      const json list = member(t, "statuses");
      for (const json& s : list.is_array() ? list : json::array()) {
        facts.statuses.push_back(
            ProjectStatus{text_of(s, "name"), text_of(member(s, "statusCategory"), "key")});
      }
    }
  }

  auto all_fields =
      parsed(impl.call("GET", "/field", {}, true, "the field list"), "the field list");
  if (!all_fields.ok()) {
    facts.problems.push_back(all_fields.error().message);
  } else {
    for (const json& f : all_fields->is_array() ? all_fields.value() : json::array()) {
      ProjectField info = field_from(f, "id");
      if (info.custom && info.type == "datetime") {
        facts.datetime_fields.push_back(std::move(info));
      }
    }
  }

  // One existing issue of the type shows the workflow's transitions from its status. The newest
  // issues of the project are asked for with their type (JQL on the type name would break on a
  // renamed or translated type).
  const bool cloud = impl.settings.flavor == sync::JiraFlavor::cloud;
  const json query = {{"jql", "project = " + jql_quote(key) + " ORDER BY created DESC"},
                      {"maxResults", k_sample_issues},
                      {"fields", json::array({"status", "issuetype"})}};
  const std::string what = "the search for an issue of type " + chosen.name;
  auto found = parsed(
      impl.call("POST", cloud ? "/search/jql" : "/search", to_body(query), true, what), what);
  if (!found.ok()) {
    facts.problems.push_back(found.error().message);
    return facts;
  }
  const json issues = member(found.value(), "issues");
  for (const json& issue : issues.is_array() ? issues : json::array()) {
    const json issue_fields = member(issue, "fields");
    if (text_of(member(issue_fields, "issuetype"), "id") == chosen.id) {
      facts.sample_issue = text_of(issue, "key");
      facts.sample_status = text_of(member(issue_fields, "status"), "name");
      break;
    }
  }
  if (facts.sample_issue.empty()) {
    return facts;
  }
  auto transitions = parsed(impl.call("GET", Impl::issue_path(facts.sample_issue) + "/transitions",
                                      {}, true, "the transitions of " + facts.sample_issue),
                            "the transitions of " + facts.sample_issue);
  if (!transitions.ok()) {
    facts.problems.push_back(transitions.error().message);
    return facts;
  }
  const json list = member(transitions.value(), "transitions");
  for (const json& t : list.is_array() ? list : json::array()) {
    const json to = member(t, "to");
    facts.sample_transitions.push_back(ProjectTransition{
        text_of(t, "name"), text_of(to, "name"), text_of(member(to, "statusCategory"), "key")});
  }
  return facts;
}

}  // namespace bzjira::adapters::jira
