#include "adapters/log/log.h"

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "adapters/log/redact.h"

namespace bzjira::adapters::log {
namespace {

using Json = nlohmann::ordered_json;

// Lines from event() carry their structure through spdlog as a small JSON envelope behind this
// marker; the formatter unpacks it. Lines from plain spdlog calls have no marker.
constexpr char k_envelope = '\x1e';
constexpr const char* k_logger_name = "bzjira";
constexpr std::size_t k_min_secret_length = 4;

// The log configuration is process-wide by nature (there is one stderr); the mutex makes it safe
// to log from worker threads while add_secret() runs.
struct State {
  std::mutex mutex;
  bool initialized = false;
  LogFormat format = LogFormat::text;
  std::string run_id;
  std::string mapping;
  std::vector<std::string> secrets;
};

State& state() {
  static State s;
  return s;
}

struct Record {
  std::string event;
  std::string message;
  Fields fields;
};

Record decode(std::string_view payload) {
  if (!payload.empty() && payload.front() == k_envelope) {
    const Json j = Json::parse(payload.substr(1), nullptr, false);
    if (!j.is_discarded() && j.is_object()) {
      Record r;
      r.event = j.value("e", "");
      r.message = j.value("m", "");
      if (j.contains("f") && j["f"].is_array()) {
        for (const auto& kv : j["f"]) {
          if (kv.is_array() && kv.size() == 2 && kv[0].is_string() && kv[1].is_string()) {
            r.fields.emplace_back(kv[0].get<std::string>(), kv[1].get<std::string>());
          }
        }
      }
      return r;
    }
  }
  return Record{"log", std::string(payload), {}};
}

std::string rfc3339_utc(std::chrono::system_clock::time_point tp) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(tp);
  const auto millis = duration_cast<milliseconds>(tp - secs).count();
  const std::time_t t = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(millis));
  return out;
}

std::string level_name(spdlog::level::level_enum level) {
  const auto sv = spdlog::level::to_string_view(level);
  return std::string(sv.data(), sv.size());
}

bool is_reserved(const std::string& key) {
  return key == "time" || key == "level" || key == "run_id" || key == "mapping" || key == "event" ||
         key == "message";
}

// Text lines must stay one line each, or a message could forge the next log line.
std::string one_line(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

std::string text_value(const std::string& value) {
  if (!value.empty() && value.find_first_of(" \t,()\"") == std::string::npos) {
    return one_line(value);
  }
  return Json(value).dump(-1, ' ', false, Json::error_handler_t::replace);
}

class LineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    LogFormat format = LogFormat::text;
    std::string run_id;
    std::string mapping;
    std::vector<std::string> secrets;
    {
      std::lock_guard lock(state().mutex);
      format = state().format;
      run_id = state().run_id;
      mapping = state().mapping;
      secrets = state().secrets;
    }
    Record r = decode(std::string_view(msg.payload.data(), msg.payload.size()));
    r.event = redact(std::move(r.event), secrets);
    r.message = redact(std::move(r.message), secrets);
    for (auto& [key, value] : r.fields) {
      key = redact(std::move(key), secrets);
      value = redact(std::move(value), secrets);
    }
    std::string line;
    if (format == LogFormat::json) {
      Json obj;
      obj["time"] = rfc3339_utc(msg.time);
      obj["level"] = level_name(msg.level);
      obj["run_id"] = run_id;
      obj["mapping"] = mapping;
      obj["event"] = r.event;
      obj["message"] = r.message;
      for (const auto& [key, value] : r.fields) {
        obj[is_reserved(key) ? "field_" + key : key] = value;
      }
      line = obj.dump(-1, ' ', false, Json::error_handler_t::replace);
    } else {
      line = rfc3339_utc(msg.time) + " " + level_name(msg.level) + " " + one_line(r.event) + ": " +
             one_line(r.message);
      if (!r.fields.empty()) {
        line += " (";
        for (std::size_t i = 0; i < r.fields.size(); ++i) {
          line += (i == 0 ? "" : ", ") + one_line(r.fields[i].first) + "=" +
                  text_value(r.fields[i].second);
        }
        line += ")";
      }
    }
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>();
  }
};

void add_secret_locked(State& s, std::string secret) {
  if (secret.size() < k_min_secret_length) {
    return;
  }
  for (const auto& known : s.secrets) {
    if (known == secret) {
      return;
    }
  }
  s.secrets.push_back(std::move(secret));
}

void ensure_initialized() {
  {
    std::lock_guard lock(state().mutex);
    if (state().initialized) {
      return;
    }
  }
  init(LogFormat::text, spdlog::level::info, "", "", {});
}

}  // namespace

void init(LogFormat format, spdlog::level::level_enum level, std::string run_id,
          std::string mapping_name, std::vector<std::string> secrets, spdlog::sink_ptr sink) {
  try {
    {
      std::lock_guard lock(state().mutex);
      State& s = state();
      s.initialized = true;
      s.format = format;
      s.run_id = std::move(run_id);
      s.mapping = std::move(mapping_name);
      for (auto& secret : secrets) {
        add_secret_locked(s, std::move(secret));
      }
    }
    if (!sink) {
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    }
    sink->set_formatter(std::make_unique<LineFormatter>());
    auto logger = std::make_shared<spdlog::logger>(k_logger_name, std::move(sink));
    logger->set_level(level);
    // Every line is flushed at once: a scheduled run may be killed, and its last lines matter most.
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
  } catch (...) {
    // Logging must never take the program down; without a logger the run still does its work.
  }
}

void event(spdlog::level::level_enum level, std::string_view event, std::string_view message,
           const Fields& fields) {
  try {
    ensure_initialized();
    spdlog::logger* logger = spdlog::default_logger_raw();
    if (logger == nullptr || !logger->should_log(level)) {
      return;
    }
    Json envelope;
    envelope["e"] = std::string(event);
    envelope["m"] = std::string(message);
    envelope["f"] = Json::array();
    for (const auto& [key, value] : fields) {
      envelope["f"].push_back(Json::array({key, value}));
    }
    const std::string payload =
        k_envelope + envelope.dump(-1, ' ', false, Json::error_handler_t::replace);
    logger->log(level, spdlog::string_view_t(payload.data(), payload.size()));
  } catch (...) {
    // See init(): a failed log line is dropped rather than failing the run.
  }
}

void add_secret(std::string secret) {
  std::lock_guard lock(state().mutex);
  add_secret_locked(state(), std::move(secret));
}

bool parse_format(std::string_view name, LogFormat& format) {
  if (name == "text") {
    format = LogFormat::text;
    return true;
  }
  if (name == "json") {
    format = LogFormat::json;
    return true;
  }
  return false;
}

}  // namespace bzjira::adapters::log
