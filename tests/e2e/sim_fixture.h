// The end-to-end fixture: bzjira-sim (both halves) as a child process on free ports, a private copy
// of the demo dataset, a mapping derived from mappings/demo.json pointing at the simulator, and the
// real bzjira binary run with the demo's secrets in its environment. The simulator is stopped
// when the fixture goes out of scope.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

// Only declared here (sim_fixture.cpp defines the methods): the full header costs every test file
// that includes this one seconds of compile time.
#include <nlohmann/json_fwd.hpp>

#include "adapters/http/http_client.h"
#include "tests/e2e/cli_run.h"
#include "tests/support/paths.h"

namespace bzjira::e2e {

using Env = std::vector<std::pair<std::string, std::string>>;

// The demo dataset's CA key (its "api_keys" map it to compliance@example-ca.test); the simulator
// accepts any non-empty Jira credentials.
inline const Env k_demo_env = {{"BZJIRA_BUGZILLA_API_KEY", "demo-ca-key"},
                               {"BZJIRA_JIRA_USER", "ca-bot@example-ca.test"},
                               {"BZJIRA_JIRA_TOKEN", "e2e-jira-token-7f3a9c"}};

// `bzjira <args>` with exactly the secrets of `env` (every BZJIRA_* variable of the caller's own
// environment is removed first, so a developer's real keys never leak into a test).
inline RunResult run_bzjira_env(const Env& env, const std::vector<std::string>& args) {
  test_support::Env set;
  for (const auto& [name, value] : env) {
    set[name] = value;
  }
  return run_program(bzjira::test_support::binary_dir() + "/bzjira", args, set);
}

struct SimOptions {
  std::string flavor = "cloud";       // Jira half: cloud or datacenter
  std::string bugzilla_auth = "bmo";  // bmo or upstream
  std::string clock = k_demo_now;     // Bugzilla's clock starts here and runs with real time
  // Changes to the copy of the demo dataset before the simulator loads it.
  std::function<void(nlohmann::json&)> edit_dataset = {};
};

class Sim {
 public:
  // `dataset`: the Bugzilla half's data file (copied); empty: the demo's.
  explicit Sim(SimOptions options = {}, const std::string& dataset = "");
  ~Sim();
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  const TempDir& dir() const { return m_dir; }
  std::string bugzilla_url() const { return "http://127.0.0.1:" + std::to_string(m_bugzilla_port); }
  std::string jira_url() const { return "http://127.0.0.1:" + std::to_string(m_jira_port); }
  std::string state() const { return (m_dir.path() / "state" / "demo.db").string(); }

  // mappings/demo.json pointed at this simulator (and its flavor), after `edit`; returns its path.
  std::string mapping(const std::function<void(nlohmann::json&)>& edit = {},
                      const std::string& name = "mapping.json") const;

  // `bzjira sync -c MAPPING --now NOW --state <state()> [extra]` with the demo's secrets.
  RunResult sync(const std::string& mapping_path, const std::string& now,
                 std::vector<std::string> extra = {}) const;
  // The same without extras, for a run that must succeed: a Catch2 REQUIRE on exit code 0 that
  // shows the run's output when it fails.
  RunResult sync_ok(const std::string& mapping_path, const std::string& now) const;

  // A control or REST call; the answer's body parsed as JSON (null when it is not JSON).
  nlohmann::json call(const std::string& method, const std::string& url,
                      const std::string& body = "", adapters::http::Headers headers = {}) const;
  // The same on either half; without `body`, a request without one.
  nlohmann::json bugzilla(const std::string& method, const std::string& path) const;
  nlohmann::json bugzilla(const std::string& method, const std::string& path,
                          const nlohmann::json& body) const;
  nlohmann::json jira(const std::string& method, const std::string& path) const;
  nlohmann::json jira(const std::string& method, const std::string& path,
                      const nlohmann::json& body) const;
  int last_status() const { return m_last_status; }

  void reset_stats() const;
  // {"requests": {"GET /rest/bug": 1, ...}, "total": N}
  nlohmann::json bugzilla_stats() const;
  nlohmann::json jira_stats() const;

  // Every Jira issue with all fields, comments and remote links (/__sim/issues).
  nlohmann::json issues() const;

  // The one issue carrying `label`; throws when there is none or more than one.
  nlohmann::json issue_labelled(const std::string& label) const;

  // Bugzilla's clock, "2026-11-26T12:00:07Z".
  std::string bugzilla_now() const;

  // The bug's comments as the CA sees them (GET /rest/bug/<id>/comment).
  nlohmann::json comments(long bug) const;

 private:
  SimOptions m_options;
  TempDir m_dir;
  std::filesystem::path m_dataset;
  std::unique_ptr<test_support::Child> m_child;
  int m_bugzilla_port = 0;
  int m_jira_port = 0;
  std::unique_ptr<adapters::http::Client> m_http;
  mutable int m_last_status = 0;
};

// How many times each label occurs over all issues (a duplicate shows as a count above 1).
std::map<std::string, int> label_counts(const nlohmann::json& issues);

// Routes of a /__sim/stats answer that change something (a search sent as POST is a read).
std::vector<std::string> write_routes(const nlohmann::json& stats);

}  // namespace bzjira::e2e
