#include "tests/bench/scenarios.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string_view>

#include "tests/support/text.h"

namespace bzjira::bench {

namespace {

namespace fs = std::filesystem;

using test_support::read_file;

// The last lines of a child's output, for notes when it failed.
std::string tail(const std::string& text, std::size_t chars = 600) {
  return text.size() <= chars ? text : "..." + text.substr(text.size() - chars);
}

// CPU of this process (every thread: the proxies' pumps), user + system.
double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// A Python string literal of `text` (a path: no quote or backslash survives unescaped).
std::string python_string(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\\' || c == '\'') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

std::string join(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) {
    out += (out.empty() ? "" : " ") + a;
  }
  return out;
}

// The bench's mapping names an API key (mapping_json's api_key_env, set by bench_environment):
// sync checks it once a day, audit on every run (economy.h, add_key_check).
constexpr bool k_key_configured = true;

}  // namespace

long changed_bug_count(long bugs) { return std::max(1L, bugs / 100); }

BenchSession::BenchSession(BenchPaths paths, DatasetFacts facts, std::string dataset_path,
                           bool replies)
    : m_paths(std::move(paths)),
      m_facts(std::move(facts)),
      m_dataset(std::move(dataset_path)),
      m_replies(replies) {
  fs::create_directories(m_paths.work_dir);
  SimHarnessOptions options;
  options.sim_binary = m_paths.sim;
  options.dataset = m_dataset;
  options.clock = k_bench_epoch;
  options.work_dir = m_paths.work_dir;
  m_sim = std::make_unique<SimHarness>(options);
  MappingSpec spec;
  spec.name =
      "bench-" + std::to_string(m_facts.bugs) + "x" + std::to_string(m_facts.comments_per_bug);
  spec.bugzilla_port = m_sim->bugzilla_proxy_port();
  spec.jira_port = m_sim->jira_proxy_port();
  spec.ca_accounts = m_facts.ca_accounts;
  spec.replies = m_replies;
  m_mapping = (fs::path(m_paths.work_dir) / "mapping.json").string();
  write_text_file(m_mapping, mapping_json(spec));
  m_state = (fs::path(m_paths.work_dir) / "state.db").string();
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
    std::error_code ignored;
    fs::remove(m_state + suffix, ignored);
  }
}

BenchSession::~BenchSession() = default;

ScenarioFigures BenchSession::run_bzjira(const std::string& name, std::vector<std::string> args) {
  ScenarioFigures f;
  f.name = name;
  f.command = "bzjira " + join(args);
  args.insert(args.begin(), m_paths.bzjira);
  const fs::path out = fs::path(m_paths.work_dir) / (name + ".stdout");
  const fs::path err = fs::path(m_paths.work_dir) / (name + ".stderr");
  m_sim->reset_counters();
  const double sim_cpu_before = m_sim->cpu_seconds();
  const double own_cpu_before = own_cpu_seconds();
  f.usage = run_measured(args, bench_environment(), out.string(), err.string());
  f.sim_cpu_seconds = m_sim->cpu_seconds() - sim_cpu_before;
  f.proxy_cpu_seconds = own_cpu_seconds() - own_cpu_before;
  f.bugzilla = m_sim->bugzilla_stats();
  f.jira = m_sim->jira_stats();
  f.bugzilla_bytes = m_sim->bugzilla_proxy().counts();
  f.jira_bytes = m_sim->jira_proxy().counts();
  const std::string stdout_text = read_file(out);
  static const std::regex k_summary(R"(requests: Bugzilla (\d+), Jira (\d+))");
  std::smatch m;
  if (std::regex_search(stdout_text, m, k_summary)) {
    f.reported_bugzilla = std::stoi(m[1].str());
    f.reported_jira = std::stoi(m[2].str());
  }
  if (f.usage.exit_code != 0) {
    f.notes += "bzjira exited with " + std::to_string(f.usage.exit_code) +
               (f.usage.signal != 0 ? " (signal " + std::to_string(f.usage.signal) + ")" : "") +
               "; stderr: " + tail(read_file(err)) + " ";
  }
  if (f.reported_bugzilla >= 0 &&
      (f.reported_bugzilla != f.bugzilla.total || f.reported_jira != f.jira.total)) {
    f.notes += "bzjira counted Bugzilla " + std::to_string(f.reported_bugzilla) + ", Jira " +
               std::to_string(f.reported_jira) + " requests; the simulators saw " +
               std::to_string(f.bugzilla.total) + " and " + std::to_string(f.jira.total) + ". ";
  }
  return f;
}

ScenarioFigures BenchSession::sync(const std::string& name) {
  // --now follows the simulator's clock: comments it stamped must not lie in bzjira's future.
  const std::string now = m_sim->bugzilla_clock();
  ScenarioFigures f = run_bzjira(m_replies ? name + "+replies" : name,
                                 {"sync", "-c", m_mapping, "--now", now, "--state", m_state});
  const JiraIssueCounts issues = m_sim->jira_issues();
  f.issues_after = issues.total;
  f.issues_expected = m_issues;
  if (issues.total != m_issues) {
    f.notes += "Jira holds " + std::to_string(issues.total) + " issues; the dataset implies " +
               std::to_string(m_issues) + ". ";
  }
  return f;
}

