#include "tests/reliability/world.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <stdexcept>

#include "tests/reliability/http_wire.h"
#include "tests/support/paths.h"

namespace bzjira::reliability {

WorldOptions world_options(const std::string& dataset, const std::string& clock) {
  WorldOptions o;
  o.dataset = dataset;
  o.clock = clock;
  return o;
}

Json default_mapping(const std::string& bugzilla_url, const std::string& jira_url,
                     int request_timeout_seconds) {
  const Json http = {{"connect_timeout_seconds", 1},
                     {"request_timeout_seconds", request_timeout_seconds},
                     {"max_attempts", 4},
                     {"max_retry_seconds", 10},
                     {"concurrency", 1}};
  return Json{
      {"name", "reliability"},
      {"bugzilla",
       {{"url", bugzilla_url},
        {"scope", {{"summary_prefix", "Example CA:"}}},
        {"ca_accounts", {k_ca_login}},
        {"ignored_accounts", {"bot@example.org"}},
        {"http", http}}},
      {"jira", {{"url", jira_url}, {"project", "CAINC"}, {"http", http}}},
      {"replies", {{"enabled", true}}},
  };
}

std::string plus_minutes(const std::string& base, long minutes) {
  std::tm tm{};
  if (::strptime(base.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) {
    throw std::runtime_error("not an RFC 3339 UTC time: " + base);
  }
  const std::time_t t = ::timegm(&tm) + minutes * 60;
  std::tm out{};
  ::gmtime_r(&t, &out);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &out);
  return buf;
}

World::World(WorldOptions options) : m_options(std::move(options)), m_dir("world") {
  const std::string dataset = m_dir.file("dataset.json");
  std::filesystem::copy_file(m_options.dataset, dataset);
  SimOptions bz;
  bz.bugzilla_data = dataset;
  bz.clock = m_options.clock;
  bz.faults = m_options.faults;
  bz.seed = m_options.seed;
  bz.hang_seconds = m_options.hang_seconds;
  bz.bugzilla_auth = m_options.bugzilla_auth;
  m_bugzilla = std::make_unique<SimProcess>(bz);
  SimOptions jira;
  jira.jira_users = m_options.jira_users;
  jira.jira = true;
  jira.faults = m_options.faults;
  jira.seed = m_options.seed + 1000;
  jira.hang_seconds = m_options.hang_seconds;
  m_jira = std::make_unique<SimProcess>(jira);
  m_fault_rate = m_options.faults;
  m_mapping = default_mapping(bugzilla_url(), jira_url(), m_options.request_timeout_seconds);
  if (m_options.edit_mapping) {
    m_options.edit_mapping(m_mapping);
  }
  m_mapping_path = m_dir.file("mapping.json");
  m_state_path = m_dir.file("state.db");
  write_file(m_mapping_path, m_mapping.dump(2));
  m_env = {{"BZJIRA_BUGZILLA_API_KEY", k_ca_key},
           {"BZJIRA_JIRA_USER", "bzjira-bot@example.com"},
           {"BZJIRA_JIRA_TOKEN", "rel-jira-token"},
           {"HOME", m_dir.path().string()},
           {"TZ", "UTC"},
           // Read by sanitizer builds only: tests/lsan_third_party.supp says what and why.
           {"LSAN_OPTIONS",
            "suppressions=" + bzjira::test_support::source_dir() + "/tests/lsan_third_party.supp"}};
}

World::~World() = default;

std::string World::bugzilla_url() const {
  return m_bugzilla_url_override.empty() ? m_bugzilla->bugzilla_url() : m_bugzilla_url_override;
}

std::string World::jira_url() const {
  return m_jira_url_override.empty() ? m_jira->jira_url() : m_jira_url_override;
}

void World::point_at(const std::string& bugzilla_url, const std::string& jira_url) {
  m_bugzilla_url_override = bugzilla_url;
  m_jira_url_override = jira_url;
  m_mapping["bugzilla"]["url"] = bugzilla_url;
  m_mapping["jira"]["url"] = jira_url;
  write_file(m_mapping_path, m_mapping.dump(2));
}

RunResult World::sync(const std::string& now, const std::vector<std::string>& extra,
                      std::chrono::milliseconds limit) {
  std::vector<std::string> args = {"sync",  "-c", m_mapping_path, "--state", m_state_path,
                                   "--now", now};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_bzjira(args, m_env, limit);
}

RunResult World::bzjira(const std::vector<std::string>& args, std::chrono::milliseconds limit) {
  return run_bzjira(args, m_env, limit);
}

void World::set_clock(const std::string& now) {
  control_post(bugzilla_port(), "/__sim/clock", Json{{"now", now}});
}

std::int64_t World::add_comment(std::int64_t bug, const std::string& creator,
                                const std::string& text, const std::string& when, bool is_private) {
  const Json answer = control_post(bugzilla_port(), "/__sim/comments",
                                   Json{{"bug_id", bug},
                                        {"creator", creator},
                                        {"text", text},
                                        {"creation_time", when},
                                        {"is_private", is_private}});
  return answer.value("id", std::int64_t{0});
}

void World::patch_bug(const Json& patch) { control_post(bugzilla_port(), "/__sim/bugs", patch); }

Json World::comments(std::int64_t bug) {
  // Faults off for the read: the test's own look must not fail. Control calls are never faulted.
  control_post(bugzilla_port(), "/__sim/faults", Json{{"rate", 0}});
  // The key as a parameter: both flavours take it (upstream 5.x ignores the header).
  const HttpReply reply =
      http_call(bugzilla_port(), "GET",
                "/rest/bug/" + std::to_string(bug) + "/comment?api_key=" + k_insider_key, "", {});
  control_post(bugzilla_port(), "/__sim/faults", Json{{"rate", m_fault_rate}});
  const Json body = Json::parse(reply.body, nullptr, false);
  const std::string id = std::to_string(bug);
  if (reply.status != 200 || !body.is_object() || !body.contains("bugs") ||
      !body["bugs"].contains(id)) {
    throw std::runtime_error("reading comments of bug " + id + ": status " +
                             std::to_string(reply.status) + ": " + reply.body.substr(0, 200));
  }
  return body["bugs"][id].value("comments", Json::array());
}

void World::restart_bugzilla(const std::string& dataset_path) {
  const int port = bugzilla_port();
  m_faults_before_restart += sim_stats(port).faults_injected;
  m_bugzilla.reset();
  const std::string dataset = m_dir.file("dataset.json");
  std::filesystem::copy_file(dataset_path, dataset,
                             std::filesystem::copy_options::overwrite_existing);
  SimOptions bz;
  bz.bugzilla_data = dataset;
  bz.bugzilla_port = port;
  bz.clock = m_options.clock;
  bz.faults = m_fault_rate;
  bz.seed = m_options.seed + 7;
  bz.hang_seconds = m_options.hang_seconds;
  bz.bugzilla_auth = m_options.bugzilla_auth;
  m_bugzilla = std::make_unique<SimProcess>(bz);
}

Json World::issues() { return control_get(jira_port(), "/__sim/issues").value("issues", Json()); }

void World::jira_comment(const std::string& issue_key, const std::string& text,
                         const std::string& author) {
  control_post(jira_port(), "/__sim/issues/" + issue_key + "/comment",
               Json{{"author", author}, {"body", text}});
}

std::string World::issue_labelled(const std::string& prefix) {
  std::string best;
  for (const Json& issue : issues()) {
    const Json labels = issue.value("labels", Json::array());
    for (const Json& l : labels) {
      if (l.is_string() && l.get<std::string>().rfind(prefix, 0) == 0) {
        const std::string key = issue.value("key", "");
        if (best.empty() || key.size() < best.size() || (key.size() == best.size() && key < best)) {
          best = key;
        }
      }
    }
  }
  return best;
}

void World::set_faults(double rate) {
  m_fault_rate = rate;
  control_post(bugzilla_port(), "/__sim/faults", Json{{"rate", rate}});
  control_post(jira_port(), "/__sim/faults", Json{{"rate", rate}});
}

long World::faults_injected() const {
  return m_faults_before_restart + sim_stats(bugzilla_port()).faults_injected +
         sim_stats(jira_port()).faults_injected;
}

long World::requests() const {
  return sim_stats(bugzilla_port()).total + sim_stats(jira_port()).total;
}

}  // namespace bzjira::reliability
