// The simulator's semantics against docs/bugzilla-api.md (expectations derived from the doc and
// the hand-made dataset tests/data/bugzilla/small.json, whose _about member describes it).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include <set>

#include "tests/simtest/bugzilla_test_support.h"

using namespace bzjira::simtest;

namespace {

std::vector<long> ids_of(const json& body) {
  std::vector<long> ids;
  for (const auto& bug : body.value("bugs", json::array())) {
    ids.push_back(bug.value("id", 0L));
  }
  return ids;
}

std::vector<long> comment_ids(const json& body, const std::string& bug) {
  std::vector<long> ids;
  for (const auto& c : body["bugs"][bug]["comments"]) {
    ids.push_back(c["id"].get<long>());
  }
  return ids;
}

std::vector<long> search(const std::string& url, const std::string& query,
                         const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return ids_of(raw(url, "GET", "/rest/bug?include_fields=id&" + query, headers).json_body());
}

}  // namespace

TEST_CASE("Search filters as documented: status aliases, substrings, exact fields, ids, times",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path());
  const std::string ca = "product=CA%20Program&";
  // 2000004 is in a security group: invisible to anonymous callers.
  CHECK(search(s.url(), ca + "status=__open__") == std::vector<long>{2000001, 2000003});
  CHECK(search(s.url(), ca + "status=__closed__") == std::vector<long>{2000002});
  CHECK(search(s.url(), ca + "status=NEW&status=RESOLVED") == std::vector<long>{2000002, 2000003});
  CHECK(search(s.url(), ca + "resolution=") == std::vector<long>{2000001, 2000003});
  CHECK(search(s.url(), "whiteboard=OCSP-FAILURE") == std::vector<long>{2000002});  // any case
  CHECK(search(s.url(), "short_desc=example%20ca%3A&short_desc_type=substring") ==
        std::vector<long>{2000001, 2000002, 2000003, 2000005});
  CHECK(search(s.url(), "f1=short_desc&o1=substring&v1=OCSP%20responder") ==
        std::vector<long>{2000002});
  CHECK(search(s.url(), "assigned_to=other%40example.com") == std::vector<long>{2000003});
  CHECK(search(s.url(), "id=2000005,2000001&id=2000002") ==
        std::vector<long>{2000001, 2000002, 2000005});
  CHECK(search(s.url(), "product=Firefox&component=General") == std::vector<long>{2000005});
  // last_change_time: at or after (2000003 changed exactly then).
  CHECK(search(s.url(), ca + "last_change_time=2026-09-10T14:00:00Z") ==
        std::vector<long>{2000001, 2000002, 2000003});
  CHECK(search(s.url(), ca + "creation_time=2026-09-01T10:00:00Z") ==
        std::vector<long>{2000001, 2000003});
  CHECK(search(s.url(), ca + "order=bug_id%20DESC") ==
        std::vector<long>{2000003, 2000002, 2000001});
  const json count = raw(s.url(), "GET", "/rest/bug?" + ca + "count_only=1").json_body();
  CHECK(count == json{{"bug_count", 3}});
}

TEST_CASE("Search paging: offset needs a limit, limit=0 means the cap and drops the offset",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path());
  const auto no_limit = raw(s.url(), "GET", "/rest/bug?product=CA%20Program&offset=1");
  CHECK(no_limit.status == 400);
  CHECK(no_limit.json_body()["code"] == 50);
  CHECK(search(s.url(), "product=CA%20Program&limit=0&offset=2") ==
        std::vector<long>{2000001, 2000002, 2000003});
  CHECK(search(s.url(), "product=CA%20Program&limit=2&offset=2") == std::vector<long>{2000003});
  CHECK(search(s.url(), "product=CA%20Program&limit=2&offset=5").empty());
}

