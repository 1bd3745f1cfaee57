// Compact detail of the timeline pictures (adapters/report/timeline_svg.h), for reports too large
// to give every window and comment its own element: the bars of one status share a path written
// with relative moves, the end marks are kept where an outcome is not "met" (a met window's answer
// is the CA comment marker above it), and the comments of one kind of author (CA, others, bots)
// share one path and one <title> with their count (the lapse lines name who spoke when it
// mattered).
#pragma once

#include <string>
#include <vector>

#include "adapters/report/timeline_layout.h"
#include "adapters/report/timeline_svg.h"

namespace bzjira::adapters::report {

void append_windows_compact(std::string& out, const sync::BugAudit& bug, const Axis& axis,
                            const std::vector<Lane>& lanes, sync::Instant now);

void append_comments_compact(std::string& out, const TimelineInput& in, const Axis& axis);

}  // namespace bzjira::adapters::report
