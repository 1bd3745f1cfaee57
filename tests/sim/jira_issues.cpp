// The simulator's issues: create (single and bulk), read, edit, with Jira's field validation and
// messages (docs/jira-api.md#creating-issues, docs/jira-api.md#bulk-create,
// docs/jira-api.md#limits).
#include <algorithm>

#include "tests/sim/jira_service.h"

namespace bzjira::sim::jirasim {
namespace {

constexpr std::size_t k_text_limit = 32767;
constexpr std::size_t k_bulk_limit = 50;

const char* const k_priorities[] = {"Highest", "High", "Medium", "Low", "Lowest"};

std::string not_settable(const std::string& field) {
  return "Field '" + field + "' cannot be set. It is not on the appropriate screen, or unknown.";
}

std::string too_long(std::size_t limit) {
  return "The entered text is too long. It exceeds the allowed limit of " + std::to_string(limit) +
         " characters.";
}

}  // namespace

Json Service::validate_fields(const Json& fields, Version v, bool create, Issue& t) {
  Json errors = Json::object();
  for (const auto& [name, value] : fields.items()) {
    if (create && m_hidden_on_create.count(name) != 0) {
      errors[name] = not_settable(name);
      continue;
    }
    if (name == "summary") {
      if (!value.is_string() ||
          value.get<std::string>().find_first_not_of(" \t") == std::string::npos) {
        errors[name] = "You must specify a summary of the issue.";
      } else if (value.get<std::string>().find_first_of("\r\n") != std::string::npos) {
        errors[name] = "The summary is invalid because it contains newline characters.";
      } else if (utf8_chars(value.get<std::string>()) > 255) {
        errors[name] = "Summary can't exceed 255 characters.";
      } else {
        t.summary = value.get<std::string>();
      }
    } else if (name == "description") {
      if (value.is_null()) {
        t.description = nullptr;
      } else if (v == Version::v3 && !adf_problem(value).empty()) {
        errors[name] =
            "Operation value must be an Atlassian Document (see the Atlassian "
            "Document Format)";
      } else if (v == Version::v2 && !value.is_string()) {
        errors[name] = "Operation value must be a string";
      } else if ((v == Version::v3 ? adf_chars(value) : utf8_chars(value.get<std::string>())) >
                 k_text_limit) {
        errors[name] = too_long(k_text_limit);
      } else {
        t.description = value;
      }
    } else if (name == "duedate") {
      if (value.is_null()) {
        t.duedate.reset();
      } else if (value.is_string() && valid_date(value.get<std::string>())) {
        t.duedate = value.get<std::string>();
      } else {
        errors[name] = "Error parsing date string: " +
                       (value.is_string() ? value.get<std::string>() : value.dump());
      }
    } else if (name == "labels") {
      std::vector<std::string> labels;
      if (!value.is_array()) {
        errors[name] = "Operation value must be an array";
        continue;
      }
      for (const Json& l : value) {
        const std::string label = l.is_string() ? l.get<std::string>() : std::string();
        if (label.empty()) {
          errors[name] = "Label cannot be empty";
        } else if (label.find_first_of(" \t\r\n") != std::string::npos) {
          errors[name] = "The label '" + label + "' contains spaces which is invalid.";
        } else if (utf8_chars(label) > 255) {
          errors[name] = "The label '" + label + "' exceeds the maximum length of 255 characters.";
        } else if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
          labels.push_back(label);
        }
      }
      t.labels = labels;
    } else if (name == "priority") {
      const std::string p = value.is_object() && value.value("name", Json()).is_string()
                                ? value["name"].get<std::string>()
                                : std::string();
      if (std::find(std::begin(k_priorities), std::end(k_priorities), p) ==
          std::end(k_priorities)) {
        errors[name] = "Specify the Priority (name) in the string format";
      } else {
        t.priority = Json{{"name", p}};
      }
    } else if (name == "assignee") {
      // Accepted and ignored: the simulator has no user directory.
    } else if (name == "project" && create) {
      const bool ok = value.is_object() &&
                      ((value.value("key", Json()).is_string() &&
                        value["key"].get<std::string>() == m_options.project_key) ||
                       value.value("id", Json()) == "10000" || value.value("id", Json()) == 10000);
      if (!ok) {
        errors[name] = "Specify a valid project ID or key";
      }
    } else if (name == "issuetype" && create) {
      const std::string n = value.is_object() && value.value("name", Json()).is_string()
                                ? value["name"].get<std::string>()
                                : std::string();
      const Json id = value.is_object() ? value.value("id", Json()) : Json();
      if (n == "Task" || id == "10001") {
        t.issuetype = "Task";
      } else if (n == "Bug" || id == "10002") {
        t.issuetype = "Bug";
      } else if (n == "Sub-task" || id == "10003") {
        errors[name] = "Issue type is a sub-task but parent issue key or id not specified.";
      } else {
        errors[name] = "The issue type selected is invalid.";
      }
    } else if (name == "customfield_10050") {
      if (value.is_null()) {
        t.custom.erase(name);
      } else if (value.is_string() && parse_jira_time(value.get<std::string>())) {
        t.custom[name] = format_jira_time(*parse_jira_time(value.get<std::string>()));
      } else {
        errors[name] =
            "Invalid date format. Please enter the date in the format "
            "\"yyyy-MM-dd'T'HH:mm:ss.SSSZ\".";
      }
    } else if (name == "customfield_10051") {
      if (!value.is_string() && !value.is_null()) {
        errors[name] = "Operation value must be a string";
      } else if (value.is_string() && utf8_chars(value.get<std::string>()) > 255) {
        errors[name] = too_long(255);
      } else {
        t.custom[name] = value;
      }
    } else {
      errors[name] = not_settable(name);
    }
  }
  if (create) {
    if (!fields.contains("project")) {
      errors["project"] = "Specify a valid project ID or key";
    }
    if (!fields.contains("issuetype")) {
      errors["issuetype"] = "Specify an issue type";
    }
    if (!fields.contains("summary")) {
      errors["summary"] = "You must specify a summary of the issue.";
    }
  }
  return errors;
}

