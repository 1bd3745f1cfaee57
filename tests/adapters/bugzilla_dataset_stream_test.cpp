// A dataset read piece by piece from a source (a file: parse_dataset over a TextSource) and in two
// passes handing over one bug at a time (stream_dataset, what `bzjira audit --from-file` reads):
// both must give what parse_dataset gives over the text in memory, records, problems and errors,
// whatever the pieces the source hands out.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/bugzilla/bugzilla_json.h"
#include "tests/support/paths.h"
#include "tests/support/text.h"

namespace bz = bzjira::adapters::bugzilla;
namespace model = bzjira::sync;
using bzjira::test_support::contains;

namespace {

// A text handed out `piece` bytes at a time; after a rewind, `after_rewind` when set (a file
// changed between two readings).
class PieceSource : public bz::RereadableSource {
 public:
  PieceSource(std::string text, std::size_t piece) : m_text(std::move(text)), m_piece(piece) {}

  model::Result<std::size_t> read(char* into, std::size_t max) override {
    const std::size_t n = std::min({max, m_piece, m_text.size() - m_pos});
    std::memcpy(into, m_text.data() + m_pos, n);
    m_pos += n;
    return n;
  }

  std::optional<model::Error> rewind() override {
    ++rewinds;
    if (rewind_error) {
      return rewind_error;
    }
    if (after_rewind) {
      m_text = *after_rewind;
    }
    m_pos = 0;
    return std::nullopt;
  }

  int rewinds = 0;
  std::optional<std::string> after_rewind;
  std::optional<model::Error> rewind_error;

 private:
  std::string m_text;
  std::size_t m_piece;
  std::size_t m_pos = 0;
};

const char* const k_comment =
    R"({"id":1,"creator":"a@ca.example","creation_time":"2026-01-02T03:04:05Z"})";

std::string comment(int id, const std::string& creator = "a@ca.example") {
  return R"({"id":)" + std::to_string(id) + R"(,"creator":")" + creator +
         R"(","creation_time":"2026-01-02T03:04:05Z","text":"t )" + std::to_string(id) + R"("})";
}

std::string bug(int id) {
  return R"({"id":)" + std::to_string(id) + R"(,"creation_time":"2026-01-01T00:00:00Z"})";
}

// Every record in the written form, which carries every field of the model.
std::map<model::BugId, std::string> by_id(const std::vector<model::BugRecord>& records) {
  std::map<model::BugId, std::string> out;
  for (const auto& r : records) {
    out.emplace(r.bug.id, bz::write_dataset({r}));
  }
  return out;
}

// Documents that read, with problems of every kind, and documents that do not.
std::vector<std::string> documents() {
  return {
      // The order bzjira writes, and the other way round.
      "{\"bugs\":[" + bug(12) + "," + bug(13) + "],\"comments\":{\"12\":[" + comment(1) + "," +
          comment(2) + "],\"13\":[" + comment(3) + "]},\"history\":{\"12\":[{\"when\":" +
          "\"2026-01-03T00:00:00Z\",\"who\":\"m@x\",\"changes\":[]}]}}",
      "{\"history\":{\"12\":[{\"when\":\"2026-01-03T00:00:00Z\",\"who\":\"m@x\",\"changes\":[]}]},"
      "\"comments\":{\"13\":[" +
          comment(3) + "],\"12\":[" + comment(1) + "]},\"bugs\":[" + bug(12) + "," + bug(13) + "]}",
      // The same bug under two keys ("012" is filed: keys go by their order), comments of a bug
      // not in "bugs", a key that is no bug id, a value that is no array, a bad comment.
      "{\"bugs\":[" + bug(12) + "," + bug(14) + "],\"comments\":{\"12\":[" + comment(1) +
          "],\"99\":[" + comment(5) + "],\"012\":[" + comment(2) + "],\"x\":[],\"14\":{}}}",
      "{\"bugs\":[" + bug(12) + "," + bug(13) + "],\"comments\":{\"13\":[" + comment(3) +
          ",{\"id\":4}],\"12\":[{\"id\":0}," + comment(1) +
          "]},\"history\":{\"12\":[{\"when\":" + "\"yesterday\"}],\"13\":5}}",
      // Keys with escapes, text that is not UTF-8 (read with replacements).
      "{\"bugs\":[" + bug(12) + "],\"comments\":{\"\\u0031\\u0032\":[" +
          comment(1, "caf\xe9@ca.example") + "]},\"h\\u0069story\":null}",
      "{\"bugs\":[" + bug(12) + "],\"comments\":5,\"history\":[],\"other\":{\"a\":[1,{}]}}",
      "{\"bugs\":[],\"comments\":{}}",
      // Not datasets, broken, cut.
      "[]",
      "{}",
      "{\"comments\":{}}",
      "{\"bugs\":{}}",
      "{\"bugs\":[],\"bugs\":[]}",
      "{\"bugs\":[" + bug(12) + "],\"comments\":{\"12\":[1,}]}}",
      "{\"bugs\":[" + bug(12) + "],\"comments\":{\"12\":[" + comment(1) + "]},\"x\":tru}",
      "{\"bugs\":[" + bug(12) + "],\"comments\":{\"12\":[" + comment(1) + "]}} x",
      "{\"bugs\":[" + bug(12) + "],\"comments\":{\"12\":[" + comment(1) + "]}",
      "{\"bugs\":[" + bug(12) + "],\"comments\":{\"12\":[" + std::string(k_comment).substr(0, 20),
      "",
  };
}

}  // namespace

