// BugzillaClient against the simulator: scoped reads, paging, comment batching under the URL limit,
// incremental reads, visibility, writes, and both auth modes (BMO header, upstream query).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "sync/time.h"
#include "tests/simtest/bugzilla_test_support.h"

using namespace bzjira::simtest;
using bzjira::sync::BugScope;
using bzjira::sync::BugStatusScope;
using bzjira::sync::BugzillaAuth;
using bzjira::sync::ErrorKind;

namespace {

std::vector<long> comment_ids(const std::vector<bzjira::sync::Comment>& comments) {
  std::vector<long> ids;
  ids.reserve(comments.size());
  for (const auto& c : comments) {
    ids.push_back(c.id);
  }
  return ids;
}

bzjira::sync::Instant at(const char* text) { return *bzjira::sync::parse_rfc3339(text); }

}  // namespace

TEST_CASE("A full read of the small dataset takes three requests, a second read two",
          "[bugzilla][sim]") {
  for (auto auth : {BugzillaAuth::header, BugzillaAuth::query}) {
    auto s = start_sim(small_dataset_path(), "bmo", "2026-10-01T12:00:00Z");
    auto client = make_client(s.url(), auth, k_ca_key);
    const auto watermark = client->server_time();
    REQUIRE(watermark.ok());
    CHECK(*watermark >= at("2026-10-01T12:00:00Z"));
    const auto bugs = client->search_bugs(BugScope{}, std::nullopt);
    REQUIRE(bugs.ok());
    // Scope: CA Program / CA Certificate Compliance, any status. 2000004 is hidden from the CA
    // (security group), 2000005 is another product.
    CHECK(ids_of(*bugs) == std::vector<long>{2000001, 2000002, 2000003});
    const auto& first = bugs->front();
    CHECK(first.whiteboard == "[ca-compliance] [disclosure-failure] Next update 2026-10-31");
    REQUIRE(first.flags.size() == 1);
    CHECK(first.flags[0].requestee == "ca@example.org");
    CHECK(bugs->at(1).last_resolved == at("2026-09-15T12:00:00Z"));
    const auto comments = client->comments(ids_of(*bugs), std::nullopt);
    REQUIRE(comments.ok());
    CHECK(comments->size() == 3);
    CHECK(client->request_count() == 3);  // time, one search page, one comment batch

    // Nothing changed: the incremental search (watermark minus five minutes) finds nothing and
    // no comment request is needed.
    const auto again = client->search_bugs(BugScope{}, *watermark - std::chrono::minutes(5));
    REQUIRE(again.ok());
    CHECK(again->empty());
    CHECK(client->server_time().ok());
    CHECK(client->request_count() == 5);
  }
}

TEST_CASE("Scope filters reach the server and the summary prefix is a prefix", "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path());
  auto client = make_client(s.url(), BugzillaAuth::header, k_ca_key);
  BugScope open;
  open.status = BugStatusScope::open;
  CHECK(ids_of(*client->search_bugs(open, std::nullopt)) == std::vector<long>{2000001, 2000003});
  BugScope closed;
  closed.status = BugStatusScope::closed;
  CHECK(ids_of(*client->search_bugs(closed, std::nullopt)) == std::vector<long>{2000002});
  BugScope whiteboard;
  whiteboard.whiteboard = "ocsp-failure";
  CHECK(ids_of(*client->search_bugs(whiteboard, std::nullopt)) == std::vector<long>{2000002});
  // 2000003's summary contains "Example CA:" in the middle: the server's substring search
  // returns it, the prefix rule drops it.
  BugScope prefix;
  prefix.summary_prefix = "example ca:";
  CHECK(ids_of(*client->search_bugs(prefix, std::nullopt)) == std::vector<long>{2000001, 2000002});
  BugScope assignee;
  assignee.assignee = "other@example.com";
  CHECK(ids_of(*client->search_bugs(assignee, std::nullopt)) == std::vector<long>{2000003});
}