Json Service::try_create(const Json& update, Version v, const std::string& reporter, bool& ok) {
  ok = false;
  const Json fields = update.is_object() ? update.value("fields", Json::object()) : Json();
  if (!fields.is_object()) {
    return Json{{"errorMessages", {"Can not deserialize the issue: 'fields' must be an object"}},
                {"errors", Json::object()}};
  }
  Issue issue;
  Json errors = validate_fields(fields, v, true, issue);
  if (!errors.empty()) {
    return Json{{"errorMessages", Json::array()}, {"errors", errors}};
  }
  issue.id = m_next_id++;
  issue.number = m_next_number++;
  issue.key = m_options.project_key + "-" + std::to_string(issue.number);
  issue.reporter = reporter;
  issue.created = issue.updated = wall_now();
  issue.searchable_from = Steady::now() + std::chrono::milliseconds(m_options.search_delay_ms);
  m_issues.push_back(issue);
  ok = true;
  return Json{{"id", std::to_string(issue.id)},
              {"key", issue.key},
              {"self", self_url(v, "/issue/" + std::to_string(issue.id))}};
}

Answer Service::create_one(const Request& r, Version v) {
  const Json body = Json::parse(r.body, nullptr, false);
  if (!body.is_object()) {
    return error_answer(400, {"The request body is not a JSON object."});
  }
  bool ok = false;
  Json result = try_create(body, v, r.user, ok);
  return json_answer(ok ? 201 : 400, result);
}

Answer Service::create_bulk(const Request& r, Version v) {
  const Json body = Json::parse(r.body, nullptr, false);
  const Json updates = body.is_object() ? body.value("issueUpdates", Json()) : Json();
  if (!updates.is_array()) {
    return error_answer(400, {"The request body must hold an 'issueUpdates' array."});
  }
  if (updates.size() > k_bulk_limit) {
    return error_answer(400, {"You can create at most 50 issues in one bulk request."});
  }
  Json issues = Json::array();
  Json errors = Json::array();
  for (std::size_t i = 0; i < updates.size(); ++i) {
    bool ok = false;
    Json result = try_create(updates[i], v, r.user, ok);
    if (ok) {
      issues.push_back(result);
    } else {
      errors.push_back({{"status", 400},
                        {"elementErrors", result},
                        {"failedElementNumber", static_cast<int>(i)}});
    }
  }
  // 201 "if any of the issue or subtask creation requests were successful"
  // (docs/jira-api.md#bulk-create).
  return json_answer(issues.empty() && !updates.empty() ? 400 : 201,
                     Json{{"issues", issues}, {"errors", errors}});
}

Json Service::status_json(const std::string& status, Version v) const {
  struct S {
    const char* name;
    const char* id;
    int cat_id;
    const char* cat_key;
    const char* color;
    const char* cat_name;
  };
  static const S k_statuses[] = {{"To Do", "10000", 2, "new", "blue-gray", "To Do"},
                                 {"In Progress", "3", 4, "indeterminate", "yellow", "In Progress"},
                                 {"Done", "10001", 3, "done", "green", "Done"}};
  for (const S& s : k_statuses) {
    if (status == s.name) {
      return Json{{"self", self_url(v, std::string("/status/") + s.id)},
                  {"description", ""},
                  {"iconUrl", m_base_url + "/images/icons/status_generic.gif"},
                  {"name", s.name},
                  {"id", s.id},
                  {"statusCategory",
                   {{"self", self_url(v, "/statuscategory/" + std::to_string(s.cat_id))},
                    {"id", s.cat_id},
                    {"key", s.cat_key},
                    {"colorName", s.color},
                    {"name", s.cat_name}}}};
    }
  }
  return Json();
}

