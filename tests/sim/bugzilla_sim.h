// The Bugzilla half of bzjira-sim: serves a dataset over HTTP on 127.0.0.1 as bugzilla.mozilla.org
// or upstream Bugzilla 5.2 would (tests/sim/bugzilla_service.h), with a front that adds what sits
// before the application on BMO: the 8 KiB request-target limit, rate limiting, injected faults.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace bzjira::sim {

struct BugzillaSimOptions {
  // Dataset JSON (docs/dataset-format.md + optional "api_keys" {key: login}, "insiders" [logins]).
  std::string data_path;
  int port = 0;  // 0 = pick a free one
  // "bmo": X-BUGZILLA-API-KEY header and api_key param; /rest/whoami. "upstream" (Bugzilla 5.2,
  // docs/bugzilla-api.md#upstream-5x and its samples): the header ignored (the request is served
  // anonymously: bugs in a group hidden, writes refused), no /rest/whoami (404, code 32614),
  // comment POST answering {"id": N} only, comments without author/raw_text.
  std::string auth = "bmo";
  std::string clock;      // RFC3339 start of the simulated clock; empty = real time
  double fault_rate = 0;  // share of /rest requests that fail (kinds: sim_common.h FaultKind)
  std::uint64_t seed = 1;
  // 0 = off. Over it (sliding one-second window, all callers count as one IP): the request that
  // trips the limit gets BMO's JSON 400 rate-limit error, later ones an HTML 429 without
  // Retry-After until rate_limit_block_seconds have passed.
  double rate_limit_per_second = 0;
  double rate_limit_block_seconds = 1;
  double hang_seconds = 15;  // how long a "hang" fault stalls before answering
};

// Paths outside /rest get the web server's HTML 404 page (a wrong bugzilla.url meets it).
// Faults, as injected (POST /__sim/faults {"rate": r, "next": ["reset", ...]} forces kinds):
//   http500        500 with Apache's HTML error page; the request is not executed.
//   http503_html   503 with an HTML page (a proxy's); not executed.
//   hang           stalls hang_seconds, then executes and answers normally.
//   reset          executes, then sends the headers and half the body and closes the connection
//                  (cpprest's listener cannot send a TCP RST; a connection closed mid-body is what
//                  the client sees of a reset after sending).
//   truncated_json executes, answers 200 with the first half of the JSON (Content-Length matches).
//   rate_limit     not executed; BMO's JSON 400 rate-limit error, or (every second time) the
//                  HTML 429 that follows it.
// Control endpoints (never faulted, never counted): GET /__sim/stats, POST /__sim/reset-stats,
// POST /__sim/faults, GET|POST /__sim/clock {"now": RFC3339}, POST /__sim/bugs,
// POST /__sim/comments (tests/sim/bugzilla_service.h describes the last two).
class BugzillaSim {
 public:
  // Loads the dataset; throws std::runtime_error on a bad file or option.
  explicit BugzillaSim(BugzillaSimOptions options);
  ~BugzillaSim();  // stops
  BugzillaSim(const BugzillaSim&) = delete;
  BugzillaSim& operator=(const BugzillaSim&) = delete;

  // Starts listening; throws std::runtime_error when no port could be opened.
  void start();
  void stop();
  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:<port>"

  // Request-target limit of BMO's Varnish front (bytes of path and query): longer gets 414.
  static constexpr std::size_t k_max_request_target = 8192;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace bzjira::sim
