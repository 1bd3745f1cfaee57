// Replies written in Jira and posted to Bugzilla: found by marker, posted at most once, even when a
// run dies right after Bugzilla accepted the comment.
#include <catch2/catch.hpp>

#include "sync/executor.h"
#include "sync/plan.h"
#include "tests/unit/core_test_util.h"
#include "tests/unit/fakes.h"

namespace bzjira::sync {
namespace {

using testing::at;

struct Replies {
  Mapping mapping = [] {
    Mapping m = testing::test_mapping();
    m.replies.enabled = true;
    return m;
  }();
  testing::FakeIssueTracker jira;
  testing::FakeBugSource bugzilla;
  testing::FakeStateStore store;
  Instant now = at("2025-03-26T12:00:00Z");

  Replies() {
    bugzilla.clock = now;
    bugzilla.add_bug(1, at("2025-03-20T00:00:00Z"), "ca@ca.example");
    bugzilla.add_comment(1, "jeremy@example.org", "Why?", at("2025-03-24T15:30:00Z"));
    bugzilla.add_needinfo(1, 71, "jeremy@example.org", "ca@ca.example", at("2025-03-24T15:31:00Z"));
    bugzilla.add_needinfo(1, 72, "jeremy@example.org", "other@example.org",
                          at("2025-03-24T15:31:00Z"));
    IssueDraft d;
    d.summary = "Bug 1: reply due 2025-03-30 — question from jeremy (comment 1)";
    d.labels = issue_labels(mapping, 1, "bzq-1-5002");
    jira.create_issues({d});  // CAINC-1
    jira.requests = 0;
    jira.writes = 0;
  }

  std::vector<BugRecord> records() const { return {bugzilla.server.at(1)}; }

  ReplyScan scan() {
    auto issues = jira.find_mirrored();
    REQUIRE(issues.ok());
    return collect_replies(jira, store, mapping, *issues, records());
  }

