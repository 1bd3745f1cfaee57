// `bzjira init`: the accounts' report for people, the evidence line a reviewer finds in the
// mapping, the y/n questions about uncertain accounts, and what goes into the account lists.
#include <algorithm>
#include <map>

#include "adapters/cli/init.h"
#include "sync/bug_history.h"

namespace bzjira::adapters::cli::init {

namespace {

constexpr std::size_t k_max_bugs_listed = 4;
constexpr std::size_t k_max_details = 3;

std::string plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string day(const std::optional<sync::Instant>& t) {
  return t ? sync::format_date(sync::utc_date(*t)) : std::string("-");
}

std::string activity(const sync::AccountReport& a) {
  std::string s = plural(a.bugs, "bug", "bugs") + ", " + plural(a.comments, "comment", "comments");
  if (a.first_seen) {
    s += ", " + day(a.first_seen) + " to " + day(a.last_seen);
  }
  return s;
}

// "bug 2061240 comments 0, 2; bug 2061355 comment 0", or "bugs 2061240, 2061355" when no item
// names a comment; at most k_max_bugs_listed bugs.
std::string locations(const std::vector<const sync::Evidence*>& items) {
  std::vector<std::pair<sync::BugId, std::vector<int>>> bugs;
  bool any_comment = false;
  for (const sync::Evidence* e : items) {
    if (e->bug == 0) {
      continue;
    }
    if (bugs.empty() || bugs.back().first != e->bug) {
      bugs.push_back({e->bug, {}});
    }
    auto& numbers = bugs.back().second;
    if (e->comment && std::find(numbers.begin(), numbers.end(), *e->comment) == numbers.end()) {
      numbers.push_back(*e->comment);
      any_comment = true;
    }
  }
  std::string out;
  const std::size_t shown = std::min(bugs.size(), k_max_bugs_listed);
  for (std::size_t i = 0; i < shown; ++i) {
    if (!any_comment) {
      out +=
          (i == 0 ? (bugs.size() == 1 ? "bug " : "bugs ") : ", ") + std::to_string(bugs[i].first);
      continue;
    }
    out += (out.empty() ? "" : "; ") + std::string("bug ") + std::to_string(bugs[i].first);
    const auto& numbers = bugs[i].second;
    for (std::size_t j = 0; j < numbers.size(); ++j) {
      out += j == 0 ? (numbers.size() == 1 ? " comment " : " comments ") : ", ";
      out += std::to_string(numbers[j]);
    }
  }
  if (bugs.size() > shown) {
    out += (any_comment ? "; and " : " and ") +
           plural(static_cast<int>(bugs.size() - shown), "more bug", "more bugs");
  }
  return out;
}

// "bug 2061101: set the whiteboard to ..." for evidence that carries details.
std::string details(const std::vector<const sync::Evidence*>& items) {
  std::string out;
  std::size_t shown = 0;
  for (const sync::Evidence* e : items) {
    if (shown == k_max_details) {
      out += "; and " + plural(static_cast<int>(items.size() - shown), "more", "more");
      break;
    }
    std::string where;
    if (e->bug != 0) {
      where = "bug " + std::to_string(e->bug) +
              (e->comment ? " comment " + std::to_string(*e->comment) : std::string()) + ": ";
    }
    out += (out.empty() ? "" : "; ") + where + e->detail;
    ++shown;
  }
  return out;
}

// The account's evidence, one entry per kind: the strongest for the CA first, then against.
std::vector<std::pair<sync::EvidenceKind, std::string>> grouped(const sync::AccountReport& a) {
  std::map<sync::EvidenceKind, std::vector<const sync::Evidence*>> by_kind;
  for (const sync::Evidence& e : a.evidence) {
    by_kind[e.kind].push_back(&e);
  }
  std::vector<std::pair<sync::EvidenceKind, std::string>> out;
  for (const auto& [kind, items] : by_kind) {
    const bool with_details = std::any_of(
        items.begin(), items.end(), [](const sync::Evidence* e) { return !e->detail.empty(); });
    const std::string where = with_details ? details(items) : locations(items);
    out.push_back({kind, std::string(sync::describe(kind)) + (where.empty() ? "" : ": " + where)});
  }
  return out;
}

const char* heading(sync::AccountClass c) {
  switch (c) {
    case sync::AccountClass::ca:
      return "Speaks for the CA (strong evidence: proposed for bugzilla.ca_accounts)";
    case sync::AccountClass::uncertain:
      return "Uncertain (some evidence for the CA: a person decides)";
    case sync::AccountClass::not_ca:
      return "Not the CA";
    case sync::AccountClass::unknown:
      return "No evidence either way (not proposed)";
  }
  return "";
}

}  // namespace

std::vector<sync::KnownAccount> known_accounts() {
  return {
      {"incident-reporting@ccadb.org",
       "the CCADB's incident-reporting account (CCADB Incident Reporting Guidelines)", false},
      {"bwilson@mozilla.com", "Mozilla root store staff", false},
  };
}

void print_accounts(std::ostream& out, const std::vector<sync::AccountReport>& accounts) {
  for (sync::AccountClass c : {sync::AccountClass::ca, sync::AccountClass::uncertain,
                               sync::AccountClass::not_ca, sync::AccountClass::unknown}) {
    out << "\n" << heading(c) << ":\n";
    bool any = false;
    for (const sync::AccountReport& a : accounts) {
      if (a.verdict != c) {
        continue;
      }
      any = true;
      out << "  " << a.login << "  " << activity(a);
      if (a.bot && c == sync::AccountClass::not_ca) {
        out << "  (bot: proposed for bugzilla.ignored_accounts)";
      }
      out << "\n";
      for (const auto& [kind, text] : grouped(a)) {
        out << "      " << (sync::is_for_ca(kind) ? "+ " : "- ") << text << "\n";
      }
    }
    if (!any) {
      out << "  (none)\n";
    }
  }
}

std::string evidence_line(const sync::AccountReport& account) {
  std::string out;
  for (const auto& [kind, text] : grouped(account)) {
    out += (sync::is_for_ca(kind) ? "+ " : "- ") + text + ". ";
  }
  return out + activity(account) + ".";
}

std::vector<std::string> ask_uncertain(const std::vector<sync::AccountReport>& accounts,
                                       const std::string& ca_name, std::istream& in,
                                       std::ostream& out) {
  std::vector<std::string> taken;
  for (const sync::AccountReport& a : accounts) {
    if (a.verdict != sync::AccountClass::uncertain) {
      continue;
    }
    out << "\n" << a.login << "  " << activity(a) << "\n";
    for (const auto& [kind, text] : grouped(a)) {
      out << "    " << (sync::is_for_ca(kind) ? "+ " : "- ") << text << "\n";
    }
    out << "Does " << a.login << " speak for " << ca_name << "? [y/N] " << std::flush;
    std::string answer;
    if (!std::getline(in, answer)) {
      out << "\n";
      break;  // end of input: every remaining account stays out
    }
    answer = sync::to_lower_ascii(answer);
    answer.erase(0, answer.find_first_not_of(" \t"));
    answer.erase(answer.find_last_not_of(" \t\r") + 1);
    if (answer == "y" || answer == "yes") {
      taken.push_back(a.login);
    }
  }
  return taken;
}

AccountChoice choose_accounts(const std::vector<sync::AccountReport>& accounts,
                              const std::vector<std::string>& taken) {
  AccountChoice choice;
  for (const sync::AccountReport& a : accounts) {
    const bool is_taken = std::find(taken.begin(), taken.end(), a.login) != taken.end();
    if (a.verdict == sync::AccountClass::ca ||
        (a.verdict == sync::AccountClass::uncertain && is_taken)) {
      choice.ca.push_back(a.login);
      if (is_taken) {
        choice.taken.push_back(a.login);
      }
    } else if (a.verdict == sync::AccountClass::not_ca && a.bot) {
      choice.ignored.push_back(a.login);
    }
  }
  return choice;
}

}  // namespace bzjira::adapters::cli::init
