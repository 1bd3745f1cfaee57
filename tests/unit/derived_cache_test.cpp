// The derived cache (issue 14, point 1): an unchanged bug is not derived again, its stored windows
// are only settled again for the new time; a changed bug, a changed engine input, a damaged row or
// a fact too recent to be settled make it derived again. Deadlines below are worked out by hand
// (start + 7 days).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "sync/derived_cache.h"
#include "tests/unit/core_test_util.h"
#include "tests/unit/fakes_store.h"

using namespace bzjira::sync;
using namespace bzjira::sync::testing;

namespace {

Mapping test_mapping() {
  Mapping m;
  m.name = "test";
  m.bugzilla.ca_accounts = ca_accounts();
  m.bugzilla.ignored_accounts = ignored_accounts();
  return m;
}

// Bug 100: filed by the CA on Jan 1, a question from alice on Jan 2 10:00 (due Jan 9 10:00), never
// answered; the CA's filing comment opened an update window due Jan 8 00:00.
BugRecord open_question_bug() {
  return BugMaker(100, "2026-01-01T00:00:00Z", "ca@example.com")
      .comment(1000, 0, "ca@example.com", "2026-01-01T00:00:00Z")
      .comment(1001, 1, "alice@mozilla.com", "2026-01-02T10:00:00Z", "When is the fix due?")
      .record();
}

// Bug 200: a question answered on time, so its window has ended (met).
BugRecord answered_bug() {
  return BugMaker(200, "2026-01-01T00:00:00Z", "ca@example.com")
      .comment(2000, 0, "ca@example.com", "2026-01-01T00:00:00Z")
      .comment(2001, 1, "alice@mozilla.com", "2026-01-02T10:00:00Z")
      .comment(2002, 2, "ca@example.com", "2026-01-03T10:00:00Z")
      .record();
}

std::map<BugId, BugRecord> heads_of(const FakeStateStore& store) {
  std::map<BugId, BugRecord> out;
  for (const auto& [id, r] : store.bugs) {
    out[id] = BugRecord{r.bug, {}, {}};
  }
  return out;
}

const Obligation* window_of(const std::vector<BugObligations>& bugs, const std::string& key) {
  for (const BugObligations& b : bugs) {
    if (const Obligation* o = find_window(b.windows, key)) {
      return o;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("Windows survive the byte encoding field for field") {
  Obligation o;
  o.key = "bzq-7-70";
  o.kind = ObligationKind::needinfo;
  o.bug_id = 7;
  o.start = at("2026-02-01T08:00:00Z");
  o.deadline = at("2026-02-08T08:00:00Z");
  o.should_by = at("2026-02-04T08:00:00Z");
  o.rule = "IRG 3.2: respond; with \"quotes\" and 12:34; semicolons";
  o.start_comment_id = 70;
  o.start_comment_count = 3;
  o.start_author = "alice@mozilla.com";
  o.flag_id = 9;
  o.start_comment_private = true;
  o.start_text = std::string("line one\nline two; 5:abc;\0 after a NUL", 38);
  o.start_reopened = true;
  o.deadline_from_next_update = true;
  o.next_update = Date{std::chrono::year{2026}, std::chrono::month{2}, std::chrono::day{8}};
  o.days = 0;
  o.satisfied_at = at("2026-02-07T08:00:00Z");
  o.satisfied_by = "ca@example.com";
  o.satisfied_comment_id = 71;
  o.satisfied_comment_count = 4;
  o.end_reason = "";
  o.status = WindowStatus::met;
  o.late_seconds = -Seconds{86400};
  Obligation plain;
  plain.key = "bzu-7-0";

  const auto back = decode_windows(encode_windows({o, plain}));
  REQUIRE(back.has_value());
  REQUIRE(back->size() == 2);
  const Obligation& b = (*back)[0];
  CHECK(b.key == o.key);
  CHECK(b.kind == ObligationKind::needinfo);
  CHECK(b.bug_id == 7);
  CHECK(b.start == o.start);
  CHECK(b.deadline == o.deadline);
  CHECK(b.should_by == o.should_by);
  CHECK(b.rule == o.rule);
  CHECK(b.start_comment_id == 70);
  CHECK(b.start_comment_count == 3);
  CHECK(b.start_author == o.start_author);
  CHECK(b.flag_id == 9);
  CHECK(b.start_comment_private);
  CHECK(b.start_text == o.start_text);
  CHECK(b.start_text.size() == 38);
  CHECK(b.start_reopened);
  CHECK(b.deadline_from_next_update);
  CHECK(b.next_update == o.next_update);
  CHECK(b.satisfied_at == o.satisfied_at);
  CHECK(b.satisfied_by == "ca@example.com");
  CHECK(b.satisfied_comment_id == 71);
  CHECK(b.satisfied_comment_count == 4);
  CHECK_FALSE(b.ended_at.has_value());
  CHECK(b.status == WindowStatus::met);
  CHECK(b.late_seconds == -Seconds{86400});
  const Obligation& p = (*back)[1];
  CHECK(p.key == "bzu-7-0");
  CHECK_FALSE(p.should_by.has_value());
  CHECK_FALSE(p.next_update.has_value());
  CHECK_FALSE(p.satisfied_at.has_value());
  CHECK(p.status == WindowStatus::open);
}

TEST_CASE("Damaged or foreign bytes are refused rather than read") {
  const std::string good = encode_windows(windows(open_question_bug(), "2026-01-20T00:00:00Z"));
  REQUIRE(decode_windows(good).has_value());
  CHECK_FALSE(decode_windows("").has_value());
  CHECK_FALSE(decode_windows("bzd9" + good.substr(4)).has_value());
  CHECK_FALSE(decode_windows(good.substr(0, good.size() - 3)).has_value());
  CHECK_FALSE(decode_windows(good + "x").has_value());
  CHECK_FALSE(decode_windows("bzd199999999999;").has_value());
  CHECK_FALSE(decode_windows("bzd11;5000:abc;").has_value());
}

TEST_CASE(
    "An open window settled again turns overdue once its deadline passes, an ended one stays") {
  Obligation open;
  open.deadline = at("2026-01-09T10:00:00Z");
  open.status = WindowStatus::open;
  open.late_seconds = -Seconds{3600};
  resettle(open, at("2026-01-10T10:00:00Z"));
  CHECK(open.status == WindowStatus::overdue);
  CHECK(open.late_seconds == Seconds{86400});
  resettle(open, at("2026-01-09T10:00:00Z"));  // exactly at the deadline: still open
  CHECK(open.status == WindowStatus::open);
  CHECK(open.late_seconds == Seconds{0});

  Obligation met;
  met.deadline = at("2026-01-09T10:00:00Z");
  met.status = WindowStatus::met;
  met.late_seconds = -Seconds{600};
  resettle(met, at("2026-02-01T00:00:00Z"));
  CHECK(met.status == WindowStatus::met);
  CHECK(met.late_seconds == -Seconds{600});
}

TEST_CASE("A second run reuses the stored windows of an unchanged bug and settles them anew") {
  FakeStateStore store;
  store.bugs[100] = open_question_bug();
  const Mapping mapping = test_mapping();

  // Jan 8 12:00: the question (due Jan 9 10:00) is open, the update window (due Jan 8 00:00) is
  // overdue.
  DerivedWindows first(store, mapping, at("2026-01-08T12:00:00Z"));
  auto one = first.derive(heads_of(store), {});
  REQUIRE(one.ok());
  CHECK(first.derived() == 1);
  CHECK(first.reused() == 0);
  REQUIRE(store.derived.count(100) == 1);
  const Obligation* q = window_of(*one, "bzq-100-1001");
  REQUIRE(q != nullptr);
  CHECK(q->status == WindowStatus::open);
  CHECK(q->deadline == at("2026-01-09T10:00:00Z"));

  // Jan 10 10:00: nothing changed; the question is now overdue by a day, read from the cache only
  // (the heads carry no comments: a derivation from them would find no question at all).
  DerivedWindows second(store, mapping, at("2026-01-10T10:00:00Z"));
  auto two = second.derive(heads_of(store), {});
  REQUIRE(two.ok());
  CHECK(second.derived() == 0);
  CHECK(second.reused() == 1);
  q = window_of(*two, "bzq-100-1001");
  REQUIRE(q != nullptr);
  CHECK(q->status == WindowStatus::overdue);
  CHECK(q->late_seconds == Seconds{86400});
  CHECK(q->start_text == "When is the fix due?");
  const Obligation* u = window_of(*two, "bzu-100-1000");
  REQUIRE(u != nullptr);
  CHECK(u->status == WindowStatus::overdue);
  CHECK(u->late_seconds == Seconds{2 * 86400 + 10 * 3600});
}

TEST_CASE("A bug read again, another CA account list or a damaged row is derived again") {
  FakeStateStore store;
  store.bugs[100] = open_question_bug();
  const Mapping mapping = test_mapping();
  DerivedWindows first(store, mapping, at("2026-01-08T12:00:00Z"));
  REQUIRE(first.derive(heads_of(store), {}).ok());

  SECTION("read again this run") {
    std::map<BugId, BugRecord> records{{100, open_question_bug()}};
    DerivedWindows again(store, mapping, at("2026-01-08T13:00:00Z"));
    REQUIRE(again.derive(records, {100}).ok());
    CHECK(again.derived() == 1);
  }
  SECTION("alice now speaks for the CA: her comment is an update, not a question") {
    Mapping changed = mapping;
    changed.bugzilla.ca_accounts.push_back("alice@mozilla.com");
    DerivedWindows again(store, changed, at("2026-01-08T13:00:00Z"));
    auto bugs = again.derive(heads_of(store), {});
    REQUIRE(bugs.ok());
    CHECK(again.derived() == 1);
    CHECK(window_of(*bugs, "bzq-100-1001") == nullptr);
    CHECK(window_of(*bugs, "bzu-100-1001") != nullptr);
  }
  SECTION("damaged row") {
    store.derived[100].open_windows = "bzd1garbage";
    DerivedWindows again(store, mapping, at("2026-01-08T13:00:00Z"));
    auto bugs = again.derive(heads_of(store), {});
    REQUIRE(bugs.ok());
    CHECK(again.derived() == 1);
    CHECK(window_of(*bugs, "bzq-100-1001") != nullptr);
  }
  SECTION("a clock behind the derivation") {
    DerivedWindows again(store, mapping, at("2026-01-08T11:00:00Z"));
    REQUIRE(again.derive(heads_of(store), {}).ok());
    CHECK(again.derived() == 1);
  }
}

TEST_CASE("A bug with a comment less than five minutes old is derived every run and not stored") {
  FakeStateStore store;
  store.bugs[100] = open_question_bug();
  const Mapping mapping = test_mapping();
  // Alice's comment was 3 minutes ago: a closure marker could still count from it.
  DerivedWindows first(store, mapping, at("2026-01-02T10:03:00Z"));
  REQUIRE(first.derive(heads_of(store), {}).ok());
  CHECK(first.derived() == 1);
  CHECK(store.derived.count(100) == 0);
  DerivedWindows later(store, mapping, at("2026-01-02T10:05:00Z"));
  REQUIRE(later.derive(heads_of(store), {}).ok());
  CHECK(later.derived() == 1);
  CHECK(store.derived.count(100) == 1);
}

TEST_CASE("A dry run derives without storing") {
  FakeStateStore store;
  store.bugs[100] = open_question_bug();
  ReadOnlyStore read_only(store);
  const Mapping mapping = test_mapping();  // DerivedWindows keeps a reference
  DerivedWindows dry(read_only, mapping, at("2026-01-08T12:00:00Z"));
  auto bugs = dry.derive(heads_of(store), {});
  REQUIRE(bugs.ok());
  CHECK(dry.derived() == 1);
  CHECK(store.derived.empty());
}

TEST_CASE("Ended windows of a reused bug are loaded only for an issue still open under their key") {
  FakeStateStore store;
  store.bugs[200] = answered_bug();
  const Mapping mapping = test_mapping();
  DerivedWindows first(store, mapping, at("2026-01-20T00:00:00Z"));
  REQUIRE(first.derive(heads_of(store), {}).ok());

  DerivedWindows second(store, mapping, at("2026-01-20T01:00:00Z"));
  auto bugs = second.derive(heads_of(store), {});
  REQUIRE(bugs.ok());
  REQUIRE(second.reused() == 1);
  CHECK(window_of(*bugs, "bzq-200-2001") == nullptr);  // met: not among the open ones

  MirroredIssue done{"1",
                     "CAINC-1",
                     "s",
                     {"bzjira", "bz-200", "bzq-200-2001"},
                     std::nullopt,
                     "Done",
                     StatusCategory::done,
                     "Done",
                     std::nullopt,
                     std::nullopt,
                     std::nullopt};
  REQUIRE(second.add_ended(*bugs, {done}).ok());
  CHECK(window_of(*bugs, "bzq-200-2001") == nullptr);

  MirroredIssue open = done;
  open.category = StatusCategory::todo;
  open.status = "To Do";
  open.resolution = "";
  REQUIRE(second.add_ended(*bugs, {open}).ok());
  const Obligation* q = window_of(*bugs, "bzq-200-2001");
  REQUIRE(q != nullptr);
  CHECK(q->status == WindowStatus::met);
  CHECK(q->satisfied_comment_id == 2002);
  // Oldest start first, as obligation_windows() orders them.
  REQUIRE(bugs->size() == 1);
  const auto& w = bugs->front().windows;
  CHECK(std::is_sorted(w.begin(), w.end(),
                       [](const Obligation& a, const Obligation& b) { return a.start < b.start; }));
}

TEST_CASE("The stored fingerprint is a short digest that every engine input changes") {
  Mapping mapping = test_mapping();
  for (int i = 0; i < 60; ++i) {  // a CA with many accounts: the text would be kilobytes
    mapping.bugzilla.ca_accounts.push_back("compliance" + std::to_string(i) + "@ca.example");
  }
  const std::string base = derivation_fingerprint(mapping);
  CHECK(base.size() == ("engine " + std::to_string(k_engine_version) + " ").size() + 16);
  CHECK(base.rfind("engine " + std::to_string(k_engine_version) + " ", 0) == 0);
  Mapping ignored = mapping;
  ignored.bugzilla.ignored_accounts.push_back("bot@example.net");
  Mapping days = mapping;
  days.policy.response_days += 1;
  Mapping full = mapping;
  full.policy.full_report = !full.policy.full_report;
  const std::set<std::string> all = {base, derivation_fingerprint(ignored),
                                     derivation_fingerprint(days), derivation_fingerprint(full)};
  CHECK(all.size() == 4);
  CHECK(derivation_fingerprint(test_mapping()) != base);
}
