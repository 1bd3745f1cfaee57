// The simulator's answers against the real responses in tests/data/samples: same status codes, same
// top-level members and member types, same error objects (upstream 5.2 captures for upstream mode,
// bugzilla.mozilla.org captures and docs/bugzilla-api.md for BMO mode).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/simtest/bugzilla_test_support.h"

using namespace bzjira::simtest;

namespace {

const char* const k_up = "bugzilla-5.2";

// The JSON type of every member, so shapes compare without comparing values.
std::map<std::string, std::string> member_types(const json& object) {
  std::map<std::string, std::string> types;
  for (const auto& [key, value] : object.items()) {
    types[key] = value.is_number_integer() ? "integer" : value.type_name();
  }
  return types;
}

}  // namespace

TEST_CASE("Upstream: a missing bug is error 101 with HTTP 404, as the 5.2 sample",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  const auto r = raw(s.url(), "GET", "/rest/bug/99999");
  CHECK(r.status == sample_status(k_up, "err_no_bug"));
  CHECK(r.json_body() == sample_json(k_up, "err_no_bug"));
}

TEST_CASE("Upstream: /rest/bug/comment?ids= is not a route, as the 5.2 sample", "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  const auto r = raw(s.url(), "GET", "/rest/bug/comment?ids=9001");
  CHECK(r.status == sample_status(k_up, "err_bug_comment_ids_route"));
  CHECK(r.json_body() == sample_json(k_up, "err_bug_comment_ids_route"));
}

TEST_CASE("Upstream: the API key header is ignored and /rest/whoami does not exist",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  const auto r = raw(s.url(), "GET", "/rest/whoami", {{"X-BUGZILLA-API-KEY", k_ca_key}});
  CHECK(r.status == sample_status(k_up, "err_header_key_ignored"));
  CHECK(r.json_body() == sample_json(k_up, "err_header_key_ignored"));
}

TEST_CASE("Upstream: a wrong api_key is error 306 with HTTP 400, as the 5.2 sample",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  const auto r = raw(s.url(), "GET", "/rest/bug/2000001?api_key=not-a-key");
  CHECK(r.status == sample_status(k_up, "err_bad_key"));
  CHECK(r.json_body() == sample_json(k_up, "err_bad_key"));
}

TEST_CASE("Upstream: one bug has the members and flag shape of the 5.2 get_bug sample",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  const auto r = raw(s.url(), "GET", "/rest/bug/2000001");
  const json sample = sample_json(k_up, "get_bug");
  REQUIRE(r.status == sample_status(k_up, "get_bug"));
  const json body = r.json_body();
  CHECK(keys_of(body) == keys_of(sample));  // bugs, faults
  CHECK(body["faults"] == json::array());
  const json bug = body["bugs"][0];
  const auto sample_types = member_types(sample["bugs"][0]);
  const auto sim_types = member_types(bug);
  // The members bzjira reads, with the sample's types (the sim may hold fewer others).
  for (const char* field :
       {"id", "summary", "status", "resolution", "whiteboard", "product", "component", "creator",
        "assigned_to", "creation_time", "last_change_time", "flags", "is_open", "alias"}) {
    INFO(field);
    REQUIRE(sim_types.count(field) == 1);
    CHECK(sim_types.at(field) == sample_types.at(field));
  }
  CHECK(keys_of(bug["flags"][0]) == keys_of(sample["bugs"][0]["flags"][0]));
  CHECK(member_types(bug["flags"][0]) == member_types(sample["bugs"][0]["flags"][0]));
}

TEST_CASE("Upstream: comments of several bugs come keyed by bug id strings with 5.2 members",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  const auto r = raw(s.url(), "GET", "/rest/bug/2000001/comment?ids=2000002");
  const json sample = sample_json(k_up, "get_comments_multi");
  REQUIRE(r.status == sample_status(k_up, "get_comments_multi"));
  const json body = r.json_body();
  CHECK(keys_of(body) == keys_of(sample));  // bugs, comments
  CHECK(body["comments"] == json::object());
  CHECK(keys_of(body["bugs"]) == std::vector<std::string>{"2000001", "2000002"});
  const json sample_comment = sample["bugs"]["1"]["comments"][0];
  for (const auto& comment : body["bugs"]["2000002"]["comments"]) {
    CHECK(member_types(comment) == member_types(sample_comment));  // no author, no raw_text
  }
}

