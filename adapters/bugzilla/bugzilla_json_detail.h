// Reading primitives shared by the Bugzilla JSON parsers (bugzilla_json*.cpp); not an interface
// for other code. simdjson's DOM reads every answer, and every part of a large document that
// bugzilla_json_split.h cuts out, so the rules for each shape are written once, here and in
// bugzilla_json_shapes.cpp. Nothing here throws on malformed values: problems become Errors.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "adapters/bugzilla/bugzilla_json_text.h"
#include "sync/model.h"
#include "sync/result.h"
#include "sync/time.h"

namespace bzjira::adapters::bugzilla::detail {

static_assert(JsonText::k_padding >= simdjson::SIMDJSON_PADDING);

using Element = simdjson::dom::element;
using Type = simdjson::dom::element_type;

// At most `limit` bytes of `text` for a message: cut on a UTF-8 boundary, control characters and
// invalid bytes replaced, "..." appended when cut.
std::string excerpt(std::string_view text, std::size_t limit = 200);

// Bytes that are not well-formed UTF-8 replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view text);

// The object or array an element holds (which the caller has checked); a copy, so that it can be
// iterated in a range-for without dangling.
inline simdjson::dom::object object_of(Element e) { return e.get_object().value_unsafe(); }
inline simdjson::dom::array array_of(Element e) { return e.get_array().value_unsafe(); }

// "number", "string", "null", "boolean", "array", "object": how a type is named in messages.
std::string describe(Type type);
inline std::string describe(Element value) { return describe(value.type()); }

// The error for a document of `size` bytes that simdjson refused, named `what` and quoting the
// start of it (`quote`): internal when it nests deeper than k_max_json_depth or is not JSON;
// transient when it ends early (empty, or cut inside a string or an open array or object: cut
// short in transit). When simdjson's code does not tell a cut from a broken document, `scan` (the
// whole document, when it can still be read) does.
sync::Error json_error(simdjson::error_code code, const std::string& what, std::string_view quote,
                       std::size_t size, std::optional<std::string_view> scan);

// Internal error when `body` is larger than k_max_body_bytes.
std::optional<sync::Error> too_large(std::size_t size, const std::string& what);

// simdjson's DOM reader, limited to k_max_json_depth levels. An element stays valid until the
// next parse with the same Dom.
class Dom {
 public:
  Dom();

  // A whole answer. Text that is not UTF-8 is read with replacements (Bugzilla databases have
  // held other encodings: one such comment must not make a whole answer unreadable). Errors:
  // too_large, json_error.
  sync::Result<Element> document(const std::string& body, const std::string& what);

  // A part of a larger padded document (bugzilla_json_split.h); text that is not UTF-8 is read
  // with replacements (a copy), as document() does. Errors: json_error, quoting `quote` (the start
  // of the whole document); a part's end was found, so it is never cut short, unless it is the
  // `whole` document.
  sync::Result<Element> part(std::string_view json, std::string_view quote, const std::string& what,
                             bool whole = false);

 private:
  // `text` with its invalid UTF-8 replaced, copied into m_copy and parsed into `doc`; `code` is the
  // parse's result. An error only when the copy cannot be had.
  std::optional<sync::Error> parse_repaired(std::string_view text, Element& doc,
                                            simdjson::error_code& code);

  simdjson::dom::parser m_parser;
  JsonText m_copy;  // the body when its string had no room for the padding, or needed repair
};

// The member `key` of a parsed body, which must be of `type`; internal error (with an excerpt of
// `body`) otherwise.
sync::Result<Element> member(Element doc, std::string_view key, Type type, const std::string& what,
                             std::string_view body);

// Reads the fields of one object; the first problem wins and is reported as
// "<context>: field '<key>' ...". Missing and null are the same ("not sent"). A key sent twice
// counts with its last value. The context is only built when there is a problem.
class Fields {
 public:
  using Context = std::function<std::string()>;
  Fields(simdjson::dom::object obj, Context context);

  const std::optional<sync::Error>& error() const { return m_error; }

  // nullopt when the key is missing or null (a problem when required).
  std::optional<Element> get(std::string_view key, bool required);
  void text(std::string_view key, std::string& out, bool required = false);
  // true/false, or 0/1 as some Bugzilla versions send.
  void flag(std::string_view key, bool& out);
  // A date-time (sync::parse_rfc3339). An empty string counts as "not set" unless required.
  std::optional<sync::Instant> time(std::string_view key, bool required);
  void strings(std::string_view key, std::vector<std::string>& out);
  void fail(const std::string& message);

  // An integer in [min, the largest Int].
  template <typename Int>
  void integer(std::string_view key, Int& out, bool required = false, long long min = 0) {
    long long value = 0;
    if (read_integer(key, required, min, static_cast<long long>(std::numeric_limits<Int>::max()),
                     value)) {
      out = static_cast<Int>(value);
    }
  }

 private:
  struct Member {
    std::string_view key;
    Element value;
  };
  bool read_integer(std::string_view key, bool required, long long min, long long max,
                    long long& out);
  void wrong_type(std::string_view key, const char* expected, Element got);

  // The object's members; most have about ten, more go to m_more.
  std::array<Member, 16> m_members;
  std::size_t m_count = 0;
  std::vector<Member> m_more;
  Context m_context;
  std::optional<sync::Error> m_error;
};

// The shapes every Bugzilla answer and the dataset share (bugzilla_json_shapes.cpp); each follows
// the rules its public parser states in bugzilla_json.h.
sync::Result<sync::Bug> read_bug(Element bug);
// `bug_from_key` is used when the comment has no bug_id (0: none, bug_id required).
sync::Result<sync::Comment> read_comment(Element comment, sync::BugId bug_from_key);
sync::Result<std::vector<sync::HistoryEntry>> read_history_entries(Element entries,
                                                                   sync::BugId bug);
// One bug's entry of a comment answer, {"comments":[...]}, appended to `out` (parse_comments'
// rules; `key` as sent, for messages). Errors: internal, naming `what`.
std::optional<sync::Error> read_comment_entry(Element entry, std::string_view key, sync::BugId id,
                                              const std::string& what,
                                              std::vector<sync::Comment>& out);
// Files the comments of an answer for comment_ids under their own bug_id, after the bugs' own
// lists in `out`, skipping any whose id `out` holds already.
void file_comments_by_id(std::map<sync::BugId, std::vector<sync::Comment>>& out,
                         std::vector<sync::Comment>&& by_id);
// A bug id written as an object key ("2058918"): a positive integer in plain digits.
std::optional<sync::BugId> bug_id_from_key(std::string_view key);

}  // namespace bzjira::adapters::bugzilla::detail
