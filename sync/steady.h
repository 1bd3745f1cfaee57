// Steady runs (issue 14, point 1b): a run that finds nothing new plans nothing, without loading,
// deriving or planning a single bug, so that its cost does not grow with the number of bugs.
//
// A run that evaluates every bug (derives or reuses each one's windows, plans over every mirrored
// issue) and ends with no error, no action and no note leaves a SteadyMark (sync/state.h): its
// fingerprint, its plan time, the counts of its report, and valid_until. A later run may use the
// mark instead of evaluating (RunReport::steady) when all of these hold:
// - the mark is in the store. The store drops it with every write of anything a plan reads (the
//   bug and derived caches, the mirror map and issue states, replies, trail marks, meta values;
//   StateStore::steady_mark), so a run that changed the state, even one that died halfway, leaves
//   no mark behind;
// - its fingerprint is this run's: the engine (k_engine_version), the plan (k_plan_version), the
//   build, and every mapping setting a run reads but the HTTP ones and the secrets' names;
// - replies are off (a run with replies on always evaluates);
// - evaluated_at <= plan time < valid_until;
// - the Bugzilla search was incremental and found no bug to read again or to remove (a full
//   search, the daily one, reads every bug again and evaluates);
// - the Jira search was incremental and every issue it returned equals its stored state in every
//   field (an issue edited, moved or transitioned in Jira, or one bzjira wrote since, differs).
// Then the plan's inputs are those of the mark's evaluation, but for time. A derivation is stored
// for reuse only once every fact of its bug is settled (sync/derived_cache.h); with them, the
// windows are the same at any later time but for the settling of open ones (open -> overdue, how
// late), and whether the plan wants an action reads no more of that than is_open(): the plan is
// empty again. The counts move only when a deadline not yet passed passes. valid_until is the
// earliest of: that deadline (the report's next deadline), the time from which the bugs whose
// facts were not yet settled are (those are derived again on each run until then), and a day
// after evaluated_at (a bound on what anything this list forgot could cost).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/mapping.h"
#include "sync/ports.h"
#include "sync/state.h"
#include "sync/time.h"

namespace bzjira::sync {

// Raise when make_plan() can give a different answer for the same inputs: every stored steady mark
// is then ignored once.
inline constexpr int k_plan_version = 1;

// The longest a steady mark is used for (see above).
inline constexpr Seconds k_steady_longest{86400};

// Engine and plan versions, `build` (the program's version) and a digest (FNV-1a) of every mapping
// setting but the HTTP ones and the names of the secrets' variables, plus `search_grace`
// (PlanContext). Add a field here when a run starts reading a new mapping setting.
std::string steady_fingerprint(const Mapping& mapping, Seconds search_grace,
                               const std::string& build);

// Whether `mark` may stand for an evaluation at `plan_now` (its fingerprint, its time range,
// replies off); the searches' part is the run's (above).
bool steady_usable(const std::optional<SteadyMark>& mark, const std::string& fingerprint,
                   Instant plan_now, bool replies_enabled);

// Whether every issue in `fresh` has a state in `stored` equal to it in every field.
bool same_states(const std::vector<MirroredIssue>& stored, const std::vector<MirroredIssue>& fresh);

// valid_until of a mark made at `plan_now`: the earliest of `next_deadline`, `unsettled` (from
// when the bugs with unsettled facts are settled) and plan_now + k_steady_longest.
Instant steady_until(Instant plan_now, std::optional<Instant> next_deadline,
                     std::optional<Instant> unsettled);

}  // namespace bzjira::sync
