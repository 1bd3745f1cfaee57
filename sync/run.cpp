#include "sync/run.h"

#include <algorithm>
#include <map>
#include <set>

#include "sync/audit.h"
#include "sync/obligations.h"
#include "sync/plan.h"

namespace bzjira::sync {

namespace {

// Bugzilla's search by change time can miss a change committed just before the watermark was read:
// every incremental search reaches this far back (DESIGN.md).
constexpr Seconds k_overlap{300};
// A scoped search cannot return a bug that left the scope; a full search now and then notices it.
constexpr Seconds k_full_search_every{86400};
const char* const k_full_search_meta = "last_full_search";

bool same_flag(const Flag& a, const Flag& b) {
  return a.id == b.id && a.name == b.name && a.status == b.status && a.setter == b.setter &&
         a.requestee == b.requestee && a.creation_date == b.creation_date &&
         a.modification_date == b.modification_date;
}

// Whether the search result shows nothing new about a cached bug (then it is not read again).
bool same_bug(const Bug& a, const Bug& b) {
  return a.last_change_time == b.last_change_time && a.summary == b.summary &&
         a.status == b.status && a.resolution == b.resolution && a.whiteboard == b.whiteboard &&
         a.product == b.product && a.component == b.component && a.creator == b.creator &&
         a.assigned_to == b.assigned_to && a.creation_time == b.creation_time &&
         a.last_resolved == b.last_resolved && a.flags.size() == b.flags.size() &&
         std::equal(a.flags.begin(), a.flags.end(), b.flags.begin(), same_flag);
}

bool open_needinfo(const Flag& f) { return f.name == "needinfo" && f.status == "?"; }

// The engine needs the history only to date what the bug itself does not: a resolution without
// cf_last_resolved, and the clearing of a needinfo flag (the flag simply disappears).
bool needs_history(const Bug& now, const BugRecord* before) {
  if (is_resolved_status(now.status) && !now.last_resolved &&
      (before == nullptr || !is_resolved_status(before->bug.status))) {
    return true;
  }
  if (before == nullptr) {
    return false;
  }
  for (const Flag& old : before->bug.flags) {
    if (!open_needinfo(old)) {
      continue;
    }
    const bool still = std::any_of(now.flags.begin(), now.flags.end(), [&](const Flag& f) {
      return f.id == old.id && open_needinfo(f);
    });
    if (!still) {
      return true;
    }
  }
  return false;
}

std::vector<Comment> merge_comments(const std::vector<Comment>& cached,
                                    const std::vector<Comment>& fetched) {
  std::map<CommentId, Comment> by_id;
  for (const Comment& c : cached) {
    by_id[c.id] = c;
  }
  for (const Comment& c : fetched) {
    by_id[c.id] = c;
  }
  std::vector<Comment> out;
  for (auto& [id, c] : by_id) {
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const Comment& a, const Comment& b) {
    return std::tie(a.time, a.id) < std::tie(b.time, b.id);
  });
  return out;
}

class Runner {
 public:
  Runner(BugSource& bugs, IssueTracker& tracker, StateStore& store, const Mapping& mapping,
         const Zone& zone, Instant now, const RunOptions& options)
      : m_bugs(bugs),
        m_tracker(tracker),
        m_store(store),
        m_mapping(mapping),
        m_zone(zone),
        m_now(now),
        m_options(options),
        m_bz0(bugs.request_count()),
        m_jira0(tracker.request_count()) {}

  RunReport run();

 private:
  // Ends the run early: nothing is planned on partial data.
  RunReport stop(int exit_code, const std::string& what, const Error& error) {
    m_report.errors.push_back(error);
    m_report.exit_code = exit_code;
    return finish(what + ": " + error.message + " (" + to_string(error.kind) +
                  "); nothing planned. ");
  }

