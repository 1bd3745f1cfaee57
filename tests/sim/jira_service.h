// The Jira REST API the simulator serves, without the HTTP server: plain requests in, answers out,
// so the semantics stay testable and cpprest stays in jira_sim.cpp. Internal to tests/sim.
// Written from docs/jira-api.md and the OpenAPI document in tests/data/specs, not from our client.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace bzjira::sim::jirasim {

using Json = nlohmann::json;
using WallTime = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;
using Steady = std::chrono::steady_clock;

enum class Version { v2, v3 };

struct Request {
  std::string method;
  std::string path;                               // decoded, e.g. "/rest/api/3/issue/CAINC-1"
  std::multimap<std::string, std::string> query;  // decoded
  std::string body;
  std::string user;  // the authenticated account (e-mail, or "pat-user" on Data Center)
};

struct Answer {
  int status = 200;
  std::string body;  // empty for 204
  std::string content_type = "application/json;charset=UTF-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

// A shared empty JSON object (for iterating over a member that may be missing).
const Json& empty_object();

Answer json_answer(int status, const Json& body);
// {"errorMessages": [messages...], "errors": {field: message}}.
Answer error_answer(int status, std::vector<std::string> messages, Json errors = Json::object());

// Jira's clock: the system clock plus an offset, whole milliseconds, UTC. The offset is 0 unless
// set (POST /__sim/clock {"advance_seconds": N}); it is process-wide, shared by every simulator
// instance in the process, so a test that moves it puts it back.
WallTime wall_now();
std::chrono::milliseconds wall_clock_offset();
void set_wall_clock_offset(std::chrono::milliseconds offset);
// GET or POST /__sim/clock (jira_control.cpp): {"now", "offset_seconds"}; POST
// {"advance_seconds": N} (an integer, 0 to ten years) moves the clock forward first. 400 on a bad
// body.
Answer control_clock(const std::string& method, const std::string& body_text);
std::string format_jira_time(WallTime t);                          // "2026-10-07T12:00:00.000+0000"
std::optional<WallTime> parse_jira_time(const std::string& text);  // also "Z", "+hh:mm", no ms
bool valid_date(const std::string& text);                          // exactly a real YYYY-MM-DD
std::size_t utf8_chars(const std::string& text);  // as Java counts: UTF-16 code units

// ADF (jira_adf_check.cpp): an error text when `doc` is not a valid document, else empty; its
// text for dumps (blocks split by a blank line, hardBreak as LF); its text node characters.
std::string adf_problem(const Json& doc);
std::string adf_text(const Json& doc);
std::size_t adf_chars(const Json& doc);
Json text_to_adf(const std::string& text);
// Why a comment body cannot be stored (empty when it can): v3 needs an ADF document, v2 a
// string; neither may be empty or longer than 32,767 characters.
std::string comment_problem(const Json& body, Version v);

// The issue fields a request selects: "*all" means every field, "*navigable" every one but
// "comment", "-name" removes one, unknown names are ignored; an empty request means `fallback`.
std::set<std::string> select_fields(const std::vector<std::string>& requested,
                                    const std::vector<std::string>& fallback);
// The most comments a search lists in an issue's "comment" field (observed on Jira Cloud,
// docs/jira-api.md#comments-in-search-results); "total" still counts every comment.
constexpr std::size_t k_search_comment_limit = 20;
// Comma-separated values of every `name` parameter ("fields=a,b&fields=c").
std::vector<std::string> list_param(const std::multimap<std::string, std::string>& query,
                                    const std::string& name);

struct Comment {
  std::string id;
  std::string author;  // e-mail (Cloud) or user name
  Json body;           // ADF object (written through v3) or string (v2)
  WallTime created{};
  WallTime updated{};
};

struct RemoteLink {
  long id = 0;
  std::string global_id;
  Json request;  // as last sent (application, relationship, object)
};

struct Issue {
  long id = 0;
  long number = 0;
  std::string key;
  std::string issuetype = "Task";
  std::string summary;
  Json description;  // null, ADF (v3) or string (v2)
  std::vector<std::string> labels;
  std::optional<std::string> duedate;  // YYYY-MM-DD
  Json priority;                       // null or {"name": ...}
  std::map<std::string, Json> custom;  // customfield_NNNNN -> value
  std::string status = "To Do";
  std::string resolution;  // empty = unresolved
  std::string reporter;
  WallTime created{};
  WallTime updated{};
  std::optional<WallTime> resolved;
  Steady::time_point searchable_from{};
  std::vector<Comment> comments;
  std::vector<RemoteLink> links;
};

struct Options {
  bool cloud = true;
  std::string project_key = "CAINC";
  int search_delay_ms = 0;
};

// Every /rest/api route, thread-safe (one lock around the data).
class Service {
 public:
  explicit Service(Options options);
  void set_base_url(const std::string& url);
  void set_search_delay_ms(int ms);
  // The route for request counting, ids replaced: "GET /rest/api/3/issue/{key}/transitions".
  static std::string route_of(const std::string& method, const std::string& path);

