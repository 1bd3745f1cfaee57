#include "adapters/cli/output_json.h"

#include <optional>

#include <nlohmann/json.hpp>

namespace bzjira::adapters::cli {

namespace {

// Members in the order people read them, not alphabetical.
using json = nlohmann::ordered_json;

template <typename T>
json or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json time_or_null(const std::optional<sync::Instant>& t) {
  return t ? json(sync::format_rfc3339(*t)) : json(nullptr);
}

// An empty string means "none" in the core's types; null says so without ambiguity.
json text_or_null(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

json window_to_json(const sync::BugAudit& bug, std::size_t index) {
  const sync::Obligation& w = bug.windows[index];
  const int lapse = index < bug.window_lapse.size() ? bug.window_lapse[index] : -1;
  return {
      {"bug_id", w.bug_id},
      {"bug_summary", bug.summary},
      {"key", w.key},
      {"kind", sync::to_string(w.kind)},
      {"rule", w.rule},
      {"start", sync::format_rfc3339(w.start)},
      {"start_comment", or_null(w.start_comment_count)},
      {"start_comment_id", or_null(w.start_comment_id)},
      {"start_author", text_or_null(w.start_author)},
      {"start_private", w.start_comment_private},
      {"flag_id", or_null(w.flag_id)},
      {"deadline", sync::format_rfc3339(w.deadline)},
      {"deadline_from_next_update", w.deadline_from_next_update},
      {"should_by", time_or_null(w.should_by)},
      {"satisfied_at", time_or_null(w.satisfied_at)},
      {"satisfied_by", text_or_null(w.satisfied_by)},
      {"satisfied_comment", or_null(w.satisfied_comment_count)},
      {"satisfied_comment_id", or_null(w.satisfied_comment_id)},
      {"ended_at", time_or_null(w.ended_at)},
      {"end_reason", text_or_null(w.end_reason)},
      {"status", sync::to_string(w.status)},
      {"late_seconds", w.late_seconds.count()},
      {"lapse", lapse >= 0 ? json(bug.lapses[static_cast<std::size_t>(lapse)].id) : json(nullptr)}};
}

}  // namespace

std::string render_audit_json(const sync::AuditReport& report) {
  json windows = json::array();
  for (const sync::BugAudit& bug : report.bugs) {
    for (std::size_t i = 0; i < bug.windows.size(); ++i) {
      windows.push_back(window_to_json(bug, i));
    }
  }
  return windows.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace bzjira::adapters::cli
