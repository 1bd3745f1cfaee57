// Machine-readable renderings of the audit (`bzjira audit --format json`): JSON lives in adapters/,
// the core only renders text, Markdown and CSV.
#pragma once

#include <ostream>
#include <string>

#include "sync/audit.h"

namespace bzjira::adapters::cli {

// A JSON array with one object per obligation window, bugs in report order (by bug id), windows in
// the engine's order. Members: bug_id, bug_summary, key, kind, rule, start, start_comment (count or
// null), start_comment_id, start_author, start_private, flag_id, deadline,
// deadline_from_next_update, should_by, satisfied_at, satisfied_by, satisfied_comment,
// satisfied_comment_id, ended_at, end_reason, status, late_seconds (positive = late, negative =
// early; for open windows now - deadline), lapse (the id of the lapse the window belongs to, shared
// by the windows of one missed deadline: sync::Lapse; null for met, open and void windows). Times
// are RFC 3339 UTC ("2026-11-26T12:00:00Z"); absent
// values are null. Comment text is never included (it may be private). Laid out as nlohmann/json's
// dump(2) lays it out, and ends with a newline. Never throws for any report (invalid UTF-8 in
// names is replaced).
std::string render_audit_json(const sync::AuditReport& report);

// The same, written to `out` as it is made (the JSON of a large audit is several times the size of
// its text rendering, and is never held whole). The stream's state says whether it was written.
void write_audit_json(std::ostream& out, const sync::AuditReport& report);

}  // namespace bzjira::adapters::cli
