// BugzillaClient: request building, paging, comment batching and error mapping. Parsing lives in
// bugzilla_json.cpp; retries, timeouts and redaction in adapters/http.
#include "adapters/bugzilla/bugzilla_client.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/bugzilla/bugzilla_client_detail.h"
#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/http/describe.h"
#include "sync/encoding.h"

namespace bzjira::adapters::bugzilla {

namespace {

using sync::ErrorKind;

// "A REST API resource was not found for ..." (docs/bugzilla-api.md#errors; upstream 5.x for
// /rest/whoami).
constexpr int k_no_such_resource = 32614;

// What sync::Bug holds (bugzilla_json.h parse_bug), so pages stay small.
constexpr const char* k_bug_fields =
    "id,summary,status,resolution,whiteboard,product,component,creator,assigned_to,"
    "creation_time,last_change_time,cf_last_resolved,flags";
bool starts_with_ci(const std::string& text, const std::string& prefix) {
  return text.size() >= prefix.size() &&
         client_detail::lower(text.substr(0, prefix.size())) == client_detail::lower(prefix);
}

using HistoryMap = std::map<sync::BugId, std::vector<sync::HistoryEntry>>;

}  // namespace

bool is_bugzilla_rate_limit(const http::Response& response) {
  if (response.status == 429) {  // BMO's HTML block page (the standard rule retries it too)
    return true;
  }
  if (response.status != 400) {
    return false;
  }
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.contains("message") || !body["message"].is_string()) {
    return false;
  }
  return client_detail::lower(body["message"].get<std::string>()).find("rate limit") !=
         std::string::npos;
}

BugzillaClient::BugzillaClient(const sync::BugzillaSettings& settings, std::string api_key,
                               std::shared_ptr<http::Transport> transport,
                               BugzillaClientOptions options)
    : m_base(settings.url),
      m_api_key(std::move(api_key)),
      m_auth(settings.auth),
      m_mode(settings.auth == sync::BugzillaAuth::automatic ? sync::BugzillaAuth::header
                                                            : settings.auth),
      m_options(options) {
  while (!m_base.empty() && m_base.back() == '/') {
    m_base.pop_back();
  }
  if (!transport) {
    transport = http::make_cpprest_transport(settings.http);
  }
  std::vector<std::string> secrets;
  if (!m_api_key.empty()) {
    secrets.push_back(m_api_key);
  }
  m_http = std::make_unique<http::Client>(settings.http, secrets, std::move(transport),
                                          is_bugzilla_rate_limit);
}

std::size_t BugzillaClient::request_target_length(const std::string& url) {
  const std::size_t scheme = url.find("://");
  const std::size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return path == std::string::npos ? 1 : url.size() - path;
}

std::string BugzillaClient::url(const std::string& path, const std::string& query) const {
  std::string q = query;
  if (m_mode == sync::BugzillaAuth::query && !m_api_key.empty()) {
    client_detail::add_param(q, "api_key", m_api_key);
  }
  return m_base + path + (q.empty() ? "" : "?" + q);
}

void BugzillaClient::authorize(http::Request& request) const {
  if (m_mode == sync::BugzillaAuth::header && !m_api_key.empty()) {
    request.headers.emplace_back("X-BUGZILLA-API-KEY", m_api_key);
  }
  request.headers.emplace_back("Accept", "application/json");
}

sync::Error BugzillaClient::named(sync::Error error, const std::string& what) const {
  const std::vector<std::string> secrets =
      m_api_key.empty() ? std::vector<std::string>{} : std::vector<std::string>{m_api_key};
  error.message = log::redact("Bugzilla " + what + ": " + error.message, secrets);
  return error;
}

std::optional<sync::Error> BugzillaClient::judge(const http::Response& response,
                                                 const std::string& what) const {
  if (auto error = not_the_rest_api(response, m_base)) {
    return named(*error, what);
  }
  if (auto error = parse_bugzilla_error(response.status, response.body)) {
    if (error->service_code == k_no_such_resource) {
      // The server is a Bugzilla, but the path is not one of its REST resources.
      error->kind = ErrorKind::config;
      error->message += " (check bugzilla.url: the base of the Bugzilla site, without /rest)";
    }
    return named(*error, what);
  }
  return std::nullopt;
}

