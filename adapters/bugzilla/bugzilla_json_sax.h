// A one-pass (SAX) reader for the two large Bugzilla JSON documents, comment answers and the
// dataset file: comments go straight into sync::Comment, without building and freeing a DOM of
// every text. It only accepts the well-formed case; anything unusual makes it give up, and the
// caller then runs the DOM parser, which reports each problem exactly (one rule set, one wording).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/model.h"

namespace bzjira::adapters::bugzilla::detail {

enum class SaxShape {
  // {"bugs": {"<id>": {"comments": [comment, ...]}, ...}}; other members ignored. A top-level
  // "comments" (answers for comment_ids) that is a non-empty object is left to the DOM parser.
  comment_answer,
  // {"bugs": [...], "comments": {"<id>": [comment, ...]}, "history": {...}}: "bugs" and "history"
  // are kept as DOM values (they are small), other members ignored.
  dataset,
};

struct SaxDocument {
  // Each bug key's comments, in document order; every id appears once.
  std::vector<std::pair<sync::BugId, std::vector<sync::Comment>>> comments;
  std::optional<nlohmann::json> bugs;     // dataset: the "bugs" member
  std::optional<nlohmann::json> history;  // dataset: the "history" member
};

// nullopt ("read it with the DOM parser") for: a body above k_max_body_bytes, invalid or cut-off
// JSON, nesting deeper than 64, a member of a known name with an unexpected type, a null where a
// comment field is expected, a comment field of the wrong type or out of range, a missing comment
// id, creator/author or creation_time/time, a bug_id other than the key's, a date-time that does
// not parse, a key `key_to_id` rejects, a bug id that appears twice, or a repeated known member.
// Each comment gets the same values parse_comment would give it.
std::optional<SaxDocument> sax_read(
    const std::string& body, SaxShape shape,
    const std::function<std::optional<sync::BugId>(const std::string&)>& key_to_id);
// The same over any bytes (a dataset file mapped into memory, never copied).
std::optional<SaxDocument> sax_read(
    std::string_view body, SaxShape shape,
    const std::function<std::optional<sync::BugId>(const std::string&)>& key_to_id);

}  // namespace bzjira::adapters::bugzilla::detail

namespace bzjira::adapters::bugzilla {
struct Dataset;
}

namespace bzjira::adapters::bugzilla::detail {

// parse_dataset's one-pass reading of a dataset's bytes (bugzilla_json_dataset.cpp): the dataset
// when they are well-formed JSON of the usual shape, else nullopt, and the caller reads the text
// with parse_dataset, which words every problem. Never throws.
std::optional<Dataset> parse_dataset_one_pass(std::string_view text);

}  // namespace bzjira::adapters::bugzilla::detail
