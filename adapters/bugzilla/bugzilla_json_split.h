// Cuts a large JSON document (a dataset, a comment answer) into the text of its parts, so that each
// part is read on its own by the DOM reader (bugzilla_json_detail.h) and no tree of the whole
// document is ever built: memory follows the largest part, not the document. The cutter reads
// nothing but the document's skeleton (its top-level keys, strings, brackets and where each value
// ends) in one pass, from a text in memory or piece by piece from a TextSource (then only the part
// being read is held); every part it hands over is then parsed, and so checked, whole.
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
  // Valid while the visitor runs (a document read piece by piece moves on after it).
  std::string_view json;
};

// What the visitor wants: go on, or stop with an error (which split() returns).
using PartVisitor = std::function<std::optional<sync::Error>(const Part&)>;

// Hands every part of `text` to `visit` in document order: the members of the top-level members
// named in `open` one by one, every other top-level member whole. Parts are handed over as sent:
// one that is not UTF-8 is for Dom::part to repair; keys that are not are read with replacements.
// Errors: what visit returned; too_large; json_error (not JSON, truncated, too deep) for a document
// whose skeleton is broken, quoting the document and naming it `what`; internal when a top-level
// member appears twice (which one would count is unclear).
std::optional<sync::Error> split(const JsonText& text, std::initializer_list<std::string_view> open,
                                 const std::string& what, const PartVisitor& visit);

// How much of a document read piece by piece was held at once.
struct SplitStats {
  std::size_t read = 0;    // bytes of the document
  std::size_t window = 0;  // the largest buffer it was read through
};

// The same over a document read piece by piece from `source`: what is held at once is the part
// being read (the buffer starts at 1 MiB and doubles while one part does not fit). Errors as above,
// and what `source` failed with. A document is told cut when it ended before its skeleton broke;
// text both broken and cut, which the reader of a text in memory calls cut (it looks at the whole
// text), is called broken here (the first break met ends the reading).
std::optional<sync::Error> split(TextSource& source, std::initializer_list<std::string_view> open,
                                 const std::string& what, const PartVisitor& visit,
                                 SplitStats* stats = nullptr);

}  // namespace bzjira::adapters::bugzilla::detail
