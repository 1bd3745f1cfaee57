// Comment answers read a few bugs at a time as they arrive (issue 14): CommentStream::read_streamed
// against parse_comments, fed in pieces of every size, and BugzillaClient::comments_by_batch
// through a transport that answers from a table, cuts an answer short or hides a bug, and records
// the URLs. No network.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "adapters/bugzilla/bugzilla_client.h"
#include "adapters/bugzilla/bugzilla_json.h"
#include "tests/support/bug_ids.h"

namespace {

using namespace bzjira;
using adapters::bugzilla::CommentStream;
using nlohmann::json;
using test_support::ids_from;
using Comments = std::map<sync::BugId, std::vector<sync::Comment>>;

json comment(sync::BugId bug, long long id, const std::string& text) {
  return {{"id", id},
          {"bug_id", bug},
          {"count", 0},
          {"creator", "a@b"},
          {"text", text},
          {"time", "2025-03-01T00:00:00Z"},
          {"is_private", false},
          {"creation_time", "2025-03-01T00:00:00Z"},
          {"tags", json::array()}};
}

// `per_bug` comments for each id, texts long enough that a few bugs make a chunk.
json answer_for(const std::vector<sync::BugId>& ids, int per_bug) {
  json bugs = json::object();
  for (sync::BugId id : ids) {
    json list = json::array();
    for (int i = 0; i < per_bug; ++i) {
      list.push_back(comment(id, id * 100 + i, std::string(200, 'x') + std::to_string(i)));
    }
    bugs[std::to_string(id)] = {{"comments", list}};
  }
  return {{"bugs", bugs}, {"comments", json::object()}};
}

// An answer handed over `piece` bytes at a time (an HTTP body arriving in pieces).
class PieceSource final : public adapters::bugzilla::TextSource {
 public:
  PieceSource(std::string text, std::size_t piece) : m_text(std::move(text)), m_piece(piece) {}
  sync::Result<std::size_t> read(char* into, std::size_t max) override {
    const std::size_t n = std::min({max, m_piece, m_text.size() - m_at});
    std::copy_n(m_text.data() + m_at, n, into);
    m_at += n;
    return n;
  }

 private:
  std::string m_text;
  std::size_t m_piece;
  std::size_t m_at = 0;
};

// Every map taken from `body` read in pieces of `piece` bytes, in order. Without `error`, the
// read must succeed.
std::vector<Comments> read_all(const std::string& body, std::size_t chunk_bytes,
                               std::optional<sync::Error>* error = nullptr,
                               std::size_t piece = 1 << 20,
                               const std::set<sync::BugId>& skip = {}) {
  std::vector<Comments> maps;
  PieceSource source(body, piece);
  std::set<sync::BugId> taken;
  auto result = CommentStream::read_streamed(source, chunk_bytes, skip, taken,
                                             [&](Comments&& m) -> std::optional<sync::Error> {
                                               maps.push_back(std::move(m));
                                               return std::nullopt;
                                             });
  std::set<sync::BugId> handed;
  for (const auto& m : maps) {
    for (const auto& [id, list] : m) {
      handed.insert(id);
    }
  }
  CHECK(handed == taken);
  if (error != nullptr) {
    *error = result;
  } else {
    INFO((result ? result->message : std::string()));
    REQUIRE_FALSE(result);
  }
  return maps;
}

Comments union_of(const std::vector<Comments>& maps) {
  Comments all;
  for (const auto& m : maps) {
    for (const auto& [id, list] : m) {
      REQUIRE(all.count(id) == 0);  // no bug twice
      all[id] = list;
    }
  }
  return all;
}

void check_same(const Comments& got, const Comments& want) {
  REQUIRE(got.size() == want.size());
  for (const auto& [id, list] : want) {
    REQUIRE(got.count(id) == 1);
    const auto& other = got.at(id);
    REQUIRE(other.size() == list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      CHECK(other[i].id == list[i].id);
      CHECK(other[i].bug_id == list[i].bug_id);
      CHECK(other[i].text == list[i].text);
    }
  }
}

// Answers GET /rest/bug/<first>/comment?...&ids=... from answer_for; the first answer for a
// batch starting at `cut_first` is cut short; a batch holding a `hidden` id is refused like BMO
// does (error 102); `left_out` ids are not in the answers.
class CommentServer final : public adapters::http::Transport {
 public:
  std::vector<std::string> urls;
  std::set<sync::BugId> hidden, left_out;
  sync::BugId cut_first = 0;
  int per_bug = 3;
  int hidden_status = 401;  // BMO's; a server may also send the error object with a 200
  bool json_type = true;    // else no Content-Type: the answer is read whole, then the same way
  bool malformed = false;   // the last bug's first comment has an id that is no number