TEST_CASE("a dataset read in pieces of any size is the dataset read whole", "[bugzilla]") {
  for (const std::string& text : documents()) {
    const auto whole = bz::parse_dataset(text);
    for (const std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
      INFO(text);
      INFO("piece " << piece);
      PieceSource source(text, piece);
      const auto read = bz::parse_dataset(source);
      REQUIRE(read.ok() == whole.ok());
      if (!whole.ok()) {
        CHECK(read.error().kind == whole.error().kind);
        CHECK(read.error().message == whole.error().message);
        continue;
      }
      CHECK(read->problems == whole->problems);
      REQUIRE(read->records.size() == whole->records.size());
      CHECK(by_id(read->records) == by_id(whole->records));
    }
  }
}

TEST_CASE("a dataset read in two passes gives the same records and problems", "[bugzilla]") {
  int read_ok = 0;
  for (const std::string& text : documents()) {
    const auto whole = bz::parse_dataset(text);
    for (const std::size_t piece : {std::size_t{1}, std::size_t{4096}}) {
      INFO(text);
      INFO("piece " << piece);
      PieceSource source(text, piece);
      std::vector<model::BugRecord> taken;
      const auto problems =
          bz::stream_dataset(source, [&](model::BugRecord&& r) { taken.push_back(std::move(r)); });
      REQUIRE(problems.ok() == whole.ok());
      if (!whole.ok()) {
        CHECK(problems.error().kind == whole.error().kind);
        continue;
      }
      ++read_ok;
      CHECK(source.rewinds == 1);
      CHECK(*problems == whole->problems);
      REQUIRE(taken.size() == whole->records.size());
      CHECK(by_id(taken) == by_id(whole->records));
    }
  }
  CHECK(read_ok == 2 * 7);  // the seven datasets above read, in both piece sizes
}

TEST_CASE("the records of a dataset read in two passes come as their comments are read",
          "[bugzilla]") {
  // Bugs 3 and 1 in the order of "comments", then 2, which has none, in the order of "bugs".
  const std::string text = "{\"bugs\":[" + bug(1) + "," + bug(2) + "," + bug(3) +
                           "],\"comments\":{\"3\":[" + comment(30) + "],\"1\":[" + comment(10) +
                           "," + comment(11) + "]}}";
  PieceSource source(text, 5);
  std::vector<model::BugId> order;
  std::vector<std::size_t> comments;
  const auto problems = bz::stream_dataset(source, [&](model::BugRecord&& r) {
    order.push_back(r.bug.id);
    comments.push_back(r.comments.size());
  });
  REQUIRE(problems.ok());
  CHECK(problems->empty());
  CHECK(order == std::vector<model::BugId>{3, 1, 2});
  CHECK(comments == std::vector<std::size_t>{1, 2, 0});
}

