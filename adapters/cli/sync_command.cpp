// `bzjira sync`: one run of the job (sync/run.h) with the real Bugzilla, Jira and state store,
// under the state's run lock; prints one line per action and a summary, optionally metrics.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include <boost/program_options.hpp>

#include "adapters/cli/command.h"
#include "adapters/cli/inputs.h"
#include "adapters/cli/services.h"
#include "adapters/cli/sync_decorators.h"
#include "adapters/cli/sync_metrics.h"
#include "adapters/http/version.h"
#include "adapters/log/log.h"
#include "adapters/store/lock.h"
#include "adapters/store/sqlite_store.h"
#include "adapters/tz/tz_zone.h"
#include "sync/run.h"

namespace bzjira::adapters::cli {

namespace {

constexpr const char* k_name = "sync";

void add_sync_options(po::options_description& desc) {
  desc.add_options()  //
      ("config,c", po::value<std::string>()->value_name("MAPPING")->required(),
       "the project's mapping file (JSON; required)")  //
      ("dry-run",
       "print the plan with its reasons and write nothing to Bugzilla, Jira or the state "
       "(default: off)")  //
      ("now", po::value<std::string>()->value_name("RFC3339"),
       "the time the run is made at, e.g. 2026-11-26T12:00:00Z, for backfills and tests "
       "(default: the current time)");
  add_state_option(desc);
  desc.add_options()  //
      ("metrics-file", po::value<std::string>()->value_name("PATH"),
       "write Prometheus metrics to PATH after the run, atomically, for node_exporter's textfile "
       "collector (default: none; never in a dry run)");
}

// Unique enough to find one run's lines and journal entries: start time, pid, random bits.
std::string make_run_id(sync::Instant wall) {
  std::string t = sync::format_rfc3339(wall);  // 2026-11-26T12:00:00Z
  std::string compact;
  for (char c : t) {
    if (c != '-' && c != ':') {
      compact += c;
    }
  }
  std::random_device random;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(random() & 0xffffu));
  return compact + "-" + std::to_string(::getpid()) + "-" + suffix;
}

// The state a run works on, and what it holds while it does.
struct OpenState {
  std::optional<store::RunLock> lock;
  std::unique_ptr<store::SqliteStore> store;
  std::filesystem::path scratch;  // a dry run's throw-away database, removed afterwards
  ~OpenState() {
    store.reset();
    if (!scratch.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(scratch, ignored);
    }
  }
};

// Takes the lock, then opens the database. A dry run on a mapping that never ran uses a scratch
// database instead, so that it creates no state (and takes no lock: there is nothing to protect).
int open_state(Io& io, const std::string& path, bool dry_run, OpenState& state) {
  std::error_code ec;
  std::string db_path = path;
  if (dry_run && !std::filesystem::exists(path, ec)) {
    std::string dir = (std::filesystem::temp_directory_path(ec) / "bzjira-dry-run-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) {
      return fail(io, k_name, "cannot create a scratch directory for the dry run's state",
                  k_exit_internal);
    }
    state.scratch = dir;
    db_path = (state.scratch / "state.db").string();
  } else {
    auto lock = store::RunLock::acquire(path);
    if (!lock) {
      const int code = lock.error().kind == sync::ErrorKind::transient
                           ? k_exit_locked
                           : exit_code_for(lock.error());
      return fail(io, k_name, lock.error().message, code);
    }
    state.lock.emplace(std::move(*lock));
  }
  auto opened = store::SqliteStore::open(db_path);
  if (!opened) {
    return fail(io, k_name, opened.error().message, exit_code_for(opened.error()));
  }
  state.store = std::move(*opened);
  return k_exit_ok;
}

// Progress goes to a terminal only, and never into a JSON log.
Progress make_progress(Io& io) {
  if (!io.err_is_terminal || io.json_log) {
    return Progress(nullptr);
  }
  return Progress([&io](const std::string& line) {
    io.err << "bzjira sync: " << line << "\n";
    io.err.flush();
  });
}

std::string two_decimals(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", s);
  return buf;
}

void print_report(Io& io, const sync::RunReport& report, bool dry_run, double seconds) {
  for (const std::string& line : report.execution.lines) {
    io.out << line << "\n";
  }
  if (!dry_run) {  // in a dry run the plan's lines already end with its notes
    for (const std::string& note : report.notes) {
      io.out << "note: " << note << "\n";
    }
  }
  io.out << "summary: " << report.summary << "; duration " << two_decimals(seconds) << " s\n";
  io.out.flush();
  for (const sync::Error& e : report.errors) {
    diagnostic(io, Severity::error, "sync_error",
               "bzjira sync: " + std::string(sync::to_string(e.kind)) + ": " + e.message);
  }
  const sync::ExecutionReport& x = report.execution;
  log::event(report.exit_code == 0 ? spdlog::level::info : spdlog::level::warn, "sync_summary",
             report.summary,
             {{"dry_run", dry_run ? "true" : "false"},
              {"exit_code", std::to_string(report.exit_code)},
              {"obligations_open", std::to_string(report.obligations_open)},
              {"overdue", std::to_string(report.overdue)},
              {"created", std::to_string(x.created)},
              {"updated", std::to_string(x.updated)},
              {"commented", std::to_string(x.commented)},
              {"closed", std::to_string(x.closed)},
              {"reopened", std::to_string(x.reopened)},
              {"replies_posted", std::to_string(x.replies_posted)},
              {"failed", std::to_string(x.failed)},
              {"bugzilla_requests", std::to_string(report.bugzilla_requests)},
              {"jira_requests", std::to_string(report.jira_requests)},
              {"steady", report.steady ? "true" : "false"},
              {"duration_seconds", two_decimals(seconds)}});
}

int run_sync_command(const po::variables_map& vm, Io& io) {
  const auto now = now_option(vm, io);
  if (!now) {
    return usage_error(io, k_name, now.error().message);
  }
  const bool dry_run = vm.count("dry-run") != 0;
  const auto mapping = load_mapping(io, k_name, vm["config"].as<std::string>());
  if (!mapping) {
    return k_exit_usage;
  }
  const auto zone = tz::make_zone(mapping->policy.time_zone);
  if (!zone) {
    return fail(io, k_name, zone.error().message, k_exit_usage);
  }
  // Every secret is read before anything is touched: a missing one costs no request and no lock.
  auto bugzilla = make_bugzilla_client(io, k_name, *mapping);
  if (!bugzilla) {
    return k_exit_usage;
  }
  const auto credentials = read_jira_credentials(io, k_name, *mapping);
  if (!credentials) {
    return k_exit_usage;
  }
  const auto path = state_path(io, k_name, vm, *mapping);
  if (!path) {
    return k_exit_usage;
  }
  const std::string run_id = make_run_id(system_now());
  start_logging(io, vm, run_id, mapping->name);
  OpenState state;
  if (const int code = open_state(io, *path, dry_run, state); code != k_exit_ok) {
    return code;
  }
  jira::JiraClient jira(mapping->jira, *credentials);
  Progress progress = make_progress(io);
  ObservedBugSource bugs(*bugzilla, progress);
  ObservedTracker tracker(jira, progress);
  ObservedStore store(*state.store);
  log::event(spdlog::level::info, "sync_start",
             std::string(dry_run ? "dry run" : "run") + " of mapping " + mapping->name,
             {{"now", sync::format_rfc3339(*now)}, {"state", *path}});

  const auto started = std::chrono::steady_clock::now();
  sync::RunOptions options;
  options.dry_run = dry_run;
  options.run_id = run_id;
  options.build = http::k_version;
  const sync::RunReport report =
      sync::run_sync(bugs, tracker, store, *mapping, **zone, *now, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const std::string& problem : bugzilla->problems()) {
    warn(io, k_name, "Bugzilla: skipped a bug that could not be read: " + problem);
  }
  print_report(io, report, dry_run, seconds);

  if (vm.count("metrics-file") != 0 && !dry_run) {
    RunFacts facts{report, bugs.errors(), tracker.errors(), store.errors(), seconds, system_now()};
    const auto written = write_sync_metrics(vm["metrics-file"].as<std::string>(), *state.store,
                                            *mapping, *now, facts);
    if (!written) {
      diagnostic(io, Severity::error, "metrics_failed", "bzjira sync: " + written.error().message);
      return std::max(report.exit_code, k_exit_usage);
    }
  }
  return report.exit_code;
}

}  // namespace

Command sync_command() {
  Command c;
  c.name = k_name;
  c.summary = "one run: mirror open obligations into Jira";
  c.usage = "sync -c MAPPING [--dry-run] [--now RFC3339] [--state PATH] [options]";
  c.details =
      "Reads what changed on Bugzilla, computes every obligation and its deadline, and makes\n"
      "Jira match: one issue per open obligation with its due date, closed when the CA answers\n"
      "(with replies written in Jira posted to Bugzilla when the mapping enables them). Prints\n"
      "one line per action, then a summary. Secrets come from the environment variables the\n"
      "mapping names (or <NAME>_FILE). Two runs of one mapping never overlap: the second\n"
      "exits with 3 without touching anything (a dry run takes the lock too, unless the\n"
      "mapping has no state yet). On a terminal, progress goes to stderr.\n\n"
      "Example (the bundled demo, against bzjira-sim; see deploy/quickstart.sh):\n"
      "  bzjira sync -c demo.json --now 2026-11-26T12:00:00Z --dry-run";
  c.add_options = add_sync_options;
  c.run = run_sync_command;
  return c;
}

}  // namespace bzjira::adapters::cli
