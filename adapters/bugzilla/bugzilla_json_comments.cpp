// CommentStream: a comment answer read bug by bug as it arrives, so that what is held and parsed at
// once is the few bugs being handed over and not the answer (issue 14). The rules and messages are
// parse_comments' (bugzilla_json.cpp).
#include <algorithm>
#include <cstdint>
#include <exception>
#include <set>
#include <utility>

#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/bugzilla/bugzilla_json_detail.h"
#include "adapters/bugzilla/bugzilla_json_split.h"

namespace bzjira::adapters::bugzilla {

using sync::Error;
using sync::ErrorKind;
using sync::make_error;

namespace {

const std::string k_what = "Bugzilla comment answer";

Error problem(const std::string& text) {
  return make_error(ErrorKind::internal, k_what + ": " + text);
}

Error unreadable(const std::exception& e) {
  return make_error(ErrorKind::internal,
                    k_what + " could not be read: " + detail::excerpt(e.what()));
}

// A source whose first bytes are kept, for the messages that quote the answer.
class QuotedSource : public TextSource {
 public:
  explicit QuotedSource(TextSource& inner) : m_inner(inner) {}
  sync::Result<std::size_t> read(char* into, std::size_t max) override {
    auto got = m_inner.read(into, max);
    if (got.ok() && quote.size() < k_quote_bytes) {
      quote.append(into, std::min(got.value(), k_quote_bytes - quote.size()));
    }
    return got;
  }
  static constexpr std::size_t k_quote_bytes = 256;
  std::string quote;

 private:
  TextSource& m_inner;
};

}  // namespace

std::optional<Error> CommentStream::read_streamed(TextSource& source, std::size_t chunk_bytes,
                                                  const std::set<sync::BugId>& skip,
                                                  std::set<sync::BugId>& taken, const Take& take) {
  try {
    QuotedSource quoted(source);
    const auto no_bugs = [&] {
      return make_error(ErrorKind::internal,
                        k_what + " has no object 'bugs': " + detail::excerpt(quoted.quote));
    };
    detail::Dom dom;
    Comments chunk;
    std::size_t bytes = 0;
    bool has_bugs = false;
    std::set<sync::BugId> ids;            // every bug of the answer, for the repeat check
    std::vector<sync::CommentId> handed;  // comments handed over, for the comments by id
    std::vector<sync::Comment> by_id;     // comments answered by comment id
    const auto hand_over = [&]() -> std::optional<Error> {
      for (const auto& [id, list] : chunk) {
        taken.insert(id);
        for (const sync::Comment& c : list) {
          handed.push_back(c.id);
        }
      }
      bytes = 0;
      return take(std::exchange(chunk, {}));
    };
    const auto visit = [&](const detail::Part& part) -> std::optional<Error> {
      if (part.opening) {
        has_bugs = true;
        return std::nullopt;
      }
      if (part.whole_document) {  // not an object: parse_comments says what it is instead
        auto whole = parse_comments(std::string(part.json));
        return whole ? no_bugs() : whole.error();
      }
      if (part.member == "bugs" && !part.opened) {
        return no_bugs();
      }
      if (part.member == "bugs") {
        const auto id = detail::bug_id_from_key(part.key);
        if (!id) {
          return problem("bug key '" + detail::excerpt(part.key, 40) + "' is not a bug id");
        }
        if (!ids.insert(*id).second) {
          return problem("bug " + std::to_string(*id) + " appears twice");
        }
        if (skip.count(*id) != 0) {
          return std::nullopt;
        }
        auto value = dom.part(part.json, quoted.quote, k_what);
        if (!value) {
          return value.error();
        }
        if (auto error = detail::read_comment_entry(*value, part.key, *id, k_what, chunk[*id])) {
          return error;
        }
        bytes += part.json.size();
        // Once comments by comment id were met, the rest is held: they are filed at the end.
        return bytes >= chunk_bytes && by_id.empty() ? hand_over() : std::nullopt;
      }
      auto value = dom.part(part.json, quoted.quote, k_what);
      if (!value) {
        return value.error();
      }
      if (part.member == "comments" && value->is_object()) {
        for (const auto field : detail::object_of(*value)) {
          auto c = detail::read_comment(field.value, 0);
          if (!c) {
            return c.error();
          }
          by_id.push_back(std::move(c.value()));
        }
      }
      return std::nullopt;
    };
    if (auto error = detail::split(quoted, {"bugs"}, k_what, visit)) {
      return error;
    }
    if (!has_bugs) {
      return no_bugs();
    }
    if (!by_id.empty()) {
      // parse_comments' filing, for the bugs still here; a comment of a bug already handed over is
      // dropped when that bug's list had it, else it cannot be filed any more.
      std::sort(handed.begin(), handed.end());
      std::vector<sync::Comment> rest;
      for (sync::Comment& c : by_id) {
        if (std::binary_search(handed.begin(), handed.end(), c.id)) {
          continue;
        }
        if (taken.count(c.bug_id) != 0) {
          return problem("comment " + std::to_string(c.id) + " of bug " + std::to_string(c.bug_id) +
                         " is answered by comment id after its bug was read");
        }
        rest.push_back(std::move(c));
      }
      detail::file_comments_by_id(chunk, std::move(rest));
    }
    if (chunk.empty()) {
      return std::nullopt;
    }
    return hand_over();
  } catch (const std::exception& e) {  // allocation failures
    return unreadable(e);
  }
}

}  // namespace bzjira::adapters::bugzilla
