// The trail marks (sync/trail.h): what a run that died between two requests leaves for the next.
#include <catch2/catch.hpp>

#include "sync/trail.h"
#include "tests/unit/core_test_util.h"
#include "tests/unit/fakes.h"

namespace bzjira::sync {
namespace {

using testing::at;

RichText close_comment() {
  RichText body{paragraph("Closed: the CA answered in comment 7.")};
  body.push_back(Block{BlockKind::paragraph, {Span{"bug 1234567", "https://bmo.example/1234567"}}});
  return body;
}

}  // namespace

TEST_CASE("a trail mark survives into the next run's Trail and is cleared when ended", "[core]") {
  testing::FakeStateStore store;
  const Instant t = at("2026-10-05T01:00:00Z");
  {
    Trail first(store);
    REQUIRE(first.load().ok());
    REQUIRE(first.begin_comment("close_issue CAINC-7", close_comment(), t).ok());
    // The run dies here: nothing ends the mark.
  }
  Trail second(store);
  REQUIRE(second.load().ok());
  const auto pending = second.pending_comment("close_issue CAINC-7");
  REQUIRE(pending);
  CHECK(pending->at == t);
  CHECK(pending->fingerprint == "closedthecaansweredincomment7");
  CHECK_FALSE(second.pending_comment("close_issue CAINC-8"));
  // A second begin keeps the first attempt's time: the check must look back that far.
  REQUIRE(second.begin_comment("close_issue CAINC-7", close_comment(), t + Seconds{600}).ok());
  CHECK(second.pending_comment("close_issue CAINC-7")->at == t);
  REQUIRE(second.end_comment("close_issue CAINC-7").ok());
  Trail third(store);
  REQUIRE(third.load().ok());
  CHECK_FALSE(third.pending_comment("close_issue CAINC-7"));
  // Marks of actions that were not planned again are forgotten, the others kept.
  REQUIRE(third.begin_comment("update_issue CAINC-1", close_comment(), t).ok());
  REQUIRE(third.begin_comment("close_issue CAINC-2", close_comment(), t).ok());
  REQUIRE(third.forget_comments_except({"close_issue CAINC-2"}).ok());
  Trail fourth(store);
  REQUIRE(fourth.load().ok());
  CHECK_FALSE(fourth.pending_comment("update_issue CAINC-1"));
  CHECK(fourth.pending_comment("close_issue CAINC-2"));
}

TEST_CASE("pending links keep every field, tabs and newlines included", "[core]") {
  testing::FakeStateStore store;
  const RemoteLink link{"bzjira:bmo:1234567:bzq-1234567-c3",
                        "https://bmo.example/show_bug.cgi?id=1", "Bug 1234567\tcomment 3",
                        "Summary with\nnewline and back\\slash", true};
  {
    Trail first(store);
    REQUIRE(first.load().ok());
    REQUIRE(first
                .begin_links(
                    {{"bzq-1234567-c3", link}, {"bzu-7", RemoteLink{"g2", "u2", "", "", false}}})
                .ok());
  }
  Trail second(store);
  REQUIRE(second.load().ok());
  const auto links = second.pending_links();
  REQUIRE(links.size() == 2);
  CHECK(links[0].obligation_key == "bzq-1234567-c3");
  CHECK(links[0].link.global_id == link.global_id);
  CHECK(links[0].link.url == link.url);
  CHECK(links[0].link.title == link.title);
  CHECK(links[0].link.summary == link.summary);
  CHECK(links[0].link.resolved);
  CHECK_FALSE(links[1].link.resolved);
  REQUIRE(second.end_links({links[0]}).ok());
  Trail third(store);
  REQUIRE(third.load().ok());
  REQUIRE(third.pending_links().size() == 1);
  CHECK(third.pending_links()[0].obligation_key == "bzu-7");
}

TEST_CASE("each trail mark is one store write of its own typed row", "[core]") {
  testing::FakeStateStore store;
  Trail trail(store);
  REQUIRE(trail.load().ok());
  const RichText body{Block{BlockKind::paragraph, {Span{"Closed: answered in comment 3", ""}}}};
  REQUIRE(trail.begin_comment("close_issue CAINC-1", body, Instant{Seconds{1790000000}}).ok());
  REQUIRE(trail.begin_comment("update_issue CAINC-2", body, Instant{Seconds{1790000100}}).ok());
  CHECK(store.writes_by.at("put_pending_comment") == 2);
  REQUIRE(store.comment_marks.count("close_issue CAINC-1") == 1);
  CHECK(store.comment_marks.at("close_issue CAINC-1").fingerprint == "closedansweredincomment3");
  CHECK(store.comment_marks.at("close_issue CAINC-1").at == Instant{Seconds{1790000000}});
  REQUIRE(trail.forget_comments_except({"update_issue CAINC-2"}).ok());
  CHECK(store.writes_by.at("remove_pending_comments") == 1);
  CHECK(store.comment_marks.count("close_issue CAINC-1") == 0);
  CHECK(store.comment_marks.count("update_issue CAINC-2") == 1);
  // A mark without an obligation key or a global id is no link mark (a hand-edited state).
  store.link_marks[{"", "g"}] = PendingLink{"", RemoteLink{"g", "u", "t", "s", false}};
  Trail again(store);
  REQUIRE(again.load().ok());
  CHECK(again.pending_links().empty());
  REQUIRE(again.pending_comment("update_issue CAINC-2"));
}

TEST_CASE("fingerprints ignore case, punctuation and what follows the first link", "[core]") {
  CHECK(text_fingerprint("Due date moved: Next update 2026-10-25!") ==
        "duedatemovednextupdate20261025");
  CHECK(text_fingerprint(std::string(100, 'a')).size() == 64);
  CHECK(text_fingerprint("\xC3\xA9t\xC3\xA9 -- !!").size() == 1);  // non-ASCII letters dropped
  RichText linked{Block{BlockKind::paragraph,
                        {Span{"Posted to Bugzilla as ", ""},
                         Span{"comment 5", "https://bmo.example/c5"}, Span{" after review", ""}}}};
  CHECK(comment_fingerprint(linked) == "postedtobugzillaascomment5");
  CHECK(comment_fingerprint(RichText{}).empty());
}

TEST_CASE("comment_landed finds a comment by its fingerprint since a time, with one request",
          "[core]") {
  testing::FakeIssueTracker jira;
  jira.clock = at("2026-10-05T01:00:00Z");
  IssueDraft draft;
  draft.summary = "question";
  draft.labels = {"bzjira"};
  const auto created = jira.create_issues({draft});
  REQUIRE(created[0].ok());
  const std::string key = created[0].value().key;
  const std::string fp = comment_fingerprint(close_comment());
  auto before = comment_landed(jira, key, fp, jira.clock);
  REQUIRE(before.ok());
  CHECK_FALSE(*before);
  jira.clock = at("2026-10-05T01:05:00Z");
  REQUIRE(jira.add_comment(key, close_comment()).ok());
  const int requests = jira.requests;
  auto found = comment_landed(jira, key, fp, at("2026-10-05T01:00:00Z"));
  REQUIRE(found.ok());
  CHECK(*found);
  CHECK(jira.requests == requests + 1);
  // Only comments since the mark count.
  auto later = comment_landed(jira, key, fp, at("2026-10-05T02:00:00Z"));
  REQUIRE(later.ok());
  CHECK_FALSE(*later);
  // A person's comment quoting other text does not count.
  jira.add_human_comment(key, "Closed? The CA has not answered.", at("2026-10-05T03:00:00Z"));
  auto other = comment_landed(jira, key, fp, at("2026-10-05T02:30:00Z"));
  REQUIRE(other.ok());
  CHECK_FALSE(*other);
  // A failed read is an error, not "not found".
  jira.faults.fail("comments_since");
  CHECK_FALSE(comment_landed(jira, key, fp, jira.clock).ok());
}

}  // namespace bzjira::sync
