// The small interfaces (ports) through which the core's executor talks to the world (Ninja's
// DiskInterface, LevelDB's Env). adapters/ implement them for real services; tests fake them.
// No method throws: every failure comes back as an Error with its kind.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sync/mapping.h"
#include "sync/model.h"
#include "sync/result.h"
#include "sync/rich_text.h"
#include "sync/time.h"

namespace bzjira::sync {

// ---------------------------------------------------------------- Bugzilla

// A bug as the scoped search returns it (no comments, no history).
struct BugSearchResult {
  std::vector<Bug> bugs;
};

// What BugSource::verify_auth() found out about the API key.
struct AuthCheck {
  bool checked = false;                      // false: no key to check (anonymous by choice)
  BugzillaAuth mode = BugzillaAuth::header;  // how the key is sent from now on (never automatic)
  std::string login;   // the account the key authenticates as when the server says; else empty
  std::string detail;  // for people: how the key was sent and what the server answered
};

class BugSource {
 public:
  virtual ~BugSource() = default;

  // The server's database clock (GET /rest/time db_time), the polling watermark.
  virtual Result<Instant> server_time() = 0;

  // Bugs in `scope`; with `changed_since`, only those changed at or after it. Pages through all
  // results. Not an error if none match.
  virtual Result<std::vector<Bug>> search_bugs(const BugScope& scope,
                                               std::optional<Instant> changed_since) = 0;

  // Comments of many bugs, batched; with `new_since`, only comments strictly newer. Every requested
  // id appears in the answer (an empty list when it has no visible comments). Oldest first.
  virtual Result<std::map<BugId, std::vector<Comment>>> comments(
      const std::vector<BugId>& bug_ids, std::optional<Instant> new_since) = 0;

  // comments(), answer by answer: `on_batch` gets each batch's bugs as soon as they are read (every
  // requested id exactly once over all calls), so that the caller can store them and let them go:
  // memory follows one answer, not the history. A failed `on_batch` stops the read and is
  // returned. Same requests as comments(). Default: comments(), then one call.
  using CommentBatch = std::map<BugId, std::vector<Comment>>;
  virtual Status comments_by_batch(const std::vector<BugId>& bug_ids,
                                   std::optional<Instant> new_since,
                                   const std::function<Status(CommentBatch&&)>& on_batch) {
    auto all = comments(bug_ids, new_since);
    if (!all) {
      return all.error();
    }
    return on_batch(std::move(*all));
  }

  virtual Result<std::vector<HistoryEntry>> history(BugId bug) = 0;

  // Histories of many bugs, batched like comments (GET /rest/bug/<first>/history?ids=...). Every
  // requested id appears in the answer (an empty list when it has no history). Oldest first.
  virtual Result<std::map<BugId, std::vector<HistoryEntry>>> histories(
      const std::vector<BugId>& bug_ids) = 0;

  // Posts a Markdown comment; returns the new comment id. Not retried after the request was sent
  // (a retry could create a second comment): a transient error here means "unknown, look first".
  virtual Result<CommentId> post_comment(BugId bug, const std::string& markdown) = 0;

  // Clears a needinfo flag (status "X").
  virtual Status clear_flag(BugId bug, FlagId flag) = 0;

  // The login the API key authenticates as (GET /rest/whoami); not_found where the server lacks it.
  virtual Result<std::string> whoami() = 0;

  // Checks, with one or two cheap requests, that the server authenticates the API key as it is
  // sent (never a silently anonymous view, which would leave out restricted bugs). With
  // BugzillaAuth::automatic the header is tried first and the query parameter when the server
  // ignores the header; the source keeps the mode that worked. Errors: config when the server
  // reads anonymously in the configured mode (the message says what to set) or does not answer as
  // a Bugzilla REST API; auth when the key is refused; transient when it cannot be reached. Not an
  // error: no key (checked = false). Default: nothing to check.
  virtual Result<AuthCheck> verify_auth() { return AuthCheck{}; }

  // Sends the key in `mode` from now on: what an earlier verify_auth() found, remembered in the
  // state so that steady runs do not ask again. Default: nothing to change.
  virtual void use_auth(BugzillaAuth mode) { (void)mode; }

  // Requests sent so far, for the run summary.
  virtual int request_count() const = 0;
};

// The outcome hook of the forwarding bases below (and StateStoreWrapper in state.h): each forwarded
// call that returns a Result passes it through seen(), so a decorator that counts failures
// overrides answered() alone.
class OutcomeObserver {
 public:
  OutcomeObserver() = default;
  OutcomeObserver(const OutcomeObserver&) = delete;
  OutcomeObserver& operator=(const OutcomeObserver&) = delete;
  virtual ~OutcomeObserver() = default;

