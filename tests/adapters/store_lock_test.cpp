// The run lock against a real second process: a forked child holds it, the parent is refused with
// the child's pid, and the lock is free again once the child is gone.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "adapters/store/lock.h"
#include "tests/adapters/store_test_util.h"

namespace {

using bzjira::adapters::store::RunLock;
using bzjira::store_test::TempDir;
using namespace bzjira::sync;

// A child process that takes the lock, says so on a pipe, and waits for a byte (or its death).
class Holder {
 public:
  explicit Holder(const std::string& db_path) {
    int ready[2];
    int go[2];
    REQUIRE(::pipe(ready) == 0);
    REQUIRE(::pipe(go) == 0);
    m_pid = ::fork();
    REQUIRE(m_pid >= 0);
    if (m_pid == 0) {
      // Child: no Catch2 here; report through the exit code only.
      ::close(ready[0]);
      ::close(go[1]);
      auto lock = RunLock::acquire(db_path);
      const char byte = lock.ok() ? 'y' : 'n';
      if (::write(ready[1], &byte, 1) != 1) {
        ::_exit(3);
      }
      char ignored = 0;
      const ssize_t n = ::read(go[0], &ignored, 1);
      // _exit skips destructors: the kernel, not ~RunLock, must release the lock.
      ::_exit(lock.ok() && n >= 0 ? 0 : 2);
    }
    ::close(ready[1]);
    ::close(go[0]);
    m_go = go[1];
    char byte = 0;
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::close(ready[0]);
    REQUIRE(byte == 'y');
  }
  ~Holder() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
    if (m_go >= 0) {
      ::close(m_go);
    }
  }
  Holder(const Holder&) = delete;
  Holder& operator=(const Holder&) = delete;

  pid_t pid() const { return m_pid; }

  // Lets the child exit normally; returns its exit status.
  int finish() {
    const char byte = 'x';
    REQUIRE(::write(m_go, &byte, 1) == 1);
    int status = 0;
    REQUIRE(::waitpid(m_pid, &status, 0) == m_pid);
    m_pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  void kill_hard() {
    REQUIRE(::kill(m_pid, SIGKILL) == 0);
    REQUIRE(::waitpid(m_pid, nullptr, 0) == m_pid);
    m_pid = -1;
  }

 private:
  pid_t m_pid = -1;
  int m_go = -1;
};

}  // namespace

TEST_CASE("A second run is refused while another process holds the lock, and names its pid",
          "[store]") {
  TempDir dir;
  const std::string db = dir.file("state/demo.db");
  Holder holder(db);

  auto second = RunLock::acquire(db);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().kind == ErrorKind::transient);
  CHECK(second.error().message == "another bzjira run holds " + db + ".lock (pid " +
                                      std::to_string(holder.pid()) + "); not touching anything");

  CHECK(holder.finish() == 0);
  auto third = RunLock::acquire(db);
  REQUIRE(third.ok());
  CHECK(third->path() == db + ".lock");
}

TEST_CASE("A lock whose holder was killed is free for the next run", "[store]") {
  TempDir dir;
  const std::string db = dir.file("demo.db");
  Holder holder(db);
  REQUIRE_FALSE(RunLock::acquire(db).ok());
  holder.kill_hard();
  CHECK(RunLock::acquire(db).ok());
}

TEST_CASE("The lock is private, records the holder's pid, and is released when the object goes",
          "[store]") {
  TempDir dir;
  const std::string db = dir.file("new/demo.db");
  {
    auto lock = RunLock::acquire(db);
    REQUIRE(lock.ok());
    struct stat info {};
    REQUIRE(::stat((db + ".lock").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    std::ifstream in(db + ".lock");
    std::string pid;
    in >> pid;
    CHECK(pid == std::to_string(::getpid()));

    // Within one process a second acquire is refused too (flock is per open file).
    auto again = RunLock::acquire(db);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().kind == ErrorKind::transient);

    // Moving keeps the lock held.
    RunLock moved = std::move(lock).value();
    CHECK_FALSE(RunLock::acquire(db).ok());
  }
  CHECK(RunLock::acquire(db).ok());
}
