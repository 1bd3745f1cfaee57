// In-memory BugSource, IssueTracker and StateStore for the core's tests (LevelDB's fault-injecting
// Env): each counts its requests and writes, can fail the next calls of one method, and can run a
// hook that throws SimulatedCrash to stop a run at an exact point. Test-only.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sync/mapping.h"
#include "sync/obligations.h"
#include "sync/ports.h"
#include "sync/state.h"
#include "sync/zone.h"
#include "tests/unit/fakes_inputs.h"
#include "tests/unit/fakes_store.h"

namespace bzjira::sync::testing {

// ---------------------------------------------------------------- Bugzilla

class FakeBugSource final : public BugSource {
 public:
  std::map<BugId, BugRecord> server;          // the "database"
  Instant clock{};                            // db_time; also stamps posted comments
  std::string account = "ca-bot@ca.example";  // whoami: the account bzjira posts as
  int requests = 0;
  int writes = 0;  // post_comment + clear_flag
  std::vector<std::pair<BugId, std::string>> posted;
  Faults faults;
  std::function<void()> after_post;  // runs after Bugzilla accepted a comment (e.g. throws)

  // A bug in the default scope whose description (comment 0) is by `creator`.
  BugRecord& add_bug(BugId id, Instant created, const std::string& creator,
                     const std::string& summary = "") {
    BugRecord& r = server[id];
    r.bug.id = id;
    r.bug.summary = summary.empty() ? "Example CA: incident " + std::to_string(id) : summary;
    r.bug.status = "ASSIGNED";
    r.bug.product = "CA Program";
    r.bug.component = "CA Certificate Compliance";
    r.bug.creator = creator;
    r.bug.assigned_to = creator;
    r.bug.creation_time = created;
    r.bug.last_change_time = created;
    add_comment(id, creator, "Incident report " + std::to_string(id), created);
    return r;
  }

  Comment& add_comment(BugId bug, const std::string& author, const std::string& text, Instant at,
                       bool is_private = false) {
    BugRecord& r = server.at(bug);
    Comment c;
    c.id = m_next_comment++;
    c.bug_id = bug;
    c.count = static_cast<int>(r.comments.size());
    c.creator = author;
    c.time = at;
    c.text = text;
    c.is_private = is_private;
    r.comments.push_back(c);
    r.bug.last_change_time = std::max(r.bug.last_change_time, at);
    return r.comments.back();
  }

  void set_whiteboard(BugId bug, const std::string& value, Instant at) {
    BugRecord& r = server.at(bug);
    r.history.push_back(
        HistoryEntry{at, "mod@example.org", {FieldChange{"whiteboard", r.bug.whiteboard, value}}});
    r.bug.whiteboard = value;
    r.bug.last_change_time = at;
  }

  void resolve(BugId bug, const std::string& resolution, Instant at) {
    BugRecord& r = server.at(bug);
    r.bug.status = "RESOLVED";
    r.bug.resolution = resolution;
    r.bug.last_resolved = at;
    r.bug.last_change_time = at;
    r.history.push_back(HistoryEntry{at,
                                     "mod@example.org",
                                     {FieldChange{"status", "ASSIGNED", "RESOLVED"},
                                      FieldChange{"resolution", "", resolution}}});
  }

  Flag& add_needinfo(BugId bug, FlagId id, const std::string& setter, const std::string& requestee,
                     Instant at) {
    BugRecord& r = server.at(bug);
    Flag f;
    f.id = id;
    f.name = "needinfo";
    f.type_id = 800;
    f.status = "?";
    f.setter = setter;
    f.requestee = requestee;
    f.creation_date = at;
    f.modification_date = at;
    r.bug.flags.push_back(f);
    r.history.push_back(HistoryEntry{
        at, setter, {FieldChange{"flagtypes.name", "", "needinfo?(" + requestee + ")"}}});
    r.bug.last_change_time = at;
    return r.bug.flags.back();
  }

  Result<Instant> server_time() override {
    ++requests;
    if (auto e = faults.take("server_time")) {
      return *e;
    }
    return clock;
  }