TEST_CASE("Search caps results at 10,000 whatever limit asks", "[sim][bugzilla]") {
  auto s = start_sim_with(generate_dataset(10005, 3000000));
  CHECK(search(s.url(), "product=CA%20Program&limit=20000").size() == 10000);
  CHECK(search(s.url(), "product=CA%20Program").size() == 10000);
  CHECK(search(s.url(), "product=CA%20Program&limit=0&offset=9000").size() == 10000);
}

TEST_CASE("Private comments only for insiders, deleted comments for nobody", "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path());
  const std::string path = "/rest/bug/2000001/comment";
  CHECK(comment_ids(raw(s.url(), "GET", path).json_body(), "2000001") ==
        std::vector<long>{9001, 9002, 9005, 9006});
  CHECK(comment_ids(raw(s.url(), "GET", path, {{"X-BUGZILLA-API-KEY", k_ca_key}}).json_body(),
                    "2000001") == std::vector<long>{9001, 9002, 9005, 9006});
  CHECK(comment_ids(raw(s.url(), "GET", path, {{"X-BUGZILLA-API-KEY", k_insider_key}}).json_body(),
                    "2000001") == std::vector<long>{9001, 9002, 9003, 9005, 9006});
}

TEST_CASE("Bugs in a security group are hidden from callers who are not insiders",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path());
  CHECK(raw(s.url(), "GET", "/rest/bug/2000004").status == 401);
  CHECK(raw(s.url(), "GET", "/rest/bug/2000004").json_body()["code"] == 102);
  CHECK(raw(s.url(), "GET", "/rest/bug/2000004", {{"X-BUGZILLA-API-KEY", k_insider_key}}).status ==
        200);
  CHECK(search(s.url(), "id=2000004").empty());  // searches silently omit what you cannot see
}

TEST_CASE("new_since returns only comments strictly newer, for every bug of the batch",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path());
  const json body =
      raw(s.url(), "GET", "/rest/bug/2000001/comment?ids=2000002&new_since=2026-09-10T12:00:00Z")
          .json_body();
  CHECK(comment_ids(body, "2000001") == std::vector<long>{9006});  // 9005 is exactly at new_since
  CHECK(comment_ids(body, "2000002").empty());
}

TEST_CASE("A comma list in ids= is one invalid id, and a missing bug fails the whole batch",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path());
  CHECK(raw(s.url(), "GET", "/rest/bug/2000001/comment?ids=2000002,2000003").json_body()["code"] ==
        100);
  const auto missing = raw(s.url(), "GET", "/rest/bug/2000001/comment?ids=1234");
  CHECK(missing.status == 404);
  CHECK(missing.json_body()["code"] == 101);
}

TEST_CASE("Request targets over 8 KiB get a plain-text 414", "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path());
  std::string target = "/rest/bug/2000001/comment?new_since=2026-01-01T00:00:00Z";
  while (target.size() <= 8192) {
    target += "&ids=2000001";
  }
  const auto r = raw(s.url(), "GET", target);
  CHECK(r.status == 414);
  CHECK(r.header("content-type").find("text/plain") == 0);
  CHECK(r.json_body().is_discarded());
  target.resize(8192);  // exactly 8 KiB is still served
  target.erase(target.rfind('&'));
  CHECK(raw(s.url(), "GET", target).status == 200);
}

