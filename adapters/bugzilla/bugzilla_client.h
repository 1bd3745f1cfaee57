// sync::BugSource for a real Bugzilla: bugzilla.mozilla.org (API key in the X-BUGZILLA-API-KEY
// header) or upstream Bugzilla 5.x (api_key query parameter), over the retrying HTTP client; the
// key check of both (bugzilla_auth.cpp). Request shapes follow docs/bugzilla-api.md; bodies are
// parsed by bugzilla_json.h.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/http/http_client.h"
#include "sync/mapping.h"
#include "sync/ports.h"

namespace bzjira::adapters::bugzilla {

// Knobs with production defaults; tests shrink them.
struct BugzillaClientOptions {
  // Bugs per search page (BMO: "an explicit page size below the 10,000 cap, such as 1000").
  int page_size = 1000;
  // Longest request target (path and query, bytes) the client builds. BMO's Varnish refuses
  // targets over 8 KiB with a plain-text 414; the margin leaves room for proxies that count more.
  std::size_t max_request_target = 8000;
  // Most bugs in one comment request, whatever the URL length allows (bounds the answer's size).
  int max_bugs_per_comment_request = 1000;
  // Comment JSON handed over per on_batch call of comments_by_batch (whole bugs, at least one):
  // bounds what is parsed at once.
  std::size_t comment_chunk_bytes = std::size_t{4} * 1024 * 1024;
  // Sends of one GET whose 2xx answer was cut short (truncated JSON), including the first.
  int truncated_body_attempts = 3;
  // Stops paging after this many pages (a server that ignores `offset` would loop forever).
  int max_pages = 10000;
};

// Not thread-safe: one client per thread (the HTTP client underneath is).
class BugzillaClient : public sync::BugSource {
 public:
  // `settings.url` is the base ("https://bugzilla.mozilla.org", no /rest); `api_key` may be empty
  // (anonymous reads; writes then fail with auth). `transport` nullptr = the cpprest transport
  // with settings.http. The key never appears in an error message or log line.
  BugzillaClient(const sync::BugzillaSettings& settings, std::string api_key,
                 std::shared_ptr<http::Transport> transport = nullptr,
                 BugzillaClientOptions options = {});

  // GET /rest/time -> db_time. Errors: transient (network, 5xx, rate limit after retries), auth
  // (bad key), internal (unreadable answer).
  sync::Result<sync::Instant> server_time() override;

  // GET /rest/bug with the scope's product, component, status (open: __open__, closed:
  // __closed__, all: no status), whiteboard substring, summary prefix (sent as the documented
  // short_desc=<prefix>&short_desc_type=substring, then checked as a case-insensitive prefix here)
  // and assignee; include_fields limited to what sync::Bug holds; order=bug_id; limit=page_size
  // and offset until a page holds fewer bugs. `changed_since` is sent as last_change_time (at or
  // after): the CALLER subtracts the five-minute overlap from its previous watermark
  // (docs/bugzilla-api.md#incremental-polling). Bugs that do not parse are skipped and listed in
  // problems().
  // Not an error if none match.
  sync::Result<std::vector<sync::Bug>> search_bugs(
      const sync::BugScope& scope, std::optional<sync::Instant> changed_since) override;

  // GET /rest/bug/<first>/comment?include_fields=<what sync::Comment holds>&ids=<id>&ids=<id>...
  // in batches whose request target stays within max_request_target; `new_since` (strictly newer)
  // applies to every bug of the batch.
  // Every requested id is a key of the answer (an empty list when it has no visible comments,
  // also when the bug is gone or hidden: such a batch is retried one bug at a time).
  sync::Result<std::map<sync::BugId, std::vector<sync::Comment>>> comments(
      const std::vector<sync::BugId>& bug_ids, std::optional<sync::Instant> new_since) override;
  // The same requests, http.concurrency batches in flight at a time, each answer read as it
  // arrives and never held whole (CommentStream::read_streamed): `on_batch` gets maps of whole bugs
  // of about comment_chunk_bytes of JSON each, every requested id exactly once over all calls (the
  // ids an answer left out, with nothing visible, in a last map of their batch). The calls come
  // from the client's workers (the calling thread is one of them), one at a time, in no set order
  // across batches. An answer cut short is asked for again, without handing its bugs over twice. A
  // malformed answer or comment fails the read (internal) after the maps before it were handed
  // over; the first failure, or the first error of `on_batch` (returned as it is), stops the
  // other batches at their next map.
  sync::Status comments_by_batch(
      const std::vector<sync::BugId>& bug_ids, std::optional<sync::Instant> new_since,
      const std::function<sync::Status(CommentBatch&&)>& on_batch) override;

