// A counting TCP proxy on 127.0.0.1: bzjira talks to it instead of the simulator, and it forwards
// bytes unchanged while counting them, so "bytes transferred" means every byte on the wire (request
// lines, headers and bodies both ways), not what either side chose to report.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace bzjira::bench {

class CountingProxy {
 public:
  // Listens on an OS-chosen port and forwards each connection to 127.0.0.1:target_port. Throws
  // std::runtime_error when it cannot listen.
  explicit CountingProxy(int target_port);
  ~CountingProxy();  // closes the listener and every connection, joins the threads
  CountingProxy(const CountingProxy&) = delete;
  CountingProxy& operator=(const CountingProxy&) = delete;

  int port() const { return m_port; }

  struct Counts {
    long long to_server = 0;    // request bytes (client -> simulator)
    long long to_client = 0;    // response bytes (simulator -> client)
    long long connections = 0;  // TCP connections accepted
  };
  Counts counts() const;
  void reset();

 private:
  void accept_loop();
  void pump(int client, int server);

  int m_target_port;
  int m_listen_fd = -1;
  int m_port = 0;
  int m_wake[2] = {-1, -1};  // written to on shutdown: every poll() also watches it
  std::atomic<long long> m_to_server{0}, m_to_client{0}, m_connections{0};
  struct Pump {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Pump> m_pumps;  // only the accept thread and the destructor touch it
  std::thread m_acceptor;
};

}  // namespace bzjira::bench
