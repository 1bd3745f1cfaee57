// Child processes for the tests: posix_spawn with a controlled environment, stdin from /dev/null,
// output to files, waiting with a deadline, SIGKILL; and a program run to completion with its
// exit code and output captured.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace bzjira::test_support {

// The environment a child gets: this process's, minus every BZJIRA_* variable (so a developer's
// own settings and secrets cannot leak into a test), plus `Env`.
using Env = std::map<std::string, std::string>;

// A started child. stdout and stderr go to files (read them after wait()).
class Child {
 public:
  // Starts `program args...` with `env`; a program without '/' is looked up on PATH. Throws
  // std::runtime_error when no process can be started; a program that cannot be executed
  // "exits" with 127 at once (and pid() is -1).
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
  // SIGTERM, then SIGKILL when it has not ended within `grace`; reaped either way.
  void stop(std::chrono::milliseconds grace);

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

// Runs `program args...` to completion (SIGKILLed after `limit`), capturing its output.
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const Env& env = {},
                      std::chrono::milliseconds limit = std::chrono::minutes(10));

}  // namespace bzjira::test_support