TEST_CASE("Posting a comment needs a login, text, at most 65,535 characters, it stamps the clock",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "bmo", "2026-10-01T12:00:00Z");
  const std::vector<std::pair<std::string, std::string>> auth = {{"X-BUGZILLA-API-KEY", k_ca_key}};
  const auto anonymous =
      raw(s.url(), "POST", "/rest/bug/2000003/comment", {}, R"({"comment":"hi"})");
  CHECK(anonymous.status == 401);
  CHECK(anonymous.json_body()["code"] == 410);
  const auto empty = raw(s.url(), "POST", "/rest/bug/2000003/comment", auth, R"({"comment":"  "})");
  CHECK(empty.status == 400);
  CHECK(empty.json_body()["code"] == 50);
  const auto too_long = raw(s.url(), "POST", "/rest/bug/2000003/comment", auth,
                            json{{"comment", std::string(65536, 'x')}}.dump());
  CHECK(too_long.status == 400);
  CHECK(too_long.json_body()["code"] == 114);
  CHECK(raw(s.url(), "POST", "/rest/bug/2000003/comment", auth,
            json{{"comment", std::string(65535, 'x')}}.dump())
            .status == 201);

  control(s.url(), "/__sim/clock", {{"now", "2026-10-02T08:30:00Z"}});
  const auto posted =
      raw(s.url(), "POST", "/rest/bug/2000003/comment", auth, R"({"comment":"Our update."})");
  REQUIRE(posted.status == 201);
  const json comments = raw(s.url(), "GET", "/rest/bug/2000003/comment").json_body();
  const json last = comments["bugs"]["2000003"]["comments"].back();
  CHECK(last["id"] == posted.json_body()["id"]);
  CHECK(last["creator"] == "ca@example.org");
  CHECK(last["text"] == "Our update.");
  // Stamped with the simulated clock (a second may pass between the two requests).
  const std::string when = last["creation_time"];
  CHECK((when == "2026-10-02T08:30:00Z" || when == "2026-10-02T08:30:01Z"));
  const json bug =
      raw(s.url(), "GET", "/rest/bug/2000003?include_fields=last_change_time").json_body();
  CHECK(bug["bugs"][0]["last_change_time"] == when);
}

TEST_CASE("Clearing a needinfo flag removes it and records the change in history",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path());
  const auto r = raw(s.url(), "PUT", "/rest/bug/2000001", {{"X-BUGZILLA-API-KEY", k_ca_key}},
                     R"({"flags":[{"id":501,"status":"X"}]})");
  REQUIRE(r.status == 200);
  CHECK(raw(s.url(), "GET", "/rest/bug/2000001?include_fields=flags")
            .json_body()["bugs"][0]["flags"] == json::array());
  const json history = raw(s.url(), "GET", "/rest/bug/2000001/history").json_body();
  const json last = history["bugs"][0]["history"].back();
  CHECK(last["who"] == "ca@example.org");
  CHECK(last["changes"] == json::array({{{"field_name", "flagtypes.name"},
                                         {"removed", "needinfo?(ca@example.org)"},
                                         {"added", ""}}}));
  CHECK(raw(s.url(), "PUT", "/rest/bug/2000001", {{"X-BUGZILLA-API-KEY", k_ca_key}},
            R"({"flags":[{"id":501,"status":"X"}]})")
            .status == 400);  // gone now
}

