// What a bug's history says over time, for the obligation engine (sync/obligations.cpp): when it
// was resolved and reopened, which whiteboard was in effect at an instant, and needinfo set/clear
// events. Internal to the core; plain functions over model.h types.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/model.h"
#include "sync/time.h"

namespace bzjira::sync {

std::string to_lower_ascii(std::string_view text);

// Case-insensitive substring test; `lower_needle` must already be lower case.
bool contains_ci(std::string_view haystack, std::string_view lower_needle);

// History entries at or before `now`, oldest first (entries with equal times keep their order).
std::vector<const HistoryEntry*> sorted_history(const std::vector<HistoryEntry>& history,
                                                Instant now);

// The periods in which the bug was resolved (RESOLVED/VERIFIED/CLOSED).
struct ResolvedPeriod {
  Instant start{};
  std::optional<Instant> end;  // reopened at; empty while still resolved
  std::string reason;          // "bug resolved (FIXED)"
};

class ResolutionTimeline {
 public:
  // Periods come from "status" changes in `history`; the current one (when the bug's status is
  // resolved) starts at cf_last_resolved, else the last history entry resolving it, else
  // last_change_time. Periods starting after `now` are left out.
  ResolutionTimeline(const Bug& bug, const std::vector<const HistoryEntry*>& history, Instant now);

  const std::vector<ResolvedPeriod>& periods() const { return m_periods; }
  // True when `t` falls in a period, its first second included (a comment posted in the same second
  // as the resolution starts nothing).
  bool resolved_at(Instant t) const;
  // The first period starting at or after `t`, or nullptr.
  const ResolvedPeriod* first_after(Instant t) const;

 private:
  std::vector<ResolvedPeriod> m_periods;  // oldest first, not overlapping
};

// The whiteboard value in effect at any instant, from "whiteboard"/"status_whiteboard" changes.
class WhiteboardTimeline {
 public:
  // Uses every change (also those after a backfill's `now`), so values at past instants are exact.
  WhiteboardTimeline(const Bug& bug, const std::vector<HistoryEntry>& history);

  // The value in effect at `t`; a change made at exactly `t` is already in effect.
  const std::string& at(Instant t) const;
  // Instants (at or before `now`) at which a "[close on D]" marker appeared, oldest first. When the
  // oldest known value already carries one (history missing), `fallback` stands for it.
  std::vector<Instant> close_marker_added(Instant now, Instant fallback) const;

 private:
  struct Change {
    Instant when{};
    std::string value;  // the whiteboard after this change
  };
  std::string m_initial;
  std::vector<Change> m_changes;  // oldest first
};

// A needinfo flag being requested from, or cleared for, one account ("flagtypes.name" changes with
// values like "needinfo?(ca@example.org)").
struct NeedinfoEvent {
  Instant when{};
  std::string requestee;  // as written in the history
  std::string who;        // who made the change
  bool set = false;       // true: requested; false: cleared (answered, cancelled or removed)
};

// Oldest first. A change that removes and re-adds the same request (an edit) yields nothing.
std::vector<NeedinfoEvent> needinfo_events(const std::vector<const HistoryEntry*>& history);

}  // namespace bzjira::sync
