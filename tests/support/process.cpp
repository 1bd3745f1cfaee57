// Child processes for the tests (process.h).
#include "tests/support/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "tests/support/temp_dir.h"
#include "tests/support/text.h"

extern char** environ;

namespace bzjira::test_support {

namespace {

// `program` itself when it names a path, else the first executable of that name on PATH (as the
// shell would find it); unchanged when there is none, so that exec fails with 127.
std::string resolve(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (program.find('/') != std::string::npos || path == nullptr) {
    return program;
  }
  const std::string dirs = path;
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t colon = dirs.find(':', start);
    if (colon == std::string::npos) {
      colon = dirs.size();
    }
    const std::string dir = colon == start ? "." : dirs.substr(start, colon - start);
    std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = colon + 1;
  }
  return program;
}

}  // namespace

Child::Child(const std::string& program, const std::vector<std::string>& args, const Env& env,
             const std::string& out_path, const std::string& err_path) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "BZJIRA_", 7) != 0) {
      const std::string entry = *e;
      const std::string name = entry.substr(0, entry.find('='));
      if (env.count(name) == 0) {
        env_strings.push_back(entry);
      }
    }
  }
  for (const auto& [name, value] : env) {
    env_strings.push_back(name + "=" + value);
  }
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  const std::string executable = resolve(program);
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_strings.size() + 1);
  for (auto& s : argv_strings) {
    argv.push_back(s.data());
  }
  argv.push_back(nullptr);
  const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  // posix_spawn, not fork: glibc starts the child with the parent's memory shared (vfork), so a
  // large sanitized test process does not copy its page tables and then take a copy-on-write
  // fault on every page it touches until the child has called exec.
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  const int targets[] = {0, 1, 2};
  const int sources[] = {in, out, err};
  for (int i = 0; i < 3; ++i) {
    if (sources[i] >= 0) {
      ::posix_spawn_file_actions_adddup2(&actions, sources[i], targets[i]);
    }
  }
  const int spawned =
      ::posix_spawn(&m_pid, executable.c_str(), &actions, nullptr, argv.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  for (int fd : {in, out, err}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  if (spawned == ENOENT || spawned == EACCES || spawned == ENOEXEC || spawned == ENOTDIR) {
    // The program cannot be run (posix_spawn reports exec's failure itself): exit 127, as a
    // shell reports it. No process exists, so pid() stays -1.
    m_done = true;
    m_code = 127;
  } else if (spawned != 0) {
    throw std::runtime_error(std::string("posix_spawn failed: ") + std::strerror(spawned));
  }
}

Child::~Child() { kill_now(); }

bool Child::running() {
  if (m_done) {
    return false;
  }
  int status = 0;
  const pid_t r = ::waitpid(m_pid, &status, WNOHANG);
  if (r == m_pid) {
    m_done = true;
    m_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return false;
  }
  return true;
}

bool Child::wait(std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  auto pause = std::chrono::microseconds(200);
  while (running()) {
    if (std::chrono::steady_clock::now() >= until) {
      return false;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(5));
  }
  return true;
}

void Child::kill_now() {
  if (m_pid > 0 && running()) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_done = true;
    m_code = -SIGKILL;
  }
}

void Child::stop(std::chrono::milliseconds grace) {
  if (m_pid > 0 && running()) {
    ::kill(m_pid, SIGTERM);
    if (!wait(grace)) {
      kill_now();
    }
  }
}

RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const Env& env, std::chrono::milliseconds limit) {
  TempDir dir("run");
  RunResult r;
  Child child(program, args, env, dir.file("out"), dir.file("err"));
  if (!child.wait(limit)) {
    child.kill_now();
    r.timed_out = true;
  } else {
    r.code = child.exit_code();
  }
  r.out = read_file(dir.file("out"));
  r.err = read_file(dir.file("err"));
  return r;
}

}  // namespace bzjira::test_support
