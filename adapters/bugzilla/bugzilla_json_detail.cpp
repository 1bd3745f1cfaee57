#include "adapters/bugzilla/bugzilla_json_detail.h"

#include <exception>

#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/http/json_guard.h"

namespace bzjira::adapters::bugzilla::detail {

using nlohmann::json;
using sync::ErrorKind;
using sync::Instant;
using sync::make_error;

// Excerpts go into messages people read and into JSON logs: keep them short, on UTF-8 boundaries,
// and free of control characters or invalid bytes that would break a log line.
std::string excerpt(const std::string& text, std::size_t limit) {
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
      out.append(text, i, len);
      i += len;
    }
  }
  if (i < text.size()) {
    out += "...";
  }
  return out;
}

bool too_deep(const std::string& text, int limit) { return http::json_too_deep(text, limit); }

// Bytes that are not well-formed UTF-8 (overlong forms, surrogates, above U+10FFFF included)
// become U+FFFD. Bugzilla databases have held text in other encodings: one such comment must not
// make a whole answer, and with it every bug of the batch, unreadable (issue 7).
std::string replace_invalid_utf8(const std::string& text) {
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
      out.append(text, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

sync::Result<json> parse_body(const std::string& body, const std::string& what) {
  if (body.size() > k_max_body_bytes) {
    return make_error(ErrorKind::internal, what + " is " + std::to_string(body.size()) +
                                               " bytes, above the limit of " +
                                               std::to_string(k_max_body_bytes) + " bytes");
  }
  if (too_deep(body, k_max_json_depth)) {
    return make_error(ErrorKind::internal, what + " nests JSON deeper than " +
                                               std::to_string(k_max_json_depth) +
                                               " levels: " + excerpt(body));
  }
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    // The parser ran past the end: the answer was cut short in transit, so trying again may work.
    if (e.byte > body.size()) {
      return make_error(ErrorKind::transient, what + " ends early (truncated JSON, " +
                                                  std::to_string(body.size()) +
                                                  " bytes): " + excerpt(body));
    }
    if (const std::string repaired = replace_invalid_utf8(body); repaired != body) {
      const json doc = json::parse(repaired, nullptr, false);
      if (!doc.is_discarded()) {
        return doc;
      }
    }
    return make_error(ErrorKind::internal, what + " is not valid JSON (at byte " +
                                               std::to_string(e.byte) + "): " + excerpt(body));
  } catch (const std::exception& e) {
    return make_error(ErrorKind::internal, what + " could not be parsed: " + excerpt(e.what()));
  }
}

std::string describe(const json& value) {
  return value.is_number_integer() || value.is_number_float() ? "number" : value.type_name();
}

// The object member `key` of a parsed body, which must be of `type`.
sync::Result<const json*> member(const json& doc, const char* key, json::value_t type,
                                 const std::string& what, const std::string& body) {
  if (!doc.is_object()) {
    return make_error(ErrorKind::internal,
                      what + " is not a JSON object (" + describe(doc) + "): " + excerpt(body));
  }
  const auto it = doc.find(key);
  if (it == doc.end() || it->type() != type) {
    return make_error(ErrorKind::internal, what + " has no " + json(type).type_name() + " '" + key +
                                               "': " + excerpt(body));
  }
  return &*it;
}

const json* Fields::get(const char* key, bool required) {
  const auto it = m_obj.find(key);
  if (it == m_obj.end() || it->is_null()) {
    if (required) {
      fail(std::string("field '") + key + "' is missing");
    }
    return nullptr;
  }
  return &*it;
}

void Fields::text(const char* key, std::string& out, bool required) {
  if (const json* v = get(key, required)) {
    if (!v->is_string()) {
      return wrong_type(key, "a string", *v);
    }
    out = v->get<std::string>();
  }
}

void Fields::flag(const char* key, bool& out) {
  if (const json* v = get(key, false)) {
    if (v->is_boolean()) {
      out = v->get<bool>();
    } else if (v->is_number_integer() && (v->get<long long>() == 0 || v->get<long long>() == 1)) {
      out = v->get<long long>() == 1;
    } else {
      wrong_type(key, "a boolean", *v);
    }
  }
}

// An empty string counts as "not set" for optional times (cf_last_resolved of open bugs).
std::optional<Instant> Fields::time(const char* key, bool required) {
  const json* v = get(key, required);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_string()) {
    wrong_type(key, "a date-time string", *v);
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.empty() && !required) {
    return std::nullopt;
  }
  auto t = sync::parse_rfc3339(s);
  if (!t) {
    fail(std::string("field '") + key + "' is not a valid date-time: \"" + excerpt(s, 60) + "\"");
  }
  return t;
}

void Fields::strings(const char* key, std::vector<std::string>& out) {
  if (const json* v = get(key, false)) {
    if (!v->is_array()) {
      return wrong_type(key, "an array of strings", *v);
    }
    for (const auto& item : *v) {
      if (!item.is_string()) {
        return wrong_type(key, "an array of strings", item);
      }
      out.push_back(item.get<std::string>());
    }
  }
}

void Fields::fail(const std::string& message) {
  if (!m_error) {
    m_error = make_error(ErrorKind::internal, m_context + ": " + message);
  }
}

void Fields::wrong_type(const char* key, const char* expected, const json& got) {
  fail(std::string("field '") + key + "' must be " + expected + ", got " + describe(got));
}

}  // namespace bzjira::adapters::bugzilla::detail
