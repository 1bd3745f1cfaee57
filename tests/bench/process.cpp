#include "tests/bench/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/bench/socket_io.h"

extern char** environ;

namespace bzjira::bench {

namespace {

// The environment of a child: this process's plus `extra` (which wins), as NAME=value strings.
std::vector<std::string> child_environment(const Environment& extra) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::size_t eq = entry.find('=');
    if (eq != std::string::npos) {
      env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
  }
  for (const auto& [name, value] : extra) {
    env[name] = value;
  }
  std::vector<std::string> env_strings;
  env_strings.reserve(env.size());
  for (const auto& [name, value] : env) {
    env_strings.push_back(name + "=" + value);
  }
  return env_strings;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

// posix_spawn rather than fork: the benchmark has threads (proxies, HTTP clients), and nothing
// but exec is safe in a forked child of a threaded process. 0 or the error number.
int spawn_with(std::vector<std::string> argv, std::vector<std::string> env,
               const std::string& out_path, const std::string& err_path, pid_t& pid) {
  const std::vector<char*> argp = pointers(argv);
  const std::vector<char*> envp = pointers(env);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  const int rc = posix_spawn(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc;
}

pid_t spawn(const std::vector<std::string>& argv, const Environment& extra,
            const std::string& out_path, const std::string& err_path) {
  pid_t pid = -1;
  if (const int rc = spawn_with(argv, child_environment(extra), out_path, err_path, pid)) {
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  return pid;
}

double seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

// What the spawner sends back for one child (both ends are the same program: sent as bytes).
struct Reply {
  int spawn_error = 0;  // posix_spawn's error number; 0 when the child ran
  ChildUsage usage;
};

// Starts a child and waits for it; the spawner does it and so does run_measured without one.
Reply run_and_wait(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                   const std::string& out_path, const std::string& err_path) {
  Reply reply;
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = -1;
  reply.spawn_error = spawn_with(argv, env, out_path, err_path, pid);
  if (reply.spawn_error != 0) {
    return reply;
  }
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      reply.spawn_error = errno;
      return reply;
    }
  }
  ChildUsage& u = reply.usage;
  u.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  u.user_seconds = seconds(usage.ru_utime);
  u.sys_seconds = seconds(usage.ru_stime);
  u.max_rss_kb = usage.ru_maxrss;
  u.minor_faults = usage.ru_minflt;
  if (WIFEXITED(status)) {
    u.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    u.signal = WTERMSIG(status);
  }
  return reply;
}

// A request is a list of strings: argv's count, argv, the environment's count, the environment,
// the output path, the error path. Each string is its length, then its bytes.
void put(std::string& out, const std::string& text) {
  const std::uint64_t size = text.size();
  out.append(reinterpret_cast<const char*>(&size), sizeof size);
  out += text;
}

void put_list(std::string& out, const std::vector<std::string>& list) {
  put(out, std::to_string(list.size()));
  for (const std::string& item : list) {
    put(out, item);
  }
}

bool take(int fd, std::string& text) {
  std::uint64_t size = 0;
  if (!receive_all(fd, &size, sizeof size) || size > (std::uint64_t{1} << 30)) {
    return false;
  }
  text.resize(size);
  return receive_all(fd, text.data(), text.size());
}

bool take_list(int fd, std::vector<std::string>& list) {
  std::string count;
  if (!take(fd, count) || count.empty() || count.size() > 9 ||
      count.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  list.resize(std::stoul(count));
  for (std::string& item : list) {
    if (!take(fd, item)) {
      return false;
    }
  }
  return true;
}

// The spawner's loop: one child per request, until the bench closes its end.
[[noreturn]] void serve(int fd) {
  for (;;) {
    std::vector<std::string> argv;
    std::vector<std::string> env;
    std::string out_path;
    std::string err_path;
    if (!take_list(fd, argv) || argv.empty() || !take_list(fd, env) || !take(fd, out_path) ||
        !take(fd, err_path)) {
      _exit(0);
    }
    const Reply reply = run_and_wait(argv, env, out_path, err_path);
    if (!send_all(fd, &reply, sizeof reply)) {
      _exit(0);
    }
  }
}

// The bench's end of the spawner's socket (-1 without a spawner). One per process, like the
// process itself; the mutex keeps one request at a time on the socket.
struct SpawnerLink {
  std::mutex mutex;
  int fd = -1;
};

SpawnerLink& spawner_link() {
  static SpawnerLink link;
  return link;
}

}  // namespace

void start_spawner() {
  SpawnerLink& link = spawner_link();
  const std::lock_guard lock(link.mutex);
  if (link.fd >= 0) {
    return;
  }
  std::array<int, 2> fds{};
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds.data()) != 0) {
    throw std::runtime_error(std::string("cannot start the spawner: ") + std::strerror(errno));
  }
  const pid_t pid = fork();
  if (pid < 0) {
    const int error = errno;
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(std::string("cannot start the spawner: ") + std::strerror(error));
  }
  if (pid == 0) {
    close(fds[0]);
    serve(fds[1]);
  }
  close(fds[1]);
  link.fd = fds[0];
}

