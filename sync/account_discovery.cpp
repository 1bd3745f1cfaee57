#include "sync/account_discovery.h"

#include <algorithm>
#include <map>
#include <set>

#include "sync/account_text.h"
#include "sync/bug_history.h"

namespace bzjira::sync {

bool is_for_ca(EvidenceKind kind) {
  switch (kind) {
    case EvidenceKind::incident_report:
    case EvidenceKind::named_by_person:
    case EvidenceKind::reporter:
    case EvidenceKind::status_update:
    case EvidenceKind::needinfo_answered:
    case EvidenceKind::signature:
      return true;
    case EvidenceKind::known_account:
    case EvidenceKind::excluded_by_person:
    case EvidenceKind::automated:
    case EvidenceKind::moderator:
    case EvidenceKind::addresses_the_ca:
    case EvidenceKind::asks_the_ca:
      break;
  }
  return false;
}

const char* describe(EvidenceKind kind) {
  switch (kind) {
    case EvidenceKind::incident_report:
      return "posted an incident report in the IRG template";
    case EvidenceKind::named_by_person:
      return "named as a CA account by the person running bzjira init";
    case EvidenceKind::reporter:
      return "filed the bug";
    case EvidenceKind::status_update:
      return "posted a status update";
    case EvidenceKind::needinfo_answered:
      return "was asked by needinfo and a CA account answered";
    case EvidenceKind::signature:
      return "signed a comment with the CA's name";
    case EvidenceKind::known_account:
      return "a known account that is not the CA";
    case EvidenceKind::excluded_by_person:
      return "named as not the CA by the person running bzjira init";
    case EvidenceKind::automated:
      return "every comment says it is automated";
    case EvidenceKind::moderator:
      return "acted as a moderator or root store operator";
    case EvidenceKind::addresses_the_ca:
      return "addressed the CA by name";
    case EvidenceKind::asks_the_ca:
      return "asked a CA account by needinfo";
  }
  return "";
}

const char* to_string(AccountClass c) {
  switch (c) {
    case AccountClass::ca:
      return "ca";
    case AccountClass::uncertain:
      return "uncertain";
    case AccountClass::not_ca:
      return "not_ca";
    case AccountClass::unknown:
      return "unknown";
  }
  return "unknown";
}

namespace {

constexpr std::size_t k_max_quoted = 70;
// A needinfo is cleared by its own request, sometimes a moment after the answering comment.
constexpr Seconds k_clear_slack{60};
constexpr int k_no_comment = 1 << 30;

struct Seen {
  AccountReport report;
  std::set<BugId> bugs;
  int automated_comments = 0;
};

class Ledger {
 public:
  Seen& touch(const std::string& login, BugId bug, Instant when) {
    const std::string key = to_lower_ascii(login);
    auto [it, fresh] = m_accounts.try_emplace(key);
    Seen& s = it->second;
    if (fresh) {
      s.report.login = login;
    }
    s.bugs.insert(bug);
    if (!s.report.first_seen || when < *s.report.first_seen) {
      s.report.first_seen = when;
    }
    if (!s.report.last_seen || when > *s.report.last_seen) {
      s.report.last_seen = when;
    }
    return s;
  }
  Seen* find(const std::string& login) {
    const auto it = m_accounts.find(to_lower_ascii(login));
    return it == m_accounts.end() ? nullptr : &it->second;
  }
  std::map<std::string, Seen>& all() { return m_accounts; }

