// What the Bugzilla client's files share (bugzilla_client.cpp, bugzilla_comments.cpp): the
// fields asked for, query building and the error codes of a hidden bug. Internal to
// adapters/bugzilla.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "adapters/http/http_client.h"
#include "sync/encoding.h"
#include "sync/model.h"
#include "sync/result.h"

namespace bzjira::adapters::bugzilla::client_detail {

// What sync::Comment holds (bugzilla_json.h parse_comment). Without it BMO also sends raw_text (a
// second copy of every text), author, reactions and collapsed: about half the bytes for nothing.
inline constexpr const char* k_comment_fields =
    "id,bug_id,count,creator,time,creation_time,text,is_private,tags";

inline std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

inline void add_param(std::string& query, const std::string& name, const std::string& value) {
  query += (query.empty() ? "" : "&") + name + "=" + sync::url_encode(value);
}

// The request of one batch of a per-bug read (comments, history): GET /rest/bug/<first>/<resource>
// with `params` and the other ids as "ids=<id>" (the REST layer merges path and query ids).
struct BatchTarget {
  std::string path;
  std::string query;
};
inline BatchTarget batch_target(const std::vector<sync::BugId>& ids, const std::string& resource,
                                const std::string& params) {
  BatchTarget t{"/rest/bug/" + std::to_string(ids.front()) + "/" + resource, params};
  for (std::size_t i = 1; i < ids.size(); ++i) {
    t.query += (t.query.empty() ? "" : "&") + std::string("ids=") + std::to_string(ids[i]);
  }
  return t;
}

// Codes that mean "this bug is gone or hidden from you" in a comment batch: 100 invalid alias,
// 101 no such bug, 102 access denied.
inline bool is_invisible_bug_error(const sync::Error& error) {
  return error.service_code == 100 || error.service_code == 101 || error.service_code == 102;
}

// The comments of a map handed over are freed between what the taker keeps of them (stored bugs,
// derived windows): glibc keeps such pages as free heap unless asked, so the peak RSS of a cold
// read would follow the comments read rather than what is kept. Asking costs about a millisecond,
// and nothing where the process keeps its heap on purpose (http::set_release_free_memory).
inline void give_back_free_pages() { http::release_free_memory(); }

}  // namespace bzjira::adapters::bugzilla::client_detail
