// The end-to-end fixture: bzjira-sim (both halves) as a child process on free ports, a private copy
// of the demo dataset, a mapping derived from mappings/demo.json pointing at the simulator, and the
// real bzjira binary run with the demo's secrets in its environment. The simulator is stopped
// when the fixture goes out of scope.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/http/http_client.h"
#include "tests/e2e/cli_run.h"

extern char** environ;

namespace bzjira::e2e {

using Env = std::vector<std::pair<std::string, std::string>>;

// The demo dataset's CA key (its "api_keys" map it to compliance@example-ca.test); the simulator
// accepts any non-empty Jira credentials.
inline const Env k_demo_env = {{"BZJIRA_BUGZILLA_API_KEY", "demo-ca-key"},
                               {"BZJIRA_JIRA_USER", "ca-bot@example-ca.test"},
                               {"BZJIRA_JIRA_TOKEN", "e2e-jira-token-7f3a9c"}};

// `bzjira <args>` with exactly the secrets of `env` (any BZJIRA_* secret of the caller's own
// environment is removed first, so a developer's real keys never leak into a test).
inline RunResult run_bzjira_env(const Env& env, const std::vector<std::string>& args) {
  std::vector<std::string> wrapped = {"-u", "BZJIRA_BUGZILLA_API_KEY", "-u", "BZJIRA_JIRA_USER",
                                      "-u", "BZJIRA_JIRA_TOKEN"};
  for (const auto& [name, value] : env) {
    wrapped.push_back(name + "=" + value);
  }
  wrapped.push_back(std::string(BZJIRA_BINARY_DIR) + "/bzjira");
  wrapped.insert(wrapped.end(), args.begin(), args.end());
  return run_program("env", wrapped);
}

struct SimOptions {
  std::string flavor = "cloud";       // Jira half: cloud or datacenter
  std::string bugzilla_auth = "bmo";  // bmo or upstream
  std::string clock = k_demo_now;     // Bugzilla's clock starts here and runs with real time
};

class Sim {
 public:
  // `dataset`: the Bugzilla half's data file (copied); empty: the demo's.
  explicit Sim(SimOptions options = {}, const std::string& dataset = "")
      : m_options(std::move(options)) {
    m_dataset = m_dir.path() / "dataset.json";
    std::filesystem::copy_file(dataset.empty() ? demo_dataset() : dataset, m_dataset);
    const auto ports_file = m_dir.path() / "ports.json";
    const auto log = (m_dir.path() / "sim.log").string();
    std::vector<std::string> args = {std::string(BZJIRA_BINARY_DIR) + "/bzjira-sim",
                                     "--bugzilla-data",
                                     m_dataset.string(),
                                     "--bugzilla-auth",
                                     m_options.bugzilla_auth,
                                     "--clock",
                                     m_options.clock,
                                     "--jira-port",
                                     "0",
                                     "--jira-flavor",
                                     m_options.flavor,
                                     "--ports-file",
                                     ports_file.string()};
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      throw std::runtime_error("cannot start bzjira-sim");
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!std::filesystem::exists(ports_file)) {
      int status = 0;
      if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        throw std::runtime_error("bzjira-sim exited: " + read_all(log));
      }
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("bzjira-sim wrote no ports file within 15 s: " + read_all(log));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const auto ports = nlohmann::json::parse(read_all(ports_file));
    m_bugzilla_port = ports.at("bugzilla").get<int>();
    m_jira_port = ports.at("jira").get<int>();
    sync::HttpSettings http;
    http.max_attempts = 1;
    m_http = std::make_unique<adapters::http::Client>(http, std::vector<std::string>{});
  }

