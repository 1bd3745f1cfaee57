// The facts about one bug that every obligation kind needs, computed once per bug by
// obligation_windows() (sync/obligations.cpp): comments in order with who wrote them, the next CA
// comment after each, the resolved periods and the whiteboard over time. Internal to the core.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sync/bug_history.h"
#include "sync/mapping.h"
#include "sync/model.h"
#include "sync/obligations.h"
#include "sync/time.h"

namespace bzjira::sync {

// Lets a needinfo requested up to this long before a closure comment still count as its request,
// and drops an update window that a closure request voids this soon after it opened.
inline constexpr Seconds k_closure_slack{5 * 60};

struct ObligationContext {
  const BugRecord& record;
  const PolicySettings& policy;
  Instant now;
  std::vector<const Comment*> comments;      // at or before now, by (time, id), duplicates removed
  std::vector<Role> roles;                   // parallel to comments
  std::vector<std::size_t> next_ca;          // index of the first CA comment after i; npos if none
  std::vector<std::size_t> ca_indexes;       // indexes of CA comments, in order
  std::vector<const HistoryEntry*> history;  // at or before now, oldest first
  ResolutionTimeline resolutions;
  WhiteboardTimeline whiteboard;
  std::string rule_prefix;       // "IRG 3.2"
  const AccountRoles& accounts;  // the mapping's CA and ignored accounts

  ObligationContext(const BugRecord& bug_record, const PolicySettings& policy_settings,
                    const AccountRoles& account_roles, Instant at);

  // The first CA comment created strictly after `t`; nullptr when none.
  const Comment* first_ca_after(Instant t) const;
  // Who `login` speaks for (any case); ignored wins over CA.
  Role role_of(std::string_view login) const { return accounts.role_of(login); }
};

// How a window was satisfied: a CA comment or the needinfo flag being cleared.
struct Satisfaction {
  Instant at{};
  std::string by;
  std::optional<CommentId> comment_id;
  std::optional<int> comment_count;
};

Satisfaction satisfaction_from(const Comment& comment);

// A window with its identity, kind, start and rule set; nothing else yet.
Obligation new_window(ObligationKind kind, std::string key, BugId bug, Instant start,
                      std::string rule);

// Copies the starting comment's identity, author, privacy and text into the window.
void set_start_comment(Obligation& window, const Comment& comment);

// When the window stops counting: satisfied first (a satisfaction at exactly `end` still counts),
// else `end`, else nullopt (still open).
std::optional<Instant> closing_instant(const std::optional<Satisfaction>& sat,
                                       std::optional<Instant> end);

// Fills status, the satisfied_* or ended_* fields and late_seconds from the window's deadline.
void settle(Obligation& window, const std::optional<Satisfaction>& sat, std::optional<Instant> end,
            const std::string& end_reason, Instant now);

// Settles a window that only a CA comment (or a cleared flag) and the bug's resolution can end.
void settle_until_resolved(const ObligationContext& ctx, Obligation& window,
                           const std::optional<Satisfaction>& sat);

// "1 day", "7 days".
std::string days_text(int days);

// The update (cadence) windows: docs/rules.md#update, docs/rules.md#revocation-delay,
// docs/rules.md#closure (sync/obligations_update.cpp).
void add_update_windows(const ObligationContext& ctx, std::vector<Obligation>& out);

// The full report window, docs/rules.md#full-report (sync/obligations_report.cpp); only with
// policy.full_report.
void add_full_report_window(const ObligationContext& ctx, std::vector<Obligation>& out);

}  // namespace bzjira::sync
