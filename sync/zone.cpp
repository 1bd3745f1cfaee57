#include "sync/zone.h"

namespace bzjira::sync {

std::string UtcZone::format_local(Instant t) const {
  // "2026-03-31T23:30:00Z" -> "2026-03-31 23:30 UTC".
  const std::string text = format_rfc3339(t);
  return text.substr(0, 10) + " " + text.substr(11, 5) + " UTC";
}

Date due_date(Instant deadline, const Zone& zone, int lead_days) {
  // The day before the deadline's local date is the last whole local day ending at or before it
  // (a day ends when the next starts, so a deadline at local midnight still means the day before).
  const std::chrono::sys_days local{zone.local_date(deadline)};
  return Date{local - Days{1} - Days{lead_days}};
}

}  // namespace bzjira::sync
