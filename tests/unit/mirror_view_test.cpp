// The incremental Jira search (sync/mirror_view.h): when a run searches in full or only the issues
// updated since the previous search, how the stored states and the search's answer are merged, and
// what the tracker wrapper remembers after each write. Expectations come from the rules in the
// header (10-minute margin, a full search per day), not from the code's output.
#include <catch2/catch.hpp>

#include "sync/mirror_view.h"
#include "tests/unit/core_test_util.h"
#include "tests/unit/fakes.h"

namespace {

using namespace bzjira::sync;
using namespace bzjira::sync::testing;

MirroredIssue issue(const std::string& key, const std::string& summary,
                    StatusCategory category = StatusCategory::todo) {
  MirroredIssue i;
  i.id = "1" + key.substr(key.find('-') + 1);
  i.key = key;
  i.summary = summary;
  i.labels = {"bzjira", "bzu-" + key};
  i.category = category;
  return i;
}

JiraSearchMarks marks(const char* last, const char* full, std::string scope = "s") {
  return JiraSearchMarks{at(last), at(full), std::move(scope)};
}

}  // namespace

TEST_CASE("a run searches Jira in full without marks, and incrementally with fresh ones",
          "[core][jira]") {
  const Instant now = at("2025-03-25T12:00:00Z");
  SECTION("no marks at all: full") {
    CHECK_FALSE(jira_search_window(JiraSearchMarks{}, "s", now).has_value());
  }
  SECTION("a last search but no full one: full") {
    JiraSearchMarks m;
    m.last_search = at("2025-03-25T11:45:00Z");
    m.scope = "s";
    CHECK_FALSE(jira_search_window(m, "s", now).has_value());
  }
  SECTION("15 minutes after the last search: 15 + 10 minutes back") {
    const auto w =
        jira_search_window(marks("2025-03-25T11:45:00Z", "2025-03-25T06:00:00Z"), "s", now);
    REQUIRE(w.has_value());
    CHECK(*w == Seconds{25 * 60});
  }
  SECTION("a search at the same instant still reaches 10 minutes back") {
    const auto w =
        jira_search_window(marks("2025-03-25T12:00:00Z", "2025-03-25T06:00:00Z"), "s", now);
    REQUIRE(w.has_value());
    CHECK(*w == Seconds{600});
  }
  SECTION("the last full search is 23h59m old: still incremental") {
    CHECK(jira_search_window(marks("2025-03-25T11:00:00Z", "2025-03-24T12:01:00Z"), "s", now)
              .has_value());
  }
  SECTION("the last full search is a day old: full") {
    CHECK_FALSE(
        jira_search_window(marks("2025-03-25T11:00:00Z", "2025-03-24T12:00:00Z"), "s", now));
  }
  SECTION("the clock went backwards: full") {
    CHECK_FALSE(
        jira_search_window(marks("2025-03-25T12:05:00Z", "2025-03-25T06:00:00Z"), "s", now));
  }
  SECTION("the mapping's project or deadline field changed: full") {
    CHECK_FALSE(
        jira_search_window(marks("2025-03-25T11:45:00Z", "2025-03-25T06:00:00Z", "old"), "s", now));
  }
}

TEST_CASE("the search scope names the project and the deadline field", "[core][jira]") {
  Mapping m;
  m.jira.project = "CAINC";
  const std::string without = jira_search_scope(m);
  m.jira.deadline_field = "customfield_10050";
  CHECK(jira_search_scope(m) != without);
  m.jira.project = "OTHER";
  m.jira.deadline_field.clear();
  CHECK(jira_search_scope(m) != without);
}

TEST_CASE("fresh search results replace the stored state of their key, the rest is kept",
          "[core][jira]") {
  std::vector<MirroredIssue> stored = {issue("CAINC-2", "old two"), issue("CAINC-10", "ten"),
                                       issue("CAINC-1", "one")};
  std::vector<MirroredIssue> fresh = {issue("CAINC-2", "new two", StatusCategory::done),
                                      issue("CAINC-3", "three")};
  const auto merged = merge_mirrored(stored, fresh);
  REQUIRE(merged.size() == 4);
  // Ordered by key as text, like a search ordered by key.
  CHECK(merged[0].key == "CAINC-1");
  CHECK(merged[1].key == "CAINC-10");
  CHECK(merged[2].key == "CAINC-2");
  CHECK(merged[3].key == "CAINC-3");
  CHECK(merged[2].summary == "new two");
  CHECK(merged[2].category == StatusCategory::done);
  CHECK(merged[1].summary == "ten");
  CHECK(merge_mirrored({}, {}).empty());
}

