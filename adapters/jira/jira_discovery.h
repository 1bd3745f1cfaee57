// What `bzjira init` learns of a Jira project before writing a mapping's "jira" section: the issue
// types the account may create, the chosen type's create-screen fields and workflow statuses, the
// site's custom date-time fields, and the transitions of one existing issue. Plain data that
// JiraClient::discover_project (jira_discovery.cpp) fills from read-only requests.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bzjira::adapters::jira {

struct ProjectIssueType {
  std::string id;
  std::string name;
  bool subtask = false;
};

struct ProjectField {
  std::string id;    // "duedate", "customfield_10050"
  std::string name;  // "Due date"
  std::string type;  // schema type: "date", "datetime", "string", ...
  bool custom = false;
  bool required = false;     // on the create screen: must be set to create
  bool has_default = false;  // a required field with a default needs nothing from us
};

struct ProjectStatus {
  std::string name;      // "Done"
  std::string category;  // Jira's status category key: "new", "indeterminate", "done"
};

struct ProjectTransition {
  std::string name;         // "Reopen"
  std::string to;           // target status name
  std::string to_category;  // its category key
};

struct ProjectFacts {
  std::string key;
  std::string name;
  // GET issue/createmeta/<key>/issuetypes: the types this account may create issues of.
  std::vector<ProjectIssueType> issue_types;
  // The type asked for, when issue_types has it (exact name).
  std::optional<ProjectIssueType> issue_type;
  // GET issue/createmeta/<key>/issuetypes/<id>: the fields of its create screen.
  std::vector<ProjectField> create_fields;
  // GET project/<key>/statuses: the statuses of its workflow, with their categories.
  std::vector<ProjectStatus> statuses;
  // GET field: every custom field of type "datetime" on the site.
  std::vector<ProjectField> datetime_fields;
  // The newest issue of the type in the project, and the transitions Jira offers from its status
  // (a workflow's transitions can only be read through an issue without admin rights).
  std::string sample_issue;
  std::string sample_status;
  std::vector<ProjectTransition> sample_transitions;
  // Reads that failed after the project was found (what could not be checked, and why).
  std::vector<std::string> problems;
};

}  // namespace bzjira::adapters::jira