TEST_CASE("Searches page with limit 1000 past a thousand bugs in both auth modes",
          "[bugzilla][sim]") {
  auto s = start_sim_with(generate_dataset(2500, 3000000));
  for (auto auth : {BugzillaAuth::header, BugzillaAuth::query}) {
    raw(s.url(), "POST", "/__sim/reset-stats");
    auto client = make_client(s.url(), auth, k_ca_key);
    const auto bugs = client->search_bugs(BugScope{}, std::nullopt);
    REQUIRE(bugs.ok());
    REQUIRE(bugs->size() == 2500);
    CHECK(bugs->front().id == 3000000);
    CHECK(bugs->back().id == 3002499);
    const auto ids = ids_of(*bugs);
    CHECK(std::set<long>(ids.begin(), ids.end()).size() == 2500);
    CHECK(sim_requests(s.url()) == json{{"GET /rest/bug", 3}});  // 1000 + 1000 + 500
  }
}

TEST_CASE("Comments of 2,500 bugs come in batches whose URLs stay under 8 KiB", "[bugzilla][sim]") {
  auto s = start_sim_with(generate_dataset(2500, 3000000));
  std::vector<long> ids;
  for (long id = 3000000; id < 3002500; ++id) {
    ids.push_back(id);
  }
  SECTION("header auth") {
    auto client = make_client(s.url(), BugzillaAuth::header, k_ca_key);
    const auto comments = client->comments(ids, at("2026-08-01T00:00:00Z"));
    REQUIRE(comments.ok());
    CHECK(comments->size() == 2500);
    CHECK(comments->at(3001234).size() == 1);
    // "/rest/bug/3000000/comment?include_fields=" (41 bytes) + the 63 bytes of field names +
    // "&new_since=2026-08-01T00%3A00%3A00Z" (35) is 139 bytes, each further id "&ids=3000001" 12:
    // (8000 - 139) / 12 = 655 more, 656 per request, so 4 requests.
    CHECK(sim_requests(s.url()) == json{{"GET /rest/bug/{id}/comment", 4}});
  }
  SECTION("query auth: the api_key parameter counts against the limit too") {
    auto client = make_client(s.url(), BugzillaAuth::query, k_ca_key);
    const auto comments = client->comments(ids, std::nullopt);
    REQUIRE(comments.ok());
    CHECK(comments->size() == 2500);
    // The include_fields part (104 bytes with the path) + "&api_key=ca-key-0000000001" (26) is
    // 130 bytes: 655 more, 656 each.
    CHECK(sim_requests(s.url()) == json{{"GET /rest/bug/{id}/comment", 4}});
  }
  SECTION("a small target limit makes more, smaller batches") {
    bzjira::adapters::bugzilla::BugzillaClientOptions options;
    options.max_request_target = 1000;
    auto client = make_client(s.url(), BugzillaAuth::header, k_ca_key, 5, 4, options);
    REQUIRE(client->comments(ids, std::nullopt).ok());
    // "/rest/bug/3000000/comment?include_fields=..." is 104 bytes: (1000 - 104) / 12 = 74 more,
    // 75 per request.
    CHECK(sim_requests(s.url()) == json{{"GET /rest/bug/{id}/comment", 34}});  // ceil(2500/75)
  }
}

TEST_CASE("An incremental read misses no comment posted in the same second as the watermark",
          "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path(), "bmo", "2026-10-01T12:00:00Z");
  auto client = make_client(s.url(), BugzillaAuth::header, k_ca_key);
  const auto watermark = client->server_time();
  REQUIRE(watermark.ok());
  REQUIRE(client->search_bugs(BugScope{}, std::nullopt).ok());
  // A moderator comments within the very second the watermark was taken.
  const json added = control(s.url(), "/__sim/comments",
                             {{"bug_id", 2000003},
                              {"creator", "moderator@example.org"},
                              {"text", "Same-second question"},
                              {"creation_time", bzjira::sync::format_rfc3339(*watermark)}});
  const long new_id = added["id"].get<long>();

  const auto since = *watermark - std::chrono::minutes(5);
  const auto changed = client->search_bugs(BugScope{}, since);
  REQUIRE(changed.ok());
  CHECK(ids_of(*changed) == std::vector<long>{2000003});
  const auto fresh = client->comments({2000003}, since);
  REQUIRE(fresh.ok());
  CHECK(comment_ids(fresh->at(2000003)) == std::vector<long>{new_id});
  // Without the overlap the strict new_since would have lost it.
  CHECK(client->comments({2000003}, *watermark)->at(2000003).empty());
}

