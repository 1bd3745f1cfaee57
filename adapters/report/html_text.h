// Text for the HTML pages: Bugzilla's free text (summaries, logins, whiteboards, comment excerpts)
// made inert and readable in every context the pages use (HTML text, double-quoted attribute
// values, SVG <title>/<text> inline in HTML), plus the few formats the pages share.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sync/time.h"

namespace bzjira::adapters::report {

// Appends `text` escaped for HTML text and for a double-quoted attribute value, which inline SVG
// shares: & < > " ' become character references. Before escaping, every code point that could
// change how the page reads is shown as U+FFFD: invalid or overlong UTF-8, surrogates, C0 and C1
// controls other than tab and newline, noncharacters, and the bidirectional controls (U+061C,
// U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) that reorder what follows them.
void append_escaped(std::string& out, std::string_view text);
std::string escaped(std::string_view text);

// `text` with runs of white space (newlines included) made one space and trimmed, cut after
// `max_chars` code points with "…" when longer. Cleaned as append_escaped does, not escaped.
std::string one_line(std::string_view text, std::size_t max_chars);

// The base of links to a service ("https://bugzilla.example" without a trailing slash) when
// `url` is an absolute http or https URL made only of characters that need no escaping in a URL;
// empty otherwise, and the page then shows no link.
std::string link_base(std::string_view url);

// A Jira issue key as Jira makes them: an upper-case letter, then letters, digits or '_', a '-'
// and digits ("CAINC-42").
bool is_issue_key(std::string_view key);

// "2026-08-03 09:12 UTC" (minutes: the pages' precision; the seconds are in JSON and CSV).
std::string format_utc_minute(sync::Instant t);

// "2026-08-03".
std::string format_day(sync::Instant t);

// A pixel coordinate with at most one decimal ("12", "12.5"): small files, enough precision.
void append_number(std::string& out, double value);

}  // namespace bzjira::adapters::report
