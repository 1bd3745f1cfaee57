#include "adapters/http/http_client.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <date/date.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "adapters/http/describe.h"
#include "adapters/log/log.h"

namespace bzjira::adapters::http {

using sync::ErrorKind;
using sync::make_error;
using Clock = std::chrono::system_clock;

namespace {

constexpr double k_backoff_base_seconds = 0.5;
constexpr double k_backoff_cap_seconds = 30.0;
// Below this, the budget counts as spent: a retry after a 1 ms wait helps nobody.
constexpr double k_min_useful_wait_seconds = 0.001;

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) {
    return "";
  }
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

std::optional<Clock::time_point> parse_time(const std::string& value,
                                            std::initializer_list<const char*> formats) {
  for (const char* format : formats) {
    std::istringstream in(value);
    in.imbue(std::locale::classic());
    date::sys_seconds tp;
    in >> date::parse(format, tp);
    if (!in.fail() && (in >> std::ws).eof()) {
      return tp;
    }
  }
  return std::nullopt;
}

double seconds_until(Clock::time_point when, Clock::time_point now) {
  return std::max(0.0, std::chrono::duration<double>(when - now).count());
}

// Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date (IMF-fixdate, or the two obsolete
// forms recipients must accept). Unparseable values are ignored: the backoff applies instead.
std::optional<double> parse_retry_after(const std::string& raw, Clock::time_point now) {
  const std::string value = trim(raw);
  if (value.empty()) {
    return std::nullopt;
  }
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) {
      return 1e9;  // absurdly long: certainly beyond any budget
    }
    return std::stod(value);
  }
  const auto when = parse_time(
      value, {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %d %H:%M:%S %Y"});
  if (!when) {
    return std::nullopt;
  }
  return seconds_until(*when, now);
}

// Jira Cloud's X-RateLimit-Reset: ISO 8601, documented as yyyy-MM-ddTHH:mmZ; seconds and numeric
// offsets are accepted too.
std::optional<double> parse_rate_limit_reset(const std::string& raw, Clock::time_point now) {
  const std::string value = trim(raw);
  if (value.empty()) {
    return std::nullopt;
  }
  const auto when = parse_time(value, {"%Y-%m-%dT%H:%MZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M%Ez",
                                       "%Y-%m-%dT%H:%M:%S%Ez"});
  if (!when) {
    return std::nullopt;
  }
  return seconds_until(*when, now);
}

std::string format_number(double seconds) {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out.precision(seconds < 10 ? 2 : 0);
  out << std::fixed << seconds;
  return out.str();
}

std::string format_seconds(double seconds) { return format_number(seconds) + " s"; }

std::string rfc3339(Clock::time_point tp) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", date::floor<std::chrono::seconds>(tp));
}

}  // namespace

std::string Response::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) {
      return value;
    }
  }
  return "";
}

namespace {

// A body already in memory, read in pieces (the default send_once_streamed).
class TextReader : public BodyReader {
 public:
  explicit TextReader(std::string text) : m_text(std::move(text)) {}
  sync::Result<std::size_t> read(char* into, std::size_t max) override {
    const std::size_t n = std::min(max, m_text.size() - m_at);
    std::copy_n(m_text.data() + m_at, n, into);
    m_at += n;
    return n;
  }

 private:
  std::string m_text;
  std::size_t m_at = 0;
};

// Counts what the consumer read, for the client's statistics.
class CountingReader : public BodyReader {
 public:
  explicit CountingReader(BodyReader& inner) : m_inner(inner) {}
  sync::Result<std::size_t> read(char* into, std::size_t max) override {
    auto got = m_inner.read(into, max);
    if (got.ok()) {
      bytes += got.value();
    }
    return got;
  }
  std::size_t bytes = 0;

 private:
  BodyReader& m_inner;
};

}  // namespace

std::unique_ptr<BodyReader> text_reader(std::string text) {
  return std::make_unique<TextReader>(std::move(text));
}

