// bzjira-sim as a child process for the reliability tests, and its /__sim control endpoints
// (tests/sim/bugzilla_sim.h, tests/sim/jira_sim.h) over plain sockets.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "tests/reliability/process.h"

namespace bzjira::reliability {

using Json = nlohmann::json;

struct SimOptions {
  std::string bugzilla_data;  // dataset file; empty = no Bugzilla half
  bool jira = false;          // run the Jira half
  int bugzilla_port = 0;      // 0 = any free one
  int jira_port = 0;
  std::string bugzilla_auth = "bmo";  // "bmo" | "upstream"
  std::string clock;                  // RFC 3339 start of Bugzilla's clock; empty = real time
  double faults = 0;
  std::uint64_t seed = 1;
  double hang_seconds = 15;
  std::string jira_users;  // "email:token,..." (empty = any credentials)
};

// A running bzjira-sim. The constructor returns once the ports file is written (throws
// std::runtime_error with the simulator's stderr when it does not start within 20 s).
class SimProcess {
 public:
  explicit SimProcess(const SimOptions& options);
  ~SimProcess();  // SIGTERM, then SIGKILL if it does not stop
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  int bugzilla_port() const { return m_bugzilla_port; }
  int jira_port() const { return m_jira_port; }
  std::string bugzilla_url() const { return "http://127.0.0.1:" + std::to_string(m_bugzilla_port); }
  std::string jira_url() const { return "http://127.0.0.1:" + std::to_string(m_jira_port); }

 private:
  std::unique_ptr<TempDir> m_dir;
  std::unique_ptr<Child> m_child;
  int m_bugzilla_port = 0;
  int m_jira_port = 0;
};

// GET/POST a control endpoint; the JSON answer. Throws std::runtime_error on no answer or a
// status other than 2xx (a test's setup failing is a test failure).
Json control_get(int port, const std::string& path);
Json control_post(int port, const std::string& path, const Json& body);

// /__sim/stats of one half.
struct SimStats {
  long total = 0;            // requests counted (control endpoints excluded)
  long faults_injected = 0;  // faults injected so far (never reset)
};
SimStats sim_stats(int port);

}  // namespace bzjira::reliability
