#include "adapters/cli/output_json.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

namespace bzjira::adapters::cli {

namespace {

// Strings of plain printable ASCII are copied as they are; any other string is written by
// nlohmann/json (escapes, UTF-8, invalid bytes replaced), so the output is byte for byte what
// dump() gives. The bytes a JSON string cannot hold as they are, or that may start a UTF-8
// sequence:
constexpr std::array<bool, 256> k_needs_care = [] {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) {
    table[c] = c < 0x20 || c > 0x7F || c == '"' || c == '\\';
  }
  return table;
}();

// Whether no byte of `text` needs care (k_needs_care), eight bytes at a time: the audit writes
// hundreds of thousands of strings (summaries, rules, keys), nearly all of them plain. Each test
// is exact for "some byte of the word" (Sean Anderson's Bit Twiddling Hacks, "Determine if a word
// has a byte less than n" and "has a zero byte").
bool is_plain(std::string_view text) {
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, text.data() + i, 8);
    const std::uint64_t quote = w ^ (k_ones * '"');
    const std::uint64_t backslash = w ^ (k_ones * '\\');
    const std::uint64_t care = (w & k_highs) | ((w - k_ones * 0x20) & ~w & k_highs) |
                               ((quote - k_ones) & ~quote & k_highs) |
                               ((backslash - k_ones) & ~backslash & k_highs);
    if (care != 0) {
      return false;
    }
  }
  for (; i < text.size(); ++i) {
    if (k_needs_care[static_cast<unsigned char>(text[i])]) {
      return false;
    }
  }
  return true;
}

// Appends JSON values to a buffer and hands it to the stream in pieces of about 1 MiB. The buffer
// is a fixed block written through memcpy (a window is 23 members: a std::string's append for
// each piece cost more than the values themselves).
class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : m_out(out), m_buf(k_flush_at + k_room, '\0') {}
  ~JsonWriter() { flush(); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void raw(std::string_view text) {
    char* at = room(text.size());
    if (!text.empty()) {
      std::memcpy(at, text.data(), text.size());
    }
    m_len += text.size();
  }
  void string(std::string_view text) {
    if (!is_plain(text)) {
      raw(nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      return;
    }
    char* at = room(text.size() + 2);
    *at = '"';
    if (!text.empty()) {
      std::memcpy(at + 1, text.data(), text.size());
    }
    at[text.size() + 1] = '"';
    m_len += text.size() + 2;
  }
  void integer(long long value) {
    char* at = room(24);
    m_len += static_cast<std::size_t>(std::to_chars(at, at + 24, value).ptr - at);
  }
  void boolean(bool value) { raw(value ? "true" : "false"); }
  void null() { raw("null"); }
  template <typename T>
  void integer_or_null(const std::optional<T>& value) {
    value ? integer(static_cast<long long>(*value)) : null();
  }
  void time(sync::Instant t) {  // digits only: nothing to escape
    m_time.assign(1, '"');
    sync::append_rfc3339(m_time, t);
    m_time += '"';
    raw(m_time);
  }
  void time_or_null(const std::optional<sync::Instant>& t) { t ? time(*t) : null(); }
  // An empty string means "none" in the core's types; null says so without ambiguity.
  void text_or_null(const std::string& text) { text.empty() ? null() : string(text); }

  // Hands the buffer to the stream once it is large enough.
  void maybe_flush() {
    if (m_len >= k_flush_at) {
      flush();
    }
  }
  void flush() {
    m_out.write(m_buf.data(), static_cast<std::streamsize>(m_len));
    m_len = 0;
  }

 private:
  static constexpr std::size_t k_flush_at = std::size_t{1} << 20;
  static constexpr std::size_t k_room = std::size_t{64} << 10;

  // Where `n` more bytes can be written: after a flush when they do not fit, in a larger block
  // when they would not fit even then (a long escaped text).
  char* room(std::size_t n) {
    if (m_len + n > m_buf.size()) {
      flush();
      if (n > m_buf.size()) {
        m_buf.resize(n);
      }
    }
    return m_buf.data() + m_len;
  }

  std::ostream& m_out;
  std::string m_buf;  // m_len bytes written; the rest is room
  std::size_t m_len = 0;
  std::string m_time;
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
