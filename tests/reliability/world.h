// One "world" of the reliability tests: a Bugzilla simulator, a Jira simulator (two bzjira-sim
// processes, so that Bugzilla can be restarted with a changed dataset), a mapping pointing at them
// (or at proxies in front of them), the secrets in the environment and a state database. Tests
// run `bzjira sync` in it and read both sides back through the control endpoints.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/reliability/process.h"
#include "tests/reliability/sim.h"

namespace bzjira::reliability {

// The credentials the test datasets accept (tests/reliability/data/*.json "api_keys").
inline constexpr const char* k_ca_key = "rel-ca-key-0001";        // ca@example.org
inline constexpr const char* k_insider_key = "rel-insider-0002";  // sees private comments and bugs
inline constexpr const char* k_ca_login = "ca@example.org";

struct WorldOptions {
  std::string dataset;  // dataset file (copied into the world's directory)
  std::string clock = "2026-10-05T01:00:00Z";
  double faults = 0;  // both halves
  std::uint64_t seed = 1;
  double hang_seconds = 1.5;          // a hang fault; longer than a 1 s request timeout
  int request_timeout_seconds = 20;   // the mapping's; faulty worlds use 1 so that hangs time out
  std::string bugzilla_auth = "bmo";  // "upstream": the key must go as the api_key parameter
  std::string jira_users;             // accepted Jira credentials; empty = any
  // Changes to the default mapping (world.cpp default_mapping) before it is written.
  std::function<void(Json&)> edit_mapping;
};

class World {
 public:
  explicit World(WorldOptions options);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // `bzjira sync -c <mapping> --state <db> --now <now> <extra...>`.
  RunResult sync(const std::string& now, const std::vector<std::string>& extra = {},
                 std::chrono::milliseconds limit = std::chrono::seconds(120));
  // Any bzjira command with the world's environment.
  RunResult bzjira(const std::vector<std::string>& args,
                   std::chrono::milliseconds limit = std::chrono::seconds(120));

  // Bugzilla side.
  void set_clock(const std::string& now);
  // A comment by `creator` on `bug`, created at `when` (RFC 3339). Returns the comment id.
  std::int64_t add_comment(std::int64_t bug, const std::string& creator, const std::string& text,
                           const std::string& when, bool is_private = false);
  void patch_bug(const Json& patch);  // POST /__sim/bugs (one bug object, id required)
  // Every comment of `bug` as an insider sees it, read with faults switched off for the moment.
  Json comments(std::int64_t bug);
  // Restarts the Bugzilla half on the same port with another dataset (its in-memory changes are
  // lost).
  void restart_bugzilla(const std::string& dataset_path);

  // Jira side.
  Json issues();  // /__sim/issues "issues"
  // A comment written by a person in Jira on `issue_key`.
  void jira_comment(const std::string& issue_key, const std::string& text,
                    const std::string& author = "ann@example.com");
  // The key of the issue with a label starting with `prefix` ("" when none; the lowest-numbered
  // when several).
  std::string issue_labelled(const std::string& prefix);

  // Rewrites the mapping to reach Bugzilla and Jira at these URLs (proxies in front of them).
  void point_at(const std::string& bugzilla_url, const std::string& jira_url);

  void set_faults(double rate);  // both halves
  long faults_injected() const;  // both halves, since they started
  long requests() const;         // both halves, API routes only

  const Json& mapping() const { return m_mapping; }
  const std::string& mapping_path() const { return m_mapping_path; }
  const std::string& state_path() const { return m_state_path; }
  std::string bugzilla_url() const;  // as the mapping names it
  std::string jira_url() const;
  int bugzilla_port() const { return m_bugzilla->bugzilla_port(); }
  int jira_port() const { return m_jira->jira_port(); }
  const Env& env() const { return m_env; }
  Env& env() { return m_env; }
  const TempDir& dir() const { return m_dir; }

 private:
  WorldOptions m_options;
  TempDir m_dir;
  std::unique_ptr<SimProcess> m_bugzilla;
  std::unique_ptr<SimProcess> m_jira;
  long m_faults_before_restart = 0;
  double m_fault_rate = 0;
  std::string m_bugzilla_url_override, m_jira_url_override;
  Json m_mapping;
  std::string m_mapping_path, m_state_path;
  Env m_env;
};

// Options for a world serving `dataset` (a file path) with Bugzilla's clock at `clock`.
WorldOptions world_options(const std::string& dataset, const std::string& clock);

// The mapping every world starts from: Example CA on the given URLs, CA account ca@example.org,
// the given request timeout (1 s to connect), 4 attempts, one request at a time, replies enabled
// (marker #bugzilla).
Json default_mapping(const std::string& bugzilla_url, const std::string& jira_url,
                     int request_timeout_seconds);

// RFC 3339 arithmetic for test schedules: `base` plus `minutes`.
std::string plus_minutes(const std::string& base, long minutes);

}  // namespace bzjira::reliability
