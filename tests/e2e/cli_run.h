// Runs the built `bzjira` binary from the build directory and captures its exit code, standard
// output and standard error (for the tests/e2e/cli_*.cpp tests), with the shared test helpers
// (tests/support) under this suite's names.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/support/paths.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/text.h"

namespace bzjira::e2e {

using test_support::contains;
using test_support::read_file;
using test_support::run_program;  // stdin /dev/null, without the caller's BZJIRA_* variables
using test_support::RunResult;
using test_support::TempDir;

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (const char c : s) {
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return q + "'";
}

// `bzjira <args>` from the build directory.
inline RunResult run_bzjira(const std::vector<std::string>& args) {
  return run_program(bzjira::test_support::binary_dir() + "/bzjira", args);
}

inline std::string demo_mapping() {
  return bzjira::test_support::source_dir() + "/mappings/demo.json";
}
inline std::string demo_dataset() {
  return bzjira::test_support::source_dir() + "/deploy/demo/example-ca.dataset.json";
}
// The demo's fixed "now" (deploy/demo): reproducible output.
inline constexpr const char* k_demo_now = "2026-11-26T12:00:00Z";

inline std::vector<std::string> demo_audit(std::vector<std::string> extra) {
  std::vector<std::string> args = {"audit",        "-c",    demo_mapping(), "--from-file",
                                   demo_dataset(), "--now", k_demo_now};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

inline bool have_promtool() { return std::system("command -v promtool >/dev/null 2>&1") == 0; }

// "" when promtool is on PATH, else what to install. promtool comes with Debian's "prometheus"
// package: as root it is installed first (deploy/install-deps.sh --test lists it). For
// REQUIRE(promtool_missing() == ""), which prints the advice when it fails.
inline std::string promtool_missing() {
  if (!have_promtool() && ::geteuid() == 0) {
    (void)std::system(
        "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus "
        ">/dev/null 2>&1");
  }
  if (!have_promtool()) {
    return "promtool is missing: install the Debian package 'prometheus' "
           "(deploy/install-deps.sh --test)";
  }
  return "";
}

inline int count_lines(const std::string& s) {
  int n = 0;
  for (const char c : s) {
    n += c == '\n' ? 1 : 0;
  }
  return n;
}

}  // namespace bzjira::e2e
