// Internal to adapters/jira: the state JiraClient's three source files share (requests, auth).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http/http_client.h"
#include "adapters/jira/jira_client.h"
#include "adapters/jira/jira_json.h"

namespace bzjira::adapters::jira {

struct JiraClient::Impl {
  Impl(const sync::JiraSettings& s, const JiraCredentials& credentials,
       std::shared_ptr<http::Transport> transport);

  sync::JiraSettings settings;
  ApiVersion version = ApiVersion::v3;
  std::string site;      // settings.url without a trailing slash
  std::string api_base;  // site + "/rest/api/3" (Cloud) or "/rest/api/2" (Data Center)
  std::string authorization;
  std::string credential_hint;              // names of the environment variables, for auth errors
  std::optional<sync::Error> config_error;  // missing credentials or URL
  http::Client http;

  // One request to api_base + `path` (path and query, already encoded). Any HTTP answer is a
  // Response; an Error only when none came (or the configuration is unusable).
  sync::Result<http::Response> send(const std::string& method, const std::string& path,
                                    const std::string& body, bool idempotent);

  // send(), then any non-2xx answer as error_from_answer(..., context). A 2xx answer whose body
  // is not complete JSON (cut off on the way) is asked for again, at most twice, when the request
  // is idempotent; otherwise, or when it stays broken, that is a transient error.
  sync::Result<http::Response> call(const std::string& method, const std::string& path,
                                    const std::string& body, bool idempotent,
                                    const std::string& context);

  // One request of send_all.
  struct Call {
    std::string method;
    std::string path;  // after api_base, already encoded
    std::string body;
    bool idempotent = true;
  };

  // The request send() would make for a call (authorization, Accept, Content-Type).
  http::Request request_for(const Call& call) const;

  // send() for independent calls, at most settings.http.concurrency in flight (http::Client's
  // send_all: same retries, writes never sent twice, shared back-off on rate limits). One result
  // per call, same order. Every call fails with config_error when the configuration is unusable.
  std::vector<sync::Result<http::Response>> send_all(const std::vector<Call>& calls);

  // JiraClient::upsert_remote_link for many pairs at once, through send_all. One Status per pair,
  // same order; a pair with an invalid globalId is rejected without a request.
  std::vector<sync::Status> upsert_remote_links(
      const std::vector<std::pair<std::string, sync::RemoteLink>>& links);

  // "/issue/<key>" with the key percent-encoded.
  static std::string issue_path(const std::string& key);
};

}  // namespace bzjira::adapters::jira
