// Process-wide logging on top of spdlog: readable text or one JSON object per line, always to one
// sink (stderr by default), with every registered secret redacted from every line, including lines
// written through plain spdlog::info() and friends.
#pragma once

#include <spdlog/common.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bzjira::adapters::log {

enum class LogFormat {
  text,  // "2026-10-01T12:00:00.123Z warning http_retry: message (key=value, ...)" for people
  json,  // {"time":"2026-10-01T12:00:00.123Z","level":"warning","run_id":..,"mapping":..,
         //  "event":..,"message":..,<fields>} one object per line, for log collectors
};

using Fields = std::vector<std::pair<std::string, std::string>>;

// (Re)configures the default spdlog logger. `level` filters (spdlog::level::info shows info and
// above); `run_id` and `mapping_name` are stamped on every JSON line; `secrets` (and those added
// later with add_secret) are replaced by "***" in every line, see redact.h. `sink` = where lines
// go; nullptr = stderr. Times are UTC, RFC 3339 with milliseconds. Never throws; calling it again
// replaces the previous configuration (secrets are kept and the new ones added).
void init(LogFormat format, spdlog::level::level_enum level, std::string run_id,
          std::string mapping_name, std::vector<std::string> secrets,
          spdlog::sink_ptr sink = nullptr);

// Writes one line: `event` is a short snake_case name to filter on ("http_retry", "plan_action"),
// `message` a sentence for people, `fields` extra key/value pairs (keys named like the fixed ones
// are written with a "field_" prefix in JSON). Works before init() too (text, info, stderr).
// Never throws.
void event(spdlog::level::level_enum level, std::string_view event, std::string_view message,
           const Fields& fields = {});

// Registers one more value to redact from now on (ignored when shorter than 4 characters).
void add_secret(std::string secret);

// Parses "text" or "json"; false when neither.
bool parse_format(std::string_view name, LogFormat& format);

}  // namespace bzjira::adapters::log