TEST_CASE("Upstream: a comment fetched by id comes under \"comments\" as in the 5.2 sample",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  const auto r = raw(s.url(), "GET", "/rest/bug/comment/9001");
  const json sample = sample_json(k_up, "get_comment_by_id");
  REQUIRE(r.status == sample_status(k_up, "get_comment_by_id"));
  const json body = r.json_body();
  CHECK(body["bugs"] == json::object());
  CHECK(keys_of(body["comments"]) == std::vector<std::string>{"9001"});
  CHECK(member_types(body["comments"]["9001"]) == member_types(sample["comments"]["1"]));
}

TEST_CASE("Upstream: history has the 5.2 sample's shape, alias an empty array", "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  const auto r = raw(s.url(), "GET", "/rest/bug/2000001/history");
  const json sample = sample_json(k_up, "get_history");
  REQUIRE(r.status == sample_status(k_up, "get_history"));
  const json bug = r.json_body()["bugs"][0];
  CHECK(member_types(bug) == member_types(sample["bugs"][0]));
  CHECK(bug["alias"] == json::array());
  CHECK(bug["history"].size() == 2);
  CHECK(member_types(bug["history"][0]) == member_types(sample["bugs"][0]["history"][0]));
  CHECK(keys_of(bug["history"][0]["changes"][0]) ==
        keys_of(sample["bugs"][0]["history"][0]["changes"][0]));
}

TEST_CASE("Upstream: searches return exactly the included fields, as the 5.2 samples",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  SECTION("id, summary, flags, last_change_time, whiteboard") {
    const auto r = raw(s.url(), "GET",
                       "/rest/bug?product=CA%20Program&include_fields=id,summary,flags,"
                       "last_change_time,whiteboard");
    const json sample = sample_json(k_up, "search_bugs");
    REQUIRE(r.status == sample_status(k_up, "search_bugs"));
    CHECK(keys_of(r.json_body()) == keys_of(sample));
    json r_body = r.json_body();  // a named copy: the loop must not iterate a temporary
    for (const auto& bug : r_body["bugs"]) {
      CHECK(member_types(bug) == member_types(sample["bugs"][0]));
    }
  }
  SECTION("creator and assigned_to bring their _detail objects") {
    const auto r = raw(s.url(), "GET",
                       "/rest/bug?id=2000001&include_fields=id,summary,status,resolution,"
                       "whiteboard,creator,assigned_to,creation_time,last_change_time");
    const json sample = sample_json(k_up, "search_bugs_whiteboard");
    REQUIRE(r.json_body()["bugs"].size() == 1);
    CHECK(member_types(r.json_body()["bugs"][0]) == member_types(sample["bugs"][0]));
  }
  SECTION("limit and offset page in bug id order") {
    const auto r = raw(s.url(), "GET",
                       "/rest/bug?product=CA%20Program&include_fields=id&order=bug_id&limit=1&"
                       "offset=1");
    CHECK(keys_of(r.json_body()["bugs"][0]) ==
          keys_of(sample_json(k_up, "search_limit_offset")["bugs"][0]));
    CHECK(r.json_body()["bugs"] == json::array({{{"id", 2000002}}}));
  }
}