Transport::Outcome Transport::send_once_streamed(const Request& request,
                                                 const BodyConsumer& consume) {
  Outcome outcome = send_once(request);
  if (!outcome.result.ok()) {
    return outcome;
  }
  Response& response = outcome.result.value();
  if (response.status < 200 || response.status > 299) {
    return outcome;
  }
  const auto body = text_reader(std::exchange(response.body, std::string()));
  if (auto error = consume(response, *body)) {
    return Outcome{std::move(*error), true};
  }
  return outcome;
}

struct Client::Impl {
  sync::HttpSettings settings;
  std::vector<std::string> secrets;
  std::shared_ptr<Transport> transport;
  RetryClassifier extra_retry;
  std::function<void(double)> sleep = [](double seconds) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  };
  std::function<Clock::time_point()> now = [] { return Clock::now(); };

  // Send may run on several threads at once (settings.concurrency): shared state is guarded.
  mutable std::mutex mutex;
  Stats stats;
  std::mt19937_64 rng{std::random_device{}()};
  // The rate-limit gate: no attempt starts before this instant. Shared by every thread sending
  // through this client, so one 429 holds back the other workers too. Steady clock: a wall clock
  // step must not open or shut it.
  std::chrono::steady_clock::time_point not_before{};

  // Seconds to wait before the next attempt; 0 when the gate is open or already waited for
  // (`honoured`: the latest gate this request has slept through, moved forward here).
  double gate_wait(std::chrono::steady_clock::time_point& honoured) const {
    std::lock_guard lock(mutex);
    if (not_before <= honoured) {
      return 0.0;
    }
    honoured = not_before;
    return std::max(
        0.0, std::chrono::duration<double>(not_before - std::chrono::steady_clock::now()).count());
  }

  // Closes the gate for `seconds`; returns the gate's new instant, which the caller honours by
  // sleeping those seconds itself.
  std::chrono::steady_clock::time_point hold_back(double seconds) {
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                           std::chrono::duration<double>(seconds));
    std::lock_guard lock(mutex);
    not_before = std::max(not_before, until);
    return not_before;
  }

  double full_jitter(int retry_number) {
    const double ceiling = std::min(
        k_backoff_cap_seconds, k_backoff_base_seconds * std::pow(2.0, std::min(retry_number, 30)));
    std::lock_guard lock(mutex);
    return std::uniform_real_distribution<double>(0.0, ceiling)(rng);
  }

  // `streamed`: the body bytes a consumer read (not in the outcome's body).
  void count(const Request& request, const Transport::Outcome& outcome, bool is_retry,
             std::size_t streamed) {
    std::lock_guard lock(mutex);
    ++stats.requests;
    if (is_retry) {
      ++stats.retries;
    }
    stats.bytes_sent += static_cast<long>(request.body.size());
    stats.bytes_received += static_cast<long>(streamed);
    if (outcome.result.ok()) {
      stats.bytes_received += static_cast<long>(outcome.result.value().body.size());
    }
  }

  bool retryable_status(const Response& response) const {
    const int s = response.status;
    // 501 and 505 say the server will never do this: retrying cannot help.
    if (s == 429 || (s >= 500 && s <= 599 && s != 501 && s != 505)) {
      return true;
    }
    return extra_retry && extra_retry(response);
  }

  // Rate-limit answers mean the request was refused before anything happened, so even a
  // non-idempotent write may be sent again; other 5xx may have been half-done.
  bool surely_not_acted_on(const Response& response) const {
    return response.status == 429 ||
           (response.status < 500 && extra_retry && extra_retry(response));
  }

  sync::Error error(ErrorKind kind, const std::string& message, int status = 0) const {
    return make_error(kind, log::redact(message, secrets), status);
  }

  // With `consume`, a 2xx body is streamed to it (Client::send_streamed).
  sync::Result<Response> send(const Request& request, const BodyConsumer* consume = nullptr);
};

