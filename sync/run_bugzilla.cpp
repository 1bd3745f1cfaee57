// Steps 2 to 4 of a run (sync/run.h): Bugzilla's changes into the cache, each bug derived as its
// comments arrive.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "sync/audit.h"
#include "sync/bug_history.h"
#include "sync/run_runner.h"

namespace bzjira::sync::run_detail {

namespace {

// Bugzilla's search by change time can miss a change committed just before the watermark was read:
// every incremental search reaches this far back (docs/bugzilla-api.md#incremental-polling).
constexpr Seconds k_overlap{300};
// A scoped search cannot return a bug that left the scope; a full search now and then notices it.
constexpr Seconds k_full_search_every{86400};

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

std::vector<BugId> ids_of(const std::vector<Bug>& bugs) {
  std::vector<BugId> ids;
  ids.reserve(bugs.size());
  for (const Bug& bug : bugs) {
    ids.push_back(bug.id);
  }
  return ids;
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
  out.reserve(by_id.size());
  for (auto& [id, c] : by_id) {
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const Comment& a, const Comment& b) {
    return std::tie(a.time, a.id) < std::tie(b.time, b.id);
  });
  return out;
}

}  // namespace

// Steps 2 to 4: brings `records` (the cache, bugs and flags) up to date with Bugzilla, deriving
// each bug read as its comments arrive. On error, the failure says whose fault it was; what was
// written is whole bugs, which the next run's search finds unchanged, and no mark moved.
StepResult<Ok> Runner::read_bugzilla(std::map<BugId, BugRecord>& records,
                                     std::optional<Instant> watermark, Instant server_time,
                                     DerivedWindows& derived) {
  const BugScope& scope = m_mapping.bugzilla.scope;
  bool full = !watermark;
  if (!full) {
    auto marks = m_store.search_marks();
    if (!marks) {
      return store_failure(marks.error());
    }
    const std::optional<Instant> at = marks->bugzilla_full_search;
    full = !at || server_time - *at >= k_full_search_every;
  }
  const std::optional<Instant> since =
      watermark ? std::optional<Instant>(*watermark - k_overlap) : std::nullopt;
  auto found = m_bugs.search_bugs(scope, full ? std::nullopt : since);
  if (!found) {
    return read_failure(found.error());
  }
  if (!m_all_heads) {
    // A run that may be steady loaded no head yet: those of the bugs returned suffice to compare,
    // unless the search is a full one (a bug it leaves out is removed).
    auto heads = full ? m_store.load_bug_heads() : m_store.load_some_bugs(ids_of(*found));
    if (!heads) {
      return store_failure(heads.error());
    }
    for (BugRecord& head : *heads) {
      const BugId id = head.bug.id;
      records[id] = BugRecord{std::move(head.bug), {}, {}};
    }
    m_all_heads = full;
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
    // The daily full search also re-reads the comments of unchanged bugs: a comment hidden or
    // made private without a change to the bug is noticed within a day.
    if (it != records.end() && same_bug(it->second.bug, bug) && !(full && watermark)) {
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
  // The cache was loaded without comments and history (load_bug_heads): a changed bug keeps its
  // stored history when Bugzilla's answer does not need it read again. Chunks keep the daily full
  // search (every bug changed) from holding every stored comment at once.
  for (std::size_t first = 0; first < changed_cached.size(); first += k_derive_chunk) {
    const std::size_t last = std::min(changed_cached.size(), first + k_derive_chunk);
    auto complete = m_store.load_some_bugs(
        std::vector<BugId>(changed_cached.begin() + first, changed_cached.begin() + last));
    if (!complete) {
      return store_failure(complete.error());
    }
    for (BugRecord& r : *complete) {
      const BugId id = r.bug.id;
      r.comments = std::vector<Comment>();  // freed: `= {}` would keep the list's allocation
      records[id] = std::move(r);
    }
  }
  // One batched read for every bug whose history is needed (not one request per bug).
  std::vector<BugId> history_ids;
  for (const auto& [id, bug] : fresh) {
    auto old = records.find(id);
    if (needs_history(bug, old == records.end() ? nullptr : &old->second)) {
      history_ids.push_back(id);
    }
  }
  std::map<BugId, std::vector<HistoryEntry>> histories;
  if (!history_ids.empty()) {
    auto got = m_bugs.histories(history_ids);
    if (!got) {
      return read_failure(got.error());
    }
    histories = std::move(*got);
  }
  m_cache_changed = !fresh.empty() || !removed.empty();
  // Comments are taken answer by answer (issue 14): each batch's bugs are stored with all their
  // comments, derived, and kept in memory without them (but in a dry run). Each bug is stored
  // whole, so a read that fails halfway leaves complete bugs behind, which the next run's search
  // finds unchanged.
  std::optional<StepFailure> store_failed;
  const auto take = [&](std::map<BugId, std::vector<Comment>>&& batch) -> Status {
    std::vector<BugRecord> changed;
    for (auto& [id, comments] : batch) {
      auto f = fresh.find(id);
      if (f == fresh.end()) {
        continue;  // not asked for, or already taken
      }
      auto old = records.find(id);
      BugRecord record;
      // All of a changed bug's comments, not only the new ones: an edited, deleted or
      // privatized comment changes the bug too, and must not stay in the cache.
      record.comments = merge_comments({}, comments);
      if (old != records.end()) {
        record.history = std::move(old->second.history);
      }
      if (auto h = histories.find(id); h != histories.end()) {
        record.history = std::move(h->second);
        histories.erase(h);
      }
      record.bug = std::move(f->second);
      fresh.erase(f);
      changed.push_back(std::move(record));
    }
    if (!changed.empty()) {
      if (Status s = m_store.save_bugs(changed); !s) {
        store_failed = store_failure(s.error());
        return s;
      }
    }
    for (BugRecord& record : changed) {
      const BugId id = record.bug.id;
      derived.derive_now(record);
      m_reread.insert(id);
      // The store has the bug now; a dry run's keeps nothing, so its records stay whole in memory
      // (the reply scan reads their comments).
      if (m_options.dry_run) {
        m_whole.insert(id);
      } else {
        // New empty vectors, not `= {}`: assigning a brace list keeps the allocation, which for
        // every bug of a cold run adds up to the size of all their comment records.
        record.comments = std::vector<Comment>();
        record.history = std::vector<HistoryEntry>();
      }
      records[id] = std::move(record);
    }
    return ok_status();
  };
  for (const std::vector<BugId>* ids : {&changed_cached, &added}) {
    if (ids->empty()) {
      continue;
    }
    if (Status s = m_bugs.comments_by_batch(*ids, std::nullopt, take); !s) {
      return store_failed ? *store_failed : read_failure(s.error());
    }
  }
  if (!fresh.empty()) {  // ids the answers left out: no visible comments
    std::map<BugId, std::vector<Comment>> rest;
    for (const auto& [id, bug] : fresh) {
      rest[id];
    }
    if (Status s = take(std::move(rest)); !s) {
      return store_failure(s.error());
    }
  }
  if (!removed.empty()) {
    if (Status s = m_store.remove_bugs(removed); !s) {
      return store_failure(s.error());
    }
  }
  if (full) {
    auto marks = m_store.search_marks();
    if (!marks) {
      return store_failure(marks.error());
    }
    marks->bugzilla_full_search = server_time;
    if (Status s = m_store.set_search_marks(*marks); !s) {
      return store_failure(s.error());
    }
  }
  for (BugId id : removed) {
    records.erase(id);
    m_removed.insert(id);
  }
  return Ok{};
}

Status Runner::load_other_heads(std::map<BugId, BugRecord>& records) {
  if (m_all_heads) {
    return ok_status();
  }
  auto heads = m_store.load_bug_heads();
  if (!heads) {
    return heads.error();
  }
  for (BugRecord& head : *heads) {
    const BugId id = head.bug.id;
    // A dry run's store still holds the bugs it removed and the old versions of those it read.
    if (m_removed.count(id) == 0) {
      records.emplace(id, std::move(head));
    }
  }
  m_all_heads = true;
  return ok_status();
}

}  // namespace bzjira::sync::run_detail
