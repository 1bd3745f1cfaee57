// Account discovery for `bzjira init` (sync/account_discovery.h): each account's verdict and
// evidence, worked out by hand from the rules in the header and the bugs written inline.
#include <catch2/catch.hpp>

#include <algorithm>

#include "sync/account_discovery.h"
#include "tests/unit/core_test_util.h"

using namespace bzjira::sync;
using bzjira::sync::testing::at;
using bzjira::sync::testing::BugMaker;

namespace {

const char* const k_report =
    "## Preliminary Incident Report\n\n### Summary\n\n- **Incident description:** ...";

const AccountReport& account(const std::vector<AccountReport>& all, const std::string& login) {
  const auto it = std::find_if(all.begin(), all.end(),
                               [&](const AccountReport& r) { return r.login == login; });
  REQUIRE(it != all.end());
  return *it;
}

bool found(const std::vector<AccountReport>& all, const std::string& login) {
  return std::any_of(all.begin(), all.end(),
                     [&](const AccountReport& r) { return r.login == login; });
}

std::vector<EvidenceKind> kinds(const AccountReport& r) {
  std::vector<EvidenceKind> out;
  for (const Evidence& e : r.evidence) {
    out.push_back(e.kind);
  }
  return out;
}

DiscoveryInput input_of(std::vector<BugRecord> bugs) {
  DiscoveryInput in;
  in.ca_name = "Example CA";
  in.bugs = std::move(bugs);
  return in;
}

}  // namespace

TEST_CASE("the author of a report in the template speaks for the CA whatever its domain",
          "[core][init]") {
  BugMaker bug(1, "2026-10-01T08:00:00Z", "x7q2@anonymous-mail.test");
  bug.comment(10, 0, "x7q2@anonymous-mail.test", "2026-10-01T08:00:00Z", k_report)
      .comment(11, 1, "reviewer@example-ca.test", "2026-10-02T08:00:00Z", "How many?")
      .comment(12, 2, "x7q2@anonymous-mail.test", "2026-10-04T09:30:00Z", "Twelve.");
  const auto all = discover_accounts(input_of({bug}));
  const AccountReport& anon = account(all, "x7q2@anonymous-mail.test");
  CHECK(anon.verdict == AccountClass::ca);
  CHECK(anon.comments == 2);
  CHECK(anon.bugs == 1);
  CHECK(anon.first_seen == at("2026-10-01T08:00:00Z"));
  CHECK(anon.last_seen == at("2026-10-04T09:30:00Z"));
  // The comment first, then the fact about the whole bug.
  CHECK(kinds(anon) ==
        std::vector<EvidenceKind>{EvidenceKind::incident_report, EvidenceKind::reporter});
  CHECK(anon.evidence[0].comment == 0);
  CHECK_FALSE(anon.evidence[1].comment.has_value());
  // Same domain as the CA's name suggests, no evidence: not proposed.
  CHECK(account(all, "reviewer@example-ca.test").verdict == AccountClass::unknown);
}

TEST_CASE("root programs, moderators and bots are not the CA, each with its evidence",
          "[core][init]") {
  BugMaker bug(2, "2026-10-01T08:00:00Z", "ca@example.test");
  bug.comment(20, 0, "ca@example.test", "2026-10-01T08:00:00Z", k_report)
      .comment(21, 1, "root@program.test", "2026-10-02T08:00:00Z",
               "Example CA,\n\nPlease explain the timeline.")
      .comment(22, 2, "bot@tracker.test", "2026-10-03T03:00:00Z",
               "Pending needinfo. (This is an automated message.)")
      .comment(23, 3, "ca@example.test", "2026-10-03T09:00:00Z", "## Status Update\n\nDone.")
      .comment(24, 4, "bot@tracker.test", "2026-10-09T03:00:00Z",
               "Next update passed. (This is an automated message.)")
      .comment(25, 5, "incident-reporting@ccadb.test", "2026-10-10T08:00:00Z", "Owner A1.")
      .change("2026-10-02T09:00:00Z", "mod@program.test", "whiteboard", "",
              "[ca-compliance] Next update 2026-10-20")
      .change("2026-10-05T09:00:00Z", "root@program.test", "flagtypes.name", "",
              "needinfo?(ca@example.test)");
  DiscoveryInput in = input_of({bug});
  in.known.push_back(
      {"Incident-Reporting@ccadb.test", "the CCADB's incident-reporting account", false});
  const auto all = discover_accounts(in);

  const AccountReport& root = account(all, "root@program.test");
  CHECK(root.verdict == AccountClass::not_ca);
  CHECK(kinds(root) ==
        std::vector<EvidenceKind>{EvidenceKind::addresses_the_ca, EvidenceKind::asks_the_ca});
  CHECK(root.evidence[1].detail == "needinfo on ca@example.test at 2026-10-05T09:00:00Z");

  const AccountReport& mod = account(all, "mod@program.test");
  CHECK(mod.verdict == AccountClass::not_ca);
  CHECK(mod.comments == 0);
  CHECK(kinds(mod) == std::vector<EvidenceKind>{EvidenceKind::moderator});
  CHECK(mod.evidence[0].detail ==
        "set the whiteboard to \"[ca-compliance] Next update 2026-10-20\"");

  const AccountReport& bot = account(all, "bot@tracker.test");
  CHECK(bot.verdict == AccountClass::not_ca);
  CHECK(bot.bot);
  CHECK(kinds(bot) == std::vector<EvidenceKind>{EvidenceKind::automated});

  const AccountReport& ccadb = account(all, "incident-reporting@ccadb.test");
  CHECK(ccadb.verdict == AccountClass::not_ca);
  CHECK_FALSE(ccadb.bot);
  CHECK(ccadb.evidence.at(0).detail == "the CCADB's incident-reporting account");

  CHECK(account(all, "ca@example.test").verdict == AccountClass::ca);
  // ca first; then not_ca by comments (bot 2, root 1, ccadb 1, mod 0), ties by login.
  std::vector<std::string> order;
  order.reserve(all.size());
  for (const AccountReport& r : all) {
    order.push_back(r.login);
  }
  CHECK(order == std::vector<std::string>{"ca@example.test", "bot@tracker.test",
                                          "incident-reporting@ccadb.test", "root@program.test",
                                          "mod@program.test"});
}

