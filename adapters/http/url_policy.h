// Which URLs the transport may connect to: the rule is checked before any connection is made.
#pragma once

#include <string>

#include "sync/mapping.h"
#include "sync/result.h"

namespace bzjira::adapters::http {

// OK for https:// URLs, and for http:// URLs whose host is a loopback address (127.0.0.0/8, ::1)
// or "localhost". Any other http:// URL is refused unless settings.allow_insecure_http is true.
// Errors (all ErrorKind::config, message without secrets): a URL that cannot be parsed, a scheme
// other than http/https, a missing host, plain http to another host (the message names the
// setting that allows it). Makes no connection and no DNS look-up.
sync::Status check_url_allowed(const std::string& url, const sync::HttpSettings& settings);

}  // namespace bzjira::adapters::http