  RunReport finish(const std::string& headline) {
    m_report.bugzilla_requests = m_bugs.request_count() - m_bz0;
    m_report.jira_requests = m_tracker.request_count() - m_jira0;
    const ExecutionReport& e = m_report.execution;
    std::string s = headline;
    s += "obligations open " + std::to_string(m_report.obligations_open) + " (overdue " +
         std::to_string(m_report.overdue) + ")";
    if (m_report.next_deadline) {
      s += ", next deadline " + format_rfc3339(*m_report.next_deadline);
    }
    s += "; " + std::string(m_options.dry_run ? "dry run, would act: " : "") + "created " +
         std::to_string(e.created) + ", updated " + std::to_string(e.updated) + ", commented " +
         std::to_string(e.commented) + ", closed " + std::to_string(e.closed) + ", reopened " +
         std::to_string(e.reopened) + ", replies posted " + std::to_string(e.replies_posted) +
         ", failed " + std::to_string(e.failed) + "; requests: Bugzilla " +
         std::to_string(m_report.bugzilla_requests) + ", Jira " +
         std::to_string(m_report.jira_requests);
    m_report.summary = s;
    if (!m_options.dry_run) {
      const char* outcome = m_report.exit_code == k_exit_ok               ? "ok"
                            : m_report.exit_code == k_exit_actions_failed ? "partial"
                                                                          : "failed";
      (void)m_store.record_run(RunRecord{m_options.run_id, m_now, m_now, outcome, s});
    }
    return std::move(m_report);
  }

  void raise_exit(int code) {
    // 4 (internal) outranks 3 (unreachable), which outranks 1 (actions failed).
    m_report.exit_code = std::max(m_report.exit_code, code);
  }

  Status read_bugzilla(std::map<BugId, BugRecord>& records, std::optional<Instant> watermark,
                       Instant server_time, int& exit_code);
  void count_windows(const std::vector<Obligation>& windows);
  Status adopt_mirrors(const std::vector<MirroredIssue>& mirrored,
                       std::map<std::string, MirrorEntry>& known);

