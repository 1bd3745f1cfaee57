// What the engine reads from a bug's Status Whiteboard (docs/rules.md#whiteboard).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sync/time.h"

namespace bzjira::sync {

struct WhiteboardInfo {
  // "Next update YYYY-MM-DD": any case, anywhere, any run of whitespace between the words, then
  // optional colons and whitespace before the date ("Next  update: 2026-10-15").
  std::optional<Date> next_update;
  bool next_update_malformed = false;  // "Next update" present but not followed by a valid date
  bool revocation_delay = false;       // contains "revocation-delay"
  std::optional<Date> close_on;        // "[close on YYYY-MM-DD]" / "[close as X on YYYY-MM-DD]"
};

// Never fails: anything not understood is simply absent (malformed dates set the flag).
WhiteboardInfo parse_whiteboard(std::string_view whiteboard);

}  // namespace bzjira::sync
