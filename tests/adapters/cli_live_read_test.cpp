// stream_bugs_live and read_bugs_live (adapters/cli/services.h): the live read of a mapping's bugs
// that the audit takes bug by bug. Against the core's in-memory Bugzilla (tests/unit/fakes.h),
// whose comment answers are handed over in batches of two bugs here, as BugzillaClient does per
// answer.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "adapters/cli/services.h"
#include "tests/unit/fakes.h"

using bzjira::adapters::cli::HistoryFor;
using bzjira::adapters::cli::read_bugs_live;
using bzjira::adapters::cli::stream_bugs_live;
using namespace bzjira::sync;
using bzjira::sync::BugSourceWrapper;
using bzjira::sync::testing::FakeBugSource;

namespace {

Instant when(const char* text) { return *parse_rfc3339(text); }

// The fake's comments, two bugs per batch, in the order asked; `leave_out` is never answered and
// batch number `fail_batch` (from 1) fails.
class BatchedSource final : public BugSourceWrapper {
 public:
  FakeBugSource fake;
  std::set<BugId> leave_out;
  int fail_batch = 0;
  int batches = 0;
  std::vector<std::string> calls;  // which reads, in order

  BatchedSource() : BugSourceWrapper(fake) {}

  Result<std::map<BugId, std::vector<HistoryEntry>>> histories(
      const std::vector<BugId>& bug_ids) override {
    calls.emplace_back("histories");
    return BugSourceWrapper::histories(bug_ids);
  }

  Status comments_by_batch(const std::vector<BugId>& bug_ids, std::optional<Instant> new_since,
                           const std::function<Status(CommentBatch&&)>& on_batch) override {
    calls.emplace_back("comments");
    for (std::size_t i = 0; i < bug_ids.size(); i += 2) {
      const auto end = std::min(i + 2, bug_ids.size());
      const std::vector<BugId> two(bug_ids.begin() + static_cast<std::ptrdiff_t>(i),
                                   bug_ids.begin() + static_cast<std::ptrdiff_t>(end));
      if (++batches == fail_batch) {
        return make_error(ErrorKind::internal, "bad answer");
      }
      auto answer = fake.comments(two, new_since);
      if (!answer) {
        return answer.error();
      }
      for (BugId id : leave_out) {
        answer->erase(id);
      }
      if (auto status = on_batch(std::move(*answer)); !status.ok()) {
        return status;
      }
    }
    return ok_status();
  }
};

// Five bugs of Example CA (one resolved, one with a staff comment) and one of another CA.
void fill(BatchedSource& source) {
  FakeBugSource& fake = source.fake;
  for (BugId id : {2000001, 2000002, 2000003, 2000004, 2000005}) {
    fake.add_bug(id, when("2026-11-01T10:00:00Z"), "ca@ca.example");
  }
  fake.add_comment(2000002, "staff@mozilla.example", "When is the next update?",
                   when("2026-11-02T10:00:00Z"));
  fake.set_whiteboard(2000003, "[ca-compliance] Next update 2026-12-01",
                      when("2026-11-03T10:00:00Z"));
  fake.resolve(2000004, "FIXED", when("2026-11-04T10:00:00Z"));
  // Returned by the search (same product and component) but outside the summary prefix.
  fake.add_bug(2000006, when("2026-11-01T10:00:00Z"), "ca@other.example", "Other CA: incident");
}

Mapping example_ca() {
  Mapping m;  // CA Program / CA Certificate Compliance
  m.bugzilla.scope.summary_prefix = "Example CA:";
  return m;
}

}  // namespace

