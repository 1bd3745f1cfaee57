// Instants and calendar dates as the core sees them: UTC seconds and proleptic Gregorian days.
// The core has no clock; "now" is always a parameter.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace bzjira::sync {

using Instant = std::chrono::sys_seconds;  // UTC, one-second precision (Bugzilla's own)
using Date = std::chrono::year_month_day;
using Seconds = std::chrono::seconds;
using Days = std::chrono::days;

// "2026-04-15T03:06:10Z". Always UTC with a Z.
std::string format_rfc3339(Instant t);
// The same appended to `out` (reports write tens of thousands: no string of its own each).
void append_rfc3339(std::string& out, Instant t);

// Accepts "YYYY-MM-DDTHH:MM:SS" followed by optional fraction and a zone designator: "Z", "+hh:mm",
// "+hhmm" (Jira's "2021-01-17T12:34:00.000+0000"). Also a space instead of the T, and no zone at
// all (read as UTC: Bugzilla's flag-activity format). Fractions are truncated. nullopt when
// malformed or when a field is out of range (month 13, day 45, hour 25).
std::optional<Instant> parse_rfc3339(std::string_view text);

// "YYYY-MM-DD".
std::string format_date(Date d);

// Exactly "YYYY-MM-DD" with a valid calendar date; nullopt otherwise ("2026-13-45", "2026-02-30").
std::optional<Date> parse_date(std::string_view text);

// The UTC day an instant falls in, and the instant a UTC day starts.
Date utc_date(Instant t);
Instant start_of_utc_day(Date d);

// "3d 4h", "-2h 5m", "45s": a signed duration for people (time left, lateness).
std::string format_duration(Seconds s);

}  // namespace bzjira::sync
