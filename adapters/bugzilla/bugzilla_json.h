// Bugzilla REST JSON (bugzilla.mozilla.org and upstream 5.x, docs/bugzilla-api.md) to the core's
// types, and the dataset file the simulator serves and `bzjira snapshot` writes. Pure functions: no
// I/O, and no exception ever leaves them (malformed input becomes an Error or a problem line).
// Read with simdjson (ARCHITECTURE.md, 2026-12-02): one reader per shape; large documents are cut
// into parts (bugzilla_json_split.h) so that no tree of a whole dataset or answer is built.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/bugzilla/bugzilla_json_text.h"
#include "sync/model.h"
#include "sync/result.h"
#include "sync/time.h"

namespace bzjira::adapters::bugzilla {

// Bodies larger than this are refused (ErrorKind::internal) before any parsing.
inline constexpr std::size_t k_max_body_bytes = std::size_t{256} * 1024 * 1024;
// Deeper JSON nesting is refused (no real answer nests more than ~6 levels).
inline constexpr int k_max_json_depth = 256;

// Errors every parser below shares: internal when the body is not JSON (message with the reason and
// an excerpt of at most 200 characters of the body), nests deeper than k_max_json_depth or is
// larger than k_max_body_bytes; transient when it ends early (empty, or cut inside a string, array
// or object: truncated in transit). Bytes that are not UTF-8 are read as U+FFFD. A key sent twice
// in one object counts with its last value.
//
// A bug object (GET /rest/bug, GET /rest/bug/<id>, a dataset's "bugs"). Required: "id" (positive
// integer) and "creation_time". Optional (missing or null = default): summary, status, resolution,
// whiteboard, product, component, creator, assigned_to, last_change_time, cf_last_resolved ("" or
// null = none; "YYYY-MM-DD HH:MM:SS" is read as UTC), flags. A flag needs id, name, status and
// creation_date; requestee is optional; a missing modification_date takes the creation_date.
// Unknown fields are ignored. Errors: internal, naming bug and field
// ("bug 123: field 'creation_time' is missing", "... must be a string, got number").

struct BugList {
  std::vector<sync::Bug> bugs;        // the bugs that parsed, in answer order
  std::vector<std::string> problems;  // one line per bug that did not ("bugs[3]: bug 7: ...")
};

// A search / get answer: {"bugs":[...]} (other members such as "faults" are ignored). One bad bug
// is a problem line; the others still parse. Errors: the shared ones; internal when it lacks
// "bugs". Not an error if "bugs" is empty.
sync::Result<BugList> parse_bug_list(const std::string& body);

// GET /rest/bug/<id>/comment[?ids=..]: {"bugs":{"<id>":{"comments":[...]}},"comments":{...}}. Keys
// are bug ids as strings. Comments answered by comment id (the top-level "comments" object) are
// filed under their own bug_id. Per comment: id, creator (BMO also sends "author": used when
// creator is absent), creation_time (fallback "time"), text, count, is_private, tags. Comments keep
// the server's order (oldest first). Errors as parse_bug_list; any malformed comment fails the
// whole answer (a skipped comment could hide a question), so do a bug key that is not a bug id or
// names the same bug twice and a top-level member sent twice. Each bug's comments are read on
// their own: memory follows the largest bug, not the answer.
sync::Result<std::map<sync::BugId, std::vector<sync::Comment>>> parse_comments(
    const std::string& body);

// A comment answer read a few bugs at a time as it arrives, never held whole
// (BugzillaClient::comments_by_batch, issue 14).
class CommentStream {
 public:
  using Comments = std::map<sync::BugId, std::vector<sync::Comment>>;
  // What a reader does with each map of bugs: nullopt to go on, or an error that stops the reading.
  using Take = std::function<std::optional<sync::Error>(Comments&&)>;

