// Cuts a large JSON document (a dataset, a comment answer) into the text of its parts, so that each
// part is read on its own by the DOM reader (bugzilla_json_detail.h) and no tree of the whole
// document is ever built: memory follows the largest part, not the document. The cutting is
// simdjson's On Demand reader; it reads nothing but keys and where values end, and every part it
// hands over is then parsed, and so checked, whole.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/bugzilla/bugzilla_json_text.h"
#include "sync/result.h"

namespace bzjira::adapters::bugzilla::detail {

struct Part {
  // The document is not an object: `json` is all of it (member and key are empty).
  bool whole_document = false;
  std::string_view member;  // the top-level member's name
  // When `member` is one of the names to open and its value is an object: the name of one of its
  // members (`json` is that member's value). Empty otherwise (`json` is the top-level value).
  std::string_view key;
  bool opened = false;
  // An opened member begins (key and json are empty); its members follow, each a part.
  bool opening = false;
  // The value's text: a slice of the document, followed by readable bytes (simdjson's padding).
  std::string_view json;
};

// What the visitor wants: go on, or stop with an error (which split() returns).
using PartVisitor = std::function<std::optional<sync::Error>(const Part&)>;

// Hands every part of `text` to `visit` in document order: the members of the top-level members
// named in `open` one by one, every other top-level member whole. Pages of `text` before a part
// already visited are released (JsonText::release_before). Text that is not UTF-8 is read with
// replacements (a copy). Errors: what visit returned; too_large; json_error (not JSON, truncated,
// too deep) for a document whose skeleton is broken, quoting the document and naming it `what`;
// internal when a top-level member appears twice (which one would count is unclear).
std::optional<sync::Error> split(JsonText& text, std::initializer_list<std::string_view> open,
                                 const std::string& what, const PartVisitor& visit);

}  // namespace bzjira::adapters::bugzilla::detail
