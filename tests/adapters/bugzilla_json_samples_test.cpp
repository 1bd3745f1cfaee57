// The Bugzilla parsers against real answers of bugzilla.mozilla.org and an upstream 5.2 server
// (tests/data/samples). Expected values were read from the sample files by hand.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "adapters/bugzilla/bugzilla_json.h"
#include "tests/support/paths.h"

namespace bz = bzjira::adapters::bugzilla;
using bzjira::sync::ErrorKind;
using bzjira::sync::format_rfc3339;

namespace {

std::string sample(const std::string& name) {
  const std::string path = bzjira::test_support::test_data_dir() + "/samples/" + name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("a real BMO search answer parses every bug with its fields", "[bugzilla]") {
  auto list = bz::parse_bug_list(sample("bugzilla/bmo_search_ca_documents.json"));
  REQUIRE(list.ok());
  CHECK(list->problems.empty());
  REQUIRE(list->bugs.size() == 35);
  const auto& first = list->bugs.front();
  CHECK(first.id == 1945074);
  CHECK(first.summary == "Buypass: CCADB Self-Assessment 2024");
  CHECK(first.status == "UNCONFIRMED");
  CHECK(first.resolution.empty());
  CHECK(format_rfc3339(first.creation_time) == "2025-01-31T11:17:20Z");
  CHECK(first.flags.empty());
  CHECK_FALSE(first.last_resolved.has_value());
  const auto& fp = list->bugs[31];
  CHECK(fp.id == 2055439);
  CHECK(fp.summary == "Firmaprofesional: 2026 audit-delay explanatory letter");
  CHECK(fp.status == "RESOLVED");
  CHECK(fp.resolution == "WORKSFORME");
  CHECK(format_rfc3339(fp.creation_time) == "2026-07-16T10:45:15Z");
  CHECK(list->bugs.back().id == 2076925);
}

TEST_CASE("the real comments of BMO bug 2031562 parse with ids, counts, authors and times",
          "[bugzilla]") {
  auto parsed = bz::parse_comments(sample("bugzilla/bmo_comments_bug2031562.json"));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 1);
  const auto& comments = parsed->at(2031562);
  REQUIRE(comments.size() == 3);
  CHECK(comments[0].id == 18011711);
  CHECK(comments[0].count == 0);
  CHECK(comments[0].creator == "surasak@etda.or.th");
  CHECK(format_rfc3339(comments[0].time) == "2026-04-14T03:04:14Z");
  CHECK(comments[0].text.rfind("Created attachment 9569593\n", 0) == 0);
  CHECK(comments[1].id == 18011797);
  CHECK(comments[1].count == 1);
  CHECK(format_rfc3339(comments[1].time) == "2026-04-14T05:14:50Z");
  CHECK(comments[2].id == 18014149);
  CHECK(comments[2].bug_id == 2031562);
  CHECK(comments[2].count == 2);
  CHECK(comments[2].creator == "incident-reporting@ccadb.org");
  CHECK(format_rfc3339(comments[2].time) == "2026-04-15T03:06:10Z");
  CHECK(comments[2].text == "CCADB CA Owner ID is A002587.");
  for (const auto& c : comments) {
    CHECK_FALSE(c.is_private);
    CHECK(c.tags.empty());
  }
}

TEST_CASE("the real comments of BMO bug 2055439 parse in server order", "[bugzilla]") {
  auto parsed = bz::parse_comments(sample("bugzilla/bmo_comments_bug2055439.json"));
  REQUIRE(parsed.ok());
  const auto& comments = parsed->at(2055439);
  REQUIRE(comments.size() == 5);
  const long long ids[] = {18202762, 18202783, 18216211, 18216223, 18330673};
  const char* times[] = {"2026-07-16T10:45:15Z", "2026-07-16T11:07:21Z", "2026-07-23T07:25:59Z",
                         "2026-07-23T07:33:12Z", "2026-09-10T09:23:23Z"};
  for (int i = 0; i < 5; ++i) {
    CHECK(comments[i].id == ids[i]);
    CHECK(comments[i].count == i);
    CHECK(comments[i].creator == "clopez@firmaprofesional.com");
    CHECK(format_rfc3339(comments[i].time) == times[i]);
  }
  CHECK(comments[2].text.find("We request that the Bugzilla Whiteboard `Next update` field be set "
                              "to `2026-07-30`.") != std::string::npos);
  CHECK(comments[4].text.rfind("## Closure Request", 0) == 0);
}

TEST_CASE("an upstream 5.2 bug with a needinfo flag parses (type id 1, not BMO's 800)",
          "[bugzilla]") {
  auto list = bz::parse_bug_list(sample("bugzilla-5.2/get_bug.json"));
  REQUIRE(list.ok());
  CHECK(list->problems.empty());
  REQUIRE(list->bugs.size() == 1);
  const auto& bug = list->bugs[0];
  CHECK(bug.id == 1);
  CHECK(bug.summary == "Example CA: late disclosure of intermediate");
  CHECK(bug.product == "CA Program");
  CHECK(bug.component == "CA Certificate Compliance");
  CHECK(bug.status == "CONFIRMED");
  CHECK(bug.resolution.empty());
  CHECK(bug.whiteboard == "[ca-compliance] [disclosure-failure] [ca-responded]");
  CHECK(bug.creator == "admin@example.org");
  CHECK(bug.assigned_to == "admin@example.org");
  CHECK(format_rfc3339(bug.creation_time) == "2026-11-28T23:47:12Z");
  CHECK(format_rfc3339(bug.last_change_time) == "2026-11-28T23:47:21Z");
  CHECK_FALSE(bug.last_resolved.has_value());
  REQUIRE(bug.flags.size() == 1);
  const auto& flag = bug.flags[0];
  CHECK(flag.id == 1);
  CHECK(flag.name == "needinfo");
  CHECK(flag.type_id == 1);
  CHECK(flag.status == "?");
  CHECK(flag.setter == "admin@example.org");
  CHECK(flag.requestee == "ca@example.org");
  CHECK(format_rfc3339(flag.creation_date) == "2026-11-28T23:47:20Z");
  CHECK(format_rfc3339(flag.modification_date) == "2026-11-28T23:47:20Z");
}

TEST_CASE("an upstream search with creation_time in include_fields parses both bugs",
          "[bugzilla]") {
  auto list = bz::parse_bug_list(sample("bugzilla-5.2/search_bugs_whiteboard.json"));
  REQUIRE(list.ok());
  CHECK(list->problems.empty());
  REQUIRE(list->bugs.size() == 2);
  CHECK(list->bugs[1].id == 2);
  CHECK(list->bugs[1].creator == "ca@example.org");
  CHECK(list->bugs[1].whiteboard == "[ca-compliance] [audit-delay]");
  CHECK(format_rfc3339(list->bugs[1].creation_time) == "2026-11-28T23:47:13Z");
}

TEST_CASE("searches without creation_time give one problem per bug, naming bug and field",
          "[bugzilla]") {
  // The client must ask for creation_time (include_fields): obligations start from it.
  for (const char* name :
       {"bugzilla-5.2/search_bugs.json", "bugzilla-5.2/search_bugs_anon.json",
        "bugzilla-5.2/search_last_change_time.json", "bugzilla-5.2/get_bugs_id_list.json"}) {
    INFO(name);
    auto list = bz::parse_bug_list(sample(name));
    REQUIRE(list.ok());
    CHECK(list->bugs.empty());
    REQUIRE(list->problems.size() == 2);
    CHECK(list->problems[0] == "bugs[0]: bug 1: field 'creation_time' is missing");
    CHECK(list->problems[1] == "bugs[1]: bug 2: field 'creation_time' is missing");
  }
}

TEST_CASE("upstream 5.2 comments without author or raw_text parse from creator and time",
          "[bugzilla]") {
  auto one = bz::parse_comments(sample("bugzilla-5.2/get_comments.json"));
  REQUIRE(one.ok());
  const auto& c = one->at(1);
  REQUIRE(c.size() == 3);
  CHECK(c[0].id == 1);
  CHECK(c[0].creator == "admin@example.org");
  CHECK(c[0].text == "Initial incident report.");
  CHECK(c[1].id == 3);
  CHECK(format_rfc3339(c[1].time) == "2026-11-28T23:47:14Z");
  CHECK(c[2].id == 4);
  CHECK(c[2].count == 2);
  CHECK(c[2].creator == "ca@example.org");
  CHECK(format_rfc3339(c[2].time) == "2026-11-28T23:47:19Z");

  auto multi = bz::parse_comments(sample("bugzilla-5.2/get_comments_multi.json"));
  REQUIRE(multi.ok());
  REQUIRE(multi->size() == 2);
  CHECK(multi->at(1).size() == 3);
  REQUIRE(multi->at(2).size() == 1);
  CHECK(multi->at(2)[0].id == 2);
  CHECK(multi->at(2)[0].creator == "ca@example.org");
  CHECK(multi->at(2)[0].text == "Second incident.");

  auto since = bz::parse_comments(sample("bugzilla-5.2/get_comments_new_since.json"));
  REQUIRE(since.ok());
  REQUIRE(since->at(1).size() == 1);
  CHECK(since->at(1)[0].id == 4);

  // Asked by comment id: the answer sits in the top-level "comments" object.
  auto by_id = bz::parse_comments(sample("bugzilla-5.2/get_comment_by_id.json"));
  REQUIRE(by_id.ok());
  REQUIRE(by_id->size() == 1);
  REQUIRE(by_id->at(1).size() == 1);
  CHECK(by_id->at(1)[0].id == 1);
  CHECK(by_id->at(1)[0].bug_id == 1);
}

TEST_CASE("upstream history shows the needinfo request and the whiteboard edit", "[bugzilla]") {
  auto history = bz::parse_history(sample("bugzilla-5.2/get_history.json"));
  REQUIRE(history.ok());
  REQUIRE(history->size() == 2);
  const auto& set = (*history)[0];
  CHECK(format_rfc3339(set.when) == "2026-11-28T23:47:20Z");
  CHECK(set.who == "admin@example.org");
  REQUIRE(set.changes.size() == 2);
  CHECK(set.changes[0].field_name == "cc");
  CHECK(set.changes[0].added == "ca@example.org");
  CHECK(set.changes[1].field_name == "flagtypes.name");
  CHECK(set.changes[1].removed.empty());
  CHECK(set.changes[1].added == "needinfo?(ca@example.org)");
  const auto& wb = (*history)[1];
  CHECK(format_rfc3339(wb.when) == "2026-11-28T23:47:21Z");
  REQUIRE(wb.changes.size() == 1);
  CHECK(wb.changes[0].field_name == "whiteboard");
  CHECK(wb.changes[0].removed == "[ca-compliance] [disclosure-failure]");
  CHECK(wb.changes[0].added == "[ca-compliance] [disclosure-failure] [ca-responded]");
}

TEST_CASE("real error answers map to kinds with Bugzilla's code and message", "[bugzilla]") {
  auto bad_key = bz::parse_bugzilla_error(400, sample("bugzilla-5.2/err_bad_key.json"));
  REQUIRE(bad_key.has_value());
  CHECK(bad_key->kind == ErrorKind::auth);
  CHECK(bad_key->service_code == 306);
  CHECK(bad_key->http_status == 400);
  CHECK(bad_key->message.find("The API key you specified is invalid") != std::string::npos);

  auto no_bug = bz::parse_bugzilla_error(404, sample("bugzilla-5.2/err_no_bug.json"));
  REQUIRE(no_bug.has_value());
  CHECK(no_bug->kind == ErrorKind::not_found);
  CHECK(no_bug->service_code == 101);
  CHECK(no_bug->message.find("Bug #99999 does not exist.") != std::string::npos);

  // Upstream has no /rest/whoami: 32614 with HTTP 404.
  auto whoami = bz::parse_bugzilla_error(404, sample("bugzilla-5.2/err_header_key_ignored.json"));
  REQUIRE(whoami.has_value());
  CHECK(whoami->kind == ErrorKind::not_found);
  CHECK(whoami->service_code == 32614);

  auto route = bz::parse_bugzilla_error(400, sample("bugzilla-5.2/err_bug_comment_ids_route.json"));
  REQUIRE(route.has_value());
  CHECK(route->kind == ErrorKind::not_found);  // code 100: invalid bug alias
  CHECK(route->service_code == 100);
}

TEST_CASE("real success answers are not errors, writes give the new id", "[bugzilla]") {
  for (const char* name :
       {"bugzilla-5.2/get_bug.json", "bugzilla-5.2/get_comments.json",
        "bugzilla-5.2/get_history.json", "bugzilla-5.2/ca_clear_needinfo.json",
        "bugzilla-5.2/put_bug_needinfo.json", "bugzilla/bmo_comments_bug2031562.json"}) {
    INFO(name);
    CHECK_FALSE(bz::parse_bugzilla_error(200, sample(name)).has_value());
  }
  CHECK_FALSE(
      bz::parse_bugzilla_error(201, sample("bugzilla-5.2/post_comment_ca.json")).has_value());
  auto id = bz::parse_created_comment(sample("bugzilla-5.2/post_comment_ca.json"));
  REQUIRE(id.ok());
  CHECK(*id == 4);
  auto admin = bz::parse_created_comment(sample("bugzilla-5.2/post_comment_admin.json"));
  REQUIRE(admin.ok());
  CHECK(*admin == 3);
  // /rest/user answers {"users":[...]}: not a whoami answer.
  CHECK_FALSE(bz::parse_whoami(sample("bugzilla-5.2/header_key_user.json")).ok());
}

TEST_CASE("every real sample goes through every parser without crashing", "[bugzilla]") {
  int files = 0;
  for (const char* dir : {"bugzilla", "bugzilla-5.2"}) {
    for (const auto& entry : std::filesystem::directory_iterator(
             bzjira::test_support::test_data_dir() + "/samples/" + dir)) {
      if (entry.path().extension() != ".json") {
        continue;
      }
      ++files;
      const std::string body = sample(std::string(dir) + "/" + entry.path().filename().string());
      INFO(entry.path().string());
      const auto list = bz::parse_bug_list(body);
      const auto comments = bz::parse_comments(body);
      const auto history = bz::parse_history(body);
      const auto time = bz::parse_time(body);
      const auto who = bz::parse_whoami(body);
      const auto created = bz::parse_created_comment(body);
      const auto dataset = bz::parse_dataset(body);
      for (int status : {200, 400, 404, 500}) {
        const auto error = bz::parse_bugzilla_error(status, body);
        if (status != 200) {
          CHECK(error.has_value());
        }
      }
      CHECK((list.ok() || !list.error().message.empty()));
      CHECK((comments.ok() || !comments.error().message.empty()));
      CHECK((history.ok() || !history.error().message.empty()));
      CHECK((time.ok() || !time.error().message.empty()));
      CHECK((who.ok() || !who.error().message.empty()));
      CHECK((created.ok() || !created.error().message.empty()));
      CHECK((dataset.ok() || !dataset.error().message.empty()));
    }
  }
  CHECK(files == 4 + 34);
}
