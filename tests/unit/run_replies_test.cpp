// Issue 12 through run_sync over fakes: replies read only from issues that changed, posted exactly
// once whatever dies or is deleted, and the API key check remembered per server.
#include <catch2/catch.hpp>

#include <algorithm>

#include "sync/auth_check.h"
#include "sync/plan_replies.h"
#include "tests/unit/run_world.h"

namespace bzjira::sync {
namespace {

using testing::at;
using testing::RunWorld;

constexpr Seconds k_interval{660};  // a scheduled run every 11 minutes
constexpr const char* k_reply = "The responder ran out of memory; details by Friday.";

// A world with replies on whose first two runs are done: every issue exists and was read once.
struct Replies : RunWorld {
  std::string question;

  Replies() {
    mapping.replies.enabled = true;
    REQUIRE(run().exit_code == 0);
    question = issue("bzq-101-5002").issue.key;
    advance(k_interval);
    REQUIRE(run().exit_code == 0);
    advance(k_interval);
  }

  int posted_copies() const {
    return static_cast<int>(
        std::count_if(bugzilla.posted.begin(), bugzilla.posted.end(),
                      [](const auto& p) { return p.second.find(k_reply) != std::string::npos; }));
  }

  int notes_on(const std::string& key) {
    int n = 0;
    for (const IssueComment& c : jira.at(key).comments) {
      n += parse_reply_note(c.body) ? 1 : 0;
    }
    return n;
  }
};

TEST_CASE("issue 12: with replies on, a run with nothing new reads no Jira comments",
          "[core][run][replies]") {
  Replies w;
  w.reset_counters();
  const RunReport r = w.run();
  CHECK(r.exit_code == 0);
  CHECK(w.bugzilla.requests == 2);
  CHECK(w.jira.requests == 1);  // the search; no comment list of any issue
  CHECK(r.bugzilla_requests + r.jira_requests == 3);
}

TEST_CASE("issue 12: only the issue a person commented on has its comments read",
          "[core][run][replies]") {
  Replies w;
  w.jira.add_human_comment(w.question, std::string("#bugzilla ") + k_reply, w.now);
  w.advance(k_interval);
  w.reset_counters();
  const RunReport r = w.run();
  CHECK(r.exit_code == 0);
  CHECK(r.execution.replies_posted == 1);
  // Jira: the search, which brings the question issue's comments, and the note. Bugzilla: time,
  // search, the post and its read-back.
  CHECK(w.jira.requests == 2);
  CHECK(w.jira.comment_reads.empty());
  CHECK(w.bugzilla.requests == 4);
  CHECK(w.posted_copies() == 1);
  CHECK(w.notes_on(w.question) == 1);
  CHECK(w.store.reply_map.begin()->second.finished());
}

TEST_CASE("issue 14: an issue with more comments than a search lists has them all read",
          "[core][run][replies]") {
  Replies w;
  // 25 comments: the search lists none of them (Jira's list would be cut short at 20), and the
  // reply is the 23rd.
  for (int i = 1; i <= 25; ++i) {
    w.jira.add_human_comment(
        w.question,
        i == 23 ? std::string("#bugzilla ") + k_reply : "Working note " + std::to_string(i) + ".",
        w.now + Seconds{i});
  }
  w.advance(k_interval);
  w.reset_counters();
  const RunReport r = w.run();
  CHECK(r.exit_code == 0);
  CHECK(r.execution.replies_posted == 1);
  CHECK(w.jira.comment_reads == std::vector<std::string>{w.question});
  CHECK(w.posted_copies() == 1);
  CHECK(w.notes_on(w.question) == 1);
  // Its window covers the note and the post: read again, and nothing is posted twice.
  for (int run = 0; run < 3; ++run) {
    w.advance(k_interval);
    REQUIRE(w.run().exit_code == 0);
  }
  CHECK(w.posted_copies() == 1);
  CHECK(w.notes_on(w.question) == 1);
}

TEST_CASE("issue 14: an issue with as many comments as a search lists is not read again",
          "[core][run][replies]") {
  Replies w;
  const int before = static_cast<int>(w.jira.at(w.question).comments.size());
  REQUIRE(before < 20);
  for (int i = before + 1; i <= 20; ++i) {
    w.jira.add_human_comment(
        w.question,
        i == 20 ? std::string("#bugzilla ") + k_reply : "Working note " + std::to_string(i) + ".",
        w.now + Seconds{i});
  }
  w.advance(k_interval);
  w.jira.comment_reads.clear();
  REQUIRE(w.run().exit_code == 0);
  CHECK(w.jira.comment_reads.empty());
  CHECK(w.posted_copies() == 1);
  CHECK(w.notes_on(w.question) == 1);
}

TEST_CASE("issue 12: a run killed after the post finds the reply on Bugzilla and posts nothing",
          "[core][run][replies]") {
  Replies w;
  w.jira.add_human_comment(w.question, std::string("#bugzilla ") + k_reply, w.now);
  w.advance(k_interval);
  w.bugzilla.after_post = [] { throw testing::SimulatedCrash(); };
  REQUIRE_THROWS_AS(w.run(), testing::SimulatedCrash);
  w.bugzilla.after_post = nullptr;
  REQUIRE(w.posted_copies() == 1);
  // The Jira search marks moved past the comment, but the planned reply's record keeps its issue
  // read until the reply is finished.
  w.advance(k_interval);
  const RunReport r = w.run();
  CHECK(r.exit_code == 0);
  CHECK(w.posted_copies() == 1);
  CHECK(w.notes_on(w.question) == 1);
  CHECK(w.jira.at(w.question).issue.category == StatusCategory::done);  // ca-bot is a CA account
  w.advance(k_interval);
  w.reset_counters();
  w.run();
  CHECK(w.bugzilla.writes == 0);
  CHECK(w.jira.writes == 0);
}

TEST_CASE("issue 14: a reply is found on Bugzilla in the stored comments of a bug not read again",
          "[core][run][replies]") {
  Replies w;
  w.jira.add_human_comment(w.question, std::string("#bugzilla ") + k_reply, w.now);
  w.advance(k_interval);
  w.bugzilla.after_post = [] { throw testing::SimulatedCrash(); };
  REQUIRE_THROWS_AS(w.run(), testing::SimulatedCrash);
  w.bugzilla.after_post = nullptr;
  REQUIRE(w.posted_copies() == 1);
  // This run reads and stores the bug with the post, then fails on Jira before any reply is seen
  // (the search lists no comments, so they are read, and that read fails).
  w.advance(k_interval);
  w.jira.search_comment_limit = 0;
  w.jira.faults.fail("comments_since");
  REQUIRE(w.run().exit_code == 3);
  // The next one does not read the bug again (its records come without comments): the reference
  // line is looked up among the stored ones.
  w.advance(k_interval);
  const std::size_t comment_reads = w.bugzilla.comment_calls.size();
  const RunReport r = w.run();
  CHECK(r.exit_code == 0);
  CHECK(w.bugzilla.comment_calls.size() == comment_reads);
  CHECK(w.posted_copies() == 1);
  CHECK(w.notes_on(w.question) == 1);
}

TEST_CASE("issue 12: a run killed before the post posts on the next run, once",
          "[core][run][replies]") {
  Replies w;
  w.jira.add_human_comment(w.question, std::string("#bugzilla ") + k_reply, w.now);
  w.advance(k_interval);
  w.bugzilla.faults.fail("post_comment", ErrorKind::transient);  // refused before it was sent
  CHECK(w.run().exit_code == 1);
  CHECK(w.posted_copies() == 0);
  w.advance(k_interval);
  CHECK(w.run().exit_code == 0);
  CHECK(w.posted_copies() == 1);
  CHECK(w.notes_on(w.question) == 1);
}

TEST_CASE("issue 12: with the state deleted, nothing posted before is posted again",
          "[core][run][replies]") {
  Replies w;
  w.jira.add_human_comment(w.question, std::string("#bugzilla ") + k_reply, w.now);
  w.advance(k_interval);
  REQUIRE(w.run().exit_code == 0);
  REQUIRE(w.posted_copies() == 1);

  SECTION("after a complete post: the Jira note rebuilds the record") {
    w.store = testing::FakeStateStore{};
    w.advance(k_interval);
    const RunReport r = w.run();
    CHECK(r.exit_code == 0);
    CHECK(w.posted_copies() == 1);
    CHECK(w.notes_on(w.question) == 1);
    REQUIRE(w.store.reply_map.size() == 1);
    CHECK(w.store.reply_map.begin()->second.finished());
  }
  SECTION("and with the note missing: the reference on Bugzilla rebuilds it") {
    auto& comments = w.jira.at(w.question).comments;
    comments.erase(std::remove_if(comments.begin(), comments.end(),
                                  [](const IssueComment& c) { return parse_reply_note(c.body); }),
                   comments.end());
    w.store = testing::FakeStateStore{};
    w.advance(k_interval);
    const RunReport r = w.run();
    CHECK(r.exit_code == 0);
    CHECK(r.execution.replies_posted == 0);
    CHECK(w.posted_copies() == 1);
    CHECK(w.notes_on(w.question) == 1);
  }
}

TEST_CASE("issue 12: a comment imitating the reference line does not stop the real reply",
          "[core][run][replies]") {
  Replies w;
  const std::string key = w.question;
  w.jira.add_human_comment(key, std::string("#bugzilla ") + k_reply, w.now);
  const std::string jira_id = w.jira.at(key).comments.back().id;
  // Before bzjira posts, someone writes the line bzjira would end its reply with.
  w.bugzilla.add_comment(101, "troll@example.net",
                         "Nothing to see.\n\n" + reply_reference(key, jira_id), w.now);
  w.advance(k_interval);
  REQUIRE(w.run().exit_code == 0);
  CHECK(w.posted_copies() == 1);
}

TEST_CASE("issue 12: a failed Jira comment read ends the run and is read again next time",
          "[core][run][replies]") {
  Replies w;
  w.jira.add_human_comment(w.question, std::string("#bugzilla ") + k_reply, w.now);
  w.advance(k_interval);
  w.jira.search_comment_limit = 0;  // the search lists none: they are read, and that read fails
  w.jira.faults.fail("comments_since");
  const RunReport failed = w.run();
  CHECK(failed.exit_code == 3);
  CHECK(w.posted_copies() == 0);
  // A much later run: the search window still reaches back to the failed run's.
  w.advance(k_interval);
  w.advance(k_interval);
  CHECK(w.run().exit_code == 0);
  CHECK(w.posted_copies() == 1);
}

TEST_CASE("issue 12: enabling replies reads every open issue once, then only changed ones",
          "[core][run][replies]") {
  RunWorld w;
  REQUIRE(w.run().exit_code == 0);
  const std::string q = w.issue("bzq-101-5002").issue.key;
  w.jira.add_human_comment(q, std::string("#bugzilla ") + k_reply, w.now);
  w.advance(k_interval);
  REQUIRE(w.run().exit_code == 0);  // replies off: nothing read, nothing posted
  CHECK(w.bugzilla.posted.empty());
  w.advance(k_interval);
  w.mapping.replies.enabled = true;
  w.reset_counters();
  REQUIRE(w.run().exit_code == 0);
  CHECK(w.jira.requests >= 1 + 3);  // the search and the three open issues' comments
  CHECK(w.bugzilla.posted.size() == 1);
}

TEST_CASE("issue 12: the API key is checked once and remembered per server", "[core][run][auth]") {
  RunWorld w;
  w.mapping.bugzilla.auth = BugzillaAuth::automatic;
  w.bugzilla.auth_check = AuthCheck{true, BugzillaAuth::query, "", "query mode"};
  REQUIRE(w.run().exit_code == 0);
  CHECK(w.bugzilla.verify_calls == 1);
  const auto memo = parse_auth_memo(w.store.meta.at(auth_memo_key(w.mapping)));
  REQUIRE(memo);
  CHECK(memo->mode == BugzillaAuth::query);
  CHECK(memo->configured == BugzillaAuth::automatic);

  // Steady runs use what was found, without a request for it.
  w.advance(k_interval);
  w.run();
  w.advance(k_interval);
  w.reset_counters();
  w.run();
  CHECK(w.bugzilla.verify_calls == 1);
  CHECK(w.bugzilla.used_auth.back() == BugzillaAuth::query);
  CHECK(w.bugzilla.requests + w.jira.requests == 3);

  // A day later, or with another bugzilla.auth, it is checked again.
  w.advance(k_auth_check_every);
  w.run();
  CHECK(w.bugzilla.verify_calls == 2);
  w.mapping.bugzilla.auth = BugzillaAuth::query;
  w.advance(k_interval);
  w.run();
  CHECK(w.bugzilla.verify_calls == 3);
}

TEST_CASE("issue 12: a server reading the key's requests anonymously stops the run with exit 2",
          "[core][run][auth]") {
  RunWorld w;
  w.bugzilla.auth_error = make_error(ErrorKind::config,
                                     "the server has no /rest/whoami ...; set bugzilla.auth to "
                                     "\"query\"");
  const RunReport r = w.run();
  CHECK(r.exit_code == 2);
  CHECK(w.bugzilla.requests == 1);  // nothing read after the check
  CHECK(w.jira.requests == 0);
  CHECK(w.jira.issues.empty());
  CHECK(r.summary.find("set bugzilla.auth to \"query\"") != std::string::npos);
  CHECK(w.store.meta.count(auth_memo_key(w.mapping)) == 0);
  // Unreachable while checking: exit 3, checked again next time.
  w.bugzilla.auth_error = make_error(ErrorKind::transient, "connection refused");
  CHECK(w.run().exit_code == 3);
}

TEST_CASE("issue 12: the remembered check reads back as written, a broken one as missing",
          "[core][auth]") {
  const AuthMemo memo{BugzillaAuth::automatic, BugzillaAuth::header, at("2026-12-02T10:00:00Z"),
                      "bot@example.org"};
  CHECK(format_auth_memo(memo) == "auto header 2026-12-02T10:00:00Z bot@example.org");
  const auto back = parse_auth_memo(format_auth_memo(memo));
  REQUIRE(back);
  CHECK(back->login == "bot@example.org");
  CHECK(back->checked_at == memo.checked_at);
  CHECK(parse_auth_memo("query query 2026-12-02T10:00:00Z ")->login.empty());
  CHECK_FALSE(parse_auth_memo("auto auto 2026-12-02T10:00:00Z x"));
  CHECK_FALSE(parse_auth_memo("header header yesterday x"));
  CHECK_FALSE(parse_auth_memo(""));
}

}  // namespace
}  // namespace bzjira::sync
