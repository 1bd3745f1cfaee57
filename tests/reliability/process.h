// The programs under test and the reliability data, plus the shared test helpers (tests/support:
// child processes, scratch directories, file and text helpers) under this suite's names.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/text.h"

namespace bzjira::reliability {

using test_support::Child;
using test_support::contains;
using test_support::Env;
using test_support::read_file;
using test_support::RunResult;
using test_support::TempDir;
using test_support::write_file;

// Paths of the programs under test (the build tree) and of the test data (the source tree).
std::string bzjira_binary();
std::string sim_binary();
std::string data_file(const std::string& name);  // tests/reliability/data/<name>

// Runs `bzjira args...` to completion (SIGKILLed after `limit`), capturing its output.
RunResult run_bzjira(const std::vector<std::string>& args, const Env& env,
                     std::chrono::milliseconds limit = std::chrono::seconds(120));

}  // namespace bzjira::reliability
