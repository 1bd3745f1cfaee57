// Child processes for the reliability tests: fork/exec with a controlled environment, output to
// files, waiting with a deadline, SIGKILL. Plus scratch directories and small file helpers.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bzjira::reliability {

// Paths of the programs under test (the build tree) and of the test data (the source tree).
std::string bzjira_binary();
std::string sim_binary();
std::string data_file(const std::string& name);  // tests/reliability/data/<name>

// Whether `needle` occurs in `haystack` (for checks on outputs and texts).
bool contains(const std::string& haystack, const std::string& needle);

std::string read_file(const std::filesystem::path& path);  // "" when unreadable
void write_file(const std::filesystem::path& path, const std::string& content);

// A scratch directory removed with everything in it when the object goes.
class TempDir {
 public:
  explicit TempDir(const std::string& tag = "rel");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::string file(const std::string& name) const { return (m_path / name).string(); }

 private:
  std::filesystem::path m_path;
};

// The environment a child gets: this process's, minus every BZJIRA_* variable (so a developer's
// own settings cannot leak into a test), plus `set`.
using Env = std::map<std::string, std::string>;

// A started child. stdout and stderr go to files (read them after wait()).
class Child {
 public:
  // Starts `program args...` with `env`; stdin is /dev/null; output to out_path / err_path.
  // Throws std::runtime_error when fork fails.
  Child(const std::string& program, const std::vector<std::string>& args, const Env& env,
        const std::string& out_path, const std::string& err_path);
  ~Child();  // SIGKILLs and reaps a child still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return m_pid; }
  // Waits up to `limit`; true when the child ended. exit_code(): its code, or -signal when killed.
  bool wait(std::chrono::milliseconds limit);
  bool running();
  int exit_code() const { return m_code; }
  void kill_now();  // SIGKILL (idempotent), then reap

 private:
  pid_t m_pid = -1;
  bool m_done = false;
  int m_code = -1000;
};

struct RunResult {
  int code = -1000;  // exit code; negative: killed by that signal; -1000: timed out
  std::string out;
  std::string err;
  bool timed_out = false;
};

// Runs `bzjira args...` to completion (SIGKILLed after `limit`), capturing its output.
RunResult run_bzjira(const std::vector<std::string>& args, const Env& env,
                     std::chrono::milliseconds limit = std::chrono::seconds(120));

}  // namespace bzjira::reliability
