#include "tests/reliability/tls_tunnel.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "tests/reliability/http_wire.h"

namespace bzjira::reliability {

TlsTunnel::TlsTunnel(int upstream_port) : m_dir("tls"), m_upstream(upstream_port) {
  Child openssl(
      "/usr/bin/openssl",
      {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
       "-keyout", m_dir.file("key.pem"), "-out", m_dir.file("cert.pem"), "-days", "2", "-subj",
       "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"},
      Env{}, m_dir.file("openssl.out"), m_dir.file("openssl.err"));
  if (!openssl.wait(std::chrono::seconds(30)) || openssl.exit_code() != 0) {
    throw std::runtime_error("openssl req failed: " + read_file(m_dir.file("openssl.err")));
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr ||
      SSL_CTX_use_certificate_file(ctx, m_dir.file("cert.pem").c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, m_dir.file("key.pem").c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(ctx);
    throw std::runtime_error("cannot load the test certificate");
  }
  m_ctx = ctx;
  m_listen_fd = listen_loopback(m_port);
  if (m_listen_fd < 0) {
    SSL_CTX_free(ctx);
    throw std::runtime_error("TLS tunnel cannot listen");
  }
  m_acceptor = std::thread([this] { accept_loop(); });
}

TlsTunnel::~TlsTunnel() {
  m_stop = true;
  m_acceptor.join();
  for (std::thread& t : m_workers) {
    t.join();
  }
  ::close(m_listen_fd);
  SSL_CTX_free(static_cast<SSL_CTX*>(m_ctx));
}

void TlsTunnel::accept_loop() {
  while (!m_stop) {
    pollfd p{m_listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) {
      continue;
    }
    const int client = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client >= 0) {
      std::lock_guard<std::mutex> lock(m_mu);
      m_workers.emplace_back([this, client] { serve(client); });
    }
  }
}

// One connection: the handshake, then bytes both ways until either side closes (or the tunnel
// stops; polls wake up every 50 ms to notice).
void TlsTunnel::serve(int client) {
  SSL* ssl = SSL_new(static_cast<SSL_CTX*>(m_ctx));
  SSL_set_fd(ssl, client);
  int upstream = -1;
  if (SSL_accept(ssl) != 1) {
    ++m_failures;
    ERR_clear_error();
  } else {
    ++m_handshakes;
    upstream = connect_loopback(m_upstream);
  }
  char buf[16384];
  while (upstream >= 0 && !m_stop) {
    pollfd p[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    if (SSL_pending(ssl) == 0 && ::poll(p, 2, 50) <= 0) {
      continue;
    }
    if (SSL_pending(ssl) > 0 || (p[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const int n = SSL_read(ssl, buf, sizeof buf);
      if (n <= 0 || !write_all(upstream, std::string(buf, static_cast<std::size_t>(n)))) {
        break;
      }
    }
    if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t n = ::recv(upstream, buf, sizeof buf, 0);
      if (n <= 0 || SSL_write(ssl, buf, static_cast<int>(n)) <= 0) {
        break;
      }
    }
  }
  if (upstream >= 0) {
    ::close(upstream);
  }
  SSL_shutdown(ssl);
  SSL_free(ssl);
  ::close(client);
}

}  // namespace bzjira::reliability
