// The simulator's comments (docs/jira-api.md#comments), remote links
// (docs/jira-api.md#remote-links) and the metadata the self-checks read: project, issue types,
// permissions.
#include <algorithm>
#include <tuple>

#include "tests/sim/jira_service.h"

namespace bzjira::sim::jirasim {
namespace {

constexpr std::size_t k_text_limit = 32767;

const char* const k_permissions[][2] = {{"BROWSE_PROJECTS", "Browse Projects"},
                                        {"CREATE_ISSUES", "Create Issues"},
                                        {"EDIT_ISSUES", "Edit Issues"},
                                        {"TRANSITION_ISSUES", "Transition Issues"},
                                        {"SCHEDULE_ISSUES", "Schedule Issues"},
                                        {"ADD_COMMENTS", "Add Comments"},
                                        {"LINK_ISSUES", "Link Issues"},
                                        {"RESOLVE_ISSUES", "Resolve Issues"},
                                        {"ASSIGN_ISSUES", "Assign Issues"},
                                        {"DELETE_ISSUES", "Delete Issues"},
                                        {"ADMINISTER_PROJECTS", "Administer Projects"}};

long number_param(const Request& r, const char* name, long fallback) {
  const auto it = r.query.find(name);
  if (it == r.query.end()) {
    return fallback;
  }
  try {
    return std::stol(it->second);
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

std::string comment_problem(const Json& body, Version v) {
  if (body.is_null() || (body.is_string() && body.get<std::string>().empty())) {
    return "Comment body can not be empty!";
  }
  if (v == Version::v3) {
    if (!adf_problem(body).empty()) {
      return "Comment body is not valid! Operation value must be an Atlassian Document (see the "
             "Atlassian Document Format)";
    }
    if (adf_chars(body) == 0) {
      return "Comment body can not be empty!";
    }
    return adf_chars(body) > k_text_limit ? "The entered text is too long. It exceeds the allowed "
                                            "limit of 32767 characters."
                                          : "";
  }
  if (!body.is_string()) {
    return "Operation value must be a string";
  }
  return utf8_chars(body.get<std::string>()) > k_text_limit
             ? "The entered text is too long. It exceeds the allowed limit of 32767 characters."
             : "";
}

Comment& Service::append_comment(Issue& issue, const std::string& author, Json body,
                                 WallTime created) {
  Comment c;
  c.id = std::to_string(m_next_comment++);
  c.author = author;
  c.body = std::move(body);
  c.created = c.updated = created;
  issue.comments.push_back(std::move(c));
  issue.updated = std::max(issue.updated, wall_now());
  return issue.comments.back();
}

Json Service::comment_json(const Issue& issue, const Comment& c, Version v) const {
  return Json{{"self", self_url(v, "/issue/" + std::to_string(issue.id) + "/comment/" + c.id)},
              {"id", c.id},
              {"author", user_json(c.author, v)},
              {"body", description_for(c.body, v)},
              {"updateAuthor", user_json(c.author, v)},
              {"created", format_jira_time(c.created)},
              {"updated", format_jira_time(c.updated)},
              {"jsdPublic", true}};
}

Answer Service::get_comments(const Request& r, Version v, Issue& issue) {
  const long start = number_param(r, "startAt", 0);
  const long max = number_param(r, "maxResults", 100);
  const auto order_it = r.query.find("orderBy");
  const std::string order = order_it == r.query.end() ? "created" : order_it->second;
  if (start < 0 || max < 0 || (order != "created" && order != "+created" && order != "-created")) {
    return error_answer(400, {"Invalid startAt, maxResults or orderBy."});
  }
  std::vector<const Comment*> sorted;
  for (const Comment& c : issue.comments) {
    sorted.push_back(&c);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [&order](const Comment* a, const Comment* b) {
    return order == "-created" ? a->created > b->created : a->created < b->created;
  });
  const long page = std::min(max, 5000L);
  Json list = Json::array();
  const long n = static_cast<long>(sorted.size());
  for (long i = start; i < std::min(n, start + page); ++i) {
    list.push_back(comment_json(issue, *sorted[static_cast<std::size_t>(i)], v));
  }
  return json_answer(
      200, Json{{"startAt", start}, {"maxResults", page}, {"total", n}, {"comments", list}});
}

Answer Service::add_comment(const Request& r, Version v, Issue& issue) {
  const Json body = Json::parse(r.body, nullptr, false);
  if (!body.is_object()) {
    return error_answer(400, {"The request body is not a JSON object."});
  }
  const Json text = body.value("body", Json());
  if (const std::string problem = comment_problem(text, v); !problem.empty()) {
    return error_answer(400, {}, Json{{"comment", problem}});
  }
  const Comment& c = append_comment(issue, r.user, text, wall_now());
  return json_answer(201, comment_json(issue, c, v));
}

Answer Service::get_remote_links(const Request& r, Version v, Issue& issue) {
  const auto link_json = [&](const RemoteLink& l) {
    Json out = l.request;
    out["id"] = l.id;
    out["self"] = self_url(v, "/issue/" + issue.key + "/remotelink/" + std::to_string(l.id));
    out["globalId"] = l.global_id;
    return out;
  };
  const auto wanted = r.query.find("globalId");
  if (wanted != r.query.end()) {
    for (const RemoteLink& l : issue.links) {
      if (l.global_id == wanted->second) {
        return json_answer(200, link_json(l));
      }
    }
    return error_answer(404, {"No remote link with that global id."});
  }
  Json list = Json::array();
  for (const RemoteLink& l : issue.links) {
    list.push_back(link_json(l));
  }
  return json_answer(200, list);
}

Answer Service::post_remote_link(const Request& r, Version v, Issue& issue) {
  const Json body = Json::parse(r.body, nullptr, false);
  if (!body.is_object()) {
    return error_answer(400, {"The request body is not a JSON object."});
  }
  Json errors = Json::object();
  const Json object = body.value("object", Json());
  const auto has_text = [&object](const char* name) {
    return object.is_object() && object.value(name, Json()).is_string() &&
           !object[name].get<std::string>().empty();
  };
  if (!has_text("title")) {
    errors["title"] = "'title' is required.";
  }
  if (!has_text("url")) {
    errors["url"] = "'url' is required.";
  }
  const Json global = body.value("globalId", Json(""));
  if (!global.is_string() || utf8_chars(global.get<std::string>()) > 255) {
    errors["globalId"] = "The global id must be a string of at most 255 characters.";
  }
  if (!errors.empty()) {
    return error_answer(400, {}, errors);
  }
  Json stored = body;
  stored.erase("globalId");
  const std::string global_id = global.get<std::string>();
  issue.updated = wall_now();
  const auto self = [&](long id) {
    return Json{{"id", id},
                {"self", self_url(v, "/issue/" + issue.key + "/remotelink/" + std::to_string(id))}};
  };
  if (!global_id.empty()) {
    for (RemoteLink& l : issue.links) {
      if (l.global_id == global_id) {
        // "Any fields without values in the request are set to null"
        // (docs/jira-api.md#remote-links): replace it whole.
        l.request = stored;
        return json_answer(200, self(l.id));
      }
    }
  }
  issue.links.push_back(RemoteLink{m_next_link++, global_id, stored});
  return json_answer(201, self(issue.links.back().id));
}

Json Service::issue_types_json(Version v) const {
  Json out = Json::array();
  for (const auto& [id, name, subtask] :
       {std::tuple{"10001", "Task", false}, std::tuple{"10002", "Bug", false},
        std::tuple{"10003", "Sub-task", true}}) {
    out.push_back({{"self", self_url(v, std::string("/issuetype/") + id)},
                   {"id", id},
                   {"name", name},
                   {"description", std::string("A ") + name + "."},
                   {"iconUrl", m_base_url + "/images/icons/issuetypes/task.png"},
                   {"subtask", subtask},
                   {"avatarId", 10318},
                   {"hierarchyLevel", subtask ? -1 : 0}});
  }
  return out;
}

Answer Service::get_project(Version v, const std::string& key) {
  if (key != m_options.project_key && key != "10000") {
    return error_answer(404, {"No project could be found with key '" + key + "'."});
  }
  return json_answer(200, Json{{"self", self_url(v, "/project/10000")},
                               {"id", "10000"},
                               {"key", m_options.project_key},
                               {"name", "CA incidents"},
                               {"description", "Bugzilla obligations mirrored by bzjira"},
                               {"projectTypeKey", "software"},
                               {"simplified", false},
                               {"style", "classic"},
                               {"isPrivate", false},
                               {"issueTypes", issue_types_json(v)}});
}

Answer Service::get_issue_types(Version v) { return json_answer(200, issue_types_json(v)); }

Answer Service::get_permissions(const Request& r, Version) {
  const auto project = r.query.find("projectKey");
  if (project != r.query.end() && project->second != m_options.project_key) {
    return error_answer(404, {"No project could be found with key '" + project->second + "'."});
  }
  std::vector<std::string> wanted = list_param(r.query, "permissions");
  if (wanted.empty() && m_options.cloud) {
    return error_answer(400, {"The 'permissions' query parameter is required."});
  }
  Json out = Json::object();
  for (const auto& perm : k_permissions) {
    const std::string key = perm[0];
    const bool asked =
        wanted.empty() || std::find(wanted.begin(), wanted.end(), key) != wanted.end();
    if (asked) {
      out[key] = {{"id", std::to_string(10 + out.size())},
                  {"key", key},
                  {"name", perm[1]},
                  {"type", "PROJECT"},
                  {"description", std::string("Ability to ") + perm[1] + "."},
                  {"havePermission", m_denied.count(key) == 0}};
    }
  }
  for (const std::string& key : wanted) {
    if (!out.contains(key)) {
      return error_answer(400, {"Unrecognized permission key: " + key});
    }
  }
  return json_answer(200, Json{{"permissions", out}});
}

}  // namespace bzjira::sim::jirasim
