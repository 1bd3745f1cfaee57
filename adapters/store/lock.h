// The run lock: one bzjira run per state database at a time, so two runs of a mapping (a timer and
// a person, two hosts sharing a home directory) never act on the same obligations together.
#pragma once

#include <string>

#include "sync/result.h"

namespace bzjira::adapters::store {

// An exclusive flock() on "<db_path>.lock", held for the object's lifetime. Move-only. The kernel
// drops the lock when the holder exits in any way (crash, kill -9), so a stale lock cannot block
// the next run; the lock file itself stays (deleting it would race with a process opening it).
class RunLock {
 public:
  // Takes the lock without waiting. Creates missing parent directories (0700) and the lock file
  // (0600), then writes this process's pid into it for the next one's message.
  // Errors: ErrorKind::transient "another bzjira run holds <db_path>.lock (pid N); not touching
  // anything" when another process (or another RunLock in this one) holds it — "pid unknown" if
  // the holder has not written its pid yet; ErrorKind::config when the file or a directory cannot
  // be created or opened; internal for any other failure. Never throws.
  static sync::Result<RunLock> acquire(const std::string& db_path);

  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&& other) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

  const std::string& path() const { return m_path; }  // the lock file

 private:
  RunLock(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
  void release();

  int m_fd = -1;
  std::string m_path;
};

}  // namespace bzjira::adapters::store
