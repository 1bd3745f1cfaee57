#include "adapters/bugzilla/bugzilla_json_sax.h"

#include <cstdint>
#include <limits>
#include <set>

#include "adapters/bugzilla/bugzilla_json.h"
#include "sync/time.h"

namespace bzjira::adapters::bugzilla::detail {

namespace {

using nlohmann::json;

// Real documents nest 6 levels at most; deeper ones are left to the DOM parser's depth guard.
constexpr int k_max_depth = 64;

// Where the reader is. The top of the stack decides what a value or a key means.
enum class Ctx { root, lists, bug_entry, list, comment, tags, empty };
// What the next value (after a key) is. by_id: a comment answer's top-level "comments" (for
// comment_ids), which BMO always sends, empty; read only when empty or not an object.
enum class Next { root, skip, capture, lists, bug_entry, list, field, by_id, none };
enum class Field {
  id,
  bug_id,
  count,
  creator,
  author,
  creation_time,
  time,
  text,
  is_private,
  tags
};

struct CommentState {
  std::optional<long long> id, bug_id, count;
  std::optional<std::string> creator, author, creation_time, time;
  std::string text;
  bool is_private = false;
  std::vector<std::string> tags;
};

class Reader final : public nlohmann::json_sax<json> {
 public:
  Reader(SaxShape shape, const std::function<std::optional<sync::BugId>(const std::string&)>& ids)
      : m_shape(shape), m_ids(ids) {}

  SaxDocument take() { return std::move(m_doc); }
  bool complete() const { return m_done && (m_seen_bugs || m_shape == SaxShape::dataset); }
  bool has_bugs() const { return m_seen_bugs; }

