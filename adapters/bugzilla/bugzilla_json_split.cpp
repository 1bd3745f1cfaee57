#include "adapters/bugzilla/bugzilla_json_split.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <vector>

#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/bugzilla/bugzilla_json_detail.h"

namespace bzjira::adapters::bugzilla::detail {

namespace {

// The first buffer a document read piece by piece goes through; it doubles while a part does not
// fit (a dataset's "bugs" member is one part: about 1 MB per 1,000 bugs).
constexpr std::size_t k_first_window = std::size_t{1} << 20;
// The document's first bytes, quoted in messages.
constexpr std::size_t k_quote_bytes = 256;

using simdjson::error_code;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The bytes that shape a value being skipped: quotes and brackets.
constexpr std::array<bool, 256> k_skeleton = [] {
  std::array<bool, 256> table{};
  for (const char c : {'"', '{', '}', '[', ']'}) {
    table[static_cast<unsigned char>(c)] = true;
  }
  return table;
}();

// One pass over a document's skeleton. The text is a window: all of it for a text in memory, else
// a buffer that holds what was read from `m_mark` on (the start of the member being read), so
// that what lies before is dropped as reading goes on. Positions are offsets into the window and
// move when it is compacted, which only more() does.
class Cutter {
 public:
  Cutter(const JsonText& text, std::initializer_list<std::string_view> open,
         const std::string& what, const PartVisitor& visit)
      : m_data(text.data()),
        m_end(text.size()),
        m_whole(text.view()),
        m_start(text.view().substr(0, k_quote_bytes)),
        m_open(open),
        m_what(what),
        m_visit(visit) {}

  Cutter(TextSource& source, std::initializer_list<std::string_view> open, const std::string& what,
         const PartVisitor& visit)
      : m_source(&source), m_open(open), m_what(what), m_visit(visit) {}

  std::optional<sync::Error> run() {
    if (!m_source) {
      if (auto error = too_large(m_end, m_what)) {
        return error;
      }
    }
    if (!skip_space()) {
      return failed(simdjson::EMPTY);
    }
    if (m_data[m_pos] != '{') {
      return whole_document();
    }
    ++m_pos;
    if (!skip_space()) {
      return failed(simdjson::INCOMPLETE_ARRAY_OR_OBJECT);
    }
    if (m_data[m_pos] == '}') {
      ++m_pos;
      return trailing();
    }
    for (;;) {
      if (auto error = member()) {
        return error;
      }
      const auto next = after_value('}');
      if (!next) {
        return failed(next.code);
      }
      if (next.closed) {
        return trailing();
      }
    }
  }

  const SplitStats& stats() const { return m_stats; }

 private:
  struct Next {
    bool closed = false;  // the object closed, else a comma came and a member follows
    error_code code = simdjson::SUCCESS;
    explicit operator bool() const { return code == simdjson::SUCCESS; }
  };

  // A stop: what the source failed with, else a json_error by `code`. A text in memory is scanned
  // again to tell a cut from a broken document; one read piece by piece was cut where it ended.
  sync::Error failed(error_code code) {
    if (m_read_error) {
      return *m_read_error;
    }
    if (m_source) {
      // The quote is the document's first bytes, also when it broke before they were all read.
      char ahead[k_quote_bytes];
      while (m_start.size() < k_quote_bytes && !m_ended) {
        auto got = m_source->read(ahead, k_quote_bytes - m_start.size());
        m_ended = !got || *got == 0;
        m_start.append(ahead, got ? *got : 0);
      }
      return json_error(code, m_what, m_start, m_stats.read, std::nullopt);
    }
    return json_error(code, m_what, m_start, m_whole.size(), m_whole);
  }

  // Makes m_pos < m_end, reading more when the window is used up: false at the end of the text or
  // when reading failed (m_read_error).
  bool more() { return m_pos < m_end || refill(); }

