// The StateStore port: what a sync run remembers between runs. It is a cache and a journal, never
// the truth: with it deleted, the next run rebuilds it from Bugzilla and Jira (labels find every
// mirrored issue) and creates nothing twice. adapters/store implements it on SQLite.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sync/model.h"
#include "sync/ports.h"
#include "sync/result.h"
#include "sync/time.h"

namespace bzjira::sync {

// An issue bzjira created, as remembered locally: covers the seconds after creation when Jira's
// search does not show it yet, and a run that died between Jira's answer and the journal write.
struct MirrorEntry {
  std::string obligation_key;  // the issue's idempotency label (bzq-..., bzb-...)
  std::string issue_key;       // empty while the create is unconfirmed (sent, no answer recorded)
  std::string issue_id;
  Instant created_at{};  // when the create was sent
};

enum class JournalState { planned, sent, done, failed };
const char* to_string(JournalState state);

struct JournalEntry {
  std::int64_t id = 0;  // assigned by the store
  std::string run_id;
  std::string action;          // "create_issue", "close_issue", "post_reply", ...
  std::string obligation_key;  // may be empty
  std::string target;          // Jira key, "bug 123", ...
  JournalState state = JournalState::planned;
  std::string reason;  // why the plan wanted it (for people)
  std::string detail;  // outcome: new key, error message (never a secret)
  Instant at{};
};

// A reply written in Jira that bzjira posts to Bugzilla (sync/plan_replies.h): recorded when it is
// planned, before the Jira search marks move past the comment, so that a run that dies before
// posting leaves work that the next run finishes.
struct ReplyRecord {
  std::string jira_comment_id;  // idempotency key
  std::string issue_key;
  BugId bug_id = 0;
  std::string text_hash;                         // reply_text_hash() of the reply as planned
  std::optional<CommentId> bugzilla_comment_id;  // set once the post is confirmed
  bool jira_acknowledged = false;  // the "Posted to Bugzilla as comment N" note is in Jira
  Instant sent_at{};               // when it was planned (and then posted)

  // Whether the reply is known to be on Bugzilla (its comment id, or Jira's note says so).
  bool posted() const { return bugzilla_comment_id.has_value() || jira_acknowledged; }
  // Whether nothing is left to do: the note is in Jira (it is written only after the post).
  bool finished() const { return jira_acknowledged; }
};

// The marks a run leaves for the next one, each in its own typed table of the state.
// Where the searches stopped (one row): decides whether the next search is incremental.
struct SearchMarks {
  std::optional<Instant> bugzilla_full_search;   // Bugzilla's clock at the last full bug search
  std::optional<Instant> jira_last_search;       // the run's `now` at the last successful search
  std::optional<Instant> jira_last_full_search;  // the same, for the last full one
  std::string jira_scope;  // what those searches were about (jira_search_scope); empty if unknown
  std::optional<Instant> replies_read_all;  // when a run with replies on read every open issue
};

// A trail step (sync/trail.h) begun and not seen finished: a comment an action was about to add
// to an issue; whether it landed is unknown.
struct PendingComment {
  std::string step;  // "<action> <issue key>", e.g. "close_issue CAINC-7"
  std::string fingerprint;
  Instant at{};
};

// The remote link of a created issue, not yet confirmed: marked (by obligation key, since the
// issue key is not known yet) before the create is sent.
struct PendingLink {
  std::string obligation_key;
  RemoteLink link;
};

// What the obligation engine derived from one bug (sync/derived_cache.h), stored so that an
// unchanged bug is not derived again. The window lists are opaque bytes to the store.
struct DerivedBug {
  BugId bug_id = 0;
  std::string fingerprint;  // engine version and mapping inputs it was derived with
  Instant derived_at{};     // the `now` it was derived at
  Instant settled_at{};     // reusable from then on (newest fact + margin); may be after derived_at
  std::string open_windows;   // the windows open at derived_at
  std::string ended_windows;  // the others
};

// What a full evaluation of every bug found when it planned nothing (sync/steady.h): while the
// stored state stays as it was and the plan time stays in [evaluated_at, valid_until), a run whose
// searches find nothing new plans nothing too, with these counts.
struct SteadyMark {
  std::string fingerprint;  // steady_fingerprint(): engine, plan, mapping and build
  Instant evaluated_at{};   // the plan time of that evaluation
  Instant valid_until{};    // from then on time alone may change the plan or the counts
  int open = 0;             // open windows, overdue ones included (RunReport)
  int overdue = 0;
  std::optional<Instant> next_deadline;  // the earliest deadline not yet passed at evaluated_at
};

struct RunRecord {
  std::string run_id;
  Instant started{};
  Instant finished{};
  std::string outcome;  // "ok", "partial", "failed"
  std::string summary;  // one line for people
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // Bugzilla cache. save_bugs replaces the stored records of those bugs (comments, flags, history).
  virtual Result<std::vector<BugRecord>> load_bugs() = 0;
  virtual Status save_bugs(const std::vector<BugRecord>& records) = 0;
  virtual Status remove_bugs(const std::vector<BugId>& ids) = 0;
  // The cached bugs with their flags but without comments or history (what a run needs of a bug
  // it does not derive again), and the complete records of some bugs (unknown ids are skipped).
  // The defaults read everything.
  virtual Result<std::vector<BugRecord>> load_bug_heads() { return load_bugs(); }
  virtual Result<std::vector<BugRecord>> load_some_bugs(const std::vector<BugId>& ids);