TEST_CASE(
    "Upstream: posting a comment answers 201 with the new id, clearing needinfo answers "
    "the change",
    "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "upstream");
  const std::string key = std::string("?api_key=") + k_ca_key;
  const auto posted = raw(s.url(), "POST", "/rest/bug/2000001/comment" + key,
                          {{"Content-Type", "application/json"}}, R"({"comment":"Update."})");
  CHECK(posted.status == sample_status(k_up, "post_comment_ca"));
  CHECK(member_types(posted.json_body()) == member_types(sample_json(k_up, "post_comment_ca")));
  CHECK(posted.json_body()["id"].get<long>() > 9401);  // after every id in the dataset

  const auto cleared =
      raw(s.url(), "PUT", "/rest/bug/2000001" + key, {{"Content-Type", "application/json"}},
          R"({"flags":[{"id":501,"status":"X"}]})");
  const json sample = sample_json(k_up, "ca_clear_needinfo");
  CHECK(cleared.status == sample_status(k_up, "ca_clear_needinfo"));
  const json bug = cleared.json_body()["bugs"][0];
  CHECK(keys_of(bug) == keys_of(sample["bugs"][0]));
  CHECK(bug["changes"] == sample["bugs"][0]["changes"]);  // both clear needinfo?(ca@example.org)
}

TEST_CASE("BMO: comments carry author, raw_text, reactions and collapsed like the real answer",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "bmo");
  const auto r = raw(s.url(), "GET", "/rest/bug/2000002/comment");
  const json sample = sample_json("bugzilla", "bmo_comments_bug2031562");
  REQUIRE(r.status == 200);
  CHECK(keys_of(r.json_body()) == keys_of(sample));
  const json real = sample["bugs"]["2031562"]["comments"][1];  // attachment_id null, like ours
  json r_body = r.json_body();  // a named copy: the loop must not iterate a temporary
  for (const auto& comment : r_body["bugs"]["2000002"]["comments"]) {
    CHECK(member_types(comment) == member_types(real));
  }
}

TEST_CASE("BMO: a search with include_fields has the real search answer's members",
          "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "bmo");
  const auto r = raw(s.url(), "GET",
                     "/rest/bug?product=CA%20Program&include_fields=id,summary,status,resolution,"
                     "creation_time");
  const json sample = sample_json("bugzilla", "bmo_search_ca_documents");
  CHECK(keys_of(r.json_body()) == keys_of(sample));
  json r_body = r.json_body();  // a named copy: the loop must not iterate a temporary
  for (const auto& bug : r_body["bugs"]) {
    CHECK(member_types(bug) == member_types(sample["bugs"][0]));
  }
}

// docs/bugzilla-api.md#server-time, docs/bugzilla-api.md#who-am-i.
TEST_CASE("BMO: time and whoami have the documented members", "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "bmo");
  const json time = raw(s.url(), "GET", "/rest/time").json_body();
  CHECK(keys_of(time) == std::vector<std::string>{"db_time", "tz_name", "tz_offset",
                                                  "tz_short_name", "web_time", "web_time_utc"});
  CHECK(time["tz_offset"] == "+0000");
  const json me =
      raw(s.url(), "GET", "/rest/whoami", {{"X-BUGZILLA-API-KEY", k_ca_key}}).json_body();
  CHECK(member_types(me) ==
        std::map<std::string, std::string>{
            {"id", "integer"}, {"name", "string"}, {"nick", "string"}, {"real_name", "string"}});
  CHECK(me["name"] == "ca@example.org");
  CHECK(me["nick"] == "ca");
}

// docs/bugzilla-api.md#errors.
TEST_CASE("BMO: error objects carry error, code, message and documentation", "[sim][bugzilla]") {
  auto s = start_sim(small_dataset_path(), "bmo");
  const auto missing = raw(s.url(), "GET", "/rest/bug/99999");
  CHECK(missing.status == 404);
  CHECK(missing.json_body() ==
        json{{"error", true},
             {"code", 101},
             {"message", "Bug 99999 does not exist."},
             {"documentation", "https://bmo.readthedocs.io/en/latest/api/"}});
  const auto bad_key = raw(s.url(), "GET", "/rest/whoami", {{"X-BUGZILLA-API-KEY", "nope"}});
  CHECK(bad_key.status == 400);
  CHECK(bad_key.json_body()["code"] == 306);
  const auto anonymous = raw(s.url(), "GET", "/rest/whoami");
  CHECK(anonymous.status == 401);  // 410 login required maps to 401
  CHECK(anonymous.json_body()["code"] == 410);
}
