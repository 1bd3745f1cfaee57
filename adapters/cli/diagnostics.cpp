// How every command talks on stderr: plain lines for people, or one JSON object per line with
// --log-format json, both through the redacting logger of adapters/log.
#include <spdlog/sinks/ostream_sink.h>

#include <array>
#include <memory>
#include <utility>

#include <boost/program_options.hpp>

#include "adapters/cli/command.h"
#include "adapters/log/log.h"
#include "adapters/log/redact.h"

namespace bzjira::adapters::cli {

namespace {

struct LevelName {
  const char* name;
  spdlog::level::level_enum level;
};

constexpr std::array<LevelName, 7> k_levels = {{{"trace", spdlog::level::trace},
                                                {"debug", spdlog::level::debug},
                                                {"info", spdlog::level::info},
                                                {"warning", spdlog::level::warn},
                                                {"error", spdlog::level::err},
                                                {"critical", spdlog::level::critical},
                                                {"off", spdlog::level::off}}};

spdlog::level::level_enum to_spdlog(Severity severity) {
  switch (severity) {
    case Severity::info:
      return spdlog::level::info;
    case Severity::warning:
      return spdlog::level::warn;
    case Severity::error:
      break;
  }
  return spdlog::level::err;
}

bool parse_log_level(const std::string& name, spdlog::level::level_enum& level) {
  for (const LevelName& l : k_levels) {
    if (name == l.name) {
      level = l.level;
      return true;
    }
  }
  return false;
}

}  // namespace

bool is_log_level(const std::string& name) {
  spdlog::level::level_enum ignored = spdlog::level::info;
  return parse_log_level(name, ignored);
}

void add_secret(Io& io, const std::string& secret) {
  io.secrets.push_back(secret);
  log::add_secret(secret);
}

void add_log_options(po::options_description& desc) {
  desc.add_options()  //
      ("log-format", po::value<std::string>()->value_name("FORMAT")->default_value("text"),
       "stderr as lines for people (text) or one JSON object per line (json)")  //
      ("log-level", po::value<std::string>()->value_name("LEVEL")->default_value("info"),
       "least severe log line shown: trace, debug, info, warning, error, critical or off");
}

void start_logging(Io& io, const po::variables_map& vm, const std::string& run_id,
                   const std::string& mapping_name) {
  log::LogFormat format = io.json_log ? log::LogFormat::json : log::LogFormat::text;
  if (vm.count("log-format") != 0) {
    (void)log::parse_format(vm["log-format"].as<std::string>(), format);
  }
  spdlog::level::level_enum level = spdlog::level::info;
  if (vm.count("log-level") != 0) {
    (void)parse_log_level(vm["log-level"].as<std::string>(), level);
  }
  io.json_log = format == log::LogFormat::json;
  try {
    // Flushed per line: a crash or a kill must not eat the last lines a person needs.
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(io.err, true);
    log::init(format, level, run_id, mapping_name, {}, std::move(sink));
  } catch (...) {
    // Only allocation can fail here; the default stderr log stays in place.
  }
}

void stop_logging() {
  // Back to the process's stderr: the stream the last command logged to may be gone.
  log::init(log::LogFormat::text, spdlog::level::info, "", "", {}, nullptr);
}

void diagnostic(Io& io, Severity severity, const std::string& event, const std::string& line) {
  if (io.json_log) {
    log::event(to_spdlog(severity), event, line);
    return;
  }
  io.err << log::redact(line, io.secrets) << "\n";
}

}  // namespace bzjira::adapters::cli