sync::Result<http::Response> BugzillaClient::send(http::Request request, const std::string& what) {
  authorize(request);
  auto result = m_http->send(request);
  if (!result.ok()) {
    return named(result.error(), what);
  }
  if (auto error = judge(result.value(), what)) {
    return *error;
  }
  return result;
}

template <typename T, typename Parse>
sync::Result<T> BugzillaClient::get_parsed(const std::string& path_and_query,
                                           const std::string& what, Parse parse) {
  const std::size_t q = path_and_query.find('?');
  const std::string target =
      url(path_and_query.substr(0, q), q == std::string::npos ? "" : path_and_query.substr(q + 1));
  const int attempts = std::max(1, m_options.truncated_body_attempts);
  for (int attempt = 1;; ++attempt) {
    http::Request request;
    request.method = "GET";
    request.url = target;
    auto response = send(request, what);
    if (!response.ok()) {
      return response.error();
    }
    sync::Result<T> parsed = parse(response->body);
    if (parsed.ok()) {
      return parsed;
    }
    // A transient parse error is a body that ended early: the connection broke mid-answer while
    // the status said success. A GET can simply be asked again.
    if (parsed.error().kind == ErrorKind::transient && attempt < attempts) {
      continue;
    }
    sync::Error error = parsed.error();
    error.message =
        "Bugzilla " + what + ": " + error.message +
        (error.kind == ErrorKind::transient ? " (after " + std::to_string(attempt) + " attempts)"
                                            : std::string());
    return error;
  }
}

sync::Result<sync::Instant> BugzillaClient::server_time() {
  return get_parsed<sync::Instant>("/rest/time", "time", parse_time);
}

sync::Result<std::vector<sync::Bug>> BugzillaClient::search_bugs(
    const sync::BugScope& scope, std::optional<sync::Instant> changed_since) {
  std::string query = std::string("include_fields=") + k_bug_fields;
  if (!scope.product.empty()) {
    client_detail::add_param(query, "product", scope.product);
  }
  if (!scope.component.empty()) {
    client_detail::add_param(query, "component", scope.component);
  }
  if (scope.status == sync::BugStatusScope::open) {
    client_detail::add_param(query, "status", "__open__");
  } else if (scope.status == sync::BugStatusScope::closed) {
    client_detail::add_param(query, "status", "__closed__");
  }
  if (!scope.whiteboard.empty()) {
    client_detail::add_param(query, "whiteboard", scope.whiteboard);
  }
  if (!scope.summary_prefix.empty()) {
    client_detail::add_param(query, "short_desc", scope.summary_prefix);
    client_detail::add_param(query, "short_desc_type", "substring");
  }
  if (!scope.assignee.empty()) {
    client_detail::add_param(query, "assigned_to", scope.assignee);
  }
  if (changed_since) {
    client_detail::add_param(query, "last_change_time", sync::format_rfc3339(*changed_since));
  }
  const int page_size = std::max(1, m_options.page_size);
  client_detail::add_param(query, "order", "bug_id");
  client_detail::add_param(query, "limit", std::to_string(page_size));

  std::vector<sync::Bug> bugs;
  std::set<sync::BugId> seen;
  for (int page = 0; page < m_options.max_pages; ++page) {
    const std::string page_query =
        query + "&offset=" + std::to_string(static_cast<long long>(page) * page_size);
    auto list = get_parsed<BugList>("/rest/bug?" + page_query, "search", parse_bug_list);
    if (!list.ok()) {
      return list.error();
    }
    {
      std::lock_guard<std::mutex> lock(m_mu);
      for (const auto& problem : list->problems) {
        m_problems.push_back("search page " + std::to_string(page + 1) + ": " + problem);
      }
    }
    for (auto& bug : list->bugs) {
      // The server matched a substring anywhere; the scope asks for a prefix.
      if (!scope.summary_prefix.empty() && !starts_with_ci(bug.summary, scope.summary_prefix)) {
        continue;
      }
      if (seen.insert(bug.id).second) {  // a bug may shift pages while we read
        bugs.push_back(std::move(bug));
      }
    }
    const std::size_t received = list->bugs.size() + list->problems.size();
    if (received < static_cast<std::size_t>(page_size)) {
      return bugs;
    }
  }
  return sync::make_error(ErrorKind::internal, "Bugzilla search: still full pages after " +
                                                   std::to_string(m_options.max_pages) +
                                                   " pages; the server seems to ignore offset");
}

