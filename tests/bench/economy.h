// The fewest requests the APIs allow for each benchmark scenario, from their documented limits
// (docs/bugzilla-api.md, docs/jira-api.md): Bugzilla search pages of 1,000 bugs, read until a page
// comes back short (docs/bugzilla-api.md#paging: "the response does not indicate when more results
// are available"); comment batches bounded by the 8 KiB request-target limit of BMO's front end
// (docs/bugzilla-api.md#url-length); Jira bulk create of 50 (docs/jira-api.md#bulk-create); one
// request per remote link, transition and comment (docs/jira-api.md#transitions,
// docs/jira-api.md#comments, docs/jira-api.md#remote-links). Pure arithmetic, no I/O.
#pragma once

#include <cstddef>
#include <string>

namespace bzjira::bench {

struct ApiLimits {
  int bugzilla_page = 1000;      // limit= per search page (BMO integration.rst)
  std::size_t url_limit = 8192;  // request target (path + query) BMO's Varnish accepts
  int bug_id_digits = 7;         // bug ids of the benchmark (and of BMO today)
  int jira_bulk_create = 50;     // POST issue/bulk
  int jira_search_page = 100;    // issues per search/jql page (docs/jira-api.md#cloud-search)
};

// Requests per system, and how they were counted (one line for people).
struct RequestFloor {
  long bugzilla = 0;
  long jira = 0;
  std::string how;
  long total() const { return bugzilla + jira; }
};

// Pages of a Bugzilla search returning `rows` bugs: the last page must be short, so a result that
// fills whole pages costs one empty page more (1,000 bugs: 2 pages).
long search_pages(long rows, const ApiLimits& limits);

// Bugs in one GET /rest/bug/<id>/comment?ids=...&ids=... whose target fits the URL limit: the
// first id in the path, every other one as "&ids=<id>"; with `with_since`, plus the new_since
// parameter (a percent-encoded RFC 3339 time). 681 for seven-digit ids without new_since.
long comment_batch_capacity(const ApiLimits& limits, bool with_since);

// Cold sync (empty state, empty Jira): Bugzilla time, the full search, the comments of the open
// bugs (resolved ones owe nothing), the histories of the `dated_bugs` open bugs whose whiteboard
// holds a Next update date (batched like comments: only the history says when the date was
// written, and a date applies only from then, sync/obligations.h); Jira: one search (finds
// nothing), bulk creates, and one remote link per created issue (the design links every issue to
// its bug: ARCHITECTURE.md, Idempotency). With `key_configured` (the mapping names an API key), the
// day's API key check too (key_check_floor).
RequestFloor cold_floor(long bugs, long open_bugs, long dated_bugs, long issues_to_create,
                        bool key_configured, const ApiLimits& limits);

// Steady sync (nothing changed): Bugzilla time and one search page of changes (empty); Jira: one
// search for issues changed since the last run. 3 requests whatever the size.
RequestFloor steady_floor(const ApiLimits& limits);

// The first scheduled sync after a run that wrote `rewritten_issues` issues (a cold sync), nothing
// changed since: the API minimum is the steady one (3), but a search of the issues updated since
// the previous search (+ a margin for Jira's index lag) also returns the issues that run wrote
// after its own search, ceil(rewritten / jira_search_page) pages. `how` states both.
RequestFloor first_after_writes_floor(long rewritten_issues, const ApiLimits& limits);

// Incremental sync after `changed_bugs` bugs each received one comment from someone who is not the
// CA: time, one page of changes, their new comments in batches (with new_since); Jira: one search
// of changed issues, bulk creates of the `new_issues` question issues and their remote links.
RequestFloor incremental_floor(long changed_bugs, long new_issues, const ApiLimits& limits);

// Live audit of every bug: the full search, every bug's comments, and every bug's history batched
// like comments (GET /rest/bug/<id>/history?ids=...: the REST layer merges path and query ids for
// history as for comments, docs/bugzilla-api.md#history; the simulator implements it). No server
// time. With `key_configured`, the API key check audit makes on every run (key_check_floor).
RequestFloor audit_live_floor(long bugs, bool key_configured, const ApiLimits& limits);

// The API key check (GET /rest/whoami, one Bugzilla request) that sync makes once a day per server
// and audit, status and snapshot on every run when the mapping names a key (ARCHITECTURE.md,
// 2026-12-02): a requirement, not overhead, since a server that ignored the key's header served
// restricted bugs' requests anonymously. Adds it to `f` and says so in its `how`.
void add_key_check(RequestFloor& f);

// Ceiling division for positive counts; 0 when `count` is 0.
long batches(long count, long size);

}  // namespace bzjira::bench
