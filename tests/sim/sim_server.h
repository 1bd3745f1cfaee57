// The HTTP front both simulator halves share: cpprest's listener on 127.0.0.1 (the only sim file
// that includes it), the request loop (control endpoints, counting, fault injection, hangs, cut
// and truncated answers) and the /__sim endpoints every half has (stats, reset-stats, faults).
// A half derives from SimServer and supplies what is its own through the hooks below: how it
// decodes paths and names routes, what it answers before faults are drawn (limits, rate
// limiting), its fault and error pages, its service, and its own control endpoints.
#pragma once

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/sim/sim_common.h"

namespace bzjira::sim {

// A request as the front read it.
struct SimIncoming {
  std::string method;                          // "GET", "POST", ...
  std::string raw_path;                        // as sent, percent-encoded
  std::string raw_query;                       // as sent, without '?'
  std::string path;                            // decoded by the half's decode_path
  std::string body;                            // empty when unreadable
  std::map<std::string, std::string> headers;  // names in lower case
  std::string user;                            // the account a half's admit found, if any
};

// An answer as the front sends it.
struct SimReply {
  int status = 200;
  std::string reason;  // empty = cpprest's own phrase for the status
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  // Set (by the front, for a "reset" fault) to more than the body holds: the connection is
  // closed after what the body has, mid-answer.
  std::optional<std::size_t> claimed_length;
};

struct SimServerSettings {
  std::string name;  // "bugzilla", "jira": names the half in errors
  int port = 0;      // 0 = any free one (retried when taken meanwhile)
  double fault_rate = 0;
  std::uint64_t seed = 1;
  double rate_limit_per_second = 0;  // 0 = off; how a half limits is its own (screen)
  double hang_seconds = 15;          // how long a "hang" fault stalls
};

class SimServer {
 public:
  explicit SimServer(SimServerSettings settings);
  virtual ~SimServer();  // stops; a derived class stops first, before its members go
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  // Listens on 127.0.0.1; throws std::runtime_error when it cannot. Does nothing when listening.
  void start();
  void stop();  // ends hangs at once; idempotent
  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:<port>"

 protected:
  using Json = nlohmann::json;

  virtual std::string decode_path(const std::string& raw_path) const = 0;
  // The key of /__sim/stats "requests" for a request outside /__sim.
  virtual std::string route_of(const std::string& method, const std::string& path) const = 0;
  // What the front answers before a fault is drawn (limits, rate limiting); nullopt = go on.
  virtual std::optional<SimReply> screen(const SimIncoming& request) = 0;
  // The answer of a fault that refuses the request: http500, http503_html or rate_limit.
  virtual SimReply refusal(FaultKind kind) = 0;
  // What the front answers after a hang but before the service, whole whatever the fault (Jira's
  // authentication); may set request.user. nullopt = serve.
  virtual std::optional<SimReply> admit(SimIncoming& /*request*/) { return std::nullopt; }
  // The service's answer (after a hang, before a reset or truncation).
  virtual SimReply serve(const SimIncoming& request) = 0;
  virtual SimReply internal_error(const std::string& what) const = 0;
  virtual SimReply json_reply(int status, const Json& body) const = 0;
  // The half's own /__sim endpoints (after stats, reset-stats and faults); nullopt = 404.
  virtual std::optional<SimReply> control(const std::string& method, const std::string& path,
                                          const std::string& body) = 0;
  // POST /__sim/faults, under m_mu: applies the half's own settings from `request` and adds
  // their values to `answer`.
  virtual void apply_fault_settings(const Json& request, Json& answer) = 0;
  // POST /__sim/faults, under m_mu, once it is accepted: forgets the rate limiter's history.
  virtual void forget_rate_window() = 0;
  // What a "reset" fault claims as Content-Length for a body of `full` bytes (more than the half
  // that is sent, so the connection drops mid-body).
  virtual std::size_t cut_length(std::size_t full) const { return full; }

  std::mutex m_mu;  // guards the members below and the halves' rate limiters
  double m_rate_limit_per_second;
  long m_rate_limited = 0;  // answers refused by rate limiting, for /__sim/stats

 private:
  struct Listener;

  SimReply respond(SimIncoming& request);
  SimReply control_endpoint(const std::string& method, const std::string& path,
                            const std::string& body);
  SimReply faults_endpoint(const std::string& body);
  FaultKind next_fault();
  void hang();

  std::string m_name;
  int m_requested_port;
  FaultPlan m_faults;
  RequestCounter m_counter;
  std::unique_ptr<Listener> m_listener;
  int m_port = 0;

  // Guarded by m_mu.
  std::condition_variable m_wake;
  bool m_stopping = false;
  double m_hang_seconds;
  std::deque<FaultKind> m_forced;
  long m_forced_injected = 0;
};

}  // namespace bzjira::sim
