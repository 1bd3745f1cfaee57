// JiraClient: construction, the request helper, search, bulk create and edit. Transitions,
// comments and remote links are in jira_client_ops.cpp; self-checks in jira_checks.cpp.
#include "adapters/jira/jira_client.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "adapters/jira/jira_client_impl.h"
#include "adapters/jira/jql.h"
#include "adapters/jira/text_limits.h"
#include "sync/encoding.h"

namespace bzjira::adapters::jira {
namespace {

using nlohmann::json;

constexpr std::size_t k_bulk_chunk = 50;  // "Creates upto 50 issues" (docs/jira-api.md#bulk-create)
constexpr int k_search_page = 100;
constexpr int k_max_pages = 10000;  // a server that never ends its pages must not hang a run

std::string authorization_for(const sync::JiraSettings& s, const JiraCredentials& c) {
  if (c.token.empty()) {
    return {};
  }
  if (s.flavor == sync::JiraFlavor::datacenter) {
    return "Bearer " + c.token;
  }
  return c.user.empty() ? std::string() : "Basic " + base64_encode(c.user + ":" + c.token);
}

std::vector<std::string> secrets_for(const std::string& authorization, const JiraCredentials& c) {
  std::vector<std::string> secrets;
  for (const std::string& s : {c.token, authorization}) {
    if (!s.empty()) {
      secrets.push_back(s);
    }
  }
  const std::size_t space = authorization.find(' ');
  if (space != std::string::npos) {
    secrets.push_back(authorization.substr(space + 1));  // the base64 part alone
  }
  return secrets;
}

std::string trim_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

}  // namespace

std::string base64_encode(const std::string& bytes) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  while (i + 2 < bytes.size()) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += k_alphabet[(n >> 6) & 63];
    out += k_alphabet[n & 63];
    i += 3;
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) {
      n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    }
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += rest == 2 ? k_alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

JiraClient::Impl::Impl(const sync::JiraSettings& s, const JiraCredentials& credentials,
                       std::shared_ptr<http::Transport> transport)
    : settings(s),
      version(s.flavor == sync::JiraFlavor::cloud ? ApiVersion::v3 : ApiVersion::v2),
      site(trim_slashes(s.url)),
      api_base(site + (version == ApiVersion::v3 ? "/rest/api/3" : "/rest/api/2")),
      authorization(authorization_for(s, credentials)),
      credential_hint(s.flavor == sync::JiraFlavor::cloud ? s.user_env + " and " + s.token_env
                                                          : s.token_env),
      http(s.http, secrets_for(authorization, credentials), std::move(transport)) {
  if (site.empty()) {
    config_error = sync::make_error(sync::ErrorKind::config, "the mapping has no jira.url");
  } else if (authorization.empty()) {
    config_error =
        sync::make_error(sync::ErrorKind::config, "Jira credentials are missing: set " +
                                                      credential_hint + " (or the _FILE variants)");
  }
}

std::string JiraClient::Impl::issue_path(const std::string& key) {
  return "/issue/" + sync::url_encode(key);
}

sync::Result<http::Response> JiraClient::Impl::send(const std::string& method,
                                                    const std::string& path,
                                                    const std::string& body, bool idempotent) {
  if (config_error) {
    return *config_error;
  }
  http::Request request;
  request.method = method;
  request.url = api_base + path;
  request.headers = {{"Authorization", authorization}, {"Accept", "application/json"}};
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  request.body = body;
  request.idempotent = idempotent;
  return http.send(request);
}

sync::Result<http::Response> JiraClient::Impl::call(const std::string& method,
                                                    const std::string& path,
                                                    const std::string& body, bool idempotent,
                                                    const std::string& context) {
  for (int attempt = 0;; ++attempt) {
    auto answer = send(method, path, body, idempotent);
    if (!answer.ok()) {
      return answer;
    }
    if (answer->status < 200 || answer->status > 299) {
      return error_from_answer(answer->status, answer->body, context, credential_hint);
    }
    if (answer->body.empty() || json::accept(answer->body)) {
      return answer;
    }
    if (!idempotent || attempt >= 2) {
      return sync::make_error(sync::ErrorKind::transient,
                              "Jira's answer to " + context + " (HTTP " +
                                  std::to_string(answer->status) +
                                  ") was not complete JSON; the outcome is unknown",
                              answer->status);
    }
  }
}

JiraClient::JiraClient(const sync::JiraSettings& settings, const JiraCredentials& credentials,
                       std::shared_ptr<http::Transport> transport)
    : m_impl(std::make_unique<Impl>(settings, credentials, std::move(transport))) {}

JiraClient::~JiraClient() = default;

int JiraClient::request_count() const { return static_cast<int>(m_impl->http.stats().requests); }

http::Stats JiraClient::http_stats() const { return m_impl->http.stats(); }

void JiraClient::set_sleep_function(std::function<void(double seconds)> sleep) {
  m_impl->http.set_sleep_function(std::move(sleep));
}

