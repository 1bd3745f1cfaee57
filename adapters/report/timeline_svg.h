// One bug's timeline picture as inline SVG: a lane per obligation kind, each window a bar from
// its start to its deadline with its end marked (answer, resolution, "now"), the late part drawn
// past the deadline, Next-update and revocation SHOULD dates as ticks, the comments on top with
// their author and number in a <title>, month gridlines and the "now" line. The windows and their
// statuses are the core's audit (sync/audit.h), drawn as they are.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "sync/audit.h"
#include "sync/mapping.h"
#include "sync/model.h"
#include "sync/zone.h"

namespace bzjira::adapters::report {

// full: every window and comment its own element with its own <title>. compact (very large
// reports, to keep the file small): the bars of one lane and status share a path, and the
// comments of one author share one <title> listing their numbers.
enum class Detail { full, compact };

// Who wrote a comment, as its marker shows: the CA, a bot (an ignored account) or anyone else.
// sync::account_in decides, once per login: a report reads the same few logins thousands of times.
class AuthorClasses {
 public:
  explicit AuthorClasses(const sync::BugzillaSettings& settings) : m_settings(&settings) {}
  // "c ca", "c bot" or "c": the marker's class attribute.
  const char* marker_class(const std::string& login);

 private:
  const sync::BugzillaSettings* m_settings;
  std::unordered_map<std::string, const char*> m_cache;
};

struct TimelineInput {
  const sync::BugAudit* bug = nullptr;
  const sync::BugRecord* record = nullptr;  // may be null: no comment markers then
  AuthorClasses* authors = nullptr;         // shared by the report's timelines
  const sync::Zone* zone = nullptr;         // the mapping's zone, for local deadlines in titles
  sync::Instant now{};
  std::optional<sync::Date> since;
  std::optional<sync::Date> until;
  Detail detail = Detail::full;
};

// Appends <svg class="tl">...</svg>. In full detail each window is one <g class="w STATUS">
// (STATUS as sync::to_string names it) holding its <title>, its bar and its marks.
void append_timeline(std::string& out, const TimelineInput& in);

// The sentence a window's <title> carries: kind, what started it, deadline (UTC and local),
// status and how it ended, e.g. "Update window from 2026-08-12 10:05 UTC (comment 3 by a@b):
// deadline 2026-08-19 10:05 UTC (2026-08-19 12:05 CEST). Missed: answered 2026-08-20 13:20 UTC
// by a@b in comment 4, 1d 3h late. [bzu-2061101-123]". Not escaped.
std::string window_sentence(const sync::Obligation& w, const sync::Zone& zone, sync::Instant now);

}  // namespace bzjira::adapters::report
