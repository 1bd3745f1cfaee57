// A tiny scripted HTTP/1.1 server on 127.0.0.1 for the transport and pool tests, on plain POSIX
// sockets so the tests need no cpprest. Each connection is served by its own thread; a connection
// stays open after an answer unless the answer says "Connection: close".
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace bzjira::test {

class TinyServer {
 public:
  // `answers`: raw HTTP responses, one per request in order (the last one repeats); an empty
  // answer drops the connection without answering; no answers at all = never answer (the
  // connection is held open until the client or the server gives up).
  explicit TinyServer(std::vector<std::string> answers) : m_answers(std::move(answers)) { start(); }
  // `respond` makes each answer from the raw request; each request is held `hold` before it is
  // answered, so that requests sent together are in flight together (see max_in_flight).
  TinyServer(std::function<std::string(const std::string& request)> respond,
             std::chrono::milliseconds hold)
      : m_respond(std::move(respond)), m_hold(hold) {
    start();
  }
  ~TinyServer() {
    m_stop = true;
    m_thread.join();
    for (auto& t : m_connections) {
      t.join();
    }
    ::close(m_fd);
  }
  TinyServer(const TinyServer&) = delete;
  TinyServer& operator=(const TinyServer&) = delete;

  int port() const { return m_port; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }
  std::vector<std::string> requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }
  // The most requests held (received, not yet answered) at one time, and how many were answered.
  int max_in_flight() const { return m_max_in_flight; }
  int served() const { return m_served; }

  static std::string answer(int status, const std::string& body,
                            const std::string& extra_headers = "Connection: close\r\n") {
    return "HTTP/1.1 " + std::to_string(status) +
           " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers +
           "\r\n" + body;
  }
  // The request target of a raw request ("/rest/bug?id=1" of "GET /rest/bug?id=1 HTTP/1.1").
  static std::string request_path(const std::string& request) {
    const std::size_t start = request.find(' ') + 1;
    return request.substr(start, request.find(' ', start) - start);
  }

 private:
  void start() {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(m_fd, 16) != 0) {
      throw std::runtime_error("test server: cannot listen on 127.0.0.1");
    }
    socklen_t len = sizeof addr;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_thread = std::thread([this] { run(); });
  }

  bool wait_readable(int fd) const {
    while (!m_stop) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) {
        return true;
      }
    }
    return false;
  }

  void run() {
    while (wait_readable(m_fd)) {
      const int conn = ::accept(m_fd, nullptr, nullptr);
      if (conn < 0) {
        continue;
      }
      m_connections.emplace_back([this, conn] {
        serve(conn);
        ::close(conn);
      });
    }
  }

  void serve(int conn) {
    std::string data;
    char buf[4096];
    for (;;) {
      std::size_t header_end = data.find("\r\n\r\n");
      std::size_t wanted = 0;
      while (header_end == std::string::npos ||
             data.size() < (wanted = header_end + 4 + content_length(data.substr(0, header_end)))) {
        if (!wait_readable(conn)) {
          return;
        }
        const ssize_t n = ::recv(conn, buf, sizeof buf, 0);
        if (n <= 0) {
          return;
        }
        data.append(buf, static_cast<std::size_t>(n));
        header_end = data.find("\r\n\r\n");
      }
      const std::string request = data.substr(0, wanted);
      std::size_t index = 0;
      {
        std::lock_guard lock(m_mutex);
        m_requests.push_back(request);
        index = m_requests.size() - 1;
      }
      data.erase(0, wanted);
      if (!m_respond && m_answers.empty()) {
        // Never answer: hold the connection until the client gives up (or the server stops).
        while (wait_readable(conn) && ::recv(conn, buf, sizeof buf, 0) > 0) {
        }
        return;
      }
      const int now = ++m_in_flight;
      int seen = m_max_in_flight.load();
      while (now > seen && !m_max_in_flight.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(m_hold);
      --m_in_flight;
      const std::string reply =
          m_respond ? m_respond(request) : m_answers[std::min(index, m_answers.size() - 1)];
      if (reply.empty()) {
        return;  // drop the connection unanswered
      }
      ++m_served;  // before sending: a client that has its answer sees it counted
      ::send(conn, reply.data(), reply.size(), MSG_NOSIGNAL);
      if (reply.find("Connection: close") != std::string::npos) {
        return;
      }
    }
  }

  static std::size_t content_length(const std::string& head) {
    std::string lower;
    for (char c : head) {
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto pos = lower.find("\r\ncontent-length:");
    return pos == std::string::npos ? 0 : std::stoul(head.substr(pos + 17));
  }

  std::vector<std::string> m_answers;
  std::function<std::string(const std::string& request)> m_respond;  // set: answers come from it
  std::chrono::milliseconds m_hold{0};
  int m_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  mutable std::mutex m_mutex;
  std::vector<std::string> m_requests;
  std::atomic<int> m_in_flight{0};
  std::atomic<int> m_max_in_flight{0};
  std::atomic<int> m_served{0};
  std::vector<std::thread> m_connections;  // only touched by m_thread until it is joined
  std::thread m_thread;
};

// A port on 127.0.0.1 where nothing listens (bound, read, closed).
inline int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("closed_port: cannot bind 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace bzjira::test