  // The derived cache (sync/derived_cache.h). load_derived lists every stored derivation by bug
  // id, without ended_windows; load_ended gives those of some bugs. A bug's derivation goes with
  // it when save_bugs or remove_bugs replaces or removes the bug. save_derived inserts or replaces
  // by bug id (bugs not cached are skipped). Defaults: nothing is stored, every bug is derived.
  virtual Result<std::vector<DerivedBug>> load_derived() { return std::vector<DerivedBug>{}; }
  virtual Result<std::map<BugId, std::string>> load_ended(const std::vector<BugId>& ids) {
    (void)ids;
    return std::map<BugId, std::string>{};
  }
  virtual Status save_derived(const std::vector<DerivedBug>& derived) {
    (void)derived;
    return ok_status();
  }

  // The Bugzilla db_time of the last successful read; empty before the first.
  virtual Result<std::optional<Instant>> watermark() = 0;
  virtual Status set_watermark(Instant t) = 0;

  // Obligation key -> issue.
  virtual Result<std::map<std::string, MirrorEntry>> mirrors() = 0;
  virtual Status put_mirror(const MirrorEntry& entry) = 0;
  virtual Status remove_mirror(const std::string& obligation_key) = 0;

  // The last seen state of every mirrored issue, so that a run searches Jira only for issues
  // updated since its previous search (sync/mirror_view.h). mirror_states() lists them by issue
  // key. save_mirror_states inserts or replaces by issue key, all or nothing; with `replace_all`,
  // every state not in `issues` is removed (a full search's answer is the whole truth). Not an
  // error if `issues` is empty.
  virtual Result<std::vector<MirroredIssue>> mirror_states() = 0;
  virtual Status save_mirror_states(const std::vector<MirroredIssue>& issues, bool replace_all) = 0;

  // Journal: record() before acting (planned/sent), update() after. Each call is one transaction.
  virtual Result<std::int64_t> record(const JournalEntry& entry) = 0;
  virtual Status update(std::int64_t id, JournalState state, const std::string& detail) = 0;
  virtual Result<std::vector<JournalEntry>> journal(const std::string& run_id) = 0;

  // Groups the writes made until end_batch() into one transaction: one commit instead of one per
  // call (the executor's journal and mirror writes around a bulk create). Nothing written in a
  // batch is durable before end_batch() succeeds; when it fails, all of them are undone. Not
  // nested. Default: no grouping, each call stays its own transaction.
  virtual Status begin_batch() { return ok_status(); }
  virtual Status end_batch() { return ok_status(); }

  // Replies from Jira to Bugzilla, by Jira comment id. put_reply inserts or replaces;
  // remove_reply of an unknown id is not an error.
  virtual Result<std::map<std::string, ReplyRecord>> replies() = 0;
  virtual Status put_reply(const ReplyRecord& reply) = 0;
  virtual Status remove_reply(const std::string& jira_comment_id) = 0;

