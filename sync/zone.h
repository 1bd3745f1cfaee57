// The one time-zone question the core asks, behind a tiny interface so the core stays free of
// third-party code: adapters/tz answers it with Howard Hinnant's date/tz and the system tzdata.
#pragma once

#include <string>

#include "sync/time.h"

namespace bzjira::sync {

class Zone {
 public:
  virtual ~Zone() = default;
  virtual std::string name() const = 0;
  // The calendar date, in this zone, that the instant falls on.
  virtual Date local_date(Instant t) const = 0;
  // "2026-03-31 23:30 CST" style, for descriptions and status output.
  virtual std::string format_local(Instant t) const = 0;
};

// A Zone that is UTC. Used by tests and as the default.
class UtcZone final : public Zone {
 public:
  std::string name() const override { return "UTC"; }
  Date local_date(Instant t) const override { return utc_date(t); }
  std::string format_local(Instant t) const override;
};

// Jira due date for a deadline instant (docs/rules.md#due-date): the last calendar day in `zone`
// that ends at or before `deadline`, minus `lead_days`. A day ends when the next one starts, so
// this is always the day before the local date of the deadline: never later than the real
// deadline.
Date due_date(Instant deadline, const Zone& zone, int lead_days);

}  // namespace bzjira::sync
