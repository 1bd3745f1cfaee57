// Secret-free descriptions of HTTP requests, for error messages, logs and dry-run output. The
// redaction is the logger's log::redact (adapters/log/redact.h): one set of rules for both layers.
#pragma once

#include <string>
#include <vector>

#include "adapters/http/http_client.h"
#include "adapters/log/redact.h"

namespace bzjira::adapters::http {

// "GET https://host/rest/bug?api_key=***&id=1": method and URL with api_key / Bugzilla_api_key
// query values replaced by "***". Headers and body are not shown. Never fails.
std::string describe(const Request& request);

// Like describe(), and also removes every value in `secrets` (see log::redact()).
std::string describe(const Request& request, const std::vector<std::string>& secrets);

}  // namespace bzjira::adapters::http
