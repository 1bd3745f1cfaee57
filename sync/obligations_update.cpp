// The update cadence (IRG 3.2 clauses 2, 3 and 5) as one pass over the bug's comments, merged with
// the moments that suspend or resume it: closure requests, resolutions and reopenings.
//
// Choices (shared/RULES.md leaves them open):
// - A window opens at the bug's creation when the CA has not posted by then, and at every CA
// comment;
//   the next CA comment satisfies it.
// - The deadline is read from the whiteboard in effect when the window closes (or now, while open):
//   "Next update D" means D+1 00:00Z when that is after the window's start, else start +
//   update_days. Revocation-delay bugs: the earlier of start + revocation_must_days and that Next
//   update instant, with start + revocation_should_days as the SHOULD date.
// - A closure request (a CA comment with the closure summary plus a needinfo on the closure account
//   at or after that comment minus k_closure_slack, or a "[close on D]" whiteboard marker
//   appearing) ends the open window ("closure requested") and suspends the cadence. The next
//   comment from someone who is neither the CA nor ignored resumes it with a window starting at
//   that comment, unless a "[close on D]" marker is on the whiteboard then (the moderator's final
//   call is not a new question). CA comments while suspended start nothing.
// - A resolution ends the open window ("bug resolved (X)"); after a reopening the next comment from
//   anyone but an ignored account restarts the cadence.
#include <algorithm>

#include "sync/obligation_context.h"
#include "sync/whiteboard.h"

