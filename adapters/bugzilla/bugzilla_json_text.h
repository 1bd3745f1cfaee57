// The bytes of one JSON document as the Bugzilla parsers read them: the text plus the padding that
// simdjson may read past its end (it loads 64 bytes at a time). Large texts (a repaired copy of a
// large answer) live in an anonymous mapping that asks for transparent huge pages. A document too
// large to hold whole (a dataset file) is read from a TextSource piece by piece instead.
#pragma once

#include <cstddef>
#include <optional>
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

 private:
  char* m_data = nullptr;
  std::size_t m_size = 0;
  std::size_t m_allocated = 0;  // bytes at m_data, padding included (a mapping's whole length)
  bool m_mapped = false;        // an anonymous mapping (else new[])
  bool m_borrowed = false;      // another's string (padded())
};

// Where a document read piece by piece comes from (a file: adapters/cli/inputs.cpp).
class TextSource {
 public:
  virtual ~TextSource() = default;
  // Up to `max` (at least 1) more bytes into `into`; 0 at the end of the text. Errors: whatever
  // reading failed with, handed on as it is.
  virtual sync::Result<std::size_t> read(char* into, std::size_t max) = 0;
};

// A source that can be read again from its start (a file), for a reader that takes two passes.
class RereadableSource : public TextSource {
 public:
  // Back to the start. Errors: what rewinding failed with, or that the text changed meanwhile.
  virtual std::optional<sync::Error> rewind() = 0;
};

}  // namespace bzjira::adapters::bugzilla
