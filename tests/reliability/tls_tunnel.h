// A TLS front for the transport tests: listens on 127.0.0.1 with a self-signed certificate (made
// with the openssl command for 127.0.0.1 and localhost), and after each completed handshake pipes
// the decrypted bytes to a plain HTTP server on 127.0.0.1 (a simulator) and back.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/reliability/process.h"

namespace bzjira::reliability {

class TlsTunnel {
 public:
  // Creates the certificate in a scratch directory and starts listening. Throws
  // std::runtime_error when the certificate cannot be made or the port cannot be opened.
  explicit TlsTunnel(int upstream_port);
  ~TlsTunnel();
  TlsTunnel(const TlsTunnel&) = delete;
  TlsTunnel& operator=(const TlsTunnel&) = delete;

  std::string url() const { return "https://127.0.0.1:" + std::to_string(m_port); }
  std::string certificate_path() const { return m_dir.file("cert.pem"); }  // PEM, self-signed
  int handshakes_completed() const { return m_handshakes; }
  int handshakes_failed() const { return m_failures; }

 private:
  void accept_loop();
  void serve(int client);

  TempDir m_dir;
  int m_upstream;
  int m_listen_fd = -1;
  int m_port = 0;
  void* m_ctx = nullptr;  // SSL_CTX*, kept out of this header
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_handshakes{0};
  std::atomic<int> m_failures{0};
  std::thread m_acceptor;
  std::mutex m_mu;
  std::vector<std::thread> m_workers;
};

}  // namespace bzjira::reliability
