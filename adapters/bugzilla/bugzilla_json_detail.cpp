#include "adapters/bugzilla/bugzilla_json_detail.h"

#include <charconv>

#include "adapters/bugzilla/bugzilla_json.h"

namespace bzjira::adapters::bugzilla::detail {

using sync::ErrorKind;
using sync::Instant;
using sync::make_error;

namespace {

// True when `text` stops inside a value: nothing but white space, or cut inside a string or an
// open array or object. Only run on text simdjson refused.
bool ends_early(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  bool blank = true;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    blank = blank && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return blank || in_string || depth > 0;
}

// A short reason for people, by simdjson's error code.
const char* reason(simdjson::error_code code) {
  switch (code) {
    case simdjson::UNESCAPED_CHARS:
      return "a control character inside a string";
    case simdjson::STRING_ERROR:
      return "a malformed string escape";
    case simdjson::NUMBER_ERROR:
      return "a malformed or out-of-range number";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return "a misspelled true, false or null";
    case simdjson::UTF8_ERROR:
      return "bytes that are not UTF-8";
    default:
      return "misplaced or missing brackets, braces, commas or colons";
  }
}

}  // namespace

// Excerpts go into messages people read and into JSON logs: keep them short, on UTF-8 boundaries,
// and free of control characters or invalid bytes that would break a log line.
std::string excerpt(std::string_view text, std::size_t limit) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size() && out.size() < limit) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    bool valid = len > 0 && i + len <= text.size() && out.size() + len <= limit;
    for (std::size_t k = 1; valid && k < len; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (!valid) {
      out += '?';
      ++i;
    } else if (len == 1) {
      out += (c < 0x20 || c == 0x7F) ? ' ' : static_cast<char>(c);
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  if (i < text.size()) {
    out += "...";
  }
  return out;
}

// Overlong forms, surrogates and code points above U+10FFFF are invalid too.
std::string replace_invalid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80                 ? 1
                            : c >= 0xC2 && c <= 0xDF ? 2
                            : c >= 0xE0 && c <= 0xEF ? 3
                            : c >= 0xF0 && c <= 0xF4 ? 4
                                                     : 0;
    bool ok = len > 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (ok && len >= 3) {
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      ok = !((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
             (c == 0xF4 && c1 >= 0x90));
    }
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string describe(Type type) {
  switch (type) {
    case Type::ARRAY:
      return "array";
    case Type::OBJECT:
      return "object";
    case Type::INT64:
    case Type::UINT64:
    case Type::DOUBLE:
      return "number";
    case Type::STRING:
      return "string";
    case Type::BOOL:
      return "boolean";
    case Type::NULL_VALUE:
      return "null";
  }
  return "value";
}

sync::Error json_error(simdjson::error_code code, const std::string& what, std::string_view quote,
                       std::size_t size, std::optional<std::string_view> scan) {
  if (code == simdjson::DEPTH_ERROR) {
    return make_error(ErrorKind::internal, what + " nests JSON deeper than " +
                                               std::to_string(k_max_json_depth) +
                                               " levels: " + excerpt(quote));
  }
  if (code == simdjson::MEMALLOC || code == simdjson::CAPACITY) {
    return make_error(ErrorKind::internal, what + " could not be parsed: not enough memory for " +
                                               std::to_string(size) + " bytes");
  }
  // The answer was cut short in transit, so trying again may work.
  // The text itself says best; simdjson's code where it can no longer be read.
  const bool cut = scan ? ends_early(*scan)
                        : code == simdjson::EMPTY || code == simdjson::UNCLOSED_STRING ||
                              code == simdjson::INCOMPLETE_ARRAY_OR_OBJECT;
  if (cut) {
    return make_error(ErrorKind::transient, what + " ends early (truncated JSON, " +
                                                std::to_string(size) +
                                                " bytes): " + excerpt(quote));
  }
  return make_error(ErrorKind::internal,
                    what + " is not valid JSON (" + reason(code) + "): " + excerpt(quote));
}

std::optional<sync::Error> too_large(std::size_t size, const std::string& what) {
  if (size <= k_max_body_bytes) {
    return std::nullopt;
  }
  return make_error(ErrorKind::internal, what + " is " + std::to_string(size) +
                                             " bytes, above the limit of " +
                                             std::to_string(k_max_body_bytes) + " bytes");
}

Dom::Dom() {
  // Sets the depth limit; the capacity grows with the first document (which allocates again, with
  // this limit, when this allocation failed).
  if (m_parser.allocate(simdjson::SIMDJSON_PADDING, k_max_json_depth) != simdjson::SUCCESS) {
    return;
  }
}

sync::Result<Element> Dom::document(const std::string& body, const std::string& what) {
  if (auto error = too_large(body.size(), what)) {
    return *error;
  }
  Element doc;
  // In place when the string has room for the padding simdjson reads past the end.
  simdjson::error_code code = simdjson::SUCCESS;
  if (body.capacity() - body.size() >= simdjson::SIMDJSON_PADDING) {
    code = m_parser.parse(body.data(), body.size(), false).get(doc);
  } else {
    auto copy = JsonText::copy_of(body);
    if (!copy) {
      return copy.error();
    }
    m_copy = std::move(copy.value());
    code = m_parser.parse(m_copy.data(), m_copy.size(), false).get(doc);
  }
  if (code == simdjson::UTF8_ERROR) {
    if (auto error = parse_repaired(body, doc, code)) {
      return *error;
    }
  }
  if (code != simdjson::SUCCESS) {
    return json_error(code, what, body, body.size(), body);
  }
  return doc;
}

std::optional<sync::Error> Dom::parse_repaired(std::string_view text, Element& doc,
                                               simdjson::error_code& code) {
  auto repaired = JsonText::copy_of(replace_invalid_utf8(text));
  if (!repaired) {
    return repaired.error();
  }
  m_copy = std::move(repaired.value());
  code = m_parser.parse(m_copy.data(), m_copy.size(), false).get(doc);
  return std::nullopt;
}

sync::Result<Element> Dom::part(std::string_view json, std::string_view quote,
                                const std::string& what, bool whole) {
  Element doc;
  simdjson::error_code code = m_parser.parse(json.data(), json.size(), false).get(doc);
  if (code == simdjson::UTF8_ERROR) {
    if (auto error = parse_repaired(json, doc, code)) {
      return *error;
    }
  }
  if (code == simdjson::SUCCESS) {
    return doc;
  }
  if (whole) {
    return json_error(code, what, quote, json.size(), json);
  }
  // The splitter found where the part ends, so it is broken, not cut.
  return json_error(code == simdjson::INCOMPLETE_ARRAY_OR_OBJECT ? simdjson::TAPE_ERROR : code,
                    what, quote, json.size(), std::nullopt);
}

sync::Result<Element> member(Element doc, std::string_view key, Type type, const std::string& what,
                             std::string_view body) {
  if (!doc.is_object()) {
    return make_error(ErrorKind::internal,
                      what + " is not a JSON object (" + describe(doc) + "): " + excerpt(body));
  }
  // The last of repeated keys counts, as for fields.
  std::optional<Element> found;
  for (const auto field : object_of(doc)) {
    if (field.key == key) {
      found = field.value;
    }
  }
  if (!found || found->type() != type) {
    return make_error(ErrorKind::internal, what + " has no " + describe(type) + " '" +
                                               std::string(key) + "': " + excerpt(body));
  }
  return *found;
}

Fields::Fields(simdjson::dom::object obj, Context context) : m_context(std::move(context)) {
  for (const auto field : obj) {
    if (m_count < m_members.size()) {
      m_members[m_count++] = Member{field.key, field.value};
    } else {
      m_more.push_back(Member{field.key, field.value});
    }
  }
}

std::optional<Element> Fields::get(std::string_view key, bool required) {
  std::optional<Element> found;
  for (auto it = m_more.rbegin(); it != m_more.rend() && !found; ++it) {
    if (it->key == key) {
      found = it->value;
    }
  }
  for (std::size_t i = m_count; i > 0 && !found; --i) {
    if (m_members[i - 1].key == key) {
      found = m_members[i - 1].value;
    }
  }
  if (!found || found->is_null()) {
    if (required) {
      fail("field '" + std::string(key) + "' is missing");
    }
    return std::nullopt;
  }
  return found;
}

void Fields::text(std::string_view key, std::string& out, bool required) {
  if (const auto v = get(key, required)) {
    if (!v->is_string()) {
      return wrong_type(key, "a string", *v);
    }
    out.assign(v->get_string().value_unsafe());
  }
}

void Fields::flag(std::string_view key, bool& out) {
  if (const auto v = get(key, false)) {
    if (v->is_bool()) {
      out = v->get_bool().value_unsafe();
    } else if (v->is_int64() &&
               (v->get_int64().value_unsafe() == 0 || v->get_int64().value_unsafe() == 1)) {
      out = v->get_int64().value_unsafe() == 1;
    } else {
      wrong_type(key, "a boolean", *v);
    }
  }
}

std::optional<Instant> Fields::time(std::string_view key, bool required) {
  const auto v = get(key, required);
  if (!v) {
    return std::nullopt;
  }
  if (!v->is_string()) {
    wrong_type(key, "a date-time string", *v);
    return std::nullopt;
  }
  const std::string_view s = v->get_string().value_unsafe();
  if (s.empty() && !required) {
    return std::nullopt;  // cf_last_resolved of open bugs
  }
  auto t = sync::parse_rfc3339(s);
  if (!t) {
    fail("field '" + std::string(key) + "' is not a valid date-time: \"" + excerpt(s, 60) + "\"");
  }
  return t;
}

void Fields::strings(std::string_view key, std::vector<std::string>& out) {
  if (const auto v = get(key, false)) {
    if (!v->is_array()) {
      return wrong_type(key, "an array of strings", *v);
    }
    for (const Element item : array_of(*v)) {
      if (!item.is_string()) {
        return wrong_type(key, "an array of strings", item);
      }
      out.emplace_back(item.get_string().value_unsafe());
    }
  }
}

void Fields::fail(const std::string& message) {
  if (!m_error) {
    m_error = make_error(ErrorKind::internal, m_context() + ": " + message);
  }
}

bool Fields::read_integer(std::string_view key, bool required, long long min, long long max,
                          long long& out) {
  const auto v = get(key, required);
  if (!v) {
    return false;
  }
  if (v->type() != Type::INT64 && v->type() != Type::UINT64) {
    wrong_type(key, "an integer", *v);
    return false;
  }
  // A UINT64 is above the largest long long.
  const bool huge = v->type() == Type::UINT64;
  const long long value = huge ? 0 : v->get_int64().value_unsafe();
  if (huge || value < min || value > max) {
    fail("field '" + std::string(key) + "' is out of range: " + simdjson::minify(*v));
    return false;
  }
  out = value;
  return true;
}

void Fields::wrong_type(std::string_view key, const char* expected, Element got) {
  fail("field '" + std::string(key) + "' must be " + expected + ", got " + describe(got));
}

std::optional<sync::BugId> bug_id_from_key(std::string_view key) {
  sync::BugId id = 0;
  const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
  if (ec != std::errc() || end != key.data() + key.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

}  // namespace bzjira::adapters::bugzilla::detail
