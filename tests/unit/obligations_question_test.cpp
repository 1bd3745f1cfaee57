// Questions and needinfo requests (docs/rules.md#question, docs/rules.md#needinfo). Expectations
// are worked out by hand from the rules: deadline = start + 7 days, met when the first CA comment
// after the start lands at or before it.
#include <catch2/catch.hpp>

#include <algorithm>

#include "sync/obligations.h"
#include "tests/unit/core_test_util.h"

using namespace bzjira::sync;
using namespace bzjira::sync::testing;

TEST_CASE("Two questions followed by one CA reply are both satisfied by that reply", "[rules]") {
  const BugMaker bug = BugMaker(100, "2026-01-01T00:00:00Z", "ca@example.com")
                           .comment(1000, 0, "ca@example.com", "2026-01-01T00:00:00Z")
                           .comment(1001, 1, "alice@mozilla.com", "2026-01-02T10:00:00Z")
                           .comment(1002, 2, "bob@example.net", "2026-01-03T10:00:00Z")
                           .comment(1003, 3, "ca@example.com", "2026-01-05T12:00:00Z");
  const auto all = windows(bug, "2026-01-20T00:00:00Z");
  // The CA filed the bug itself, so no window runs from the creation ("bzu-100-0").
  CHECK(keys_of(all) ==
        std::vector<std::string>{"bzu-100-1000", "bzq-100-1001", "bzq-100-1002", "bzu-100-1003"});

  BZ_WINDOW(q1, all, "bzq-100-1001");
  CHECK(q1.kind == ObligationKind::question);
  CHECK(q1.deadline == at("2026-01-09T10:00:00Z"));
  CHECK(q1.status == WindowStatus::met);
  CHECK(q1.satisfied_at == at("2026-01-05T12:00:00Z"));
  CHECK(q1.satisfied_by == "ca@example.com");
  CHECK(q1.satisfied_comment_id == 1003);
  CHECK(q1.satisfied_comment_count == 3);
  CHECK(q1.late_seconds == -Seconds{3 * 86400 + 22 * 3600});  // 3d 22h early
  CHECK(q1.start_author == "alice@mozilla.com");
  CHECK(q1.start_comment_count == 1);
  CHECK(q1.rule == "IRG 3.2: respond to comments within 7 days");

  BZ_WINDOW(q2, all, "bzq-100-1002");
  CHECK(q2.deadline == at("2026-01-10T10:00:00Z"));
  CHECK(q2.status == WindowStatus::met);
  CHECK(q2.satisfied_comment_id == 1003);

  BZ_WINDOW(next, all, "bzu-100-1003");
  CHECK(next.status == WindowStatus::overdue);
  CHECK(next.late_seconds == Seconds{7 * 86400 + 12 * 3600});

  const auto open = open_obligations(bug, PolicySettings{}, ca_accounts(), ignored_accounts(),
                                     at("2026-01-20T00:00:00Z"));
  CHECK(keys_of(open) == std::vector<std::string>{"bzu-100-1003"});
}

TEST_CASE("A reply at exactly the deadline is met, one second later is missed", "[rules]") {
  struct Case {
    const char* reply_at;
    WindowStatus status;
    long late;
  };
  const Case cases[] = {{"2026-01-09T10:00:00Z", WindowStatus::met, 0},
                        {"2026-01-09T10:00:01Z", WindowStatus::missed, 1},
                        {"2026-01-09T09:59:59Z", WindowStatus::met, -1}};
  for (const Case& c : cases) {
    INFO("reply at " << c.reply_at);
    const BugMaker bug = BugMaker(101, "2026-01-02T10:00:00Z", "alice@mozilla.com")
                             .comment(1100, 0, "alice@mozilla.com", "2026-01-02T10:00:00Z")
                             .comment(1101, 1, "ca@example.com", c.reply_at);
    const auto all = windows(bug, "2026-02-01T00:00:00Z");
    BZ_WINDOW(q, all, "bzq-101-1100");
    CHECK(q.deadline == at("2026-01-09T10:00:00Z"));
    CHECK(q.status == c.status);
    CHECK(q.late_seconds == Seconds{c.late});
    CHECK(q.satisfied_comment_id == 1101);
    // The reporter's description also starts the cadence from the bug's creation.
    BZ_WINDOW(u, all, "bzu-101-0");
    CHECK(u.status == c.status);
    CHECK_FALSE(u.start_comment_id.has_value());
  }
}

