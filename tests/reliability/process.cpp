// The reliability suite's paths and its bzjira runs (process.h).
#include "tests/reliability/process.h"

namespace bzjira::reliability {

std::string bzjira_binary() { return std::string(BZJIRA_BINARY_DIR) + "/bzjira"; }
std::string sim_binary() { return std::string(BZJIRA_BINARY_DIR) + "/bzjira-sim"; }
std::string data_file(const std::string& name) {
  return std::string(BZJIRA_SOURCE_DIR) + "/tests/reliability/data/" + name;
}

RunResult run_bzjira(const std::vector<std::string>& args, const Env& env,
                     std::chrono::milliseconds limit) {
  return test_support::run_program(bzjira_binary(), args, env, limit);
}

}  // namespace bzjira::reliability
