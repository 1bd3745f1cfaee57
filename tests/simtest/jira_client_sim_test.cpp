// The Jira client against the Jira simulator, Cloud and Data Center: search and paging, bulk
// create with rejected elements, edits, transitions, comments, remote links, self-checks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

#include "tests/simtest/jira_test_support.h"

using namespace bzjira;  // sync:: (an alias named sync would clash with ::sync())
using bzjira::testing::JiraWorld;
using bzjira::testing::make_draft;
using nlohmann::json;

namespace {
std::string search_route(const std::string& flavor) {
  return flavor == "cloud" ? "POST /rest/api/3/search/jql" : "POST /rest/api/2/search";
}
std::string api(const std::string& flavor) {
  return flavor == "cloud" ? "/rest/api/3" : "/rest/api/2";
}
}  // namespace

TEST_CASE("250 mirrored issues are found across three pages of 100", "[jira][sim]") {
  const std::string flavor = GENERATE(as<std::string>{}, "cloud", "datacenter");
  JiraWorld w(flavor);
  std::vector<sync::IssueDraft> drafts;
  for (int i = 1; i <= 250; ++i) {
    drafts.push_back(make_draft(1000 + i));
  }
  const auto created = w.client->create_issues(drafts);
  REQUIRE(created.size() == 250);
  for (const auto& c : created) {
    REQUIRE(c.ok());
  }
  // Five bulk requests of 50: the documented maximum per request.
  CHECK(w.count("POST " + api(flavor) + "/issue/bulk") == 5);
  // An issue without the mirror label is not ours and must not be found.
  json other = {{"fields",
                 {{"project", {{"key", "CAINC"}}},
                  {"issuetype", {{"name", "Task"}}},
                  {"summary", "someone else's issue"},
                  {"labels", {"unrelated"}}}}};
  const auto auth = flavor == "cloud" ? testing::cloud_auth()
                                      : adapters::http::Headers{{"Authorization", "Bearer t0ken"}};
  REQUIRE(w.raw("POST", api(flavor) + "/issue", other.dump(), auth).status == 201);

  w.raw("POST", "/__sim/reset-stats");
  const auto found = w.client->find_mirrored();
  REQUIRE(found.ok());
  REQUIRE(found->size() == 250);
  CHECK(w.count(search_route(flavor)) == 3);
  // Cloud's removed /search is never called.
  CHECK(w.count("POST /rest/api/3/search") == 0);
  CHECK(w.count("POST /rest/api/2/search") == (flavor == "cloud" ? 0 : 3));

  // Bulk chunks go out concurrently (http.concurrency), so issue numbers need not follow the
  // drafts' order: look the first draft's issue up by the key its create returned.
  const auto it = std::find_if(found->begin(), found->end(), [&](const sync::MirroredIssue& i) {
    return i.key == created.front().value().key;
  });
  REQUIRE(it != found->end());
  const sync::MirroredIssue& first = *it;
  CHECK(first.summary == "BMO 1001: reply due");
  CHECK(first.status == "To Do");
  CHECK(first.category == sync::StatusCategory::todo);
  CHECK(first.resolution.empty());
  CHECK(first.due == std::optional<sync::Date>(std::chrono::year{2026} / 10 / 7));
  CHECK(first.labels == std::vector<std::string>{"bzjira", "bz-1001"});
  CHECK(first.deadline ==
        std::optional<sync::Instant>(std::chrono::sys_days{std::chrono::year{2026} / 10 / 7} +
                                     std::chrono::hours{12}));
  CHECK(first.updated.has_value());
}

TEST_CASE("a bulk create with rejected elements returns an error in each rejected slot",
          "[jira][sim]") {
  const std::string flavor = GENERATE(as<std::string>{}, "cloud", "datacenter");
  JiraWorld w(flavor);
  std::vector<sync::IssueDraft> drafts = {make_draft(1), make_draft(2), make_draft(3),
                                          make_draft(4)};
  drafts[1].labels.push_back("has space");  // Jira refuses labels with spaces
  drafts[3].summary = "   ";                // and blank summaries
  const auto created = w.client->create_issues(drafts);
  REQUIRE(created.size() == 4);
  REQUIRE(created[0].ok());
  REQUIRE_FALSE(created[1].ok());
  REQUIRE(created[2].ok());
  REQUIRE_FALSE(created[3].ok());
  CHECK(created[0]->key == "CAINC-1");
  CHECK(created[2]->key == "CAINC-2");
  CHECK(created[1].error().kind == sync::ErrorKind::rejected);
  CHECK(created[1].error().message.find("contains spaces") != std::string::npos);
  CHECK(created[3].error().message.find("summary") != std::string::npos);
  CHECK(w.issues().size() == 2);

  // All rejected: Jira answers 400 with per-element errors; still one error per draft.
  const auto none = w.client->create_issues({drafts[1], drafts[3]});
  REQUIRE(none.size() == 2);
  CHECK_FALSE(none[0].ok());
  CHECK_FALSE(none[1].ok());
  CHECK(w.issues().size() == 2);
}

