#include "adapters/store/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "adapters/store/paths.h"

namespace bzjira::adapters::store {

namespace {

// The pid the holder wrote, or "unknown" when it has not written one yet (or wrote garbage).
std::string holder_pid(int fd) {
  char buffer[32] = {};
  const ssize_t n = ::pread(fd, buffer, sizeof(buffer) - 1, 0);
  if (n <= 0) {
    return "unknown";
  }
  std::string pid;
  for (ssize_t i = 0; i < n && buffer[i] >= '0' && buffer[i] <= '9'; ++i) {
    pid += buffer[i];
  }
  return pid.empty() ? std::string("unknown") : pid;
}

sync::Status write_pid(int fd) {
  const std::string text = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    return sync::make_error(
        sync::ErrorKind::internal,
        std::string("cannot write the pid into the lock file: ") + std::strerror(errno));
  }
  return sync::ok_status();
}

}  // namespace

sync::Result<RunLock> RunLock::acquire(const std::string& db_path) {
  if (db_path.empty()) {
    return sync::make_error(sync::ErrorKind::config, "the state database path is empty");
  }
  std::string path = db_path + ".lock";
  if (auto status = make_private_parent_dirs(path); !status.ok()) {
    return status.error();
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return sync::make_error(sync::ErrorKind::config,
                            "cannot open lock file " + path + ": " + std::strerror(errno));
  }
  // From here on the RunLock owns fd, so every return below closes it.
  RunLock lock(fd, path);
  int rc = 0;
  do {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    lock.m_fd = -1;  // not ours: close without touching the holder's pid
    const std::string pid = err == EWOULDBLOCK ? holder_pid(fd) : std::string();
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return sync::make_error(
          sync::ErrorKind::transient,
          "another bzjira run holds " + path + " (pid " + pid + "); not touching anything");
    }
    return sync::make_error(sync::ErrorKind::internal,
                            "cannot lock " + path + ": " + std::strerror(err));
  }
  if (auto status = write_pid(fd); !status.ok()) {
    return sync::make_error(status.error().kind, path + ": " + status.error().message);
  }
  return lock;
}

RunLock::RunLock(RunLock&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path)) {}

RunLock& RunLock::operator=(RunLock&& other) noexcept {
  if (this != &other) {
    release();
    m_fd = std::exchange(other.m_fd, -1);
    m_path = std::move(other.m_path);
  }
  return *this;
}

RunLock::~RunLock() { release(); }

void RunLock::release() {
  if (m_fd < 0) {
    return;
  }
  // Clear the pid while still holding the lock, so nobody reads a finished run's pid later.
  if (::ftruncate(m_fd, 0) != 0) {
    // Harmless: the next holder overwrites it.
  }
  ::close(m_fd);  // closing the last descriptor releases the flock
  m_fd = -1;
}

}  // namespace bzjira::adapters::store
