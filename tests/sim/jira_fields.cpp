// The simulator's field catalogue: GET field, and which fields reads and searches return.
#include "tests/sim/jira_service.h"

namespace bzjira::sim::jirasim {
namespace {

struct FieldInfo {
  const char* id;
  const char* name;
  const char* type;  // schema type
  bool custom;
  bool navigable = true;  // part of "*navigable" (Data Center's default search fields)
};

const FieldInfo k_fields[] = {
    {"summary", "Summary", "string", false},
    {"description", "Description", "string", false},
    {"issuetype", "Issue Type", "issuetype", false},
    {"project", "Project", "project", false},
    {"labels", "Labels", "array", false},
    {"duedate", "Due date", "date", false},
    {"priority", "Priority", "priority", false},
    {"status", "Status", "status", false},
    {"resolution", "Resolution", "resolution", false},
    {"resolutiondate", "Resolved", "datetime", false},
    {"created", "Created", "datetime", false},
    {"updated", "Updated", "datetime", false},
    {"reporter", "Reporter", "user", false},
    // Only when asked by name or with "*all"; a search lists at most k_search_comment_limit.
    {"comment", "Comment", "comments-page", false, false},
    {"customfield_10050", "Obligation deadline", "datetime", true},
    {"customfield_10051", "Bugzilla bug", "string", true},
};

}  // namespace

std::set<std::string> select_fields(const std::vector<std::string>& requested,
                                    const std::vector<std::string>& fallback) {
  const std::vector<std::string>& list = requested.empty() ? fallback : requested;
  std::set<std::string> out;
  std::set<std::string> removed;
  for (const std::string& name : list) {
    if (name == "*all" || name == "*navigable") {
      for (const FieldInfo& f : k_fields) {
        if (f.navigable || name == "*all") {
          out.insert(f.id);
        }
      }
    } else if (!name.empty() && name[0] == '-') {
      removed.insert(name.substr(1));
    } else {
      for (const FieldInfo& f : k_fields) {
        if (name == f.id) {
          out.insert(name);
        }
      }
    }
  }
  for (const std::string& name : removed) {
    out.erase(name);
  }
  return out;
}

std::vector<std::string> list_param(const std::multimap<std::string, std::string>& query,
                                    const std::string& name) {
  std::vector<std::string> out;
  const auto [begin, end] = query.equal_range(name);
  for (auto it = begin; it != end; ++it) {
    std::size_t start = 0;
    while (start <= it->second.size()) {
      std::size_t comma = it->second.find(',', start);
      if (comma == std::string::npos) {
        comma = it->second.size();
      }
      if (comma > start) {
        out.push_back(it->second.substr(start, comma - start));
      }
      start = comma + 1;
    }
  }
  return out;
}

Answer Service::get_fields(Version) {
  Json out = Json::array();
  for (const FieldInfo& f : k_fields) {
    Json schema = {{"type", f.type}};
    if (f.custom) {
      const std::string id = f.id;
      schema["custom"] = std::string("com.atlassian.jira.plugin.system.customfieldtypes:") +
                         (std::string(f.type) == "datetime" ? "datetime" : "textfield");
      schema["customId"] = std::stol(id.substr(id.find('_') + 1));
    } else {
      schema["system"] = f.id;
      if (std::string(f.type) == "array") {
        schema["items"] = "string";
      }
    }
    out.push_back({{"id", f.id},
                   {"key", f.id},
                   {"name", f.name},
                   {"custom", f.custom},
                   {"orderable", true},
                   {"navigable", f.navigable},
                   {"searchable", true},
                   {"clauseNames", Json::array({f.id})},
                   {"schema", schema}});
  }
  return json_answer(200, out);
}

}  // namespace bzjira::sim::jirasim
