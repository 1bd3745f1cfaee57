// bzjira-sim: runs the Bugzilla half, the Jira half or both on 127.0.0.1 until SIGINT/SIGTERM
// (options: `bzjira-sim --help`; control endpoints: tests/sim/bugzilla_sim.h and jira_sim.h).
// Exit 0 on a signal, 2 on bad usage, 1 when a half cannot start.
#include <boost/program_options.hpp>

#include <pthread.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "tests/sim/bugzilla_sim.h"

#if __has_include("tests/sim/jira_sim.h")
#include "tests/sim/jira_sim.h"
#define BZJIRA_SIM_HAS_JIRA 1
#else
#define BZJIRA_SIM_HAS_JIRA 0
#endif

namespace po = boost::program_options;

namespace {

// Writes {"bugzilla": N, "jira": M} so that a reader never sees half a file.
bool write_ports_file(const std::string& path, std::optional<int> bugzilla,
                      std::optional<int> jira) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "{";
    if (bugzilla) {
      out << "\"bugzilla\": " << *bugzilla;
    }
    if (jira) {
      out << (bugzilla ? ", " : "") << "\"jira\": " << *jira;
    }
    out << "}\n";
    if (!out) {
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description desc("bzjira-sim: local Bugzilla and Jira simulators on 127.0.0.1");
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("bugzilla-data", po::value<std::string>(), "dataset JSON served by the Bugzilla half")
      ("bugzilla-port", po::value<int>()->default_value(0), "Bugzilla port (0 = any free one)")
      ("bugzilla-auth", po::value<std::string>()->default_value("bmo"), "bmo | upstream")
      ("clock", po::value<std::string>()->default_value(""),
       "RFC3339 start of Bugzilla's clock (advances with real time); default real time")
      ("bugzilla-rate-limit", po::value<double>()->default_value(0),
       "Bugzilla requests per second before BMO-style rate limiting (0 = off)")
      ("bugzilla-rate-limit-block", po::value<double>()->default_value(1),
       "seconds a rate-limited caller keeps getting HTML 429")
      ("jira-port", po::value<int>(), "run the Jira half on this port (0 = any free one)")
      ("jira-flavor", po::value<std::string>()->default_value("cloud"), "cloud | datacenter")
      ("jira-project", po::value<std::string>()->default_value("CAINC"), "Jira project key")
      ("jira-search-delay-ms", po::value<int>()->default_value(0),
       "new Jira issues stay invisible to JQL search this long")
      ("jira-rate-limit", po::value<double>()->default_value(0), "Jira requests per second (0 = off)")
      ("jira-users", po::value<std::string>()->default_value(""),
       "email:token,... accepted Jira credentials (empty = any)")
      ("faults", po::value<double>()->default_value(0), "share of requests that fail (0..1)")
      ("seed", po::value<std::uint64_t>()->default_value(1), "fault sequence seed")
      ("hang-seconds", po::value<double>()->default_value(15), "how long a hang fault stalls")
      ("ports-file", po::value<std::string>(), "write {\"bugzilla\": N, \"jira\": M} here once listening");
  // clang-format on
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "bzjira-sim: " << e.what() << "\n" << desc;
    return 2;
  }
  if (vm.count("help") != 0) {
    std::cout << desc;
    return 0;
  }
  const bool want_bugzilla = vm.count("bugzilla-data") != 0;
  const bool want_jira = vm.count("jira-port") != 0;
  if (!want_bugzilla && !want_jira) {
    std::cerr << "bzjira-sim: give --bugzilla-data (Bugzilla half) and/or --jira-port (Jira half)\n"
              << desc;
    return 2;
  }
#if !BZJIRA_SIM_HAS_JIRA
  if (want_jira) {
    std::cerr << "bzjira-sim: this build has no Jira half\n";
    return 2;
  }
#endif

  // Block the stop signals before any listener thread exists, so every thread inherits the mask
  // and sigwait below is the only place that receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<bzjira::sim::BugzillaSim> bugzilla;
  std::optional<int> bugzilla_port;
  std::optional<int> jira_port;
  try {
    if (want_bugzilla) {
      bzjira::sim::BugzillaSimOptions options;
      options.data_path = vm["bugzilla-data"].as<std::string>();
      options.port = vm["bugzilla-port"].as<int>();
      options.auth = vm["bugzilla-auth"].as<std::string>();
      options.clock = vm["clock"].as<std::string>();
      options.fault_rate = vm["faults"].as<double>();
      options.seed = vm["seed"].as<std::uint64_t>();
      options.rate_limit_per_second = vm["bugzilla-rate-limit"].as<double>();
      options.rate_limit_block_seconds = vm["bugzilla-rate-limit-block"].as<double>();
      options.hang_seconds = vm["hang-seconds"].as<double>();
      bugzilla = std::make_unique<bzjira::sim::BugzillaSim>(options);
      bugzilla->start();
      bugzilla_port = bugzilla->port();
      std::cout << "bugzilla listening on " << bugzilla->base_url() << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "bzjira-sim: bugzilla: " << e.what() << "\n";
    return 1;
  }
#if BZJIRA_SIM_HAS_JIRA
  std::unique_ptr<bzjira::sim::JiraSim> jira;
  try {
    if (want_jira) {
      bzjira::sim::JiraSimOptions options;
      options.port = vm["jira-port"].as<int>();
      options.flavor = vm["jira-flavor"].as<std::string>();
      options.project_key = vm["jira-project"].as<std::string>();
      options.fault_rate = vm["faults"].as<double>();
      options.seed = vm["seed"].as<std::uint64_t>();
      options.search_delay_ms = vm["jira-search-delay-ms"].as<int>();
      options.rate_limit_per_second = vm["jira-rate-limit"].as<double>();
      options.hang_seconds = vm["hang-seconds"].as<double>();
      options.users = vm["jira-users"].as<std::string>();
      jira = std::make_unique<bzjira::sim::JiraSim>(options);
      jira->start();
      jira_port = jira->port();
      std::cout << "jira listening on " << jira->base_url() << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "bzjira-sim: jira: " << e.what() << "\n";
    return 1;
  }
#endif
  if (vm.count("ports-file") != 0 &&
      !write_ports_file(vm["ports-file"].as<std::string>(), bugzilla_port, jira_port)) {
    std::cerr << "bzjira-sim: cannot write " << vm["ports-file"].as<std::string>() << "\n";
    return 1;
  }
  int received = 0;
  sigwait(&stop_signals, &received);
  std::cout << "bzjira-sim: stopping (signal " << received << ")" << std::endl;
#if BZJIRA_SIM_HAS_JIRA
  if (jira) {
    jira->stop();
  }
#endif
  if (bugzilla) {
    bugzilla->stop();
  }
  return 0;
}
