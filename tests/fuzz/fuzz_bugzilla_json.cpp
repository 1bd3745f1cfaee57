// Every Bugzilla answer parser (adapters/bugzilla/bugzilla_json.h) on the same untrusted body:
// they share the size/depth checks and field readers, and a body meant for one may reach another.
// The large ones (comments, dataset) are read part by part (bugzilla_json_split.h); a comment
// answer also bug by bug as it arrives (CommentStream::read_streamed).
#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/bugzilla/bugzilla_json.h"
#include "tests/fuzz/fuzz_check.h"

namespace bz = bzjira::adapters::bugzilla;
using bzjira::fuzz::require;

namespace {

// The dataset contract: parse_dataset(write_dataset(x)) gives x back. Records are compared through
// their written form, which carries every field of the model.
void check_dataset_round_trip(const std::string& body) {
  const auto dataset = bz::parse_dataset(body);
  if (!dataset.ok()) {
    return;
  }
  const std::string written = bz::write_dataset(dataset->records);
  const auto again = bz::parse_dataset(written);
  require(again.ok(), "write_dataset output is readable by parse_dataset");
  require(again->problems.empty(), "write_dataset output parses without problem lines");
  require(again->records.size() == dataset->records.size(), "dataset round trip keeps every bug");
  require(bz::write_dataset(again->records) == written, "dataset round trip keeps every field");
}

// A body is read in place when its string has room for simdjson's padding, else from a padded
// copy (bugzilla_json_text.h): the answer must not depend on which.
void check_in_place_reading(const std::string& body) {
  std::string roomy = body;
  roomy.reserve(body.size() + bz::JsonText::k_padding);
  const auto copied = bz::parse_comments(body);
  const auto in_place = bz::parse_comments(roomy);
  require(copied.ok() == in_place.ok(), "reading a body in place or copied gives the same answer");
  if (copied.ok()) {
    require(copied->size() == in_place->size(), "reading in place keeps every bug");
  } else {
    require(copied.error().message == in_place.error().message,
            "reading in place gives the same error");
  }
}

// A text handed out a few bytes at a time, as a file is read.
class PieceSource : public bz::RereadableSource {
 public:
  PieceSource(const std::string& text, std::size_t piece) : m_text(text), m_piece(piece) {}
  bzjira::sync::Result<std::size_t> read(char* into, std::size_t max) override {
    const std::size_t n = std::min({max, m_piece, m_text.size() - m_pos});
    std::copy_n(m_text.data() + m_pos, n, into);
    m_pos += n;
    return n;
  }
  std::optional<bzjira::sync::Error> rewind() override {
    m_pos = 0;
    return std::nullopt;
  }

