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
