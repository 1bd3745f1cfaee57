// The update cadence (docs/rules.md#update, docs/rules.md#revocation-delay, docs/rules.md#closure)
// as one pass over the bug's comments, merged with the moments that suspend or resume it: closure
// requests, resolutions and reopenings. How each choice reads the IRG is written next to the
// clause in sync/obligations.h; in short:
// - A window opens at the bug's creation when the CA has not posted by then, at every CA comment
//   and at a reopening; the next CA comment satisfies it.
// - The deadline follows the whiteboard as it stood at each moment of the window (deadline_in):
//   each value in turn sets one ("Next update D" = D+1 00:00Z when the window started before day
//   D and D was written before it ended, else start + update_days; revocation delay: the earlier
//   of start + revocation_must_days and that date), and the first one to pass while in force is
//   the window's deadline, so a later change never turns a miss into a met window.
// - A closure request (a CA comment with the closure summary plus a needinfo on the closure account
//   at or after that comment minus k_closure_slack, or a "[close on D]" whiteboard marker
//   appearing) ends the open window ("closure requested") and suspends the cadence. The next
//   comment from someone who is neither the CA nor ignored resumes it with a window starting at
//   that comment, unless a "[close on D]" marker is on the whiteboard then (the moderator's final
//   call is not a new question). CA comments while suspended start nothing.
// - A resolution ends the open window ("bug resolved (X)"); a reopening starts a window of its own
//   (key bzu-<bug>-r<epoch seconds>), owed even when nobody comments.
#include <algorithm>

#include "sync/obligation_context.h"
#include "sync/whiteboard.h"

namespace bzjira::sync {

namespace {

enum class Cadence { running, closure_wait, resolved };

// Ranks order events in the same second: a reopening comes before that second's comments, a
// closure request and a resolution after them (a CA reply at that second still counts).
enum class BoundaryType { reopen = 0, closure = 2, resolution = 3 };
constexpr int k_comment_rank = 1;

struct Boundary {
  Instant when{};
  BoundaryType type = BoundaryType::closure;
  std::string reason;  // closure, resolution: why the window ended; reopen: who reopened
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
    if (is_open_needinfo(flag) && to_lower_ascii(flag.requestee) == account &&
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
    // A summary only counts with a closure request after it: without one, no text is scanned.
    if (needinfos.empty() || c.time - k_closure_slack > needinfos.back() ||
        !is_closure_summary(c)) {
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
      out.push_back(Boundary{*period.end, BoundaryType::reopen, period.reopened_by});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Boundary& a, const Boundary& b) {
    return a.when != b.when ? a.when < b.when : a.type < b.type;
  });
  return out;
}

// The deadline one whiteboard value sets for an update window.
struct UpdateDue {
  Instant deadline{};
  std::optional<Date> next_update;  // when the deadline is that date's end
  int days = 0;                     // else: the N of "within N days"
  bool revocation = false;
  std::optional<Instant> past_at_change;  // the deadline is this change: it found it passed
};

UpdateDue due_under(const ObligationContext& ctx, const Obligation& o,
                    const WhiteboardState& state) {
  const PolicySettings& p = ctx.policy;
  std::optional<Instant> date_end;
  if (const std::optional<Date>& date = state.info.next_update) {
    const Instant end = start_of_utc_day(*date) + Days{1};
    // Owed only by a window that started before day D (an update posted on D satisfies D), when
    // written before D ended (a date already past is no date), and, after a reopening, only when
    // written since (a date from before the resolution belonged to the closed report).
    if (utc_date(o.start) < *date && state.date_written < end &&
        (!o.start_reopened || state.date_written >= o.start)) {
      date_end = end;
    }
  }
  UpdateDue due;
  due.revocation = state.info.revocation_delay;
  const Instant cadence = o.start + Days{due.revocation ? p.revocation_must_days : p.update_days};
  if (date_end && (!due.revocation || *date_end < cadence)) {
    due.deadline = *date_end;
    due.next_update = state.info.next_update;
  } else {
    due.deadline = cadence;
    due.days = due.revocation ? p.revocation_must_days : p.update_days;
  }
  return due;
}

// The whiteboard as it stood at each moment from the window's start to `closing`: each value sets
// a deadline while it is in force (one that has already passed when the value appears is due at
// that moment); the first deadline to pass while in force is the window's, so no later change
// undoes a miss. Without a miss, the deadline in force at `closing` (a change at that very second
// included).
UpdateDue deadline_in(const ObligationContext& ctx, const Obligation& o, Instant closing) {
  const std::vector<WhiteboardState>& states = ctx.whiteboard.states();
  std::size_t i = ctx.whiteboard.index_at(o.start);
  Instant from = o.start;
  while (true) {
    UpdateDue due = due_under(ctx, o, states[i]);
    if (due.deadline < from) {
      due.deadline = from;
      due.past_at_change = from;
    }
    if (i + 1 == states.size() || states[i + 1].from > closing ||
        due.deadline < states[i + 1].from) {
      return due;
    }
    from = states[++i].from;
  }
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

  // docs/rules.md#update read for a reopened report (docs/rules.md#resolution-and-reopening): it
  // is open again, so it owes updates again, counted from the reopening (the CA may not even have
  // noticed it).
  void open_at_reopening(Instant when, const std::string& who) {
    const BugId bug = m_ctx.record.bug.id;
    m_window = new_window(
        ObligationKind::update,
        "bzu-" + std::to_string(bug) + "-r" + std::to_string(when.time_since_epoch().count()), bug,
        when, {});
    m_window->start_reopened = true;
    m_window->start_author = who;
  }

  void satisfy(const Comment& c) {
    // A CA comment in the very second of the reopening: its own window follows, nothing to owe.
    if (m_window && m_window->start_reopened && m_window->start == c.time) {
      m_window.reset();
      return;
    }
    finish(satisfaction_from(c), std::nullopt, {});
  }

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
    const UpdateDue due = deadline_in(m_ctx, o, closing);
    const PolicySettings& p = m_ctx.policy;
    o.deadline = due.deadline;
    o.deadline_from_next_update = due.next_update.has_value();
    o.next_update = due.next_update;
    o.days = due.days;
    if (due.revocation) {
      o.should_by = o.start + Days{p.revocation_should_days};
      o.rule = m_ctx.rule_prefix + ": revocation-delay reports SHOULD be updated every " +
               std::to_string(p.revocation_should_days) + " days and MUST be updated every " +
               std::to_string(p.revocation_must_days) + " days" +
               (due.next_update ? " (sooner: the Next update date)" : "");
    } else if (due.next_update) {
      o.rule = m_ctx.rule_prefix + ": update open reports on or before the Next update date " +
               format_date(*due.next_update);
    } else {
      o.rule = m_ctx.rule_prefix + ": update open reports within " + std::to_string(p.update_days) +
               " days";
    }
    if (due.past_at_change) {
      o.rule += " (in force from the whiteboard change at " + format_rfc3339(*due.past_at_change) +
                ", when that deadline had passed)";
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
        builder.open_at_reopening(bound.when, bound.reason);
        state = Cadence::running;
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
            !ctx.whiteboard
                 .states()[ctx.whiteboard.index_at(std::min(c.time + k_closure_slack, ctx.now))]
                 .info.close_on) {
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