TEST_CASE(
    "Over the configured rate: one JSON 400 rate-limit error, then HTML 429 without "
    "Retry-After, then service again",
    "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path());
  control(s.url(), "/__sim/faults",
          {{"rate_limit_per_second", 3}, {"rate_limit_block_seconds", 0.5}});
  std::vector<int> statuses;
  std::vector<RawResponse> answers;
  for (int i = 0; i < 5; ++i) {
    answers.push_back(raw(s.url(), "GET", "/rest/time"));
    statuses.push_back(answers.back().status);
  }
  CHECK(statuses == std::vector<int>{200, 200, 200, 400, 429});
  CHECK(answers[3].json_body()["code"] == 32000);
  CHECK(answers[3].json_body()["message"] == "You have exceeded the rate limit.");
  CHECK(answers[4].header("content-type").find("text/html") == 0);
  CHECK(answers[4].headers.count("retry-after") == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  CHECK(raw(s.url(), "GET", "/rest/time").status == 200);
}

TEST_CASE("Each injected fault kind looks as specified on the wire", "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path());
  control(s.url(), "/__sim/faults",
          {{"next",
            {"http500", "http503_html", "truncated_json", "reset", "rate_limit", "rate_limit"}}});
  const auto e500 = raw(s.url(), "GET", "/rest/time");
  CHECK(e500.status == 500);
  const auto e503 = raw(s.url(), "GET", "/rest/time");
  CHECK(e503.status == 503);
  CHECK(e503.header("content-type").find("text/html") == 0);
  const auto truncated = raw(s.url(), "GET", "/rest/time");
  CHECK(truncated.status == 200);
  CHECK(truncated.json_body().is_discarded());
  CHECK(truncated.body.rfind("{\"db_time\":", 0) == 0);  // the first half of a real answer
  const auto reset = raw(s.url(), "GET", "/rest/time");
  CHECK(reset.status == 0);  // the connection dropped mid-answer
  CHECK_FALSE(reset.error.empty());
  CHECK(raw(s.url(), "GET", "/rest/time").status == 400);
  CHECK(raw(s.url(), "GET", "/rest/time").status == 429);
  CHECK(raw(s.url(), "GET", "/rest/time").status == 200);  // queue used up, rate 0
  const json stats = raw(s.url(), "GET", "/__sim/stats").json_body();
  CHECK(stats["faults_injected"] == 6);
  CHECK(stats["requests"]["GET /rest/time"] == 7);
  CHECK(stats["total"] == 7);  // control endpoints are not counted
}

TEST_CASE("The same seed and rate give the same faults on the same request sequence",
          "[sim][bugzilla]") {
  auto run = [](std::uint64_t seed) {
    bzjira::sim::BugzillaSimOptions options;
    options.data_path = small_dataset_path();
    options.fault_rate = 0.5;
    options.seed = seed;
    options.hang_seconds = 0.05;
    RunningSim s(options);
    std::vector<int> statuses;
    statuses.reserve(12);
    for (int i = 0; i < 12; ++i) {
      statuses.push_back(raw(s.url(), "GET", "/rest/bug/2000002?include_fields=id").status);
    }
    return statuses;
  };
  const auto first = run(77);
  CHECK(first == run(77));
  CHECK(std::count(first.begin(), first.end(), 200) < 12);
}

TEST_CASE("Control endpoints add comments and change bugs for tests", "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "bmo", "2026-10-01T12:00:00Z");
  const json added = control(s.url(), "/__sim/comments",
                             {{"bug_id", 2000003},
                              {"creator", "moderator@example.org"},
                              {"text", "A question."},
                              {"creation_time", "2026-10-01T11:00:00Z"}});
  const json comments = raw(s.url(), "GET", "/rest/bug/2000003/comment").json_body();
  CHECK(comments["bugs"]["2000003"]["comments"].back()["id"] == added["id"]);
  CHECK(comments["bugs"]["2000003"]["comments"].back()["creation_time"] == "2026-10-01T11:00:00Z");
  control(s.url(), "/__sim/bugs",
          {{"id", 2000003}, {"status", "RESOLVED"}, {"resolution", "FIXED"}});
  CHECK(search(s.url(), "product=CA%20Program&status=__closed__") ==
        std::vector<long>{2000002, 2000003});
}

TEST_CASE("include_fields shortcuts and exclude_fields pick members as documented",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path());
  auto bug = [&](const std::string& query) {
    return raw(s.url(), "GET", "/rest/bug/2000001?" + query).json_body()["bugs"][0];
  };
  const json all = bug("include_fields=_all");
  CHECK(all.contains("whiteboard"));
  CHECK(all.contains("cf_last_resolved") == false);  // 2000001 is open: the dataset has none
  CHECK(bug("include_fields=_default") == all);      // no extra members in this dataset
  CHECK(keys_of(bug("include_fields=id,whiteboard")) ==
        std::vector<std::string>{"id", "whiteboard"});
  CHECK_FALSE(bug("exclude_fields=flags").contains("flags"));
  CHECK(keys_of(bug("include_fields=assigned_to")) ==
        std::vector<std::string>{"assigned_to", "assigned_to_detail"});
  CHECK(keys_of(bug("include_fields=nonsense")).empty());  // unknown names are ignored
}
