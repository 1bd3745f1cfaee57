// The run's view of every mirrored Jira issue without reading them all each time: the states kept
// in the store from earlier searches and actions, overlaid with a search of the issues updated
// since the previous search (a full search once a day, or when the marks say nothing useful).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sync/ports.h"
#include "sync/result.h"
#include "sync/state.h"
#include "sync/time.h"

namespace bzjira::sync {

// Jira's search index lags behind its writes (docs/jira-api.md#search-lag: "Recent updates might
// not be immediately visible"), and `now` and Jira's clock are two clocks: every incremental
// search reaches this much further back than the previous one.
constexpr Seconds k_jira_search_margin{600};
// Issues deleted in Jira, moved out of the project or stripped of the "bzjira" label never show up
// in a search of updated issues: a full search this often forgets them.
constexpr Seconds k_jira_full_search_every{86400};

// What the store remembers about the previous Jira searches (meta values).
struct JiraSearchMarks {
  std::optional<Instant> last_search;       // the run's `now` at the last successful search
  std::optional<Instant> last_full_search;  // the same, for the last full one
  std::string scope;  // what those searches were about (jira_search_scope); empty when unknown
};

// The project and deadline field a search's states are about: a mapping that changes either needs
// a full search.
std::string jira_search_scope(const Mapping& mapping);

// The `updated_within` period of this run's search: (now - last_search) + k_jira_search_margin.
// nullopt (a full search) when a mark is missing, `scope` differs from the marks', the clock went
// backwards (now < last_search), or the last full search is k_jira_full_search_every old or more.
std::optional<Seconds> jira_search_window(const JiraSearchMarks& marks, const std::string& scope,
                                          Instant now);

// `stored` overlaid with `fresh` (a fresh issue replaces the stored one of its key), ordered by
// issue key.
std::vector<MirroredIssue> merge_mirrored(std::vector<MirroredIssue> stored,
                                          std::vector<MirroredIssue> fresh);

// Reads and writes the Jira part of the store's SearchMarks (one write). Errors: the store's.
Result<JiraSearchMarks> read_jira_marks(StateStore& store);
// After a successful search at `now`: the last search, and for a full one its time and `scope`.
Status write_jira_marks(StateStore& store, Instant now, bool full, const std::string& scope);

// An IssueTracker that forwards to `inner` (IssueTrackerWrapper) and, after each write Jira
// accepted, saves the issue's new state to the store (StateStore::save_mirror_states), so a search
// that does not show the change yet does not undo it: a create (from the draft: status "To Do", no
// `updated`), an update (the fields it set), a transition (category, and a placeholder status name
// and resolution until the next search). Comments and remote links change no field of
// MirroredIssue: nothing is saved (Jira's `updated` moves, so the next search shows the issue again
// anyway). `known` is the view the plan was made from. A failed store write does not fail the
// action; it is kept in errors().
class RecordingTracker final : public IssueTrackerWrapper {
 public:
  RecordingTracker(IssueTracker& inner, StateStore& store, const std::vector<MirroredIssue>& known,
                   std::string default_resolution);

  std::vector<Result<CreatedIssue>> create_issues(const std::vector<IssueDraft>& drafts) override;
  Status update_issue(const std::string& key, const IssueUpdate& update) override;
  Status transition(const std::string& key, StatusCategory target,
                    const std::optional<std::string>& resolution) override;

  const std::vector<Error>& errors() const { return m_errors; }

 private:
  void save(const std::vector<MirroredIssue>& issues);

  StateStore& m_store;
  std::map<std::string, MirroredIssue> m_known;  // by issue key
  std::string m_default_resolution;
  std::vector<Error> m_errors;
};

}  // namespace bzjira::sync
