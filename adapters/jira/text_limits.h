// Text hygiene before anything goes to Jira: valid UTF-8 only, Jira's length limits, no control
// characters where Jira refuses them. "Characters" are counted as Jira (Java) counts a String's
// length: UTF-16 code units, so a character outside the Basic Multilingual Plane (an emoji) is 2.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "sync/rich_text.h"

namespace bzjira::adapters::jira {

// Jira rejects a summary of 255 characters or more on some versions ("must be less than 255").
inline constexpr std::size_t k_summary_max_chars = 254;
// jira.text.field.character.limit default (descriptions, comments, textarea fields).
inline constexpr std::size_t k_text_max_chars = 32767;

// Replaces every byte that is not part of a well-formed UTF-8 sequence (overlong forms, surrogates
// and code points above U+10FFFF included) with U+FFFD. Never fails.
std::string sanitize_utf8(std::string_view text);

// Multi-line text for descriptions and comments: sanitize_utf8, CR LF and lone CR become LF,
// C0 control characters other than tab and LF are removed, as are U+FFFE and U+FFFF (not allowed
// in XML, which Jira Data Center stores text in).
std::string clean_text(std::string_view text);

// A single-line summary: clean_text, then tab and LF become spaces, then cut to `max_chars`
// characters on a code point boundary. Not an error if the result is empty (Jira will say so).
std::string clean_summary(std::string_view text, std::size_t max_chars = k_summary_max_chars);

// Characters of valid UTF-8 as Java counts them (UTF-16 code units).
std::size_t count_chars(std::string_view utf8);

// The longest prefix of valid UTF-8 of at most `max_chars` characters (UTF-16 code units) that
// ends on a code point boundary (the whole text when it is shorter).
std::string_view prefix_chars(std::string_view utf8, std::size_t max_chars);

// The visible note appended to a text that was cut: "[text cut: N characters not shown]".
std::string cut_note(std::size_t dropped_chars);

// clean_text applied to every span (text and link target) of a document.
sync::RichText clean_rich_text(const sync::RichText& doc);

// Characters (UTF-16 code units) of all span texts (link targets and block boundaries are not
// counted).
std::size_t count_rich_text_chars(const sync::RichText& doc);

// Keeps the first `keep_chars` characters (UTF-16 code units) of span text, in document order,
// dropping the spans and blocks after the cut. Empty blocks are dropped.
sync::RichText cut_rich_text(const sync::RichText& doc, std::size_t keep_chars);

// Fits a document into `limit` characters as `measure` counts them for the target format (text
// node characters for ADF, rendered wiki characters for v2): unchanged when it fits; otherwise the
// span text is cut and a last paragraph holds cut_note(N), N being the source characters dropped.
using RichTextMeasure = std::function<std::size_t(const sync::RichText&)>;
sync::RichText fit_rich_text(const sync::RichText& doc, std::size_t limit,
                             const RichTextMeasure& measure);

}  // namespace bzjira::adapters::jira
