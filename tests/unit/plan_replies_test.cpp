// Issue 12: replies from Jira to Bugzilla, decided by a pure function (sync/plan_replies.h): the
// reference line that makes a posted reply recognisable by content, the Jira note, which issues a
// run reads, and what to post. Expected values are worked out by hand from the inputs.
#include <catch2/catch.hpp>

#include "sync/plan_replies.h"
#include "tests/unit/core_test_util.h"
#include "tests/unit/fakes_inputs.h"

namespace bzjira::sync {
namespace {

using testing::at;

constexpr const char* k_ca = "ca@ca.example";
constexpr const char* k_bot = "ca-bot@ca.example";

MirroredIssue issue(const std::string& key, BugId bug, const std::string& obligation,
                    StatusCategory category = StatusCategory::todo,
                    std::optional<Instant> updated = std::nullopt) {
  MirroredIssue i;
  i.key = key;
  i.labels = {"bzjira", "bz-" + std::to_string(bug), obligation};
  i.category = category;
  i.updated = updated;
  return i;
}

Comment bz_comment(CommentId id, int count, const std::string& creator, const std::string& text,
                   Instant time) {
  Comment c;
  c.id = id;
  c.bug_id = 1;
  c.count = count;
  c.creator = creator;
  c.text = text;
  c.time = time;
  return c;
}

// One issue (CAINC-6 for bug 1's question) and the inputs around it; tests change what they need.
struct Inputs {
  Mapping mapping = [] {
    Mapping m = testing::test_mapping();
    m.replies.enabled = true;
    return m;
  }();
  std::vector<MirroredIssue> mirrored = {issue("CAINC-6", 1, "bzq-1-5002")};
  std::map<std::string, std::vector<IssueComment>> comments;
  std::map<BugId, BugRecord> bugs;
  std::map<std::string, ReplyRecord> records;
  std::string account;
  Instant now = at("2025-03-26T12:00:00Z");

  Inputs() {
    BugRecord& r = bugs[1];
    r.bug.id = 1;
    r.comments.push_back(bz_comment(5001, 0, k_ca, "Incident report", at("2025-03-20T00:00:00Z")));
    r.comments.push_back(
        bz_comment(5002, 1, "jeremy@example.org", "Why?", at("2025-03-24T15:30:00Z")));
  }

  void jira_comment(const std::string& id, const std::string& body,
                    const char* when = "2025-03-26T09:00:00Z", const std::string& key = "CAINC-6") {
    comments[key].push_back(IssueComment{id, "Alice", body, at(when)});
  }

  void bugzilla_comment(CommentId id, const std::string& creator, const std::string& text,
                        const char* when = "2025-03-26T09:05:00Z") {
    BugRecord& r = bugs.at(1);
    r.comments.push_back(
        bz_comment(id, static_cast<int>(r.comments.size()), creator, text, at(when)));
  }