  Result<std::vector<Bug>> search_bugs(const BugScope& scope,
                                       std::optional<Instant> changed_since) override {
    ++requests;
    if (auto e = faults.take("search_bugs")) {
      return *e;
    }
    // Like Bugzilla: product and component filter on the server; the rest is the client's job.
    std::vector<Bug> out;
    for (const auto& [id, r] : server) {
      if (r.bug.product != scope.product || r.bug.component != scope.component) {
        continue;
      }
      if (changed_since && r.bug.last_change_time < *changed_since) {
        continue;
      }
      out.push_back(r.bug);
    }
    return out;
  }

  Result<std::map<BugId, std::vector<Comment>>> comments(
      const std::vector<BugId>& bug_ids, std::optional<Instant> new_since) override {
    ++requests;
    comment_calls.push_back({bug_ids, new_since});
    if (auto e = faults.take("comments")) {
      return *e;
    }
    std::map<BugId, std::vector<Comment>> out;
    for (BugId id : bug_ids) {
      auto& list = out[id];
      auto it = server.find(id);
      if (it == server.end()) {
        continue;
      }
      for (const Comment& c : it->second.comments) {
        if (!new_since || c.time > *new_since) {
          list.push_back(c);
        }
      }
    }
    return out;
  }

  Result<std::vector<HistoryEntry>> history(BugId bug) override {
    ++requests;
    ++history_calls;
    if (auto e = faults.take("history")) {
      return *e;
    }
    auto it = server.find(bug);
    if (it == server.end()) {
      return make_error(ErrorKind::not_found, "no bug");
    }
    return it->second.history;
  }

  Result<std::map<BugId, std::vector<HistoryEntry>>> histories(
      const std::vector<BugId>& bug_ids) override {
    ++requests;
    history_batches.push_back(bug_ids);
    if (auto e = faults.take("histories")) {
      return *e;
    }
    std::map<BugId, std::vector<HistoryEntry>> out;
    for (BugId id : bug_ids) {
      auto& list = out[id];
      if (auto it = server.find(id); it != server.end()) {
        list = it->second.history;
      }
    }
    return out;
  }

  Result<CommentId> post_comment(BugId bug, const std::string& markdown) override {
    ++requests;
    if (auto e = faults.take("post_comment")) {
      return *e;
    }
    ++writes;
    posted.emplace_back(bug, markdown);
    const CommentId id = add_comment(bug, account, markdown, clock).id;
    if (after_post) {
      after_post();
    }
    return id;
  }

  Status clear_flag(BugId bug, FlagId flag) override {
    ++requests;
    if (auto e = faults.take("clear_flag")) {
      return *e;
    }
    ++writes;
    BugRecord& r = server.at(bug);
    auto it = std::find_if(r.bug.flags.begin(), r.bug.flags.end(),
                           [&](const Flag& f) { return f.id == flag; });
    if (it == r.bug.flags.end()) {
      return make_error(ErrorKind::not_found, "no flag");
    }
    r.history.push_back(HistoryEntry{
        clock, account, {FieldChange{"flagtypes.name", "needinfo?(" + it->requestee + ")", ""}}});
    r.bug.flags.erase(it);
    r.bug.last_change_time = clock;
    cleared.push_back(flag);
    return ok_status();
  }

  Result<std::string> whoami() override {
    ++requests;
    return account;
  }

  // The key check: `auth_check` (default: no key, nothing checked and no request), or
  // `auth_error`; a check costs one request.
  AuthCheck auth_check;
  std::optional<Error> auth_error;
  int verify_calls = 0;
  std::vector<BugzillaAuth> used_auth;  // every use_auth() call
  Result<AuthCheck> verify_auth() override {
    ++verify_calls;
    if (auth_error) {
      ++requests;
      return *auth_error;
    }
    requests += auth_check.checked ? 1 : 0;
    return auth_check;
  }
  void use_auth(BugzillaAuth mode) override { used_auth.push_back(mode); }

  int request_count() const override { return requests; }