  ExecutionReport post(const ReplyScan& s) {
    Plan p;
    p.actions = s.actions;
    return execute(p, jira, bugzilla, store, mapping, "run", now, false);
  }
};

TEST_CASE("comments starting with the marker become replies, marker removed and trimmed",
          "[core][replies]") {
  Replies r;
  r.jira.add_human_comment("CAINC-1", "#bugzilla We revoked them.\n\n**Details** follow.  ",
                           at("2025-03-26T09:00:00Z"));
  r.jira.add_human_comment("CAINC-1", "  #BugZilla\tcase does not matter",
                           at("2025-03-26T09:01:00Z"));
  r.jira.add_human_comment("CAINC-1", "#bugzillafoo is another word", at("2025-03-26T09:02:00Z"));
  r.jira.add_human_comment("CAINC-1", "internal discussion", at("2025-03-26T09:03:00Z"));
  r.jira.add_human_comment("CAINC-1", "#bugzilla   ", at("2025-03-26T09:04:00Z"));
  const ReplyScan s = r.scan();
  CHECK(s.errors.empty());
  REQUIRE(s.actions.size() == 2);
  CHECK(s.actions[0].type == ActionType::post_reply);
  CHECK(s.actions[0].issue_key == "CAINC-1");
  CHECK(s.actions[0].bug_id == 1);
  CHECK(s.actions[0].reply_markdown == "We revoked them.\n\n**Details** follow.");
  CHECK(s.actions[0].reply_created == at("2025-03-26T09:00:00Z"));
  CHECK(s.actions[1].reply_markdown == "case does not matter");
  CHECK(s.actions[0].clear_flags.empty());  // clear_needinfo is off
  REQUIRE(s.seen.count("CAINC-1") == 1);
  CHECK(s.seen.at("CAINC-1").newest == at("2025-03-26T09:04:00Z"));
}

TEST_CASE("dry-run lists each reply with the text that would be posted", "[core][replies]") {
  Replies r;
  r.jira.add_human_comment("CAINC-1", "#bugzilla We revoked them.\nAll of them.",
                           at("2025-03-26T09:00:00Z"));
  const ReplyScan s = r.scan();
  Plan p;
  p.actions = s.actions;
  const ExecutionReport e = execute(p, r.jira, r.bugzilla, r.store, r.mapping, "run", r.now, true);
  REQUIRE(e.lines.size() == 1);
  CHECK(e.lines[0].rfind("post_reply CAINC-1 bug 1 [bzq-1-5002]", 0) == 0);
  CHECK(e.lines[0].find("\"We revoked them. All of them.\"") != std::string::npos);
  CHECK(r.bugzilla.posted.empty());
  CHECK(r.store.writes == 0);
}

TEST_CASE("replies are not looked for unless the mapping enables them", "[core][replies]") {
  Replies r;
  r.mapping.replies.enabled = false;
  r.jira.add_human_comment("CAINC-1", "#bugzilla hello", at("2025-03-26T09:00:00Z"));
  auto issues = r.jira.find_mirrored();
  const int before = r.jira.requests;
  const ReplyScan s = collect_replies(r.jira, r.store, r.mapping, *issues, r.records());
  CHECK(s.actions.empty());
  CHECK(r.jira.requests == before);
}

TEST_CASE("a reply is recorded before it is posted, then confirmed and acknowledged in Jira",
          "[core][replies]") {
  Replies r;
  r.mapping.replies.clear_needinfo = true;
  r.jira.add_human_comment("CAINC-1", "#bugzilla We revoked them.", at("2025-03-26T09:00:00Z"));
  const ReplyScan s = r.scan();
  REQUIRE(s.actions.size() == 1);
  CHECK(s.actions[0].clear_flags == std::vector<FlagId>{71});  // the CA's needinfo only
  bool checked = false;
  r.bugzilla.after_post = [&] {
    REQUIRE(r.store.reply_map.size() == 1);
    CHECK_FALSE(r.store.reply_map.begin()->second.bugzilla_comment_id.has_value());
    checked = true;
  };
  const ExecutionReport e = r.post(s);
  CHECK(checked);
  CHECK(e.replies_posted == 1);
  CHECK(e.failed == 0);
  REQUIRE(r.bugzilla.posted.size() == 1);
  CHECK(r.bugzilla.posted[0] == std::make_pair(BugId{1}, std::string("We revoked them.")));
  const ReplyRecord& rec = r.store.reply_map.begin()->second;
  REQUIRE(rec.bugzilla_comment_id.has_value());
  CHECK(*rec.bugzilla_comment_id == r.bugzilla.server.at(1).comments.back().id);
  CHECK(rec.jira_acknowledged);
  // Comments 0 (description) and 1 (question) exist: the reply is comment 2.
  const auto& jira_comments = r.jira.at("CAINC-1").comments;
  REQUIRE(jira_comments.size() == 2);
  CHECK(jira_comments[1].body ==
        "Posted to Bugzilla as comment 2 <https://bugzilla.example.org/show_bug.cgi?id=1#c2>");
  CHECK(r.bugzilla.cleared == std::vector<FlagId>{71});
  // The issue itself is not closed here: that happens when the comment is read back.
  CHECK(r.jira.at("CAINC-1").issue.category == StatusCategory::todo);

  REQUIRE(finish_replies(r.store, s).ok());
  CHECK(r.store.meta["replies_seen:CAINC-1"] == "2025-03-26T09:00:00Z");
  CHECK(r.scan().actions.empty());
}

TEST_CASE("a reply is posted once even when the run dies after Bugzilla accepted it",
          "[core][replies]") {
  Replies r;
  r.jira.add_human_comment("CAINC-1", "#bugzilla We revoked them.", at("2025-03-26T09:00:00Z"));
  r.bugzilla.after_post = [] { throw testing::SimulatedCrash(); };
  REQUIRE_THROWS_AS(r.post(r.scan()), testing::SimulatedCrash);
  REQUIRE(r.bugzilla.posted.size() == 1);
  r.bugzilla.after_post = nullptr;

  // The next run: the record is there, unconfirmed; the comment is found on Bugzilla instead.
  r.now += Seconds{900};
  const ReplyScan again = r.scan();
  REQUIRE(again.actions.size() == 1);
  const ExecutionReport e = r.post(again);
  CHECK(r.bugzilla.posted.size() == 1);
  CHECK(e.replies_posted == 0);
  CHECK(e.failed == 0);
  const ReplyRecord& rec = r.store.reply_map.begin()->second;
  REQUIRE(rec.bugzilla_comment_id.has_value());
  CHECK(*rec.bugzilla_comment_id == r.bugzilla.server.at(1).comments.back().id);
  CHECK(rec.jira_acknowledged);
  CHECK(r.jira.at("CAINC-1").comments.back().body.find("Posted to Bugzilla as comment 2") == 0);
  // And a third run does nothing at all.
  REQUIRE(finish_replies(r.store, again).ok());
  CHECK(r.scan().actions.empty());
}

TEST_CASE("a reply whose post failed before reaching Bugzilla is posted on the next run",
          "[core][replies]") {
  Replies r;
  r.jira.add_human_comment("CAINC-1", "#bugzilla We revoked them.", at("2025-03-26T09:00:00Z"));
  r.bugzilla.faults.fail("post_comment", ErrorKind::transient);
  const ReplyScan s = r.scan();
  const ExecutionReport e = r.post(s);
  CHECK(e.failed == 1);
  CHECK(r.bugzilla.posted.empty());
  REQUIRE(finish_replies(r.store, s).ok());
  // The mark stays at the unposted comment so it is looked at again.
  CHECK(r.store.meta.count("replies_seen:CAINC-1") == 1);
  CHECK(r.store.meta["replies_seen:CAINC-1"] == "2025-03-26T09:00:00Z");

  const ExecutionReport e2 = r.post(r.scan());
  CHECK(e2.replies_posted == 1);
  CHECK(r.bugzilla.posted.size() == 1);
}

TEST_CASE("the same text by another account does not count as bzjira's post", "[core][replies]") {
  Replies r;
  r.jira.add_human_comment("CAINC-1", "#bugzilla Acknowledged.", at("2025-03-26T09:00:00Z"));
  // A run died after recording the reply but before Bugzilla got it; meanwhile someone else wrote
  // the same word.
  r.store.reply_map["c1"] =
      ReplyRecord{"c1", "CAINC-1", 1, reply_text_hash("Acknowledged."), std::nullopt, false, r.now};
  r.bugzilla.add_comment(1, "jeremy@example.org", "Acknowledged.", r.now);
  r.post(r.scan());
  REQUIRE(r.bugzilla.posted.size() == 1);
  CHECK(r.bugzilla.server.at(1).comments.back().creator == "ca-bot@ca.example");
}

TEST_CASE("the reply hash ignores line-ending style and outer white space", "[core][replies]") {
  CHECK(reply_text_hash("a\r\nb\n") == reply_text_hash("a\nb"));
  CHECK(reply_text_hash("a b") != reply_text_hash("a  b"));
  CHECK(reply_text_hash("x").size() == 16);
}

}  // namespace
}  // namespace bzjira::sync
