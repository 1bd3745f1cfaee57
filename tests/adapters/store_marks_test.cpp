// The marks for the next run in the SQLite store: the search_marks row and the trail's tables
// survive a reopen, and a batch that is not ended leaves none of its marks; the steady mark goes
// with any write of what it speaks for.
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/store/sqlite_store.h"
#include "tests/adapters/store_test_util.h"

namespace {

using namespace bzjira::store_test;
using namespace bzjira::sync;

PendingLink link(const std::string& key, const std::string& global_id, bool resolved) {
  return PendingLink{key, RemoteLink{global_id, "https://bmo.example/show_bug.cgi?id=7", "Bug 7",
                                     "OCSP outage", resolved}};
}

}  // namespace

TEST_CASE("The search marks are empty at first and read back as written after a reopen",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("state.db");
  {
    auto store = open_store(path);
    auto empty = store->search_marks();
    REQUIRE(empty.ok());
    CHECK_FALSE(empty->jira_last_search.has_value());
    CHECK_FALSE(empty->bugzilla_full_search.has_value());
    CHECK(empty->jira_scope.empty());
    SearchMarks marks;
    marks.bugzilla_full_search = at("2025-03-25T05:00:00Z");
    marks.jira_last_search = at("2025-03-25T06:15:00Z");
    marks.jira_last_full_search = at("2025-03-25T06:00:00Z");
    marks.jira_scope = "project=CA;deadline_field=customfield_10042";
    REQUIRE(store->set_search_marks(marks).ok());
  }
  auto store = open_store(path);
  auto marks = store->search_marks();
  REQUIRE(marks.ok());
  CHECK(marks->bugzilla_full_search == at("2025-03-25T05:00:00Z"));
  CHECK(marks->jira_last_search == at("2025-03-25T06:15:00Z"));
  CHECK(marks->jira_last_full_search == at("2025-03-25T06:00:00Z"));
  CHECK(marks->jira_scope == "project=CA;deadline_field=customfield_10042");
  CHECK_FALSE(marks->replies_read_all.has_value());
}

TEST_CASE("Trail marks are kept by step and by key and global id, and removed by the same",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("state.db");
  {
    auto store = open_store(path);
    REQUIRE(store->put_pending_comment({"close_issue CA-1", "closed", at("2025-03-25T06:00:00Z")})
                .ok());
    REQUIRE(store->put_pending_comment({"close_issue CA-1", "later", at("2025-03-25T07:00:00Z")})
                .ok());  // replaces
    REQUIRE(store->put_pending_comment({"update_issue CA-2", "moved", at("2025-03-25T06:05:00Z")})
                .ok());
    REQUIRE(
        store->put_pending_links({link("bzq-7-1", "g1", false), link("bzq-7-2", "g2", true)}).ok());
  }
  auto store = open_store(path);
  auto comments = store->pending_comments();
  REQUIRE(comments.ok());
  REQUIRE(comments->size() == 2);
  CHECK((*comments)[0].step == "close_issue CA-1");
  CHECK((*comments)[0].fingerprint == "later");
  CHECK((*comments)[0].at == at("2025-03-25T07:00:00Z"));
  auto links = store->pending_links();
  REQUIRE(links.ok());
  REQUIRE(links->size() == 2);
  CHECK((*links)[1].link.resolved);
  CHECK((*links)[1].link.summary == "OCSP outage");

  REQUIRE(store->remove_pending_comments({"close_issue CA-1", "unknown step"}).ok());
  REQUIRE(store->remove_pending_links({link("bzq-7-1", "g1", false), link("bzq-7-9", "g9", false)})
              .ok());
  comments = store->pending_comments();
  REQUIRE(comments.ok());
  REQUIRE(comments->size() == 1);
  CHECK((*comments)[0].step == "update_issue CA-2");
  links = store->pending_links();
  REQUIRE(links.ok());
  REQUIRE(links->size() == 1);
  CHECK((*links)[0].obligation_key == "bzq-7-2");
}

