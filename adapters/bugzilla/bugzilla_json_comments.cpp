// CommentStream: a comment answer checked whole (its skeleton, the keys of "bugs" and every other
// member), then read bug by bug, so that what is parsed at once is the few bugs being handed over
// and not the answer (issue 14). The rules and messages are parse_comments' (bugzilla_json.cpp).
#include <sys/mman.h>
#include <unistd.h>

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

// Gives the whole pages of `body` before `end` back to the system, as JsonText::release_before
// does for its mappings: the bugs there were read and are never read again (reading them would
// give zeros). The allocation itself stays the string's. Nothing happens for a few pages.
void release_before(std::string& body, std::size_t end) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  // Offsets from the string's start, so that the range is a pointer into it (no int-to-pointer).
  const std::size_t misalign = reinterpret_cast<std::uintptr_t>(body.data()) % page;
  const std::size_t first = misalign == 0 ? 0 : page - misalign;
  const std::size_t stop = std::min(end, body.size());
  if (stop < first) {
    return;
  }
  const std::size_t length = (stop - first) / page * page;
  if (length > 16 * page) {
    madvise(body.data() + first, length, MADV_DONTNEED);
  }
}

}  // namespace

sync::Result<CommentStream> CommentStream::check(std::string body) {
  if (auto error = detail::too_large(body.size(), k_what)) {
    return *error;
  }
  try {
    CommentStream stream;
    stream.m_quote = body.substr(0, 256);
    // Bugzilla databases have held other encodings (issue 7): the repaired copy is read instead,
    // as parse_comments does.
    if (!simdjson::validate_utf8(body.data(), body.size())) {
      body = detail::replace_invalid_utf8(body);
    }
    if (body.capacity() - body.size() < JsonText::k_padding) {
      body.reserve(body.size() + JsonText::k_padding);
    }
    stream.m_body = std::move(body);
    // Borrowed (the string has room for the padding): the parts found are slices of m_body.
    auto text = JsonText::padded(stream.m_body);
    if (!text) {
      return text.error();
    }
    const char* const start = text->data();
    const auto no_bugs = [&] {
      return make_error(ErrorKind::internal,
                        k_what + " has no object 'bugs': " + detail::excerpt(stream.m_quote));
    };
    bool has_bugs = false;
    std::set<sync::BugId> ids;
    detail::Dom dom;
    const auto visit = [&](const detail::Part& part) -> std::optional<Error> {
      if (part.opening) {
        has_bugs = true;
        return std::nullopt;
      }
      if (part.whole_document) {  // not an object: parse_comments says what it is instead
        auto whole = parse_comments(stream.m_body);
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
        stream.m_bugs.push_back(BugPart{*id, std::string(part.key),
                                        static_cast<std::size_t>(part.json.data() - start),
                                        part.json.size()});
        return std::nullopt;
      }
      // Every other member is small (BMO sends "comments":{} when no comment ids were asked for);
      // it is read now, so that a broken one fails the answer before any bug is handed over.
      auto value = dom.part(part.json, stream.m_quote, k_what);
      if (!value) {
        return value.error();
      }
      if (part.member == "comments" && value->is_object()) {
        for (const auto field : detail::object_of(*value)) {
          auto c = detail::read_comment(field.value, 0);
          if (!c) {
            return c.error();
          }
          stream.m_by_id.push_back(std::move(c.value()));
        }
      }
      return std::nullopt;
    };
    if (auto error = detail::split(*text, {"bugs"}, k_what, visit)) {
      return *error;
    }
    if (!has_bugs) {
      return no_bugs();
    }
    return stream;
  } catch (const std::exception& e) {  // allocation failures
    return unreadable(e);
  }
}

std::optional<Error> CommentStream::read(std::size_t chunk_bytes, const Take& take) {
  try {
    // Comments by comment id are filed after every bug's own list, and only when no bug's list
    // has them: such an answer is handed over in one map.
    const bool in_one = !m_by_id.empty();
    detail::Dom dom;
    Comments chunk;
    std::size_t bytes = 0;
    std::size_t released = 0;  // m_body before this was given back
    for (const BugPart& bug : m_bugs) {
      auto value =
          dom.part(std::string_view(m_body).substr(bug.offset, bug.length), m_quote, k_what);
      if (!value) {
        return value.error();
      }
      if (auto error = detail::read_comment_entry(*value, bug.key, bug.id, k_what, chunk[bug.id])) {
        return error;
      }
      bytes += bug.length;
      if (!in_one && bytes >= chunk_bytes) {
        if (auto error = take(std::exchange(chunk, {}))) {
          return error;
        }
        bytes = 0;
        // The bugs follow each other in the body: what lies before this one's end is done with.
        if (bug.offset + bug.length > released) {
          released = bug.offset + bug.length;
          release_before(m_body, released);
        }
      }
    }
    detail::file_comments_by_id(chunk, std::move(m_by_id));
    m_by_id = {};
    m_body = std::string();
    m_bugs = {};
    if (chunk.empty()) {
      return std::nullopt;
    }
    return take(std::move(chunk));
  } catch (const std::exception& e) {  // allocation failures
    return unreadable(e);
  }
}

}  // namespace bzjira::adapters::bugzilla