std::vector<std::vector<sync::BugId>> BugzillaClient::id_batches(
    const std::vector<sync::BugId>& bug_ids, const std::string& resource,
    const std::string& params) const {
  std::vector<sync::BugId> unique;
  std::set<sync::BugId> seen;
  for (sync::BugId id : bug_ids) {
    if (seen.insert(id).second) {
      unique.push_back(id);
    }
  }
  const std::size_t max_batch =
      static_cast<std::size_t>(std::max(1, m_options.max_bugs_per_comment_request));
  std::vector<std::vector<sync::BugId>> batches;
  std::size_t next = 0;
  while (next < unique.size()) {
    // The first id goes in the path, the others as "&ids=<id>" (5 bytes plus the digits each; a
    // first "&" is really a "?", same length). The common params count against the limit too.
    std::vector<sync::BugId> batch = {unique[next++]};
    std::size_t length = request_target_length(
        url("/rest/bug/" + std::to_string(batch.front()) + "/" + resource, params));
    while (next < unique.size() && batch.size() < max_batch) {
      const std::size_t more = 5 + std::to_string(unique[next]).size();
      if (length + more > m_options.max_request_target) {
        break;
      }
      length += more;
      batch.push_back(unique[next++]);
    }
    batches.push_back(std::move(batch));
  }
  return batches;
}

template <typename Map, typename Parse>
sync::Result<Map> BugzillaClient::batch_read(const std::vector<sync::BugId>& ids,
                                             const std::string& resource, const std::string& params,
                                             const std::string& what, Parse parse) {
  const auto target = client_detail::batch_target(ids, resource, params);
  auto answer = get_parsed<Map>(
      target.query.empty() ? target.path : target.path + "?" + target.query, what, parse);
  if (!answer.ok() && client_detail::is_invisible_bug_error(answer.error())) {
    if (ids.size() == 1) {  // gone or hidden: nothing visible to report
      return Map{{ids.front(), {}}};
    }
    // One bug of the batch spoils it for all: ask one at a time to keep the others.
    Map merged;
    for (sync::BugId id : ids) {
      auto single = batch_read<Map>({id}, resource, params, what, parse);
      if (!single.ok()) {
        return single.error();
      }
      merged.merge(single.value());
    }
    return merged;
  }
  return answer;
}

template <typename Map, typename Parse>
sync::Result<Map> BugzillaClient::batched_read(const std::vector<sync::BugId>& bug_ids,
                                               const std::string& resource,
                                               const std::string& params, const std::string& what,
                                               Parse parse) {
  const std::vector<std::vector<sync::BugId>> batches = id_batches(bug_ids, resource, params);
  // The batches are independent reads: up to http.concurrency of them in flight (they share the
  // client, so a rate-limit answer holds them all back).
  std::vector<std::optional<sync::Result<Map>>> answers(batches.size());
  http::for_each_bounded(batches.size(), m_http->concurrency(), [&](std::size_t i) {
    answers[i].emplace(batch_read<Map>(batches[i], resource, params, what, parse));
  });
  Map result;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    if (!answers[i]) {
      return sync::make_error(ErrorKind::internal, "Bugzilla " + what + ": a batch gave no answer");
    }
    if (!answers[i]->ok()) {
      return answers[i]->error();
    }
    for (auto& [id, list] : answers[i]->value()) {
      result[id] = std::move(list);
    }
    answers[i].reset();  // release each answer once merged: peak memory stays one copy
    for (sync::BugId id : batches[i]) {
      result.try_emplace(id);  // every requested id is a key, even with nothing visible
    }
  }
  return result;
}

