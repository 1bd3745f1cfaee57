// The Jira side of bzjira: IssueTracker over Jira Cloud (REST v3, ADF, enhanced search/jql) or
// Jira Data Center (REST v2, wiki strings, search with startAt), as docs/jira-api.md
// documents them, plus the self-checks behind `bzjira check --online`.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/http/http_client.h"
#include "adapters/jira/jira_discovery.h"
#include "adapters/jira/jira_json.h"
#include "sync/mapping.h"
#include "sync/ports.h"

namespace bzjira::adapters::jira {

// Read by the caller from the environment variables the mapping names (never from the mapping).
struct JiraCredentials {
  std::string user;   // Cloud: the account e-mail; unused on Data Center
  std::string token;  // Cloud API token, or Data Center personal access token
};

// The outcome of one self-check, for people: what was checked, whether it passed, what was found,
// and what to do about a failure (empty when ok).
struct SelfCheck {
  std::string name;
  bool ok = false;
  std::string detail;
  std::string what_to_do;
};

class JiraClient : public sync::IssueTracker {
 public:
  // Cloud authenticates with Basic base64(user:token), Data Center with "Bearer <token>"; the token
  // and the whole Authorization value are registered with the HTTP client as secrets, so they are
  // redacted from every log and error. `transport` null = the real (cpprest) transport. Missing
  // credentials are not an error here: every call then fails with ErrorKind::config.
  JiraClient(const sync::JiraSettings& settings, const JiraCredentials& credentials,
             std::shared_ptr<http::Transport> transport = nullptr);
  ~JiraClient() override;
  JiraClient(const JiraClient&) = delete;
  JiraClient& operator=(const JiraClient&) = delete;

  // Issues of the mapping's project labelled "bzjira", with summary, status and category,
  // resolution, due date, labels, updated and the deadline field. Cloud: POST search/jql following
  // nextPageToken; Data Center: POST search with startAt until total. Issues created moments ago
  // may be missing (Cloud's search is eventually consistent): the journal covers them. With
  // `updated_within`, the JQL adds `updated >= "-<N>m"`, N = the period in minutes rounded up (at
  // least 1). With `with_comments`, the "comment" field too: an issue whose answer lists all its
  // comments carries them (parse_mirrored_issue), the others none (comments_since reads them).
  sync::Result<std::vector<sync::MirroredIssue>> find_mirrored(
      std::optional<sync::Seconds> updated_within = std::nullopt,
      bool with_comments = false) override;

  // POST issue/bulk in chunks of at most 50 (never retried once sent: a lost answer makes every
  // draft of its chunk a transient "outcome unknown" error). Per-element refusals come back as
  // rejected errors in the draft's slot. Summary, description and labels are cleaned and cut
  // (jira_json.h draft_fields).
  std::vector<sync::Result<sync::CreatedIssue>> create_issues(
      const std::vector<sync::IssueDraft>& drafts) override;

  // PUT issue/<key> with only the fields `update` sets; no request when it sets none.
  sync::Status update_issue(const std::string& key, const sync::IssueUpdate& update) override;

  // POST issue/<key>/comment, ADF (v3) or wiki text (v2), cut to Jira's text limit. Not retried
  // once sent.
  sync::Status add_comment(const std::string& key, const sync::RichText& body) override;

  // GET issue/<key>/transitions?expand=transitions.fields, then POST the chosen transition: the one
  // named by the mapping's close/reopen transition when set, else the first whose target status
  // category is "done" (target done), "new" (todo) or "indeterminate" (in_progress). The resolution
  // (`resolution`, else the mapping's) is sent only when that transition's screen has the field.
  // not_found, listing the available transitions, when none fits.
  sync::Status transition(const std::string& key, sync::StatusCategory target,
                          const std::optional<std::string>& resolution) override;

  // POST issue/<key>/remotelink with the link's globalId (Jira updates the link with that id, or
  // creates it). rejected without a request when the globalId is empty or over 255 characters.
  sync::Status upsert_remote_link(const std::string& key, const sync::RemoteLink& link) override;
  // The links sent concurrently (http.concurrency in flight), one Status per pair, same order.
  std::vector<sync::Status> upsert_remote_links(
      const std::vector<std::pair<std::string, sync::RemoteLink>>& links) override;

  // GET issue/<key>/comment?orderBy=created, paging with startAt; comments created at or after
  // `since`, oldest first, bodies as plain text.
  sync::Result<std::vector<sync::IssueComment>> comments_since(const std::string& key,
                                                               sync::Instant since) override;

  int request_count() const override;
  http::Stats http_stats() const;
  // For tests: replace the retry sleep of the HTTP client.
  void set_sleep_function(std::function<void(double seconds)> sleep);

  // Self-checks (each one request or two; none writes anything):
  // the project exists and is visible (GET project/<key>);
  SelfCheck check_project();
  // the mapping's issue type exists in the project (the project's issueTypes, else GET issuetype);
  SelfCheck check_issue_type();
  // the deadline field, when configured, exists and is a date-time field (GET field);
  SelfCheck check_fields();
  // the account has BROWSE_PROJECTS, CREATE_ISSUES, EDIT_ISSUES, TRANSITION_ISSUES,
  // SCHEDULE_ISSUES, ADD_COMMENTS and LINK_ISSUES in the project (GET mypermissions).
  SelfCheck check_permissions();
  // All of the above, in that order.
  std::vector<SelfCheck> self_check();

  // For `bzjira init` (jira_discovery.cpp), read-only: the project, the issue types this account
  // may create there, and for `issue_type` (exact name, when the project has it) its create-screen
  // fields, workflow statuses, one existing issue's transitions; the site's custom date-time
  // fields. Errors: those of the project and issue-type reads (auth, not_found, transient); later
  // reads that fail are listed in ProjectFacts::problems.
  sync::Result<ProjectFacts> discover_project(const std::string& issue_type);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace bzjira::adapters::jira
