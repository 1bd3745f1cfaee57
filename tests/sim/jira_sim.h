// The Jira half of bzjira-sim: a local stand-in for Jira Cloud (REST v3 + v2, enhanced search/jql)
// or Jira Data Center (REST v2, search with startAt), faithful to docs/jira-api.md, with
// switchable trouble (search delay, rate limiting, faults) and /__sim control endpoints.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace bzjira::sim {

struct JiraSimOptions {
  int port = 0;                       // 0 = any free port
  std::string flavor = "cloud";       // "cloud" or "datacenter"
  std::string project_key = "CAINC";  // the one project the simulator holds
  double fault_rate = 0;              // share of requests that fail (FaultPlan kinds)
  std::uint64_t seed = 1;
  int search_delay_ms = 0;  // new issues invisible to JQL search this long
  // 0 = off; over it (sliding one-second window): 429 with Retry-After: 1, X-RateLimit-Limit,
  // X-RateLimit-Remaining: 0 and RateLimit-Reason: jira-burst-based. No X-RateLimit-Reset: Jira
  // gives it to the minute, which would make honest clients wait up to a minute in tests.
  double rate_limit_per_second = 0;
  double hang_seconds = 15;  // how long a "hang" fault stalls
  std::string users;         // "email:token,email2:token2" accepted (Data Center: the tokens);
                             // empty = any non-empty credentials
};

// Endpoints, all under /rest/api/3 (Cloud only, ADF) and /rest/api/2 (strings):
//   POST issue, POST issue/bulk, GET|PUT issue/{key}, GET|POST issue/{key}/transitions,
//   GET|POST issue/{key}/comment, GET|POST issue/{key}/remotelink, GET|POST search/jql (Cloud),
//   GET|POST search (Data Center; 410 on Cloud), GET project/{key}, GET field, GET issuetype,
//   GET mypermissions, GET myself, GET issue/createmeta/{project}/issuetypes[/{id}],
//   GET project/{key}/statuses (jira_meta.cpp).
// Custom fields: customfield_10050 "Obligation deadline" (datetime), customfield_10051
// "Bugzilla bug" (text field).
// Workflow: To Do --Start Progress(11)--> In Progress; To Do, In Progress --Done(31)--> Done
// (screen with a required resolution); Done --Reopen(41)--> To Do (clears the resolution).
// Faults (FaultPlan kinds, before authentication): http500 and http503_html answer an HTML page
// without acting; rate_limit answers 429 with Retry-After: 1; hang stalls hang_seconds, then acts
// and answers; reset acts, then drops the connection mid-body; truncated_json acts, then sends
// half of the body (so a write has happened although its answer is lost).
// Control endpoints (never counted, never faulted):
//   GET /__sim/stats, POST /__sim/reset-stats,
//   POST /__sim/faults {"rate", "next": [kinds], "rate_limit_per_second", "hang_seconds",
//                       "search_delay_ms"},
//   GET /__sim/issues (every issue with all fields, "description_text", comments, remote links),
//   POST /__sim/issues/<key>/comment {"author": "ann@example.com", "body": text or ADF,
//                                     "created": RFC3339 (optional)},
//   POST /__sim/issues/<key>/close {"resolution": "Won't Do"},
//   POST /__sim/issues/<key>/status {"status": "To Do" | "In Progress" | "Done", "resolution"},
//   POST /__sim/workflow {"resolution_screen": false}  (Done then has no screen and resolves
//                                                       "Done" by itself, like team-managed),
//   POST /__sim/permissions {"deny": ["LINK_ISSUES", ...]},
//   POST /__sim/create-screen {"hidden": ["duedate", ...]}  (left off the create screen: not in
//                                                          createmeta, refused on create),
//   GET /__sim/clock, POST /__sim/clock {"advance_seconds": 660}  (moves Jira's clock forward:
//     `created`, `updated` and relative JQL dates such as "-5m" follow it; process-wide).
class JiraSim {
 public:
  // Throws std::invalid_argument on a bad flavor or users string (simulator only).
  explicit JiraSim(JiraSimOptions options);
  ~JiraSim();  // stops
  JiraSim(const JiraSim&) = delete;
  JiraSim& operator=(const JiraSim&) = delete;

  // Listens on 127.0.0.1 (retrying other free ports when the port was 0 and got taken).
  // Throws std::runtime_error when it cannot listen.
  void start();
  void stop();  // ends hangs at once; idempotent
  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:<port>"

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace bzjira::sim
