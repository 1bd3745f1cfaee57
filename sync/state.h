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

// A reply written in Jira that bzjira has posted (or is posting) to Bugzilla.
struct ReplyRecord {
  std::string jira_comment_id;  // idempotency key
  std::string issue_key;
  BugId bug_id = 0;
  std::string text_hash;  // hex digest of the posted text, to find it again on Bugzilla
  std::optional<CommentId> bugzilla_comment_id;  // empty while unconfirmed
  bool jira_acknowledged = false;  // "Posted to Bugzilla as comment N" written to Jira
  Instant sent_at{};
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

  // Replies from Jira to Bugzilla.
  virtual Result<std::map<std::string, ReplyRecord>> replies() = 0;
  virtual Status put_reply(const ReplyRecord& reply) = 0;

  // Per-issue "last comment seen" times for the replies poll, and other small key/value facts.
  virtual Result<std::optional<std::string>> get_meta(const std::string& key) = 0;
  virtual Status set_meta(const std::string& key, const std::string& value) = 0;

  virtual Status record_run(const RunRecord& run) = 0;
};

}  // namespace bzjira::sync
