// Runs the built `bzjira` binary from the build directory in a shell and captures its exit code,
// standard output and standard error (for the tests/e2e/cli_*.cpp tests).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace bzjira::e2e {

struct RunResult {
  int code = -1;  // the exit code; -1 when the program did not exit normally (a crash)
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (const char c : s) {
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return q + "'";
}

inline std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A scratch directory unique to this process, removed by the caller's TempDir.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    m_path = std::filesystem::temp_directory_path() /
             ("bzjira-cli-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::string file(const std::string& name, const std::string& content) const {
    const auto p = m_path / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

 private:
  std::filesystem::path m_path;
};

// `program <args>` through the shell, each argument quoted; stdin is /dev/null.
inline RunResult run_program(const std::string& program, const std::vector<std::string>& args) {
  TempDir dir;
  std::string command = shell_quote(program);
  for (const auto& a : args) {
    command += " " + shell_quote(a);
  }
  const auto out = dir.path() / "stdout";
  const auto err = dir.path() / "stderr";
  command += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string()) + " </dev/null";
  const int status = std::system(command.c_str());
  RunResult r;
  // The shell reports a child killed by a signal as 128 + signal; both count as "did not exit".
  if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) < 128) {
    r.code = WEXITSTATUS(status);
  }
  r.out = read_all(out);
  r.err = read_all(err);
  return r;
}

// `bzjira <args>` from the build directory.
inline RunResult run_bzjira(const std::vector<std::string>& args) {
  return run_program(std::string(BZJIRA_BINARY_DIR) + "/bzjira", args);
}

inline std::string demo_mapping() { return std::string(BZJIRA_SOURCE_DIR) + "/mappings/demo.json"; }
inline std::string demo_dataset() {
  return std::string(BZJIRA_SOURCE_DIR) + "/deploy/demo/example-ca.dataset.json";
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