  bool refill() {
    if (!m_source || m_ended || m_read_error) {
      return false;
    }
    if (m_mark > 0) {  // what lies before the member being read is done with
      std::memmove(m_buffer.data(), m_buffer.data() + m_mark, m_end - m_mark);
      m_pos -= m_mark;
      m_end -= m_mark;
      m_mark = 0;
    }
    if (m_end == m_buffer.size() && !grow()) {
      return false;
    }
    auto got = m_source->read(m_buffer.data() + m_end, m_buffer.size() - m_end);
    if (!got) {
      m_read_error = got.error();
      return false;
    }
    if (*got == 0) {
      m_ended = true;
      return false;
    }
    const std::string_view fresh(m_buffer.data() + m_end, *got);
    if (m_start.size() < k_quote_bytes) {
      m_start.append(fresh.substr(0, k_quote_bytes - m_start.size()));
    }
    m_end += *got;
    m_stats.read += *got;
    if (auto error = too_large(m_stats.read, m_what)) {
      m_read_error = error;
      return false;
    }
    return true;
  }

  // A window twice as large, holding what the old one held.
  bool grow() {
    const std::size_t size = std::max(k_first_window, m_buffer.size() * 2);
    auto bigger = JsonText::allocate(size);
    if (!bigger) {
      m_read_error = bigger.error();
      return false;
    }
    if (m_end > 0) {
      std::memcpy(bigger->data(), m_buffer.data(), m_end);
    }
    m_buffer = std::move(bigger.value());
    m_data = m_buffer.data();
    m_stats.window = std::max(m_stats.window, size);
    return true;
  }

  // Skips white space; false at the end of the text.
  bool skip_space() {
    while (more()) {
      if (!is_space(m_data[m_pos])) {
        return true;
      }
      ++m_pos;
    }
    return false;
  }

  // After a member: a comma and the next member's quote, or `close`.
  Next after_value(char close) {
    Next next;
    if (!skip_space()) {
      next.code = simdjson::INCOMPLETE_ARRAY_OR_OBJECT;
    } else if (m_data[m_pos] == close) {
      ++m_pos;
      next.closed = true;
    } else if (m_data[m_pos] != ',') {
      next.code = simdjson::TAPE_ERROR;
    } else {
      ++m_pos;
      if (!skip_space()) {
        next.code = simdjson::INCOMPLETE_ARRAY_OR_OBJECT;
      } else if (m_data[m_pos] != '"') {
        next.code = simdjson::TAPE_ERROR;
      }
    }
    return next;
  }

  // From the opening quote at m_pos to after the closing one.
  error_code skip_string() {
    const std::size_t open = m_pos - m_mark;  // survives compaction, as m_mark stays before it
    ++m_pos;
    for (;;) {
      if (!more()) {
        return simdjson::UNCLOSED_STRING;
      }
      const void* found = std::memchr(m_data + m_pos, '"', m_end - m_pos);
      if (found == nullptr) {
        m_pos = m_end;
        continue;
      }
      const auto quote = static_cast<std::size_t>(static_cast<const char*>(found) - m_data);
      // Escaped when an odd number of backslashes stands before it (the opening quote ends them).
      std::size_t backslashes = 0;
      while (quote - backslashes > m_mark + open + 1 && m_data[quote - backslashes - 1] == '\\') {
        ++backslashes;
      }
      m_pos = quote + 1;
      if (backslashes % 2 == 0) {
        return simdjson::SUCCESS;
      }
    }
  }

  // An array or object from its bracket at m_pos to after the matching one, `level` deep.
  error_code skip_container(std::size_t level) {
    m_stack.clear();
    for (;;) {
      if (!more()) {
        return simdjson::INCOMPLETE_ARRAY_OR_OBJECT;
      }
      // Up to the next quote or bracket; numbers, commas and colons are the part reader's.
      const char* p = m_data + m_pos;
      const char* const end = m_data + m_end;
      while (p < end && !k_skeleton[static_cast<unsigned char>(*p)]) {
        ++p;
      }
      m_pos = static_cast<std::size_t>(p - m_data);
      if (p == end) {
        continue;
      }
      const char c = *p;
      if (c == '"') {
        if (const auto code = skip_string()) {
          return code;
        }
        continue;
      }
      ++m_pos;
      if (c == '{' || c == '[') {
        if (level + m_stack.size() >= static_cast<std::size_t>(k_max_json_depth)) {
          return simdjson::DEPTH_ERROR;
        }
        m_stack.push_back(c);
      } else {
        if (m_stack.empty() || m_stack.back() != (c == '}' ? '{' : '[')) {
          return simdjson::TAPE_ERROR;
        }
        m_stack.pop_back();
        if (m_stack.empty()) {
          return simdjson::SUCCESS;
        }
      }
    }
  }