 private:
  std::map<std::string, Seen> m_accounts;  // by lower-case login
};

void add(Seen& s, EvidenceKind kind, BugId bug, std::optional<int> comment, std::string detail) {
  s.report.evidence.push_back(Evidence{kind, bug, comment, std::move(detail)});
}

std::string in_quotes(const std::string& text) {
  std::string t = text.size() > k_max_quoted ? text.substr(0, k_max_quoted) + "..." : text;
  return "\"" + t + "\"";
}

bool resolved(const std::string& status) { return is_resolved_status(status); }

void read_comments(const BugRecord& record, const std::string& ca_name, Ledger& ledger) {
  std::vector<const Comment*> comments;
  for (const Comment& c : record.comments) {
    comments.push_back(&c);
  }
  std::sort(comments.begin(), comments.end(), [](const Comment* a, const Comment* b) {
    return a->time != b->time ? a->time < b->time : a->id < b->id;
  });
  for (const Comment* c : comments) {
    if (c->creator.empty()) {
      continue;
    }
    Seen& s = ledger.touch(c->creator, record.bug.id, c->time);
    s.report.comments += 1;
    const BugId bug = record.bug.id;
    if (is_incident_report(c->text)) {
      add(s, EvidenceKind::incident_report, bug, c->count, "");
    } else if (is_status_update(c->text)) {
      add(s, EvidenceKind::status_update, bug, c->count, "");
    }
    if (signed_with(c->text, ca_name)) {
      add(s, EvidenceKind::signature, bug, c->count, "");
    }
    if (addresses(c->text, ca_name)) {
      add(s, EvidenceKind::addresses_the_ca, bug, c->count, "");
    }
    if (says_automated(c->text)) {
      s.automated_comments += 1;
    }
  }
}

void read_bug(const BugRecord& record, const std::string& ca_name, Ledger& ledger) {
  const Bug& bug = record.bug;
  if (!bug.creator.empty()) {
    Seen& s = ledger.touch(bug.creator, bug.id, bug.creation_time);
    add(s, EvidenceKind::reporter, bug.id, std::nullopt, "");
  }
  read_comments(record, ca_name, ledger);
  for (const Flag& f : bug.flags) {
    if (!f.setter.empty()) {
      ledger.touch(f.setter, bug.id, f.creation_date);
    }
    if (!f.requestee.empty()) {
      ledger.touch(f.requestee, bug.id, f.creation_date);
    }
  }
  for (const HistoryEntry& h : record.history) {
    if (h.who.empty()) {
      continue;
    }
    Seen& s = ledger.touch(h.who, bug.id, h.when);
    for (const FieldChange& c : h.changes) {
      if (c.field_name == "whiteboard" || c.field_name == "status_whiteboard") {
        add(s, EvidenceKind::moderator, bug.id, std::nullopt,
            "set the whiteboard to " + in_quotes(c.added));
      } else if ((c.field_name == "status" && resolved(c.added)) ||
                 (c.field_name == "resolution" && !c.added.empty())) {
        add(s, EvidenceKind::moderator, bug.id, std::nullopt, "resolved the bug (" + c.added + ")");
      }
    }
  }
  for (const NeedinfoEvent& e : needinfo_events(sorted_history(record.history, Instant::max()))) {
    if (!e.requestee.empty()) {
      ledger.touch(e.requestee, bug.id, e.when);
    }
  }
}

bool has(const AccountReport& r, EvidenceKind kind) {
  return std::any_of(r.evidence.begin(), r.evidence.end(),
                     [kind](const Evidence& e) { return e.kind == kind; });
}

const KnownAccount* known_entry(const DiscoveryInput& in, const std::string& login) {
  const std::string lower = to_lower_ascii(login);
  for (const KnownAccount& k : in.known) {
    if (to_lower_ascii(k.login) == lower) {
      return &k;
    }
  }
  return nullptr;
}

bool named(const std::vector<std::string>& list, const std::string& login) {
  const std::string lower = to_lower_ascii(login);
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& l) { return to_lower_ascii(l) == lower; });
}

// The verdict from the evidence gathered so far (see the header's rules).
AccountClass judge(const DiscoveryInput& in, const AccountReport& r) {
  if (named(in.named_not_ca, r.login)) {
    return AccountClass::not_ca;
  }
  if (named(in.named_ca, r.login)) {
    return AccountClass::ca;
  }
  if (known_entry(in, r.login) != nullptr) {
    return AccountClass::not_ca;
  }
  const bool for_ca = std::any_of(r.evidence.begin(), r.evidence.end(),
                                  [](const Evidence& e) { return is_for_ca(e.kind); });
  const bool against = std::any_of(r.evidence.begin(), r.evidence.end(),
                                   [](const Evidence& e) { return !is_for_ca(e.kind); });
  if (for_ca && against) {
    return AccountClass::uncertain;
  }
  if (has(r, EvidenceKind::incident_report)) {
    return AccountClass::ca;
  }
  if (for_ca) {
    return AccountClass::uncertain;
  }
  return against ? AccountClass::not_ca : AccountClass::unknown;
}

// The first comment by an account in `ca` at or after `from` and, when `until` is set, no later
// than it; nullptr when none.
const Comment* first_ca_comment(const BugRecord& record, const std::set<std::string>& ca,
                                Instant from, std::optional<Instant> until) {
  const Comment* best = nullptr;
  for (const Comment& c : record.comments) {
    if (c.time < from || (until && c.time > *until) || ca.count(to_lower_ascii(c.creator)) == 0) {
      continue;
    }
    if (best == nullptr || c.time < best->time || (c.time == best->time && c.id < best->id)) {
      best = &c;
    }
  }
  return best;
}