  ~Sim() {
    if (m_pid <= 0) {
      return;
    }
    kill(m_pid, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (waitpid(m_pid, &status, WNOHANG) != m_pid) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(m_pid, SIGKILL);
        waitpid(m_pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  const TempDir& dir() const { return m_dir; }
  std::string bugzilla_url() const { return "http://127.0.0.1:" + std::to_string(m_bugzilla_port); }
  std::string jira_url() const { return "http://127.0.0.1:" + std::to_string(m_jira_port); }
  std::string state() const { return (m_dir.path() / "state" / "demo.db").string(); }

  // mappings/demo.json pointed at this simulator (and its flavor), after `edit`; returns its path.
  std::string mapping(const std::function<void(nlohmann::json&)>& edit = {},
                      const std::string& name = "mapping.json") const {
    auto m = nlohmann::json::parse(read_all(demo_mapping()));
    m["bugzilla"]["url"] = bugzilla_url();
    m["jira"]["url"] = jira_url();
    m["jira"]["flavor"] = m_options.flavor;
    if (edit) {
      edit(m);
    }
    return m_dir.file(name, m.dump(2));
  }

  // `bzjira sync -c MAPPING --now NOW --state <state()> [extra]` with the demo's secrets.
  RunResult sync(const std::string& mapping_path, const std::string& now,
                 std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"sync", "-c", mapping_path, "--now", now, "--state", state()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_bzjira_env(k_demo_env, args);
  }

  // A control or REST call; the answer's body parsed as JSON (null when it is not JSON).
  nlohmann::json call(const std::string& method, const std::string& url,
                      const std::string& body = "", adapters::http::Headers headers = {}) const {
    adapters::http::Request request;
    request.method = method;
    request.url = url;
    request.body = body;
    if (!body.empty()) {
      headers.emplace_back("Content-Type", "application/json");
    }
    request.headers = std::move(headers);
    auto answer = m_http->send(request);
    if (!answer) {
      throw std::runtime_error(method + " " + url + ": " + answer.error().message);
    }
    m_last_status = answer->status;
    return nlohmann::json::parse(answer->body, nullptr, false);
  }
  nlohmann::json bugzilla(const std::string& method, const std::string& path,
                          const nlohmann::json& body = nullptr) const {
    return call(method, bugzilla_url() + path, body.is_null() ? "" : body.dump());
  }
  nlohmann::json jira(const std::string& method, const std::string& path,
                      const nlohmann::json& body = nullptr) const {
    return call(method, jira_url() + path, body.is_null() ? "" : body.dump());
  }
  int last_status() const { return m_last_status; }

  void reset_stats() const {
    bugzilla("POST", "/__sim/reset-stats");
    jira("POST", "/__sim/reset-stats");
  }
  // {"requests": {"GET /rest/bug": 1, ...}, "total": N}
  nlohmann::json bugzilla_stats() const { return bugzilla("GET", "/__sim/stats"); }
  nlohmann::json jira_stats() const { return jira("GET", "/__sim/stats"); }

  // Every Jira issue with all fields, comments and remote links (/__sim/issues).
  nlohmann::json issues() const { return jira("GET", "/__sim/issues").at("issues"); }

  // The one issue carrying `label`; throws when there is none or more than one.
  nlohmann::json issue_labelled(const std::string& label) const {
    nlohmann::json found = nullptr;
    for (const auto& issue : issues()) {
      for (const auto& l : issue.at("labels")) {
        if (l == label) {
          if (!found.is_null()) {
            throw std::runtime_error("two issues carry " + label);
          }
          found = issue;
        }
      }
    }
    if (found.is_null()) {
      throw std::runtime_error("no issue carries " + label);
    }
    return found;
  }

  // Bugzilla's clock, "2026-11-26T12:00:07Z".
  std::string bugzilla_now() const {
    return bugzilla("GET", "/__sim/clock").at("now").get<std::string>();
  }

  // The bug's comments as the CA sees them (GET /rest/bug/<id>/comment).
  nlohmann::json comments(long bug) const {
    const auto answer =
        call("GET", bugzilla_url() + "/rest/bug/" + std::to_string(bug) + "/comment", "",
             {{"X-BUGZILLA-API-KEY", "demo-ca-key"}});
    return answer.at("bugs").at(std::to_string(bug)).at("comments");
  }

 private:
  SimOptions m_options;
  TempDir m_dir;
  std::filesystem::path m_dataset;
  pid_t m_pid = -1;
  int m_bugzilla_port = 0;
  int m_jira_port = 0;
  std::unique_ptr<adapters::http::Client> m_http;
  mutable int m_last_status = 0;
};

// How many times each label occurs over all issues (a duplicate shows as a count above 1).
inline std::map<std::string, int> label_counts(const nlohmann::json& issues) {
  std::map<std::string, int> counts;
  for (const auto& issue : issues) {
    for (const auto& l : issue.at("labels")) {
      counts[l.get<std::string>()] += 1;
    }
  }
  return counts;
}

// Routes of a /__sim/stats answer that change something (a search sent as POST is a read).
inline std::vector<std::string> write_routes(const nlohmann::json& stats) {
  std::vector<std::string> writes;
  for (const auto& [route, count] : stats.at("requests").items()) {
    const bool write = route.rfind("GET ", 0) != 0 && route.find("/search") == std::string::npos;
    if (write && count.get<int>() > 0) {
      writes.push_back(route);
    }
  }
  return writes;
}

}  // namespace bzjira::e2e