  // GET /rest/bug/<id>/history. not_found for an unknown bug.
  sync::Result<std::vector<sync::HistoryEntry>> history(sync::BugId bug) override;

  // GET /rest/bug/<first>/history?ids=<id>&ids=<id>... (the REST layer merges path and query ids
  // as for comments, docs/bugzilla-api.md#history), in batches whose request target stays within
  // max_request_target and max_bugs_per_comment_request. Every requested id is a key of the answer
  // (an empty list when the bug has no history, or is gone or hidden: such a batch is retried one
  // bug at a time).
  sync::Result<std::map<sync::BugId, std::vector<sync::HistoryEntry>>> histories(
      const std::vector<sync::BugId>& bug_ids) override;

  // POST /rest/bug/<id>/comment {"comment": markdown, "is_markdown": true}: 201 -> new id. Never
  // resent once it may have reached the server (transient "outcome unknown" instead). Errors:
  // auth (no or bad key, not allowed), not_found, rejected (empty or over 65,535 characters).
  sync::Result<sync::CommentId> post_comment(sync::BugId bug, const std::string& markdown) override;

  // PUT /rest/bug/<id> {"flags":[{"id":flag,"status":"X"}]}.
  sync::Status clear_flag(sync::BugId bug, sync::FlagId flag) override;

  // GET /rest/whoami -> login. not_found where the server has no such resource (upstream 5.x
  // answers error 32614 / HTTP 404); auth when anonymous or the key is bad.
  sync::Result<std::string> whoami() override;

  // The key check (sync/ports.h), with GET /rest/whoami in the mode to check:
  // - it names a login: the mode works (bugzilla.mozilla.org);
  // - error 32614 (no such resource: upstream Bugzilla 5.x, which has no whoami and ignores the
  //   header): in header mode the server would read anonymously -> config error with the advice
  //   to set bugzilla.auth to "query"; in query (or auto) mode the key goes as api_key and
  //   GET /rest/time checks it (a bad key is refused on any request);
  // - error 410 "log in" (the key did not reach the server in this mode, e.g. a proxy dropping
  //   the header) -> config error naming the other mode; auto tries the other mode first.
  // A refused key (306) is auth; an answer that is no REST API (HTML, 404 pages) config.
  sync::Result<sync::AuthCheck> verify_auth() override;
  // The mode to send the key in from now on (what verify_auth found, remembered); ignored unless
  // the mapping says "auto".
  void use_auth(sync::BugzillaAuth mode) override;
  // How the key is sent now: the configured mode, or for "auto" the mode found (header until then).
  sync::BugzillaAuth auth_mode() const { return m_mode; }

  // HTTP attempts sent so far, retries included (what the server saw).
  int request_count() const override;
  http::Stats stats() const;

  // Bugs skipped by search_bugs because they did not parse, one line each ("bugs[3]: ...").
  std::vector<std::string> problems() const;

  // For tests: how the HTTP client waits between retries.
  void set_sleep_function(std::function<void(double seconds)> sleep);

  // The request target of a URL this client would send ("/rest/bug?..."), for the URL limit.
  static std::size_t request_target_length(const std::string& url);

