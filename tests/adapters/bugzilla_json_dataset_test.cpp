// The dataset file (docs/dataset-format.md): reading, problem lines, and the round trip
// that `bzjira snapshot` relies on.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/bugzilla/bugzilla_json.h"
#include "tests/support/paths.h"

namespace bz = bzjira::adapters::bugzilla;
namespace model = bzjira::sync;
using nlohmann::json;

namespace {

model::Instant at(const char* text) { return *model::parse_rfc3339(text); }

void check_same(const model::Bug& a, const model::Bug& b) {
  CHECK(a.id == b.id);
  CHECK(a.summary == b.summary);
  CHECK(a.status == b.status);
  CHECK(a.resolution == b.resolution);
  CHECK(a.whiteboard == b.whiteboard);
  CHECK(a.product == b.product);
  CHECK(a.component == b.component);
  CHECK(a.creator == b.creator);
  CHECK(a.assigned_to == b.assigned_to);
  CHECK(a.creation_time == b.creation_time);
  CHECK(a.last_change_time == b.last_change_time);
  CHECK(a.last_resolved == b.last_resolved);
  REQUIRE(a.flags.size() == b.flags.size());
  for (std::size_t i = 0; i < a.flags.size(); ++i) {
    CHECK(a.flags[i].id == b.flags[i].id);
    CHECK(a.flags[i].name == b.flags[i].name);
    CHECK(a.flags[i].type_id == b.flags[i].type_id);
    CHECK(a.flags[i].status == b.flags[i].status);
    CHECK(a.flags[i].setter == b.flags[i].setter);
    CHECK(a.flags[i].requestee == b.flags[i].requestee);
    CHECK(a.flags[i].creation_date == b.flags[i].creation_date);
    CHECK(a.flags[i].modification_date == b.flags[i].modification_date);
  }
}

void check_same(const model::BugRecord& a, const model::BugRecord& b) {
  check_same(a.bug, b.bug);
  REQUIRE(a.comments.size() == b.comments.size());
  for (std::size_t i = 0; i < a.comments.size(); ++i) {
    const auto& x = a.comments[i];
    const auto& y = b.comments[i];
    CHECK(x.id == y.id);
    CHECK(x.bug_id == y.bug_id);
    CHECK(x.count == y.count);
    CHECK(x.creator == y.creator);
    CHECK(x.time == y.time);
    CHECK(x.text == y.text);
    CHECK(x.is_private == y.is_private);
    CHECK(x.tags == y.tags);
  }
  REQUIRE(a.history.size() == b.history.size());
  for (std::size_t i = 0; i < a.history.size(); ++i) {
    CHECK(a.history[i].when == b.history[i].when);
    CHECK(a.history[i].who == b.history[i].who);
    REQUIRE(a.history[i].changes.size() == b.history[i].changes.size());
    for (std::size_t k = 0; k < a.history[i].changes.size(); ++k) {
      CHECK(a.history[i].changes[k].field_name == b.history[i].changes[k].field_name);
      CHECK(a.history[i].changes[k].removed == b.history[i].changes[k].removed);
      CHECK(a.history[i].changes[k].added == b.history[i].changes[k].added);
    }
  }
}

std::vector<model::BugRecord> example_records() {
  model::BugRecord open;
  open.bug = model::Bug{
      2058918,
      "CFCA: Incorrect countryName values in OV subscriber certificates",
      "ASSIGNED",
      "",
      "[ca-compliance] [ov-misissuance] Next update 2026-10-12",
      "CA Program",
      "CA Certificate Compliance",
      "songxinlei@cfca.com.cn",
      "songxinlei@cfca.com.cn",
      at("2026-07-29T13:44:15Z"),
      at("2026-09-30T07:48:59Z"),
      std::nullopt,
      {model::Flag{2345678, "needinfo", 800, "?", "bwilson@mozilla.com", "songxinlei@cfca.com.cn",
                   at("2026-09-24T16:02:11Z"), at("2026-09-25T01:00:00Z")},
       model::Flag{2345679, "in-testsuite", 17, "+", "a@b.example", "", at("2026-09-01T00:00:00Z"),
                   at("2026-09-01T00:00:00Z")}}};
  open.comments = {
      model::Comment{18300000,
                     2058918,
                     0,
                     "songxinlei@cfca.com.cn",
                     at("2026-07-29T13:44:15Z"),
                     "Preliminary report\n\n## Summary\nUnicode: \xe2\x80\x99 and \"quotes\"",
                     false,
                     {}},
      model::Comment{18300009,
                     2058918,
                     3,
                     "bwilson@mozilla.com",
                     at("2026-09-24T16:02:11Z"),
                     "Please explain.",
                     true,
                     {"spam", "admin-only"}}};
  open.history = {
      model::HistoryEntry{at("2026-09-24T16:02:11Z"),
                          "bwilson@mozilla.com",
                          {{"flagtypes.name", "", "needinfo?(songxinlei@cfca.com.cn)"},
                           {"status_whiteboard", "[ca-compliance]",
                            "[ca-compliance] [ov-misissuance] Next update 2026-10-12"}}}};
  model::BugRecord closed;
  closed.bug.id = 2055439;
  closed.bug.status = "RESOLVED";
  closed.bug.resolution = "WORKSFORME";
  closed.bug.creation_time = at("2026-07-16T10:45:15Z");
  closed.bug.last_resolved = at("2026-09-12T08:00:00Z");
  return {open, closed};
}

}  // namespace