  Outcome send_once(const adapters::http::Request& request) override {
    std::lock_guard<std::mutex> lock(m_mu);
    urls.push_back(request.url);
    const std::string marker = "/rest/bug/";
    const auto start = request.url.find(marker) + marker.size();
    std::vector<sync::BugId> ids = {std::stoll(request.url.substr(start))};
    for (auto at = request.url.find("ids=", start); at != std::string::npos;
         at = request.url.find("ids=", at + 4)) {
      ids.push_back(std::stoll(request.url.substr(at + 4)));
    }
    adapters::http::Response r;
    if (json_type) {
      r.headers = {{"Content-Type", "application/json"}};
    }
    r.status = 200;
    std::vector<sync::BugId> shown;
    for (sync::BugId id : ids) {
      if (hidden.count(id) != 0) {
        r.status = hidden_status;
        r.body = json{{"error", true}, {"code", 102}, {"message", "not authorized"}}.dump();
        return Outcome{r, true};
      }
      if (left_out.count(id) == 0) {
        shown.push_back(id);
      }
    }
    json answer = answer_for(shown, per_bug);
    if (malformed && !shown.empty()) {
      answer["bugs"][std::to_string(shown.back())]["comments"][0]["id"] = "bad";
    }
    r.body = answer.dump();
    if (ids.front() == cut_first) {
      cut_first = 0;
      r.body.resize(r.body.size() / 2);
    }
    return Outcome{r, true};
  }

 private:
  std::mutex m_mu;
};

struct Handed {
  std::vector<Comments> maps;
  std::vector<sync::BugId> ids;  // in the order handed over, repeats kept
};

sync::Status read_by_batch(adapters::bugzilla::BugzillaClient& client,
                           const std::vector<sync::BugId>& ids, Handed& handed) {
  return client.comments_by_batch(ids, std::nullopt, [&](Comments&& m) -> sync::Status {
    for (const auto& [id, list] : m) {
      handed.ids.push_back(id);
    }
    handed.maps.push_back(std::move(m));
    return sync::ok_status();
  });
}

std::unique_ptr<adapters::bugzilla::BugzillaClient> client_of(
    const std::shared_ptr<CommentServer>& server, std::size_t chunk_bytes) {
  sync::BugzillaSettings settings;
  settings.url = "https://bugzilla.example.org";
  adapters::bugzilla::BugzillaClientOptions options;
  options.comment_chunk_bytes = chunk_bytes;
  auto client =
      std::make_unique<adapters::bugzilla::BugzillaClient>(settings, "key", server, options);
  client->set_sleep_function([](double) {});
  return client;
}

}  // namespace

TEST_CASE("A comment answer read in chunks gives what parse_comments gives", "[bugzilla]") {
  const std::string body = answer_for(ids_from(1000001, 40), 3).dump();
  const auto whole = adapters::bugzilla::parse_comments(body);
  REQUIRE(whole.ok());
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, body.size()}) {
    for (std::size_t chunk_bytes : {std::size_t{1}, std::size_t{3000}, std::size_t{1} << 30}) {
      INFO(piece << " " << chunk_bytes);
      const auto maps = read_all(body, chunk_bytes, nullptr, piece);
      check_same(union_of(maps), *whole);
      if (chunk_bytes == 1) {
        CHECK(maps.size() == 40);  // one bug each
      } else if (chunk_bytes == 3000) {
        CHECK(maps.size() > 1);
        CHECK(maps.size() < 40);
      } else {
        CHECK(maps.size() == 1);
      }
    }
  }
}

