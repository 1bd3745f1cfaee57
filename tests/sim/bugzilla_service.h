// The Bugzilla REST API the simulator serves (docs/bugzilla-api.md), without the HTTP server:
// requests come in and answers go out as plain data, so the semantics are testable on their own.
// Written from the documented behaviour of bugzilla.mozilla.org and upstream 5.x, not from our
// client.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace bzjira::sim {

using Json = nlohmann::json;
using SimTime = std::chrono::sys_seconds;

// Query parameters in request order, repeats kept ("ids=1&ids=2"), percent-decoded, '+' = space.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

QueryParams parse_query(const std::string& raw_query);
std::string percent_decode(const std::string& text, bool plus_is_space);

struct SimRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded, e.g. "/rest/bug/12/comment"
  QueryParams query;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct SimResponse {
  int status = 200;
  std::string content_type = "application/json; charset=UTF-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
};

// 1 to 18 decimal digits: a bug or comment id (anything else may be an alias).
bool all_digits(const std::string& text);

// Bugzilla's datetime formats: "2026-04-15T03:06:10Z", "2026-04-15 03:06:10", "2026-04-15"
// (all UTC). nullopt when malformed.
std::optional<SimTime> parse_sim_time(const std::string& text);
// "2026-04-15T03:06:10Z".
std::string format_sim_time(SimTime t);

// The simulated clock: starts at a given instant and advances with real time; or the real clock.
class SimClock {
 public:
  // `start`: RFC3339 as parse_sim_time accepts, or empty for real time. Throws std::runtime_error
  // when malformed.
  explicit SimClock(const std::string& start);
  SimTime now() const;
  void set(SimTime now);  // from here on, advances with real time

 private:
  mutable std::mutex m_mu;
  std::optional<SimTime> m_base;
  std::chrono::steady_clock::time_point m_anchor;
};

// Who is calling: empty login = anonymous.
struct Caller {
  std::string login;
  bool insider = false;  // may see private comments and bugs in groups
};

// The dataset and every /rest route. Thread-safe (one lock around the data).
class BugzillaService {
 public:
  // `dataset_text`: the dataset format (docs/dataset-format.md) plus optional "api_keys"
  // {key: login} and "insiders" [logins]. Without "api_keys", any non-empty key authenticates as
  // k_default_login. `upstream`: behave as upstream Bugzilla 5.2 (header key ignored, no
  // /rest/whoami, 5.2 comment shape) instead of bugzilla.mozilla.org. Throws std::runtime_error on
  // a file that is not such a dataset.
  BugzillaService(const std::string& dataset_text, bool upstream, SimClock& clock);

  // One /rest request. Never throws.
  SimResponse handle(const SimRequest& request);

  // The route a request counts under in /__sim/stats: "GET /rest/bug/{id}/comment".
  static std::string route_of(const std::string& method, const std::string& path);

  // Control endpoints (tests mutate the dataset). Bodies are JSON; answers are JSON.
  // POST /__sim/bugs: {"bugs":[bug objects]} or one bug object. A known id is updated field by
  // field (last_change_time set to now unless given); an unknown id is added.
  SimResponse control_bugs(const std::string& body);
  // POST /__sim/comments: {"comments":[...]} or one {"bug_id", "creator", "text", optional
  // "is_private", "tags", "creation_time"}; stamped with the clock unless creation_time is given.
  SimResponse control_comments(const std::string& body);

  static constexpr const char* k_default_login = "sim-user@example.org";
  static constexpr std::size_t k_max_comment_length = 65535;
  static constexpr int k_max_search_results = 10000;

 private:
  struct Error {
    int http_status;
    int code;
    std::string message;
  };

  SimResponse error_response(const Error& error) const;
  SimResponse json_response(int status, const Json& body) const;
  std::optional<Error> authenticate(const SimRequest& request, Caller& caller) const;
  SimResponse dispatch(const SimRequest& request, const Caller& caller);

  // Reads (bugzilla_service.cpp, bugzilla_search.cpp).
  SimResponse get_time() const;
  SimResponse get_whoami(const Caller& caller) const;
  SimResponse search(const SimRequest& request, const Caller& caller) const;
  SimResponse get_bug(const std::string& id_text, const SimRequest& request,
                      const Caller& caller) const;
  SimResponse get_comments(const std::string& id_text, const SimRequest& request,
                           const Caller& caller) const;
  SimResponse get_comment_by_id(const std::string& id_text, const SimRequest& request,
                                const Caller& caller) const;
  std::optional<Error> lookup_comments(const std::vector<std::string>& ids,
                                       const SimRequest& request, const Caller& caller,
                                       Json& out) const;
  SimResponse get_history(const std::string& id_text, const SimRequest& request,
                          const Caller& caller) const;

  // Writes (bugzilla_writes.cpp).
  SimResponse post_comment(const std::string& id_text, const SimRequest& request,
                           const Caller& caller);
  SimResponse put_bug(const std::string& id_text, const SimRequest& request, const Caller& caller);
  Json make_comment(std::int64_t bug_id, const std::string& creator, const std::string& text,
                    bool is_private, SimTime when);
  void touch_bug(std::int64_t bug_id, SimTime when);

  // Lookups shared by the routes. A bug id path segment or ids= value: digits or an alias.
  std::optional<Error> resolve_bug(const std::string& id_text, const Caller& caller,
                                   std::int64_t& bug_id) const;
  Json present_comment(const Json& comment) const;
  bool can_see_bug(const Json& bug, const Caller& caller) const;
  Json alias_of(const Json& bug) const;
  std::string documentation_url() const;
  std::string bug_error_text(std::int64_t bug_id) const;
  void fill_defaults(Json& bug) const;

  mutable std::mutex m_mu;
  SimClock& m_clock;
  bool m_upstream = false;
  std::map<std::int64_t, Json> m_bugs;                   // by id, as GET /rest/bug returns
  std::map<std::int64_t, std::vector<Json>> m_comments;  // by bug id, oldest first
  std::map<std::int64_t, Json> m_history;                // by bug id, arrays of entries
  std::map<std::string, std::string> m_api_keys;         // key -> login
  bool m_keys_configured = false;
  std::set<std::string> m_insiders;
  std::int64_t m_next_comment_id = 1;
  std::int64_t m_next_flag_id = 1;
};

// Picks the members of a Bugzilla object that include_fields / exclude_fields ask for
// (comma-separated, case-sensitive; _default, _all, _extra, _custom; "x" also brings "x_detail" as
// Bugzilla 5 does). `extra` lists the members that only _all / _extra / naming them bring.
Json filter_fields(const Json& object, const QueryParams& query,
                   const std::set<std::string>& extra);

// The bug members only include_fields=_all/_extra or their own name bring
// (docs/bugzilla-api.md#bug-fields).
const std::set<std::string>& bug_extra_fields();

// Every value of a parameter, in order.
std::vector<std::string> param_values(const QueryParams& query, const std::string& name);
std::optional<std::string> first_param(const QueryParams& query, const std::string& name);

}  // namespace bzjira::sim
