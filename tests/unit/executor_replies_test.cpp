// Replies from Jira posted to Bugzilla by the executor, as sync/plan_replies.h planned them: the
// record before the post, the reference line in the posted text, the note in Jira naming the
// comment as people see it, and nothing posted for a reply already on Bugzilla.
#include <catch2/catch.hpp>

#include "sync/executor.h"
#include "sync/plan.h"
#include "sync/plan_replies.h"
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
    IssueDraft d;
    d.summary = "Bug 1: reply due 2025-03-30 — question from jeremy (comment 1)";
    d.labels = issue_labels(mapping, 1, "bzq-1-5002");
    jira.create_issues({d});  // CAINC-1
    jira.requests = 0;
    jira.writes = 0;
  }

  // The post_reply action plan_replies would make for Jira comment `id`.
  Action reply(const std::string& id, const std::string& text) const {
    Action a;
    a.type = ActionType::post_reply;
    a.obligation_key = "bzq-1-5002";
    a.issue_key = "CAINC-1";
    a.bug_id = 1;
    a.jira_comment_id = id;
    a.reply_markdown = text;
    a.reason = "a reply";
    return a;
  }

  ExecutionReport execute_one(const Action& a, bool dry_run = false) {
    Plan p;
    p.actions = {a};
    return execute(p, jira, bugzilla, store, mapping, "run", now, dry_run);
  }
};

TEST_CASE("a reply is recorded before it is posted with its reference, then noted in Jira",
          "[core][replies]") {
  Replies r;
  Action a = r.reply("10009", "We revoked them.");
  a.clear_flags = {71};
  r.bugzilla.add_needinfo(1, 71, "jeremy@example.org", "ca@ca.example", at("2025-03-24T15:31:00Z"));
  bool checked = false;
  r.bugzilla.after_post = [&] {
    REQUIRE(r.store.reply_map.count("10009") == 1);
    CHECK_FALSE(r.store.reply_map.at("10009").posted());
    checked = true;
  };
  const ExecutionReport e = r.execute_one(a);
  CHECK(checked);
  CHECK(e.replies_posted == 1);
  CHECK(e.failed == 0);
  REQUIRE(r.bugzilla.posted.size() == 1);
  CHECK(r.bugzilla.posted[0].second ==
        "We revoked them.\n\n(posted from Jira CAINC-1, comment 10009)");
  // Comments 0 (description) and 1 (question) exist: the reply is comment 2, read back.
  const ReplyRecord& rec = r.store.reply_map.at("10009");
  CHECK(rec.bugzilla_comment_id == r.bugzilla.server.at(1).comments.back().id);
  CHECK(rec.jira_acknowledged);
  REQUIRE(r.jira.at("CAINC-1").comments.size() == 1);
  CHECK(r.jira.at("CAINC-1").comments[0].body ==
        "Posted to Bugzilla as comment 2 <https://bugzilla.example.org/show_bug.cgi?id=1#c2> "
        "(Jira comment 10009).");
  CHECK(r.bugzilla.cleared == std::vector<FlagId>{71});
  CHECK(e.reply_account == "ca-bot@ca.example");
  REQUIRE_FALSE(e.lines.empty());
  CHECK(e.lines[0] ==
        "posted the reply of CAINC-1 (Jira comment 10009) to bug 1 as comment 2 "
        "(https://bugzilla.example.org/show_bug.cgi?id=1#c2)");
  // The issue itself is not closed here: that happens when the comment is read back.
  CHECK(r.jira.at("CAINC-1").issue.category == StatusCategory::todo);
}

TEST_CASE("a reply already on Bugzilla gets its record and note, and no second post",
          "[core][replies]") {
  Replies r;
  const Comment& on_bugzilla = r.bugzilla.add_comment(
      1, "ca-bot@ca.example", reply_post_text("We revoked them.", "CAINC-1", "10009"), r.now);
  Action a = r.reply("10009", "We revoked them.");
  a.reply_bugzilla_id = on_bugzilla.id;
  a.reply_count = on_bugzilla.count;
  const ExecutionReport e = r.execute_one(a);
  CHECK(r.bugzilla.posted.empty());
  CHECK(e.replies_posted == 0);
  CHECK(e.failed == 0);
  CHECK(r.store.reply_map.at("10009").bugzilla_comment_id == on_bugzilla.id);
  CHECK(r.store.reply_map.at("10009").jira_acknowledged);
  REQUIRE(r.jira.at("CAINC-1").comments.size() == 1);
  CHECK(r.jira.at("CAINC-1").comments[0].body.rfind("Posted to Bugzilla as comment 2 ", 0) == 0);
  REQUIRE_FALSE(e.lines.empty());
  CHECK(e.lines[0] ==
        "found the reply of CAINC-1 (Jira comment 10009) on bug 1 as comment 2 "
        "(https://bugzilla.example.org/show_bug.cgi?id=1#c2): not posted again");
}