Json Service::description_for(const Json& stored, Version v) const {
  if (stored.is_null()) {
    return nullptr;
  }
  if (v == Version::v3) {
    return stored.is_string() ? text_to_adf(stored.get<std::string>()) : stored;
  }
  return stored.is_string() ? stored : Json(adf_text(stored));
}

Json Service::issue_json(const Issue& issue, Version v, const std::set<std::string>& fields,
                         std::optional<std::size_t> comment_limit) const {
  Json out = {{"id", std::to_string(issue.id)},
              {"key", issue.key},
              {"self", self_url(v, "/issue/" + std::to_string(issue.id))}};
  if (fields.empty()) {
    return out;
  }
  Json f = Json::object();
  const auto want = [&fields](const char* name) { return fields.count(name) != 0; };
  const auto time_or_null = [](const std::optional<WallTime>& t) {
    return t ? Json(format_jira_time(*t)) : Json();
  };
  if (want("summary")) {
    f["summary"] = issue.summary;
  }
  if (want("description")) {
    f["description"] = description_for(issue.description, v);
  }
  if (want("labels")) {
    f["labels"] = issue.labels;
  }
  if (want("duedate")) {
    f["duedate"] = issue.duedate ? Json(*issue.duedate) : Json();
  }
  if (want("priority")) {
    f["priority"] = issue.priority;
  }
  if (want("status")) {
    f["status"] = status_json(issue.status, v);
  }
  if (want("resolution")) {
    f["resolution"] = issue.resolution.empty() ? Json()
                                               : Json{{"self", self_url(v, "/resolution/1")},
                                                      {"id", "1"},
                                                      {"description", ""},
                                                      {"name", issue.resolution}};
  }
  if (want("resolutiondate")) {
    f["resolutiondate"] = time_or_null(issue.resolved);
  }
  if (want("created")) {
    f["created"] = format_jira_time(issue.created);
  }
  if (want("updated")) {
    f["updated"] = format_jira_time(issue.updated);
  }
  if (want("reporter")) {
    f["reporter"] = user_json(issue.reporter, v);
  }
  if (want("project")) {
    f["project"] = {{"self", self_url(v, "/project/10000")},
                    {"id", "10000"},
                    {"key", m_options.project_key},
                    {"name", "CA incidents"}};
  }
  if (want("issuetype")) {
    for (const Json& t : issue_types_json(v)) {
      if (t["name"] == issue.issuetype) {
        f["issuetype"] = t;
      }
    }
  }
  if (want("comment")) {
    std::vector<const Comment*> sorted;
    for (const Comment& c : issue.comments) {
      sorted.push_back(&c);
    }
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Comment* a, const Comment* b) { return a->created < b->created; });
    const std::size_t shown = std::min(sorted.size(), comment_limit.value_or(sorted.size()));
    Json list = Json::array();
    for (std::size_t i = 0; i < shown; ++i) {
      list.push_back(comment_json(issue, *sorted[i], v));
    }
    f["comment"] = {{"comments", list},
                    {"self", self_url(v, "/issue/" + std::to_string(issue.id) + "/comment")},
                    {"maxResults", shown},
                    {"total", sorted.size()},
                    {"startAt", 0}};
  }
  for (const char* custom : {"customfield_10050", "customfield_10051"}) {
    if (want(custom)) {
      const auto it = issue.custom.find(custom);
      f[custom] = it == issue.custom.end() ? Json() : it->second;
    }
  }
  out["fields"] = f;
  return out;
}

Answer Service::get_issue(const Request& r, Version v, Issue& issue) {
  return json_answer(200,
                     issue_json(issue, v, select_fields(list_param(r.query, "fields"), {"*all"})));
}

Answer Service::edit_issue(const Request& r, Version v, Issue& issue) {
  const Json body = Json::parse(r.body, nullptr, false);
  if (!body.is_object()) {
    return error_answer(400, {"The request body is not a JSON object."});
  }
  Issue edited = issue;
  const Json fields = body.value("fields", Json::object());
  Json errors = fields.is_object() ? validate_fields(fields, v, false, edited)
                                   : Json{{"fields", "'fields' must be an object"}};
  const Json update = body.value("update", Json::object());
  for (const auto& [name, ops] : (update.is_object() ? update : empty_object()).items()) {
    if (name != "labels" || !ops.is_array()) {
      errors[name] = not_settable(name);
      continue;
    }
    for (const Json& op : ops) {
      if (op.is_object() && op.value("add", Json()).is_string()) {
        edited.labels.push_back(op["add"].get<std::string>());
      } else if (op.is_object() && op.value("remove", Json()).is_string()) {
        std::erase(edited.labels, op["remove"].get<std::string>());
      }
    }
  }
  if (!errors.empty()) {
    return error_answer(400, {}, errors);
  }
  edited.updated = wall_now();
  issue = std::move(edited);
  Answer a;
  a.status = 204;
  return a;
}

}  // namespace bzjira::sim::jirasim