  struct CommentCall {
    std::vector<BugId> ids;
    std::optional<Instant> new_since;
  };
  std::vector<CommentCall> comment_calls;
  int history_calls = 0;
  std::vector<std::vector<BugId>> history_batches;  // ids of each histories() call
  std::vector<FlagId> cleared;

 private:
  CommentId m_next_comment = 5001;
};

// ---------------------------------------------------------------- Jira

struct FakeIssue {
  MirroredIssue issue;
  RichText description;
  std::vector<IssueComment> comments;
  std::map<std::string, RemoteLink> links;  // by global id
  int hidden_searches = 0;                  // search lag: not returned by that many searches
};

class FakeIssueTracker final : public IssueTracker {
 public:
  std::string project = "CAINC";
  std::map<std::string, FakeIssue> issues;  // by key
  std::vector<std::string> order;           // keys in creation order
  Instant clock{};
  int requests = 0;
  int writes = 0;
  int search_lag = 0;  // new issues are missing from this many following searches
  Faults faults;
  std::function<void()> after_create;  // runs after Jira created the issues (e.g. throws)
  std::function<std::optional<Error>(const IssueDraft&)> reject_draft;  // per-draft refusal
  int create_calls = 0;
  std::vector<std::optional<Seconds>> searches;  // updated_within of each find_mirrored call
  // Like Jira, a search asked for comments lists at most this many per issue; an issue with more
  // comes without them (MirroredIssue::comments nullopt: the client saw a cut-short list).
  std::size_t search_comment_limit = 20;
  std::vector<std::string> comment_reads;  // the key of each comments_since call

  FakeIssue& at(const std::string& key) { return issues.at(key); }

  // A person closes (or dismisses) an issue in Jira.
  void close_by_hand(const std::string& key, const std::string& resolution) {
    MirroredIssue& i = issues.at(key).issue;
    i.category = StatusCategory::done;
    i.status = "Done";
    i.resolution = resolution;
    i.updated = clock;
  }

  void add_human_comment(const std::string& key, const std::string& body, Instant when) {
    issues.at(key).comments.push_back(
        IssueComment{"c" + std::to_string(m_next_comment++), "Alice", body, when});
    issues.at(key).issue.updated = std::max(when, clock);
  }

  // Issues not done, by key.
  std::vector<std::string> open_keys() const {
    std::vector<std::string> out;
    for (const std::string& key : order) {
      if (issues.at(key).issue.category != StatusCategory::done) {
        out.push_back(key);
      }
    }
    return out;
  }

  const FakeIssue* find_by_label(const std::string& label) const {
    for (const std::string& key : order) {
      const auto& labels = issues.at(key).issue.labels;
      if (std::find(labels.begin(), labels.end(), label) != labels.end()) {
        return &issues.at(key);
      }
    }
    return nullptr;
  }

  int count_with_label(const std::string& label) const {
    int n = 0;
    for (const auto& [key, fi] : issues) {
      n += std::count(fi.issue.labels.begin(), fi.issue.labels.end(), label) > 0 ? 1 : 0;
    }
    return n;
  }

  // Like Jira: `updated_within` counts whole minutes back from the tracker's clock; an issue with
  // no `updated` (set up by hand) is found only by a full search.
  Result<std::vector<MirroredIssue>> find_mirrored(
      std::optional<Seconds> updated_within = std::nullopt, bool with_comments = false) override {
    ++requests;
    searches.push_back(updated_within);
    if (auto e = faults.take("find_mirrored")) {
      return *e;
    }
    std::optional<Instant> from;
    if (updated_within) {
      from = clock - Seconds{(updated_within->count() + 59) / 60 * 60};
    }
    std::vector<MirroredIssue> out;
    for (const std::string& key : order) {
      FakeIssue& fi = issues.at(key);
      if (from && (!fi.issue.updated || *fi.issue.updated < *from)) {
        continue;
      }
      if (fi.hidden_searches > 0) {
        --fi.hidden_searches;
        continue;
      }
      const auto& labels = fi.issue.labels;
      if (std::find(labels.begin(), labels.end(), "bzjira") != labels.end()) {
        out.push_back(fi.issue);
        if (with_comments && fi.comments.size() <= search_comment_limit) {
          out.back().comments = fi.comments;
        }
      }
    }
    return out;
  }