sync::Result<std::vector<sync::MirroredIssue>> JiraClient::find_mirrored(
    std::optional<sync::Seconds> updated_within, bool with_comments) {
  const std::string context = "the search for mirrored issues in " + m_impl->settings.project;
  std::optional<long> minutes;
  if (updated_within) {
    minutes = std::max<long>(1, static_cast<long>((updated_within->count() + 59) / 60));
  }
  json request = {{"jql", mirrored_issues_jql(m_impl->settings.project, minutes)},
                  {"fields", mirrored_field_names(m_impl->settings, with_comments)},
                  {"maxResults", k_search_page}};
  const bool cloud = m_impl->settings.flavor == sync::JiraFlavor::cloud;
  // Keyed by issue key: offset paging can show an issue twice when the result set shifts.
  std::map<std::string, sync::MirroredIssue> found;
  std::set<std::string> tokens_seen;
  long start_at = 0;
  for (int page_no = 0; page_no < k_max_pages; ++page_no) {
    if (!cloud) {
      request["startAt"] = start_at;
    }
    auto answer =
        m_impl->call("POST", cloud ? "/search/jql" : "/search", to_body(request), true, context);
    if (!answer.ok()) {
      return answer.error();
    }
    auto page = parse_search_page(answer->body, m_impl->settings.deadline_field);
    if (!page.ok()) {
      return page.error();
    }
    for (sync::MirroredIssue& issue : page->issues) {
      std::string key = issue.key;
      found.insert_or_assign(std::move(key), std::move(issue));
    }
    if (cloud) {
      if (page->is_last || page->next_page_token.empty()) {
        break;
      }
      if (!tokens_seen.insert(page->next_page_token).second) {
        return sync::make_error(sync::ErrorKind::internal,
                                "Jira's search returned the same nextPageToken twice");
      }
      request["nextPageToken"] = page->next_page_token;
    } else {
      start_at += static_cast<long>(page->issues.size());
      if (page->issues.empty() || page->total < 0 || start_at >= page->total) {
        break;
      }
    }
  }
  std::vector<sync::MirroredIssue> out;
  out.reserve(found.size());
  for (auto& [key, issue] : found) {
    out.push_back(std::move(issue));
  }
  return out;
}

std::vector<sync::Result<sync::CreatedIssue>> JiraClient::create_issues(
    const std::vector<sync::IssueDraft>& drafts) {
  // Every chunk's request first, then all of them through send_all (http.concurrency in flight;
  // each bulk create is still non-idempotent: never sent twice once it may have arrived).
  std::vector<Impl::Call> calls;
  for (std::size_t first = 0; first < drafts.size(); first += k_bulk_chunk) {
    const std::size_t count = std::min(k_bulk_chunk, drafts.size() - first);
    json updates = json::array();
    for (std::size_t i = first; i < first + count; ++i) {
      updates.push_back({{"fields", draft_fields(drafts[i], m_impl->settings, m_impl->version)}});
    }
    const json body = {{"issueUpdates", std::move(updates)}};
    calls.push_back(Impl::Call{"POST", "/issue/bulk", to_body(body), false});
  }
  const auto answers = m_impl->send_all(calls);
  std::vector<sync::Result<sync::CreatedIssue>> results;
  results.reserve(drafts.size());
  for (std::size_t chunk = 0; chunk < answers.size(); ++chunk) {
    const std::size_t first = chunk * k_bulk_chunk;
    const std::size_t count = std::min(k_bulk_chunk, drafts.size() - first);
    const auto& answer = answers[chunk];
    const std::string context =
        "the creation of " + std::to_string(count) + " issue(s) in " + m_impl->settings.project;
    sync::Result<BulkAnswer> bulk = sync::make_error(sync::ErrorKind::internal, "");
    if (!answer.ok()) {
      bulk = answer.error();
    } else if ((answer->status == 201 || answer->status == 400) && !json::accept(answer->body)) {
      bulk = sync::make_error(sync::ErrorKind::transient,
                              "Jira's answer to " + context +
                                  " was cut off: outcome unknown (some of them may exist now)",
                              answer->status);
    } else if (answer->status == 201 || answer->status == 400) {
      bulk = parse_bulk_answer(answer->body);
      // A 400 that is not a bulk answer (a malformed request) is an error for the whole chunk.
      if (bulk.ok() && answer->status == 400 && bulk->failed.empty()) {
        bulk = error_from_answer(400, answer->body, context);
      }
    } else {
      bulk = error_from_answer(answer->status, answer->body, context, m_impl->credential_hint);
    }
    if (!bulk.ok()) {
      for (std::size_t i = 0; i < count; ++i) {
        results.emplace_back(bulk.error());
      }
      continue;
    }
    // Created issues are listed in request order of the elements that succeeded.
    std::size_t next_created = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const auto failed = bulk->failed.find(static_cast<long>(i));
      if (failed != bulk->failed.end()) {
        const std::string summary = clean_summary(drafts[first + i].summary, 80);
        results.emplace_back(sync::make_error(
            sync::ErrorKind::rejected,
            "Jira rejected the new issue \"" + summary + "\": " + failed->second, 400));
      } else if (next_created < bulk->created.size()) {
        results.emplace_back(bulk->created[next_created++]);
      } else {
        results.emplace_back(sync::make_error(
            sync::ErrorKind::internal,
            "Jira's bulk create answer lists fewer issues than it accepted: outcome unknown"));
      }
    }
  }
  return results;
}

sync::Status JiraClient::update_issue(const std::string& key, const sync::IssueUpdate& update) {
  const json fields = update_fields(update, m_impl->settings, m_impl->version);
  if (fields.empty()) {
    return sync::ok_status();
  }
  const json body = {{"fields", fields}};
  auto answer = m_impl->call("PUT", Impl::issue_path(key), to_body(body), true, key);
  if (!answer.ok()) {
    return answer.error();
  }
  return sync::ok_status();
}

}  // namespace bzjira::adapters::jira