  // The value at m_pos, `level` deep (the root object is level 1). A scalar ends before the white
  // space, comma or bracket after it; the parser reading the part checks what it is.
  error_code skip_value(std::size_t level) {
    const char c = m_data[m_pos];
    if (c == '"') {
      return skip_string();
    }
    if (c == '{' || c == '[') {
      return skip_container(level);
    }
    const std::size_t begin = m_pos - m_mark;
    while (more()) {
      const char d = m_data[m_pos];
      if (is_space(d) || d == ',' || d == '}' || d == ']') {
        return m_pos - m_mark == begin ? simdjson::TAPE_ERROR : simdjson::SUCCESS;
      }
      ++m_pos;
    }
    return simdjson::INCOMPLETE_ARRAY_OR_OBJECT;  // a member's value must be followed by more
  }

  // Where a key is: a slice of the window, from the member's start on (so that it moves with the
  // window), or m_key when it had escapes or bytes that are not UTF-8.
  struct KeyAt {
    bool unescaped = false;
    std::size_t offset = 0;  // from m_mark
    std::size_t size = 0;
  };

  // The key as it reads now; valid until more() runs again.
  std::string_view key_text(const KeyAt& at) const {
    return at.unescaped ? std::string_view(m_key)
                        : std::string_view(m_data + m_mark + at.offset, at.size);
  }

