#include "sync/state.h"

namespace bzjira::sync {

const char* to_string(JournalState state) {
  switch (state) {
    case JournalState::planned:
      return "planned";
    case JournalState::sent:
      return "sent";
    case JournalState::done:
      return "done";
    case JournalState::failed:
      return "failed";
  }
  return "failed";
}

}  // namespace bzjira::sync