  // Reads the answer from `source` piece by piece (what is held is the part being read: about one
  // bug) and hands its bugs to `take` in answer order, in maps of whole bugs of about `chunk_bytes`
  // of JSON each (at least one bug); every id handed over is added to `taken`. Bugs named in `skip`
  // (handed over by an earlier attempt at the same request) are not read again. The union of the
  // maps is what parse_comments gives. Its checks and messages are parse_comments', each made where
  // it is met, so the maps taken before an error stay taken: an answer that ends early is transient
  // (the caller may ask again and skip what was taken); no object "bugs", a bug key that is not a
  // bug id or names a bug twice, a top-level member sent twice, a malformed comment or text that is
  // not JSON are internal. Comments answered by comment id are filed as parse_comments files them;
  // once some are met, the bugs after them are held to the end, and one whose bug was handed over
  // before without it is an internal error (an answer to a request by bug id has none). Errors of
  // `take` and of `source` come back as they are.
  static std::optional<sync::Error> read_streamed(TextSource& source, std::size_t chunk_bytes,
                                                  const std::set<sync::BugId>& skip,
                                                  std::set<sync::BugId>& taken, const Take& take);
};

// GET /rest/bug/<id>/history: {"bugs":[{"id":N,"history":[{when,who,changes:[{field_name,removed,
// added}]}]}]}. Entries of every bug in the answer, in answer order. Whiteboard edits are named
// "whiteboard" upstream and may be "status_whiteboard" on BMO: kept as sent. Errors as
// parse_bug_list. Not an error if "history" is empty.
sync::Result<std::vector<sync::HistoryEntry>> parse_history(const std::string& body);

// The same answer for several bugs (GET /rest/bug/<id>/history?ids=...), by bug id: every bug
// needs an "id" (a bug listed twice keeps both lists, in answer order). Errors as parse_history.
sync::Result<std::map<sync::BugId, std::vector<sync::HistoryEntry>>> parse_history_by_bug(
    const std::string& body);

// Bugzilla's error answer {"error":true,"code":N,"message":"..."} (any HTTP status), or a non-2xx
// status without it (HTML 429 from BMO's IP block, 5xx pages, 414 from Varnish). nullopt when the
// answer is not an error. Kinds: auth for codes 102, 306, 410 and HTTP 401/403; not_found for codes
// 100, 101 and HTTP 404 (also 32614 "resource not found", e.g. /rest/whoami on upstream 5.x);
// transient for the rate-limit message, HTTP 429 and 5xx; rejected otherwise. service_code and
// http_status are set; the message quotes Bugzilla's own text.
std::optional<sync::Error> parse_bugzilla_error(int http_status, const std::string& body);

// GET /rest/time -> db_time (UTC). Errors as parse_bug_list.
sync::Result<sync::Instant> parse_time(const std::string& body);

// GET /rest/whoami -> the login ("name"). Errors as parse_bug_list.
sync::Result<std::string> parse_whoami(const std::string& body);

// POST /rest/bug/<id>/comment -> {"id":N}, the new comment's id. Errors as parse_bug_list.
sync::Result<sync::CommentId> parse_created_comment(const std::string& body);

// The dataset file (docs/dataset-format.md): {"bugs":[bug objects with flags],
// "comments":{"<bug id>":[comment objects]},"history":{"<bug id>":[history entries]}}. The
// simulator's "api_keys" and "insiders" members (and any other top-level member) are ignored.
struct Dataset {
  std::vector<sync::BugRecord> records;  // in the order of "bugs"
  std::vector<std::string> problems;     // skipped bugs, comments, histories, with the reason
};

// Errors: internal when the text is not a JSON object with a "bugs" array, or any of the shared
// errors (a file cut short is internal too: it is no passing network hiccup), or a top-level
// member appears twice. Problem lines, each skipping only its item: a bad bug, a second bug with
// an id already seen, a bad comment, comments or history keyed by something not a bug id, not in
// "bugs" or naming a bug a second time, a bad history entry (that bug's history is skipped).
// Problems of "comments" and of "history" are listed by key. Each bug's comments are read on their
// own.
sync::Result<Dataset> parse_dataset(const JsonText& text);
// The same over a copy of `text`.
sync::Result<Dataset> parse_dataset(const std::string& text);

// How a dataset read from a source was read.
struct DatasetStats {
  std::size_t bytes = 0;   // of the document
  std::size_t window = 0;  // the largest buffer it went through
};
// The same read piece by piece from `source` (a file): what is held of the text at once is the
// part being read, never the whole document. Errors as above, and what `source` failed with.
sync::Result<Dataset> parse_dataset(TextSource& source, DatasetStats* stats = nullptr);

// Takes each record of a dataset read by stream_dataset.
using RecordTake = std::function<void(sync::BugRecord&&)>;
// The same records and problems as parse_dataset, read in two passes over `source` so that what is
// held at once is the bugs, their history and the comments of one bug: the first pass reads all
// but the comments (whose keys it only notes), the second hands each bug's record to `take` as soon
// as its comments are read, then the records of the bugs without comments in the order of "bugs".
// Returns the problems. Errors as parse_dataset, and what rewinding failed with, and internal when
// the document changed between the passes; records already taken are then to be dropped.
sync::Result<std::vector<std::string>> stream_dataset(RereadableSource& source,
                                                      const RecordTake& take,
                                                      DatasetStats* stats = nullptr);

// The same format back, one bug per record (what `bzjira snapshot` saves). parse_dataset(
// write_dataset(x)) gives x back for every field of the model. Never throws: text that is not
// valid UTF-8 is written with U+FFFD replacements.
std::string write_dataset(const std::vector<sync::BugRecord>& records);

}  // namespace bzjira::adapters::bugzilla
