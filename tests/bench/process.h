// Child processes for the benchmark: bzjira runs measured to completion (wall time, user and system
// CPU, peak resident memory from wait4), and bzjira-sim runs in the background until stopped.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace bzjira::bench {

using Environment = std::vector<std::pair<std::string, std::string>>;

struct ChildUsage {
  int exit_code = -1;  // -1 when the child did not exit normally
  int signal = 0;      // the signal that ended it, if one did
  double wall_seconds = 0;
  double user_seconds = 0;
  double sys_seconds = 0;
  long max_rss_kb = 0;    // ru_maxrss of the child (Linux: kilobytes)
  long minor_faults = 0;  // ru_minflt: pages first touched (each costs the kernel time)
};

// Starts the process that starts run_measured's children: a fork of this one, made while it is
// still small. Call it first thing in main, while the process has one thread (a fork of a threaded
// process may hold another thread's locks). Why: on Linux, exec records the high-water mark of the
// memory it replaces into the new program's ru_maxrss, and posix_spawn's child replaces its
// parent's (CLONE_VM), so a child started by a process that once held 300 MB reports at least
// 300 MB. Without the spawner run_measured starts children itself and their max_rss_kb is at
// least this process's peak. Throws std::runtime_error when it cannot be started; a second call
// does nothing.
void start_spawner();

// Runs argv (argv[0] a path) with the current environment plus `extra` (which wins), standard
// input from /dev/null and standard output and error into the given files; waits for it. Started
// by the spawner when there is one (start_spawner). Throws std::runtime_error when it cannot be
// started or the spawner is gone. One at a time: concurrent calls wait for each other.
ChildUsage run_measured(const std::vector<std::string>& argv, const Environment& extra,
                        const std::string& out_path, const std::string& err_path);

// What run_measured reports as the peak memory of /bin/true while this process holds `bytes` it
// has written to (kilobytes): about /bin/true's own with the spawner, this process's without.
long measured_rss_holding(std::size_t bytes);

// A background child (the simulator). The destructor stops it: SIGTERM, then SIGKILL after
// `grace_seconds`; only this pid is ever signalled.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& out_path,
                    const std::string& err_path);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return m_pid; }
  bool running();
  // CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat; 0 if gone.
  double cpu_seconds() const;
  // Resident memory now (VmRSS, kilobytes); 0 if gone.
  long rss_kb() const;
  void stop(double grace_seconds = 10);

 private:
  pid_t m_pid = -1;
};

}  // namespace bzjira::bench