ScenarioFigures BenchSession::cold_sync() {
  m_issues = m_facts.open_obligations();
  ScenarioFigures f = sync("cold_sync");
  f.floor = cold_floor(m_facts.bugs, static_cast<long>(m_facts.open_ids.size()),
                       m_facts.with_next_update, m_issues, k_key_configured, m_limits);
  return f;
}

ScenarioFigures BenchSession::first_sync_after_cold() {
  m_sim->advance_clocks(k_bench_run_interval);
  ScenarioFigures f = sync("first_sync_after_cold");
  f.floor = first_after_writes_floor(m_issues, m_limits);
  return f;
}

ScenarioFigures BenchSession::steady_sync() {
  m_sim->advance_clocks(k_bench_run_interval);
  ScenarioFigures f = sync("steady_sync");
  f.floor = steady_floor(m_limits);
  return f;
}

ScenarioFigures BenchSession::incremental_sync() {
  m_sim->advance_clocks(k_bench_run_interval);
  // 1% of the bugs, spread over the open ones: each gets a question, hence one new obligation.
  const long open = static_cast<long>(m_facts.open_ids.size());
  const long k = std::min(open, changed_bug_count(m_facts.bugs));
  std::vector<SimHarness::NewComment> comments;
  for (long i = 0; i < k; ++i) {
    const long long bug = m_facts.open_ids[static_cast<std::size_t>(i * open / k)];
    comments.push_back({bug, k_bench_staff, staff_question(static_cast<std::uint64_t>(bug))});
  }
  if (!comments.empty()) {
    m_sim->add_comments(comments);
  }
  m_issues += k;
  ScenarioFigures f = sync("incremental_sync");
  f.floor = incremental_floor(k, k, m_limits);
  return f;
}

ScenarioFigures BenchSession::audit_from_file(const std::string& name, const std::string& format) {
  const std::string out = (fs::path(m_paths.work_dir) / (name + ".out")).string();
  ScenarioFigures f = run_bzjira(name, {"audit", "-c", m_mapping, "--from-file", m_dataset, "--now",
                                        k_bench_epoch, "--format", format, "-o", out});
  f.floor.how = "no requests: the dataset file is read";
  return f;
}

ScenarioFigures BenchSession::audit_file() { return audit_from_file("audit_file", "text"); }

ScenarioFigures BenchSession::audit_file_json() {
  return audit_from_file("audit_file_json", "json");
}

ScenarioFigures BenchSession::python_json_load() {
  ScenarioFigures f;
  f.name = "python_json_load";
  const std::string code = "import json; json.load(open(" + python_string(m_dataset) + "))";
  f.command = "python3 -c '" + code + "'";
  f.floor.how = "no requests: the yardstick (Python's json.load of the dataset file)";
  if (m_paths.python.empty()) {
    f.notes = "no python3 on PATH: the yardstick was not run. ";
    return f;
  }
  const fs::path out = fs::path(m_paths.work_dir) / "python_json_load.stdout";
  const fs::path err = fs::path(m_paths.work_dir) / "python_json_load.stderr";
  f.usage = run_measured({m_paths.python, "-c", code}, {}, out.string(), err.string());
  if (f.usage.exit_code != 0) {
    f.notes = "python3 exited with " + std::to_string(f.usage.exit_code) +
              "; stderr: " + tail(read_file(err)) + " ";
  }
  return f;
}

ScenarioFigures BenchSession::audit_live() {
  const std::string out = (fs::path(m_paths.work_dir) / "audit-live.txt").string();
  ScenarioFigures f =
      run_bzjira("audit_live", {"audit", "-c", m_mapping, "--now", k_bench_epoch, "-o", out});
  f.floor = audit_live_floor(m_facts.bugs, k_key_configured, m_limits);
  return f;
}

const std::vector<ScenarioStep>& bench_steps() {
  static const std::vector<ScenarioStep> k_steps = {
      {"cold_sync", &BenchSession::cold_sync},
      {"first_sync_after_cold", &BenchSession::first_sync_after_cold},
      {"steady_sync", &BenchSession::steady_sync},
      {"incremental_sync", &BenchSession::incremental_sync},
      {"audit_file", &BenchSession::audit_file},
      {"audit_file_json", &BenchSession::audit_file_json},
      {"python_json_load", &BenchSession::python_json_load},
      {"audit_live", &BenchSession::audit_live, true},
  };
  return k_steps;
}

std::string find_python() {
  const char* path = std::getenv("PATH");
  std::string candidate;
  for (std::string_view dirs = path != nullptr ? path : ""; !dirs.empty();) {
    const std::size_t colon = std::min(dirs.find(':'), dirs.size());
    const fs::path file = fs::path(std::string(dirs.substr(0, colon))) / "python3";
    if (::access(file.c_str(), X_OK) == 0) {
      candidate = file.string();
      break;
    }
    dirs.remove_prefix(std::min(colon + 1, dirs.size()));
  }
  if (candidate.empty()) {
    return "";
  }
  const fs::path out =
      fs::temp_directory_path() / ("bzjira-bench-python-" + std::to_string(::getpid()));
  const ChildUsage usage = run_measured({candidate, "-c", "import sys; print(sys.executable)"}, {},
                                        out.string(), "/dev/null");
  std::string executable = read_file(out);
  std::error_code ignored;
  fs::remove(out, ignored);
  while (!executable.empty() && (executable.back() == '\n' || executable.back() == '\r')) {
    executable.pop_back();
  }
  return usage.exit_code == 0 && !executable.empty() ? executable : candidate;
}

}  // namespace bzjira::bench
