#include "tests/bench/sim_harness.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/http/http_client.h"
#include "tests/support/text.h"

namespace bzjira::bench {

namespace {

using Json = nlohmann::json;

using test_support::read_file;

}  // namespace

SimHarness::SimHarness(const SimHarnessOptions& options) {
  namespace fs = std::filesystem;
  const std::string ports_file = (fs::path(options.work_dir) / "sim-ports.json").string();
  const std::string err_file = (fs::path(options.work_dir) / "sim.stderr").string();
  std::error_code ignored;
  fs::remove(ports_file, ignored);
  m_process = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{options.sim_binary, "--bugzilla-data", options.dataset, "--clock",
                               options.clock, "--jira-port", "0", "--ports-file", ports_file},
      (fs::path(options.work_dir) / "sim.stdout").string(), err_file);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration<double>(options.start_timeout_seconds);
  for (;;) {
    if (fs::exists(ports_file)) {
      const Json ports = Json::parse(read_file(ports_file), nullptr, false);
      if (ports.is_object() && ports.contains("bugzilla") && ports.contains("jira")) {
        m_bugzilla_port = ports["bugzilla"].get<int>();
        m_jira_port = ports["jira"].get<int>();
        break;
      }
    }
    if (!m_process->running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("bzjira-sim did not start: " + read_file(err_file));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  m_bugzilla_proxy = std::make_unique<CountingProxy>(m_bugzilla_port);
  m_jira_proxy = std::make_unique<CountingProxy>(m_jira_port);
  sync::HttpSettings settings;
  settings.request_timeout_seconds = 600;  // an issue dump of a large run takes a while
  settings.max_attempts = 1;
  m_http = std::make_unique<adapters::http::Client>(settings, std::vector<std::string>{});
}

SimHarness::~SimHarness() {
  m_http.reset();
  m_process->stop();
  m_bugzilla_proxy.reset();
  m_jira_proxy.reset();
}

std::string SimHarness::call(int port, const std::string& method, const std::string& path,
                             const std::string& body) {
  adapters::http::Request request;
  request.method = method;
  request.url = "http://127.0.0.1:" + std::to_string(port) + path;
  request.body = body;
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  auto answer = m_http->send(request);
  if (!answer.ok()) {
    throw std::runtime_error("simulator control " + method + " " + path + ": " +
                             answer.error().message);
  }
  if (answer->status != 200) {
    throw std::runtime_error("simulator control " + method + " " + path + ": HTTP " +
                             std::to_string(answer->status) + " " + answer->body);
  }
  return answer->body;
}

RouteCounts SimHarness::stats(int port) {
  const Json stats = Json::parse(call(port, "GET", "/__sim/stats"), nullptr, false);
  RouteCounts out;
  if (!stats.is_object()) {
    throw std::runtime_error("simulator stats are not JSON");
  }
  out.total = stats.value("total", 0L);
  if (stats.contains("requests") && stats["requests"].is_object()) {
    for (const auto& [route, count] : stats["requests"].items()) {
      out.routes[route] = count.get<long>();
    }
  }
  return out;
}

RouteCounts SimHarness::bugzilla_stats() { return stats(m_bugzilla_port); }
RouteCounts SimHarness::jira_stats() { return stats(m_jira_port); }

void SimHarness::reset_counters() {
  call(m_bugzilla_port, "POST", "/__sim/reset-stats", "{}");
  call(m_jira_port, "POST", "/__sim/reset-stats", "{}");
  m_bugzilla_proxy->reset();
  m_jira_proxy->reset();
}

std::string SimHarness::bugzilla_clock() {
  const Json clock = Json::parse(call(m_bugzilla_port, "GET", "/__sim/clock"), nullptr, false);
  if (!clock.is_object() || !clock.contains("now") || !clock["now"].is_string()) {
    throw std::runtime_error("simulator clock answer is not {\"now\": ...}");
  }
  return clock["now"].get<std::string>();
}

void SimHarness::advance_clocks(std::chrono::seconds by) {
  const std::string now = bugzilla_clock();
  std::tm tm{};
  char zone = 0;
  // The simulator writes "YYYY-MM-DDTHH:MM:SSZ".
  if (std::sscanf(now.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &zone) != 7 ||
      zone != 'Z') {
    throw std::runtime_error("simulator clock '" + now + "' is not YYYY-MM-DDTHH:MM:SSZ");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t moved = ::timegm(&tm) + static_cast<std::time_t>(by.count());
  std::tm out{};
  ::gmtime_r(&moved, &out);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &out);
  call(m_bugzilla_port, "POST", "/__sim/clock", Json{{"now", text}}.dump());
  call(m_jira_port, "POST", "/__sim/clock", Json{{"advance_seconds", by.count()}}.dump());
}

void SimHarness::add_comments(const std::vector<NewComment>& comments) {
  Json list = Json::array();
  for (const NewComment& c : comments) {
    list.push_back({{"bug_id", c.bug_id}, {"creator", c.creator}, {"text", c.text}});
  }
  call(m_bugzilla_port, "POST", "/__sim/comments", Json{{"comments", list}}.dump());
}

JiraIssueCounts SimHarness::jira_issues() {
  const Json dump = Json::parse(call(m_jira_port, "GET", "/__sim/issues"), nullptr, false);
  JiraIssueCounts out;
  if (!dump.is_object() || !dump.contains("issues") || !dump["issues"].is_array()) {
    throw std::runtime_error("simulator issue dump is not {\"issues\": [...]}");
  }
  for (const Json& issue : dump["issues"]) {
    ++out.total;
    if (issue.value("statusCategory", "") != "done") {
      ++out.open;
    }
    if (issue.contains("remote_links") && issue["remote_links"].is_array()) {
      out.remote_links += static_cast<long>(issue["remote_links"].size());
    }
  }
  return out;
}

}  // namespace bzjira::bench
