#include "sync/run.h"

#include <algorithm>
#include <map>
#include <set>

#include "sync/run_runner.h"

#include "sync/audit.h"
#include "sync/auth_check.h"
#include "sync/derived_cache.h"
#include "sync/mirror_view.h"
#include "sync/obligations.h"
#include "sync/plan.h"
#include "sync/plan_replies.h"
#include "sync/run_replies.h"
#include "sync/steady.h"

namespace bzjira::sync {

namespace run_detail {

RunReport Runner::stop(int exit_code, const std::string& what, const Error& error) {
  // A refused key or an untrusted certificate does not fix itself by the next run: exit as a
  // configuration error, not as "try again".
  if (exit_code == k_exit_unreachable &&
      (error.kind == ErrorKind::auth || error.kind == ErrorKind::config)) {
    exit_code = k_exit_usage;
  }
  m_report.errors.push_back(error);
  m_report.exit_code = exit_code;
  return finish(what + ": " + error.message + " (" + to_string(error.kind) +
                "); nothing planned. ");
}

RunReport Runner::finish(const std::string& headline) {
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
  if (!m_jira_search.empty()) {
    s += "; Jira search: " + m_jira_search;
  }
  m_report.summary = s;
  const char* outcome = m_report.exit_code == k_exit_ok         ? "ok"
                        : m_report.exit_code == k_exit_rejected ? "partial"
                                                                : "failed";
  (void)m_store.record_run(RunRecord{m_options.run_id, m_now, m_now, outcome, s});
  return std::move(m_report);
}

void Runner::raise_exit(int code) {
  // 4 (internal) outranks 3 (unreachable), which outranks 1 (actions failed).
  m_report.exit_code = std::max(m_report.exit_code, code);
}

void Runner::execute_plan(const Plan& plan, const std::vector<MirroredIssue>& mirrored) {
  RecordingTracker recording(m_tracker, m_store, mirrored, m_mapping.jira.resolution);
  m_report.execution = execute(plan, recording, m_bugs, m_store, m_mapping, m_options.run_id,
                               m_plan_now, m_options.dry_run);
  for (const Error& e : m_report.execution.errors) {
    m_report.errors.push_back(e);
  }
  for (const Error& e : recording.errors()) {
    m_report.errors.push_back(e);
    raise_exit(k_exit_internal);
  }
  if (m_report.execution.failed > 0) {
    raise_exit(k_exit_rejected);
  }
}

RunReport Runner::stop_after_jira(const StepFailure& failure, Instant server_time,
                                  bool had_watermark) {
  if (!had_watermark || m_cache_changed) {
    (void)m_store.set_watermark(server_time);
  }
  return stop(failure.exit_code,
              failure.exit_code == k_exit_unreachable ? "Jira read failed" : "state store",
              failure.error);
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

// Step 6: the stored states overlaid with a search of the issues updated since the previous
// search, or a full search (mirror_view.h). Writes nothing: save_jira does, after the replies'
// comments are read, so that a failed read leaves the next run the same window. On error, the
// failure says whose fault it was.
StepResult<JiraView> Runner::search_jira() {
  JiraView view;
  view.scope = jira_search_scope(m_mapping);
  auto marks = read_jira_marks(m_store);
  if (!marks) {
    return store_failure(marks.error());
  }
  // A clock behind the last search makes this a full search (jira_search_window).
  const std::optional<Seconds> window = jira_search_window(*marks, view.scope, m_now);
  view.full = !window;
  m_jira_search =
      window ? "issues updated in the last " + std::to_string((window->count() + 59) / 60) + " min"
             : std::string("every mirrored issue");
  // With replies on, the search brings each issue's comments too (read_replies reads only those it
  // did not bring whole).
  auto fresh = m_tracker.find_mirrored(window, m_mapping.replies.enabled);
  if (!fresh) {
    return read_failure(fresh.error());
  }
  view.fresh = std::move(*fresh);
  if (m_steady && window && view.fresh.empty()) {
    view.quiet = true;  // nothing to overlay, and a steady run plans nothing
    return view;
  }
  std::vector<MirroredIssue> stored;
  // Replies compare a full search with the stored states: what did not change is not read again.
  if (window || m_mapping.replies.enabled) {
    auto states = m_store.mirror_states();
    if (!states) {
      return store_failure(states.error());
    }
    stored = std::move(*states);
  }
  view.quiet = m_steady && window && same_states(stored, view.fresh);
  if (m_mapping.replies.enabled) {
    view.changed = changed_issues(stored, view.fresh, view.full);
  }
  view.mirrored = window ? merge_mirrored(std::move(stored), view.fresh) : view.fresh;
  for (MirroredIssue& issue : view.fresh) {
    issue.comments.reset();  // `mirrored` keeps them; the store never needs them
  }
  return view;
}

// The search's states, then its marks: a run that dies in between searches a wider window next
// time, never a narrower one.
Status Runner::save_jira(const JiraView& view) {
  if (!view.fresh.empty() || view.full) {
    if (Status s = m_store.save_mirror_states(view.fresh, view.full); !s) {
      return s;
    }
  }
  return write_jira_marks(m_store, m_plan_now, view.full, view.scope);
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
  // Read first: the run's own writes (the day's key check) drop it (sync/steady.h).
  auto mark = m_store.steady_mark();
  if (!mark) {
    return stop(k_exit_internal, "state store", mark.error());
  }
  m_mark = std::move(*mark);
  // 0. The API key is taken as it is sent (never a silently anonymous view): checked once a day,
  // remembered in the state per server (auth_check.h).
  auto auth = ensure_auth(m_bugs, m_store, m_mapping, m_now, m_options.dry_run);
  if (!auth) {
    const ErrorKind kind = auth.error().kind;
    return stop(
        kind == ErrorKind::transient  ? k_exit_unreachable
        : kind == ErrorKind::internal ? k_exit_internal
                                      : k_exit_usage,
        kind == ErrorKind::transient ? "Bugzilla unreachable" : "the Bugzilla API key check failed",
        auth.error());
  }
  if (auth->checked_now && !auth->detail.empty()) {
    m_notes.push_back("Bugzilla API key checked: " + auth->detail);
  }
  if (m_mapping.replies.enabled) {
    auto account = reply_account(m_store, m_mapping, auth->login);
    if (!account) {
      return stop(k_exit_internal, "state store", account.error());
    }
    m_reply_account = std::move(*account);
  }
  // 1. The watermark comes from Bugzilla's clock, never ours.
  auto server_time = m_bugs.server_time();
  if (!server_time) {
    const bool refused = server_time.error().kind == ErrorKind::auth ||
                         server_time.error().kind == ErrorKind::config;
    return stop(k_exit_unreachable, refused ? "Bugzilla refused the run" : "Bugzilla unreachable",
                server_time.error());
  }
  auto watermark = m_store.watermark();
  if (!watermark) {
    return stop(k_exit_internal, "state store", watermark.error());
  }
  // A clock behind the last run's (an NTP step, a wrong --now) would treat comments already
  // acted on as not written yet and undo what was done in Jira: plan as of the last run instead.
  if (auto marks = read_jira_marks(m_store); !marks) {
    return stop(k_exit_internal, "state store", marks.error());
  } else if (marks->last_search && *marks->last_search > m_now) {
    m_plan_now = *marks->last_search;
    m_clock_note = "the clock (" + format_rfc3339(m_now) + ") is behind the last run's (" +
                   format_rfc3339(m_plan_now) + "): planned as of the last run";
  }
  m_steady_fingerprint = steady_fingerprint(m_mapping, m_options.search_grace, m_options.build);
  m_steady = watermark->has_value() &&
             steady_usable(m_mark, m_steady_fingerprint, m_plan_now, m_mapping.replies.enabled);
  // A run that may be steady loads the heads of the bugs the search returns only (read_bugzilla).
  std::map<BugId, BugRecord> records;
  m_all_heads = !m_steady;
  if (m_all_heads) {
    auto cache = m_store.load_bug_heads();
    if (!cache) {
      return stop(k_exit_internal, "state store", cache.error());
    }
    for (BugRecord& record : *cache) {
      const BugId id = record.bug.id;
      records[id] = std::move(record);
    }
  }
  // 2-4, deriving what is read while it is at hand (memory follows one answer).
  DerivedWindows derived(m_store, m_mapping, m_plan_now);
  if (auto read = read_bugzilla(records, *watermark, *server_time, derived); !read) {
    const StepFailure& failure = read.error();
    return stop(failure.exit_code,
                failure.exit_code == k_exit_unreachable ? "Bugzilla read failed" : "state store",
                failure.error);
  }
  // Nothing new in Bugzilla: Jira decides whether the mark stands for this run.
  std::optional<JiraView> early;
  m_steady = m_steady && !m_cache_changed;
  if (m_steady) {
    auto view = search_jira();
    if (!view) {
      return stop_after_jira(view.error(), *server_time, watermark->has_value());
    }
    if (view->quiet) {
      return steady_run(*view);
    }
    early = std::move(*view);
  }
  if (Status s = load_other_heads(records); !s) {
    return stop(k_exit_internal, "state store", s.error());
  }
  // 5. Only bugs read this run or with a stale derivation are derived (sync/derived_cache.h).
  auto derived_bugs = derived.derive(records, m_reread);
  if (!derived_bugs) {
    return stop(k_exit_internal, "state store", derived_bugs.error());
  }
  std::vector<BugObligations> bugs = std::move(*derived_bugs);
  for (const BugObligations& b : bugs) {
    count_windows(b.windows);
  }
  // 6. Bugzilla is read and cached by now: a Jira failure does not hold the watermark back.
  auto view = early ? StepResult<JiraView>(std::move(*early)) : search_jira();
  if (!view) {
    return stop_after_jira(view.error(), *server_time, watermark->has_value());
  }
  // 6b. Replies: the comments of the issues that changed, read before the search is saved.
  ReplyReading reading{m_mapping, view->mirrored,  view->changed, records,
                       m_whole,   m_reply_account, m_plan_now};
  auto replies = read_replies(m_tracker, m_store, reading);
  if (!replies) {
    return stop_after_jira(replies.error(), *server_time, watermark->has_value());
  }
  if (Status s = save_jira(*view); !s) {
    return stop(k_exit_internal, "state store", s.error());
  }
  (void)replies_read(m_store, reading);
  const std::vector<MirroredIssue>& mirrored = view->mirrored;
  if (Status s = derived.add_ended(bugs, mirrored); !s) {
    return stop(k_exit_internal, "state store", s.error());
  }
  // 7.
  auto known = m_store.mirrors();
  if (!known) {
    return stop(k_exit_internal, "state store", known.error());
  }
  // A dry run plans with the map as stored (what it adopts would be forgotten anyway).
  if (!m_options.dry_run) {
    if (Status s = adopt_mirrors(mirrored, *known); !s) {
      return stop(k_exit_internal, "state store", s.error());
    }
  }
  PlanContext context;
  context.mapping = &m_mapping;
  context.zone = &m_zone;
  context.now = m_plan_now;
  context.known = std::move(*known);
  context.search_grace = m_options.search_grace;
  Plan plan = make_plan(bugs, mirrored, context);
  plan.actions.insert(plan.actions.end(), replies->actions.begin(), replies->actions.end());
  plan.notes.insert(plan.notes.end(), replies->notes.begin(), replies->notes.end());
  m_report.notes = plan.notes;
  m_report.notes.insert(m_report.notes.end(), m_notes.begin(), m_notes.end());
  if (!m_clock_note.empty()) {
    m_report.notes.push_back(m_clock_note);
  }
  // 8. Each accepted write also updates the issue's stored state (mirror_view.h).
  execute_plan(plan, mirrored);
  // 9. The author of a reply read back is the reply account (upstream 5.x cannot say otherwise).
  const std::string& learned = m_report.execution.reply_account;
  if (!learned.empty() && learned != m_reply_account) {
    if (Status s = m_store.set_meta(reply_account_key(m_mapping), learned); !s) {
      m_report.errors.push_back(s.error());
      raise_exit(k_exit_internal);
    }
  }
  // With nothing new, the old watermark is as good (the next search is a superset) and a steady
  // run writes nothing.
  if (!*watermark || m_cache_changed) {
    if (Status s = m_store.set_watermark(*server_time); !s) {
      m_report.errors.push_back(s.error());
      raise_exit(k_exit_internal);
    }
  }
  leave_steady_mark(plan, derived);
  return finish(m_report.exit_code == k_exit_ok ? "" : "finished with errors: ");
}

}  // namespace run_detail

RunReport run_sync(BugSource& bugs, IssueTracker& tracker, StateStore& store,
                   const Mapping& mapping, const Zone& zone, Instant now,
                   const RunOptions& options) {
  // A dry run writes nothing to the state: its store takes every write and keeps none, so the
  // steps need no dry-run checks of their own.
  ReadOnlyStore read_only(store);
  run_detail::Runner runner(bugs, tracker, options.dry_run ? read_only : store, mapping, zone, now,
                            options);
  return runner.run();
}

}  // namespace bzjira::sync
