// bzjira-sim (both halves) as the benchmark's child process, with a counting proxy in front of each
// half and a client for the simulators' control endpoints (/__sim/..., never counted by them).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/bench/process.h"
#include "tests/bench/proxy.h"

namespace bzjira::adapters::http {
class Client;
}

namespace bzjira::bench {

// Requests one half saw, by route ("GET /rest/bug/{id}/comment"), from GET /__sim/stats.
struct RouteCounts {
  long total = 0;
  std::map<std::string, long> routes;
};

struct JiraIssueCounts {
  long total = 0;
  long open = 0;  // status category not "done"
  long remote_links = 0;
};

struct SimHarnessOptions {
  std::string sim_binary;              // path of bzjira-sim
  std::string dataset;                 // the Bugzilla half's data
  std::string clock;                   // RFC3339 start of the Bugzilla clock
  std::string work_dir;                // ports file and the simulator's output go here
  double start_timeout_seconds = 300;  // a large dataset takes a while to load
};

class SimHarness {
 public:
  // Starts the simulator and waits until it has written its ports file, then opens the proxies.
  // Throws std::runtime_error when it does not come up in time (its stderr is in the message).
  explicit SimHarness(const SimHarnessOptions& options);
  ~SimHarness();  // stops the simulator (SIGTERM to its pid only)

  // What bzjira's mapping points at: the proxies.
  int bugzilla_proxy_port() const { return m_bugzilla_proxy->port(); }
  int jira_proxy_port() const { return m_jira_proxy->port(); }
  CountingProxy& bugzilla_proxy() { return *m_bugzilla_proxy; }
  CountingProxy& jira_proxy() { return *m_jira_proxy; }

  RouteCounts bugzilla_stats();
  RouteCounts jira_stats();
  // Resets both halves' request counters and both proxies' byte counters.
  void reset_counters();
  // The Bugzilla half's clock now (RFC3339).
  std::string bugzilla_clock();
  // Moves both halves' clocks forward by `by` (whole seconds): Bugzilla's through POST
  // /__sim/clock {"now"}, Jira's through POST /__sim/clock {"advance_seconds"}. Both keep running
  // with real time afterwards, so the gap between them stays what it was.
  void advance_clocks(std::chrono::seconds by);
  // Adds comments through POST /__sim/comments (stamped with the simulator's clock). Each item is
  // {bug id, author login, text}.
  struct NewComment {
    long long bug_id;
    std::string creator;
    std::string text;
  };
  void add_comments(const std::vector<NewComment>& comments);
  JiraIssueCounts jira_issues();

  double cpu_seconds() const { return m_process->cpu_seconds(); }
  long rss_kb() const { return m_process->rss_kb(); }

 private:
  std::string call(int port, const std::string& method, const std::string& path,
                   const std::string& body = "");
  RouteCounts stats(int port);

  std::unique_ptr<BackgroundProcess> m_process;
  int m_bugzilla_port = 0, m_jira_port = 0;
  std::unique_ptr<CountingProxy> m_bugzilla_proxy, m_jira_proxy;
  std::unique_ptr<adapters::http::Client> m_http;
};

}  // namespace bzjira::bench