TEST_CASE("Private comments are invisible without insider rights", "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path());
  auto ca = make_client(s.url(), BugzillaAuth::header, k_ca_key);
  auto insider = make_client(s.url(), BugzillaAuth::header, k_insider_key);
  CHECK(comment_ids(ca->comments({2000001}, std::nullopt)->at(2000001)) ==
        std::vector<long>{9001, 9002, 9005, 9006});
  CHECK(comment_ids(insider->comments({2000001}, std::nullopt)->at(2000001)) ==
        std::vector<long>{9001, 9002, 9003, 9005, 9006});
}

TEST_CASE("A bug hidden from the caller does not spoil its comment batch", "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path());
  auto ca = make_client(s.url(), BugzillaAuth::header, k_ca_key);
  const auto comments = ca->comments({2000001, 2000004, 2000002}, std::nullopt);
  REQUIRE(comments.ok());
  CHECK(comments->at(2000004).empty());
  CHECK(comments->at(2000001).size() == 4);
  CHECK(comments->at(2000002).size() == 2);
}

TEST_CASE("History, posting a comment and clearing a needinfo flag", "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path());
  auto ca = make_client(s.url(), BugzillaAuth::header, k_ca_key);
  const auto history = ca->history(2000002);
  REQUIRE(history.ok());
  REQUIRE(history->size() == 1);
  CHECK(history->at(0).changes.at(0).added == "RESOLVED");
  CHECK(ca->history(99999).error().kind == ErrorKind::not_found);

  const auto posted = ca->post_comment(2000001, "## Update\nDeployed the fix.");
  REQUIRE(posted.ok());
  const auto after = ca->comments({2000001}, std::nullopt);
  CHECK(after->at(2000001).back().id == *posted);
  CHECK(after->at(2000001).back().text == "## Update\nDeployed the fix.");

  REQUIRE(ca->clear_flag(2000001, 501).ok());
  BugScope open;
  open.status = BugStatusScope::open;
  CHECK(ca->search_bugs(open, std::nullopt)->front().flags.empty());
}

TEST_CASE("whoami names the key's login on BMO and is not_found on upstream 5.x",
          "[bugzilla][sim]") {
  auto bmo = start_sim(small_dataset_path(), "bmo");
  CHECK(*make_client(bmo.url(), BugzillaAuth::header, k_ca_key)->whoami() == "ca@example.org");
  auto upstream = start_sim(small_dataset_path(), "upstream");
  const auto missing = make_client(upstream.url(), BugzillaAuth::query, k_ca_key)->whoami();
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::not_found);
}

TEST_CASE("Upstream ignores the header key (anonymous) while the query key works",
          "[bugzilla][sim]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  auto header = make_client(s.url(), BugzillaAuth::header, k_insider_key);
  auto query = make_client(s.url(), BugzillaAuth::query, k_insider_key);
  // Reads succeed either way, but the header client is anonymous: no security bug, no private
  // comment, no writes.
  CHECK(ids_of(*header->search_bugs(BugScope{}, std::nullopt)) ==
        std::vector<long>{2000001, 2000002, 2000003});
  CHECK(ids_of(*query->search_bugs(BugScope{}, std::nullopt)) ==
        std::vector<long>{2000001, 2000002, 2000003, 2000004});
  CHECK(header->comments({2000001}, std::nullopt)->at(2000001).size() == 4);
  CHECK(query->comments({2000001}, std::nullopt)->at(2000001).size() == 5);
  const auto refused = header->post_comment(2000001, "hello");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::auth);
  CHECK(query->post_comment(2000001, "hello").ok());
}