TEST_CASE("A CA comment in the same second as a question answers it only if its id is later",
          "[rules]") {
  const BugMaker later = BugMaker(102, "2026-01-01T00:00:00Z", "ca@example.com")
                             .comment(1201, 1, "ca@example.com", "2026-01-03T00:00:00Z")
                             .comment(1200, 0, "alice@mozilla.com", "2026-01-03T00:00:00Z");
  BZ_WINDOW(answered, windows(later, "2026-01-04T00:00:00Z"), "bzq-102-1200");
  CHECK(answered.status == WindowStatus::met);
  CHECK(answered.satisfied_at == at("2026-01-03T00:00:00Z"));

  const BugMaker earlier = BugMaker(102, "2026-01-01T00:00:00Z", "ca@example.com")
                               .comment(1200, 1, "alice@mozilla.com", "2026-01-03T00:00:00Z")
                               .comment(1199, 0, "ca@example.com", "2026-01-03T00:00:00Z");
  BZ_WINDOW(unanswered, windows(earlier, "2026-01-04T00:00:00Z"), "bzq-102-1200");
  CHECK(unanswered.status == WindowStatus::open);
  CHECK_FALSE(unanswered.satisfied_at.has_value());
}

TEST_CASE("Comments from an ignored account neither start nor satisfy a window", "[rules]") {
  const BugMaker bug = BugMaker(103, "2026-01-01T00:00:00Z", "ca@example.com")
                           .comment(1300, 0, "ca@example.com", "2026-01-01T00:00:00Z")
                           .comment(1301, 1, "Bot@Example.ORG", "2026-01-02T00:00:00Z")
                           .comment(1302, 2, "alice@mozilla.com", "2026-01-03T00:00:00Z")
                           .comment(1303, 3, "bot@example.org", "2026-01-04T00:00:00Z");
  const auto all = windows(bug, "2026-01-15T00:00:00Z");
  CHECK(find_window(all, "bzq-103-1301") == nullptr);
  CHECK(find_window(all, "bzq-103-1303") == nullptr);
  BZ_WINDOW(q, all, "bzq-103-1302");
  CHECK(q.status == WindowStatus::overdue);  // due 01-10, the bot's comment did not answer it
  CHECK(q.late_seconds == Seconds{5 * 86400});
}

TEST_CASE("A CA account off the CA's domain answers, a look-alike account on it asks", "[rules]") {
  const BugMaker bug =
      BugMaker(104, "2026-01-01T00:00:00Z", "alice@mozilla.com")
          .comment(1400, 0, "alice@mozilla.com", "2026-01-01T00:00:00Z")
          .comment(1401, 1, "CA-Incidents-Bot@nowhere.invalid", "2026-01-02T00:00:00Z")
          .comment(1402, 2, "security@example.com", "2026-01-03T00:00:00Z");
  const auto all = windows(bug, "2026-01-05T00:00:00Z");
  BZ_WINDOW(q, all, "bzq-104-1400");
  CHECK(q.status == WindowStatus::met);
  CHECK(q.satisfied_by == "CA-Incidents-Bot@nowhere.invalid");
  // security@example.com shares the CA's domain but is not a listed CA account: its comment is a
  // question to the CA, and it does not count as an update.
  BZ_WINDOW(asked, all, "bzq-104-1402");
  CHECK(asked.status == WindowStatus::open);
  CHECK(find_window(all, "bzu-104-1402") == nullptr);
  CHECK(find_window(all, "bzu-104-1401") != nullptr);
}

TEST_CASE("Comments given out of order, with deleted ones missing, are read in time order",
          "[rules]") {
  // Counts 2, 3, 5 and 6 were deleted; the input is shuffled.
  const BugMaker bug = BugMaker(105, "2026-01-01T00:00:00Z", "ca@example.com")
                           .comment(1507, 7, "ca@example.com", "2026-01-09T00:00:00Z")
                           .comment(1501, 1, "alice@mozilla.com", "2026-01-02T00:00:00Z")
                           .comment(1504, 4, "bob@example.net", "2026-01-06T00:00:00Z")
                           .comment(1500, 0, "ca@example.com", "2026-01-01T00:00:00Z");
  const auto all = windows(bug, "2026-01-10T00:00:00Z");
  CHECK(keys_of(all) ==
        std::vector<std::string>{"bzu-105-1500", "bzq-105-1501", "bzq-105-1504", "bzu-105-1507"});
  BZ_WINDOW(q1, all, "bzq-105-1501");
  CHECK(q1.deadline == at("2026-01-09T00:00:00Z"));
  CHECK(q1.status == WindowStatus::met);  // answered to the second
  CHECK(q1.late_seconds == Seconds{0});
  BZ_WINDOW(q4, all, "bzq-105-1504");
  CHECK(q4.start_comment_count == 4);
  CHECK(q4.satisfied_comment_count == 7);
  CHECK(q4.status == WindowStatus::met);
  BZ_WINDOW(first_update, all, "bzu-105-1500");
  CHECK(first_update.status == WindowStatus::missed);  // due 01-08, next CA comment 01-09
  CHECK(first_update.late_seconds == Seconds{86400});
}