 private:
  // One request; non-2xx answers become typed errors with Bugzilla's message; an answer that is
  // not the REST API's (an HTML page, a 404 page, a redirect, error 32614 "no such resource") is a
  // config error naming at most the page's title. `what` names the operation for error messages.
  sync::Result<http::Response> send(http::Request request, const std::string& what);
  // The key (in header mode) and Accept, as send() adds them.
  void authorize(http::Request& request) const;
  // send()'s checks of an answer that came: not the REST API, or Bugzilla's error object.
  std::optional<sync::Error> judge(const http::Response& response, const std::string& what) const;
  // `error` with its message prefixed "Bugzilla <what>: " and the key redacted.
  sync::Error named(sync::Error error, const std::string& what) const;
  // whoami with the key sent in `mode`.
  sync::Result<std::string> whoami_as(sync::BugzillaAuth mode);
  // send() for a GET whose body `parse` reads; a truncated body is fetched again.
  template <typename T, typename Parse>
  sync::Result<T> get_parsed(const std::string& path_and_query, const std::string& what,
                             Parse parse);
  std::string url(const std::string& path, const std::string& query) const;
  // `bug_ids` without repeats, cut into batches for GET /rest/bug/<first>/<resource>?<params>
  // &ids=<other>...: at most max_bugs_per_comment_request ids, within max_request_target.
  std::vector<std::vector<sync::BugId>> id_batches(const std::vector<sync::BugId>& bug_ids,
                                                   const std::string& resource,
                                                   const std::string& params) const;
  // One batch of a per-bug read (comments, history) that `parse` turns into a map by bug id. A
  // bug that is gone or hidden spoils a batch: it is then read one bug at a time, and such a bug
  // maps to an empty list.
  template <typename Map, typename Parse>
  sync::Result<Map> batch_read(const std::vector<sync::BugId>& ids, const std::string& resource,
                               const std::string& params, const std::string& what, Parse parse);
  // One batch's comment answer (the ids as for batch_read), read as it arrives
  // (CommentStream::read_streamed) and its bugs handed to `take`; every id handed over is added to
  // `taken`. An answer cut short is asked for again (truncated_body_attempts in all), and the bugs
  // taken are not handed over twice. A gone or hidden bug (an error answer, before any body) has
  // the batch read one bug at a time (such a bug is not taken). An error of `take` comes back as
  // it is.
  sync::Status read_comment_batch(const std::vector<sync::BugId>& ids, const std::string& params,
                                  std::size_t chunk_bytes, const CommentStream::Take& take,
                                  std::set<sync::BugId>& taken);
  // batch_read over id_batches(bug_ids, ...), up to http.concurrency in flight, merged; every
  // requested id is a key. `what` names the read for error messages.
  template <typename Map, typename Parse>
  sync::Result<Map> batched_read(const std::vector<sync::BugId>& bug_ids,
                                 const std::string& resource, const std::string& params,
                                 const std::string& what, Parse parse);

  std::string m_base;  // scheme://host[:port][/prefix], no trailing slash
  std::string m_api_key;
  sync::BugzillaAuth m_auth;  // as configured (may be automatic)
  sync::BugzillaAuth m_mode;  // as sent: header or query
  BugzillaClientOptions m_options;
  std::unique_ptr<http::Client> m_http;
  mutable std::mutex m_mu;
  std::vector<std::string> m_problems;
};

// A config error when `response` is not an answer of Bugzilla's REST API at all: an HTML page with
// a 2xx, 3xx or 404 status (a wrong path, a login or error page of a proxy), any redirect, or a
// 404 that is not JSON. The message names `base` and at most the page's title (cleaned of control
// characters, cut to 80), never its HTML. nullopt for anything else (5xx and 429 pages stay
// transient, 401 and 403 auth, JSON errors are Bugzilla's).
std::optional<sync::Error> not_the_rest_api(const http::Response& response,
                                            const std::string& base);

// The text of an HTML page's <title>, cleaned and cut to `max` characters; empty when none.
std::string html_title(const std::string& body, std::size_t max = 80);

// The rule the HTTP client adds for Bugzilla (docs/bugzilla-api.md#rate-limits): BMO's rate-limit
// answer is a JSON 400 whose error message mentions the rate limit, then HTML 429 without
// Retry-After. Both mean "refused before anything happened", so even a comment POST may be resent
// after them.
bool is_bugzilla_rate_limit(const http::Response& response);

}  // namespace bzjira::adapters::bugzilla
