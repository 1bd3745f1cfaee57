// Rich text to Atlassian Document Format (Jira Cloud REST v3) and ADF back to plain text.
// Text only ever becomes ADF text nodes, so Bugzilla text can never turn into Jira markup.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "adapters/jira/text_limits.h"
#include "sync/rich_text.h"

namespace bzjira::adapters::jira {

// A valid ADF document ({"type":"doc","version":1,"content":[...]}): a paragraph block becomes a
// paragraph, a quote block a blockquote holding one paragraph; span text becomes text nodes, a line
// feed inside a span becomes a hardBreak node; a span whose href is an http, https or mailto URL
// carries a link mark, any other href is written out as text " <href>". Text is not cleaned here.
nlohmann::json to_adf(const sync::RichText& doc);

// clean_rich_text, then fit_rich_text counting text node characters, then to_adf: what the client
// sends as a description or comment body.
nlohmann::json to_adf_limited(const sync::RichText& doc, std::size_t limit = k_text_max_chars);

// Code points in all text nodes of an ADF value (hardBreaks and attributes not counted).
std::size_t adf_text_chars(const nlohmann::json& adf);

// The text of an ADF document for people and for Bugzilla: blocks separated by a blank line,
// hardBreak as LF, list items on their own lines ("- " or "1. "), link-marked text as
// "text <url>" when the text is not the URL itself, mentions, emoji and cards by their text or URL.
// Tolerates any JSON: unknown nodes contribute their children's text, wrong types are skipped,
// a string is returned as it is (Jira v2 bodies). Never throws.
std::string adf_to_plain_text(const nlohmann::json& adf);

}  // namespace bzjira::adapters::jira
