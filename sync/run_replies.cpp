#include "sync/run_replies.h"

#include <optional>

#include "sync/plan.h"
#include "sync/reply_reference.h"
#include "sync/run.h"

namespace bzjira::sync {

namespace {

// Whether a run read the comments of every open mirrored issue with replies enabled
// (SearchMarks::replies_read_all; cleared once replies are disabled).
Result<bool> all_read_before(StateStore& store) {
  auto marks = store.search_marks();
  if (!marks) {
    return marks.error();
  }
  return marks->replies_read_all.has_value();
}

Status set_read_all(StateStore& store, std::optional<Instant> at) {
  auto marks = store.search_marks();
  if (!marks) {
    return marks.error();
  }
  marks->replies_read_all = at;
  return store.set_search_marks(*marks);
}

// The complete records of the bugs whose issues hold a reply (plan_replies looks for each reply's
// reference line among the bug's comments): from memory for those in `whole`, else from the
// store, which holds every bug the run read. A bug the store does not give back keeps the record
// the run has.
Result<std::map<BugId, BugRecord>> bugs_with_replies(
    StateStore& store, const ReplyReading& reading,
    const std::map<std::string, std::vector<IssueComment>>& comments) {
  std::set<BugId> wanted;
  for (const MirroredIssue& issue : reading.mirrored) {
    auto read = comments.find(issue.key);
    const std::optional<BugId> bug = bug_id_of(issue);
    if (read == comments.end() || !bug || reading.bugs.count(*bug) == 0) {
      continue;
    }
    for (const IssueComment& c : read->second) {
      const auto text = reply_text(c.body, reading.mapping.replies.marker);
      if (text && !text->empty()) {
        wanted.insert(*bug);
        break;
      }
    }
  }
  std::map<BugId, BugRecord> out;
  std::vector<BugId> to_load;
  for (BugId id : wanted) {
    if (reading.whole.count(id) != 0) {
      out[id] = reading.bugs.at(id);
    } else {
      to_load.push_back(id);
    }
  }
  if (!to_load.empty()) {
    auto loaded = store.load_some_bugs(to_load);
    if (!loaded) {
      return loaded.error();
    }
    for (BugRecord& record : *loaded) {
      const BugId id = record.bug.id;
      out[id] = std::move(record);
    }
    for (BugId id : to_load) {
      out.try_emplace(id, reading.bugs.at(id));
    }
  }
  return out;
}

}  // namespace

StepResult<ReplyPlan> read_replies(IssueTracker& tracker, StateStore& store,
                                   const ReplyReading& reading) {
  auto before = all_read_before(store);
  if (!before) {
    return store_failure(before.error());
  }
  if (!reading.mapping.replies.enabled) {
    if (*before) {
      if (Status s = set_read_all(store, std::nullopt); !s) {
        return store_failure(s.error());
      }
    }
    return ReplyPlan{};
  }
  auto stored = store.replies();
  if (!stored) {
    return store_failure(stored.error());
  }
  const std::vector<std::string> keys =
      issues_to_read(reading.mapping, reading.mirrored, reading.changed, *stored, !*before);
  // The comments the search brought whole (MirroredIssue::comments) are used as they are; the
  // others (not asked, cut short, unreadable, or an issue only the store knows) are read.
  std::map<std::string, const MirroredIssue*> by_key;
  for (const MirroredIssue& issue : reading.mirrored) {
    by_key.emplace(issue.key, &issue);
  }
  std::map<std::string, std::vector<IssueComment>> comments;
  for (const std::string& key : keys) {
    const auto found = by_key.find(key);
    if (found != by_key.end() && found->second->comments) {
      comments[key] = *found->second->comments;
      continue;
    }
    auto read = tracker.comments_since(key, Instant{});
    if (!read) {
      Error e = read.error();
      e.message = "reading the comments of " + key + " for replies: " + e.message;
      return read_failure(std::move(e));
    }
    comments[key] = std::move(*read);
  }
  auto bugs = bugs_with_replies(store, reading, comments);
  if (!bugs) {
    return store_failure(bugs.error());
  }
  ReplyInputs in;
  in.mapping = &reading.mapping;
  in.mirrored = &reading.mirrored;
  in.comments = &comments;
  in.bugs = &*bugs;
  in.records = &*stored;
  in.account = reading.account;
  in.now = reading.now;
  ReplyPlan plan = plan_replies(in);
  for (const ReplyRecord& r : plan.remember) {
    if (Status s = store.put_reply(r); !s) {
      return store_failure(s.error());
    }
  }
  for (const std::string& id : plan.forget) {
    if (Status s = store.remove_reply(id); !s) {
      return store_failure(s.error());
    }
  }
  return plan;
}

Status replies_read(StateStore& store, const ReplyReading& reading) {
  if (!reading.mapping.replies.enabled) {
    return ok_status();
  }
  auto before = all_read_before(store);
  if (!before) {
    return before.error();
  }
  return *before ? ok_status() : set_read_all(store, reading.now);
}

}  // namespace bzjira::sync
