// What a bug's history says over time, for the obligation engine (sync/obligations.cpp): when it
// was resolved and reopened, which whiteboard was in effect at an instant, and needinfo set/clear
// events; and when a sync must read that history at all. Plain functions over model.h types.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/model.h"
#include "sync/time.h"
#include "sync/whiteboard.h"

namespace bzjira::sync {

// ASCII case folding, as std::tolower does in the C locale, without a locale call per character.
constexpr char fold_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

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
  std::string reopened_by;     // who reopened it (with `end`)
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

// One value the whiteboard held, from `from` until the next state's `from`.
struct WhiteboardState {
  Instant from{};  // Instant::min() for the value held before the first known change
  std::string value;
  WhiteboardInfo info;  // parse_whiteboard(value)
  // When info.next_update was written: the first change from which the whiteboard has read that
  // date without a break (Instant::min() when it already did before the first known change).
  Instant date_written{};
};

// The whiteboard value in effect at any instant, from "whiteboard"/"status_whiteboard" changes.
class WhiteboardTimeline {
 public:
  // Uses every change (also those after a backfill's `now`), so values at past instants are exact.
  // Without any change in the history the bug's current value is taken as held since its filing.
  // Changes made in the same second count as one (the last value wins).
  WhiteboardTimeline(const Bug& bug, const std::vector<HistoryEntry>& history);

  // The value in effect at `t`; a change made at exactly `t` is already in effect.
  const std::string& at(Instant t) const { return m_states[index_at(t)].value; }
  // The index in states() of the state in effect at `t` (same convention as at()).
  std::size_t index_at(Instant t) const;
  // Oldest first; never empty.
  const std::vector<WhiteboardState>& states() const { return m_states; }
  // Instants (at or before `now`) at which a "[close on D]" marker appeared, oldest first. When the
  // oldest known value already carries one (history missing), `fallback` stands for it.
  std::vector<Instant> close_marker_added(Instant now, Instant fallback) const;

 private:
  std::vector<WhiteboardState> m_states;
};

// Whether a sync must read the bug's history (batched GET /rest/bug/<id>/history) to compute its
// windows exactly, from the bug as the search returns it `now` and as cached (`before`; null when
// the bug is new to the cache). True when:
// - it was resolved and the server does not date it (no cf_last_resolved) and the cache does not
//   already know it resolved;
// - a needinfo the cache knew as open is gone: who cleared it decides answered or withdrawn;
// - new to the cache with a "Next update" marker (a valid or malformed date: either may replace
//   an earlier date), or, while open, a "[close on D]" marker; cached, when the Next update date,
//   its malformed marker or (while open) the close marker changed;
// - it is open and was resolved before: the status went from resolved to open since the cached
//   copy, cf_last_resolved moved, or (new to the cache) the status is REOPENED or the bug carries
//   a cf_last_resolved although open.
// False otherwise: a bug whose whiteboard never held a date and that was never reopened costs no
// history read. Pure.
bool needs_history(const Bug& now, const BugRecord* before);

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
