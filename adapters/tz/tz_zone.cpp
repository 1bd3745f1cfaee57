#include "adapters/tz/tz_zone.h"

#include <date/tz.h>

#include <exception>

namespace bzjira::adapters::tz {

std::string TzZone::name() const { return std::string(m_zone->name()); }

sync::Date TzZone::local_date(sync::Instant t) const {
  const date::zoned_seconds zoned{m_zone, t};
  const auto local_day = date::floor<date::days>(zoned.get_local_time());
  // date::local_days and std::chrono::sys_days count days from the same 1970-01-01 epoch.
  return sync::Date{std::chrono::sys_days{local_day.time_since_epoch()}};
}

std::string TzZone::format_local(sync::Instant t) const {
  const date::zoned_seconds zoned{m_zone, t};
  return date::format("%Y-%m-%d %H:%M %Z", zoned);
}

sync::Result<std::unique_ptr<sync::Zone>> make_zone(const std::string& iana_name) {
  if (iana_name.empty()) {
    return sync::make_error(sync::ErrorKind::config, "time zone name is empty");
  }
  try {
    const date::time_zone* zone = date::locate_zone(iana_name);
    return std::unique_ptr<sync::Zone>(std::make_unique<TzZone>(zone));
  } catch (const std::exception& e) {
    // date throws std::runtime_error for unknown names and when the tzdata cannot be read.
    return sync::make_error(sync::ErrorKind::config,
                            "unknown time zone \"" + iana_name + "\": " + e.what());
  }
}

}  // namespace bzjira::adapters::tz