TEST_CASE("Bugs taken by an earlier attempt are not handed over again", "[bugzilla]") {
  const std::string body = answer_for(ids_from(1000001, 6), 2).dump();
  const auto maps = read_all(body, 1, nullptr, 13, {1000002, 1000005});
  const auto all = union_of(maps);
  CHECK(all.size() == 4);
  CHECK(all.count(1000002) == 0);
  CHECK(all.count(1000005) == 0);
  CHECK(all.at(1000001).size() == 2);
}

TEST_CASE("Comments answered by comment id are merged as parse_comments does", "[bugzilla]") {
  json answer = answer_for({7, 8}, 1);
  answer["comments"] = {{"701", comment(7, 701, "by id")},
                        {"700", comment(7, 700, "already listed")},
                        {"901", comment(9, 901, "other bug")}};
  const std::string body = answer.dump();  // "bugs" first, then "comments" (keys sorted)
  const auto whole = adapters::bugzilla::parse_comments(body);
  REQUIRE(whole.ok());
  CHECK(whole->at(7).size() == 2);
  CHECK(whole->count(9) == 1);
  SECTION("held until the end: merged") {
    const auto maps = read_all(body, std::size_t{1} << 30);
    CHECK(maps.size() == 1);
    check_same(union_of(maps), *whole);
  }
  SECTION("met before the bugs: the bugs are held, and merged") {
    const std::string first =
        R"({"comments":)" + answer["comments"].dump() + R"(,"bugs":)" + answer["bugs"].dump() + "}";
    const auto maps = read_all(first, 1, nullptr, 5);
    CHECK(maps.size() == 1);
    check_same(union_of(maps), *whole);
  }
  SECTION("met after bug 7 was handed over without comment 701: an error, not a loss") {
    std::optional<sync::Error> error;
    read_all(body, 1, &error);
    REQUIRE(error);
    CHECK(error->kind == sync::ErrorKind::internal);
    CHECK(error->message.find("comment 701 of bug 7") != std::string::npos);
  }
}

TEST_CASE("A cut comment answer fails as transient and a broken one as internal", "[bugzilla]") {
  const std::string body = answer_for(ids_from(1000001, 5), 2).dump();
  for (std::size_t cut : {body.size() / 3, body.size() / 2, body.size() - 2}) {
    INFO(cut);
    std::optional<sync::Error> error;
    const auto maps = read_all(body.substr(0, cut), 1, &error, 64);
    REQUIRE(error);
    CHECK(error->kind == sync::ErrorKind::transient);
    CHECK(maps.size() <= 5);
    if (cut > body.size() / 2) {
      CHECK_FALSE(maps.empty());  // what came before the cut was handed over already
    }
  }
  for (const std::string broken :
       {R"({"bugs":{"x7":{"comments":[]}}})",
        R"({"bugs":{"7":{"comments":[]},"7":{"comments":[]}}})", R"({"bugs":[]})", R"([1,2])",
        R"({"bugs":{},"comments":{"1":{"id":"x"}}})", R"({"comments":{}})"}) {
    INFO(broken);
    std::optional<sync::Error> error;
    read_all(broken, 1, &error, 3);
    REQUIRE(error);
    CHECK(error->kind == sync::ErrorKind::internal);
  }
}

TEST_CASE("A malformed comment fails the read after the bugs before it were taken", "[bugzilla]") {
  json answer = answer_for({1, 2, 3}, 1);
  answer["bugs"]["2"]["comments"][0]["id"] = "not a number";
  std::optional<sync::Error> error;
  const auto maps = read_all(answer.dump(), 1, &error);
  REQUIRE(error);
  CHECK(error->kind == sync::ErrorKind::internal);
  REQUIRE(maps.size() == 1);
  CHECK(maps.front().count(1) == 1);
}

TEST_CASE("Text that is not UTF-8 is read with replacements in chunks", "[bugzilla]") {
  std::string body = answer_for({5, 6}, 1).dump();
  const auto at = body.find("xxxx");
  body[at] = '\xe9';
  const auto all = union_of(read_all(body, 1, nullptr, 11));
  REQUIRE(all.size() == 2);
  CHECK(all.at(5).front().text.find("\xef\xbf\xbd") != std::string::npos);
}