TEST_CASE("a live read hands each bug over once with its comments and history", "[cli][live]") {
  BatchedSource source;
  fill(source);
  const Mapping mapping = example_ca();
  std::map<BugId, BugRecord> taken;
  std::vector<std::size_t> taken_at_batch;
  const auto status =
      stream_bugs_live(source, mapping, HistoryFor::every_bug, {}, [&](BugRecord&& record) {
        taken_at_batch.push_back(static_cast<std::size_t>(source.batches));
        const BugId id = record.bug.id;
        const bool first_time = taken.emplace(id, std::move(record)).second;
        CHECK(first_time);
      });
  REQUIRE(status.ok());
  // Histories first (small), then the comments: each bug goes as soon as its batch is read.
  CHECK(source.calls == std::vector<std::string>{"histories", "comments"});
  CHECK(source.batches == 3);
  CHECK(taken_at_batch == std::vector<std::size_t>{1, 1, 2, 2, 3});
  REQUIRE(taken.size() == 5);  // 2000006 is out of scope
  CHECK(taken.count(2000006) == 0);
  CHECK(taken.at(2000002).comments.size() == 2);
  CHECK(taken.at(2000002).comments.back().text == "When is the next update?");
  CHECK(taken.at(2000003).history.size() == 1);
  CHECK(taken.at(2000003).bug.whiteboard == "[ca-compliance] Next update 2026-12-01");
  CHECK(taken.at(2000004).history.size() == 1);  // resolved, but every bug's history was read
  CHECK(source.fake.history_batches.size() == 1);
  CHECK(source.fake.history_batches.front().size() == 5);
}

TEST_CASE("a live read for status skips the history of resolved bugs", "[cli][live]") {
  BatchedSource source;
  fill(source);
  const Mapping mapping = example_ca();
  const auto records = read_bugs_live(source, mapping, HistoryFor::open_bugs);
  REQUIRE(records.ok());
  REQUIRE(records->size() == 5);
  for (std::size_t i = 1; i < records->size(); ++i) {
    CHECK((*records)[i - 1].bug.id < (*records)[i].bug.id);  // sorted by id
  }
  REQUIRE(source.fake.history_batches.size() == 1);
  CHECK(source.fake.history_batches.front() ==
        std::vector<BugId>{2000001, 2000002, 2000003, 2000005});
  CHECK((*records)[3].bug.id == 2000004);
  CHECK((*records)[3].history.empty());
  CHECK((*records)[3].comments.size() == 1);
}

TEST_CASE("a bug no comment answer names is handed over once without comments", "[cli][live]") {
  BatchedSource source;
  fill(source);
  source.leave_out = {2000003};
  const Mapping mapping = example_ca();
  std::multiset<BugId> seen;
  std::map<BugId, std::size_t> comments;
  const auto status =
      stream_bugs_live(source, mapping, HistoryFor::every_bug, {}, [&](BugRecord&& record) {
        seen.insert(record.bug.id);
        comments[record.bug.id] = record.comments.size();
      });
  REQUIRE(status.ok());
  CHECK(seen == std::multiset<BugId>{2000001, 2000002, 2000003, 2000004, 2000005});
  CHECK(comments.at(2000003) == 0);
  CHECK(comments.at(2000002) == 2);
}

TEST_CASE("a failed live read returns the first error and reads no further", "[cli][live]") {
  BatchedSource source;
  fill(source);
  const Mapping mapping = example_ca();
  int taken = 0;
  SECTION("the search") {
    source.fake.faults.fail("search_bugs");
    const auto status =
        stream_bugs_live(source, mapping, HistoryFor::every_bug, {}, [&](BugRecord&&) { ++taken; });
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message == "injected failure of search_bugs");
    CHECK(source.calls.empty());
    CHECK(taken == 0);
  }
  SECTION("the histories") {
    source.fake.faults.fail("histories");
    const auto status =
        stream_bugs_live(source, mapping, HistoryFor::every_bug, {}, [&](BugRecord&&) { ++taken; });
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message == "injected failure of histories");
    CHECK(source.calls == std::vector<std::string>{"histories"});
    CHECK(taken == 0);
  }
  SECTION("a comment batch after another was handed over") {
    source.fail_batch = 2;
    const auto status =
        stream_bugs_live(source, mapping, HistoryFor::every_bug, {}, [&](BugRecord&&) { ++taken; });
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message == "bad answer");
    CHECK(source.batches == 2);  // no batch after the failed one
    CHECK(taken == 2);           // the first batch's bugs stay taken
    source.batches = 0;
    const auto collected = read_bugs_live(source, mapping, HistoryFor::every_bug);
    REQUIRE_FALSE(collected.ok());  // read_bugs_live returns nothing partial
    CHECK(collected.error().message == "bad answer");
  }
}