sync::Result<std::map<sync::BugId, std::vector<sync::Comment>>> BugzillaClient::comments(
    const std::vector<sync::BugId>& bug_ids, std::optional<sync::Instant> new_since) {
  // Every batch carries these.
  std::string common_params = std::string("include_fields=") + client_detail::k_comment_fields;
  if (new_since) {
    client_detail::add_param(common_params, "new_since", sync::format_rfc3339(*new_since));
  }
  return batched_read<std::map<sync::BugId, std::vector<sync::Comment>>>(
      bug_ids, "comment", common_params, "comments", parse_comments);
}

sync::Result<std::vector<sync::HistoryEntry>> BugzillaClient::history(sync::BugId bug) {
  return get_parsed<std::vector<sync::HistoryEntry>>(
      "/rest/bug/" + std::to_string(bug) + "/history", "history of bug " + std::to_string(bug),
      parse_history);
}

sync::Result<HistoryMap> BugzillaClient::histories(const std::vector<sync::BugId>& bug_ids) {
  return batched_read<HistoryMap>(bug_ids, "history", "", "history", parse_history_by_bug);
}

sync::Result<sync::CommentId> BugzillaClient::post_comment(sync::BugId bug,
                                                           const std::string& markdown) {
  http::Request request;
  request.method = "POST";
  request.url = url("/rest/bug/" + std::to_string(bug) + "/comment", "");
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = nlohmann::json{{"comment", markdown}, {"is_markdown", true}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  request.idempotent = false;  // a second POST would be a second comment
  const std::string what = "comment on bug " + std::to_string(bug);
  auto response = send(request, what);
  if (!response.ok()) {
    return response.error();
  }
  auto id = parse_created_comment(response->body);
  if (!id.ok()) {
    sync::Error error = id.error();
    // The server said it created something; only its answer is unreadable.
    error.kind = ErrorKind::transient;
    error.message = "Bugzilla " + what + ": outcome unknown, the answer (HTTP " +
                    std::to_string(response->status) + ") was unreadable: " + error.message +
                    "; check the bug before posting again";
    return error;
  }
  return id;
}

sync::Status BugzillaClient::clear_flag(sync::BugId bug, sync::FlagId flag) {
  http::Request request;
  request.method = "PUT";
  request.url = url("/rest/bug/" + std::to_string(bug), "");
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = nlohmann::json{{"flags", {{{"id", flag}, {"status", "X"}}}}}.dump();
  auto response =
      send(request, "clear flag " + std::to_string(flag) + " on bug " + std::to_string(bug));
  if (!response.ok()) {
    return response.error();
  }
  return sync::ok_status();
}

sync::Result<std::string> BugzillaClient::whoami() {
  auto login = get_parsed<std::string>("/rest/whoami", "whoami", parse_whoami);
  if (!login.ok() && login.error().service_code == k_no_such_resource) {
    sync::Error error = login.error();
    error.kind = ErrorKind::not_found;
    error.message =
        "Bugzilla whoami: this server has no /rest/whoami (error 32614): upstream Bugzilla 5.x";
    return error;
  }
  return login;
}

int BugzillaClient::request_count() const { return static_cast<int>(m_http->stats().requests); }

http::Stats BugzillaClient::stats() const { return m_http->stats(); }

std::vector<std::string> BugzillaClient::problems() const {
  std::lock_guard<std::mutex> lock(m_mu);
  return m_problems;
}

void BugzillaClient::set_sleep_function(std::function<void(double seconds)> sleep) {
  m_http->set_sleep_function(std::move(sleep));
}

}  // namespace bzjira::adapters::bugzilla
