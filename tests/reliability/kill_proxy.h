// A counting HTTP proxy on 127.0.0.1 for the crash tests: it forwards each request of the program
// under test to a simulator and, when the k-th request (counted over every proxy sharing one
// KillSwitch) has been answered by the simulator, SIGKILLs the program either before forwarding
// that answer (the request was executed, the program never learns it) or right after.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bzjira::reliability {

class KillSwitch {
 public:
  enum class When { before_answer, after_answer };
  // Arms the switch: the `k`-th request answered from now on (1-based) kills the victim set by
  // set_victim() (an answer waits for it). k = 0 disarms.
  void arm(int k, When when);
  // Arms the switch on the first answered request whose line ("POST /rest/api/3/issue/CAINC-1/
  // transitions HTTP/1.1") `matches` says yes to.
  void arm_matching(std::function<bool(const std::string& request_line)> matches, When when);
  void set_victim(pid_t victim);
  void disarm();
  bool fired() const;    // the victim was killed
  int fired_at() const;  // the request index it was killed at (0 when it was not)
  std::vector<std::string> requests() const;  // request lines answered since the last arm

  // Whether a new request may still go to the upstream: not once the victim is (being) killed, so
  // that nothing it sends after the k-th answer is executed.
  bool may_forward() const;
  // Called by a proxy after the upstream answered request `request_line`. Returns false when the
  // answer must not be forwarded (the victim is being or has been killed).
  bool on_answer_before_forward(const std::string& request_line);
  void on_answer_forwarded();

 private:
  mutable std::mutex m_mu;
  std::condition_variable m_victim_set;
  pid_t m_victim = -1;
  int m_kill_at = 0;
  When m_when = When::after_answer;
  int m_count = 0;
  bool m_fired = false;
  int m_fired_at = 0;
  int m_pending_after = 0;  // index whose answer is being forwarded before the kill
  std::function<bool(const std::string&)> m_matches;
  std::vector<std::string> m_requests;
};

class CountingProxy {
 public:
  // Listens on an OS-chosen port and forwards to 127.0.0.1:upstream_port. `rewrite`, when given,
  // may change each answer's body before it is forwarded (bytes a simulator cannot produce).
  using Rewrite = std::function<void(std::string& body)>;
  CountingProxy(int upstream_port, std::shared_ptr<KillSwitch> kill_switch,
                Rewrite rewrite = nullptr);
  ~CountingProxy();
  CountingProxy(const CountingProxy&) = delete;
  CountingProxy& operator=(const CountingProxy&) = delete;
  int port() const { return m_port; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

 private:
  void accept_loop();
  void serve(int client);

  int m_upstream;
  std::shared_ptr<KillSwitch> m_switch;
  Rewrite m_rewrite;
  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::thread m_acceptor;
  std::mutex m_mu;
  std::vector<std::thread> m_workers;
  std::vector<int> m_client_fds;
};

}  // namespace bzjira::reliability