TEST_CASE("Trail marks written in a batch that is never ended are not kept", "[store]") {
  TempDir dir;
  const std::string path = dir.file("state.db");
  {
    auto store = open_store(path);
    REQUIRE(store->begin_batch().ok());
    REQUIRE(store->put_pending_links({link("bzq-7-1", "g1", false)}).ok());
    REQUIRE(store->put_pending_comment({"close_issue CA-1", "closed", at("2025-03-25T06:00:00Z")})
                .ok());
    // The process dies here: no end_batch.
  }
  auto store = open_store(path);
  auto links = store->pending_links();
  REQUIRE(links.ok());
  CHECK(links->empty());
  auto comments = store->pending_comments();
  REQUIRE(comments.ok());
  CHECK(comments->empty());
}

TEST_CASE("The steady mark reads back as written and survives only the run's bookkeeping",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("state.db");
  const SteadyMark mark{"engine 1 plan 1 0123456789abcdef",
                        at("2025-03-25T06:00:00Z"),
                        at("2025-03-27T00:00:00Z"),
                        3,
                        1,
                        at("2025-03-27T00:00:00Z")};
  {
    auto store = open_store(path);
    auto none = store->steady_mark();
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
    REQUIRE(store->set_steady_mark(mark).ok());
  }
  auto store = open_store(path);
  const auto read = [&]() {
    auto got = store->steady_mark();
    REQUIRE(got.ok());
    return *got;
  };
  auto got = read();
  REQUIRE(got.has_value());
  CHECK(got->fingerprint == mark.fingerprint);
  CHECK(got->evaluated_at == mark.evaluated_at);
  CHECK(got->valid_until == mark.valid_until);
  CHECK(got->open == 3);
  CHECK(got->overdue == 1);
  CHECK(got->next_deadline == mark.next_deadline);

  // What every run writes leaves it.
  REQUIRE(store->set_watermark(at("2025-03-25T06:10:00Z")).ok());
  REQUIRE(store->set_search_marks(SearchMarks{}).ok());
  REQUIRE(store->record_run(RunRecord{"r1", mark.evaluated_at, mark.evaluated_at, "ok", "s"}).ok());
  REQUIRE(store->record(JournalEntry{}).ok());
  CHECK(read().has_value());

  // A write of anything a plan reads drops it, whoever writes.
  BugRecord bug;
  bug.bug.id = 7;
  bug.bug.summary = "OCSP outage";
  bug.comments.push_back(Comment{});
  bug.comments.back().id = 70;
  bug.comments.back().bug_id = 7;
  MirroredIssue issue;
  issue.id = "10001";
  issue.key = "CA-1";
  const std::vector<std::pair<const char*, std::function<Status()>>> writes = {
      {"save_bugs", [&] { return store->save_bugs({bug}); }},
      {"save_derived",
       [&] {
         return store->save_derived(
             {DerivedBug{7, "f", mark.evaluated_at, mark.evaluated_at, "open", "ended"}});
       }},
      {"put_mirror",
       [&] {
         return store->put_mirror(MirrorEntry{"bzq-7-70", "CA-1", "10001", mark.evaluated_at});
       }},
      {"remove_mirror", [&] { return store->remove_mirror("bzq-7-70"); }},
      {"save_mirror_states", [&] { return store->save_mirror_states({issue}, false); }},
      {"put_reply",
       [&] {
         return store->put_reply(ReplyRecord{"c1", "CA-1", 7, "h", {}, false, {}});
       }},
      {"set_meta", [&] { return store->set_meta("k", "v"); }},
      {"put_pending_comment",
       [&] {
         return store->put_pending_comment({"close_issue CA-1", "f", mark.evaluated_at});
       }},
      {"put_pending_links",
       [&] { return store->put_pending_links({link("bzq-7-70", "g", false)}); }},
      {"remove_bugs", [&] { return store->remove_bugs({7}); }},
  };
  for (const auto& [name, write] : writes) {
    INFO(name);
    REQUIRE(store->set_steady_mark(mark).ok());
    REQUIRE(read().has_value());
    REQUIRE(write().ok());
    CHECK_FALSE(read().has_value());
  }
  REQUIRE(store->set_steady_mark(mark).ok());
  REQUIRE(store->set_steady_mark(std::nullopt).ok());
  CHECK_FALSE(read().has_value());
}