  BugSource& m_bugs;
  IssueTracker& m_tracker;
  StateStore& m_store;
  const Mapping& m_mapping;
  const Zone& m_zone;
  Instant m_now;
  const RunOptions& m_options;
  int m_bz0, m_jira0;
  bool m_cache_changed = false;  // the Bugzilla reads found something new
  RunReport m_report;
};

// Steps 2 to 4: brings `records` (the cache) up to date with Bugzilla. On error, `exit_code` says
// whose fault it was and nothing was written.
Status Runner::read_bugzilla(std::map<BugId, BugRecord>& records, std::optional<Instant> watermark,
                             Instant server_time, int& exit_code) {
  const BugScope& scope = m_mapping.bugzilla.scope;
  exit_code = k_exit_internal;
  bool full = !watermark;
  if (!full) {
    auto last = m_store.get_meta(k_full_search_meta);
    if (!last) {
      return last.error();
    }
    const auto at = *last ? parse_rfc3339(**last) : std::nullopt;
    full = !at || server_time - *at >= k_full_search_every;
  }
  const std::optional<Instant> since =
      watermark ? std::optional<Instant>(*watermark - k_overlap) : std::nullopt;
  exit_code = k_exit_unreachable;
  auto found = m_bugs.search_bugs(scope, full ? std::nullopt : since);
  if (!found) {
    return found.error();
  }
  std::vector<BugId> removed, changed_cached, added;
  std::map<BugId, Bug> fresh;
  std::set<BugId> returned;
  for (Bug& bug : *found) {
    returned.insert(bug.id);
    auto it = records.find(bug.id);
    if (!in_scope(bug, scope)) {
      if (it != records.end()) {
        removed.push_back(bug.id);
      }
      continue;
    }
    if (it != records.end() && same_bug(it->second.bug, bug)) {
      continue;
    }
    (it != records.end() ? changed_cached : added).push_back(bug.id);
    fresh[bug.id] = std::move(bug);
  }
  if (full) {
    for (const auto& [id, record] : records) {
      if (returned.count(id) == 0) {
        removed.push_back(id);
      }
    }
  }
  std::map<BugId, std::vector<Comment>> cached_new, added_all;
  if (!changed_cached.empty()) {
    auto got = m_bugs.comments(changed_cached, since);
    if (!got) {
      return got.error();
    }
    cached_new = std::move(*got);
  }
  if (!added.empty()) {
    auto got = m_bugs.comments(added, std::nullopt);
    if (!got) {
      return got.error();
    }
    added_all = std::move(*got);
  }
  std::vector<BugRecord> changed;
  for (auto& [id, bug] : fresh) {
    auto old = records.find(id);
    const BugRecord* before = old == records.end() ? nullptr : &old->second;
    BugRecord record;
    if (before != nullptr) {
      record.comments = since ? merge_comments(before->comments, cached_new[id]) : cached_new[id];
      record.history = before->history;
    } else {
      record.comments = merge_comments({}, added_all[id]);
    }
    if (needs_history(bug, before)) {
      auto history = m_bugs.history(id);
      if (!history) {
        return history.error();
      }
      record.history = std::move(*history);
    }
    record.bug = std::move(bug);
    changed.push_back(std::move(record));
  }
  exit_code = k_exit_internal;
  m_cache_changed = !changed.empty() || !removed.empty();
  if (!m_options.dry_run) {
    if (!changed.empty()) {
      if (Status s = m_store.save_bugs(changed); !s) {
        return s;
      }
    }
    if (!removed.empty()) {
      if (Status s = m_store.remove_bugs(removed); !s) {
        return s;
      }
    }
    if (full) {
      if (Status s = m_store.set_meta(k_full_search_meta, format_rfc3339(server_time)); !s) {
        return s;
      }
    }
  }
  for (BugId id : removed) {
    records.erase(id);
  }
  for (BugRecord& record : changed) {
    const BugId id = record.bug.id;
    records[id] = std::move(record);
  }
  return ok_status();
}

// The search is the truth about what exists: it confirms creates whose answer was lost, and it
// refills a deleted store's mirror map. The lowest-numbered issue of a key is the one remembered.
Status Runner::adopt_mirrors(const std::vector<MirroredIssue>& mirrored,
                             std::map<std::string, MirrorEntry>& known) {
  std::map<std::string, const MirroredIssue*> first;
  for (const MirroredIssue& issue : mirrored) {
    const std::string key = obligation_key_of(issue);
    if (key.empty()) {
      continue;
    }
    auto [it, inserted] = first.emplace(key, &issue);
    if (!inserted && issue.key.size() <= it->second->key.size() &&
        (issue.key.size() < it->second->key.size() || issue.key < it->second->key)) {
      it->second = &issue;
    }
  }
  for (const auto& [key, issue] : first) {
    auto it = known.find(key);
    if (it != known.end() && !it->second.issue_key.empty()) {
      continue;
    }
    MirrorEntry entry{key, issue->key, issue->id,
                      it != known.end() ? it->second.created_at : m_now};
    if (Status s = m_store.put_mirror(entry); !s) {
      return s;
    }
    known[key] = entry;
  }
  return ok_status();
}

void Runner::count_windows(const std::vector<Obligation>& windows) {
  for (const Obligation& o : windows) {
    if (!o.is_open()) {
      continue;
    }
    ++m_report.obligations_open;
    if (o.status == WindowStatus::overdue) {
      ++m_report.overdue;
    } else if (!m_report.next_deadline || o.deadline < *m_report.next_deadline) {
      m_report.next_deadline = o.deadline;
    }
  }
}

RunReport Runner::run() {
  // 1. The watermark comes from Bugzilla's clock, never ours.
  auto server_time = m_bugs.server_time();
  if (!server_time) {
    return stop(k_exit_unreachable, "Bugzilla unreachable", server_time.error());
  }
  auto watermark = m_store.watermark();
  if (!watermark) {
    return stop(k_exit_internal, "state store", watermark.error());
  }
  auto cache = m_store.load_bugs();
  if (!cache) {
    return stop(k_exit_internal, "state store", cache.error());
  }
  std::map<BugId, BugRecord> records;
  for (BugRecord& record : *cache) {
    const BugId id = record.bug.id;
    records[id] = std::move(record);
  }
  // 2-4.
  int read_exit = k_exit_ok;
  if (Status s = read_bugzilla(records, *watermark, *server_time, read_exit); !s) {
    return stop(read_exit, read_exit == k_exit_unreachable ? "Bugzilla read failed" : "state store",
                s.error());
  }
  // 5.
  std::vector<BugObligations> bugs;
  std::vector<BugRecord> scoped;
  for (const auto& [id, record] : records) {
    if (!in_scope(record.bug, m_mapping.bugzilla.scope)) {
      continue;
    }
    BugObligations b;
    b.bug_id = id;
    b.summary = record.bug.summary;
    b.resolved = is_resolved_status(record.bug.status);
    b.resolution = record.bug.resolution;
    b.windows = obligation_windows(record, m_mapping.policy, m_mapping.bugzilla.ca_accounts,
                                   m_mapping.bugzilla.ignored_accounts, m_now);
    count_windows(b.windows);
    bugs.push_back(std::move(b));
    if (m_mapping.replies.enabled) {  // only the reply scan reads them: no copy of every comment
      scoped.push_back(record);
    }
  }
  // 6. Bugzilla is read and cached by now: a Jira failure does not hold the watermark back.
  auto mirrored = m_tracker.find_mirrored();
  if (!mirrored) {
    if (!m_options.dry_run && (!*watermark || m_cache_changed)) {
      (void)m_store.set_watermark(*server_time);
    }
    return stop(k_exit_unreachable, "Jira search failed", mirrored.error());
  }
  // 7.
  auto known = m_store.mirrors();
  if (!known) {
    return stop(k_exit_internal, "state store", known.error());
  }
  if (!m_options.dry_run) {
    if (Status s = adopt_mirrors(*mirrored, *known); !s) {
      return stop(k_exit_internal, "state store", s.error());
    }
  }
  PlanContext context;
  context.mapping = &m_mapping;
  context.zone = &m_zone;
  context.now = m_now;
  context.known = std::move(*known);
  context.search_grace = m_options.search_grace;
  Plan plan = make_plan(bugs, *mirrored, context);
  m_report.notes = plan.notes;
  ReplyScan replies = collect_replies(m_tracker, m_store, m_mapping, *mirrored, scoped);
  for (const Error& e : replies.errors) {
    m_report.errors.push_back(e);
    raise_exit(k_exit_unreachable);
  }
  plan.actions.insert(plan.actions.end(), replies.actions.begin(), replies.actions.end());
  // 8.
  m_report.execution = execute(plan, m_tracker, m_bugs, m_store, m_mapping, m_options.run_id, m_now,
                               m_options.dry_run);
  for (const Error& e : m_report.execution.errors) {
    m_report.errors.push_back(e);
  }
  if (m_report.execution.failed > 0) {
    raise_exit(k_exit_actions_failed);
  }
  // 9.
  if (!m_options.dry_run) {
    if (Status s = finish_replies(m_store, replies); !s) {
      m_report.errors.push_back(s.error());
      raise_exit(k_exit_internal);
    }
    // With nothing new, the old watermark is as good (the next search is a superset) and a steady
    // run writes nothing.
    if (!*watermark || m_cache_changed) {
      if (Status s = m_store.set_watermark(*server_time); !s) {
        m_report.errors.push_back(s.error());
        raise_exit(k_exit_internal);
      }
    }
  }
  return finish(m_report.exit_code == k_exit_ok ? "" : "finished with errors: ");
}

}  // namespace

RunReport run_sync(BugSource& bugs, IssueTracker& tracker, StateStore& store,
                   const Mapping& mapping, const Zone& zone, Instant now,
                   const RunOptions& options) {
  Runner runner(bugs, tracker, store, mapping, zone, now, options);
  return runner.run();
}

}  // namespace bzjira::sync