TEST_CASE("update_issue changes only the given fields", "[jira][sim]") {
  const std::string flavor = GENERATE(as<std::string>{}, "cloud", "datacenter");
  JiraWorld w(flavor);
  REQUIRE(w.client->create_issues({make_draft(7)})[0].ok());
  sync::IssueUpdate update;
  update.due = std::chrono::year{2026} / 10 / 1;
  update.deadline = std::chrono::sys_days{std::chrono::year{2026} / 10 / 1} + std::chrono::hours{9};
  REQUIRE(w.client->update_issue("CAINC-1", update).ok());
  const json issue = w.issue("CAINC-1");
  CHECK(issue["duedate"] == "2026-10-01");
  CHECK(issue["custom_fields"]["customfield_10050"] == "2026-10-01T09:00:00.000+0000");
  CHECK(issue["summary"] == "BMO 7: reply due");
  // Nothing to change: no request at all.
  w.raw("POST", "/__sim/reset-stats");
  REQUIRE(w.client->update_issue("CAINC-1", sync::IssueUpdate{}).ok());
  CHECK(w.control("GET", "/__sim/stats")["total"] == 0);
  // A missing issue is not_found.
  const auto missing = w.client->update_issue("CAINC-99", update);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == sync::ErrorKind::not_found);
}

TEST_CASE("closing sends the resolution when the Done screen has it, and reopening clears it",
          "[jira][sim]") {
  const std::string flavor = GENERATE(as<std::string>{}, "cloud", "datacenter");
  JiraWorld w(flavor);
  REQUIRE(w.client->create_issues({make_draft(1), make_draft(2)})[1].ok());
  REQUIRE(
      w.client->transition("CAINC-1", sync::StatusCategory::done, std::string("Won't Do")).ok());
  CHECK(w.issue("CAINC-1")["status"] == "Done");
  CHECK(w.issue("CAINC-1")["resolution"] == "Won't Do");
  // Without a resolution argument the mapping's ("Done") is used.
  REQUIRE(w.client->transition("CAINC-2", sync::StatusCategory::done, std::nullopt).ok());
  CHECK(w.issue("CAINC-2")["resolution"] == "Done");

  REQUIRE(w.client->transition("CAINC-1", sync::StatusCategory::todo, std::nullopt).ok());
  CHECK(w.issue("CAINC-1")["status"] == "To Do");
  CHECK(w.issue("CAINC-1")["resolution"].is_null());

  const auto found = w.client->find_mirrored();
  REQUIRE(found.ok());
  CHECK((*found)[1].category == sync::StatusCategory::done);
  CHECK((*found)[1].resolution == "Done");
}

TEST_CASE("without a resolution screen no resolution is sent and Jira resolves by itself",
          "[jira][sim]") {
  JiraWorld w("cloud");
  REQUIRE(w.client->create_issues({make_draft(1)})[0].ok());
  w.raw("POST", "/__sim/workflow", R"({"resolution_screen": false})");
  // The simulator answers 400 when a resolution is sent to a screen without it
  // (docs/jira-api.md#transitions).
  REQUIRE(
      w.client->transition("CAINC-1", sync::StatusCategory::done, std::string("Won't Do")).ok());
  CHECK(w.issue("CAINC-1")["status"] == "Done");
  CHECK(w.issue("CAINC-1")["resolution"] == "Done");
}

TEST_CASE("a missing transition is a not_found error naming the available ones", "[jira][sim]") {
  JiraWorld w("cloud");
  REQUIRE(w.client->create_issues({make_draft(1)})[0].ok());
  // To Do has no transition to a "new" status.
  const auto result = w.client->transition("CAINC-1", sync::StatusCategory::todo, std::nullopt);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == sync::ErrorKind::not_found);
  CHECK(result.error().message.find("\"Start Progress\"") != std::string::npos);
  CHECK(result.error().message.find("\"Done\"") != std::string::npos);

  // A mapping naming a transition uses it by name.
  w.settings.close_transition = "Start Progress";
  auto named = w.make_client();
  REQUIRE(named->transition("CAINC-1", sync::StatusCategory::done, std::nullopt).ok());
  CHECK(w.issue("CAINC-1")["status"] == "In Progress");
  w.settings.close_transition = "Resolve";
  const auto unknown = w.make_client()->transition("CAINC-1", sync::StatusCategory::done, {});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find("named \"Resolve\"") != std::string::npos);
}