TEST_CASE("the search marks are read back as written", "[core][jira]") {
  FakeStateStore store;
  auto empty = read_jira_marks(store);
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->last_search.has_value());
  CHECK_FALSE(empty->last_full_search.has_value());

  REQUIRE(write_jira_marks(store, at("2025-03-25T06:00:00Z"), true, "scope-a").ok());
  REQUIRE(write_jira_marks(store, at("2025-03-25T06:15:00Z"), false, "ignored").ok());
  auto m = read_jira_marks(store);
  REQUIRE(m.ok());
  CHECK(m->last_search == at("2025-03-25T06:15:00Z"));
  CHECK(m->last_full_search == at("2025-03-25T06:00:00Z"));
  CHECK(m->scope == "scope-a");

  // Each write is one store write, and leaves the Bugzilla and reply marks as they were.
  CHECK(store.writes_by.at("set_search_marks") == 2);
  store.marks.bugzilla_full_search = at("2025-03-25T05:00:00Z");
  REQUIRE(write_jira_marks(store, at("2025-03-25T06:30:00Z"), false, "ignored").ok());
  CHECK(store.marks.bugzilla_full_search == at("2025-03-25T05:00:00Z"));
  CHECK(store.marks.jira_last_search == at("2025-03-25T06:30:00Z"));
}

TEST_CASE("each write Jira accepts updates the issue's stored state", "[core][jira]") {
  FakeIssueTracker jira;
  FakeStateStore store;
  jira.clock = at("2025-03-25T06:00:00Z");
  IssueDraft d;
  d.summary = "Bug 101: update due 2025-03-26";
  d.due = Date{std::chrono::year{2025}, std::chrono::month{3}, std::chrono::day{26}};
  d.labels = {"bzjira", "bzu-101-5001"};
  RecordingTracker recording(jira, store, {}, "Done");

  const auto created = recording.create_issues({d});
  REQUIRE(created.size() == 1);
  REQUIRE(created[0].ok());
  const std::string key = created[0]->key;
  REQUIRE(store.mirror_state.count(key) == 1);
  CHECK(store.mirror_state.at(key).summary == d.summary);
  CHECK(store.mirror_state.at(key).labels == d.labels);
  CHECK(store.mirror_state.at(key).due == d.due);
  CHECK(store.mirror_state.at(key).category == StatusCategory::todo);

  IssueUpdate u;
  u.due = Date{std::chrono::year{2025}, std::chrono::month{4}, std::chrono::day{2}};
  REQUIRE(recording.update_issue(key, u).ok());
  CHECK(store.mirror_state.at(key).due == u.due);
  CHECK(store.mirror_state.at(key).summary == d.summary);  // untouched fields stay

  REQUIRE(recording.transition(key, StatusCategory::done, std::nullopt).ok());
  CHECK(store.mirror_state.at(key).category == StatusCategory::done);
  CHECK(store.mirror_state.at(key).resolution == "Done");  // the mapping's default
  REQUIRE(recording.transition(key, StatusCategory::todo, std::nullopt).ok());
  CHECK(store.mirror_state.at(key).category == StatusCategory::todo);
  CHECK(store.mirror_state.at(key).resolution.empty());

  SECTION("a refused write changes nothing stored") {
    jira.faults.fail("update_issue", ErrorKind::rejected);
    IssueUpdate other;
    other.summary = "changed";
    CHECK_FALSE(recording.update_issue(key, other).ok());
    CHECK(store.mirror_state.at(key).summary == d.summary);
  }
  SECTION("a store failure is kept, the action still succeeds") {
    store.faults.fail("save_mirror_states", ErrorKind::internal);
    IssueUpdate other;
    other.summary = "changed";
    CHECK(recording.update_issue(key, other).ok());
    REQUIRE(recording.errors().size() == 1);
    CHECK(recording.errors()[0].kind == ErrorKind::internal);
  }
  CHECK(recording.errors().size() <= 1);
}
