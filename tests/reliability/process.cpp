// The reliability suite's paths and its bzjira runs (process.h).
#include "tests/reliability/process.h"
#include "tests/support/paths.h"

namespace bzjira::reliability {

std::string bzjira_binary() { return bzjira::test_support::binary_dir() + "/bzjira"; }
std::string sim_binary() { return bzjira::test_support::binary_dir() + "/bzjira-sim"; }
std::string data_file(const std::string& name) {
  return bzjira::test_support::source_dir() + "/tests/reliability/data/" + name;
}

RunResult run_bzjira(const std::vector<std::string>& args, const Env& env,
                     std::chrono::milliseconds limit) {
  return test_support::run_program(bzjira_binary(), args, env, limit);
}

}  // namespace bzjira::reliability
