#include "tests/reliability/process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace bzjira::reliability {

std::string bzjira_binary() { return std::string(BZJIRA_BINARY_DIR) + "/bzjira"; }
std::string sim_binary() { return std::string(BZJIRA_BINARY_DIR) + "/bzjira-sim"; }
std::string data_file(const std::string& name) {
  return std::string(BZJIRA_SOURCE_DIR) + "/tests/reliability/data/" + name;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

TempDir::TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  m_path = std::filesystem::temp_directory_path() /
           ("bzjira-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  std::filesystem::remove_all(m_path);
  std::filesystem::create_directories(m_path);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

Child::Child(const std::string& program, const std::vector<std::string>& args, const Env& env,
             const std::string& out_path, const std::string& err_path) {
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
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
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) {
    argv.push_back(s.data());
  }
  argv.push_back(nullptr);
  const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  m_pid = ::fork();
  if (m_pid == 0) {
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(program.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  for (int fd : {in, out, err}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  if (m_pid < 0) {
    throw std::runtime_error("fork failed");
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

RunResult run_bzjira(const std::vector<std::string>& args, const Env& env,
                     std::chrono::milliseconds limit) {
  TempDir dir("run");
  RunResult r;
  Child child(bzjira_binary(), args, env, dir.file("out"), dir.file("err"));
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

}  // namespace bzjira::reliability
