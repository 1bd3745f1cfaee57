#include "adapters/http/redact.h"

namespace bzjira::adapters::http {

std::string describe(const Request& request) { return describe(request, {}); }

std::string describe(const Request& request, const std::vector<std::string>& secrets) {
  return redact(request.method + " " + request.url, secrets);
}

}  // namespace bzjira::adapters::http
