// Internal to the plan (sync/plan*.cpp): the words bzjira writes into Jira for people, i.e. issue
// summaries, descriptions, the comments that explain each action, and remote links. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/mapping.h"
#include "sync/obligations.h"
#include "sync/plan.h"
#include "sync/ports.h"
#include "sync/rich_text.h"
#include "sync/time.h"
#include "sync/zone.h"

namespace bzjira::sync::plan_text {

// "jeremy@example.org" -> "jeremy"; a login without '@' is returned whole.
std::string login_local_part(const std::string& login);

// What the obligation is, for people: "question from jeremy (comment 1)", "needinfo from jeremy",
// "Next update date", "weekly update", "revocation-delay update", "full incident report".
std::string kind_text(const Obligation& o);

// "Bug 1955799: reply due 2025-03-31 — question from jeremy (comment 1)". `due` is the Jira due
// date.
std::string summary(BugId bug, const Obligation& o, Date due);

// Why the deadline is where it is, short: "whiteboard Next update 2026-12-04",
// "deadline 2026-12-04T10:00:00Z (IRG 3.2 ...)".
std::string deadline_why(const Obligation& o);

// The issue description: the bug, then one section per obligation (what started it, the quoted
// comment unless private and the mapping forbids copying, the deadline in UTC and in `zone`, the
// SHOULD date, the rule), then how the due date was derived from the first (earliest) obligation.
RichText description(const Mapping& mapping, const Zone& zone, BugId bug,
                     const std::string& bug_summary, const std::vector<const Obligation*>& open,
                     Date due);

// One line telling how an ended window ended, with the comment link when there is one:
// "answered by x@ca.example in comment 3 at 2025-03-26T10:00:00Z: on time (5d 5h early)",
// "needinfo cleared by x@ca.example at ...: late by 1d" (the requestee cleared it), "ended at
// ...: needinfo withdrawn: cleared by mod@example.org" (anyone else did).
std::vector<Span> outcome_spans(const Mapping& mapping, const Obligation& o);
std::string outcome_text(const Obligation& o);  // the same without links, for reasons

// Remote link naming the bug and the obligation. `o` may be null (per-bug issue, orphan): the link
// then points at the bug.
RemoteLink remote_link(const Mapping& mapping, BugId bug, const std::string& key,
                       const std::string& bug_summary, const Obligation* o, bool resolved);

}  // namespace bzjira::sync::plan_text