ChildUsage run_measured(const std::vector<std::string>& argv, const Environment& extra,
                        const std::string& out_path, const std::string& err_path) {
  if (argv.empty()) {
    throw std::runtime_error("run_measured: no program");
  }
  SpawnerLink& link = spawner_link();
  const std::lock_guard lock(link.mutex);
  Reply reply;
  if (link.fd < 0) {
    reply = run_and_wait(argv, child_environment(extra), out_path, err_path);
  } else {
    std::string request;
    put_list(request, argv);
    put_list(request, child_environment(extra));
    put(request, out_path);
    put(request, err_path);
    if (!send_all(link.fd, request.data(), request.size()) ||
        !receive_all(link.fd, &reply, sizeof reply)) {
      throw std::runtime_error("cannot start " + argv[0] + ": the spawner is gone");
    }
  }
  if (reply.spawn_error != 0) {
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(reply.spawn_error));
  }
  return reply.usage;
}

long measured_rss_holding(std::size_t bytes) {
  std::vector<char> held(bytes);
  // Written page by page through a volatile pointer, so that every page is resident while the
  // child runs (writes nobody reads could otherwise be left out).
  volatile char* const pages = held.data();
  for (std::size_t i = 0; i < bytes; i += 4096) {
    pages[i] = 1;
  }
  const ChildUsage usage = run_measured({"/bin/true"}, {}, "/dev/null", "/dev/null");
  if (usage.exit_code != 0) {
    throw std::runtime_error("/bin/true failed under run_measured");
  }
  return usage.max_rss_kb;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::string& out_path, const std::string& err_path)
    : m_pid(spawn(argv, {}, out_path, err_path)) {}

BackgroundProcess::~BackgroundProcess() { stop(); }

bool BackgroundProcess::running() {
  if (m_pid <= 0) {
    return false;
  }
  int status = 0;
  if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
    m_pid = -1;
    return false;
  }
  return true;
}

double BackgroundProcess::cpu_seconds() const {
  if (m_pid <= 0) {
    return 0;
  }
  std::ifstream in("/proc/" + std::to_string(m_pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) {
    return 0;
  }
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // utime and stime are fields 14 and 15
    if (i == 14) {
      utime = std::stoull(field);
    } else if (i == 15) {
      stime = std::stoull(field);
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long BackgroundProcess::rss_kb() const {
  if (m_pid <= 0) {
    return 0;
  }
  std::ifstream in("/proc/" + std::to_string(m_pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return 0;
}

void BackgroundProcess::stop(double grace_seconds) {
  if (!running()) {
    return;
  }
  kill(m_pid, SIGTERM);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(grace_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(m_pid, SIGKILL);
  int status = 0;
  waitpid(m_pid, &status, 0);
  m_pid = -1;
}

}  // namespace bzjira::bench