  // A member's key at m_pos (its quote, where m_mark is), then the colon and the white space up to
  // the value.
  error_code key(KeyAt& at) {
    if (m_data[m_pos] != '"') {
      return simdjson::TAPE_ERROR;
    }
    at = KeyAt{false, m_pos + 1 - m_mark, 0};
    if (const auto code = skip_string()) {
      return code;
    }
    at.size = m_pos - 1 - m_mark - at.offset;
    const std::string_view raw = key_text(at);
    const bool control = std::any_of(raw.begin(), raw.end(),
                                     [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    if (control) {
      return simdjson::UNESCAPED_CHARS;
    }
    if (!simdjson::validate_utf8(raw.data(), raw.size()) ||
        raw.find('\\') != std::string_view::npos) {
      if (const auto code = unescape(raw)) {
        return code;
      }
      at.unescaped = true;
    }
    if (!skip_space()) {
      return simdjson::INCOMPLETE_ARRAY_OR_OBJECT;
    }
    if (m_data[m_pos] != ':') {
      return simdjson::TAPE_ERROR;
    }
    ++m_pos;
    return skip_space() ? simdjson::SUCCESS : simdjson::INCOMPLETE_ARRAY_OR_OBJECT;
  }

  // A key with escapes into m_key, read by simdjson as the string it is.
  error_code unescape(std::string_view raw) {
    const std::string quoted = "\"" + replace_invalid_utf8(raw) + "\"";
    auto text = JsonText::copy_of(quoted);
    if (!text) {
      return simdjson::MEMALLOC;
    }
    std::string_view value;
    const auto code = m_key_parser.parse(text->data(), text->size(), false).get_string().get(value);
    if (code) {
      return code;
    }
    m_key.assign(value);
    return simdjson::SUCCESS;
  }

  // Hands over the value at m_pos, `level` deep, as `part` (under the key at `key`, if any).
  std::optional<sync::Error> hand_over(Part& part, std::size_t level,
                                       const std::optional<KeyAt>& key = std::nullopt) {
    const std::size_t begin = m_pos - m_mark;
    if (const auto code = skip_value(level)) {
      return failed(code);
    }
    if (key) {
      part.key = key_text(*key);
    }
    part.json = std::string_view(m_data + m_mark + begin, m_pos - m_mark - begin);
    auto error = m_visit(part);
    m_mark = m_pos;  // the part is done with
    return error;
  }

  std::optional<sync::Error> member() {
    m_mark = m_pos;
    KeyAt at;
    if (const auto code = key(at)) {
      return failed(code);
    }
    const std::string_view name = key_text(at);
    if (std::find(m_seen.begin(), m_seen.end(), name) != m_seen.end()) {
      return sync::make_error(sync::ErrorKind::internal,
                              m_what + " has the member '" + excerpt(name, 40) + "' twice");
    }
    m_seen.emplace_back(name);
    Part part;
    part.member = m_seen.back();
    const bool open = std::find(m_open.begin(), m_open.end(), name) != m_open.end();
    if (!open || m_data[m_pos] != '{') {
      return hand_over(part, 1);
    }
    part.opened = true;
    part.opening = true;
    if (auto error = m_visit(part)) {
      return error;
    }
    part.opening = false;
    ++m_pos;
    if (!skip_space()) {
      return failed(simdjson::INCOMPLETE_ARRAY_OR_OBJECT);
    }
    if (m_data[m_pos] == '}') {
      ++m_pos;
      return std::nullopt;
    }
    for (;;) {
      m_mark = m_pos;
      KeyAt inner;
      if (const auto code = key(inner)) {
        return failed(code);
      }
      if (auto error = hand_over(part, 2, inner)) {
        return error;
      }
      const auto next = after_value('}');
      if (!next) {
        return failed(next.code);
      }
      if (next.closed) {
        return std::nullopt;
      }
    }
  }

  // A document that is not an object goes whole to the visitor, whose reader says what it is.
  std::optional<sync::Error> whole_document() {
    while (more()) {  // m_mark is still 0: nothing read is dropped
      m_pos = m_end;
    }
    if (m_read_error) {
      return m_read_error;
    }
    Part part;
    part.whole_document = true;
    part.json = std::string_view(m_data, m_end);
    return m_visit(part);
  }

  // Nothing but white space may follow the root object.
  std::optional<sync::Error> trailing() {
    m_mark = m_pos;
    if (skip_space()) {
      return failed(simdjson::TAPE_ERROR);
    }
    if (m_read_error) {
      return m_read_error;
    }
    return std::nullopt;
  }

  const char* m_data = nullptr;
  std::size_t m_pos = 0;
  std::size_t m_end = 0;
  std::size_t m_mark = 0;    // the window keeps what lies from here on
  std::string_view m_whole;  // a text in memory: all of it
  TextSource* m_source = nullptr;
  JsonText m_buffer;  // the window of a document read piece by piece
  bool m_ended = false;
  std::optional<sync::Error> m_read_error;
  SplitStats m_stats;
  std::string m_start;  // the document's first bytes, for messages
  std::initializer_list<std::string_view> m_open;
  const std::string& m_what;
  const PartVisitor& m_visit;
  std::vector<std::string> m_seen;  // top-level member names so far
  std::vector<char> m_stack;        // the brackets open in the value being skipped
  std::string m_key;                // an unescaped key
  simdjson::dom::parser m_key_parser;
};

std::optional<sync::Error> unreadable(const std::string& what, const std::exception& e) {
  return sync::make_error(sync::ErrorKind::internal,
                          what + " could not be read: " + excerpt(e.what()));
}

}  // namespace

std::optional<sync::Error> split(const JsonText& text, std::initializer_list<std::string_view> open,
                                 const std::string& what, const PartVisitor& visit) {
  try {
    return Cutter(text, open, what, visit).run();
  } catch (const std::exception& e) {  // allocation failures
    return unreadable(what, e);
  }
}

std::optional<sync::Error> split(TextSource& source, std::initializer_list<std::string_view> open,
                                 const std::string& what, const PartVisitor& visit,
                                 SplitStats* stats) {
  try {
    Cutter cutter(source, open, what, visit);
    auto error = cutter.run();
    if (stats != nullptr) {
      *stats = cutter.stats();
    }
    return error;
  } catch (const std::exception& e) {  // allocation failures
    return unreadable(what, e);
  }
}

}  // namespace bzjira::adapters::bugzilla::detail
