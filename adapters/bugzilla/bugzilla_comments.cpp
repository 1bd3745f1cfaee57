// BugzillaClient::comments_by_batch: each batch's answer read as it arrives and handed over a few
// bugs at a time. Request building, paging, the other reads and error mapping are in
// bugzilla_client.cpp.
#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "adapters/bugzilla/bugzilla_client.h"
#include "adapters/bugzilla/bugzilla_client_detail.h"
#include "adapters/bugzilla/bugzilla_json.h"

namespace bzjira::adapters::bugzilla {

namespace {

using sync::ErrorKind;

// Error objects are a few hundred bytes (parse_bugzilla_error reads up to this much).
constexpr std::size_t k_max_error_body = 64 * 1024;

bool is_json(const http::Response& response) {
  return client_detail::lower(response.header("Content-Type")).find("json") != std::string::npos;
}

// The rest of a body into `out` (an answer to judge whole: an HTML page, an error).
std::optional<sync::Error> read_whole(http::BodyReader& body, std::string& out) {
  char step[64 * 1024];
  for (;;) {
    auto got = body.read(step, sizeof step);
    if (!got) {
      return got.error();
    }
    if (*got == 0) {
      return std::nullopt;
    }
    out.append(step, *got);
  }
}

// A body as the comment reader's source, keeping its first bytes and counting them all.
class BodySource : public TextSource {
 public:
  BodySource(http::BodyReader& body, std::string& start, std::size_t& length)
      : m_body(body), m_start(start), m_length(length) {}
  sync::Result<std::size_t> read(char* into, std::size_t max) override {
    auto got = m_body.read(into, max);
    if (got) {
      if (m_start.size() < k_max_error_body) {
        m_start.append(into, std::min(*got, k_max_error_body - m_start.size()));
      }
      m_length += *got;
    }
    return got;
  }

 private:
  http::BodyReader& m_body;
  std::string& m_start;
  std::size_t& m_length;
};

}  // namespace

sync::Status BugzillaClient::read_comment_batch(const std::vector<sync::BugId>& ids,
                                                const std::string& params, std::size_t chunk_bytes,
                                                const CommentStream::Take& take,
                                                std::set<sync::BugId>& taken) {
  const auto batch = client_detail::batch_target(ids, "comment", params);
  const std::string target = url(batch.path, batch.query);
  // What the taker refused with is returned as it is, never retried.
  bool refused = false;
  const CommentStream::Take guarded = [&](CommentStream::Comments&& chunk) {
    auto error = take(std::move(chunk));
    refused = refused || error.has_value();
    return error;
  };
  const int attempts = std::max(1, m_options.truncated_body_attempts);
  for (int attempt = 1;; ++attempt) {
    http::Request request;
    request.method = "GET";
    request.url = target;
    authorize(request);
    const std::set<sync::BugId> skip = taken;  // handed over by an earlier attempt
    bool streamed = false;
    int status = 0;
    std::string start;  // the body's first bytes: a 2xx may still be Bugzilla's error object
    std::size_t length = 0;
    const auto consume = [&](http::Response& head,
                             http::BodyReader& body) -> std::optional<sync::Error> {
      status = head.status;
      if (!is_json(head)) {  // judged below as a whole, like any answer
        return read_whole(body, head.body);
      }
      streamed = true;
      BodySource source(body, start, length);
      return CommentStream::read_streamed(source, chunk_bytes, skip, taken, guarded);
    };
    auto response = m_http->send_streamed(request, consume);
    std::optional<sync::Error> error;  // in the body
    std::optional<sync::Error> bad;    // Bugzilla's error answer, or no REST API answer at all
    if (!response.ok()) {
      if (refused) {
        return response.error();
      }
      if (!streamed) {
        return named(response.error(), "comments");  // before any body: send()'s retries are done
      }
      error = response.error();
      if (length <= k_max_error_body) {  // a 2xx may still be Bugzilla's error object
        if (auto said = parse_bugzilla_error(status, start)) {
          bad = named(*said, "comments");
        }
      }
    } else if (auto judged = judge(*response, "comments")) {
      bad = judged;
    } else if (!streamed) {  // a 2xx read whole: read from memory the same way
      const auto body = http::text_reader(std::move(response->body));
      BodySource source(*body, start, length);
      error = CommentStream::read_streamed(source, chunk_bytes, skip, taken, guarded);
      if (refused) {
        return *error;
      }
    }
    if (bad && client_detail::is_invisible_bug_error(*bad)) {
      // One bug of the batch spoils it for all: ask one at a time to keep the others. A bug
      // that is gone or hidden has nothing visible to report.
      for (std::size_t i = 0; ids.size() > 1 && i < ids.size(); ++i) {
        if (taken.count(ids[i]) == 0) {
          if (auto single = read_comment_batch({ids[i]}, params, chunk_bytes, take, taken);
              !single.ok()) {
            return single;
          }
        }
      }
      return sync::ok_status();
    }
    if (bad) {
      return *bad;
    }
    if (!error) {
      return sync::ok_status();
    }
    // A transient error in the body is an answer cut short (the connection broke while the
    // status said success): a GET can simply be asked again, the bugs taken are not handed over
    // twice.
    if (error->kind == ErrorKind::transient && attempt < attempts) {
      continue;
    }
    if (error->kind == ErrorKind::transient) {
      error->message += " (after " + std::to_string(attempt) + " attempts)";
    }
    return named(*error, "comments");
  }
}

sync::Status BugzillaClient::comments_by_batch(
    const std::vector<sync::BugId>& bug_ids, std::optional<sync::Instant> new_since,
    const std::function<sync::Status(CommentBatch&&)>& on_batch) {
  std::string params = std::string("include_fields=") + client_detail::k_comment_fields;
  if (new_since) {
    client_detail::add_param(params, "new_since", sync::format_rfc3339(*new_since));
  }
  const std::vector<std::vector<sync::BugId>> batches = id_batches(bug_ids, "comment", params);
  const std::size_t chunk_bytes = std::max<std::size_t>(1, m_options.comment_chunk_bytes);
  // The batches are read by up to http.concurrency workers, each answer as it arrives; the
  // takers' calls are one at a time. The first failure stops the others at their next chunk.
  std::mutex mu;
  std::optional<sync::Error> failed;
  const CommentStream::Take take = [&](CommentBatch&& chunk) -> std::optional<sync::Error> {
    std::lock_guard lock(mu);
    if (failed) {
      return failed;
    }
    if (auto status = on_batch(std::move(chunk)); !status.ok()) {
      failed = status.error();
      return failed;
    }
    client_detail::give_back_free_pages();
    return std::nullopt;
  };
  http::for_each_bounded(batches.size(), m_http->concurrency(), [&](std::size_t i) {
    {
      std::lock_guard lock(mu);
      if (failed) {
        return;
      }
    }
    std::set<sync::BugId> taken;
    sync::Status status = read_comment_batch(batches[i], params, chunk_bytes, take, taken);
    if (status.ok()) {
      // Every requested id is a key once, even with nothing visible: those the answer left out
      // follow in a map of their own.
      CommentBatch rest;
      for (sync::BugId id : batches[i]) {
        if (taken.count(id) == 0) {
          rest.try_emplace(id);
        }
      }
      if (!rest.empty()) {
        if (auto error = take(std::move(rest))) {
          status = *error;
        }
      }
    }
    if (!status.ok()) {
      std::lock_guard lock(mu);
      if (!failed) {
        failed = status.error();
      }
    }
  });
  if (failed) {
    return *failed;
  }
  return sync::ok_status();
}

}  // namespace bzjira::adapters::bugzilla