  // Small key/value facts: the API key check per server (sync/auth_check.h), the reply account.
  virtual Result<std::optional<std::string>> get_meta(const std::string& key) = 0;
  virtual Status set_meta(const std::string& key, const std::string& value) = 0;

  // The marks for the next run. set_search_marks replaces the row in one write.
  virtual Result<SearchMarks> search_marks() = 0;
  virtual Status set_search_marks(const SearchMarks& marks) = 0;
  // Trail marks. Each call is one write: put inserts or replaces (by step; by obligation key and
  // global id), remove of an unknown mark is not an error.
  virtual Result<std::vector<PendingComment>> pending_comments() = 0;
  virtual Status put_pending_comment(const PendingComment& comment) = 0;
  virtual Status remove_pending_comments(const std::vector<std::string>& steps) = 0;
  virtual Result<std::vector<PendingLink>> pending_links() = 0;
  virtual Status put_pending_links(const std::vector<PendingLink>& links) = 0;
  virtual Status remove_pending_links(const std::vector<PendingLink>& links) = 0;

  virtual Status record_run(const RunRecord& run) = 0;

  // The steady mark (sync/steady.h); set_steady_mark(nullopt) removes it. A store that keeps one
  // removes it, in the same transaction, with every write of anything else it keeps but the
  // watermark, the search marks, the journal and the run records (the bug cache, the derived
  // cache, the mirror map and states, replies, trail marks, meta values): a mark is then never
  // older than the state it speaks for, whoever writes. Defaults: no mark is kept.
  virtual Result<std::optional<SteadyMark>> steady_mark() { return std::optional<SteadyMark>{}; }
  virtual Status set_steady_mark(const std::optional<SteadyMark>& mark) {
    (void)mark;
    return ok_status();
  }
};

// Forwards every call to another StateStore (see BugSourceWrapper in ports.h); answered()
// (OutcomeObserver) sees the outcome of every call.
class StateStoreWrapper : public StateStore, protected OutcomeObserver {
 public:
  explicit StateStoreWrapper(StateStore& target) : m_target(target) {}
  StateStore& target() const { return m_target; }

