// Inputs made by hand for the core's tests: a mapping, a fixed UTC+8 zone, obligation windows as
// the engine reports them, and issues as Jira's search returns them. Test-only.
#pragma once

#include <optional>
#include <string>

#include "sync/mapping.h"
#include "sync/obligations.h"
#include "sync/ports.h"
#include "sync/zone.h"

namespace bzjira::sync::testing {

// ---------------------------------------------------------------- inputs made by hand

// The mapping most tests use: Bugzilla at bugzilla.example.org, CA accounts, project CAINC.
inline Mapping test_mapping() {
  Mapping m;
  m.name = "test";
  m.bugzilla.url = "https://bugzilla.example.org";
  m.bugzilla.scope.summary_prefix = "Example CA:";
  m.bugzilla.ca_accounts = {"ca@ca.example", "ca-bot@ca.example"};
  m.jira.url = "https://jira.example.org";
  m.jira.project = "CAINC";
  return m;
}

// A fixed UTC+8 zone standing in for Asia/Shanghai (no DST there), so the core's tests need no tz.
class ShanghaiZone final : public Zone {
 public:
  std::string name() const override { return "Asia/Shanghai"; }
  Date local_date(Instant t) const override { return utc_date(t + std::chrono::hours{8}); }
  std::string format_local(Instant t) const override {
    const std::string s = format_rfc3339(t + std::chrono::hours{8});
    return s.substr(0, 10) + " " + s.substr(11, 5) + " CST";
  }
};

// An open question window as the engine would report it: deadline = start + 7 days.
inline Obligation open_question(BugId bug, CommentId comment, int count, const std::string& author,
                                Instant start, const std::string& text = "Why?") {
  Obligation o;
  o.key = "bzq-" + std::to_string(bug) + "-" + std::to_string(comment);
  o.kind = ObligationKind::question;
  o.bug_id = bug;
  o.start = start;
  o.deadline = start + Days{7};
  o.rule = "IRG 3.2: respond within 7 days";
  o.start_comment_id = comment;
  o.start_comment_count = count;
  o.start_author = author;
  o.start_text = text;
  o.status = WindowStatus::open;
  return o;
}

// The same window answered by a CA comment.
inline Obligation answered(Obligation o, const std::string& by, CommentId comment, int count,
                           Instant when) {
  o.satisfied_at = when;
  o.satisfied_by = by;
  o.satisfied_comment_id = comment;
  o.satisfied_comment_count = count;
  o.late_seconds = when - o.deadline;
  o.status = when <= o.deadline ? WindowStatus::met : WindowStatus::missed;
  return o;
}

inline Obligation ended(Obligation o, Instant when, const std::string& reason) {
  o.ended_at = when;
  o.end_reason = reason;
  o.status = when <= o.deadline ? WindowStatus::void_ : WindowStatus::missed;
  o.late_seconds = when - o.deadline;
  return o;
}

// An open update window started by the CA's comment; `deadline` and where it comes from given.
inline Obligation open_update(BugId bug, CommentId comment, int count, Instant start,
                              Instant deadline, bool from_next_update) {
  Obligation o;
  o.key = "bzu-" + std::to_string(bug) + "-" + std::to_string(comment);
  o.kind = ObligationKind::update;
  o.bug_id = bug;
  o.start = start;
  o.deadline = deadline;
  o.deadline_from_next_update = from_next_update;
  o.rule = from_next_update ? "IRG 3.2: update on or before the Next update date"
                            : "IRG 3.2: update open reports within 7 days";
  o.start_comment_id = comment;
  o.start_comment_count = count;
  o.start_author = "ca@ca.example";
  o.status = WindowStatus::open;
  return o;
}

// An issue as Jira's label search would return it.
inline MirroredIssue mirrored_issue(const std::string& key, BugId bug, const std::string& okey,
                                    std::optional<Date> due,
                                    StatusCategory category = StatusCategory::todo,
                                    const std::string& resolution = "") {
  MirroredIssue i;
  i.id = "id-" + key;
  i.key = key;
  i.summary = "Bug " + std::to_string(bug);
  i.labels = {"bzjira", "bz-" + std::to_string(bug), okey};
  i.due = due;
  i.category = category;
  i.status = category == StatusCategory::done ? "Done" : "To Do";
  i.resolution = resolution;
  return i;
}

}  // namespace bzjira::sync::testing
