// Which Bugzilla accounts speak for a CA, with the evidence, for `bzjira init`: every account seen
// on the CA's incident bugs is classed from what it did there, never from its e-mail domain (a
// CA's people may post from personal, alias or anonymous accounts; root-program staff may share a
// domain with a CA). Pure: the bugs come in, a report goes out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/model.h"
#include "sync/time.h"

namespace bzjira::sync {

enum class EvidenceKind {
  // For the CA.
  incident_report,    // posted a comment in the IRG report template (strong)
  named_by_person,    // listed by the person running init (--ca-account) (strong)
  reporter,           // filed one of the CA's incident bugs
  status_update,      // posted a comment headed "Status Update"
  needinfo_answered,  // asked by needinfo by someone outside the CA; a CA account then answered
  signature,          // a comment's signature names the CA
  // Not the CA.
  known_account,       // a known root-program, CCADB or bot account (the caller's list)
  excluded_by_person,  // listed by the person running init (--not-ca)
  automated,           // every comment of the account says it is automated
  moderator,           // changed the whiteboard or resolved the bug: root store operators do that
  addresses_the_ca,    // opened a comment by addressing the CA by name
  asks_the_ca,         // set a needinfo on an account that speaks for the CA
};

// True for the kinds that count for the CA.
bool is_for_ca(EvidenceKind kind);
// "posted an incident report in the IRG template", ... (for people).
const char* describe(EvidenceKind kind);

// One fact, where it was seen.
struct Evidence {
  EvidenceKind kind = EvidenceKind::reporter;
  BugId bug = 0;               // 0 when not tied to a bug (a list given by a person)
  std::optional<int> comment;  // the comment's number on the bug (0 = the description)
  std::string detail;          // what else a reviewer needs ("needinfo from X, answered by Y")
};

enum class AccountClass {
  ca,         // strong evidence for the CA and none against: proposed for ca_accounts
  uncertain,  // weak evidence for the CA, or evidence both ways: a person decides
  not_ca,     // evidence against and none for (root programs, CCADB, bots)
  unknown,    // took part without evidence either way (community members): not proposed
};

const char* to_string(AccountClass c);

struct AccountReport {
  std::string login;  // as first seen (logins compare case-insensitively)
  AccountClass verdict = AccountClass::unknown;
  bool bot = false;  // known bot or only automated comments: for ignored_accounts
  int bugs = 0;      // distinct bugs it commented on, set or was asked a flag, changed
  int comments = 0;  // comments written
  std::optional<Instant> first_seen;  // its earliest comment, flag or change
  std::optional<Instant> last_seen;
  std::vector<Evidence> evidence;  // for and against, in bug and comment order
};

struct KnownAccount {
  std::string login;
  std::string why;  // "the CCADB's incident-reporting account"
  bool bot = false;
};

struct DiscoveryInput {
  std::string ca_name;  // the CA Owner name as in the bugs' summary prefix, without the colon
  std::vector<BugRecord> bugs;
  std::vector<KnownAccount> known;        // classed not_ca, with `why` as the evidence
  std::vector<std::string> named_ca;      // the person says: these speak for the CA
  std::vector<std::string> named_not_ca;  // the person says: these do not
};

// Every account that wrote a comment, set or was asked a flag, changed a bug or filed one, with
// its counts, first and last activity, evidence and verdict. Order: ca, uncertain, not_ca, unknown;
// within a class by comments (most first), then login.
//
// The rules, in order (an account in both named lists counts as named_not_ca):
// - named_not_ca, a known account → not_ca; named_ca → ca, whatever else was seen.
// - Evidence against (automated, moderator, addresses_the_ca, asks_the_ca) together with any
//   evidence for → uncertain: both are listed for a person to weigh.
// - incident_report → ca: only the CA files its incident reports in the IRG template (a third
//   party who does so and then questions the CA is caught by the rule above).
// - Other evidence for (reporter, status_update, needinfo_answered, signature) → uncertain.
// - Evidence against only → not_ca. Nothing either way → unknown.
// needinfo_answered and asks_the_ca are judged against the accounts the other rules class ca
// (one pass): a needinfo set by a non-CA account on X, then answered by a CA account's comment
// after it (before the request was cleared, when the history shows the clearing), is evidence
// for X; setting a needinfo on a CA account is evidence against the setter.
std::vector<AccountReport> discover_accounts(const DiscoveryInput& input);

}  // namespace bzjira::sync