  bool null() override {
    if (plain()) {
      return scalar(json(nullptr));
    }
    // A dataset may say "comments": null (no comments at all), like the DOM reader accepts.
    return m_next == Next::lists && m_shape == SaxShape::dataset && top() == Ctx::root;
  }
  bool boolean(bool value) override {
    if (plain()) {
      return scalar(json(value));
    }
    if (m_next == Next::field && m_field == Field::is_private) {
      m_comment.is_private = value;
      return true;
    }
    return false;
  }
  bool number_integer(number_integer_t value) override {
    return plain() ? scalar(json(value)) : integer(static_cast<long long>(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (plain()) {
      return scalar(json(value));
    }
    if (value > static_cast<std::uint64_t>(std::numeric_limits<long long>::max())) {
      return false;
    }
    return integer(static_cast<long long>(value));
  }
  bool number_float(number_float_t value, const string_t&) override {
    return plain() && scalar(json(value));
  }
  bool string(string_t& value) override {
    if (plain()) {
      return scalar(json(std::move(value)));
    }
    if (m_ctx.empty()) {
      return false;
    }
    if (top() == Ctx::tags) {
      m_comment.tags.push_back(std::move(value));
      return true;
    }
    if (m_next != Next::field) {
      return false;
    }
    switch (m_field) {
      case Field::creator:
        m_comment.creator = std::move(value);
        return true;
      case Field::author:
        m_comment.author = std::move(value);
        return true;
      case Field::creation_time:
        m_comment.creation_time = std::move(value);
        return true;
      case Field::time:
        m_comment.time = std::move(value);
        return true;
      case Field::text:
        // Copied, not moved: the lexer keeps its buffer's capacity for the next text, instead of
        // growing a fresh one character by character through several reallocations.
        m_comment.text.assign(value);
        return true;
      default:
        return false;
    }
  }
  bool binary(binary_t&) override { return false; }

  bool start_object(std::size_t) override {
    if (++m_depth > k_max_depth) {
      return false;
    }
    if (m_skip > 0) {
      ++m_skip;
      return true;
    }
    if (!m_capture.empty()) {
      m_capture.push_back(put(json::object()));
      return true;
    }
    if (m_next == Next::skip) {
      m_skip = 1;
      return true;
    }
    if (m_next == Next::capture) {
      m_capture.push_back(put(json::object()));
      return true;
    }
    if (m_next == Next::by_id) {
      m_ctx.push_back(Ctx::empty);  // any member in it is left to the DOM reader
      return true;
    }
    const bool in_list = !m_ctx.empty() && top() == Ctx::list;
    if (in_list) {
      m_comment = CommentState{};
      m_ctx.push_back(Ctx::comment);
      return true;
    }
    switch (m_next) {
      case Next::root:
        m_ctx.push_back(Ctx::root);
        return true;
      case Next::lists:
        m_ctx.push_back(Ctx::lists);
        return true;
      case Next::bug_entry:
        m_ctx.push_back(Ctx::bug_entry);
        m_entry_has_comments = false;
        return true;
      default:
        return false;
    }
  }

  bool start_array(std::size_t) override {
    if (++m_depth > k_max_depth) {
      return false;
    }
    if (m_skip > 0) {
      ++m_skip;
      return true;
    }
    if (!m_capture.empty() || m_next == Next::capture) {
      m_capture.push_back(put(json::array()));
      return true;
    }
    if (m_next == Next::skip || m_next == Next::by_id) {
      m_skip = 1;
      return true;
    }
    if (!m_ctx.empty() && (top() == Ctx::list || top() == Ctx::tags)) {
      return false;  // a comment must be an object, a tag a string
    }
    if (m_next == Next::list) {
      m_ctx.push_back(Ctx::list);
      return true;
    }
    if (m_next == Next::field && m_field == Field::tags) {
      m_comment.tags.clear();  // a repeated key: the last one wins, as in the DOM
      m_ctx.push_back(Ctx::tags);
      return true;
    }
    return false;
  }

  bool end_object() override { return end(); }
  bool end_array() override { return end(); }

  bool key(string_t& name) override {
    if (m_skip > 0) {
      return true;
    }
    if (!m_capture.empty()) {
      m_slot = &(*m_capture.back())[name];
      return true;
    }
    switch (top()) {
      case Ctx::root:
        return root_key(name);
      case Ctx::lists: {
        const auto id = m_ids(name);
        if (!id || !m_bug_ids.insert(*id).second) {
          return false;
        }
        m_doc.comments.emplace_back(*id, std::vector<sync::Comment>{});
        m_next = m_shape == SaxShape::comment_answer ? Next::bug_entry : Next::list;
        return true;
      }
      case Ctx::bug_entry:
        if (name == "comments") {
          if (m_entry_has_comments) {
            return false;
          }
          m_entry_has_comments = true;
          m_next = Next::list;
        } else {
          m_next = Next::skip;
        }
        return true;
      case Ctx::comment:
        return comment_key(name);
      default:
        return false;
    }
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  Ctx top() const { return m_ctx.back(); }
  // A value nobody reads field by field: skipped or kept as DOM.
  bool plain() const {
    return m_skip > 0 || !m_capture.empty() ||
           ((m_next == Next::skip || m_next == Next::capture || m_next == Next::by_id) &&
            (m_ctx.empty() || (top() != Ctx::tags && top() != Ctx::list)));
  }

  bool scalar(json value) {
    if (m_skip > 0 || m_next == Next::skip || m_next == Next::by_id) {
      return true;
    }
    put(std::move(value));
    if (m_capture.empty()) {
      finish_capture();
    }
    return true;
  }

  // Stores a captured value where it belongs: the capture's root, an array, or an object's slot.
  json* put(json value) {
    if (m_capture.empty()) {
      m_captured = std::move(value);
      return &m_captured;
    }
    json& parent = *m_capture.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    *m_slot = std::move(value);
    return m_slot;
  }

  void finish_capture() {
    (m_captured_name == "bugs" ? m_doc.bugs : m_doc.history) = std::move(m_captured);
    m_next = Next::none;
  }

  bool integer(long long value) {
    if (m_next != Next::field) {
      return false;
    }
    switch (m_field) {
      case Field::id:
        m_comment.id = value;
        return true;
      case Field::bug_id:
        m_comment.bug_id = value;
        return true;
      case Field::count:
        m_comment.count = value;
        return true;
      default:
        return false;
    }
  }

  bool root_key(const std::string& name) {
    if (!m_known.insert(name).second &&
        (name == "bugs" || name == "comments" || name == "history")) {
      return false;  // a repeated member: the DOM keeps the last one; leave it to the DOM
    }
    if (m_shape == SaxShape::comment_answer) {
      m_next = name == "bugs" ? Next::lists : name == "comments" ? Next::by_id : Next::skip;
      m_seen_bugs = m_seen_bugs || name == "bugs";
      return true;
    }
    if (name == "comments") {
      m_next = Next::lists;
    } else if (name == "bugs" || name == "history") {
      m_next = Next::capture;
      m_captured_name = name;
      m_seen_bugs = m_seen_bugs || name == "bugs";
    } else {
      m_next = Next::skip;
    }
    return true;
  }

  // Which comment field a key names; nullopt for any other key. By length first: this runs for
  // every member of every comment.
  static std::optional<Field> comment_field(const std::string& n) {
    switch (n.size()) {
      case 2:
        return n == "id" ? std::optional(Field::id) : std::nullopt;
      case 4:
        return n == "text"   ? std::optional(Field::text)
               : n == "time" ? std::optional(Field::time)
               : n == "tags" ? std::optional(Field::tags)
                             : std::nullopt;
      case 5:
        return n == "count" ? std::optional(Field::count) : std::nullopt;
      case 6:
        return n == "bug_id"   ? std::optional(Field::bug_id)
               : n == "author" ? std::optional(Field::author)
                               : std::nullopt;
      case 7:
        return n == "creator" ? std::optional(Field::creator) : std::nullopt;
      case 10:
        return n == "is_private" ? std::optional(Field::is_private) : std::nullopt;
      case 13:
        return n == "creation_time" ? std::optional(Field::creation_time) : std::nullopt;
      default:
        return std::nullopt;
    }
  }

  bool comment_key(const std::string& name) {
    if (const auto field = comment_field(name)) {
      m_next = Next::field;
      m_field = *field;
    } else {
      m_next = Next::skip;
    }
    return true;
  }

  bool end() {
    --m_depth;
    if (m_skip > 0) {
      --m_skip;
      return true;
    }
    if (!m_capture.empty()) {
      m_capture.pop_back();
      if (m_capture.empty()) {
        finish_capture();
      }
      return true;
    }
    if (m_ctx.empty()) {
      return false;
    }
    const Ctx closed = top();
    m_ctx.pop_back();
    m_next = Next::none;
    switch (closed) {
      case Ctx::root:
        m_done = true;
        return true;
      case Ctx::bug_entry:
        return m_entry_has_comments;  // the DOM reader refuses an entry without "comments"
      case Ctx::comment:
        return push_comment();
      default:
        return true;
    }
  }

  // parse_comment's rules (bugzilla_json.cpp) for a comment of the bug keyed `bug`.
  bool push_comment() {
    CommentState& s = m_comment;
    const sync::BugId bug = m_doc.comments.back().first;
    if (!s.id || *s.id < 1 || (s.bug_id && (*s.bug_id < 1 || *s.bug_id != bug)) ||
        (s.count && (*s.count < 0 || *s.count > std::numeric_limits<int>::max()))) {
      return false;
    }
    std::optional<std::string>& creator = s.creator ? s.creator : s.author;
    std::optional<std::string>& time = s.creation_time ? s.creation_time : s.time;
    if (!creator || !time) {
      return false;
    }
    sync::Comment c;
    c.id = *s.id;
    c.bug_id = bug;
    c.count = s.count ? static_cast<int>(*s.count) : 0;
    c.creator = std::move(*creator);
    if (!time->empty()) {  // "" is "not set", as Fields::time reads it
      const auto parsed = sync::parse_rfc3339(*time);
      if (!parsed) {
        return false;
      }
      c.time = *parsed;
    }
    c.text = std::move(s.text);
    c.is_private = s.is_private;
    c.tags = std::move(s.tags);
    m_doc.comments.back().second.push_back(std::move(c));
    return true;
  }

  SaxShape m_shape;
  const std::function<std::optional<sync::BugId>(const std::string&)>& m_ids;
  SaxDocument m_doc;
  std::vector<Ctx> m_ctx;
  Next m_next = Next::root;
  Field m_field = Field::id;
  CommentState m_comment;
  bool m_entry_has_comments = false;
  bool m_seen_bugs = false;
  bool m_done = false;
  int m_depth = 0;
  int m_skip = 0;  // open containers of a skipped value
  std::set<std::string> m_known;
  std::set<sync::BugId> m_bug_ids;
  // The value being kept as DOM: its containers, the slot the next object member goes to.
  std::vector<json*> m_capture;
  json* m_slot = nullptr;
  json m_captured;
  std::string m_captured_name;
};

}  // namespace

std::optional<SaxDocument> sax_read(
    const std::string& body, SaxShape shape,
    const std::function<std::optional<sync::BugId>(const std::string&)>& key_to_id) {
  return sax_read(std::string_view(body), shape, key_to_id);
}

std::optional<SaxDocument> sax_read(
    std::string_view body, SaxShape shape,
    const std::function<std::optional<sync::BugId>(const std::string&)>& key_to_id) {
  if (body.size() > k_max_body_bytes) {
    return std::nullopt;
  }
  try {
    Reader reader(shape, key_to_id);
    // A contiguous range: nlohmann reads it in place, character by character.
    if (!json::sax_parse(body.data(), body.data() + body.size(), &reader) || !reader.complete()) {
      return std::nullopt;
    }
    return reader.take();
  } catch (const std::exception&) {  // allocation failure: the DOM path reports it
    return std::nullopt;
  }
}

}  // namespace bzjira::adapters::bugzilla::detail
