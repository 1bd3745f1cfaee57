// In-memory StateStore for the core's tests, with write counters and per-call fault injection, and
// the fault helpers every fake shares (tests/unit/fakes.h). Test-only.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sync/state.h"

namespace bzjira::sync::testing {

// Thrown by a hook to simulate the process dying at that point.
struct SimulatedCrash : std::runtime_error {
  SimulatedCrash() : std::runtime_error("simulated crash") {}
};

// Per-method errors for the next calls: fail("search_bugs", transient) makes the next call fail.
class Faults {
 public:
  void fail(const std::string& method, ErrorKind kind = ErrorKind::transient, int times = 1) {
    for (int i = 0; i < times; ++i) {
      m_queued[method].push_back(make_error(kind, "injected failure of " + method));
    }
  }
  std::optional<Error> take(const std::string& method) {
    auto it = m_queued.find(method);
    if (it == m_queued.end() || it->second.empty()) {
      return std::nullopt;
    }
    Error e = it->second.front();
    it->second.erase(it->second.begin());
    return e;
  }

 private:
  std::map<std::string, std::vector<Error>> m_queued;
};

// ---------------------------------------------------------------- state

class FakeStateStore final : public StateStore {
 public:
  std::map<BugId, BugRecord> bugs;
  std::map<BugId, DerivedBug> derived;
  int derived_saves = 0;
  std::optional<Instant> mark;
  std::map<std::string, MirrorEntry> mirror_map;
  std::map<std::string, MirroredIssue> mirror_state;  // by issue key
  std::vector<JournalEntry> entries;
  std::map<std::string, ReplyRecord> reply_map;
  std::map<std::string, std::string> meta;
  std::vector<RunRecord> runs;
  SearchMarks marks;
  std::map<std::string, PendingComment> comment_marks;                    // by step
  std::map<std::pair<std::string, std::string>, PendingLink> link_marks;  // by key and global id
  std::optional<SteadyMark> steady;  // dropped by every write it speaks for, as in SqliteStore
  int steady_saves = 0;
  int writes = 0;  // every mutating call
  Faults faults;
  std::function<void(const MirrorEntry&)> on_put_mirror;

