#include "adapters/cli/output_json.h"

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
class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : m_out(out) { m_buf.reserve(k_flush_at + 4096); }
  ~JsonWriter() { flush(); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void raw(std::string_view text) { m_buf.append(text); }
  void string(std::string_view text) {
    for (const char c : text) {
      if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 ||
          static_cast<unsigned char>(c) > 0x7F) {
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
  void time(sync::Instant t) { string(sync::format_rfc3339(t)); }
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
  const char* name;
  void (*put)(JsonWriter&, const Row&);
};

// The members of one window, in the order people read them, not alphabetical. A new member is one
// line here (and one in output_json.h).
constexpr Member k_members[] = {
    {"bug_id", [](JsonWriter& j, const Row& r) { j.integer(r.w.bug_id); }},
    {"bug_summary", [](JsonWriter& j, const Row& r) { j.string(r.bug.summary); }},
    {"key", [](JsonWriter& j, const Row& r) { j.string(r.w.key); }},
    {"kind", [](JsonWriter& j, const Row& r) { j.string(sync::to_string(r.w.kind)); }},
    {"rule", [](JsonWriter& j, const Row& r) { j.string(r.w.rule); }},
    {"start", [](JsonWriter& j, const Row& r) { j.time(r.w.start); }},
    {"start_comment",
     [](JsonWriter& j, const Row& r) { j.integer_or_null(r.w.start_comment_count); }},
    {"start_comment_id",
     [](JsonWriter& j, const Row& r) { j.integer_or_null(r.w.start_comment_id); }},
    {"start_author", [](JsonWriter& j, const Row& r) { j.text_or_null(r.w.start_author); }},
    {"start_private", [](JsonWriter& j, const Row& r) { j.boolean(r.w.start_comment_private); }},
    {"flag_id", [](JsonWriter& j, const Row& r) { j.integer_or_null(r.w.flag_id); }},
    {"deadline", [](JsonWriter& j, const Row& r) { j.time(r.w.deadline); }},
    {"deadline_from_next_update",
     [](JsonWriter& j, const Row& r) { j.boolean(r.w.deadline_from_next_update); }},
    {"should_by", [](JsonWriter& j, const Row& r) { j.time_or_null(r.w.should_by); }},
    {"satisfied_at", [](JsonWriter& j, const Row& r) { j.time_or_null(r.w.satisfied_at); }},
    {"satisfied_by", [](JsonWriter& j, const Row& r) { j.text_or_null(r.w.satisfied_by); }},
    {"satisfied_comment",
     [](JsonWriter& j, const Row& r) { j.integer_or_null(r.w.satisfied_comment_count); }},
    {"satisfied_comment_id",
     [](JsonWriter& j, const Row& r) { j.integer_or_null(r.w.satisfied_comment_id); }},
    {"ended_at", [](JsonWriter& j, const Row& r) { j.time_or_null(r.w.ended_at); }},
    {"end_reason", [](JsonWriter& j, const Row& r) { j.text_or_null(r.w.end_reason); }},
    {"status", [](JsonWriter& j, const Row& r) { j.string(sync::to_string(r.w.status)); }},
    {"late_seconds", [](JsonWriter& j, const Row& r) { j.integer(r.w.late_seconds.count()); }},
    {"lapse", lapse_or_null},
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
      const char* separator = "\n    \"";
      for (const Member& m : k_members) {
        j.raw(separator);
        j.raw(m.name);
        j.raw("\": ");
        m.put(j, row);
        separator = ",\n    \"";
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
