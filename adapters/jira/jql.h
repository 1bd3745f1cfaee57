// The JQL the client sends, built in one place: values are always quoted string literals, so a
// project key or label can never change the query's structure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bzjira::adapters::jira {

// The label every mirrored issue carries (ARCHITECTURE.md, Idempotency).
inline constexpr std::string_view k_mirror_label = "bzjira";

// A JQL string literal: double quotes around the value, '"' and '\' escaped with a backslash,
// line feeds and other control characters dropped (JQL literals cannot hold them).
inline std::string jql_quote(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) >= 0x20) {
      out += c;
    }
  }
  out += '"';
  return out;
}

// The bounded query for find_mirrored: one project, the mirror label, a stable order for paging.
// With `updated_minutes`, only issues updated in the last that many minutes, as a relative date
// ("-15m") that Jira evaluates on its own clock, whatever the searching user's time zone
// (docs/jira-api.md#jql).
inline std::string mirrored_issues_jql(std::string_view project_key,
                                       std::optional<long> updated_minutes = std::nullopt) {
  std::string jql =
      "project = " + jql_quote(project_key) + " AND labels = " + jql_quote(k_mirror_label);
  if (updated_minutes) {
    jql += " AND updated >= " + jql_quote("-" + std::to_string(*updated_minutes) + "m");
  }
  return jql + " ORDER BY key ASC";
}

}  // namespace bzjira::adapters::jira