 protected:
  // Every forwarded call's outcome. Default: nothing.
  virtual void answered(bool ok) { (void)ok; }
  template <typename R>
  R seen(R result) {
    answered(result.ok());
    return result;
  }
  // For the bulk calls: one outcome per element.
  template <typename R>
  std::vector<R> seen_all(std::vector<R> results) {
    for (const R& r : results) {
      answered(r.ok());
    }
    return results;
  }
};

// Forwards every call to another BugSource, as LevelDB's EnvWrapper does: a decorator derives from
// it and overrides only what it watches. answered() (OutcomeObserver) sees the outcome of every
// call that returns a Result, so a decorator that counts failures overrides that one hook.
class BugSourceWrapper : public BugSource, protected OutcomeObserver {
 public:
  explicit BugSourceWrapper(BugSource& target) : m_target(target) {}
  BugSource& target() const { return m_target; }

  Result<Instant> server_time() override { return seen(m_target.server_time()); }
  Result<std::vector<Bug>> search_bugs(const BugScope& scope,
                                       std::optional<Instant> changed_since) override {
    return seen(m_target.search_bugs(scope, changed_since));
  }
  Result<std::map<BugId, std::vector<Comment>>> comments(
      const std::vector<BugId>& bug_ids, std::optional<Instant> new_since) override {
    return seen(m_target.comments(bug_ids, new_since));
  }
  Status comments_by_batch(const std::vector<BugId>& bug_ids, std::optional<Instant> new_since,
                           const std::function<Status(CommentBatch&&)>& on_batch) override {
    return seen(m_target.comments_by_batch(bug_ids, new_since, on_batch));
  }
  Result<std::vector<HistoryEntry>> history(BugId bug) override {
    return seen(m_target.history(bug));
  }
  Result<std::map<BugId, std::vector<HistoryEntry>>> histories(
      const std::vector<BugId>& bug_ids) override {
    return seen(m_target.histories(bug_ids));
  }
  Result<CommentId> post_comment(BugId bug, const std::string& markdown) override {
    return seen(m_target.post_comment(bug, markdown));
  }
  Status clear_flag(BugId bug, FlagId flag) override {
    return seen(m_target.clear_flag(bug, flag));
  }
  Result<std::string> whoami() override { return seen(m_target.whoami()); }
  Result<AuthCheck> verify_auth() override { return seen(m_target.verify_auth()); }
  void use_auth(BugzillaAuth mode) override { m_target.use_auth(mode); }
  int request_count() const override { return m_target.request_count(); }

 private:
  BugSource& m_target;
};

// ---------------------------------------------------------------- Jira

enum class StatusCategory { todo, in_progress, done };  // Jira keys "new", "indeterminate", "done"

struct IssueComment {
  std::string id;
  std::string author;  // display name or account id
  std::string body;    // plain text (ADF flattened)
  Instant created{};
};

// An issue bzjira created earlier, as the label search finds it.
struct MirroredIssue {
  std::string id;
  std::string key;  // "CAINC-12"
  std::string summary;
  std::vector<std::string> labels;
  std::optional<Date> due;
  std::string status;  // status name
  StatusCategory category = StatusCategory::todo;
  std::string resolution;           // empty when unresolved
  std::optional<Instant> deadline;  // the mapping's deadline field, when configured
  std::optional<Instant> updated;
  // Every comment of the issue, oldest first, when the search was asked for them
  // (find_mirrored's `with_comments`) and listed them all; nullopt when it was not asked, or its
  // answer left them out or listed only some (docs/jira-api.md#comments-in-search-results):
  // comments_since reads them then. Never stored: the state keeps the fields above.
  std::optional<std::vector<IssueComment>> comments;
};

struct RemoteLink {
  std::string global_id;  // idempotency key, at most 255 characters
  std::string url;
  std::string title;
  std::string summary;
  bool resolved = false;
};

struct IssueDraft {
  std::string summary;  // the client cuts it to Jira's limit
  RichText description;
  Date due{};
  std::vector<std::string> labels;
  std::optional<Instant> deadline;  // written to the mapping's deadline field when set
};

struct CreatedIssue {
  std::string id;
  std::string key;
};

struct IssueUpdate {
  std::optional<std::string> summary;
  std::optional<RichText> description;
  std::optional<Date> due;
  std::optional<Instant> deadline;
  // The issue's complete new label list (replaces the old one). Set only to add labels: a per-bug
  // issue gains the key of each obligation it newly covers.
  std::optional<std::vector<std::string>> labels;
};

class IssueTracker {
 public:
  virtual ~IssueTracker() = default;

