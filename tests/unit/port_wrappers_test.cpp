// The ports' forwarding bases (sync/ports.h, sync/state.h), the dry run's ReadOnlyStore, and the
// one URL encoder and hash (sync/encoding.h).
#include <catch2/catch.hpp>

#include "sync/encoding.h"
#include "tests/unit/fakes.h"

using namespace bzjira::sync;
using namespace bzjira::sync::testing;

namespace {

// Overrides only the hook: every call still reaches the target.
class FailureCounter final : public StateStoreWrapper {
 public:
  using StateStoreWrapper::StateStoreWrapper;
  int failures = 0, answers = 0;

 private:
  void answered(bool ok) override {
    ++answers;
    failures += ok ? 0 : 1;
  }
};

class SourceCounter final : public BugSourceWrapper {
 public:
  using BugSourceWrapper::BugSourceWrapper;
  int failures = 0;

 private:
  void answered(bool ok) override { failures += ok ? 0 : 1; }
};

class TrackerCounter final : public IssueTrackerWrapper {
 public:
  using IssueTrackerWrapper::IssueTrackerWrapper;
  int answers = 0;

 private:
  void answered(bool) override { ++answers; }
};

MirrorEntry entry(const std::string& key) { return MirrorEntry{key, "CAINC-1", "10001", {}}; }

}  // namespace

TEST_CASE("a store wrapper forwards every call and sees each outcome", "[ports]") {
  FakeStateStore target;
  FailureCounter counter(target);
  REQUIRE(counter.put_mirror(entry("bzq-1-2")).ok());
  REQUIRE(counter.set_meta("k", "v").ok());
  target.faults.fail("set_meta", ErrorKind::internal);
  CHECK_FALSE(counter.set_meta("k", "w").ok());
  auto meta = counter.get_meta("k");
  REQUIRE(meta.ok());
  CHECK(*meta == std::optional<std::string>("v"));
  CHECK(target.mirror_map.count("bzq-1-2") == 1);
  CHECK(counter.answers == 4);
  CHECK(counter.failures == 1);
}

TEST_CASE("a store wrapper forwards the derived cache and the partial loads of issue 14",
          "[ports]") {
  FakeStateStore target;
  BugRecord bug;
  bug.bug.id = 7;
  bug.comments = {Comment{70, 7, 0, "ca@example.com", Instant{Seconds{10}}, "filed", false, {}}};
  target.bugs[7] = bug;
  FailureCounter counter(target);
  REQUIRE(counter
              .save_derived({DerivedBug{7, "engine 1", Instant{Seconds{20}}, Instant{Seconds{10}},
                                        "open", "ended"}})
              .ok());
  CHECK(target.derived.count(7) == 1);
  auto derived = counter.load_derived();
  REQUIRE(derived.ok());
  REQUIRE(derived->size() == 1);
  CHECK(derived->front().ended_windows.empty());  // the fake's own answer, not the default's
  auto ended = counter.load_ended({7});
  REQUIRE(ended.ok());
  CHECK(ended->at(7) == "ended");
  auto heads = counter.load_bug_heads();
  REQUIRE(heads.ok());
  REQUIRE(heads->size() == 1);
  CHECK(heads->front().comments.empty());  // heads, not load_bugs()
  auto some = counter.load_some_bugs({7, 8});
  REQUIRE(some.ok());
  REQUIRE(some->size() == 1);
  CHECK(some->front().comments.size() == 1);
  CHECK(counter.answers == 5);
}

TEST_CASE("a bug source wrapper counts the failed calls it forwards", "[ports]") {
  FakeBugSource target;
  SourceCounter counter(target);
  target.faults.fail("server_time");
  CHECK_FALSE(counter.server_time().ok());
  CHECK(counter.server_time().ok());
  CHECK(counter.failures == 1);
  CHECK(counter.request_count() == target.request_count());
}

TEST_CASE("an issue tracker wrapper sees one outcome per draft of a bulk create", "[ports]") {
  FakeIssueTracker target;
  TrackerCounter counter(target);
  IssueDraft a, b;
  a.labels = {"bzjira", "bzq-1-2"};
  b.labels = {"bzjira", "bzq-1-3"};
  target.faults.fail("create_issues");
  const auto failed = counter.create_issues({a, b});
  CHECK(failed.size() == 2);
  CHECK(counter.answers == 2);
  const auto created = counter.create_issues({a, b});
  CHECK(created.size() == 2);
  CHECK(counter.answers == 4);
}

TEST_CASE("the dry run's store reads through and keeps no write", "[ports]") {
  FakeStateStore target;
  target.meta["kept"] = "yes";
  target.mark = Instant{Seconds{100}};
  ReadOnlyStore store(target);
  CHECK(store.set_meta("kept", "no").ok());
  CHECK(store.put_mirror(entry("bzq-1-2")).ok());
  CHECK(store.set_watermark(Instant{Seconds{200}}).ok());
  CHECK(store.save_bugs({BugRecord{}}).ok());
  CHECK(store.put_reply(ReplyRecord{}).ok());
  CHECK(store.record_run(RunRecord{}).ok());
  CHECK(store.begin_batch().ok());
  CHECK(store.end_batch().ok());
  target.bugs[7].bug.id = 7;
  CHECK(store.save_derived({DerivedBug{7, "engine 1", {}, {}, "", ""}}).ok());
  CHECK(target.derived.empty());
  CHECK(target.derived_saves == 0);
  CHECK(target.writes == 0);
  CHECK(target.meta.at("kept") == "yes");
  CHECK(target.mirror_map.empty());
  auto mark = store.watermark();
  REQUIRE(mark.ok());
  CHECK(*mark == std::optional<Instant>(Instant{Seconds{100}}));
  auto kept = store.get_meta("kept");
  REQUIRE(kept.ok());
  CHECK(*kept == std::optional<std::string>("yes"));
}

TEST_CASE("url_encode keeps RFC 3986's unreserved characters and encodes every other byte",
          "[encoding]") {
  CHECK(url_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(url_encode("a b+c/d&e=f?g#h%") == "a%20b%2Bc%2Fd%26e%3Df%3Fg%23h%25");
  CHECK(url_encode("\xC3\xA9") == "%C3%A9");
  CHECK(url_encode(std::string("\0\x7F\xFF", 3)) == "%00%7F%FF");
  CHECK(url_encode("").empty());
}

TEST_CASE("fnv1a_hex is the 64-bit FNV-1a of the bytes in 16 lower-case hex digits", "[encoding]") {
  // The reference values of the FNV specification's test suite (offset basis for "").
  CHECK(fnv1a_hex("") == "cbf29ce484222325");
  CHECK(fnv1a_hex("a") == "af63dc4c8601ec8c");
  CHECK(fnv1a_hex("foobar") == "85944171f73967e8");
}