TEST_CASE("comments_by_batch hands every requested id over once in chunks with the same requests",
          "[bugzilla]") {
  auto server = std::make_shared<CommentServer>();
  server->json_type = GENERATE(true, false);
  auto client = client_of(server, 4000);
  const auto ids = ids_from(1000001, 1500);
  Handed handed;
  REQUIRE(read_by_batch(*client, ids, handed).ok());
  const std::set<sync::BugId> unique(handed.ids.begin(), handed.ids.end());
  CHECK(unique.size() == handed.ids.size());
  CHECK(unique == std::set<sync::BugId>(ids.begin(), ids.end()));
  // The batches are bounded by the URL only, as for comments(): one request each.
  const std::size_t batches = server->urls.size();
  CHECK(batches >= 2);
  CHECK(handed.maps.size() > 2 * batches);  // answers were handed over in pieces
  auto again = std::make_shared<CommentServer>();
  auto whole = client_of(again, 4000)->comments(ids, std::nullopt);
  REQUIRE(whole.ok());
  // The same requests; their order is the order the concurrent answers arrived in.
  auto sent = server->urls;
  auto sent_again = again->urls;
  std::sort(sent.begin(), sent.end());
  std::sort(sent_again.begin(), sent_again.end());
  CHECK(sent_again == sent);
  check_same(union_of(handed.maps), *whole);
}

TEST_CASE("A cut comment answer is asked again and nothing is handed over twice", "[bugzilla]") {
  auto server = std::make_shared<CommentServer>();
  const auto ids = ids_from(1000001, 1500);
  server->cut_first = ids.front();
  auto client = client_of(server, 4000);
  Handed handed;
  REQUIRE(read_by_batch(*client, ids, handed).ok());
  const std::set<sync::BugId> unique(handed.ids.begin(), handed.ids.end());
  CHECK(unique.size() == handed.ids.size());
  CHECK(unique.size() == ids.size());
  std::size_t first_batch = 0;
  for (const auto& url : server->urls) {
    first_batch += url.find("/rest/bug/1000001/") != std::string::npos ? 1 : 0;
  }
  CHECK(first_batch == 2);
  CHECK(client->request_count() == static_cast<int>(server->urls.size()));
}

TEST_CASE("Hidden and left out bugs are handed over empty once", "[bugzilla]") {
  auto server = std::make_shared<CommentServer>();
  const auto ids = ids_from(1000001, 30);
  server->hidden_status = GENERATE(401, 200);
  server->json_type = GENERATE(true, false);
  server->hidden = {1000004};
  server->left_out = {1000020};
  auto client = client_of(server, 1);
  Handed handed;
  REQUIRE(read_by_batch(*client, ids, handed).ok());
  const auto all = union_of(handed.maps);
  CHECK(all.size() == ids.size());
  CHECK(all.at(1000004).empty());
  CHECK(all.at(1000020).empty());
  CHECK(all.at(1000005).size() == 3);
  CHECK(server->urls.size() == 1 + ids.size());  // the spoiled batch, then one bug at a time
}

TEST_CASE("A malformed comment or a refusing taker stops comments_by_batch", "[bugzilla]") {
  auto server = std::make_shared<CommentServer>();
  auto client = client_of(server, 1);
  const auto ids = ids_from(1000001, 10);
  SECTION("the taker refuses: its error comes back as it is") {
    int calls = 0;
    const auto status = client->comments_by_batch(ids, std::nullopt, [&](Comments&&) {
      ++calls;
      return sync::Status(sync::make_error(sync::ErrorKind::rejected, "disk full"));
    });
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message == "disk full");
    CHECK(calls == 1);
  }
  SECTION("a comment that does not parse fails the read after the bugs before it") {
    server->malformed = true;
    Handed handed;
    const auto status = read_by_batch(*client, ids, handed);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().kind == sync::ErrorKind::internal);
    CHECK(status.error().message.rfind("Bugzilla comments: ", 0) == 0);
    CHECK(handed.ids.size() == ids.size() - 1);
    CHECK(server->urls.size() == 1);  // no second ask: the answer was whole
  }
}
