#include "sync/result.h"

namespace bzjira::sync {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::transient:
      return "transient";
    case ErrorKind::rejected:
      return "rejected";
    case ErrorKind::not_found:
      return "not_found";
    case ErrorKind::auth:
      return "auth";
    case ErrorKind::config:
      return "config";
    case ErrorKind::internal:
      return "internal";
  }
  return "internal";
}

}  // namespace bzjira::sync
