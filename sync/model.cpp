#include "sync/model.h"

namespace bzjira::sync {

bool is_resolved_status(const std::string& status) {
  return status == "RESOLVED" || status == "VERIFIED" || status == "CLOSED";
}

}  // namespace bzjira::sync
