#include "sync/encoding.h"

#include <cstdint>

namespace bzjira::sync {

namespace {

constexpr char k_hex_upper[] = "0123456789ABCDEF";
constexpr char k_hex_lower[] = "0123456789abcdef";

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string url_encode(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex_upper[c >> 4];
      out += k_hex_upper[c & 0x0F];
    }
  }
  return out;
}

std::string fnv1a_hex(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) {
    out[static_cast<std::size_t>(i)] = k_hex_lower[h & 0x0F];
  }
  return out;
}

}  // namespace bzjira::sync