sync::Result<Response> Client::Impl::send(const Request& request, const BodyConsumer* consume) {
  const std::string what = describe(request, secrets);
  const int max_attempts = std::max(1, settings.max_attempts);
  const double budget = std::max(0, settings.max_retry_seconds);
  double elapsed = 0;  // measured send time plus requested sleeps: deterministic under a fake sleep
  std::chrono::steady_clock::time_point honoured{};  // the rate-limit gate already waited for
  for (int attempt = 1;; ++attempt) {
    // Another worker was told to wait: do not hammer the server meanwhile. Waited once, not in a
    // loop (a test's sleep function returns at once); the wait counts against this budget too.
    if (const double held = gate_wait(honoured); held >= k_min_useful_wait_seconds) {
      sleep(held);
      elapsed += held;
    }
    const auto started = std::chrono::steady_clock::now();
    std::size_t streamed = 0;
    bool consumed = false;  // the consumer ran: its error is returned as it is, never retried
    Transport::Outcome outcome =
        consume == nullptr
            ? transport->send_once(request)
            : transport->send_once_streamed(
                  request, [&](Response& head, BodyReader& body) -> std::optional<sync::Error> {
                    consumed = true;
                    CountingReader counted(body);
                    auto result = (*consume)(head, counted);
                    streamed = counted.bytes;
                    return result;
                  });
    elapsed += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    count(request, outcome, attempt > 1, streamed);
    if (consumed) {
      return std::move(outcome.result);
    }

    std::string reason;
    int status = 0;
    std::optional<double> server_wait;
    bool rate_limited = false;  // the server refused for load: every worker should wait
    if (!outcome.result.ok()) {
      const sync::Error& e = outcome.result.error();
      if (e.kind != ErrorKind::transient) {
        return error(e.kind, e.message, e.http_status);
      }
      if (!request.idempotent && outcome.maybe_sent) {
        return error(ErrorKind::transient,
                     what + ": outcome unknown (" + e.message +
                         "); the request may have reached the server and is not idempotent, so it "
                         "was not resent: check the server before trying again");
      }
      reason = e.message;
    } else {
      const Response& response = outcome.result.value();
      if (!retryable_status(response)) {
        return std::move(outcome.result);  // a member of a local is copied unless moved
      }
      status = response.status;
      if (!request.idempotent && !surely_not_acted_on(response)) {
        return error(ErrorKind::transient,
                     what + ": outcome unknown (HTTP " + std::to_string(status) +
                         "); the server may have acted before failing and the request is not "
                         "idempotent, so it was not resent: check the server before trying again",
                     status);
      }
      reason = "HTTP " + std::to_string(status);
      const auto wall_now = now();
      server_wait = parse_retry_after(response.header("Retry-After"), wall_now);
      if (status == 429) {
        if (auto reset = parse_rate_limit_reset(response.header("X-RateLimit-Reset"), wall_now)) {
          server_wait = std::max(server_wait.value_or(0.0), *reset);
        }
      }
      rate_limited = server_wait.has_value() || surely_not_acted_on(response);
    }

    if (attempt >= max_attempts) {
      return error(ErrorKind::transient,
                   what + " failed after " + std::to_string(attempt) + " attempts in " +
                       format_seconds(elapsed) + "; last error: " + reason,
                   status);
    }
    const double remaining = budget - elapsed;
    if (server_wait && *server_wait > remaining) {
      const auto retry_at = now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(*server_wait));
      return error(ErrorKind::transient,
                   what + ": " + reason + " and the server asked to wait " +
                       format_seconds(*server_wait) + ", more than the " +
                       format_seconds(std::max(0.0, remaining)) +
                       " left of the retry budget; retry after " + rfc3339(retry_at),
                   status);
    }
    if (remaining < k_min_useful_wait_seconds) {
      return error(ErrorKind::transient,
                   what + " failed: retry time budget of " + format_seconds(budget) +
                       " used up after " + std::to_string(attempt) +
                       " attempts; last error: " + reason,
                   status);
    }
    const double wait = std::min(server_wait ? *server_wait : full_jitter(attempt - 1), remaining);
    if (rate_limited) {
      honoured = hold_back(wait);
    }
    log::event(spdlog::level::warn, "http_retry",
               log::redact(what + ": " + reason + "; retrying", secrets),
               {{"attempt", std::to_string(attempt)},
                {"max_attempts", std::to_string(max_attempts)},
                {"wait_seconds", format_number(wait)}});
    sleep(wait);
    elapsed += wait;
  }
}