void judge_needinfos(const BugRecord& record, const std::set<std::string>& ca, Ledger& ledger) {
  const auto events = needinfo_events(sorted_history(record.history, Instant::max()));
  const BugId bug = record.bug.id;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const NeedinfoEvent& e = events[i];
    const std::string requestee = to_lower_ascii(e.requestee);
    const std::string setter = to_lower_ascii(e.who);
    if (!e.set || requestee.empty() || setter.empty() || ca.count(setter) != 0) {
      continue;  // a CA asking someone says nothing about who speaks for the CA
    }
    const std::string when = format_rfc3339(e.when);
    if (ca.count(requestee) != 0) {
      if (Seen* s = ledger.find(e.who); s != nullptr && setter != requestee) {
        add(*s, EvidenceKind::asks_the_ca, bug, std::nullopt,
            "needinfo on " + e.requestee + " at " + when);
      }
      continue;
    }
    if (setter == requestee) {
      continue;
    }
    std::optional<Instant> cleared;
    for (std::size_t j = i + 1; j < events.size(); ++j) {
      if (!events[j].set && to_lower_ascii(events[j].requestee) == requestee) {
        cleared = events[j].when + k_clear_slack;
        break;
      }
    }
    const Comment* answer = first_ca_comment(record, ca, e.when, cleared);
    Seen* s = ledger.find(e.requestee);
    if (answer != nullptr && s != nullptr) {
      add(*s, EvidenceKind::needinfo_answered, bug, answer->count,
          "needinfo from " + e.who + " at " + when + ", answered by " + answer->creator);
    }
  }
}

int class_rank(AccountClass c) {
  switch (c) {
    case AccountClass::ca:
      return 0;
    case AccountClass::uncertain:
      return 1;
    case AccountClass::not_ca:
      return 2;
    case AccountClass::unknown:
      return 3;
  }
  return 3;
}

}  // namespace

std::vector<AccountReport> discover_accounts(const DiscoveryInput& input) {
  Ledger ledger;
  for (const BugRecord& record : input.bugs) {
    read_bug(record, input.ca_name, ledger);
  }
  for (const std::string& login : input.named_ca) {
    if (Seen* s = ledger.find(login); s != nullptr) {
      add(*s, EvidenceKind::named_by_person, 0, std::nullopt, "");
    }
  }
  for (auto& [key, seen] : ledger.all()) {
    AccountReport& r = seen.report;
    if (named(input.named_not_ca, r.login)) {
      add(seen, EvidenceKind::excluded_by_person, 0, std::nullopt, "");
    }
    if (const KnownAccount* k = known_entry(input, r.login); k != nullptr) {
      add(seen, EvidenceKind::known_account, 0, std::nullopt, k->why);
      r.bot = k->bot;
    }
    if (r.comments > 0 && seen.automated_comments == r.comments) {
      add(seen, EvidenceKind::automated, 0, std::nullopt,
          std::to_string(r.comments) + (r.comments == 1 ? " comment" : " comments"));
      r.bot = true;
    }
  }
  // needinfo evidence depends on who the other rules class as the CA.
  std::set<std::string> ca;
  for (auto& [key, seen] : ledger.all()) {
    if (judge(input, seen.report) == AccountClass::ca) {
      ca.insert(key);
    }
  }
  for (const BugRecord& record : input.bugs) {
    judge_needinfos(record, ca, ledger);
  }
  std::vector<AccountReport> out;
  for (auto& [key, seen] : ledger.all()) {
    AccountReport r = std::move(seen.report);
    r.bugs = static_cast<int>(seen.bugs.size());
    r.verdict = judge(input, r);
    std::stable_sort(r.evidence.begin(), r.evidence.end(),
                     [](const Evidence& a, const Evidence& b) {
                       if (a.bug != b.bug) {
                         return a.bug < b.bug;
                       }
                       // Facts of a whole bug (a change, a needinfo) after its comments.
                       return a.comment.value_or(k_no_comment) < b.comment.value_or(k_no_comment);
                     });
    out.push_back(std::move(r));
  }
  // Accounts a person named that never appeared are still reported (a disclosed alias that has
  // not posted yet belongs in ca_accounts all the same).
  for (const std::string& login : input.named_ca) {
    if (ledger.find(login) == nullptr &&
        std::none_of(out.begin(), out.end(), [&](const AccountReport& r) {
          return to_lower_ascii(r.login) == to_lower_ascii(login);
        })) {
      AccountReport r;
      r.login = login;
      r.evidence.push_back(Evidence{EvidenceKind::named_by_person, 0, std::nullopt, ""});
      r.verdict = judge(input, r);
      out.push_back(std::move(r));
    }
  }
  std::sort(out.begin(), out.end(), [](const AccountReport& a, const AccountReport& b) {
    if (class_rank(a.verdict) != class_rank(b.verdict)) {
      return class_rank(a.verdict) < class_rank(b.verdict);
    }
    if (a.comments != b.comments) {
      return a.comments > b.comments;
    }
    return a.login < b.login;
  });
  return out;
}

}  // namespace bzjira::sync
