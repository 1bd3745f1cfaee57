#include "adapters/store/paths.h"

#include <pwd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "adapters/store/sqlite_store.h"

namespace bzjira::adapters::store {

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// The mapping name becomes a file name: anything that could climb out of the directory or confuse
// a shell ("/", spaces, control bytes) is replaced, so "../x" stays inside the state directory.
std::string file_stem(const std::string& mapping_name) {
  std::string out;
  for (const char c : mapping_name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.';
    out += plain ? c : '_';
  }
  return out.empty() ? std::string("default") : out;
}

// $HOME may be unset under cron or a bare systemd unit; the password database still knows.
std::string home_dir() {
  std::string home = env("HOME");
  if (!home.empty()) {
    return home;
  }
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      found->pw_dir != nullptr) {
    return found->pw_dir;
  }
  return {};
}

}  // namespace

std::string default_state_path(const std::string& mapping_name) {
  const std::string file = file_stem(mapping_name) + ".db";
  // systemd's StateDirectory= sets STATE_DIRECTORY to a colon-separated list; the unit owns it.
  const std::string state_directory = env("STATE_DIRECTORY");
  if (!state_directory.empty()) {
    const std::string first = state_directory.substr(0, state_directory.find(':'));
    if (!first.empty()) {
      return first + "/" + file;
    }
  }
  // The XDG base directory spec says relative values are invalid and must be ignored.
  const std::string xdg = env("XDG_STATE_HOME");
  if (!xdg.empty() && xdg.front() == '/') {
    return xdg + "/bzjira/" + file;
  }
  const std::string home = home_dir();
  if (home.empty()) {
    return {};
  }
  return home + "/.local/state/bzjira/" + file;
}

sync::Status make_private_parent_dirs(const std::string& file_path) {
  const std::filesystem::path parent = std::filesystem::path(file_path).parent_path();
  std::filesystem::path current;
  for (const auto& part : parent) {
    current /= part;
    const std::string dir = current.string();
    if (::mkdir(dir.c_str(), 0700) == 0) {
      continue;
    }
    const int err = errno;
    // mkdir may report EACCES rather than EEXIST for a directory that already exists (e.g.
    // "/home").
    struct stat info {};
    if (::stat(dir.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
      continue;
    }
    if (err == EEXIST) {
      return sync::make_error(sync::ErrorKind::config, "cannot create directory " + dir +
                                                           ": a file of that name is in the way");
    }
    return sync::make_error(sync::ErrorKind::config,
                            "cannot create directory " + dir + ": " + std::strerror(err));
  }
  return sync::ok_status();
}

}  // namespace bzjira::adapters::store