TEST_CASE("an account that comments often without evidence is never proposed", "[core][init]") {
  BugMaker bug(3, "2026-10-01T08:00:00Z", "ca@example.test");
  bug.comment(30, 0, "ca@example.test", "2026-10-01T08:00:00Z", k_report);
  for (int i = 1; i <= 30; ++i) {
    bug.comment(30 + i, i, "busy@program.test", "2026-10-02T08:00:00Z",
                "Question " + std::to_string(i) + " about Example CA's report?");
  }
  const auto all = discover_accounts(input_of({bug}));
  const AccountReport& busy = account(all, "busy@program.test");
  CHECK(busy.comments == 30);
  CHECK(busy.verdict == AccountClass::unknown);
  CHECK(busy.evidence.empty());
}

TEST_CASE("weak evidence alone leaves the account for a person to decide", "[core][init]") {
  BugMaker filed(4, "2026-10-01T08:00:00Z", "researcher@lab.test");
  filed.comment(40, 0, "researcher@lab.test", "2026-10-01T08:00:00Z", "These certs are bad.")
      .comment(41, 1, "ops@mailbox.test", "2026-10-02T08:00:00Z", "## Status Update\n\nOn it.")
      .comment(42, 2, "jane@mailbox.test", "2026-10-03T08:00:00Z",
               "Revoked all of them.\n\nJane Roe\nExample CA");
  const auto all = discover_accounts(input_of({filed}));
  CHECK(account(all, "researcher@lab.test").verdict == AccountClass::uncertain);
  CHECK(kinds(account(all, "researcher@lab.test")) ==
        std::vector<EvidenceKind>{EvidenceKind::reporter});
  CHECK(account(all, "ops@mailbox.test").verdict == AccountClass::uncertain);
  CHECK(kinds(account(all, "jane@mailbox.test")) ==
        std::vector<EvidenceKind>{EvidenceKind::signature});
  CHECK(account(all, "jane@mailbox.test").verdict == AccountClass::uncertain);
}

TEST_CASE("a report together with evidence against is for a person to weigh", "[core][init]") {
  BugMaker bug(5, "2026-10-01T08:00:00Z", "third@party.test");
  bug.comment(50, 0, "third@party.test", "2026-10-01T08:00:00Z", k_report)
      .comment(51, 1, "third@party.test", "2026-10-05T08:00:00Z",
               "Hello Example CA,\nany news on the revocations?");
  const auto all = discover_accounts(input_of({bug}));
  const AccountReport& third = account(all, "third@party.test");
  CHECK(third.verdict == AccountClass::uncertain);
  CHECK(kinds(third) == std::vector<EvidenceKind>{EvidenceKind::incident_report,
                                                  EvidenceKind::addresses_the_ca,
                                                  EvidenceKind::reporter});
}

