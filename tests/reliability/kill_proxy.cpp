#include "tests/reliability/kill_proxy.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <stdexcept>
#include <string>

#include "tests/reliability/http_wire.h"

namespace bzjira::reliability {

void KillSwitch::arm(int k, When when) {
  std::lock_guard<std::mutex> lock(m_mu);
  m_victim = -1;
  m_kill_at = k;
  m_when = when;
  m_count = 0;
  m_fired = false;
  m_fired_at = 0;
  m_pending_after = 0;
  m_matches = nullptr;
  m_requests.clear();
}

void KillSwitch::arm_matching(std::function<bool(const std::string&)> matches, When when) {
  arm(0, when);
  std::lock_guard<std::mutex> lock(m_mu);
  m_matches = std::move(matches);
}

bool KillSwitch::may_forward() const {
  std::lock_guard<std::mutex> lock(m_mu);
  return !m_fired && m_pending_after == 0;
}

std::vector<std::string> KillSwitch::requests() const {
  std::lock_guard<std::mutex> lock(m_mu);
  return m_requests;
}

void KillSwitch::set_victim(pid_t victim) {
  {
    std::lock_guard<std::mutex> lock(m_mu);
    m_victim = victim;
  }
  m_victim_set.notify_all();
}

void KillSwitch::disarm() { arm(0, When::after_answer); }

bool KillSwitch::fired() const {
  std::lock_guard<std::mutex> lock(m_mu);
  return m_fired;
}

int KillSwitch::fired_at() const {
  std::lock_guard<std::mutex> lock(m_mu);
  return m_fired_at;
}

bool KillSwitch::on_answer_before_forward(const std::string& request_line) {
  std::unique_lock<std::mutex> lock(m_mu);
  if (m_fired || m_pending_after != 0) {
    return false;  // the victim is dead or about to be: nothing more reaches it
  }
  ++m_count;
  m_requests.push_back(request_line);
  const bool hit =
      (m_kill_at != 0 && m_count == m_kill_at) || (m_matches && m_matches(request_line));
  if (!hit) {
    return true;
  }
  m_victim_set.wait(lock, [this] { return m_victim > 0; });
  if (m_when == When::after_answer) {
    m_pending_after = m_count;
    return true;
  }
  ::kill(m_victim, SIGKILL);
  m_fired = true;
  m_fired_at = m_count;
  return false;
}

void KillSwitch::on_answer_forwarded() {
  std::lock_guard<std::mutex> lock(m_mu);
  if (m_pending_after != 0 && !m_fired) {
    ::kill(m_victim, SIGKILL);
    m_fired = true;
    m_fired_at = m_pending_after;
  }
}

CountingProxy::CountingProxy(int upstream_port, std::shared_ptr<KillSwitch> kill_switch,
                             Rewrite rewrite)
    : m_upstream(upstream_port), m_switch(std::move(kill_switch)), m_rewrite(std::move(rewrite)) {
  m_listen_fd = listen_loopback(m_port);
  if (m_listen_fd < 0) {
    throw std::runtime_error("proxy cannot listen");
  }
  m_acceptor = std::thread([this] { accept_loop(); });
}

CountingProxy::~CountingProxy() {
  m_stop = true;
  m_acceptor.join();
  {
    std::lock_guard<std::mutex> lock(m_mu);
    for (int fd : m_client_fds) {
      ::shutdown(fd, SHUT_RDWR);
    }
  }
  for (std::thread& t : m_workers) {
    t.join();
  }
  ::close(m_listen_fd);
}

void CountingProxy::accept_loop() {
  while (!m_stop) {
    pollfd p{m_listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) {
      continue;
    }
    const int client = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      continue;
    }
    std::lock_guard<std::mutex> lock(m_mu);
    m_client_fds.push_back(client);
    m_workers.emplace_back([this, client] { serve(client); });
  }
}

// One client connection: requests in order, each on a fresh upstream connection (Connection:
// close), answers forwarded with the client's connection kept open as the client asked.
void CountingProxy::serve(int client) {
  WireReader from_client(client);
  for (;;) {
    HttpMessage request;
    if (!from_client.read_message(request, false)) {
      break;
    }
    HeaderList headers;
    for (const auto& h : request.headers) {
      std::string name = h.first;
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (name != "connection" && name != "keep-alive") {
        headers.push_back(h);
      }
    }
    headers.emplace_back("Connection", "close");
    request.headers = headers;
    const int upstream = m_switch->may_forward() ? connect_loopback(m_upstream) : -1;
    if (upstream < 0) {
      break;
    }
    HttpMessage answer;
    WireReader from_upstream(upstream);
    const bool answered =
        write_all(upstream, serialize(request)) && from_upstream.read_message(answer, true);
    ::close(upstream);
    if (!answered) {
      break;  // the simulator cut the connection (a reset fault): the client sees the same
    }
    if (!m_switch->on_answer_before_forward(request.start_line)) {
      break;
    }
    HeaderList out_headers;
    for (const auto& h : answer.headers) {
      std::string name = h.first;
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (name != "connection") {
        out_headers.push_back(h);
      }
    }
    answer.headers = out_headers;
    if (m_rewrite) {
      m_rewrite(answer.body);
    }
    const bool sent = write_all(client, serialize(answer));
    m_switch->on_answer_forwarded();
    if (!sent) {
      break;
    }
  }
  ::shutdown(client, SHUT_RDWR);
  std::lock_guard<std::mutex> lock(m_mu);
  m_client_fds.erase(std::remove(m_client_fds.begin(), m_client_fds.end(), client),
                     m_client_fds.end());
  ::close(client);
}

}  // namespace bzjira::reliability
