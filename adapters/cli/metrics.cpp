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

// `name{mapping="...",label="value"} number`; the mapping label is left out when its value is
// empty, the braces when there is no label at all.
void sample_line(std::ostringstream& out, const char* name, const std::string& mapping,
                 const char* label, const std::string& value, double number_value) {
  std::string labels;
  if (!mapping.empty()) {
    labels = "mapping=\"" + escaped(mapping) + "\"";
  }
  if (label != nullptr) {
    labels += (labels.empty() ? "" : ",") + std::string(label) + "=\"" + escaped(value) + "\"";
  }
  out << name << (labels.empty() ? "" : "{" + labels + "}") << " " << number(number_value) << "\n";
}

void family(std::ostringstream& out, const SyncMetrics& m, const char* name, const char* type,
            const char* help, const char* label, const std::map<std::string, double>& samples) {
  header(out, name, type, help);
  for (const auto& [value, sample] : samples) {
    sample_line(out, name, m.mapping, label, value, sample);
  }
}

void single(std::ostringstream& out, const SyncMetrics& m, const char* name, const char* help,
            double value) {
  header(out, name, "gauge", help);
  sample_line(out, name, m.mapping, nullptr, "", value);
}

// The labels between the braces of a sample, `a="x",b="y\"z"`, unescaped. False when they are
// not well formed.
bool parse_labels(const std::string& text, std::map<std::string, std::string>& labels) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t eq = text.find('=', i);
    if (eq == std::string::npos || eq + 1 >= text.size() || text[eq + 1] != '"') {
      return false;
    }
    const std::string key = text.substr(i, eq - i);
    std::string value;
    std::size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] == '\\') {
        if (++j == text.size()) {
          return false;
        }
        value += text[j] == 'n' ? '\n' : text[j];
      } else {
        value += text[j];
      }
    }
    if (j == text.size() || key.empty() || !labels.emplace(key, value).second) {
      return false;
    }
    i = j + 1;
    if (i < text.size()) {
      if (text[i] != ',') {
        return false;
      }
      ++i;
    }
  }
  return true;
}

// One sample line: its name, labels and number.
bool parse_sample(const std::string& line, std::string& name,
                  std::map<std::string, std::string>& labels, double& value) {
  const std::size_t space = line.rfind(' ');
  if (line.empty() || line.front() == '#' || space == std::string::npos) {
    return false;
  }
  const std::string head = line.substr(0, space);
  const std::string number_text = line.substr(space + 1);
  char* end = nullptr;
  value = std::strtod(number_text.c_str(), &end);
  if (end == number_text.c_str() || *end != '\0' || !std::isfinite(value)) {
    return false;
  }
  labels.clear();
  const std::size_t brace = head.find('{');
  if (brace == std::string::npos) {
    name = head;
    return true;
  }
  name = head.substr(0, brace);
  if (head.back() != '}') {
    return false;
  }
  return parse_labels(head.substr(brace + 1, head.size() - brace - 2), labels);
}

}  // namespace

SyncMetrics read_previous_metrics(const std::string& text, const std::string& mapping) {
  SyncMetrics previous;
  previous.mapping = mapping;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
    if (!parse_sample(line, name, labels, value) || value < 0) {
      continue;
    }
    if (const auto owner = labels.find("mapping"); owner != labels.end()) {
      if (owner->second != mapping) {
        continue;
      }
      labels.erase(owner);
    }
    const auto only = [&](const char* key) -> const std::string* {
      const auto it = labels.find(key);
      return labels.size() == 1 && it != labels.end() && !it->second.empty() ? &it->second
                                                                             : nullptr;
    };
    if (name == k_actions && only("type") != nullptr) {
      previous.actions[*only("type")] = value;
    } else if (name == k_errors && only("system") != nullptr) {
      previous.errors[*only("system")] = value;
    } else if (name == k_requests && only("system") != nullptr) {
      previous.requests[*only("system")] = value;
    } else if (name == k_success && labels.empty()) {
      previous.last_success = value;
    }
  }
  return previous;
}

std::string render_metrics(const SyncMetrics& m) {
  std::ostringstream out;
  family(out, m, k_open, "gauge", "Open Bugzilla obligations (overdue ones included) by kind.",
         "kind", m.open_by_kind);
  single(out, m, k_overdue, "Open obligations whose deadline has passed.", m.overdue);
  if (m.next_deadline_seconds) {
    single(out, m, k_next, "Seconds from the last run to the earliest deadline still ahead.",
           *m.next_deadline_seconds);
  }
  if (m.last_success) {
    single(out, m, k_success, "Unix time at which the last fully successful sync run ended.",
           *m.last_success);
  }
  family(out, m, k_actions, "counter", "Jira and Bugzilla changes made by bzjira, by type.", "type",
         m.actions);
  family(out, m, k_errors, "counter", "Calls that failed, by system.", "system", m.errors);
  family(out, m, k_requests, "counter", "HTTP requests sent (retries included), by system.",
         "system", m.requests);
  single(out, m, k_duration, "Wall-clock duration of the last sync run.", m.run_duration_seconds);
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