TEST_CASE("when the posted comment cannot be read back, its note waits for the next run",
          "[core][replies]") {
  Replies r;
  r.bugzilla.faults.fail("comments");  // the read-back
  const ExecutionReport e = r.execute_one(r.reply("10009", "We revoked them."));
  CHECK(e.replies_posted == 1);
  CHECK(e.failed == 0);
  CHECK(r.store.reply_map.at("10009").bugzilla_comment_id.has_value());
  CHECK_FALSE(r.store.reply_map.at("10009").jira_acknowledged);
  CHECK(r.jira.at("CAINC-1").comments.empty());
  REQUIRE(e.lines.size() == 2);
  CHECK(e.lines[0] ==
        "posted the reply of CAINC-1 (Jira comment 10009) to bug 1 "
        "(https://bugzilla.example.org/show_bug.cgi?id=1)");
  CHECK(e.lines[1].find("waits for the comment number") != std::string::npos);
}

TEST_CASE("a reply posted earlier that Bugzilla no longer shows gets a note naming the bug",
          "[core][replies]") {
  Replies r;
  r.store.reply_map["10009"] = ReplyRecord{"10009", "CAINC-1", 1, "h", 6000, false, r.now};
  Action a = r.reply("10009", "We revoked them.");
  a.reply_bugzilla_id = 6000;
  const ExecutionReport e = r.execute_one(a);
  CHECK(r.bugzilla.posted.empty());
  CHECK(e.failed == 0);
  REQUIRE(r.jira.at("CAINC-1").comments.size() == 1);
  CHECK(r.jira.at("CAINC-1").comments[0].body ==
        "Posted to Bugzilla on bug 1 <https://bugzilla.example.org/show_bug.cgi?id=1> (Jira "
        "comment 10009).");
  CHECK(r.store.reply_map.at("10009").jira_acknowledged);
}

TEST_CASE("a failed post leaves the record unconfirmed and counts as a failure",
          "[core][replies]") {
  Replies r;
  r.bugzilla.faults.fail("post_comment", ErrorKind::transient);
  const ExecutionReport e = r.execute_one(r.reply("10009", "We revoked them."));
  CHECK(e.failed == 1);
  CHECK(e.replies_posted == 0);
  CHECK(r.bugzilla.posted.empty());
  REQUIRE(r.store.reply_map.count("10009") == 1);
  CHECK_FALSE(r.store.reply_map.at("10009").posted());
}

TEST_CASE("dry-run lists each reply and counts only those it would post", "[core][replies]") {
  Replies r;
  Action found = r.reply("10010", "Found.");
  found.reply_bugzilla_id = 6000;
  found.reply_count = 4;
  Plan p;
  p.actions = {r.reply("10009", "We revoked them.\nAll of them."), found};
  const ExecutionReport e = execute(p, r.jira, r.bugzilla, r.store, r.mapping, "run", r.now, true);
  REQUIRE(e.lines.size() == 2);
  CHECK(e.lines[0].rfind("post_reply CAINC-1 bug 1 [bzq-1-5002]", 0) == 0);
  CHECK(e.lines[0].find("\"We revoked them. All of them.\"") != std::string::npos);
  CHECK(e.replies_posted == 1);
  CHECK(r.bugzilla.posted.empty());
  CHECK(r.store.writes == 0);
}

TEST_CASE("the reply hash ignores line-ending style and outer white space", "[core][replies]") {
  CHECK(reply_text_hash("a\r\nb\n") == reply_text_hash("a\nb"));
  CHECK(reply_text_hash("a\rb") == reply_text_hash("a\nb"));
  CHECK(reply_text_hash("a b") != reply_text_hash("a  b"));
  CHECK(reply_text_hash("x").size() == 16);
}

}  // namespace
}  // namespace bzjira::sync
