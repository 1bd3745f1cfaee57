#include "adapters/bugzilla/bugzilla_json_text.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <utility>

namespace bzjira::adapters::bugzilla {

namespace {

// Below this a plain allocation is cheaper than a mapping of its own.
constexpr std::size_t k_map_from = std::size_t{4} << 20;

}  // namespace

JsonText::~JsonText() {
  if (m_borrowed) {
    return;
  }
  if (m_mapped) {
    ::munmap(m_data, m_allocated);
  } else {
    delete[] m_data;
  }
}

JsonText::JsonText(JsonText&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)),
      m_allocated(std::exchange(other.m_allocated, 0)),
      m_mapped(std::exchange(other.m_mapped, false)),
      m_borrowed(std::exchange(other.m_borrowed, false)) {}

JsonText& JsonText::operator=(JsonText&& other) noexcept {
  if (this != &other) {
    JsonText old(std::move(*this));
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
    m_allocated = std::exchange(other.m_allocated, 0);
    m_mapped = std::exchange(other.m_mapped, false);
    m_borrowed = std::exchange(other.m_borrowed, false);
  }
  return *this;
}

sync::Result<JsonText> JsonText::allocate(std::size_t size) {
  JsonText text;
  text.m_allocated = size + k_padding;
  if (text.m_allocated >= k_map_from) {
    void* pages = ::mmap(nullptr, text.m_allocated, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) {
      return sync::make_error(sync::ErrorKind::internal,
                              "cannot map " + std::to_string(size) + " bytes of memory");
    }
    text.m_data = static_cast<char*>(pages);
    text.m_mapped = true;
    // Advice only: where transparent huge pages are off, the mapping works the same, slower.
    ::madvise(text.m_data, text.m_allocated, MADV_HUGEPAGE);
  } else {
    text.m_data = new (std::nothrow) char[text.m_allocated];
    if (text.m_data == nullptr) {
      return sync::make_error(sync::ErrorKind::internal,
                              "cannot allocate " + std::to_string(size) + " bytes");
    }
  }
  text.resize(size);
  return text;
}

sync::Result<JsonText> JsonText::copy_of(std::string_view source) {
  auto text = allocate(source.size());
  if (text.ok() && !source.empty()) {
    std::memcpy(text->data(), source.data(), source.size());
  }
  return text;
}

sync::Result<JsonText> JsonText::padded(const std::string& text) {
  if (text.capacity() - text.size() < k_padding) {
    return copy_of(text);
  }
  JsonText view;
  view.m_data = const_cast<char*>(text.data());  // read only: resize() is never called on it
  view.m_size = text.size();
  view.m_allocated = text.capacity();
  view.m_borrowed = true;
  return view;
}

void JsonText::resize(std::size_t size) {
  if (m_borrowed) {
    return;
  }
  m_size = std::min(size, m_allocated - k_padding);
  std::memset(m_data + m_size, 0, k_padding);
}

}  // namespace bzjira::adapters::bugzilla
