#include "sync/bug_history.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "sync/whiteboard.h"

namespace bzjira::sync {

std::string to_lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = fold_ascii(c);
  }
  return out;
}

namespace {

// The plain scan: for short texts (Markdown heading lines), where building a skip table costs
// more than it saves.
bool contains_ci_plain(std::string_view haystack, std::string_view lower_needle) {
  const char first = lower_needle.front();
  const char first_upper = first >= 'a' && first <= 'z' ? static_cast<char>(first - 32) : first;
  const std::size_t last = haystack.size() - lower_needle.size();
  for (std::size_t i = 0; i <= last; ++i) {
    if (haystack[i] != first && haystack[i] != first_upper) {
      continue;
    }
    std::size_t j = 1;
    while (j < lower_needle.size() && fold_ascii(haystack[i + j]) == lower_needle[j]) {
      ++j;
    }
    if (j == lower_needle.size()) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool contains_ci(std::string_view haystack, std::string_view lower_needle) {
  if (lower_needle.empty()) {
    return true;
  }
  if (haystack.size() < lower_needle.size()) {
    return false;
  }
  const std::size_t n = lower_needle.size();
  // Called on every CA comment's full text (closure-summary checks, needles of 20-odd
  // characters): Horspool's skip over the folded last character of each window reads about one
  // character in n instead of every one.
  if (n < 4 || haystack.size() < 256) {
    return contains_ci_plain(haystack, lower_needle);
  }
  std::array<std::size_t, 256> skip;
  skip.fill(n);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    skip[static_cast<unsigned char>(lower_needle[i])] = n - 1 - i;
  }
  const char last_char = lower_needle[n - 1];
  for (std::size_t pos = 0; pos + n <= haystack.size();) {
    const char tail = fold_ascii(haystack[pos + n - 1]);
    if (tail == last_char) {
      std::size_t j = 0;
      while (j + 1 < n && fold_ascii(haystack[pos + j]) == lower_needle[j]) {
        ++j;
      }
      if (j + 1 == n) {
        return true;
      }
    }
    pos += skip[static_cast<unsigned char>(tail)];
  }
  return false;
}

std::vector<const HistoryEntry*> sorted_history(const std::vector<HistoryEntry>& history,
                                                Instant now) {
  std::vector<const HistoryEntry*> out;
  out.reserve(history.size());
  for (const HistoryEntry& entry : history) {
    if (entry.when <= now) {
      out.push_back(&entry);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const HistoryEntry* a, const HistoryEntry* b) { return a->when < b->when; });
  return out;
}

namespace {

std::string resolved_reason(const std::string& resolution) {
  return resolution.empty() ? "bug resolved" : "bug resolved (" + resolution + ")";
}

}  // namespace

ResolutionTimeline::ResolutionTimeline(const Bug& bug,
                                       const std::vector<const HistoryEntry*>& history,
                                       Instant now) {
  bool resolved = false;
  for (const HistoryEntry* entry : history) {
    const FieldChange* status = nullptr;
    std::string resolution;
    for (const FieldChange& change : entry->changes) {
      if (change.field_name == "status" || change.field_name == "bug_status") {
        status = &change;
      } else if (change.field_name == "resolution") {
        resolution = change.added;
      }
    }
    if (status == nullptr) {
      continue;
    }
    const bool now_resolved = is_resolved_status(status->added);
    if (now_resolved && !resolved) {
      m_periods.push_back(
          ResolvedPeriod{entry->when, std::nullopt, resolved_reason(resolution), {}});
    } else if (!now_resolved && resolved) {
      m_periods.back().end = entry->when;
      m_periods.back().reopened_by = entry->who;
    }
    resolved = now_resolved;
  }

  if (is_resolved_status(bug.status)) {
    // cf_last_resolved is the server's own answer; the history is the fallback, then the last
    // change.
    Instant at = bug.last_change_time;
    if (bug.last_resolved) {
      at = *bug.last_resolved;
    } else if (resolved) {
      at = m_periods.back().start;
    }
    if (!resolved) {
      m_periods.push_back(ResolvedPeriod{at, std::nullopt, {}, {}});
    }
    ResolvedPeriod& current = m_periods.back();
    current.start = at;
    current.reason = resolved_reason(bug.resolution);
    if (m_periods.size() >= 2 && m_periods[m_periods.size() - 2].end &&
        current.start < *m_periods[m_periods.size() - 2].end) {
      current.start = *m_periods[m_periods.size() - 2].end;
    }
  } else if (resolved) {
    // The bug is open but its reopening is missing from the history: the current status wins.
    m_periods.pop_back();
  }
  while (!m_periods.empty() && m_periods.back().start > now) {
    m_periods.pop_back();
  }
  if (!m_periods.empty() && m_periods.back().end && *m_periods.back().end > now) {
    m_periods.back().end.reset();
    m_periods.back().reopened_by.clear();
  }
}

bool ResolutionTimeline::resolved_at(Instant t) const {
  for (const ResolvedPeriod& period : m_periods) {
    if (period.start <= t && (!period.end || t < *period.end)) {
      return true;
    }
  }
  return false;
}

const ResolvedPeriod* ResolutionTimeline::first_after(Instant t) const {
  const auto it = std::lower_bound(
      m_periods.begin(), m_periods.end(), t,
      [](const ResolvedPeriod& period, Instant value) { return period.start < value; });
  return it == m_periods.end() ? nullptr : &*it;
}

WhiteboardTimeline::WhiteboardTimeline(const Bug& bug, const std::vector<HistoryEntry>& history) {
  std::vector<std::pair<Instant, const std::string*>> changes;
  std::string initial;
  for (const HistoryEntry* entry : sorted_history(history, Instant::max())) {
    for (const FieldChange& change : entry->changes) {
      if (change.field_name == "whiteboard" || change.field_name == "status_whiteboard") {
        if (changes.empty()) {
          initial = change.removed;
        }
        if (!changes.empty() && changes.back().first == entry->when) {
          changes.back().second = &change.added;  // one edit in one second: the last value wins
        } else {
          changes.emplace_back(entry->when, &change.added);
        }
      }
    }
  }
  // The bug's own field is authoritative for the latest value (history values may be abridged).
  m_states.reserve(changes.size() + 1);
  m_states.push_back(WhiteboardState{
      Instant::min(), changes.empty() ? bug.whiteboard : initial, {}, Instant::min()});
  for (std::size_t i = 0; i < changes.size(); ++i) {
    m_states.push_back(WhiteboardState{
        changes[i].first, i + 1 == changes.size() ? bug.whiteboard : *changes[i].second, {}, {}});
  }
  for (std::size_t i = 0; i < m_states.size(); ++i) {
    WhiteboardState& state = m_states[i];
    state.info = parse_whiteboard(state.value);
    state.date_written = i > 0 && state.info.next_update == m_states[i - 1].info.next_update
                             ? m_states[i - 1].date_written
                             : state.from;
  }
}

std::size_t WhiteboardTimeline::index_at(Instant t) const {
  const auto it = std::upper_bound(
      m_states.begin() + 1, m_states.end(), t,
      [](Instant value, const WhiteboardState& state) { return value < state.from; });
  return static_cast<std::size_t>(it - m_states.begin()) - 1;
}

std::vector<Instant> WhiteboardTimeline::close_marker_added(Instant now, Instant fallback) const {
  std::vector<Instant> out;
  bool had = m_states.front().info.close_on.has_value();
  if (had && fallback <= now) {
    out.push_back(fallback);
  }
  for (std::size_t i = 1; i < m_states.size(); ++i) {
    if (m_states[i].from > now) {
      break;
    }
    const bool has = m_states[i].info.close_on.has_value();
    if (has && !had) {
      out.push_back(m_states[i].from);
    }
    had = has;
  }
  return out;
}

namespace {

// The whiteboard's dates: the Next update date (or a malformed one) moves deadlines, a close
// marker ends the cadence (`with_close` only: a resolved bug's cadence has ended anyway).
bool dated_facts_differ(const WhiteboardInfo& a, const WhiteboardInfo& b, bool with_close) {
  return a.next_update != b.next_update || a.next_update_malformed != b.next_update_malformed ||
         (with_close && a.close_on != b.close_on);
}

}  // namespace

bool needs_history(const Bug& now, const BugRecord* before) {
  const bool resolved = is_resolved_status(now.status);
  // A resolution the server does not date.
  if (resolved && !now.last_resolved &&
      (before == nullptr || !is_resolved_status(before->bug.status))) {
    return true;
  }
  // A reopening: the history dates it (and says who reopened).
  if (!resolved) {
    if (before == nullptr ? now.status == "REOPENED" || now.last_resolved.has_value()
                          : is_resolved_status(before->bug.status) ||
                                before->bug.last_resolved != now.last_resolved) {
      return true;
    }
  }
  // The whiteboard's dates: when each was written decides the deadlines of the windows it saw.
  const WhiteboardInfo wb = parse_whiteboard(now.whiteboard);
  if (before == nullptr) {
    if (wb.next_update || wb.next_update_malformed || (!resolved && wb.close_on)) {
      return true;
    }
  } else if (before->bug.whiteboard != now.whiteboard &&
             dated_facts_differ(parse_whiteboard(before->bug.whiteboard), wb, !resolved)) {
    return true;
  }
  // A needinfo that disappeared: only the history says who cleared it, and when.
  if (before == nullptr) {
    return false;
  }
  for (const Flag& old : before->bug.flags) {
    if (!is_open_needinfo(old)) {
      continue;
    }
    const bool still = std::any_of(now.flags.begin(), now.flags.end(), [&](const Flag& f) {
      return f.id == old.id && is_open_needinfo(f);
    });
    if (!still) {
      return true;
    }
  }
  return false;
}

namespace {

// The requestees of "needinfo?(login)" items in a flag list such as "review?, needinfo?(a@b.c)".
std::vector<std::string> needinfo_requestees(std::string_view value) {
  constexpr std::string_view k_prefix = "needinfo?(";
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= value.size()) {
    std::size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) {
      comma = value.size();
    }
    std::string_view item = value.substr(pos, comma - pos);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) {
      item.remove_prefix(1);
    }
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) {
      item.remove_suffix(1);
    }
    if (item.size() > k_prefix.size() + 1 &&
        to_lower_ascii(item.substr(0, k_prefix.size())) == k_prefix && item.back() == ')') {
      out.emplace_back(item.substr(k_prefix.size(), item.size() - k_prefix.size() - 1));
    }
    pos = comma + 1;
  }
  return out;
}

bool has_login(const std::vector<std::string>& logins, const std::string& login) {
  const std::string lower = to_lower_ascii(login);
  return std::any_of(logins.begin(), logins.end(),
                     [&](const std::string& l) { return to_lower_ascii(l) == lower; });
}

}  // namespace

std::vector<NeedinfoEvent> needinfo_events(const std::vector<const HistoryEntry*>& history) {
  std::vector<NeedinfoEvent> out;
  for (const HistoryEntry* entry : history) {
    for (const FieldChange& change : entry->changes) {
      if (change.field_name != "flagtypes.name") {
        continue;
      }
      const auto removed = needinfo_requestees(change.removed);
      const auto added = needinfo_requestees(change.added);
      for (const std::string& login : removed) {
        if (!has_login(added, login)) {
          out.push_back(NeedinfoEvent{entry->when, login, entry->who, false});
        }
      }
      for (const std::string& login : added) {
        if (!has_login(removed, login)) {
          out.push_back(NeedinfoEvent{entry->when, login, entry->who, true});
        }
      }
    }
  }
  return out;
}

}  // namespace bzjira::sync
