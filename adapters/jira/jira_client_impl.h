// Internal to adapters/jira: the state JiraClient's three source files share (requests, auth).
#pragma once

#include <optional>
#include <string>

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

  // "/issue/<key>" with the key percent-encoded.
  static std::string issue_path(const std::string& key);
};

}  // namespace bzjira::adapters::jira
