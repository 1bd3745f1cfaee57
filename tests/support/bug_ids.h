// Consecutive bug ids, for the tests that ask Bugzilla about many bugs at once.
#pragma once

#include <cstddef>
#include <vector>

#include "sync/model.h"

namespace bzjira::test_support {

// `count` ids from `first` on: first, first + 1, ...
inline std::vector<sync::BugId> ids_from(sync::BugId first, int count) {
  std::vector<sync::BugId> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    out.push_back(first + i);
  }
  return out;
}

}  // namespace bzjira::test_support
