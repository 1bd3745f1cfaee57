// Reading primitives shared by the Bugzilla JSON parsers (bugzilla_json*.cpp); not an interface
// for other code. Nothing here throws on malformed values: problems become Errors.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/result.h"
#include "sync/time.h"

namespace bzjira::adapters::bugzilla::detail {

// At most `limit` bytes of `text` for a message: cut on a UTF-8 boundary, control characters and
// invalid bytes replaced, "..." appended when cut.
std::string excerpt(const std::string& text, std::size_t limit = 200);

// True when brackets and braces outside strings nest deeper than `limit`.
bool too_deep(const std::string& text, int limit);

// Parses a body after the size and depth checks. Errors: internal (too large, too deep, not JSON),
// transient (the JSON ends early: cut short in transit). `what` names the body in messages.
sync::Result<nlohmann::json> parse_body(const std::string& body, const std::string& what);

// "number", "string", "null", ...: how a value's type is named in messages.
std::string describe(const nlohmann::json& value);

// The member `key` of a parsed body, which must be of `type`; internal error (with an excerpt of
// `body`) otherwise.
sync::Result<const nlohmann::json*> member(const nlohmann::json& doc, const char* key,
                                           nlohmann::json::value_t type, const std::string& what,
                                           const std::string& body);

// Reads the fields of one object; the first problem wins and is reported as
// "<context>: field '<key>' ...". Missing and null are the same ("not sent").
class Fields {
 public:
  Fields(const nlohmann::json& obj, std::string context)
      : m_obj(obj), m_context(std::move(context)) {}

  const std::optional<sync::Error>& error() const { return m_error; }

  // nullptr when the key is missing or null (a problem when required).
  const nlohmann::json* get(const char* key, bool required);
  void text(const char* key, std::string& out, bool required = false);
  // true/false, or 0/1 as some Bugzilla versions send.
  void flag(const char* key, bool& out);
  // A date-time (sync::parse_rfc3339). An empty string counts as "not set" unless required.
  std::optional<sync::Instant> time(const char* key, bool required);
  void strings(const char* key, std::vector<std::string>& out);
  void fail(const std::string& message);

  // An integer in [min, the largest Int].
  template <typename Int>
  void integer(const char* key, Int& out, bool required = false, long long min = 0) {
    const nlohmann::json* v = get(key, required);
    if (v == nullptr) {
      return;
    }
    if (!v->is_number_integer()) {
      return wrong_type(key, "an integer", *v);
    }
    const bool huge = v->is_number_unsigned() &&
                      v->get<unsigned long long>() >
                          static_cast<unsigned long long>(std::numeric_limits<long long>::max());
    const long long value = huge ? 0 : v->get<long long>();
    if (huge || value < min || value > static_cast<long long>(std::numeric_limits<Int>::max())) {
      return fail(std::string("field '") + key + "' is out of range: " + v->dump());
    }
    out = static_cast<Int>(value);
  }

 private:
  void wrong_type(const char* key, const char* expected, const nlohmann::json& got);

  const nlohmann::json& m_obj;
  std::string m_context;
  std::optional<sync::Error> m_error;
};

}  // namespace bzjira::adapters::bugzilla::detail
