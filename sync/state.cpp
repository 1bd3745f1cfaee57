#include "sync/state.h"

#include <set>

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

Result<std::vector<BugRecord>> StateStore::load_some_bugs(const std::vector<BugId>& ids) {
  auto all = load_bugs();
  if (!all) {
    return all.error();
  }
  const std::set<BugId> wanted(ids.begin(), ids.end());
  std::vector<BugRecord> out;
  for (BugRecord& record : *all) {
    if (wanted.count(record.bug.id) != 0) {
      out.push_back(std::move(record));
    }
  }
  return out;
}

}  // namespace bzjira::sync