 private:
  const std::string& m_text;
  std::size_t m_piece;
  std::size_t m_pos = 0;
};

// The comment answer read a few bugs at a time as it arrives (CommentStream::read_streamed, what
// comments_by_batch hands over), in pieces and chunks of sizes taken from the input: it succeeds
// exactly when parse_comments does, hands each bug over once, and gives the same comments. The one
// allowed difference: with small chunks, comments by comment id met after their bug was handed
// over fail the read (they can no longer be filed) where parse_comments files them.
void check_comment_stream(const std::string& body) {
  using Comments = std::map<bzjira::sync::BugId, std::vector<bzjira::sync::Comment>>;
  const auto whole = bz::parse_comments(body);
  for (const std::size_t chunk : {std::size_t{1} << 40, 1 + body.size() % 4096}) {
    Comments all;
    PieceSource source(body, 1 + body.size() % 613);
    std::set<bzjira::sync::BugId> taken;
    const auto error = bz::CommentStream::read_streamed(
        source, chunk, {}, taken, [&](Comments&& part) -> std::optional<bzjira::sync::Error> {
          for (auto& [id, list] : part) {
            require(all.count(id) == 0, "a streamed bug is handed over once");
            all.emplace(id, std::move(list));
          }
          return std::nullopt;
        });
    require(taken.size() == all.size(), "every bug handed over is named taken");
    // Only a valid answer can fail so (its message then quotes nothing of the input).
    const bool late_by_id =
        error && whole.ok() && error->message.rfind("Bugzilla comment answer: comment ", 0) == 0 &&
        error->message.find(" is answered by comment id after its bug was read") !=
            std::string::npos;
    require(late_by_id || !error == whole.ok(),
            "a comment answer reads in chunks exactly when it parses whole");
    require(!late_by_id || chunk < (std::size_t{1} << 40),
            "comments by id are filed when every bug is held");
    if (error) {
      continue;
    }
    require(all.size() == whole->size(), "reading in chunks keeps every bug");
    for (const auto& [id, list] : *whole) {
      const auto it = all.find(id);
      require(it != all.end() && it->second.size() == list.size(),
              "reading in chunks keeps every comment");
      for (std::size_t i = 0; i < list.size(); ++i) {
        require(it->second[i].id == list[i].id && it->second[i].text == list[i].text,
                "reading in chunks keeps each comment as it is");
      }
    }
  }
}

// A dataset read from a file piece by piece (parse_dataset over a source), and in two passes one
// bug at a time (stream_dataset, the file audit), reads exactly when it reads whole, with the same
// problems and records.
void check_dataset_sources(const std::string& body) {
  const auto whole = bz::parse_dataset(body);
  PieceSource source(body, 1 + body.size() % 13);
  const auto pieces = bz::parse_dataset(source);
  require(pieces.ok() == whole.ok(), "a dataset read in pieces reads exactly when it reads whole");
  if (!whole.ok()) {
    // One difference is allowed: text both broken and cut reads as cut in memory (the whole text
    // is looked at, json_error) and as broken in pieces (the first break met stops the reading).
    const auto says = [](const bzjira::sync::Error& e, const char* what) {
      return e.message.find(what) != std::string::npos;
    };
    require(
        pieces.error().message == whole.error().message ||
            (says(whole.error(), " ends early (") && says(pieces.error(), " is not valid JSON (")),
        "a dataset read in pieces gives the same error");
  } else {
    require(pieces->problems == whole->problems, "a dataset read in pieces has the same problems");
    require(bz::write_dataset(pieces->records) == bz::write_dataset(whole->records),
            "a dataset read in pieces has the same records");
  }
  PieceSource again(body, 1 + body.size() % 13);
  std::map<bzjira::sync::BugId, std::string> taken;
  const auto streamed = bz::stream_dataset(again, [&](bzjira::sync::BugRecord&& r) {
    require(taken.count(r.bug.id) == 0, "a streamed record is handed over once");
    taken.emplace(r.bug.id, bz::write_dataset({r}));
  });
  require(streamed.ok() == whole.ok(), "a dataset streamed reads exactly when it reads whole");
  if (whole.ok()) {
    require(*streamed == whole->problems, "a dataset streamed has the same problems");
    require(taken.size() == whole->records.size(), "a dataset streamed hands over every record");
    for (const auto& r : whole->records) {
      const auto it = taken.find(r.bug.id);
      require(it != taken.end() && it->second == bz::write_dataset({r}),
              "a dataset streamed hands over each record as it is");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body = bzjira::fuzz::as_string(data, size);

  const auto list = bz::parse_bug_list(body);
  if (list.ok()) {
    for (const bzjira::sync::Bug& bug : list->bugs) {
      require(bug.id > 0, "parsed bugs have a positive id");
    }
  }
  (void)bz::parse_comments(body);
  (void)bz::parse_history(body);
  // Every parser parses the body again: the ones whose real answers are a few bytes
  // ({"db_time":..}, {"name":..}, {"id":N}) only see short inputs, which keeps executions fast.
  if (size < 512) {
    (void)bz::parse_time(body);
    (void)bz::parse_whoami(body);
    (void)bz::parse_created_comment(body);
  }
  // One status per input, picked by its size (2xx twice as often: every answer is checked).
  constexpr int k_statuses[] = {200, 201, 200, 400, 401, 403, 404, 414, 429, 500, 503};
  const int status = k_statuses[size % std::size(k_statuses)];
  const auto error = bz::parse_bugzilla_error(status, body);
  // "or a non-2xx status without it": every non-2xx answer is an error.
  require(status < 300 || error.has_value(), "a non-2xx answer is an error");
  if (error) {
    require(error->http_status == status, "the error keeps the HTTP status");
  }
  check_dataset_round_trip(body);
  check_in_place_reading(body);
  check_comment_stream(body);
  check_dataset_sources(body);
  return 0;
}
