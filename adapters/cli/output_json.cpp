#include "adapters/cli/output_json.h"

#include <array>
#include <charconv>
#include <optional>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

namespace bzjira::adapters::cli {

namespace {

// Appends JSON values to a buffer and hands it to the stream in pieces of about 1 MiB. Strings of
// plain printable ASCII are copied as they are; any other string is written by nlohmann/json
// (escapes, UTF-8, invalid bytes replaced), so the output is byte for byte what dump() gives.
// The bytes a JSON string cannot hold as they are, or that may start a UTF-8 sequence.
constexpr std::array<bool, 256> k_needs_care = [] {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) {
    table[c] = c < 0x20 || c > 0x7F || c == '"' || c == '\\';
  }
  return table;
}();

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : m_out(out) { m_buf.reserve(k_flush_at + 4096); }
  ~JsonWriter() { flush(); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void raw(std::string_view text) { m_buf.append(text); }
  void string(std::string_view text) {
    for (const char c : text) {
      if (k_needs_care[static_cast<unsigned char>(c)]) {
        m_buf +=
            nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
    }
    m_buf += '"';
    m_buf.append(text);
    m_buf += '"';
  }
  void integer(long long value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    m_buf.append(digits, end);
  }
  void boolean(bool value) { m_buf += value ? "true" : "false"; }
  void null() { m_buf += "null"; }
  template <typename T>
  void integer_or_null(const std::optional<T>& value) {
    value ? integer(static_cast<long long>(*value)) : null();
  }
  void time(sync::Instant t) {  // digits only: nothing to escape
    m_buf += '"';
    sync::append_rfc3339(m_buf, t);
    m_buf += '"';
  }
  void time_or_null(const std::optional<sync::Instant>& t) { t ? time(*t) : null(); }
  // An empty string means "none" in the core's types; null says so without ambiguity.
  void text_or_null(const std::string& text) { text.empty() ? null() : string(text); }

  // Hands the buffer to the stream once it is large enough.
  void maybe_flush() {
    if (m_buf.size() >= k_flush_at) {
      flush();
    }
  }
  void flush() {
    m_out.write(m_buf.data(), static_cast<std::streamsize>(m_buf.size()));
    m_buf.clear();
  }

 private:
  static constexpr std::size_t k_flush_at = std::size_t{1} << 20;
  std::ostream& m_out;
  std::string m_buf;
};

struct Row {
  const sync::BugAudit& bug;
  const sync::Obligation& w;
  std::size_t index;  // of w in bug.windows
};

// The id of the lapse the window belongs to (sync::Lapse), or null for met, open and void windows.
void lapse_or_null(JsonWriter& j, const Row& r) {
  const int lapse = r.index < r.bug.window_lapse.size() ? r.bug.window_lapse[r.index] : -1;
  lapse >= 0 ? j.string(r.bug.lapses[static_cast<std::size_t>(lapse)].id) : j.null();
}

struct Member {
  std::string_view name;  // with what comes before the value: ",\n    \"name\": "
  void (*put)(JsonWriter&, const Row&);
};

// The members of one window, in the order people read them, not alphabetical. A new member is one
// line here (and one in output_json.h).
constexpr Member k_members[] = {
    {",\n    \"bug_id\": ", [](JsonWriter& j, const Row& r) { j.integer(r.w.bug_id); }},
    {",\n    \"bug_summary\": ", [](JsonWriter& j, const Row& r) { j.string(r.bug.summary); }},
    {",\n    \"key\": ", [](JsonWriter& j, const Row& r) { j.string(r.w.key); }},
    {",\n    \"kind\": ", [](JsonWriter& j, const Row& r) { j.string(sync::to_string(r.w.kind)); }},
    {",\n    \"rule\": ", [](JsonWriter& j, const Row& r) { j.string(r.w.rule); }},
    {",\n    \"start\": ", [](JsonWriter& j, const Row& r) { j.time(r.w.start); }},
    {",\n    \"start_comment\": ",
     [](JsonWriter& j, const Row& r) { j.integer_or_null(r.w.start_comment_count); }},
    {",\n    \"start_comment_id\": ",
     [](JsonWriter& j, const Row& r) { j.integer_or_null(r.w.start_comment_id); }},
    {",\n    \"start_author\": ",
     [](JsonWriter& j, const Row& r) { j.text_or_null(r.w.start_author); }},
    {",\n    \"start_private\": ",
     [](JsonWriter& j, const Row& r) { j.boolean(r.w.start_comment_private); }},
    {",\n    \"flag_id\": ", [](JsonWriter& j, const Row& r) { j.integer_or_null(r.w.flag_id); }},
    {",\n    \"deadline\": ", [](JsonWriter& j, const Row& r) { j.time(r.w.deadline); }},
    {",\n    \"deadline_from_next_update\": ",
     [](JsonWriter& j, const Row& r) { j.boolean(r.w.deadline_from_next_update); }},
    {",\n    \"should_by\": ", [](JsonWriter& j, const Row& r) { j.time_or_null(r.w.should_by); }},
    {",\n    \"satisfied_at\": ",
     [](JsonWriter& j, const Row& r) { j.time_or_null(r.w.satisfied_at); }},
    {",\n    \"satisfied_by\": ",
     [](JsonWriter& j, const Row& r) { j.text_or_null(r.w.satisfied_by); }},
    {",\n    \"satisfied_comment\": ",
     [](JsonWriter& j, const Row& r) { j.integer_or_null(r.w.satisfied_comment_count); }},
    {",\n    \"satisfied_comment_id\": ",
     [](JsonWriter& j, const Row& r) { j.integer_or_null(r.w.satisfied_comment_id); }},
    {",\n    \"ended_at\": ", [](JsonWriter& j, const Row& r) { j.time_or_null(r.w.ended_at); }},
    {",\n    \"end_reason\": ",
     [](JsonWriter& j, const Row& r) { j.text_or_null(r.w.end_reason); }},
    {",\n    \"status\": ",
     [](JsonWriter& j, const Row& r) { j.string(sync::to_string(r.w.status)); }},
    {",\n    \"late_seconds\": ",
     [](JsonWriter& j, const Row& r) { j.integer(r.w.late_seconds.count()); }},
    {",\n    \"lapse\": ", lapse_or_null},
};

}  // namespace

void write_audit_json(std::ostream& out, const sync::AuditReport& report) {
  JsonWriter j(out);
  bool first = true;
  j.raw("[");
  for (const sync::BugAudit& bug : report.bugs) {
    for (std::size_t i = 0; i < bug.windows.size(); ++i) {
      j.raw(first ? "\n  {" : ",\n  {");
      first = false;
      const Row row{bug, bug.windows[i], i};
      std::size_t skip = 1;  // the first member has no comma before it
      for (const Member& m : k_members) {
        j.raw(m.name.substr(skip));
        m.put(j, row);
        skip = 0;
      }
      j.raw("\n  }");
      j.maybe_flush();
    }
  }
  j.raw(first ? "]\n" : "\n]\n");
}

std::string render_audit_json(const sync::AuditReport& report) {
  std::ostringstream out;
  write_audit_json(out, report);
  return out.str();
}

}  // namespace bzjira::adapters::cli