namespace bzjira::sync {

namespace {

enum class Cadence { running, closure_wait, resolved, reopen_wait };

// Ranks order events in the same second: a reopening comes before that second's comments, a
// closure request and a resolution after them (a CA reply at that second still counts).
enum class BoundaryType { reopen = 0, closure = 2, resolution = 3 };
constexpr int k_comment_rank = 1;

struct Boundary {
  Instant when{};
  BoundaryType type = BoundaryType::closure;
  std::string reason;
};

bool is_closure_summary(const Comment& c) {
  return contains_ci(c.text, "report closure summary") ||
         contains_ci(c.text, "incident closure summary");
}

// When needinfo was requested from the closure account (current flags and history), sorted.
std::vector<Instant> closure_needinfo_times(const ObligationContext& ctx) {
  std::vector<Instant> out;
  const std::string account = to_lower_ascii(ctx.policy.closure_account);
  if (account.empty()) {
    return out;
  }
  for (const Flag& flag : ctx.record.bug.flags) {
    if (to_lower_ascii(flag.name) == "needinfo" && to_lower_ascii(flag.requestee) == account &&
        flag.creation_date <= ctx.now) {
      out.push_back(flag.creation_date);
    }
  }
  for (const NeedinfoEvent& event : needinfo_events(ctx.history)) {
    if (event.set && to_lower_ascii(event.requestee) == account) {
      out.push_back(event.when);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Boundary> boundaries(const ObligationContext& ctx) {
  std::vector<Boundary> out;
  const auto needinfos = closure_needinfo_times(ctx);
  for (std::size_t index : ctx.ca_indexes) {
    const Comment& c = *ctx.comments[index];
    if (!is_closure_summary(c)) {
      continue;
    }
    const auto it = std::lower_bound(needinfos.begin(), needinfos.end(), c.time - k_closure_slack);
    if (it != needinfos.end()) {
      out.push_back(Boundary{std::max(c.time, *it), BoundaryType::closure, "closure requested"});
    }
  }
  // A marker whose appearance the history does not show is taken as set after the last comment.
  const Instant fallback =
      ctx.comments.empty() ? ctx.record.bug.creation_time : ctx.comments.back()->time;
  for (Instant when : ctx.whiteboard.close_marker_added(ctx.now, fallback)) {
    out.push_back(Boundary{when, BoundaryType::closure, "closure requested"});
  }
  for (const ResolvedPeriod& period : ctx.resolutions.periods()) {
    out.push_back(Boundary{period.start, BoundaryType::resolution, period.reason});
    if (period.end) {
      out.push_back(Boundary{*period.end, BoundaryType::reopen, {}});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Boundary& a, const Boundary& b) {
    return a.when != b.when ? a.when < b.when : a.type < b.type;
  });
  return out;
}

class CadenceBuilder {
 public:
  CadenceBuilder(const ObligationContext& ctx, std::vector<Obligation>& out)
      : m_ctx(ctx), m_out(out) {}

  void open_at_creation() {
    const Bug& bug = m_ctx.record.bug;
    m_window = new_window(ObligationKind::update, "bzu-" + std::to_string(bug.id) + "-0", bug.id,
                          bug.creation_time, {});
    m_window->start_author = bug.creator;
  }

  void open_at(const Comment& c) {
    const BugId bug = m_ctx.record.bug.id;
    m_window =
        new_window(ObligationKind::update,
                   "bzu-" + std::to_string(bug) + "-" + std::to_string(c.id), bug, c.time, {});
    set_start_comment(*m_window, c);
  }

  void satisfy(const Comment& c) { finish(satisfaction_from(c), std::nullopt, {}); }

  // Ends the open window at `at`. A closure request right after the window opened (the window the
  // closure comment itself started) leaves nothing worth reporting, so that window is dropped.
  void end(Instant at, const std::string& reason, bool drop_if_just_opened) {
    if (!m_window) {
      return;
    }
    if (drop_if_just_opened && m_window->start + k_closure_slack >= at) {
      m_window.reset();
      return;
    }
    finish(std::nullopt, at, reason);
  }

  void finish_open() { finish(std::nullopt, std::nullopt, {}); }

 private:
  void finish(const std::optional<Satisfaction>& sat, std::optional<Instant> end,
              const std::string& reason) {
    if (!m_window) {
      return;
    }
    Obligation& o = *m_window;
    const Instant closing = closing_instant(sat, end).value_or(m_ctx.now);
    const WhiteboardInfo wb = parse_whiteboard(m_ctx.whiteboard.at(closing));
    std::optional<Instant> next_update;
    if (wb.next_update) {
      const Instant end_of_day = start_of_utc_day(*wb.next_update) + Days{1};
      if (end_of_day > o.start) {
        next_update = end_of_day;
      }
    }
    const PolicySettings& p = m_ctx.policy;
    if (wb.revocation_delay) {
      const Instant must = o.start + Days{p.revocation_must_days};
      o.should_by = o.start + Days{p.revocation_should_days};
      o.deadline_from_next_update = next_update && *next_update < must;
      o.deadline = o.deadline_from_next_update ? *next_update : must;
      o.days = o.deadline_from_next_update ? 0 : p.revocation_must_days;
      if (o.deadline_from_next_update) {
        o.next_update = wb.next_update;
      }
      o.rule = m_ctx.rule_prefix + ": revocation-delay reports SHOULD be updated every " +
               std::to_string(p.revocation_should_days) + " days and MUST be updated every " +
               std::to_string(p.revocation_must_days) + " days" +
               (o.deadline_from_next_update ? " (sooner: the Next update date)" : "");
    } else if (next_update) {
      o.deadline_from_next_update = true;
      o.deadline = *next_update;
      o.next_update = wb.next_update;
      o.rule = m_ctx.rule_prefix + ": update open reports on or before the Next update date " +
               format_date(*wb.next_update);
    } else {
      o.deadline = o.start + Days{p.update_days};
      o.days = p.update_days;
      o.rule = m_ctx.rule_prefix + ": update open reports within " + std::to_string(p.update_days) +
               " days";
    }
    settle(o, sat, end, reason, m_ctx.now);
    m_out.push_back(std::move(o));
    m_window.reset();
  }

  const ObligationContext& m_ctx;
  std::vector<Obligation>& m_out;
  std::optional<Obligation> m_window;
};

}  // namespace

void add_update_windows(const ObligationContext& ctx, std::vector<Obligation>& out) {
  CadenceBuilder builder(ctx, out);
  Cadence state = Cadence::running;
  const Instant created = ctx.record.bug.creation_time;
  if (ctx.ca_indexes.empty() || ctx.comments[ctx.ca_indexes.front()]->time > created) {
    builder.open_at_creation();
  }

  const std::vector<Boundary> bounds = boundaries(ctx);
  std::size_t b = 0;
  const auto apply = [&](const Boundary& bound) {
    switch (bound.type) {
      case BoundaryType::closure:
        if (state == Cadence::running) {
          builder.end(bound.when, bound.reason, true);
        }
        if (state != Cadence::resolved) {
          state = Cadence::closure_wait;
        }
        break;
      case BoundaryType::resolution:
        builder.end(bound.when, bound.reason, false);
        state = Cadence::resolved;
        break;
      case BoundaryType::reopen:
        state = Cadence::reopen_wait;
        break;
    }
  };

  for (std::size_t i = 0; i < ctx.comments.size(); ++i) {
    const Comment& c = *ctx.comments[i];
    while (b < bounds.size() &&
           (bounds[b].when < c.time ||
            (bounds[b].when == c.time && static_cast<int>(bounds[b].type) < k_comment_rank))) {
      apply(bounds[b++]);
    }
    const Role role = ctx.roles[i];
    // Only a comment in the very second of a resolution gets here while the bug is resolved: it
    // may still satisfy, but it opens nothing.
    const bool can_open = !ctx.resolutions.resolved_at(c.time);
    if (role == Role::ignored) {
      continue;
    }
    switch (state) {
      case Cadence::running:
        if (role == Role::ca) {
          builder.satisfy(c);
          if (can_open) {
            builder.open_at(c);
          }
        }
        break;
      case Cadence::closure_wait:
        if (role == Role::other && can_open &&
            !parse_whiteboard(ctx.whiteboard.at(std::min(c.time + k_closure_slack, ctx.now)))
                 .close_on) {
          builder.open_at(c);
          state = Cadence::running;
        }
        break;
      case Cadence::reopen_wait:
        if (can_open) {
          builder.open_at(c);
          state = Cadence::running;
        }
        break;
      case Cadence::resolved:
        break;
    }
  }
  while (b < bounds.size()) {
    apply(bounds[b++]);
  }
  builder.finish_open();
}

}  // namespace bzjira::sync