  Answer handle(const Request& request);

  // Control endpoints (/__sim/...): bodies as documented in jira_sim.h.
  Answer dump_issues();
  Answer control_issue(const std::string& key, const std::string& action, const std::string& body);
  Answer control_workflow(const std::string& body);
  Answer control_permissions(const std::string& body);
  Answer control_create_screen(const std::string& body);  // jira_meta.cpp

 private:
  // Routing (jira_service.cpp).
  Answer route(const Request& r, Version v, const std::vector<std::string>& parts);
  Issue* find_issue(const std::string& key_or_id);
  std::string self_url(Version v, const std::string& rest) const;
  Json user_json(const std::string& user, Version v) const;
  std::string account_id(const std::string& user) const;

  // Issues (jira_issues.cpp).
  Json validate_fields(const Json& fields, Version v, bool create, Issue& target);
  Answer create_one(const Request& r, Version v);
  Answer create_bulk(const Request& r, Version v);
  Answer get_issue(const Request& r, Version v, Issue& issue);
  Answer edit_issue(const Request& r, Version v, Issue& issue);
  // `comment_limit`: the most comments the "comment" field lists (the oldest; its total counts
  // all), as a search does (docs/jira-api.md#comments-in-search-results). Unset: every one.
  Json issue_json(const Issue& issue, Version v, const std::set<std::string>& fields,
                  std::optional<std::size_t> comment_limit = std::nullopt) const;
  Json status_json(const std::string& status, Version v) const;
  Answer get_fields(Version v);
  Json description_for(const Json& stored, Version v) const;
  // Validates one IssueUpdateDetails and creates the issue: {"id","key","self"} with ok = true, or
  // an ErrorCollection with ok = false.
  Json try_create(const Json& update, Version v, const std::string& reporter, bool& ok);

  // Search (jira_search.cpp).
  Answer search_jql(const Request& r, Version v);
  Answer search_dc(const Request& r, Version v);

  // Workflow (jira_workflow.cpp).
  Answer get_transitions(const Request& r, Version v, Issue& issue);
  Answer do_transition(const Request& r, Version v, Issue& issue);
  void move_to(Issue& issue, const std::string& status, const std::string& resolution);

  // Comments, links and metadata (jira_links.cpp).
  Answer get_comments(const Request& r, Version v, Issue& issue);
  Answer add_comment(const Request& r, Version v, Issue& issue);
  Json comment_json(const Issue& issue, const Comment& c, Version v) const;
  Comment& append_comment(Issue& issue, const std::string& author, Json body, WallTime created);
  Answer get_remote_links(const Request& r, Version v, Issue& issue);
  Answer post_remote_link(const Request& r, Version v, Issue& issue);
  Answer get_project(Version v, const std::string& key);
  Answer get_issue_types(Version v);
  Answer get_permissions(const Request& r, Version v);
  Json issue_types_json(Version v) const;

  // Create metadata and workflow statuses (jira_meta.cpp).
  Answer get_create_meta(const Request& r, Version v, const std::vector<std::string>& parts);
  Answer get_project_statuses(Version v, const std::string& key);
  Answer meta_page(const Request& r, const char* cloud_member, const Json& items) const;

  std::mutex m_mu;
  Options m_options;
  std::string m_base_url = "http://127.0.0.1";
  std::vector<Issue> m_issues;  // in creation order
  long m_next_id = 10000;
  long m_next_number = 1;
  long m_next_comment = 10000;
  long m_next_link = 10000;
  bool m_resolution_screen = true;
  std::set<std::string> m_denied;
  std::set<std::string> m_hidden_on_create;  // fields left off the create screen
};

}  // namespace bzjira::sim::jirasim
