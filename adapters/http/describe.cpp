#include "adapters/http/describe.h"

namespace bzjira::adapters::http {

std::string describe(const Request& request) { return describe(request, {}); }

std::string describe(const Request& request, const std::vector<std::string>& secrets) {
  return log::redact(request.method + " " + request.url, secrets);
}

}  // namespace bzjira::adapters::http
