// Shared by the libFuzzer targets: a documented property that does not hold is a crash, so
// libFuzzer keeps the input exactly as it does for a sanitizer report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace bzjira::fuzz {

// Aborts with `what` when `ok` is false (the message names the broken contract).
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
  }
}

inline std::string as_string(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace bzjira::fuzz