TEST_CASE("A private comment still starts and satisfies windows, and is marked private",
          "[rules]") {
  const BugMaker bug =
      BugMaker(106, "2026-01-01T00:00:00Z", "ca@example.com")
          .comment(1600, 0, "ca@example.com", "2026-01-01T00:00:00Z")
          .comment(1601, 1, "alice@mozilla.com", "2026-01-02T00:00:00Z", "secret question", true)
          .comment(1602, 2, "ca@example.com", "2026-01-03T00:00:00Z", "secret answer", true);
  const auto all = windows(bug, "2026-01-04T00:00:00Z");
  BZ_WINDOW(q, all, "bzq-106-1601");
  CHECK(q.start_comment_private);
  CHECK(q.start_text == "secret question");
  CHECK(q.status == WindowStatus::met);
  CHECK(q.satisfied_comment_id == 1602);
  BZ_WINDOW(u, all, "bzu-106-1602");
  CHECK(u.start_comment_private);
  BZ_WINDOW(first, all, "bzu-106-1600");
  CHECK_FALSE(first.start_comment_private);
}

TEST_CASE("A needinfo on a CA account is owed, one on someone else creates nothing", "[rules]") {
  BugMaker maker = BugMaker(107, "2026-01-01T00:00:00Z", "ca@example.com");
  maker.comment(1700, 0, "ca@example.com", "2026-01-01T00:00:00Z")
      .needinfo(55, "bwilson@mozilla.com", "CA@example.com", "2026-01-10T08:00:00Z")
      .needinfo(56, "ca@example.com", "incident-reporting@ccadb.org", "2026-01-10T09:00:00Z")
      .change("2026-01-10T09:30:00Z", "ca@example.com", "flagtypes.name", "",
              "needinfo?(auditor@example.net)");
  maker.record().bug.flags.push_back(maker.record().bug.flags.front());
  maker.record().bug.flags.back().id = 57;
  maker.record().bug.flags.back().name = "review";  // not a needinfo, whoever it is aimed at

  const auto all = windows(maker, "2026-01-12T00:00:00Z");
  // Keyed by the second it was asked (2026-01-10T08:00:00Z = 1768032000), not the flag id.
  BZ_WINDOW(n, all, "bzn-107-h1768032000");
  CHECK(n.kind == ObligationKind::needinfo);
  CHECK(n.start == at("2026-01-10T08:00:00Z"));
  CHECK(n.deadline == at("2026-01-17T08:00:00Z"));
  CHECK(n.status == WindowStatus::open);
  CHECK(n.flag_id == 55);
  CHECK(n.start_author == "bwilson@mozilla.com");
  CHECK(n.rule == "IRG 3.2: respond to needinfo requests within 7 days");
  int needinfo_windows = 0;
  for (const Obligation& o : all) {
    needinfo_windows += o.kind == ObligationKind::needinfo ? 1 : 0;
  }
  CHECK(needinfo_windows == 1);

  // A CA comment answers it even though the flag stays set.
  maker.comment(1701, 1, "ca@example.com", "2026-01-11T00:00:00Z");
  BZ_WINDOW(answered, windows(maker, "2026-01-12T00:00:00Z"), "bzn-107-h1768032000");
  CHECK(answered.status == WindowStatus::met);
  CHECK(answered.satisfied_comment_id == 1701);
}

TEST_CASE("A needinfo its requestee clears without a comment is satisfied by the clearing",
          "[rules]") {
  struct Case {
    const char* cleared_at;
    WindowStatus status;
    long late;
  };
  const Case cases[] = {{"2026-01-12T09:00:00Z", WindowStatus::met, -(4 * 86400 + 23 * 3600)},
                        {"2026-01-18T08:00:00Z", WindowStatus::missed, 86400}};
  for (const Case& c : cases) {
    INFO("cleared at " << c.cleared_at);
    const BugMaker bug = BugMaker(108, "2026-01-01T00:00:00Z", "ca@example.com")
                             .comment(1800, 0, "ca@example.com", "2026-01-01T00:00:00Z")
                             .change("2026-01-10T08:00:00Z", "bwilson@mozilla.com",
                                     "flagtypes.name", "", "needinfo?(ca@example.com)")
                             .change(c.cleared_at, "ca@example.com", "flagtypes.name",
                                     "needinfo?(ca@example.com)", "");
    const auto all = windows(bug, "2026-01-20T00:00:00Z");
    // 1768032000 is 2026-01-10T08:00:00Z (date -u -d 2026-01-10T08:00:00Z +%s).
    BZ_WINDOW(n, all, "bzn-108-h1768032000");
    CHECK(n.deadline == at("2026-01-17T08:00:00Z"));
    CHECK(n.satisfied_by == "ca@example.com");  // who cleared it: the requestee
    CHECK(n.satisfied_at == at(c.cleared_at));
    CHECK_FALSE(n.satisfied_comment_id.has_value());
    CHECK(n.status == c.status);
    CHECK(n.late_seconds == Seconds{c.late});
    CHECK(n.start_author == "bwilson@mozilla.com");
  }
}

