#include "sync/run_replies.h"

#include "sync/run.h"

namespace bzjira::sync {

namespace {

// When a run last read the comments of every open mirrored issue with replies enabled; empty once
// replies are disabled.
const char* const k_read_all_meta = "replies_read_all";

Result<bool> all_read_before(StateStore& store) {
  auto mark = store.get_meta(k_read_all_meta);
  if (!mark) {
    return mark.error();
  }
  return *mark && !(*mark)->empty();
}

}  // namespace

Result<ReplyPlan> read_replies(IssueTracker& tracker, StateStore& store,
                               const ReplyReading& reading, int& exit_code) {
  exit_code = k_exit_internal;
  auto before = all_read_before(store);
  if (!before) {
    return before.error();
  }
  if (!reading.mapping.replies.enabled) {
    if (*before && !reading.dry_run) {
      if (Status s = store.set_meta(k_read_all_meta, ""); !s) {
        return s.error();
      }
    }
    return ReplyPlan{};
  }
  auto stored = store.replies();
  if (!stored) {
    return stored.error();
  }
  const std::vector<std::string> keys =
      issues_to_read(reading.mapping, reading.mirrored, reading.changed, *stored, !*before);
  std::map<std::string, std::vector<IssueComment>> comments;
  exit_code = k_exit_unreachable;
  for (const std::string& key : keys) {
    auto read = tracker.comments_since(key, Instant{});
    if (!read) {
      Error e = read.error();
      e.message = "reading the comments of " + key + " for replies: " + e.message;
      return e;
    }
    comments[key] = std::move(*read);
  }
  exit_code = k_exit_internal;
  ReplyInputs in;
  in.mapping = &reading.mapping;
  in.mirrored = &reading.mirrored;
  in.comments = &comments;
  in.bugs = &reading.bugs;
  in.records = &*stored;
  in.account = reading.account;
  in.now = reading.now;
  ReplyPlan plan = plan_replies(in);
  if (!reading.dry_run) {
    for (const ReplyRecord& r : plan.remember) {
      if (Status s = store.put_reply(r); !s) {
        return s.error();
      }
    }
    for (const std::string& id : plan.forget) {
      if (Status s = store.remove_reply(id); !s) {
        return s.error();
      }
    }
  }
  return plan;
}

Status replies_read(StateStore& store, const ReplyReading& reading) {
  if (!reading.mapping.replies.enabled || reading.dry_run) {
    return ok_status();
  }
  auto before = all_read_before(store);
  if (!before) {
    return before.error();
  }
  return *before ? ok_status() : store.set_meta(k_read_all_meta, format_rfc3339(reading.now));
}

}  // namespace bzjira::sync
