// Client::send_all and for_each_bounded: at most `concurrency` requests in flight, results in the
// order given, writes still never sent twice, and one rate-limit answer holding back every worker.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/http_client.h"
#include "adapters/log/log.h"
#include "tests/adapters/http_server.h"

using namespace bzjira::adapters::http;
using bzjira::sync::ErrorKind;
using bzjira::sync::make_error;
using bzjira::test::TinyServer;

namespace {

constexpr auto k_give_up = std::chrono::seconds(5);  // a broken pool fails instead of hanging

// A local HTTP server that holds every request for a moment and counts how many it holds at once.
// Each answer's body is the request's path, so results can be matched to requests.
class CountingServer : public TinyServer {
 public:
  explicit CountingServer(std::chrono::milliseconds hold)
      : TinyServer(
            [](const std::string& request) {
              return TinyServer::answer(200, TinyServer::request_path(request));
            },
            hold) {}
};

bzjira::sync::HttpSettings settings_with(int concurrency) {
  bzjira::sync::HttpSettings s;
  s.concurrency = concurrency;
  s.connect_timeout_seconds = 5;
  s.request_timeout_seconds = 5;
  return s;
}

std::vector<Request> gets(const std::vector<std::string>& urls) {
  std::vector<Request> out;
  for (const std::string& url : urls) {
    Request r;
    r.url = url;
    out.push_back(r);
  }
  return out;
}

Response answer(int status, Headers headers = {}) {
  Response r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

// A transport whose behaviour each test scripts with a function; thread-safe bookkeeping.
class ScriptedTransport final : public Transport {
 public:
  explicit ScriptedTransport(std::function<Outcome(const Request&)> script)
      : m_script(std::move(script)) {}
  Outcome send_once(const Request& request) override {
    {
      std::lock_guard lock(m_mutex);
      ++m_sends[request.url];
    }
    return m_script(request);
  }
  int sends(const std::string& url) const {
    std::lock_guard lock(m_mutex);
    const auto it = m_sends.find(url);
    return it == m_sends.end() ? 0 : it->second;
  }

 private:
  std::function<Outcome(const Request&)> m_script;
  mutable std::mutex m_mutex;
  std::map<std::string, int> m_sends;
};

}  // namespace

TEST_CASE("send_all returns each answer in request order with at most 3 requests in flight",
          "[http]") {
  CountingServer server(std::chrono::milliseconds(40));
  std::vector<std::string> urls;
  urls.reserve(12);
  for (int i = 0; i < 12; ++i) {
    urls.push_back(server.url("/r/" + std::to_string(i)));
  }
  Client client(settings_with(3), {}, make_cpprest_transport(settings_with(3)));
  const auto results = client.send_all(gets(urls));
  REQUIRE(results.size() == 12);
  for (int i = 0; i < 12; ++i) {
    REQUIRE(results[i].ok());
    CHECK(results[i]->status == 200);
    CHECK(results[i]->body == "/r/" + std::to_string(i));
  }
  CHECK(server.served() == 12);
  CHECK(server.max_in_flight() <= 3);
}

TEST_CASE("with concurrency 1 send_all sends one request after another", "[http]") {
  CountingServer server(std::chrono::milliseconds(10));
  Client client(settings_with(1), {}, make_cpprest_transport(settings_with(1)));
  const auto results = client.send_all(
      gets({server.url("/a"), server.url("/b"), server.url("/c"), server.url("/d")}));
  REQUIRE(results.size() == 4);
  CHECK(results[0]->body == "/a");
  CHECK(results[3]->body == "/d");
  CHECK(server.max_in_flight() == 1);
}

TEST_CASE("send_all really has 4 requests in flight at once with the default concurrency",
          "[http]") {
  std::mutex mutex;
  std::condition_variable cv;
  int inside = 0;
  int most = 0;
  // Each call waits until four are inside together (or gives up): a pool that sends one at a
  // time never gets there.
  auto transport = std::make_shared<ScriptedTransport>([&](const Request&) {
    std::unique_lock lock(mutex);
    ++inside;
    most = std::max(most, inside);
    cv.notify_all();
    cv.wait_for(lock, k_give_up, [&] { return most >= 4; });
    --inside;
    return Transport::Outcome{answer(200), true};
  });
  bzjira::sync::HttpSettings defaults;
  REQUIRE(defaults.concurrency == 4);
  Client client(defaults, {}, transport);
  CHECK(client.concurrency() == 4);
  std::vector<std::string> urls;
  urls.reserve(8);
  for (int i = 0; i < 8; ++i) {
    urls.push_back("http://127.0.0.1/" + std::to_string(i));
  }
  const auto results = client.send_all(gets(urls));
  REQUIRE(results.size() == 8);
  for (const auto& r : results) {
    CHECK(r.ok());
  }
  CHECK(most == 4);
}

TEST_CASE("a 429 with Retry-After makes the other workers wait before their next request",
          "[http]") {
  // The retry is logged as a warning; keep the test output readable.
  bzjira::adapters::log::init(bzjira::adapters::log::LogFormat::text, spdlog::level::off, "", "",
                              {});
  std::mutex mutex;
  std::condition_variable cv;
  bool limited_once = false;
  bool slept = false;
  std::thread::id limited_thread;
  std::vector<std::pair<std::thread::id, double>> sleeps;
  auto transport = std::make_shared<ScriptedTransport>([&](const Request& r) {
    std::unique_lock lock(mutex);
    if (r.url.back() == 'a' && !limited_once) {
      limited_once = true;
      limited_thread = std::this_thread::get_id();
      return Transport::Outcome{answer(429, {{"Retry-After", "5"}}), true};
    }
    if (r.url.back() == 'b') {
      // Held until the rate limit is known, so the worker that sent it comes back afterwards.
      cv.wait_for(lock, k_give_up, [&] { return slept; });
    }
    return Transport::Outcome{answer(200), true};
  });
  Client client(settings_with(2), {}, transport);
  bool other_slept = false;
  client.set_sleep_function([&](double seconds) {
    std::unique_lock lock(mutex);
    sleeps.emplace_back(std::this_thread::get_id(), seconds);
    slept = true;
    if (std::this_thread::get_id() == limited_thread) {
      // A fake sleep returns at once: hold this worker so that it does not take every remaining
      // request itself before the other one comes back from b.
      cv.notify_all();
      cv.wait_for(lock, k_give_up, [&] { return other_slept; });
    } else {
      other_slept = true;
      cv.notify_all();
    }
  });
  const auto results =
      client.send_all(gets({"http://h/a", "http://h/b", "http://h/c", "http://h/d", "http://h/e"}));
  REQUIRE(results.size() == 5);
  for (const auto& r : results) {
    REQUIRE(r.ok());
    CHECK(r->status == 200);
  }
  CHECK(transport->sends("http://h/a") == 2);
  // The worker that did not get the 429 waited (about) the 5 s too before its next request.
  const bool other_waited =
      std::any_of(sleeps.begin(), sleeps.end(), [&](const std::pair<std::thread::id, double>& s) {
        return s.first != limited_thread && s.second > 4.0 && s.second <= 5.0;
      });
  CHECK(other_waited);
}

TEST_CASE("a write whose outcome is unknown is not resent by send_all, the others still succeed",
          "[http]") {
  auto transport = std::make_shared<ScriptedTransport>([](const Request& r) {
    if (r.method == "POST") {
      return Transport::Outcome{make_error(ErrorKind::transient, "connection reset"), true};
    }
    return Transport::Outcome{answer(200), true};
  });
  Client client(settings_with(4), {}, transport);
  client.set_sleep_function([](double) {});
  std::vector<Request> requests = gets({"http://h/1", "http://h/2", "http://h/3"});
  requests[1].method = "POST";
  requests[1].idempotent = false;
  const auto results = client.send_all(requests);
  REQUIRE(results.size() == 3);
  CHECK(results[0].ok());
  REQUIRE_FALSE(results[1].ok());
  CHECK(results[1].error().kind == ErrorKind::transient);
  CHECK(results[2].ok());
  CHECK(transport->sends("http://h/2") == 1);
}

TEST_CASE("send_all of no request sends nothing", "[http]") {
  auto transport = std::make_shared<ScriptedTransport>([](const Request&) {
    return Transport::Outcome{answer(200), true};
  });
  Client client(settings_with(4), {}, transport);
  CHECK(client.send_all({}).empty());
  CHECK(client.stats().requests == 0);
}

TEST_CASE("for_each_bounded runs every index exactly once on at most the given threads", "[http]") {
  constexpr std::size_t k_count = 200;
  std::vector<std::atomic<int>> runs(k_count);
  std::mutex mutex;
  std::set<std::thread::id> threads;
  for_each_bounded(k_count, 3, [&](std::size_t i) {
    ++runs[i];
    std::lock_guard lock(mutex);
    threads.insert(std::this_thread::get_id());
  });
  for (std::size_t i = 0; i < k_count; ++i) {
    CHECK(runs[i] == 1);
  }
  CHECK(threads.size() <= 3);
  int calls = 0;
  for_each_bounded(0, 4, [&](std::size_t) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("a task that throws does not stop for_each_bounded from running the others", "[http]") {
  std::atomic<int> done{0};
  for_each_bounded(10, 2, [&](std::size_t i) {
    if (i == 3) {
      throw std::runtime_error("task failed");
    }
    ++done;
  });
  CHECK(done == 9);
}