TEST_CASE("comments are added and read back since a time, as plain text", "[jira][sim]") {
  const std::string flavor = GENERATE(as<std::string>{}, "cloud", "datacenter");
  JiraWorld w(flavor);
  REQUIRE(w.client->create_issues({make_draft(1)})[0].ok());
  REQUIRE(w.client->add_comment("CAINC-1", {sync::paragraph("first *line*\nsecond")}).ok());
  // Jira users reply at known times.
  for (const char* when :
       {"2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"}) {
    const json body = {{"author", "bob@example.com"},
                       {"body", std::string("reply at ") + when},
                       {"created", when}};
    REQUIRE(w.raw("POST", "/__sim/issues/CAINC-1/comment", body.dump()).status == 201);
  }
  const sync::Instant since =
      std::chrono::sys_days{std::chrono::year{2026} / 1 / 2} + std::chrono::hours{10};
  const auto comments = w.client->comments_since("CAINC-1", since);
  REQUIRE(comments.ok());
  // The 01-02 reply (at exactly `since`), the 01-03 one, and the client's own (created now).
  REQUIRE(comments->size() == 3);
  CHECK((*comments)[0].body == "reply at 2026-01-02T10:00:00Z");
  CHECK((*comments)[0].author == "bob");
  CHECK((*comments)[1].body == "reply at 2026-01-03T10:00:00Z");
  if (flavor == "cloud") {
    CHECK((*comments)[2].body == "first *line*\nsecond");
  } else {
    CHECK((*comments)[2].body == "first \\*line\\*\nsecond");  // v2 returns the wiki source
  }
}

TEST_CASE("comments are paged past 100", "[jira][sim]") {
  JiraWorld w("datacenter");
  REQUIRE(w.client->create_issues({make_draft(1)})[0].ok());
  for (int i = 0; i < 130; ++i) {
    const json body = {{"author", "bob@example.com"}, {"body", "c" + std::to_string(i)}};
    REQUIRE(w.raw("POST", "/__sim/issues/CAINC-1/comment", body.dump()).status == 201);
  }
  const auto comments = w.client->comments_since("CAINC-1", sync::Instant{});
  REQUIRE(comments.ok());
  CHECK(comments->size() == 130);
  CHECK(w.count("GET /rest/api/2/issue/{key}/comment") == 2);
}

TEST_CASE("a remote link is created once and updated by its globalId", "[jira][sim]") {
  const std::string flavor = GENERATE(as<std::string>{}, "cloud", "datacenter");
  JiraWorld w(flavor);
  REQUIRE(w.client->create_issues({make_draft(1)})[0].ok());
  sync::RemoteLink link{"system=https://bugzilla.mozilla.org&id=1&comment=5",
                        "https://bugzilla.mozilla.org/show_bug.cgi?id=1#c5", "Bug 1 comment 5",
                        "question from bob", false};
  REQUIRE(w.client->upsert_remote_link("CAINC-1", link).ok());
  link.resolved = true;
  REQUIRE(w.client->upsert_remote_link("CAINC-1", link).ok());
  const json links = w.issue("CAINC-1")["remote_links"];
  REQUIRE(links.size() == 1);
  CHECK(links[0]["globalId"] == link.global_id);
  CHECK(links[0]["object"]["status"]["resolved"] == true);
  CHECK(links[0]["object"]["url"] == link.url);

  link.global_id = std::string(256, 'g');
  const auto too_long = w.client->upsert_remote_link("CAINC-1", link);
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.error().kind == sync::ErrorKind::rejected);
}

TEST_CASE("a label search does not yet see a just-created issue", "[jira][sim]") {
  sim::JiraSimOptions options;
  options.search_delay_ms = 800;
  JiraWorld w("cloud", options);
  const auto created = w.client->create_issues({make_draft(1)});
  REQUIRE(created[0].ok());
  const auto soon = w.client->find_mirrored();
  REQUIRE(soon.ok());
  CHECK(soon->empty());  // Cloud's search is eventually consistent (docs/jira-api.md#search-lag)
  std::this_thread::sleep_for(std::chrono::milliseconds(900));
  const auto later = w.client->find_mirrored();
  REQUIRE(later.ok());
  REQUIRE(later->size() == 1);
  CHECK((*later)[0].key == created[0]->key);
}

TEST_CASE("self-checks pass on a good setup and explain each failure", "[jira][sim]") {
  const std::string flavor = GENERATE(as<std::string>{}, "cloud", "datacenter");
  JiraWorld w(flavor);
  for (const auto& check : w.client->self_check()) {
    INFO(check.name << ": " << check.detail);
    CHECK(check.ok);
  }
  w.raw("POST", "/__sim/permissions", R"({"deny": ["LINK_ISSUES", "SCHEDULE_ISSUES"]})");
  const auto perms = w.client->check_permissions();
  CHECK_FALSE(perms.ok);
  CHECK(perms.detail == "the account lacks: SCHEDULE_ISSUES, LINK_ISSUES");

  w.settings.issue_type = "task";
  w.settings.deadline_field = "customfield_10051";  // a text field
  auto wrong = w.make_client();
  const auto type = wrong->check_issue_type();
  CHECK_FALSE(type.ok);
  CHECK(type.what_to_do == "write jira.issue_type as \"Task\"");
  const auto fields = wrong->check_fields();
  CHECK_FALSE(fields.ok);
  CHECK(fields.detail.find("not \"datetime\"") != std::string::npos);

  w.settings.project = "NOPE";
  const auto project = w.make_client()->check_project();
  CHECK_FALSE(project.ok);
  CHECK(project.detail.find("No project could be found with key 'NOPE'") != std::string::npos);
}
