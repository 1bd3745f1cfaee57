#include "tests/bench/proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "tests/bench/socket_io.h"

namespace bzjira::bench {

namespace {

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

void no_delay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

CountingProxy::CountingProxy(int target_port) : m_target_port(target_port) {
  if (::pipe(m_wake) != 0) {
    throw std::runtime_error("proxy: pipe failed");
  }
  m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = loopback(0);
  socklen_t len = sizeof addr;
  if (m_listen_fd < 0 ||
      ::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(m_listen_fd, 64) != 0 ||
      ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string why = std::strerror(errno);
    if (m_listen_fd >= 0) {
      ::close(m_listen_fd);
    }
    ::close(m_wake[0]);
    ::close(m_wake[1]);
    throw std::runtime_error("proxy: cannot listen on 127.0.0.1: " + why);
  }
  m_port = ntohs(addr.sin_port);
  m_acceptor = std::thread([this] { accept_loop(); });
}

CountingProxy::~CountingProxy() {
  const char byte = 'x';
  (void)!::write(m_wake[1], &byte, 1);  // the read end stays readable: wakes every poll for good
  m_acceptor.join();
  for (Pump& p : m_pumps) {
    p.thread.join();
  }
  ::close(m_listen_fd);
  ::close(m_wake[0]);
  ::close(m_wake[1]);
}

CountingProxy::Counts CountingProxy::counts() const {
  return Counts{m_to_server.load(), m_to_client.load(), m_connections.load()};
}

void CountingProxy::reset() {
  m_to_server = 0;
  m_to_client = 0;
  m_connections = 0;
}

void CountingProxy::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{m_listen_fd, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    if (fds[1].revents != 0) {
      return;
    }
    const int client = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      continue;
    }
    const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in target = loopback(m_target_port);
    if (server < 0 || ::connect(server, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
      if (server >= 0) {
        ::close(server);
      }
      ::close(client);
      continue;
    }
    no_delay(client);
    no_delay(server);
    ++m_connections;
    // Join the pumps whose connections ended, so a long benchmark does not pile up threads.
    for (auto it = m_pumps.begin(); it != m_pumps.end();) {
      if (it->done->load()) {
        it->thread.join();
        it = m_pumps.erase(it);
      } else {
        ++it;
      }
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    m_pumps.push_back(Pump{std::thread([this, client, server, done] {
                             pump(client, server);
                             *done = true;
                           }),
                           done});
  }
}

// Copies both ways until both directions are finished; a half-close is passed on as one.
void CountingProxy::pump(int client, int server) {
  bool client_open = true;  // client -> server direction still running
  bool server_open = true;  // server -> client direction still running
  std::string buffer(64 * 1024, '\0');
  while (client_open || server_open) {
    pollfd fds[3] = {{client_open ? client : -1, POLLIN, 0},
                     {server_open ? server : -1, POLLIN, 0},
                     {m_wake[0], POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    if (fds[2].revents != 0) {
      break;
    }
    for (int side = 0; side < 2; ++side) {
      if (fds[side].revents == 0) {
        continue;
      }
      const int from = side == 0 ? client : server;
      const int to = side == 0 ? server : client;
      const ssize_t n = ::recv(from, buffer.data(), buffer.size(), 0);
      if (n > 0 && send_all(to, buffer.data(), static_cast<std::size_t>(n))) {
        (side == 0 ? m_to_server : m_to_client) += n;
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      ::shutdown(to, SHUT_WR);
      (side == 0 ? client_open : server_open) = false;
      if (n < 0) {  // a reset: nothing more will flow either way
        client_open = server_open = false;
      }
    }
  }
  ::close(client);
  ::close(server);
}

}  // namespace bzjira::bench