Client::Client(sync::HttpSettings settings, std::vector<std::string> secrets,
               std::shared_ptr<Transport> transport, RetryClassifier extra_retry)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->settings = std::move(settings);
  m_impl->secrets = std::move(secrets);
  m_impl->transport = transport ? std::move(transport) : make_cpprest_transport(m_impl->settings);
  m_impl->extra_retry = std::move(extra_retry);
}

Client::~Client() = default;

sync::Result<Response> Client::send(const Request& request) {
  try {
    return m_impl->send(request);
  } catch (const std::exception& e) {
    return m_impl->error(ErrorKind::internal,
                         describe(request) + ": unexpected failure: " + std::string(e.what()));
  }
}

sync::Result<Response> Client::send_streamed(const Request& request, const BodyConsumer& consume) {
  try {
    return m_impl->send(request, &consume);
  } catch (const std::exception& e) {
    return m_impl->error(ErrorKind::internal,
                         describe(request) + ": unexpected failure: " + std::string(e.what()));
  }
}

std::vector<sync::Result<Response>> Client::send_all(const std::vector<Request>& requests) {
  std::vector<std::optional<sync::Result<Response>>> slots(requests.size());
  for_each_bounded(requests.size(), concurrency(),
                   [&](std::size_t i) { slots[i].emplace(send(requests[i])); });
  std::vector<sync::Result<Response>> results;
  results.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (slots[i]) {
      results.push_back(std::move(*slots[i]));
    } else {  // send() catches everything; only an allocation failure of the slot gets here
      results.emplace_back(
          m_impl->error(ErrorKind::internal, describe(requests[i]) + ": no result was recorded"));
    }
  }
  return results;
}

int Client::concurrency() const { return std::max(1, m_impl->settings.concurrency); }

void for_each_bounded(std::size_t count, int concurrency,
                      const std::function<void(std::size_t index)>& task) {
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        task(i);
      } catch (...) {  // documented as not throwing; an escape must not end the process
      }
    }
  };
  const std::size_t workers = std::min(count, static_cast<std::size_t>(std::max(1, concurrency)));
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (std::size_t k = 1; k < workers; ++k) {
    try {
      threads.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones running (and this one) do the rest
    }
  }
  work();
  for (std::thread& t : threads) {
    t.join();
  }
  if (!threads.empty()) {
    // glibc gives each thread its own heap (arena); what the workers freed (answer bodies, parse
    // buffers) stays mapped there, out of reach of the caller's thread. Hand it back, or peak
    // memory grows by about the largest answers (measured: 251 MB instead of 165 MB, 1000x50).
    release_free_memory();
  }
}

namespace {
std::atomic<bool> g_release_free_memory{true};
}  // namespace

void set_release_free_memory(bool on) { g_release_free_memory.store(on); }

void release_free_memory() {
#ifdef __GLIBC__
  if (g_release_free_memory.load()) {
    malloc_trim(0);
  }
#endif
}

Stats Client::stats() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->stats;
}

void Client::set_sleep_function(std::function<void(double seconds)> sleep) {
  m_impl->sleep = std::move(sleep);
}

void Client::set_clock_function(std::function<std::chrono::system_clock::time_point()> now) {
  m_impl->now = std::move(now);
}

}  // namespace bzjira::adapters::http
