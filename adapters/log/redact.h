// Secret redaction for every text that may leave the process (log lines, error messages, dry-run
// output). It lives with the logger so both the logger and the HTTP transport can use it; the
// HTTP layer re-exports it as bzjira::adapters::http::redact.
#pragma once

#include <string>
#include <vector>

namespace bzjira::adapters::log {

// Returns `text` with every secret replaced by "***":
//  - every occurrence of each value in `secrets` that is at least 4 characters long (shorter or
//    empty values are ignored: replacing "a" everywhere would destroy the text and protect
//    nothing);
//  - the value of every `api_key=` / `Bugzilla_api_key=` query parameter (up to `&`, `#`, a quote
//  or
//    white space), whatever the key is;
//  - the value of every `Authorization` / `X-BUGZILLA-API-KEY` header (up to the end of the line),
//    written `Name: value`, `Name=value` or `"Name": "value"`. Names match case-insensitively.
// Never fails; may redact a little more than strictly needed, never less.
std::string redact(std::string text, const std::vector<std::string>& secrets);

// The marker written in place of a secret.
inline constexpr const char* k_redacted = "***";

}  // namespace bzjira::adapters::log