  ReplyPlan plan() const {
    ReplyInputs in;
    in.mapping = &mapping;
    in.mirrored = &mirrored;
    in.comments = &comments;
    in.bugs = &bugs;
    in.records = &records;
    in.account = account;
    in.now = now;
    return plan_replies(in);
  }
};

TEST_CASE("a posted reply ends with a reference line naming its Jira issue and comment",
          "[core][replies]") {
  CHECK(reply_reference("CAINC-6", "10009") == "(posted from Jira CAINC-6, comment 10009)");
  CHECK(reply_post_text("We revoked them.", "CAINC-6", "10009") ==
        "We revoked them.\n\n(posted from Jira CAINC-6, comment 10009)");
  const auto ref = parse_reply_reference(
      "We revoked them.\n\n(posted from Jira CAINC-6, comment "
      "10009)");
  REQUIRE(ref);
  CHECK(ref->issue_key == "CAINC-6");
  CHECK(ref->jira_comment_id == "10009");
  CHECK(ref->reply == "We revoked them.\n");
}

TEST_CASE("only an exact last line is a reference: quoted, inline or followed by text is not",
          "[core][replies]") {
  // What Bugzilla may do to a stored comment: CR LF, trailing white space.
  CHECK(parse_reply_reference("a\r\n\r\n(posted from Jira CAINC-6, comment 10009)  \r\n\n"));
  CHECK(parse_reply_reference("(posted from Jira AB_2-17, comment 7)"));
  CHECK_FALSE(parse_reply_reference("> (posted from Jira CAINC-6, comment 10009)"));
  CHECK_FALSE(parse_reply_reference(" (posted from Jira CAINC-6, comment 10009)"));
  CHECK_FALSE(parse_reply_reference("see (posted from Jira CAINC-6, comment 10009)"));
  CHECK_FALSE(parse_reply_reference("(posted from Jira CAINC-6, comment 10009)\nThanks."));
  CHECK_FALSE(parse_reply_reference("(posted from Jira cainc-6, comment 10009)"));
  CHECK_FALSE(parse_reply_reference("(posted from Jira CAINC-6, comment 10 009)"));
  CHECK_FALSE(parse_reply_reference("(posted from Jira CAINC-6, comment 10009"));
  CHECK_FALSE(parse_reply_reference("(posted from Jira CAINC, comment 10009)"));
  CHECK_FALSE(referenceable("CAINC-6", "10009)\n(x"));
  CHECK_FALSE(referenceable("CAINC 6", "10009"));
}

TEST_CASE("a reference is trusted with the reply's text, or from the reply account",
          "[core][replies]") {
  const std::string posted = reply_post_text("We revoked them.", "CAINC-6", "10009");
  const Instant t = at("2025-03-26T09:05:00Z");
  // Same text: trusted whoever the author (upstream 5.x cannot say who the key is).
  CHECK(trusted_reference(bz_comment(1, 3, "anyone@example.org", posted, t), "CAINC-6", "10009",
                          "We revoked them.", ""));
  // Line endings and outer white space as Bugzilla stores them do not matter.
  CHECK(trusted_reference(bz_comment(1, 3, "anyone@example.org",
                                     "We revoked them.\r\n\r\n(posted from Jira CAINC-6, comment "
                                     "10009)\r\n",
                                     t),
                          "CAINC-6", "10009", "  We revoked them.\n", ""));
  // Someone quoting the line with other text: not trusted, so the real reply is still posted.
  const std::string imitation = "Waiting for them.\n\n(posted from Jira CAINC-6, comment 10009)";
  CHECK_FALSE(trusted_reference(bz_comment(1, 3, "troll@example.net", imitation, t), "CAINC-6",
                                "10009", "We revoked them.", ""));
  CHECK_FALSE(trusted_reference(bz_comment(1, 3, "troll@example.net", imitation, t), "CAINC-6",
                                "10009", "We revoked them.", k_bot));
  // The reply account's own comment is trusted even when the Jira text was edited since.
  CHECK(trusted_reference(bz_comment(1, 3, "CA-Bot@ca.example", imitation, t), "CAINC-6", "10009",
                          "We revoked them.", k_bot));
  // Another issue or comment is not this reply.
  CHECK_FALSE(trusted_reference(bz_comment(1, 3, k_bot, posted, t), "CAINC-7", "10009",
                                "We revoked them.", k_bot));
  CHECK_FALSE(trusted_reference(bz_comment(1, 3, k_bot, posted, t), "CAINC-6", "10010",
                                "We revoked them.", k_bot));
}

TEST_CASE("the Jira note names the Bugzilla comment number and the Jira comment it answers",
          "[core][replies]") {
  const Mapping m = testing::test_mapping();
  const RichText note = reply_note(m, 1, 3, "10009");
  CHECK(to_plain_text(note) ==
        "Posted to Bugzilla as comment 3 <https://bugzilla.example.org/show_bug.cgi?id=1#c3> "
        "(Jira comment 10009).");
  const auto plain = parse_reply_note(to_plain_text(note));
  REQUIRE(plain);
  CHECK(plain->jira_comment_id == "10009");
  CHECK(plain->count == 3);
  // Data Center gives back the wiki text bzjira sent: link markup and escapes.
  const auto wiki = parse_reply_note(
      "Posted to Bugzilla as [comment 12|https://bugzilla.example.org/show_bug.cgi?id=1#c12] "
      "\\(Jira comment 10009\\).");
  REQUIRE(wiki);
  CHECK(wiki->jira_comment_id == "10009");
  CHECK(wiki->count == 12);
  const auto unknown = parse_reply_note(to_plain_text(reply_note(m, 1, std::nullopt, "77")));
  REQUIRE(unknown);
  CHECK(unknown->jira_comment_id == "77");
  CHECK_FALSE(unknown->count);
  CHECK_FALSE(parse_reply_note("#bugzilla Posted to Bugzilla (Jira comment 10009)."));
  CHECK_FALSE(parse_reply_note("Posted to Bugzilla as comment 3."));
}

TEST_CASE("a reply is the text after the marker, a word of its own in any case",
          "[core][replies]") {
  CHECK(reply_text("#bugzilla We revoked them.\n\n**Details** follow.  ", "#bugzilla") ==
        "We revoked them.\n\n**Details** follow.");
  CHECK(reply_text("  #BugZilla\tcase does not matter", "#bugzilla") == "case does not matter");
  CHECK_FALSE(reply_text("#bugzillafoo is another word", "#bugzilla"));
  CHECK_FALSE(reply_text("internal discussion", "#bugzilla"));
  CHECK(reply_text("#bugzilla   ", "#bugzilla") == "");
}

TEST_CASE("every issue of an incremental search is changed, of a full one those with a new time",
          "[core][replies]") {
  const Instant t1 = at("2025-03-26T09:00:00Z");
  const Instant t2 = at("2025-03-26T09:10:00Z");
  const std::vector<MirroredIssue> stored = {
      issue("CAINC-1", 1, "bzq-1-1", StatusCategory::todo, t1),
      issue("CAINC-2", 2, "bzq-2-2", StatusCategory::todo, t1),
      issue("CAINC-3", 3, "bzq-3-3")};  // bzjira wrote it
  const std::vector<MirroredIssue> fresh = {
      issue("CAINC-1", 1, "bzq-1-1", StatusCategory::todo, t1),  // same second: proves nothing
      issue("CAINC-2", 2, "bzq-2-2", StatusCategory::todo, t2),  // commented since
      issue("CAINC-3", 3, "bzq-3-3", StatusCategory::todo, t1),
      issue("CAINC-4", 4, "bzq-4-4", StatusCategory::todo, t1)};  // never seen
  CHECK(changed_issues(stored, fresh, false) ==
        std::set<std::string>{"CAINC-1", "CAINC-2", "CAINC-3", "CAINC-4"});
  // The daily full search returns every issue: only what moved since is read.
  CHECK(changed_issues(stored, fresh, true) ==
        std::set<std::string>{"CAINC-2", "CAINC-3", "CAINC-4"});
  CHECK(changed_issues(fresh, {}, true).empty());
  CHECK(changed_issues(fresh, {}, false).empty());
}

TEST_CASE("a run reads the open changed issues and those with unfinished replies, nothing else",
          "[core][replies]") {
  Mapping m = testing::test_mapping();
  m.replies.enabled = true;
  const std::vector<MirroredIssue> mirrored = {
      issue("CAINC-1", 1, "bzq-1-1"), issue("CAINC-2", 2, "bzq-2-2"),
      issue("CAINC-3", 3, "bzq-3-3", StatusCategory::done), issue("CAINC-4", 4, "bzq-4-4"),
      issue("CAINC-5", 5, "bzq-5-5", StatusCategory::done)};
  std::map<std::string, ReplyRecord> records;
  records["900"] = ReplyRecord{"900", "CAINC-5", 5, "h", std::nullopt, false, {}};  // planned
  records["901"] = ReplyRecord{"901", "CAINC-4", 4, "h", 77, true, {}};             // finished
  const std::set<std::string> changed = {"CAINC-2", "CAINC-3", "CAINC-4"};
  // CAINC-3 changed but is closed; CAINC-5 is closed but owes a reply.
  CHECK(issues_to_read(m, mirrored, changed, records, false) ==
        std::vector<std::string>{"CAINC-2", "CAINC-4", "CAINC-5"});
  CHECK(issues_to_read(m, mirrored, {}, {}, false).empty());
  CHECK(issues_to_read(m, mirrored, {}, {}, true) ==
        std::vector<std::string>{"CAINC-1", "CAINC-2", "CAINC-4"});
  m.replies.enabled = false;
  CHECK(issues_to_read(m, mirrored, changed, records, true).empty());
}

TEST_CASE("a new reply is planned, remembered before the search marks move, with its flags",
          "[core][replies]") {
  Inputs in;
  in.mapping.replies.clear_needinfo = true;
  Flag ca_flag{71,
               "needinfo",
               1,
               "?",
               "jeremy@example.org",
               k_ca,
               at("2025-03-24T15:31:00Z"),
               at("2025-03-24T15:31:00Z")};
  Flag other_flag = ca_flag;
  other_flag.id = 72;
  other_flag.requestee = "other@example.org";
  in.bugs.at(1).bug.flags = {ca_flag, other_flag};
  in.jira_comment("10009", "#bugzilla We revoked them.");
  in.jira_comment("10010", "internal discussion");
  const ReplyPlan p = in.plan();
  REQUIRE(p.actions.size() == 1);
  const Action& a = p.actions[0];
  CHECK(a.type == ActionType::post_reply);
  CHECK(a.issue_key == "CAINC-6");
  CHECK(a.bug_id == 1);
  CHECK(a.obligation_key == "bzq-1-5002");
  CHECK(a.jira_comment_id == "10009");
  CHECK(a.reply_markdown == "We revoked them.");
  CHECK_FALSE(a.reply_bugzilla_id);
  CHECK(a.clear_flags == std::vector<FlagId>{71});
  REQUIRE(p.remember.size() == 1);
  CHECK(p.remember[0].jira_comment_id == "10009");
  CHECK(p.remember[0].text_hash == reply_text_hash("We revoked them."));
  CHECK_FALSE(p.remember[0].posted());
  CHECK(p.remember[0].sent_at == in.now);
  CHECK(p.forget.empty());
}

TEST_CASE("a reply whose reference is on the bug is completed, never posted again",
          "[core][replies]") {
  Inputs in;
  in.jira_comment("10009", "#bugzilla We revoked them.");
  // An earlier run posted it and died before its record or note (or the state was deleted).
  in.bugzilla_comment(5003, k_bot, reply_post_text("We revoked them.", "CAINC-6", "10009"));
  const ReplyPlan p = in.plan();
  REQUIRE(p.actions.size() == 1);
  CHECK(p.actions[0].reply_bugzilla_id == 5003);
  CHECK(p.actions[0].reply_count == 2);
  REQUIRE(p.remember.size() == 1);
  CHECK(p.remember[0].bugzilla_comment_id == 5003);
  CHECK_FALSE(p.remember[0].jira_acknowledged);
}

TEST_CASE("a reply whose note is in Jira is remembered as done without any action",
          "[core][replies]") {
  Inputs in;
  in.jira_comment("10009", "#bugzilla We revoked them.");
  in.jira_comment("10011", to_plain_text(reply_note(in.mapping, 1, 2, "10009")),
                  "2025-03-26T09:06:00Z");
  in.bugzilla_comment(5003, k_bot, reply_post_text("We revoked them.", "CAINC-6", "10009"));
  const ReplyPlan p = in.plan();
  CHECK(p.actions.empty());
  REQUIRE(p.remember.size() == 1);
  CHECK(p.remember[0].jira_acknowledged);
  CHECK(p.remember[0].bugzilla_comment_id == 5003);
  CHECK(p.remember[0].finished());
  // The note alone is enough (the Bugzilla comment was hidden since).
  in.bugs.at(1).comments.pop_back();
  const ReplyPlan q = in.plan();
  CHECK(q.actions.empty());
  REQUIRE(q.remember.size() == 1);
  CHECK(q.remember[0].finished());
  CHECK_FALSE(q.remember[0].bugzilla_comment_id);
}

TEST_CASE("someone quoting the reference line cannot stop a reply bzjira never posted",
          "[core][replies]") {
  Inputs in;
  in.account = k_bot;
  in.jira_comment("10009", "#bugzilla We revoked them.");
  in.bugzilla_comment(5003, "troll@example.net",
                      "Nothing was revoked.\n\n(posted from Jira CAINC-6, comment 10009)");
  in.bugzilla_comment(5004, "quoter@example.net",
                      "> (posted from Jira CAINC-6, comment 10009)\nReally?");
  const ReplyPlan p = in.plan();
  REQUIRE(p.actions.size() == 1);
  CHECK_FALSE(p.actions[0].reply_bugzilla_id);
  CHECK_FALSE(p.actions[0].reply_count);
}

TEST_CASE(
    "finished replies, closed issues and unknown bugs are left alone, gone comments forgotten",
    "[core][replies]") {
  Inputs in;
  in.jira_comment("10009", "#bugzilla Done already.");
  in.records["10009"] = ReplyRecord{"10009", "CAINC-6", 1, "h", 5003, true, in.now};
  CHECK(in.plan().actions.empty());

  // A planned reply whose Jira comment was deleted since: its record goes.
  in.records["10020"] = ReplyRecord{"10020", "CAINC-6", 1, "h", std::nullopt, false, in.now};
  CHECK(in.plan().forget == std::vector<std::string>{"10020"});

  // A closed issue: new replies are not taken from it...
  Inputs closed;
  closed.mirrored = {issue("CAINC-6", 1, "bzq-1-5002", StatusCategory::done)};
  closed.jira_comment("10009", "#bugzilla Too late.");
  CHECK(closed.plan().actions.empty());
  // ...but one an earlier run planned is finished.
  closed.records["10009"] =
      ReplyRecord{"10009", "CAINC-6", 1, reply_text_hash("Too late."), std::nullopt, false, {}};
  CHECK(closed.plan().actions.size() == 1);

  // A bug missing from the cache: nothing can be checked, the reply waits.
  Inputs gone;
  gone.bugs.clear();
  gone.jira_comment("10009", "#bugzilla Hello.");
  const ReplyPlan p = gone.plan();
  CHECK(p.actions.empty());
  REQUIRE(p.notes.size() == 1);
  CHECK(p.notes[0].find("waits: bug 1 is not in the cache") != std::string::npos);
}

TEST_CASE("a reply account that is not the CA's is named: its replies leave the issue open",
          "[core][replies]") {
  Inputs in;
  in.account = "helper@vendor.example";
  in.jira_comment("10009", "#bugzilla We revoked them.");
  const ReplyPlan p = in.plan();
  REQUIRE(p.actions.size() == 1);
  REQUIRE(p.notes.size() == 1);
  CHECK(p.notes[0] ==
        "replies are posted as helper@vendor.example, which is not one of bugzilla.ca_accounts: "
        "they do not count as the CA's answer, and the issues they answer stay open");
  in.account = k_bot;
  CHECK(in.plan().notes.empty());
}

TEST_CASE("needinfo flags set after a recovered reply was posted are not cleared",
          "[core][replies]") {
  Inputs in;
  in.mapping.replies.clear_needinfo = true;
  in.jira_comment("10009", "#bugzilla We revoked them.");
  in.bugzilla_comment(5003, k_bot, reply_post_text("We revoked them.", "CAINC-6", "10009"),
                      "2025-03-26T09:05:00Z");
  // Asked again after the reply: that one is still owed.
  in.bugs.at(1).bug.flags = {Flag{73, "needinfo", 1, "?", "jeremy@example.org", k_ca,
                                  at("2025-03-26T10:00:00Z"), at("2025-03-26T10:00:00Z")}};
  const ReplyPlan p = in.plan();
  REQUIRE(p.actions.size() == 1);
  CHECK(p.actions[0].clear_flags.empty());
}

}  // namespace
}  // namespace bzjira::sync
