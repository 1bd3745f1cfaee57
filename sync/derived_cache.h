// The derived cache (issue 14): what the obligation engine derived from each bug, kept in the state
// so that a sync with nothing changed re-derives nothing. A bug is re-derived only when its data
// changed this run, when the engine or the mapping's inputs to it changed (the fingerprint), or
// while its newest fact is too recent to be settled; otherwise its stored windows are reused and
// only their time-dependent part (open -> overdue, how late) is recomputed for `now`. Ended
// windows drop their start_text (the plan quotes only open ones), stored and in memory alike.
//
// Why reuse is exact: obligation_windows() reads `now` only to leave out facts after it, to look
// at most k_closure_slack past a comment (a closure marker just after it), and to settle
// still-open windows (settle(): open or overdue, late_seconds = now - deadline). A bug whose dated
// facts (filing, last change, resolution, flags, history) lie at or before the `now` of its
// derivation, and its comments at least k_closure_slack before it, yields at any later `now` the
// same windows with only the open ones settled again. Pure: no clock, no I/O (the store is a port).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sync/mapping.h"
#include "sync/model.h"
#include "sync/obligations.h"
#include "sync/plan.h"
#include "sync/ports.h"
#include "sync/state.h"

namespace bzjira::sync {

// Raise when obligation_windows() can give a different answer for the same data (a rule reading
// changed): every stored derivation is then redone once.
inline constexpr int k_engine_version = 1;

// Engine version plus a digest (FNV-1a, sync/encoding.h) of every mapping input of
// obligation_windows() (policy, CA and ignored accounts), e.g. "engine 1 3f2a9c0d1e4b5a67". Add a
// field here when obligation_windows() starts reading it.
std::string derivation_fingerprint(const Mapping& mapping);

// From when a derivation of `record` may be reused: its newest dated fact (filing, last change,
// resolution, flags, history), or its newest comment plus k_closure_slack if later.
Instant settled_from(const BugRecord& record);

// Windows as a byte string for DerivedBug, and back. decode_windows() gives nullopt on anything
// it did not write (a damaged row is then derived again, never trusted).
std::string encode_windows(const std::vector<Obligation>& windows);
std::optional<std::vector<Obligation>> decode_windows(const std::string& bytes);

// How many complete records derive() loads from the store at a time.
inline constexpr std::size_t k_derive_chunk = 256;

// Settles an open window again at `now` (settle()'s last branch); ended windows are left as they
// are.
void resettle(Obligation& window, Instant now);

// Step 5 of a run, with the cache. `records` holds every cached bug; those in `reread` were read
// from Bugzilla this run and carry their comments and history, the others may carry only the bug
// and its flags (StateStore::load_bug_heads). Bugs out of the mapping's scope are skipped.
class DerivedWindows {
 public:
  DerivedWindows(StateStore& store, const Mapping& mapping, Instant now)
      : m_store(store),
        m_mapping(mapping),
        m_now(now),
        m_accounts(mapping.bugzilla.ca_accounts, mapping.bugzilla.ignored_accounts),
        m_fingerprint(derivation_fingerprint(mapping)) {}

  // Derives a bug whose complete record is at hand now (a batch just read from Bugzilla), so the
  // record need not be kept: derive() uses the result. Bugs out of scope are ignored.
  void derive_now(const BugRecord& record);

  // The obligations of every bug in scope, by bug id; writes the derivations it made (a dry run's
  // store keeps none). Bugs neither derived by derive_now() nor reusable are loaded from the store
  // a chunk at a time, so memory follows the chunk. Errors come from the store.
  Result<std::vector<BugObligations>> derive(const std::map<BugId, BugRecord>& records,
                                             const std::set<BugId>& reread);

  // The plan closes an issue whose obligation ended; ended windows of reused derivations are loaded
  // only for bugs with an issue not done whose labels name a key that is not an open window.
  Status add_ended(std::vector<BugObligations>& bugs, const std::vector<MirroredIssue>& mirrored);

  // The earliest settled_from() after `now` of the bugs derived so far: until then, time alone
  // may change their windows (they are derived again on each run). nullopt when every one was
  // settled.
  std::optional<Instant> unsettled() const { return m_unsettled; }

  int derived() const { return m_derived; }
  int reused() const { return m_reused; }

 private:
  StateStore& m_store;
  const Mapping& m_mapping;
  Instant m_now;
  AccountRoles m_accounts;  // the mapping's, prepared once
  std::vector<Obligation> derive_one(const BugRecord& record);

  std::set<BugId> m_from_cache;  // bugs whose windows are the stored open ones only
  std::map<BugId, std::vector<Obligation>> m_ready;  // derive_now()'s results
  std::vector<DerivedBug> m_fresh;                   // derivations to store
  std::string m_fingerprint;
  std::optional<Instant> m_unsettled;
  int m_derived = 0;
  int m_reused = 0;
};

}  // namespace bzjira::sync
