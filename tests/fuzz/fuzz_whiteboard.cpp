// The core's text parsers of untrusted Bugzilla and Jira values: the Status Whiteboard
// (sync/whiteboard.h) and the date / date-time readers (sync/time.h), with their round trips.
#include <string>
#include <string_view>

#include "sync/time.h"
#include "sync/whiteboard.h"
#include "tests/fuzz/fuzz_check.h"

namespace core = bzjira::sync;
using bzjira::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = bzjira::fuzz::as_string(data, size);
  const std::string_view view(text);

  const core::WhiteboardInfo info = core::parse_whiteboard(view);
  require(!(info.next_update && info.next_update_malformed),
          "a whiteboard date is either read or malformed, not both");
  if (info.next_update) {
    require(info.next_update->ok(), "the Next update date is a valid calendar date");
  }
  if (info.close_on) {
    require(info.close_on->ok(), "the close-on date is a valid calendar date");
  }

  if (const auto date = core::parse_date(view)) {
    require(date->ok(), "parse_date gives valid dates");
    // Exactly "YYYY-MM-DD": formatting gives the same text back.
    require(core::format_date(*date) == text, "format_date(parse_date(s)) == s");
  }
  if (const auto instant = core::parse_rfc3339(view)) {
    const std::string formatted = core::format_rfc3339(*instant);
    const auto again = core::parse_rfc3339(formatted);
    require(again.has_value(), "format_rfc3339 output is readable by parse_rfc3339");
    require(*again == *instant, "parse_rfc3339(format_rfc3339(t)) == t");
    (void)core::format_date(core::utc_date(*instant));
  }
  return 0;
}
