// Rich text to Jira wiki markup for REST v2 (Data Center), with every character Jira's renderer
// would read as markup escaped, so Bugzilla text can never turn into Jira markup.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "adapters/jira/text_limits.h"
#include "sync/rich_text.h"

namespace bzjira::adapters::jira {

// Escapes plain text for Jira wiki markup:
//  - a backslash before each of  * _ - + ^ ~ ? { } [ ] | ! # ( )  (so {noformat}, {code}, [links],
//    |tables|, !images!, lists, dashes, emoticons like (y) and :) stay text);
//  - a backslash before ':' when P, p, D or d follows (the :P and :D emoticons);
//  - a backslash before the '.' of "h1." .. "h6." and "bq." at the start of a line (headings,
//  quotes);
//  - a literal backslash as the entity "&#92;" (Jira reads "\\" as a line break, so a backslash
//    cannot be escaped with another one), and '&' as "&amp;" when it starts an entity-like
//    sequence ("&name;" or "&#123;").
// Line feeds are kept (Jira shows them as line breaks; a blank line starts a paragraph).
std::string escape_wiki(std::string_view text);

// Paragraph blocks as escaped text, quote blocks as "{quote}\n...\n{quote}", blocks separated by
// a blank line; a span with an http, https or mailto href becomes "[text|url]" (the URL with
// '|', '[', ']', '{', '}' and spaces percent-encoded), any other href is written as text " <href>".
// Text is not cleaned here.
std::string to_wiki(const sync::RichText& doc);

// clean_rich_text, then fit_rich_text counting the rendered wiki text's characters
// (UTF-16 code units, as Jira counts), then to_wiki:
// what the client sends as a v2 description or comment body.
std::string to_wiki_limited(const sync::RichText& doc, std::size_t limit = k_text_max_chars);

}  // namespace bzjira::adapters::jira
