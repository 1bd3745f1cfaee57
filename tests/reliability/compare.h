// Comparing the end states of two worlds issue for issue and field for field. What legitimately
// differs between two worlds is normalized away, and nothing else: the simulators' ports (in URLs),
// Jira's issue numbers (replaced by the issue's obligation label), Bugzilla's global comment ids
// (replaced by the comment's number within its bug) and instants and durations inside texts (a
// reply posted a few seconds later elsewhere). Due dates, labels, statuses, resolutions and every
// other character of summaries, descriptions, comments and remote links are compared as they are.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/reliability/world.h"

namespace bzjira::reliability {

// The Jira issues of `world` that mirror the given bugs (label bz-<id>), normalized and grouped by
// obligation label: {"bzq-5-c3": [issue, ...]} (an array so that duplicates show). Each issue:
// summary, duedate, issuetype, status, resolution, labels (sorted), description (text), comments
// ([{author, text}], in order), remote_links ([{globalId, url, title, summary, resolved,
// relationship}], by globalId).
Json normalized_issues(World& world, const std::vector<std::int64_t>& bugs);

// The issues' "trail": the comments bzjira adds and the remote links it keeps. Every broad test
// compares it strictly; it is kept whole across crashes and faults by sync/trail.h (a close,
// update or create interrupted between its requests used to lose its comment or link, and a
// reply's Jira note could be added twice).
inline constexpr bool k_trail_must_match = true;

// `normalized` without the trail (comments, remote_links) of each issue.
Json without_trail(const Json& normalized);

// The Bugzilla comments of the given bugs: {"<bug>": [{creator, text, is_private}, ...]}.
Json bugzilla_comments(World& world, const std::vector<std::int64_t>& bugs);

// The open issues mirroring the given bugs: canonical obligation label (as in normalized_issues)
// -> Jira key (the lowest-numbered when several).
std::map<std::string, std::string> open_issue_keys(World& world,
                                                   const std::vector<std::int64_t>& bugs);

// Obligation labels with more than one issue (open or not): "bzq-5-c3 x2".
std::vector<std::string> duplicated_labels(const Json& normalized);

// "" when equal; otherwise the first difference: its JSON path and both values (shortened).
std::string first_difference(const Json& expected, const Json& actual,
                             const std::string& path = "$");

// Comments on `bug` whose creator is `login` (replies and CA comments counted on Bugzilla).
int comments_by(const Json& bugzilla, std::int64_t bug, const std::string& login);

}  // namespace bzjira::reliability
