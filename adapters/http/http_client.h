// The HTTP transport every service client uses. cpprestsdk lives only behind this header's
// implementation (http_client.cpp), so it stays swappable and its slow headers stay in one file.
// Retries, backoff, timeouts, TLS rules, the loopback-only http:// rule and secret redaction are
// enforced here once for both Bugzilla and Jira.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sync/mapping.h"
#include "sync/result.h"

namespace bzjira::adapters::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";  // GET, POST, PUT, DELETE
  std::string url;             // absolute, query string included and already percent-encoded
  Headers headers;             // Content-Type is set from `body` when it is JSON and none is given
  std::string body;
  // false for writes that are not idempotent (POST of a comment, issue creation): such a request is
  // never sent a second time once it may have reached the server (timeout, reset after sending);
  // it fails with ErrorKind::transient and a message saying the outcome is unknown. The same holds
  // for a 5xx answer to such a request (the server may have acted before failing); 429 and answers
  // that `extra_retry` marks (rate limits: nothing was done) are still retried.
  bool idempotent = true;
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
  // Case-insensitive header lookup; empty when absent.
  std::string header(const std::string& name) const;
};

// Counters for the run summary and the benchmarks.
struct Stats {
  long requests = 0;  // attempts actually sent, retries included
  long retries = 0;
  long bytes_sent = 0;
  long bytes_received = 0;
};

// The body of a 2xx answer, read as it arrives (Client::send_streamed): nothing holds it whole.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Up to `max` (at least 1) more bytes into `into`; 0 at the end of the body. Errors: transient
  // when the connection failed, timed out or closed before the announced length (the answer was
  // cut short); internal past the 256 MiB a body may have.
  virtual sync::Result<std::size_t> read(char* into, std::size_t max) = 0;
};

// A body already in memory as a reader (an answer read whole, the tests' transports).
std::unique_ptr<BodyReader> text_reader(std::string text);

// What reads a streamed body: `head` is the answer without its body (the consumer may put text in
// head.body, e.g. a small answer it read whole); nullopt when done, else the error that ends the
// exchange (it may have read only part of the body).
using BodyConsumer = std::function<std::optional<sync::Error>(Response& head, BodyReader& body)>;

// One attempt, no retries. The real one is cpprest; tests use fakes that fail on demand.
class Transport {
 public:
  virtual ~Transport() = default;
  // Any HTTP status is a Response. Errors: transient for connection failure / timeout / reset (with
  // `sent` telling whether the request may have reached the server), config for TLS or URL refusal.
  struct Outcome {
    sync::Result<Response> result;
    bool maybe_sent = true;
  };
  virtual Outcome send_once(const Request& request) = 0;
  // send_once, but the body of a 2xx answer goes to `consume` as it arrives instead of being
  // collected (the outcome's body is what `consume` left in the head); other answers come whole.
  // An error `consume` returned is the outcome's error. Default: send_once, then its body handed to
  // `consume` from memory (the tests' transports).
  virtual Outcome send_once_streamed(const Request& request, const BodyConsumer& consume);
};

// A per-service rule on top of the standard one: e.g. Bugzilla's rate-limit answer is a JSON 400.
using RetryClassifier = std::function<bool(const Response&)>;

// Retrying client: exponential backoff with full jitter, bounded attempts and total time, on
// connection errors, timeouts, 5xx, 429 and whatever `extra_retry` says; honours Retry-After
// (seconds or HTTP date) and X-RateLimit-Reset. Returns the final Response for any non-retried
// status (4xx included: the service client turns those into typed errors); an Error only when no
// usable answer came (attempts or time ran out: transient; refused by policy: config).
class Client {
 public:
  Client(sync::HttpSettings settings, std::vector<std::string> secrets,
         std::shared_ptr<Transport> transport = nullptr, RetryClassifier extra_retry = nullptr);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  sync::Result<Response> send(const Request& request);
  // send() for a GET whose 2xx body `consume` reads as it arrives (Transport::send_once_streamed).
  // What happens before the body is retried as send() retries it; an error of `consume`, which may
  // have handed on part of the body, is returned as it is and never retried here (only the caller
  // knows what it already took). Other answers come whole, as from send(). Not for writes.
  sync::Result<Response> send_streamed(const Request& request, const BodyConsumer& consume);
  // Sends independent requests with at most settings.concurrency (1-32; 1 = one after another) in
  // flight, each exactly as send() would (same retries; a non-idempotent one is still never sent
  // twice once it may have arrived). One result per request, in the order of `requests`. Not an
  // error: an empty list. A rate-limit answer (429, a 5xx with Retry-After, or what `extra_retry`
  // marks) holds back every request of this client, started or retried afterwards, until its wait
  // has passed, so the workers back off together instead of hammering a limited server.
  std::vector<sync::Result<Response>> send_all(const std::vector<Request>& requests);
  // settings.concurrency, at least 1.
  int concurrency() const;
  Stats stats() const;
  // For tests: replace sleeping (default: really sleep).
  void set_sleep_function(std::function<void(double seconds)> sleep);
  // For tests: the wall clock used to read Retry-After dates and X-RateLimit-Reset (default: the
  // system clock). The retry budget itself is counted from measured send times plus sleeps.
  void set_clock_function(std::function<std::chrono::system_clock::time_point()> now);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Runs task(0) ... task(count - 1), at most `concurrency` of them at a time (the calling thread is
// one of the workers), and returns when all have finished. For independent work of a service
// client whose requests go through one Client (which makes them back off together). A task must
// not throw; if one does anyway, that task stops and the others still run. Order of execution is
// unspecified; tasks write their results to their own index.
void for_each_bounded(std::size_t count, int concurrency,
                      const std::function<void(std::size_t index)>& task);

// Freed heap memory stays in glibc's heaps (one per thread that allocated it) unless it is asked
// back. By default the readers of large answers ask after each wave of requests and each batch of
// comments handed over (release_free_memory: malloc_trim), so that a cold sync's peak memory
// follows one answer, not the history read. A command whose heap is set up to be kept and reused
// (one arena, freed memory kept: adapters/cli/bulk_heap.h) turns this off: there, pages given
// back are only faulted in again by the next answer (the live audit at 1000x50 spent about half
// of its CPU so; docs/bench-history.md).
void set_release_free_memory(bool on);
void release_free_memory();

// Sizes the HTTP library's shared I/O thread pool; cpprest starts 40 threads otherwise. Requests
// are asynchronous on that pool: the callers' threads wait for the answers (send() blocks, see
// for_each_bounded) and the pool only runs the sockets' handlers, so a few threads serve any
// http.concurrency. Call once at program start, before any request. False when the pool was
// already started (by an earlier request or call), which leaves it as it was.
bool set_io_threads(std::size_t threads);

// The cpprest transport with the mapping's timeouts, User-Agent bzjira/<version>, TLS verification
// always on (optional CA bundle) and http:// refused for non-loopback hosts unless allowed.
std::shared_ptr<Transport> make_cpprest_transport(const sync::HttpSettings& settings);

}  // namespace bzjira::adapters::http
