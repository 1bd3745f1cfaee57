#include "adapters/cli/metrics.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

namespace bzjira::adapters::cli {

namespace {

constexpr const char* k_open = "bzjira_obligations_open";
constexpr const char* k_overdue = "bzjira_obligations_overdue";
constexpr const char* k_next = "bzjira_next_deadline_seconds";
constexpr const char* k_success = "bzjira_last_success_timestamp_seconds";
constexpr const char* k_actions = "bzjira_actions_total";
constexpr const char* k_errors = "bzjira_errors_total";
constexpr const char* k_requests = "bzjira_requests_total";
constexpr const char* k_duration = "bzjira_run_duration_seconds";

std::string number(double v) {
  char buf[64];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.6f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') {
    s.pop_back();
  }
  if (!s.empty() && s.back() == '.') {
    s.pop_back();
  }
  return s;
}

// Label values as the exposition format escapes them.
std::string escaped(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

void family(std::ostringstream& out, const char* name, const char* type, const char* help,
            const char* label, const std::map<std::string, double>& samples) {
  header(out, name, type, help);
  for (const auto& [value, sample] : samples) {
    out << name << "{" << label << "=\"" << escaped(value) << "\"} " << number(sample) << "\n";
  }
}

void single(std::ostringstream& out, const char* name, const char* help, double value) {
  header(out, name, "gauge", help);
  out << name << " " << number(value) << "\n";
}

// One sample line: name, the value of its only label (empty when none), the number.
bool parse_sample(const std::string& line, std::string& name, std::string& label, double& value) {
  const std::size_t space = line.rfind(' ');
  if (line.empty() || line.front() == '#' || space == std::string::npos) {
    return false;
  }
  std::string head = line.substr(0, space);
  const std::string number_text = line.substr(space + 1);
  char* end = nullptr;
  value = std::strtod(number_text.c_str(), &end);
  if (end == number_text.c_str() || *end != '\0' || !std::isfinite(value)) {
    return false;
  }
  const std::size_t brace = head.find('{');
  label.clear();
  if (brace == std::string::npos) {
    name = head;
    return true;
  }
  name = head.substr(0, brace);
  const std::size_t open = head.find('"', brace);
  const std::size_t close = head.rfind('"');
  if (open == std::string::npos || close <= open || head.back() != '}') {
    return false;
  }
  // The values this program writes never need escapes; a line that has some is not ours.
  label = head.substr(open + 1, close - open - 1);
  return label.find('\\') == std::string::npos;
}

}  // namespace

SyncMetrics read_previous_metrics(const std::string& text) {
  SyncMetrics previous;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::string name, label;
    double value = 0;
    if (!parse_sample(line, name, label, value) || value < 0) {
      continue;
    }
    if (name == k_actions && !label.empty()) {
      previous.actions[label] = value;
    } else if (name == k_errors && !label.empty()) {
      previous.errors[label] = value;
    } else if (name == k_requests && !label.empty()) {
      previous.requests[label] = value;
    } else if (name == k_success && label.empty()) {
      previous.last_success = value;
    }
  }
  return previous;
}

std::string render_metrics(const SyncMetrics& m) {
  std::ostringstream out;
  family(out, k_open, "gauge", "Open Bugzilla obligations (overdue ones included) by kind.", "kind",
         m.open_by_kind);
  single(out, k_overdue, "Open obligations whose deadline has passed.", m.overdue);
  if (m.next_deadline_seconds) {
    single(out, k_next, "Seconds from the last run to the earliest deadline still ahead.",
           *m.next_deadline_seconds);
  }
  if (m.last_success) {
    single(out, k_success, "Unix time at which the last fully successful sync run ended.",
           *m.last_success);
  }
  family(out, k_actions, "counter", "Jira and Bugzilla changes made by bzjira, by type.", "type",
         m.actions);
  family(out, k_errors, "counter", "Calls that failed, by system.", "system", m.errors);
  family(out, k_requests, "counter", "HTTP requests sent (retries included), by system.", "system",
         m.requests);
  single(out, k_duration, "Wall-clock duration of the last sync run.", m.run_duration_seconds);
  return out.str();
}

sync::Status write_file_atomically(const std::string& path, const std::string& text,
                                   unsigned mode) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  const auto failure = [&](const std::string& what, int err) {
    return sync::make_error(sync::ErrorKind::config,
                            "cannot write '" + path + "': " + what + ": " + std::strerror(err));
  };
  if (fd < 0) {
    return failure("cannot create a file in " + dir.string(), errno);
  }
  std::size_t written = 0;
  int err = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      err = errno == 0 ? EIO : errno;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (err == 0 && ::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    err = errno;
  }
  if (err == 0 && ::fsync(fd) != 0) {
    err = errno;
  }
  if (::close(fd) != 0 && err == 0) {
    err = errno;
  }
  if (err == 0 && std::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
  }
  if (err != 0) {
    ::unlink(tmp.c_str());
    return failure("writing", err);
  }
  return sync::ok_status();
}

}  // namespace bzjira::adapters::cli
