// Plain-socket HTTP/1.1 for the reliability tests: reading and writing whole messages on a file
// descriptor (Content-Length, chunked, or until the peer closes), and one-shot calls to 127.0.0.1.
// Deliberately independent of the product's HTTP client, so a bug there cannot hide itself here.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace bzjira::reliability {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpMessage {
  std::string start_line;  // "GET /rest/time HTTP/1.1" or "HTTP/1.1 200 OK"
  HeaderList headers;      // in order, names as sent
  std::string body;        // de-chunked
  // The value of the first header named `name` (case-insensitive); empty when absent.
  std::string header(const std::string& name) const;
  // The status code of a response start line; 0 when it has none.
  int status() const;
};

// A buffered reader over a connected socket. Not thread-safe; one per connection.
class WireReader {
 public:
  explicit WireReader(int fd) : m_fd(fd) {}
  // Reads one whole message. A response without Content-Length and not chunked ends when the peer
  // closes (pass is_response = true); a request without them has no body. False when the
  // connection closed or broke before a whole message arrived (a clean close before the first
  // byte leaves `clean_eof` true).
  bool read_message(HttpMessage& message, bool is_response, bool* clean_eof = nullptr);

 private:
  bool fill();  // more bytes into m_buffer; false at end of stream or error
  bool read_line(std::string& line);
  bool read_exact(std::size_t n, std::string& out);

  int m_fd;
  std::string m_buffer;
};

// The message as bytes, with Content-Length set from the body (any Transfer-Encoding dropped).
std::string serialize(const HttpMessage& message);

// Writes all of `data`; false when the peer went away.
bool write_all(int fd, const std::string& data);

// A TCP connection to 127.0.0.1:port, or -1.
int connect_loopback(int port);

// A listening socket on 127.0.0.1 with an OS-chosen port; -1 on failure.
int listen_loopback(int& port);

struct HttpReply {
  int status = 0;  // 0: no answer (connection refused, broken)
  std::string body;
};

// One request to http://127.0.0.1:<port><target> with Connection: close. Never throws.
HttpReply http_call(int port, const std::string& method, const std::string& target,
                    const std::string& body = "", const HeaderList& headers = {});

}  // namespace bzjira::reliability