TEST_CASE("a dataset that changes between its two readings is refused", "[bugzilla]") {
  const std::string text = "{\"bugs\":[" + bug(1) + "," + bug(2) + "],\"comments\":{\"1\":[" +
                           comment(10) + "],\"2\":[" + comment(20) + "]}}";
  const auto take = [](model::BugRecord&&) {};
  const std::string other_keys = "{\"bugs\":[" + bug(1) + "," + bug(2) + "],\"comments\":{\"2\":[" +
                                 comment(20) + "],\"1\":[" + comment(10) + "]}}";
  const std::string fewer_keys =
      "{\"bugs\":[" + bug(1) + "," + bug(2) + "],\"comments\":{\"1\":[" + comment(10) + "]}}";
  const std::string more_keys = "{\"bugs\":[" + bug(1) + "," + bug(2) + "],\"comments\":{\"1\":[" +
                                comment(10) + "],\"2\":[" + comment(20) + "],\"3\":[]}}";
  for (const std::string& changed : {other_keys, fewer_keys, more_keys}) {
    INFO(changed);
    PieceSource source(text, 4096);
    source.after_rewind = changed;
    const auto read = bz::stream_dataset(source, take);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().kind == model::ErrorKind::internal);
    CHECK(contains(read.error().message, "changed between its two readings"));
  }
  // What rewinding the source failed with is handed on as it is.
  PieceSource source(text, 4096);
  source.rewind_error = model::make_error(model::ErrorKind::config, "'x.json' changed");
  const auto read = bz::stream_dataset(source, take);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().kind == model::ErrorKind::config);
  CHECK(read.error().message == "'x.json' changed");
}

TEST_CASE("a large dataset read from a source is held one part at a time, not whole",
          "[bugzilla]") {
  // 600 bugs with 4 KiB of comments each: about 2.6 MB, read through a window of 1 MiB.
  std::vector<model::BugRecord> records;
  for (int i = 1; i <= 600; ++i) {
    model::BugRecord r;
    r.bug.id = i;
    r.bug.creation_time = *model::parse_rfc3339("2026-01-01T00:00:00Z");
    model::Comment c;
    c.id = i;
    c.bug_id = i;
    c.creator = "a@ca.example";
    c.time = *model::parse_rfc3339("2026-01-02T03:04:05Z");
    c.text = std::string(4096, 'x');
    r.comments = {c};
    records.push_back(r);
  }
  const std::string written = bz::write_dataset(records);
  REQUIRE(written.size() > (std::size_t{2} << 20));
  PieceSource source(written, 65536);
  bz::DatasetStats stats;
  const auto read = bz::parse_dataset(source, &stats);
  REQUIRE(read.ok());
  CHECK(read->problems.empty());
  CHECK(by_id(read->records) == by_id(records));
  CHECK(stats.bytes == written.size());
  CHECK(stats.window == (std::size_t{1} << 20));

  PieceSource again(written, 65536);
  std::size_t taken = 0;
  const auto streamed = bz::stream_dataset(
      again,
      [&](model::BugRecord&& r) {
        CHECK(r.comments.at(0).text == std::string(4096, 'x'));
        ++taken;
      },
      &stats);
  REQUIRE(streamed.ok());
  CHECK(taken == 600);
  CHECK(stats.window == (std::size_t{1} << 20));
}

TEST_CASE("text both broken and cut reads as cut in memory and as broken in pieces", "[bugzilla]") {
  // Found by fuzzing (tests/fuzz/regressions/bugzilla_json/dataset-broken-and-cut-read-in-
  // pieces.json): a string's end is followed by text, and a later quote opens a string the text
  // never closes. In memory the whole text is looked at and it ends inside a string; read in
  // pieces, the reading stops at the first break, which comes first.
  std::ifstream in(bzjira::test_support::source_dir() +
                       "/tests/fuzz/regressions/bugzilla_json/dataset-broken-and-cut-read-in-"
                       "pieces.json",
                   std::ios::binary);
  REQUIRE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto whole = bz::parse_dataset(text);
  REQUIRE_FALSE(whole.ok());
  CHECK(contains(whole.error().message, "dataset ends early ("));
  for (const std::size_t piece : {std::size_t{1}, std::size_t{4096}}) {
    PieceSource source(text, piece);
    const auto read = bz::parse_dataset(source);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().kind == model::ErrorKind::internal);
    CHECK(contains(read.error().message, "dataset is not valid JSON ("));
  }
}