  Result<std::vector<BugRecord>> load_bugs() override {
    std::vector<BugRecord> out;
    for (const auto& [id, r] : bugs) {
      out.push_back(r);
    }
    return out;
  }
  Status save_bugs(const std::vector<BugRecord>& records) override {
    if (auto e = write("save_bugs")) {
      return *e;
    }
    for (const BugRecord& r : records) {
      bugs[r.bug.id] = r;
      derived.erase(r.bug.id);
    }
    return ok_status();
  }
  // Like SqliteStore: heads without comments and history, derivations dropped with their bug.
  Result<std::vector<BugRecord>> load_bug_heads() override {
    std::vector<BugRecord> out;
    for (const auto& [id, r] : bugs) {
      out.push_back(BugRecord{r.bug, {}, {}});
    }
    return out;
  }
  Result<std::vector<BugRecord>> load_some_bugs(const std::vector<BugId>& ids) override {
    std::vector<BugRecord> out;
    for (const auto& [id, r] : bugs) {
      if (std::find(ids.begin(), ids.end(), id) != ids.end()) {
        out.push_back(r);
      }
    }
    return out;
  }
  Result<std::vector<DerivedBug>> load_derived() override {
    std::vector<DerivedBug> out;
    for (const auto& [id, d] : derived) {
      out.push_back(d);
      out.back().ended_windows.clear();
    }
    return out;
  }
  Result<std::map<BugId, std::string>> load_ended(const std::vector<BugId>& ids) override {
    std::map<BugId, std::string> out;
    for (BugId id : ids) {
      if (auto it = derived.find(id); it != derived.end()) {
        out[id] = it->second.ended_windows;
      }
    }
    return out;
  }
  // Not counted in `writes`: the derived cache is a cache of the bug cache, no state a run's
  // outcome depends on.
  Status save_derived(const std::vector<DerivedBug>& rows) override {
    if (auto e = faults.take("save_derived")) {
      return *e;
    }
    steady.reset();
    for (const DerivedBug& d : rows) {
      if (bugs.count(d.bug_id) != 0) {
        derived[d.bug_id] = d;
      }
    }
    ++derived_saves;
    return ok_status();
  }
  Status remove_bugs(const std::vector<BugId>& ids) override {
    if (auto e = write("remove_bugs")) {
      return *e;
    }
    for (BugId id : ids) {
      bugs.erase(id);
      derived.erase(id);
    }
    return ok_status();
  }
  Result<std::optional<Instant>> watermark() override { return mark; }
  Status set_watermark(Instant t) override {
    if (auto e = write("set_watermark")) {
      return *e;
    }
    mark = t;
    return ok_status();
  }
  Result<std::map<std::string, MirrorEntry>> mirrors() override { return mirror_map; }
  Status put_mirror(const MirrorEntry& entry) override {
    if (auto e = write("put_mirror")) {
      return *e;
    }
    mirror_map[entry.obligation_key] = entry;
    if (on_put_mirror) {
      on_put_mirror(entry);
    }
    return ok_status();
  }
  Status remove_mirror(const std::string& key) override {
    if (auto e = write("remove_mirror")) {
      return *e;
    }
    mirror_map.erase(key);
    return ok_status();
  }
  Result<std::vector<MirroredIssue>> mirror_states() override {
    if (auto e = faults.take("mirror_states")) {
      return *e;
    }
    std::vector<MirroredIssue> out;
    for (const auto& [key, issue] : mirror_state) {
      out.push_back(issue);
    }
    return out;
  }
  Status save_mirror_states(const std::vector<MirroredIssue>& issues, bool replace_all) override {
    if (auto e = write("save_mirror_states")) {
      return *e;
    }
    if (replace_all) {
      mirror_state.clear();
    }
    for (const MirroredIssue& issue : issues) {
      mirror_state[issue.key] = issue;
    }
    return ok_status();
  }
  Result<std::int64_t> record(const JournalEntry& entry) override {
    if (auto e = write("record")) {
      return *e;
    }
    entries.push_back(entry);
    entries.back().id = static_cast<std::int64_t>(entries.size());
    return entries.back().id;
  }
  Status update(std::int64_t id, JournalState state, const std::string& detail) override {
    if (auto e = write("update")) {
      return *e;
    }
    if (id < 1 || id > static_cast<std::int64_t>(entries.size())) {
      return make_error(ErrorKind::not_found, "no journal entry");
    }
    entries[static_cast<std::size_t>(id - 1)].state = state;
    entries[static_cast<std::size_t>(id - 1)].detail = detail;
    return ok_status();
  }
  Result<std::vector<JournalEntry>> journal(const std::string& run_id) override {
    std::vector<JournalEntry> out;
    for (const JournalEntry& e : entries) {
      if (e.run_id == run_id) {
        out.push_back(e);
      }
    }
    return out;
  }
  Result<std::map<std::string, ReplyRecord>> replies() override { return reply_map; }
  Status put_reply(const ReplyRecord& reply) override {
    if (auto e = write("put_reply")) {
      return *e;
    }
    reply_map[reply.jira_comment_id] = reply;
    return ok_status();
  }
  Status remove_reply(const std::string& jira_comment_id) override {
    if (auto e = write("remove_reply")) {
      return *e;
    }
    reply_map.erase(jira_comment_id);
    return ok_status();
  }
  Result<std::optional<std::string>> get_meta(const std::string& key) override {
    auto it = meta.find(key);
    return it == meta.end() ? std::optional<std::string>{} : std::optional<std::string>{it->second};
  }
  Status set_meta(const std::string& key, const std::string& value) override {
    if (auto e = write("set_meta")) {
      return *e;
    }
    meta[key] = value;
    return ok_status();
  }
  Status record_run(const RunRecord& run) override {
    if (auto e = write("record_run")) {
      return *e;
    }
    runs.push_back(run);
    return ok_status();
  }
  Result<SearchMarks> search_marks() override {
    if (auto e = faults.take("search_marks")) {
      return *e;
    }
    return marks;
  }
  Status set_search_marks(const SearchMarks& m) override {
    if (auto e = write("set_search_marks")) {
      return *e;
    }
    marks = m;
    return ok_status();
  }
  Result<std::vector<PendingComment>> pending_comments() override {
    std::vector<PendingComment> out;
    for (const auto& [step, c] : comment_marks) {
      out.push_back(c);
    }
    return out;
  }
  Status put_pending_comment(const PendingComment& c) override {
    if (auto e = write("put_pending_comment")) {
      return *e;
    }
    comment_marks[c.step] = c;
    return ok_status();
  }
  Status remove_pending_comments(const std::vector<std::string>& steps) override {
    if (auto e = write("remove_pending_comments")) {
      return *e;
    }
    for (const std::string& step : steps) {
      comment_marks.erase(step);
    }
    return ok_status();
  }
  Result<std::vector<PendingLink>> pending_links() override {
    std::vector<PendingLink> out;
    for (const auto& [id, l] : link_marks) {
      out.push_back(l);
    }
    return out;
  }
  Status put_pending_links(const std::vector<PendingLink>& links) override {
    if (auto e = write("put_pending_links")) {
      return *e;
    }
    for (const PendingLink& l : links) {
      link_marks[{l.obligation_key, l.link.global_id}] = l;
    }
    return ok_status();
  }
  Status remove_pending_links(const std::vector<PendingLink>& links) override {
    if (auto e = write("remove_pending_links")) {
      return *e;
    }
    for (const PendingLink& l : links) {
      link_marks.erase({l.obligation_key, l.link.global_id});
    }
    return ok_status();
  }

  Result<std::optional<SteadyMark>> steady_mark() override {
    if (auto e = faults.take("steady_mark")) {
      return *e;
    }
    return steady;
  }
  // Not counted in `writes`, like save_derived: the mark is a cache of an evaluation.
  Status set_steady_mark(const std::optional<SteadyMark>& value) override {
    if (auto e = faults.take("set_steady_mark")) {
      return *e;
    }
    steady = value;
    ++steady_saves;
    return ok_status();
  }

 private:
  std::optional<Error> write(const std::string& method) {
    ++writes;
    ++writes_by[method];
    // What SqliteStore's triggers do: every write but these drops the steady mark.
    if (method != "set_watermark" && method != "set_search_marks" && method != "record" &&
        method != "update" && method != "record_run") {
      steady.reset();
    }
    return faults.take(method);
  }

 public:
  std::map<std::string, int> writes_by;
};

}  // namespace bzjira::sync::testing
