// The real time zones behind sync::Zone: Howard Hinnant's date/tz over the system tzdata
// (/usr/share/zoneinfo), so the core can ask for local dates without any third-party include.
#pragma once

#include <memory>
#include <string>

#include "sync/result.h"
#include "sync/zone.h"

namespace date {
class time_zone;
}

namespace bzjira::adapters::tz {

// A Zone for one IANA zone. Build it with make_zone(), which checks the name; the zone object
// belongs to date's process-wide database and is never freed, so copies are cheap and safe.
class TzZone final : public sync::Zone {
 public:
  explicit TzZone(const date::time_zone* zone) : m_zone(zone) {}

  std::string name() const override;
  // The local calendar date (DST and historical offsets from tzdata).
  sync::Date local_date(sync::Instant t) const override;
  // "2026-03-31 23:30 CST": local date, 24-hour time, the zone's abbreviation at that instant.
  std::string format_local(sync::Instant t) const override;

 private:
  const date::time_zone* m_zone;
};

// The zone named `iana_name` ("Asia/Shanghai", "UTC", "America/New_York").
// Errors: ErrorKind::config when the name is empty or unknown to the system tzdata; the message
// names the zone. Never throws.
sync::Result<std::unique_ptr<sync::Zone>> make_zone(const std::string& iana_name);

}  // namespace bzjira::adapters::tz