TEST_CASE("the requestee of a needinfo a CA account answered is found with the answer",
          "[core][init]") {
  BugMaker bug(6, "2026-10-01T08:00:00Z", "desk@ca.test");
  bug.comment(60, 0, "desk@ca.test", "2026-10-01T08:00:00Z", k_report)
      .comment(61, 1, "root@program.test", "2026-10-02T10:00:00Z", "Kim, what happened?")
      .comment(62, 2, "desk@ca.test", "2026-10-03T11:00:00Z", "Answering for Kim: a bug.")
      .change("2026-10-02T10:00:00Z", "root@program.test", "flagtypes.name", "",
              "needinfo?(kim@ca-staff.test)")
      .change("2026-10-03T11:00:30Z", "desk@ca.test", "flagtypes.name",
              "needinfo?(kim@ca-staff.test)", "")
      // Asked by the CA itself: says nothing about the requestee.
      .change("2026-10-04T08:00:00Z", "desk@ca.test", "flagtypes.name", "",
              "needinfo?(incident-reporting@ccadb.test)")
      .comment(63, 3, "desk@ca.test", "2026-10-04T08:00:00Z", "Please close.");
  const auto all = discover_accounts(input_of({bug}));
  const AccountReport& kim = account(all, "kim@ca-staff.test");
  CHECK(kim.comments == 0);
  CHECK(kim.verdict == AccountClass::uncertain);
  REQUIRE(kinds(kim) == std::vector<EvidenceKind>{EvidenceKind::needinfo_answered});
  CHECK(kim.evidence[0].comment == 2);
  CHECK(kim.evidence[0].detail ==
        "needinfo from root@program.test at 2026-10-02T10:00:00Z, answered by desk@ca.test");
  CHECK(account(all, "incident-reporting@ccadb.test").verdict == AccountClass::unknown);
  // Asking kim (not yet a CA account) is no evidence against root.
  CHECK(account(all, "root@program.test").verdict == AccountClass::unknown);
}

TEST_CASE("a needinfo nobody from the CA answered before it was cleared is no evidence",
          "[core][init]") {
  BugMaker bug(7, "2026-10-01T08:00:00Z", "desk@ca.test");
  bug.comment(70, 0, "desk@ca.test", "2026-10-01T08:00:00Z", k_report)
      .change("2026-10-02T10:00:00Z", "root@program.test", "flagtypes.name", "",
              "needinfo?(someone@elsewhere.test)")
      .change("2026-10-02T12:00:00Z", "someone@elsewhere.test", "flagtypes.name",
              "needinfo?(someone@elsewhere.test)", "")
      .comment(71, 1, "desk@ca.test", "2026-10-05T08:00:00Z", "## Status Update\n\nLater.");
  const auto all = discover_accounts(input_of({bug}));
  CHECK(account(all, "someone@elsewhere.test").evidence.empty());
  CHECK(account(all, "someone@elsewhere.test").verdict == AccountClass::unknown);
}

TEST_CASE("the person's own lists decide, and logins compare ignoring case", "[core][init]") {
  BugMaker bug(8, "2026-10-01T08:00:00Z", "ca@example.test");
  bug.comment(80, 0, "CA@Example.test", "2026-10-01T08:00:00Z", k_report)
      .comment(81, 1, "ca@example.test", "2026-10-02T08:00:00Z", "More.")
      .comment(82, 2, "other@ca.test", "2026-10-03T08:00:00Z", k_report);
  DiscoveryInput in = input_of({bug});
  in.named_not_ca = {"OTHER@ca.test"};
  in.named_ca = {"alias@ca.test", "ca@example.test"};
  const auto all = discover_accounts(in);
  const AccountReport& ca = account(all, "ca@example.test");  // as the bug's creator wrote it
  CHECK(ca.comments == 2);
  CHECK(ca.verdict == AccountClass::ca);
  CHECK_FALSE(found(all, "CA@Example.test"));
  CHECK(account(all, "other@ca.test").verdict == AccountClass::not_ca);
  const AccountReport& alias = account(all, "alias@ca.test");
  CHECK(alias.verdict == AccountClass::ca);
  CHECK(alias.bugs == 0);
  CHECK_FALSE(alias.first_seen.has_value());
  CHECK(kinds(alias) == std::vector<EvidenceKind>{EvidenceKind::named_by_person});
}

TEST_CASE("a resolution by a moderator and flag activity count as being seen", "[core][init]") {
  BugMaker bug(9, "2026-10-01T08:00:00Z", "ca@example.test");
  bug.comment(90, 0, "ca@example.test", "2026-10-01T08:00:00Z", k_report)
      .needinfo(900, "closer@program.test", "ca@example.test", "2026-10-07T08:00:00Z")
      .change("2026-10-20T08:00:00Z", "closer@program.test", "status", "ASSIGNED", "RESOLVED");
  BugMaker other(10, "2026-09-01T08:00:00Z", "ca@example.test");
  other.comment(100, 0, "ca@example.test", "2026-09-01T08:00:00Z", "## Status Update\n\nx");
  const auto all = discover_accounts(input_of({bug, other}));
  const AccountReport& closer = account(all, "closer@program.test");
  CHECK(closer.verdict == AccountClass::not_ca);
  CHECK(closer.bugs == 1);
  CHECK(closer.first_seen == at("2026-10-07T08:00:00Z"));
  CHECK(closer.last_seen == at("2026-10-20T08:00:00Z"));
  CHECK(closer.evidence.at(0).detail == "resolved the bug (RESOLVED)");
  const AccountReport& ca = account(all, "ca@example.test");
  CHECK(ca.bugs == 2);
  CHECK(ca.first_seen == at("2026-09-01T08:00:00Z"));
}