TEST_CASE("a dataset written and read back gives the same records", "[bugzilla]") {
  const auto records = example_records();
  const std::string text = bz::write_dataset(records);
  auto back = bz::parse_dataset(text);
  REQUIRE(back.ok());
  CHECK(back->problems.empty());
  REQUIRE(back->records.size() == records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    check_same(back->records[i], records[i]);
  }
  // The written shapes are the REST ones: requestee only when set, ids as string keys.
  const auto doc = json::parse(text);
  CHECK(doc.at("bugs").at(0).at("flags").at(0).at("requestee") == "songxinlei@cfca.com.cn");
  CHECK_FALSE(doc.at("bugs").at(0).at("flags").at(1).contains("requestee"));
  CHECK(doc.at("comments").at("2058918").size() == 2);
  CHECK(doc.at("comments").at("2058918").at(1).at("author") == "bwilson@mozilla.com");
  CHECK(doc.at("bugs").at(1).at("cf_last_resolved") == "2026-09-12T08:00:00Z");
  CHECK(doc.at("bugs").at(0).at("cf_last_resolved").is_null());
}

TEST_CASE("text that is not UTF-8 is written with replacements instead of failing", "[bugzilla]") {
  auto records = example_records();
  records[0].comments[0].text = "bad \xff byte";
  const std::string text = bz::write_dataset(records);
  auto back = bz::parse_dataset(text);
  REQUIRE(back.ok());
  CHECK(back->records[0].comments[0].text == "bad \xef\xbf\xbd byte");  // U+FFFD
  CHECK(bz::parse_dataset(bz::write_dataset({}))->records.empty());
}

TEST_CASE("a dataset built from real upstream answers loads bug, comments and history",
          "[bugzilla]") {
  const auto read = [](const char* name) {
    std::ifstream in(bzjira::test_support::test_data_dir() + "/samples/bugzilla-5.2/" + name);
    REQUIRE(in.good());
    return json::parse(in);
  };
  json doc;
  doc["bugs"] = read("get_bug.json").at("bugs");
  doc["comments"]["1"] = read("get_comments.json").at("bugs").at("1").at("comments");
  doc["history"]["1"] = read("get_history.json").at("bugs").at(0).at("history");
  doc["api_keys"] = {{"k-admin", "admin@example.org"}};  // the simulator's members are ignored
  doc["insiders"] = {"admin@example.org"};
  auto ds = bz::parse_dataset(doc.dump());
  REQUIRE(ds.ok());
  CHECK(ds->problems.empty());
  REQUIRE(ds->records.size() == 1);
  const auto& r = ds->records[0];
  CHECK(r.bug.id == 1);
  REQUIRE(r.bug.flags.size() == 1);
  CHECK(r.bug.flags[0].requestee == "ca@example.org");
  REQUIRE(r.comments.size() == 3);
  CHECK(r.comments[2].creator == "ca@example.org");
  REQUIRE(r.history.size() == 2);
  CHECK(r.history[1].changes[0].field_name == "whiteboard");
}

TEST_CASE("dataset problems skip only the broken item", "[bugzilla]") {
  const std::string text = R"({
    "bugs": [
      {"id": 1, "creation_time": "2026-01-01T00:00:00Z"},
      {"id": 2},
      {"id": 1, "creation_time": "2026-02-01T00:00:00Z", "summary": "second copy"},
      {"id": 3, "creation_time": "2026-01-03T00:00:00Z"}
    ],
    "comments": {
      "1": [{"id": 10, "creator": "a@x", "time": "2026-01-01T01:00:00Z", "text": "ok"},
            {"id": 11, "creator": "a@x"}],
      "9": [{"id": 90, "creator": "a@x", "time": "2026-01-01T01:00:00Z"}],
      "x": [],
      "3": "not a list"
    },
    "history": {
      "1": [{"when": "2026-01-02T00:00:00Z", "who": "m@x", "changes": []}],
      "3": [{"who": "m@x"}]
    }
  })";
  auto ds = bz::parse_dataset(text);
  REQUIRE(ds.ok());
  REQUIRE(ds->records.size() == 2);
  CHECK(ds->records[0].bug.id == 1);
  CHECK(ds->records[0].bug.summary.empty());  // the first copy wins
  CHECK(ds->records[1].bug.id == 3);
  REQUIRE(ds->records[0].comments.size() == 1);
  CHECK(ds->records[0].comments[0].id == 10);
  CHECK(ds->records[0].history.size() == 1);
  CHECK(ds->records[1].history.empty());
  const std::vector<std::string> expected = {
      "bugs[1]: bug 2: field 'creation_time' is missing; skipped",
      "bugs[2]: bug 1 appears a second time; skipped",
      "comments[\"1\"][1]: bug 1 comment 11: field 'creation_time' (or 'time') is missing; skipped",
      "comments[\"3\"]: must be an array, got string; skipped",
      "comments[\"9\"]: bug 9 is not in 'bugs'; skipped",
      "comments[\"x\"]: key is not a bug id; skipped",
      "history[\"3\"]: bug 3 history[0]: field 'when' is missing; history skipped",
  };
  CHECK(ds->problems == expected);
}

TEST_CASE("a dataset that is not an object with bugs is an error, even when cut short",
          "[bugzilla]") {
  for (const char* text : {"[]", "{}", "{\"bugs\":{}}", "{\"bugs\":[", "", "nonsense"}) {
    INFO(text);
    auto ds = bz::parse_dataset(text);
    REQUIRE_FALSE(ds.ok());
    CHECK(ds.error().kind == model::ErrorKind::internal);
  }
}