TEST_CASE("A needinfo in both the flags and the history is one window with one stable key",
          "[rules]") {
  const BugMaker bug =
      BugMaker(109, "2026-01-01T00:00:00Z", "ca@example.com")
          .comment(1900, 0, "ca@example.com", "2026-01-01T00:00:00Z")
          .needinfo(77, "bwilson@mozilla.com", "ca@example.com", "2026-01-10T08:00:00Z")
          .change("2026-01-10T08:00:00Z", "bwilson@mozilla.com", "flagtypes.name", "",
                  "needinfo?(ca@example.com)");
  const auto all = windows(bug, "2026-01-11T00:00:00Z");
  BZ_WINDOW(n, all, "bzn-109-h1768032000");
  CHECK(n.flag_id == 77);
  int needinfo_windows = 0;
  for (const Obligation& o : all) {
    needinfo_windows += o.kind == ObligationKind::needinfo ? 1 : 0;
  }
  CHECK(needinfo_windows == 1);
}

TEST_CASE("A needinfo keeps its key when the flag is cleared and only the history remembers it",
          "[rules]") {
  BugMaker maker = BugMaker(111, "2026-01-01T00:00:00Z", "ca@example.com");
  maker.comment(2100, 0, "ca@example.com", "2026-01-01T00:00:00Z")
      .needinfo(78, "bwilson@mozilla.com", "ca@example.com", "2026-01-10T08:00:00Z")
      .needinfo(79, "bwilson@mozilla.com", "alias@ca.example", "2026-01-10T08:00:00Z")
      .change("2026-01-10T08:00:00Z", "bwilson@mozilla.com", "flagtypes.name", "",
              "needinfo?(ca@example.com), needinfo?(alias@ca.example)");
  const std::vector<std::string> cas = {"ca@example.com", "alias@ca.example"};
  const auto before =
      obligation_windows(maker.record(), PolicySettings{}, cas, {}, at("2026-01-11T00:00:00Z"));
  // Two requests in the same second: numbered in requestee order (alias@ before ca@).
  BZ_WINDOW(alias, before, "bzn-111-h1768032000");
  CHECK(alias.flag_id == 79);
  BZ_WINDOW(ca, before, "bzn-111-h1768032000-2");
  CHECK(ca.flag_id == 78);

  // The flag on ca@ is cleared: its window is now known from the history only, same key.
  maker.record().bug.flags.erase(maker.record().bug.flags.begin());
  maker.change("2026-01-12T08:00:00Z", "ca@example.com", "flagtypes.name",
               "needinfo?(ca@example.com)", "");
  const auto after =
      obligation_windows(maker.record(), PolicySettings{}, cas, {}, at("2026-01-13T00:00:00Z"));
  BZ_WINDOW(cleared, after, "bzn-111-h1768032000-2");
  CHECK(cleared.status == WindowStatus::met);
  CHECK(cleared.satisfied_by == "ca@example.com");
  BZ_WINDOW(still, after, "bzn-111-h1768032000");
  CHECK(still.status == WindowStatus::open);
}

TEST_CASE("A bug with thousands of comments gets one window per question, all answered",
          "[rules]") {
  BugMaker maker(110, "2026-01-01T00:00:00Z", "ca@example.com");
  const Instant start = at("2026-01-01T00:00:00Z");
  constexpr int k_pairs = 3000;
  for (int i = 0; i < k_pairs; ++i) {
    // A question every 2 hours, answered an hour later.
    for (int k = 0; k < 2; ++k) {
      Comment c;
      c.id = 100000 + 2 * i + k;
      c.count = 2 * i + k;
      c.creator = k == 0 ? "alice@mozilla.com" : "ca@example.com";
      c.time = start + std::chrono::hours{2 * i + k};
      maker.record().comments.push_back(c);
    }
  }
  const auto all = windows(maker, "2026-12-01T00:00:00Z");
  int questions = 0;
  for (const Obligation& o : all) {
    if (o.kind == ObligationKind::question) {
      ++questions;
      CHECK(o.late_seconds == -Seconds{7 * 86400 - 3600});
    }
  }
  CHECK(questions == k_pairs);
}
