#include "sync/obligations.h"

#include <algorithm>
#include <array>

#include "sync/bug_history.h"
#include "sync/obligation_context.h"

namespace bzjira::sync {

const char* to_string(ObligationKind kind) {
  switch (kind) {
    case ObligationKind::question:
      return "question";
    case ObligationKind::needinfo:
      return "needinfo";
    case ObligationKind::update:
      return "update";
    case ObligationKind::full_report:
      return "full_report";
  }
  return "question";
}

const char* to_string(WindowStatus status) {
  switch (status) {
    case WindowStatus::open:
      return "open";
    case WindowStatus::overdue:
      return "overdue";
    case WindowStatus::met:
      return "met";
    case WindowStatus::missed:
      return "missed";
    case WindowStatus::void_:
      return "void";
  }
  return "open";
}

bool account_in(const std::string& login, const std::vector<std::string>& accounts) {
  const std::string lower = to_lower_ascii(login);
  return std::any_of(accounts.begin(), accounts.end(),
                     [&](const std::string& a) { return to_lower_ascii(a) == lower; });
}

namespace {

constexpr std::size_t k_none = static_cast<std::size_t>(-1);
// A history entry and a current flag this close together are the same needinfo request.
constexpr Seconds k_flag_match{60};

std::string make_rule_prefix(const std::string& rules) {
  if (rules.size() > 4 && to_lower_ascii(rules.substr(0, 4)) == "irg-") {
    return "IRG " + rules.substr(4);
  }
  return rules;
}

}  // namespace

ObligationContext::ObligationContext(const BugRecord& bug_record,
                                     const PolicySettings& policy_settings,
                                     const AccountRoles& account_roles, Instant at)
    : record(bug_record),
      policy(policy_settings),
      now(at),
      history(sorted_history(bug_record.history, at)),
      resolutions(bug_record.bug, history, at),
      whiteboard(bug_record.bug, bug_record.history),
      rule_prefix(make_rule_prefix(policy_settings.rules)),
      accounts(account_roles) {
  for (const Comment& c : record.comments) {
    if (c.time <= now) {
      comments.push_back(&c);
    }
  }
  std::sort(comments.begin(), comments.end(), [](const Comment* a, const Comment* b) {
    return a->time != b->time ? a->time < b->time : a->id < b->id;
  });
  comments.erase(std::unique(comments.begin(), comments.end(),
                             [](const Comment* a, const Comment* b) { return a->id == b->id; }),
                 comments.end());
  roles.reserve(comments.size());
  for (const Comment* c : comments) {
    roles.push_back(role_of(c->creator));
  }
  next_ca.assign(comments.size(), k_none);
  std::size_t next = k_none;
  for (std::size_t i = comments.size(); i-- > 0;) {
    next_ca[i] = next;
    if (roles[i] == Role::ca) {
      next = i;
    }
  }
  for (std::size_t i = 0; i < comments.size(); ++i) {
    if (roles[i] == Role::ca) {
      ca_indexes.push_back(i);
    }
  }
}

const Comment* ObligationContext::first_ca_after(Instant t) const {
  const auto it =
      std::upper_bound(ca_indexes.begin(), ca_indexes.end(), t,
                       [&](Instant value, std::size_t i) { return value < comments[i]->time; });
  return it == ca_indexes.end() ? nullptr : comments[*it];
}

namespace {

std::vector<std::string> lowered_sorted(const std::vector<std::string>& accounts) {
  std::vector<std::string> out;
  out.reserve(accounts.size());
  for (const std::string& a : accounts) {
    out.push_back(to_lower_ascii(a));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

AccountRoles::AccountRoles(const std::vector<std::string>& ca_accounts,
                           const std::vector<std::string>& ignored_accounts)
    : m_ca(lowered_sorted(ca_accounts)), m_ignored(lowered_sorted(ignored_accounts)) {}

Role AccountRoles::role_of(std::string_view login) const {
  // Logins are e-mail addresses: a stack buffer holds the lower-cased one but for absurd lengths.
  std::array<char, 128> buffer{};
  std::string long_login;
  std::string_view lower;
  if (login.size() <= buffer.size()) {
    std::transform(login.begin(), login.end(), buffer.begin(), fold_ascii);
    lower = std::string_view(buffer.data(), login.size());
  } else {
    long_login = to_lower_ascii(login);
    lower = long_login;
  }
  const auto in = [&](const std::vector<std::string>& list) {
    return std::binary_search(list.begin(), list.end(), lower,
                              [](std::string_view a, std::string_view b) { return a < b; });
  };
  return in(m_ignored) ? Role::ignored : in(m_ca) ? Role::ca : Role::other;
}

Satisfaction satisfaction_from(const Comment& comment) {
  return Satisfaction{comment.time, comment.creator, comment.id, comment.count};
}

Obligation new_window(ObligationKind kind, std::string key, BugId bug, Instant start,
                      std::string rule) {
  Obligation o;
  o.key = std::move(key);
  o.kind = kind;
  o.bug_id = bug;
  o.start = start;
  o.rule = std::move(rule);
  return o;
}

void set_start_comment(Obligation& window, const Comment& comment) {
  window.start_comment_id = comment.id;
  window.start_comment_count = comment.count;
  window.start_author = comment.creator;
  window.start_comment_private = comment.is_private;
  window.start_text = comment.text;
}

std::optional<Instant> closing_instant(const std::optional<Satisfaction>& sat,
                                       std::optional<Instant> end) {
  if (sat && (!end || sat->at <= *end)) {
    return sat->at;
  }
  return end;
}

void settle(Obligation& window, const std::optional<Satisfaction>& sat, std::optional<Instant> end,
            const std::string& end_reason, Instant now) {
  if (sat && (!end || sat->at <= *end)) {
    window.satisfied_at = sat->at;
    window.satisfied_by = sat->by;
    window.satisfied_comment_id = sat->comment_id;
    window.satisfied_comment_count = sat->comment_count;
    // A deadline the CA meets to the second is met.
    window.status = sat->at <= window.deadline ? WindowStatus::met : WindowStatus::missed;
    window.late_seconds = sat->at - window.deadline;
  } else if (end) {
    window.ended_at = end;
    window.end_reason = end_reason;
    if (*end <= window.deadline) {
      window.status = WindowStatus::void_;
      window.late_seconds = Seconds{0};
    } else {
      window.status = WindowStatus::missed;
      window.late_seconds = *end - window.deadline;
    }
  } else {
    window.status = now > window.deadline ? WindowStatus::overdue : WindowStatus::open;
    window.late_seconds = now - window.deadline;
  }
}

void settle_until_resolved(const ObligationContext& ctx, Obligation& window,
                           const std::optional<Satisfaction>& sat) {
  const ResolvedPeriod* resolved = ctx.resolutions.first_after(window.start);
  settle(window, sat, resolved ? std::optional<Instant>(resolved->start) : std::nullopt,
         resolved ? resolved->reason : std::string(), ctx.now);
}

std::string days_text(int days) { return std::to_string(days) + (days == 1 ? " day" : " days"); }

namespace {

// docs/rules.md#question: every comment from someone who is not the CA.
void add_question_windows(const ObligationContext& ctx, std::vector<Obligation>& out) {
  const BugId bug = ctx.record.bug.id;
  const std::string rule =
      ctx.rule_prefix + ": respond to comments within " + days_text(ctx.policy.response_days);
  for (std::size_t i = 0; i < ctx.comments.size(); ++i) {
    const Comment& c = *ctx.comments[i];
    if (ctx.roles[i] != Role::other || ctx.resolutions.resolved_at(c.time)) {
      continue;
    }
    Obligation o =
        new_window(ObligationKind::question,
                   "bzq-" + std::to_string(bug) + "-" + std::to_string(c.id), bug, c.time, rule);
    set_start_comment(o, c);
    o.deadline = c.time + Days{ctx.policy.response_days};
    o.days = ctx.policy.response_days;
    std::optional<Satisfaction> sat;
    if (ctx.next_ca[i] != k_none) {
      sat = satisfaction_from(*ctx.comments[ctx.next_ca[i]]);
    }
    settle_until_resolved(ctx, o, sat);
    out.push_back(std::move(o));
  }
}

// How a needinfo request stopped waiting without a CA comment: its flag cleared.
struct Clearing {
  Instant at{};
  std::string who;
};

// A needinfo window: answered by the first CA comment after it, or by its clearing when the
// requestee cleared it first; cleared by anyone else (a moderator withdrawing the request, a bot)
// it ends unanswered ("withdrawn": void, or missed when its deadline had passed).
void push_needinfo(const ObligationContext& ctx, Obligation o, const std::string& requestee,
                   const std::optional<Clearing>& cleared, std::vector<Obligation>& out) {
  o.deadline = o.start + Days{ctx.policy.response_days};
  o.days = ctx.policy.response_days;
  std::optional<Satisfaction> sat;
  if (const Comment* reply = ctx.first_ca_after(o.start)) {
    sat = satisfaction_from(*reply);
  }
  const ResolvedPeriod* resolved = ctx.resolutions.first_after(o.start);
  std::optional<Instant> end = resolved ? std::optional<Instant>(resolved->start) : std::nullopt;
  std::string reason = resolved ? resolved->reason : std::string();
  if (cleared && (!sat || cleared->at < sat->at) && (!end || cleared->at <= *end)) {
    if (to_lower_ascii(cleared->who) == to_lower_ascii(requestee)) {
      sat = Satisfaction{cleared->at, cleared->who, std::nullopt, std::nullopt};
    } else {
      sat.reset();
      end = cleared->at;
      reason = "needinfo withdrawn: cleared by " + cleared->who;
    }
  }
  settle(o, sat, end, reason, ctx.now);
  out.push_back(std::move(o));
}

// Needinfo requests on CA accounts: current flags, then past ones from the history. A request made
// by an ignored account (a bot) starts nothing.
void add_needinfo_windows(const ObligationContext& ctx, std::vector<Obligation>& out) {
  const BugId bug = ctx.record.bug.id;
  const std::string rule = ctx.rule_prefix + ": respond to needinfo requests within " +
                           days_text(ctx.policy.response_days);
  const auto on_ca = [&](const std::string& requestee) {
    return ctx.role_of(requestee) == Role::ca;
  };
  std::vector<const Flag*> current;
  for (const Flag& flag : ctx.record.bug.flags) {
    if (is_open_needinfo(flag) && on_ca(flag.requestee) && flag.creation_date <= ctx.now) {
      current.push_back(&flag);
    }
  }
  std::vector<std::pair<Instant, std::string>> starts;  // every CA request: (second, requestee)
  starts.reserve(current.size());
  for (const Flag* flag : current) {
    starts.push_back({flag->creation_date, to_lower_ascii(flag->requestee)});
  }

  const auto events = needinfo_events(ctx.history);
  std::vector<bool> matched(current.size(), false);
  // Pass 1: which history requests are the current flags (same requestee, about the same second).
  std::vector<bool> event_is_current(events.size(), false);
  for (std::size_t e = 0; e < events.size(); ++e) {
    const NeedinfoEvent& set = events[e];
    if (!set.set || !on_ca(set.requestee)) {
      continue;
    }
    const std::string requestee = to_lower_ascii(set.requestee);
    for (std::size_t f = 0; f < current.size() && !event_is_current[e]; ++f) {
      const Seconds gap = current[f]->creation_date - set.when;
      if (!matched[f] && to_lower_ascii(current[f]->requestee) == requestee &&
          gap <= k_flag_match && gap >= -k_flag_match) {
        matched[f] = event_is_current[e] = true;
      }
    }
    if (!event_is_current[e]) {
      starts.push_back({set.when, requestee});
    }
  }
  // Keys name the second the request was made, never the flag id: a flag's creation_date is its
  // history entry's time, so a window keeps its key (and its Jira issue) when the flag is cleared
  // and the window is then known only from the history. Requests to several CA accounts in the
  // same second are numbered in requestee order (requests by ignored accounts included, so that
  // listing a bot does not renumber the others).
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  const auto key_for = [&](Instant when, const std::string& requestee) {
    const auto first =
        std::lower_bound(starts.begin(), starts.end(), std::make_pair(when, std::string()));
    const auto self =
        std::lower_bound(starts.begin(), starts.end(), std::make_pair(when, requestee));
    std::string key =
        "bzn-" + std::to_string(bug) + "-h" + std::to_string(when.time_since_epoch().count());
    if (self != first) {
      key += "-" + std::to_string(self - first + 1);
    }
    return key;
  };
  for (const Flag* flag : current) {
    if (ctx.resolutions.resolved_at(flag->creation_date) ||
        ctx.role_of(flag->setter) == Role::ignored) {
      continue;
    }
    Obligation o = new_window(ObligationKind::needinfo,
                              key_for(flag->creation_date, to_lower_ascii(flag->requestee)), bug,
                              flag->creation_date, rule);
    o.flag_id = flag->id;
    o.start_author = flag->setter;
    push_needinfo(ctx, std::move(o), flag->requestee, std::nullopt, out);
  }

  for (std::size_t e = 0; e < events.size(); ++e) {
    const NeedinfoEvent& set = events[e];
    if (!set.set || event_is_current[e] || !on_ca(set.requestee) ||
        ctx.role_of(set.who) == Role::ignored || ctx.resolutions.resolved_at(set.when)) {
      continue;
    }
    const std::string requestee = to_lower_ascii(set.requestee);
    // Its clearing: the next removal of the same request (events are few; a scan is fine).
    std::optional<Clearing> cleared;
    for (std::size_t k = e + 1; k < events.size() && !cleared; ++k) {
      if (!events[k].set && to_lower_ascii(events[k].requestee) == requestee) {
        cleared = Clearing{events[k].when, events[k].who};
      }
    }
    Obligation o =
        new_window(ObligationKind::needinfo, key_for(set.when, requestee), bug, set.when, rule);
    o.start_author = set.who;
    push_needinfo(ctx, std::move(o), set.requestee, cleared, out);
  }
}

}  // namespace

std::vector<Obligation> obligation_windows(const BugRecord& record, const PolicySettings& policy,
                                           const std::vector<std::string>& ca_accounts,
                                           const std::vector<std::string>& ignored_accounts,
                                           Instant now) {
  return obligation_windows(record, policy, AccountRoles(ca_accounts, ignored_accounts), now);
}

std::vector<Obligation> obligation_windows(const BugRecord& record, const PolicySettings& policy,
                                           const AccountRoles& accounts, Instant now) {
  std::vector<Obligation> out;
  if (record.bug.creation_time > now) {
    return out;
  }
  const ObligationContext ctx(record, policy, accounts, now);
  add_question_windows(ctx, out);
  add_needinfo_windows(ctx, out);
  add_update_windows(ctx, out);
  if (policy.full_report) {
    add_full_report_window(ctx, out);
  }
  // Windows are large: their order is found by pointer, then each is moved once.
  std::vector<Obligation*> order;
  order.reserve(out.size());
  for (Obligation& o : out) {
    order.push_back(&o);
  }
  std::sort(order.begin(), order.end(), [](const Obligation* a, const Obligation* b) {
    return a->start != b->start ? a->start < b->start : a->key < b->key;
  });
  std::vector<Obligation> sorted;
  sorted.reserve(out.size());
  for (Obligation* o : order) {
    sorted.push_back(std::move(*o));
  }
  return sorted;
}

std::vector<Obligation> open_obligations(const BugRecord& record, const PolicySettings& policy,
                                         const std::vector<std::string>& ca_accounts,
                                         const std::vector<std::string>& ignored_accounts,
                                         Instant now) {
  std::vector<Obligation> all =
      obligation_windows(record, policy, ca_accounts, ignored_accounts, now);
  std::vector<Obligation> open;
  for (Obligation& o : all) {
    if (o.is_open()) {
      open.push_back(std::move(o));
    }
  }
  std::sort(open.begin(), open.end(), [](const Obligation& a, const Obligation& b) {
    return a.deadline != b.deadline ? a.deadline < b.deadline : a.key < b.key;
  });
  return open;
}

}  // namespace bzjira::sync
