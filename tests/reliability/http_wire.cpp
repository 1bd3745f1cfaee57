#include "tests/reliability/http_wire.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>

namespace bzjira::reliability {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) {
    ++b;
  }
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) {
    --e;
  }
  return s.substr(b, e - b);
}

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

}  // namespace

std::string HttpMessage::header(const std::string& name) const {
  const std::string wanted = lower(name);
  for (const auto& [n, v] : headers) {
    if (lower(n) == wanted) {
      return v;
    }
  }
  return "";
}

int HttpMessage::status() const {
  if (start_line.rfind("HTTP/", 0) != 0) {
    return 0;
  }
  const std::size_t space = start_line.find(' ');
  return space == std::string::npos ? 0 : std::atoi(start_line.c_str() + space + 1);
}

bool WireReader::fill() {
  char chunk[16384];
  for (;;) {
    const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      m_buffer.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return false;
  }
}

bool WireReader::read_line(std::string& line) {
  for (;;) {
    const std::size_t end = m_buffer.find("\r\n");
    if (end != std::string::npos) {
      line = m_buffer.substr(0, end);
      m_buffer.erase(0, end + 2);
      return true;
    }
    if (!fill()) {
      return false;
    }
  }
}

bool WireReader::read_exact(std::size_t n, std::string& out) {
  while (m_buffer.size() < n) {
    if (!fill()) {
      return false;
    }
  }
  out.append(m_buffer, 0, n);
  m_buffer.erase(0, n);
  return true;
}

bool WireReader::read_message(HttpMessage& message, bool is_response, bool* clean_eof) {
  message = HttpMessage{};
  if (clean_eof != nullptr) {
    *clean_eof = m_buffer.empty();
  }
  if (!read_line(message.start_line)) {
    return false;
  }
  if (clean_eof != nullptr) {
    *clean_eof = false;
  }
  for (;;) {
    std::string line;
    if (!read_line(line)) {
      return false;
    }
    if (line.empty()) {
      break;
    }
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      message.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
  }
  if (lower(message.header("Transfer-Encoding")).find("chunked") != std::string::npos) {
    for (;;) {
      std::string size_line;
      if (!read_line(size_line)) {
        return false;
      }
      const std::size_t size = std::strtoul(size_line.c_str(), nullptr, 16);
      if (size == 0) {
        std::string trailer;
        do {
          if (!read_line(trailer)) {
            return false;
          }
        } while (!trailer.empty());
        return true;
      }
      std::string crlf;
      if (!read_exact(size, message.body) || !read_exact(2, crlf)) {
        return false;
      }
    }
  }
  const std::string length = message.header("Content-Length");
  if (!length.empty()) {
    return read_exact(std::strtoul(length.c_str(), nullptr, 10), message.body);
  }
  const int status = message.status();
  if (!is_response || status == 204 || status == 304 || (status >= 100 && status < 200)) {
    return true;
  }
  while (fill()) {
  }
  message.body += m_buffer;
  m_buffer.clear();
  return true;
}

std::string serialize(const HttpMessage& message) {
  std::string out = message.start_line + "\r\n";
  for (const auto& [name, value] : message.headers) {
    const std::string n = lower(name);
    if (n == "content-length" || n == "transfer-encoding") {
      continue;
    }
    out += name + ": " + value + "\r\n";
  }
  out += "Content-Length: " + std::to_string(message.body.size()) + "\r\n\r\n";
  return out + message.body;
}

bool write_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  const sockaddr_in addr = loopback(port);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int listen_loopback(int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = loopback(0);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, 64) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  port = ntohs(addr.sin_port);
  return fd;
}

HttpReply http_call(int port, const std::string& method, const std::string& target,
                    const std::string& body, const HeaderList& headers) {
  HttpReply reply;
  const int fd = connect_loopback(port);
  if (fd < 0) {
    return reply;
  }
  HttpMessage request;
  request.start_line = method + " " + target + " HTTP/1.1";
  request.headers = {{"Host", "127.0.0.1:" + std::to_string(port)}, {"Connection", "close"}};
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  request.headers.insert(request.headers.end(), headers.begin(), headers.end());
  request.body = body;
  HttpMessage response;
  WireReader reader(fd);
  if (write_all(fd, serialize(request)) && reader.read_message(response, true)) {
    reply.status = response.status();
    reply.body = std::move(response.body);
  }
  ::close(fd);
  return reply;
}

}  // namespace bzjira::reliability