  // Every issue of the mapping's project carrying the label "bzjira". With `updated_within`, only
  // those updated in that period before Jira's own clock (JQL `updated >= "-<N>m"`, N rounded up to
  // whole minutes: a relative date, so the searching user's time zone does not matter). Pages
  // through all results. Not an error if none match. With `with_comments`, the search also asks
  // for each issue's comments, in the same requests (MirroredIssue::comments).
  virtual Result<std::vector<MirroredIssue>> find_mirrored(
      std::optional<Seconds> updated_within = std::nullopt, bool with_comments = false) = 0;

  // Creates issues in bulk (chunks the client chooses). One result per draft, same order: a draft
  // Jira rejected gets its own Error while the others succeed.
  virtual std::vector<Result<CreatedIssue>> create_issues(
      const std::vector<IssueDraft>& drafts) = 0;

  virtual Status update_issue(const std::string& key, const IssueUpdate& update) = 0;
  virtual Status add_comment(const std::string& key, const RichText& body) = 0;

  // Moves the issue to a status of `target` (by the mapping's transition name when set, else the
  // first transition whose target status has that category). `resolution` is sent only when the
  // transition's screen has the field. not_found when no such transition exists.
  virtual Status transition(const std::string& key, StatusCategory target,
                            const std::optional<std::string>& resolution) = 0;

  // Creates or updates (same global id) a remote link.
  virtual Status upsert_remote_link(const std::string& key, const RemoteLink& link) = 0;

  // upsert_remote_link for many (issue key, link) pairs that do not depend on each other; one
  // Status per pair, same order. An adapter may send them concurrently (its configured limit); this
  // default sends one after another. Not an error: an empty list.
  virtual std::vector<Status> upsert_remote_links(
      const std::vector<std::pair<std::string, RemoteLink>>& links) {
    std::vector<Status> out;
    out.reserve(links.size());
    for (const auto& [key, link] : links) {
      out.push_back(upsert_remote_link(key, link));
    }
    return out;
  }

  // Comments created at or after `since`, oldest first.
  virtual Result<std::vector<IssueComment>> comments_since(const std::string& key,
                                                           Instant since) = 0;

  virtual int request_count() const = 0;
};

// Forwards every call to another IssueTracker (see BugSourceWrapper); answered() sees the outcome
// of every call, one per draft or link of the bulk calls.
class IssueTrackerWrapper : public IssueTracker, protected OutcomeObserver {
 public:
  explicit IssueTrackerWrapper(IssueTracker& target) : m_target(target) {}
  IssueTracker& target() const { return m_target; }

  Result<std::vector<MirroredIssue>> find_mirrored(
      std::optional<Seconds> updated_within = std::nullopt, bool with_comments = false) override {
    return seen(m_target.find_mirrored(updated_within, with_comments));
  }
  std::vector<Result<CreatedIssue>> create_issues(const std::vector<IssueDraft>& drafts) override {
    return seen_all(m_target.create_issues(drafts));
  }
  Status update_issue(const std::string& key, const IssueUpdate& update) override {
    return seen(m_target.update_issue(key, update));
  }
  Status add_comment(const std::string& key, const RichText& body) override {
    return seen(m_target.add_comment(key, body));
  }
  Status transition(const std::string& key, StatusCategory target,
                    const std::optional<std::string>& resolution) override {
    return seen(m_target.transition(key, target, resolution));
  }
  Status upsert_remote_link(const std::string& key, const RemoteLink& link) override {
    return seen(m_target.upsert_remote_link(key, link));
  }
  // One call to the target, which may send the links concurrently.
  std::vector<Status> upsert_remote_links(
      const std::vector<std::pair<std::string, RemoteLink>>& links) override {
    return seen_all(m_target.upsert_remote_links(links));
  }
  Result<std::vector<IssueComment>> comments_since(const std::string& key, Instant since) override {
    return seen(m_target.comments_since(key, since));
  }
  int request_count() const override { return m_target.request_count(); }

 private:
  IssueTracker& m_target;
};

}  // namespace bzjira::sync
