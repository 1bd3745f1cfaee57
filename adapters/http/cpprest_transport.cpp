// The one production file that includes cpprest's HTTP client (ARCHITECTURE.md rule 5). Everything
// cpprest or Boost throws is caught here and turned into an Error.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cpprest/http_client.h>
#include <pplx/threadpool.h>
#include <algorithm>
#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/http/describe.h"
#include "adapters/http/http_client.h"
#include "adapters/http/url_policy.h"
#include "adapters/http/version.h"

namespace bzjira::adapters::http {

using sync::ErrorKind;
using sync::make_error;
namespace client = web::http::client;

namespace {

constexpr std::uint64_t k_max_body_bytes = 256ULL * 1024 * 1024;
// Spare bytes reserved after a response body (simdjson's SIMDJSON_PADDING).
constexpr std::size_t k_body_padding = 64;

std::string lower(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool is_loopback_host(std::string host) {
  host = lower(std::move(host));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") {
    return true;
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

struct BodyTooLarge : std::exception {
  const char* what() const noexcept override { return "response body too large"; }
};

// What the cpprest threads tell the caller: whether the request headers went out (after that
// the server may act on it), and whether the whole exchange is over.
struct Progress {
  std::mutex mutex;
  std::condition_variable changed;
  bool written = false;
  bool done = false;
  std::atomic<bool> too_large{false};

  void set(bool Progress::*flag) {
    {
      std::lock_guard lock(mutex);
      this->*flag = true;
    }
    changed.notify_all();
  }
  bool was_written() {
    std::lock_guard lock(mutex);
    return written;
  }
};

Transport::Outcome failure(ErrorKind kind, std::string message, bool maybe_sent) {
  return Transport::Outcome{make_error(kind, std::move(message)), maybe_sent};
}

class CpprestTransport final : public Transport {
 public:
  explicit CpprestTransport(sync::HttpSettings settings) : m_settings(std::move(settings)) {
    if (!m_settings.ca_bundle.empty()) {
      try {
        boost::asio::ssl::context probe(boost::asio::ssl::context::tls_client);
        probe.load_verify_file(m_settings.ca_bundle);
      } catch (const std::exception& e) {
        m_setup_error = "cannot load the CA bundle '" + m_settings.ca_bundle + "': " + e.what();
      }
    }
  }

  Outcome send_once(const Request& request) override { return attempt(request, nullptr); }

  Outcome send_once_streamed(const Request& request, const BodyConsumer& consume) override {
    return attempt(request, &consume);
  }

 private:
  Outcome attempt(const Request& request, const BodyConsumer* consume) {
    if (auto allowed = check_url_allowed(request.url, m_settings); !allowed.ok()) {
      return Outcome{allowed.error(), false};
    }
    if (!m_setup_error.empty()) {
      return failure(ErrorKind::config, m_setup_error, false);
    }
    for (const auto& [name, value] : request.headers) {
      if ((name + value).find_first_of("\r\n") != std::string::npos) {
        return failure(ErrorKind::internal,
                       describe(request) + ": header " + name + " contains a line break", false);
      }
    }
    auto progress = std::make_shared<Progress>();
    try {
      return exchange(request, progress, consume);
    } catch (const std::exception& e) {
      return failure(ErrorKind::internal,
                     describe(request) + ": unexpected HTTP library failure: " + e.what(),
                     progress->was_written());
    } catch (...) {
      return failure(ErrorKind::internal, describe(request) + ": unexpected HTTP library failure",
                     progress->was_written());
    }
  }

  client::http_client_config make_config() const {
    client::http_client_config config;
    config.set_timeout(std::chrono::seconds(std::max(1, m_settings.request_timeout_seconds)));
    config.set_validate_certificates(
        true);  // cpprest checks the chain and the host name (RFC 2818)
    const std::string ca_bundle = m_settings.ca_bundle;
    config.set_ssl_context_callback([ca_bundle](boost::asio::ssl::context& ctx) {
      SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
      if (!ca_bundle.empty()) {
        // The bundle replaces the system store (cpprest loaded it already): a private CA setup
        // should not silently trust every public CA as well.
        SSL_CTX_set_cert_store(ctx.native_handle(), X509_STORE_new());
        ctx.load_verify_file(ca_bundle);
      }
    });
    return config;
  }

  // cpprest resends a request by itself when a pooled (reused) connection turns out closed while
  // it waited for the status line (asio_context::handle_failed_read_status_line): the first copy
  // may have reached the server. A non-idempotent request therefore gets a client of its own,
  // whose pool is empty, so its one connection is never "reused" and never silently resent.
  std::shared_ptr<client::http_client> client_for(const web::uri& authority, bool fresh) {
    if (fresh) {
      return std::make_shared<client::http_client>(authority, make_config());
    }
    std::lock_guard lock(m_mutex);
    auto& slot = m_clients[authority.to_string()];
    if (!slot) {
      slot = std::make_shared<client::http_client>(authority, make_config());
    }
    return slot;
  }

  Outcome exchange(const Request& request, const std::shared_ptr<Progress>& progress,
                   const BodyConsumer* consume) {
    const web::uri uri(request.url);
    const std::string& host = uri.host();
    auto http = client_for(uri.authority(), !request.idempotent);

    web::http::http_request req(request.method);
    req.set_request_uri(uri.resource());
    std::string content_type;
    for (const auto& [name, value] : request.headers) {
      if (lower(name) == "user-agent") {
        continue;
      }
      if (lower(name) == "content-type") {
        content_type = value;
        continue;
      }
      req.headers().add(name, value);
    }
    req.headers().add("User-Agent", k_user_agent);
    if (!request.body.empty()) {
      if (content_type.empty()) {
        const auto first = request.body.find_first_not_of(" \t\r\n");
        const bool json = first != std::string::npos &&
                          (request.body[first] == '{' || request.body[first] == '[');
        content_type = json ? "application/json" : "text/plain; charset=utf-8";
      }
      req.set_body(std::string(request.body), content_type);
    } else if (!content_type.empty()) {
      req.headers().add("Content-Type", content_type);
    }
    // The first upload callback comes right after the request headers were written (cpprest's
    // handle_write_large_body / handle_write_body): from then on the server may act on it.
    req.set_progress_handler(
        [progress](web::http::message_direction::direction direction, utility::size64_t so_far) {
          if (direction == web::http::message_direction::upload) {
            if (!progress->was_written()) {
              progress->set(&Progress::written);
            }
          } else if (so_far > k_max_body_bytes) {
            progress->too_large = true;
            throw BodyTooLarge();
          }
        });

    pplx::cancellation_token_source cancel;
    bool connect_timed_out = false;
    try {
      auto pending = http->request(req, cancel.get_token());
      // pplx terminates the process when a task's exception is never observed: this continuation
      // only flags completion and must not throw; `pending` itself is always observed by get().
      auto flagged = pending.then([progress](const pplx::task<web::http::http_response>&) noexcept {
        try {
          progress->set(&Progress::done);
        } catch (...) {
        }
      });
      // Every way out waits for that continuation: one still queued when the process exits holds
      // the request's task graph, which LeakSanitizer reports as leaked (issue 7).
      struct AwaitFlagged {
        pplx::task<void>& task;
        ~AwaitFlagged() {
          try {
            task.wait();
          } catch (...) {
          }
        }
      } await_flagged{flagged};
      // cpprest has one inactivity timer for everything; the connect timeout (DNS, TCP, TLS and
      // writing the headers) is enforced here by cancelling a request that never got written.
      {
        std::unique_lock lock(progress->mutex);
        const auto limit = std::chrono::seconds(std::max(1, m_settings.connect_timeout_seconds));
        if (!progress->changed.wait_for(lock, limit,
                                        [&] { return progress->written || progress->done; })) {
          connect_timed_out = true;
        }
      }
      if (connect_timed_out) {
        cancel.cancel();
      }
      web::http::http_response response = pending.get();
      if (response.headers().content_length() > k_max_body_bytes) {
        cancel.cancel();
        try {
          response.content_ready().wait();  // observe the cancelled body read (see above)
        } catch (...) {
        }
        return too_large(request);
      }
      Response out;
      out.status = response.status_code();
      for (const auto& [name, value] : response.headers()) {
        out.headers.emplace_back(name, value);
      }
      // The body is taken from cpprest's buffer while it arrives, straight into the string (with
      // room after it for the padding the JSON parsers read past the end: adapters/bugzilla reads
      // a body in place when it has that room). Waiting for all of it first would hold every byte
      // twice at the end, once in cpprest's blocks and once here (issue 14).
      if (consume != nullptr && out.status >= 200 && out.status <= 299) {
        return streamed(request, response, cancel, *consume, std::move(out));
      }
      if (!read_body(response, out.body)) {
        cancel.cancel();
        try {
          response.content_ready().wait();  // observe the cancelled body read (see above)
        } catch (...) {
        }
        return too_large(request);
      }
      response.content_ready().wait();  // the body's errors (a reset, the size limit) come here
      if (progress->too_large) {
        return too_large(request);
      }
      if (out.body.capacity() - out.body.size() < k_body_padding) {
        out.body.reserve(out.body.size() + k_body_padding);
      }
      return Outcome{std::move(out), true};
    } catch (const BodyTooLarge&) {
      return too_large(request);
    } catch (const web::http::http_exception& e) {
      if (progress->too_large) {
        return too_large(request);
      }
      return classify(request, host, e, connect_timed_out, progress->was_written());
    } catch (const pplx::task_canceled&) {
      if (connect_timed_out && !progress->was_written()) {
        return connect_timeout(request);
      }
      return failure(ErrorKind::transient, describe(request) + ": request cancelled", true);
    }
  }

  // A 2xx body handed to `consume` as cpprest receives it. A consumer that stops before the end
  // (an error, or it needed no more) leaves the rest unread: the exchange is cancelled.
  static Outcome streamed(const Request& request, web::http::http_response& response,
                          pplx::cancellation_token_source& cancel, const BodyConsumer& consume,
                          Response head) {
    StreamReader reader(request, response);
    std::optional<sync::Error> error = consume(head, reader);
    if (!reader.finished()) {
      cancel.cancel();
    }
    try {
      response.content_ready().wait();  // observe the body read, cancelled or not (see above)
    } catch (...) {
    }
    if (error) {
      return Outcome{std::move(*error), true};
    }
    return Outcome{std::move(head), true};
  }

  // cpprest's body stream as a BodyReader. Its end is checked: a connection that failed or closed
  // before the announced length is a transient error, not the end of the body.
  class StreamReader final : public BodyReader {
   public:
    StreamReader(const Request& request, web::http::http_response& response)
        : m_request(request),
          m_response(response),
          m_buffer(response.body().streambuf()),
          m_announced(response.headers().content_length()) {}

    sync::Result<std::size_t> read(char* into, std::size_t max) override {
      if (m_finished) {
        return std::size_t{0};
      }
      std::size_t got = 0;
      try {
        got = m_buffer.getn(reinterpret_cast<std::uint8_t*>(into), std::max<std::size_t>(1, max))
                  .get();
      } catch (...) {
        got = 0;
      }
      m_read += got;
      if (m_read > k_max_body_bytes) {
        return make_error(ErrorKind::internal,
                          describe(m_request) + ": response body larger than 256 MiB refused");
      }
      if (got > 0) {
        return got;
      }
      // The end, or a failure: content_ready() says which.
      try {
        m_response.content_ready().wait();
      } catch (const std::exception& e) {
        return make_error(
            ErrorKind::transient,
            describe(m_request) + ": the connection failed mid-answer: " + std::string(e.what()));
      }
      if (m_announced > 0 && m_read < m_announced) {
        return make_error(ErrorKind::transient, describe(m_request) + ": the answer ended after " +
                                                    std::to_string(m_read) + " of its " +
                                                    std::to_string(m_announced) + " bytes");
      }
      m_finished = true;
      return std::size_t{0};
    }

    bool finished() const { return m_finished; }

   private:
    const Request& m_request;
    web::http::http_response& m_response;
    concurrency::streams::streambuf<std::uint8_t> m_buffer;
    std::uint64_t m_announced;
    std::uint64_t m_read = 0;
    bool m_finished = false;
  };

  // Reads the body into `body` until its end (Content-Length, when sent, is reserved at once);
  // false when it grew past the limit. A failed read ends it: content_ready() then says why. Each
  // step lands in a small buffer first and is appended from there: growing the string to read
  // into it would write every byte of a large body twice, zeros first (the zeroing was 13% of a
  // live audit's CPU samples at 1000x50).
  static bool read_body(web::http::http_response& response, std::string& body) {
    constexpr std::size_t k_step = 64 * 1024;
    const std::uint64_t announced = response.headers().content_length();
    body.reserve(static_cast<std::size_t>(std::min(announced, k_max_body_bytes)) + k_body_padding);
    auto buffer = response.body().streambuf();
    std::vector<std::uint8_t> step(k_step);
    for (;;) {
      const std::size_t at = body.size();
      if (announced > 0 && at >= announced) {
        return true;  // cpprest reads no more than Content-Length
      }
      if (body.capacity() < at + k_body_padding + 1) {
        body.reserve(std::max(body.capacity() * 2, at + k_step + k_body_padding));
      }
      // Never past the capacity: a body of the announced length fits without moving.
      const std::size_t want = std::min(k_step, body.capacity() - at - k_body_padding);
      std::size_t got = 0;
      try {
        got = buffer.getn(step.data(), want).get();
      } catch (...) {
        got = 0;
      }
      body.append(reinterpret_cast<const char*>(step.data()), got);
      if (body.size() > k_max_body_bytes) {
        return false;
      }
      if (got == 0) {
        return true;
      }
    }
  }

  Outcome too_large(const Request& request) const {
    return failure(ErrorKind::internal,
                   describe(request) + ": response body larger than 256 MiB refused", true);
  }

  Outcome connect_timeout(const Request& request) const {
    return failure(ErrorKind::transient,
                   describe(request) + ": could not connect within " +
                       std::to_string(std::max(1, m_settings.connect_timeout_seconds)) +
                       " s (connect timeout)",
                   false);
  }

  Outcome classify(const Request& request, const std::string& host,
                   const web::http::http_exception& e, bool connect_timed_out, bool written) const {
    const std::string what = e.what();
    const std::error_code code = e.error_code();
    if (connect_timed_out && !written) {
      return connect_timeout(request);
    }
    if (starts_with(what, "Error in SSL handshake")) {
      return tls_failure(request, host, code);
    }
    if (code == std::errc::timed_out) {
      return failure(ErrorKind::transient,
                     describe(request) + ": no answer within " +
                         std::to_string(std::max(1, m_settings.request_timeout_seconds)) +
                         " s (request timeout)",
                     written);
    }
    if (starts_with(what, "Error resolving address") ||
        starts_with(what, "Failed to resolve address")) {
      return failure(ErrorKind::transient,
                     describe(request) + ": cannot resolve host name '" + host + "'", false);
    }
    if (starts_with(what, "Failed to connect to any resolved endpoint")) {
      return failure(ErrorKind::transient,
                     describe(request) + ": cannot connect to " + host +
                         " (connection refused or host unreachable)",
                     false);
    }
    return failure(ErrorKind::transient,
                   describe(request) + ": " + what + " (" + code.message() + ")", written);
  }

  // cpprest reports every handshake failure as "Error in SSL handshake" with OpenSSL's packed
  // error as the code; OpenSSL can still name the reason.
  Outcome tls_failure(const Request& request, const std::string& host,
                      const std::error_code& code) const {
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(code.value()));
    const std::string why = reason != nullptr ? reason : code.message();
    if (why.find("certificate verify failed") != std::string::npos) {
      return failure(ErrorKind::config,
                     "TLS certificate verification failed for host " + host + ": " + why +
                         " (the certificate is not trusted by " +
                         (m_settings.ca_bundle.empty() ? std::string("the system trust store")
                                                       : "the CA bundle " + m_settings.ca_bundle) +
                         ", or does not name this host); request was " + describe(request),
                     false);
    }
    if (reason == nullptr) {
      // A plain socket error during the handshake (reset, EOF): the network, not the setup.
      return failure(ErrorKind::transient,
                     "TLS handshake with host " + host + " interrupted: " + why + "; request was " +
                         describe(request),
                     false);
    }
    return failure(ErrorKind::config,
                   "TLS handshake with host " + host + " failed: " + why +
                       " (is it an https server?); request was " + describe(request),
                   false);
  }

  sync::HttpSettings m_settings;
  std::string m_setup_error;
  std::mutex m_mutex;
  std::map<std::string, std::shared_ptr<client::http_client>> m_clients;
};

}  // namespace

sync::Status check_url_allowed(const std::string& url, const sync::HttpSettings& settings) {
  const std::string shown = log::redact(url, {});
  try {
    const web::uri uri(url);
    const std::string scheme = lower(uri.scheme());
    if (scheme != "https" && scheme != "http") {
      return make_error(ErrorKind::config, "unsupported URL scheme '" + uri.scheme() + "' in " +
                                               shown + ": use https://");
    }
    if (uri.host().empty()) {
      return make_error(ErrorKind::config, "URL without a host: " + shown);
    }
    if (scheme == "http" && !settings.allow_insecure_http && !is_loopback_host(uri.host())) {
      return make_error(ErrorKind::config,
                        "refusing plain http:// to " + uri.host() + " (" + shown +
                            "): API keys and tokens would cross the network unencrypted. Use "
                            "https://, or set \"allow_insecure_http\": true in this service's "
                            "http settings of the mapping if the network path is trusted");
    }
    return sync::ok_status();
  } catch (const std::exception& e) {
    return make_error(ErrorKind::config, "invalid URL " + shown + ": " + e.what());
  }
}

bool set_io_threads(std::size_t threads) {
  try {
    crossplat::threadpool::initialize_with_threads(threads);
    return true;
  } catch (const std::exception&) {
    return false;  // already started
  }
}

std::shared_ptr<Transport> make_cpprest_transport(const sync::HttpSettings& settings) {
  return std::make_shared<CpprestTransport>(settings);
}

}  // namespace bzjira::adapters::http