  Result<std::vector<BugRecord>> load_bugs() override { return seen(m_target.load_bugs()); }
  Status save_bugs(const std::vector<BugRecord>& records) override {
    return seen(m_target.save_bugs(records));
  }
  Status remove_bugs(const std::vector<BugId>& ids) override {
    return seen(m_target.remove_bugs(ids));
  }
  Result<std::vector<BugRecord>> load_bug_heads() override {
    return seen(m_target.load_bug_heads());
  }
  Result<std::vector<BugRecord>> load_some_bugs(const std::vector<BugId>& ids) override {
    return seen(m_target.load_some_bugs(ids));
  }
  Result<std::vector<DerivedBug>> load_derived() override { return seen(m_target.load_derived()); }
  Result<std::map<BugId, std::string>> load_ended(const std::vector<BugId>& ids) override {
    return seen(m_target.load_ended(ids));
  }
  Status save_derived(const std::vector<DerivedBug>& derived) override {
    return seen(m_target.save_derived(derived));
  }
  Result<std::optional<Instant>> watermark() override { return seen(m_target.watermark()); }
  Status set_watermark(Instant t) override { return seen(m_target.set_watermark(t)); }
  Result<std::map<std::string, MirrorEntry>> mirrors() override { return seen(m_target.mirrors()); }
  Status put_mirror(const MirrorEntry& entry) override { return seen(m_target.put_mirror(entry)); }
  Status remove_mirror(const std::string& obligation_key) override {
    return seen(m_target.remove_mirror(obligation_key));
  }
  Result<std::vector<MirroredIssue>> mirror_states() override {
    return seen(m_target.mirror_states());
  }
  Status save_mirror_states(const std::vector<MirroredIssue>& issues, bool replace_all) override {
    return seen(m_target.save_mirror_states(issues, replace_all));
  }
  Result<std::int64_t> record(const JournalEntry& entry) override {
    return seen(m_target.record(entry));
  }
  Status update(std::int64_t id, JournalState state, const std::string& detail) override {
    return seen(m_target.update(id, state, detail));
  }
  Result<std::vector<JournalEntry>> journal(const std::string& run_id) override {
    return seen(m_target.journal(run_id));
  }
  Status begin_batch() override { return seen(m_target.begin_batch()); }
  Status end_batch() override { return seen(m_target.end_batch()); }
  Result<std::map<std::string, ReplyRecord>> replies() override { return seen(m_target.replies()); }
  Status put_reply(const ReplyRecord& reply) override { return seen(m_target.put_reply(reply)); }
  Status remove_reply(const std::string& jira_comment_id) override {
    return seen(m_target.remove_reply(jira_comment_id));
  }
  Result<std::optional<std::string>> get_meta(const std::string& key) override {
    return seen(m_target.get_meta(key));
  }
  Status set_meta(const std::string& key, const std::string& value) override {
    return seen(m_target.set_meta(key, value));
  }
  Status record_run(const RunRecord& run) override { return seen(m_target.record_run(run)); }
  Result<std::optional<SteadyMark>> steady_mark() override { return seen(m_target.steady_mark()); }
  Status set_steady_mark(const std::optional<SteadyMark>& mark) override {
    return seen(m_target.set_steady_mark(mark));
  }
  Result<SearchMarks> search_marks() override { return seen(m_target.search_marks()); }
  Status set_search_marks(const SearchMarks& marks) override {
    return seen(m_target.set_search_marks(marks));
  }
  Result<std::vector<PendingComment>> pending_comments() override {
    return seen(m_target.pending_comments());
  }
  Status put_pending_comment(const PendingComment& comment) override {
    return seen(m_target.put_pending_comment(comment));
  }
  Status remove_pending_comments(const std::vector<std::string>& steps) override {
    return seen(m_target.remove_pending_comments(steps));
  }
  Result<std::vector<PendingLink>> pending_links() override {
    return seen(m_target.pending_links());
  }
  Status put_pending_links(const std::vector<PendingLink>& links) override {
    return seen(m_target.put_pending_links(links));
  }
  Status remove_pending_links(const std::vector<PendingLink>& links) override {
    return seen(m_target.remove_pending_links(links));
  }

 private:
  StateStore& m_target;
};

// The store of a dry run: reads go to the target, every write succeeds and changes nothing, so
// the run's steps need no dry-run checks of their own to leave the state as it was.
class ReadOnlyStore final : public StateStoreWrapper {
 public:
  using StateStoreWrapper::StateStoreWrapper;

  Status save_bugs(const std::vector<BugRecord>&) override { return ok_status(); }
  Status remove_bugs(const std::vector<BugId>&) override { return ok_status(); }
  Status save_derived(const std::vector<DerivedBug>&) override { return ok_status(); }
  Status set_watermark(Instant) override { return ok_status(); }
  Status put_mirror(const MirrorEntry&) override { return ok_status(); }
  Status remove_mirror(const std::string&) override { return ok_status(); }
  Status save_mirror_states(const std::vector<MirroredIssue>&, bool) override {
    return ok_status();
  }
  Result<std::int64_t> record(const JournalEntry&) override { return std::int64_t{0}; }
  Status update(std::int64_t, JournalState, const std::string&) override { return ok_status(); }
  Status begin_batch() override { return ok_status(); }
  Status end_batch() override { return ok_status(); }
  Status put_reply(const ReplyRecord&) override { return ok_status(); }
  Status remove_reply(const std::string&) override { return ok_status(); }
  Status set_meta(const std::string&, const std::string&) override { return ok_status(); }
  Status record_run(const RunRecord&) override { return ok_status(); }
  Status set_steady_mark(const std::optional<SteadyMark>&) override { return ok_status(); }
  Status set_search_marks(const SearchMarks&) override { return ok_status(); }
  Status put_pending_comment(const PendingComment&) override { return ok_status(); }
  Status remove_pending_comments(const std::vector<std::string>&) override { return ok_status(); }
  Status put_pending_links(const std::vector<PendingLink>&) override { return ok_status(); }
  Status remove_pending_links(const std::vector<PendingLink>&) override { return ok_status(); }
};

}  // namespace bzjira::sync
