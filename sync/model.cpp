#include "sync/model.h"

#include <string_view>

namespace bzjira::sync {

bool is_resolved_status(const std::string& status) {
  return status == "RESOLVED" || status == "VERIFIED" || status == "CLOSED";
}

bool is_open_needinfo(const Flag& flag) {
  constexpr std::string_view k_name = "needinfo";
  if (flag.status != "?" || flag.name.size() != k_name.size()) {
    return false;
  }
  for (std::size_t i = 0; i < k_name.size(); ++i) {
    const char c = flag.name[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c) != k_name[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace bzjira::sync
