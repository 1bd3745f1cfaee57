// The trail of an action (the comments and remote links it adds to Jira) kept whole across a run
// that dies between two requests: each step that Jira would not let the next plan see is marked
// in the state store before it is sent and cleared after; the next run finishes or checks what an
// earlier run left marked, so nothing is lost and nothing is written twice.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sync/ports.h"
#include "sync/result.h"
#include "sync/rich_text.h"
#include "sync/state.h"
#include "sync/time.h"

namespace bzjira::sync {

// What earlier runs left marked, and this run's marks. Not thread-safe; one per run.
class Trail {
 public:
  explicit Trail(StateStore& store) : m_store(store) {}

  // Reads the marks (StateStore::pending_comments, pending_links).
  Status load();

  // A mark `step` left by an earlier run (or earlier in this run) whose comment may or may not
  // have landed; empty when there is none.
  std::optional<PendingComment> pending_comment(const std::string& step) const;
  // Marks the comment of `step` as being sent (persisted before returning; one write).
  Status begin_comment(const std::string& step, const RichText& body, Instant at);
  // The action of `step` finished (its comment landed or was found): clears the mark.
  Status end_comment(const std::string& step);
  // Clears, in one write, the comment marks of earlier runs whose step is not in `keep` (their
  // action was not planned again: it completed before the run died).
  Status forget_comments_except(const std::set<std::string>& keep);

  // Links of created issues that earlier runs did not confirm.
  std::vector<PendingLink> pending_links() const;
  // Marks these links as being sent, in one write.
  Status begin_links(const std::vector<PendingLink>& links);
  // Clears the marks of these links (by obligation key and global id), in one write.
  Status end_links(const std::vector<PendingLink>& links);

 private:
  StateStore& m_store;
  std::map<std::string, PendingComment> m_comments;
  std::map<std::string, PendingLink> m_links;  // by "<obligation key> <global id>"
};

// The text by which a comment is recognized on Jira: the first 64 ASCII letters and digits (lower
// case) of its first block, up to and including its first link's text, so that ADF flattening or
// wiki escaping on the way back cannot hide it. Empty for a comment without letters or digits.
std::string comment_fingerprint(const RichText& body);
std::string text_fingerprint(const std::string& plain_text);

// Whether `issue_key` has a comment created at or after `since` whose text contains
// `fingerprint` (one comments request). An empty fingerprint is never found.
Result<bool> comment_landed(IssueTracker& tracker, const std::string& issue_key,
                            const std::string& fingerprint, Instant since);

}  // namespace bzjira::sync