  std::vector<Result<CreatedIssue>> create_issues(const std::vector<IssueDraft>& drafts) override {
    requests += static_cast<int>((drafts.size() + 49) / 50);  // Jira's bulk limit is 50
    ++create_calls;
    std::vector<Result<CreatedIssue>> out;
    if (auto e = faults.take("create_issues")) {
      for (std::size_t i = 0; i < drafts.size(); ++i) {
        out.emplace_back(*e);
      }
      return out;
    }
    writes += static_cast<int>((drafts.size() + 49) / 50);
    for (const IssueDraft& d : drafts) {
      if (reject_draft) {
        if (auto e = reject_draft(d)) {
          out.emplace_back(*e);
          continue;
        }
      }
      FakeIssue fi;
      fi.issue.id = std::to_string(10000 + m_next_issue);
      fi.issue.key = project + "-" + std::to_string(m_next_issue++);
      fi.issue.summary = d.summary;
      fi.issue.labels = d.labels;
      fi.issue.due = d.due;
      fi.issue.deadline = d.deadline;
      fi.issue.status = "To Do";
      fi.issue.updated = clock;
      fi.description = d.description;
      fi.hidden_searches = search_lag;
      order.push_back(fi.issue.key);
      out.emplace_back(CreatedIssue{fi.issue.id, fi.issue.key});
      issues[fi.issue.key] = std::move(fi);
    }
    if (after_create) {
      after_create();
    }
    return out;
  }

  Status update_issue(const std::string& key, const IssueUpdate& u) override {
    if (auto e = write_call("update_issue", key)) {
      return *e;
    }
    FakeIssue& fi = issues.at(key);
    if (u.summary) {
      fi.issue.summary = *u.summary;
    }
    if (u.description) {
      fi.description = *u.description;
    }
    if (u.due) {
      fi.issue.due = *u.due;
    }
    if (u.deadline) {
      fi.issue.deadline = *u.deadline;
    }
    if (u.labels) {
      fi.issue.labels = *u.labels;
    }
    return ok_status();
  }

  Status add_comment(const std::string& key, const RichText& body) override {
    if (auto e = write_call("add_comment", key)) {
      return *e;
    }
    issues.at(key).comments.push_back(
        IssueComment{"c" + std::to_string(m_next_comment++), "bzjira", to_plain_text(body), clock});
    return ok_status();
  }

  Status transition(const std::string& key, StatusCategory target,
                    const std::optional<std::string>& resolution) override {
    if (auto e = write_call("transition", key)) {
      return *e;
    }
    MirroredIssue& i = issues.at(key).issue;
    i.category = target;
    i.status = target == StatusCategory::done ? "Done" : "To Do";
    i.resolution = target == StatusCategory::done ? resolution.value_or("Done") : "";
    return ok_status();
  }

  Status upsert_remote_link(const std::string& key, const RemoteLink& link) override {
    if (auto e = write_call("upsert_remote_link", key)) {
      return *e;
    }
    issues.at(key).links[link.global_id] = link;
    return ok_status();
  }

  Result<std::vector<IssueComment>> comments_since(const std::string& key, Instant since) override {
    ++requests;
    comment_reads.push_back(key);
    if (auto e = faults.take("comments_since")) {
      return *e;
    }
    std::vector<IssueComment> out;
    for (const IssueComment& c : issues.at(key).comments) {
      if (c.created >= since) {
        out.push_back(c);
      }
    }
    return out;
  }

  int request_count() const override { return requests; }

 private:
  std::optional<Error> write_call(const std::string& method, const std::string& key) {
    ++requests;
    if (auto e = faults.take(method)) {
      return e;
    }
    if (issues.count(key) == 0) {
      return make_error(ErrorKind::not_found, "no issue " + key);
    }
    ++writes;
    // Every change, comments and links too (docs/jira-api.md#updated-time).
    issues.at(key).issue.updated = clock;
    return std::nullopt;
  }

  int m_next_issue = 1;
  int m_next_comment = 1;
};

}  // namespace bzjira::sync::testing
