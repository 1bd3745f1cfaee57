// The bytes of one JSON document as the Bugzilla parsers read them: the text plus the padding that
// simdjson may read past its end (it loads 64 bytes at a time). Large documents live in an
// anonymous mapping that asks for transparent huge pages, and the part already parsed can be given
// back while the rest is read, so a 58 MB dataset costs about 30 page faults instead of 15,000 and
// never sits in memory whole next to what was parsed from it.
#pragma once

#include <cstddef>
#include <string_view>

#include "sync/result.h"

namespace bzjira::adapters::bugzilla {

class JsonText {
 public:
  // Readable bytes after the text (SIMDJSON_PADDING; checked where simdjson is included).
  static constexpr std::size_t k_padding = 64;

  JsonText() = default;
  ~JsonText();
  JsonText(JsonText&& other) noexcept;
  JsonText& operator=(JsonText&& other) noexcept;
  JsonText(const JsonText&) = delete;
  JsonText& operator=(const JsonText&) = delete;

  // Room for `size` bytes, filled through data() and then cut with resize(). Errors: internal when
  // the memory cannot be had.
  static sync::Result<JsonText> allocate(std::size_t size);
  // A padded copy of `text`. Errors as allocate.
  static sync::Result<JsonText> copy_of(std::string_view text);
  // `text` itself when its string has room for the padding after it (it must then outlive the
  // result, which never writes to it or gives its pages back), else a copy.
  static sync::Result<JsonText> padded(const std::string& text);

  char* data() { return m_data; }
  const char* data() const { return m_data; }
  std::size_t size() const { return m_size; }
  std::string_view view() const { return {m_data, m_size}; }
  // Keeps the first `size` bytes (at most the size allocated); the padding after them is zeroed.
  void resize(std::size_t size);

  // Gives the whole pages before `position` back to the system: the parser has read past them and
  // never reads them again (reading them would give zeros). Nothing happens for small texts.
  void release_before(const char* position);
  // Whether release_before() gave any page back.
  bool released_any() const { return m_released > 0; }

 private:
  char* m_data = nullptr;
  std::size_t m_size = 0;
  std::size_t m_allocated = 0;  // bytes at m_data, padding included (a mapping's whole length)
  bool m_mapped = false;        // an anonymous mapping (else new[])
  bool m_borrowed = false;      // another's string (padded())
  std::size_t m_released = 0;   // bytes from m_data already given back
};

}  // namespace bzjira::adapters::bugzilla
