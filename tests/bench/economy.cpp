#include "tests/bench/economy.h"

#include <algorithm>

namespace bzjira::bench {

namespace {

std::string n(long value) { return std::to_string(value); }

}  // namespace

long batches(long count, long size) { return count <= 0 ? 0 : (count + size - 1) / size; }

long search_pages(long rows, const ApiLimits& limits) {
  return std::max(0L, rows) / limits.bugzilla_page + 1;
}

long comment_batch_capacity(const ApiLimits& limits, bool with_since) {
  const long digits = limits.bug_id_digits;
  // "/rest/bug/" + id + "/comment"
  long base = 10 + digits + 8;
  if (with_since) {
    // "?new_since=" + "2026-11-26T12%3A00%3A00Z" (the colons percent-encoded)
    base += 11 + 24;
  }
  const long per_id = 5 + digits;  // "&ids=" (or "?ids=") + id
  const long room = static_cast<long>(limits.url_limit) - base;
  return room < 0 ? 1 : 1 + room / per_id;
}

namespace {

// A sync that pages a search, reads the comments of `read_bugs` (whole: bzjira reads a changed
// bug's comments without new_since) and creates `new_issues` issues with their remote links.
RequestFloor sync_floor(long searched_bugs, long read_bugs, const std::string& which,
                        long new_issues, const ApiLimits& limits) {
  RequestFloor f;
  const long pages = search_pages(searched_bugs, limits);
  const long comment_batches = batches(read_bugs, comment_batch_capacity(limits, false));
  const long bulk = batches(new_issues, limits.jira_bulk_create);
  f.bugzilla = 1 + pages + comment_batches;
  f.jira = 1 + bulk + new_issues;
  f.how = "Bugzilla: 1 time + " + n(pages) + " search page(s) + " + n(comment_batches) +
          " comment batch(es) of the " + n(read_bugs) + " " + which + " bugs; Jira: 1 search + " +
          n(bulk) + " bulk create(s) + " + n(new_issues) + " remote links";
  return f;
}

}  // namespace

void add_key_check(RequestFloor& f) {
  f.bugzilla += 1;
  f.how +=
      "; Bugzilla: 1 API key check (whoami: required since a server was found ignoring the "
      "key's header and answering anonymously)";
}

RequestFloor cold_floor(long bugs, long open_bugs, long dated_bugs, long issues_to_create,
                        bool key_configured, const ApiLimits& limits) {
  RequestFloor f = sync_floor(bugs, open_bugs, "open", issues_to_create, limits);
  // "/rest/bug/<id>/history" is as long as ".../comment": the same capacity.
  const long history_batches = batches(dated_bugs, comment_batch_capacity(limits, false));
  f.bugzilla += history_batches;
  f.how += "; Bugzilla: " + n(history_batches) + " history batch(es) of the " + n(dated_bugs) +
           " open bugs with a Next update date";
  if (key_configured) {
    add_key_check(f);
  }
  return f;
}

RequestFloor steady_floor(const ApiLimits& limits) {
  RequestFloor f;
  f.bugzilla = 1 + search_pages(0, limits);
  f.jira = 1;
  f.how = "Bugzilla: 1 time + 1 (empty) search page; Jira: 1 search of changed issues";
  return f;
}

RequestFloor first_after_writes_floor(long rewritten_issues, const ApiLimits& limits) {
  RequestFloor f = steady_floor(limits);
  const long pages = std::max(1L, batches(rewritten_issues, limits.jira_search_page));
  f.how += " (as steady); bzjira's incremental search also re-reads the " + n(rewritten_issues) +
           " issues the previous run wrote after its search: expected Bugzilla 2 + Jira " +
           n(pages) + " search page(s) = " + n(2 + pages);
  return f;
}

RequestFloor incremental_floor(long changed_bugs, long new_issues, const ApiLimits& limits) {
  return sync_floor(changed_bugs, changed_bugs, "changed", new_issues, limits);
}

RequestFloor audit_live_floor(long bugs, bool key_configured, const ApiLimits& limits) {
  RequestFloor f;
  const long pages = search_pages(bugs, limits);
  const long per_batch = comment_batch_capacity(limits, false);
  const long comment_batches = batches(bugs, per_batch);
  // "/rest/bug/<id>/history" is as long as ".../comment": the same capacity.
  const long history_batches = batches(bugs, per_batch);
  f.bugzilla = pages + comment_batches + history_batches;
  f.how = "Bugzilla: " + n(pages) + " search page(s) + " + n(comment_batches) +
          " comment batch(es) + " + n(history_batches) + " history batch(es)";
  if (key_configured) {
    add_key_check(f);
  }
  return f;
}

}  // namespace bzjira::bench
