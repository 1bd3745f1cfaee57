#include "sync/derived_cache.h"

#include <algorithm>
#include <charconv>
#include <tuple>

#include "sync/audit.h"
#include "sync/encoding.h"
#include "sync/obligation_context.h"

namespace bzjira::sync {

namespace {

// The byte format: "bzd1" then, per window, its fields in a fixed order, each a number or a text
// ("<length>:<bytes>") followed by ';'. An optional is "-" when empty.
const char* const k_format = "bzd1";

class Writer {
 public:
  void num(std::int64_t v) {
    m_out += std::to_string(v);
    m_out += ';';
  }
  void text(const std::string& s) {
    m_out += std::to_string(s.size());
    m_out += ':';
    m_out += s;
    m_out += ';';
  }
  template <typename T>
  void opt(const std::optional<T>& v) {
    if (v) {
      num(static_cast<std::int64_t>(*v));
    } else {
      m_out += "-;";
    }
  }
  void opt_instant(const std::optional<Instant>& v) {
    opt(v ? std::optional<std::int64_t>(v->time_since_epoch().count()) : std::nullopt);
  }
  void instant(Instant t) { num(t.time_since_epoch().count()); }
  std::string& out() { return m_out; }

 private:
  std::string m_out;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : m_in(in) {}

  bool at_end() const { return m_pos == m_in.size(); }
  bool expect(const std::string& word) {
    if (m_in.compare(m_pos, word.size(), word) != 0) {
      return false;
    }
    m_pos += word.size();
    return true;
  }
  bool num(std::int64_t& v) {
    const char* first = m_in.data() + m_pos;
    const char* last = m_in.data() + m_in.size();
    auto [end, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || end == last || *end != ';') {
      return false;
    }
    m_pos += static_cast<std::size_t>(end - first) + 1;
    return true;
  }
  bool text(std::string& s) {
    std::int64_t n = 0;
    const char* first = m_in.data() + m_pos;
    const char* last = m_in.data() + m_in.size();
    auto [end, ec] = std::from_chars(first, last, n);
    if (ec != std::errc() || end == last || *end != ':' || n < 0) {
      return false;
    }
    const std::size_t start = static_cast<std::size_t>(end - m_in.data()) + 1;
    const auto len = static_cast<std::size_t>(n);
    if (len > m_in.size() - start || start + len >= m_in.size() || m_in[start + len] != ';') {
      return false;
    }
    s.assign(m_in, start, len);
    m_pos = start + len + 1;
    return true;
  }
  template <typename T>
  bool opt(std::optional<T>& v) {
    if (expect("-;")) {
      v.reset();
      return true;
    }
    std::int64_t n = 0;
    if (!num(n)) {
      return false;
    }
    v = static_cast<T>(n);
    return true;
  }
  bool instant(Instant& t) {
    std::int64_t n = 0;
    if (!num(n)) {
      return false;
    }
    t = Instant{Seconds{n}};
    return true;
  }
  bool opt_instant(std::optional<Instant>& t) {
    std::optional<std::int64_t> n;
    if (!opt(n)) {
      return false;
    }
    t = n ? std::optional<Instant>(Instant{Seconds{*n}}) : std::nullopt;
    return true;
  }
  bool flag(bool& b) {
    std::int64_t n = 0;
    if (!num(n) || (n != 0 && n != 1)) {
      return false;
    }
    b = n == 1;
    return true;
  }

 private:
  const std::string& m_in;
  std::size_t m_pos = 0;
};

void write(Writer& w, const Obligation& o) {
  w.text(o.key);
  w.num(static_cast<int>(o.kind));
  w.num(o.bug_id);
  w.instant(o.start);
  w.instant(o.deadline);
  w.opt_instant(o.should_by);
  w.text(o.rule);
  w.opt(o.start_comment_id);
  w.opt(o.start_comment_count);
  w.text(o.start_author);
  w.opt(o.flag_id);
  w.num(o.start_comment_private ? 1 : 0);
  w.text(o.start_text);
  w.num(o.start_reopened ? 1 : 0);
  w.num(o.deadline_from_next_update ? 1 : 0);
  w.opt(o.next_update ? std::optional<std::int64_t>(
                            std::chrono::sys_days(*o.next_update).time_since_epoch().count())
                      : std::nullopt);
  w.num(o.days);
  w.opt_instant(o.satisfied_at);
  w.text(o.satisfied_by);
  w.opt(o.satisfied_comment_id);
  w.opt(o.satisfied_comment_count);
  w.opt_instant(o.ended_at);
  w.text(o.end_reason);
  w.num(static_cast<int>(o.status));
  w.num(o.late_seconds.count());
}

bool read(Reader& r, Obligation& o) {
  std::int64_t kind = 0, status = 0, days = 0, late = 0;
  std::optional<std::int64_t> next_update;
  const bool ok = r.text(o.key) && r.num(kind) && r.num(o.bug_id) && r.instant(o.start) &&
                  r.instant(o.deadline) && r.opt_instant(o.should_by) && r.text(o.rule) &&
                  r.opt(o.start_comment_id) && r.opt(o.start_comment_count) &&
                  r.text(o.start_author) && r.opt(o.flag_id) && r.flag(o.start_comment_private) &&
                  r.text(o.start_text) && r.flag(o.start_reopened) &&
                  r.flag(o.deadline_from_next_update) && r.opt(next_update) && r.num(days) &&
                  r.opt_instant(o.satisfied_at) && r.text(o.satisfied_by) &&
                  r.opt(o.satisfied_comment_id) && r.opt(o.satisfied_comment_count) &&
                  r.opt_instant(o.ended_at) && r.text(o.end_reason) && r.num(status) && r.num(late);
  if (!ok || kind < 0 || kind > static_cast<int>(ObligationKind::full_report) || status < 0 ||
      status > static_cast<int>(WindowStatus::void_) || days < -100000 || days > 100000 ||
      (next_update && (*next_update < -1000000 || *next_update > 1000000))) {
    return false;
  }
  o.kind = static_cast<ObligationKind>(kind);
  o.status = static_cast<WindowStatus>(status);
  o.days = static_cast<int>(days);
  o.late_seconds = Seconds{late};
  o.next_update.reset();
  if (next_update) {
    o.next_update = Date{std::chrono::sys_days{Days{*next_update}}};
  }
  return true;
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) {
    out += std::to_string(s.size()) + ":" + s + ";";
  }
  return out;
}

bool by_start(const Obligation& a, const Obligation& b) {
  return std::tie(a.start, a.key) < std::tie(b.start, b.key);
}

// The obligation keys an issue's labels name (bzq-, bzn-, bzu-, bzf-).
bool names_window_key(const std::string& label) {
  return label.size() > 4 && label[0] == 'b' && label[1] == 'z' && label[3] == '-' &&
         (label[2] == 'q' || label[2] == 'n' || label[2] == 'u' || label[2] == 'f');
}

}  // namespace

std::string derivation_fingerprint(const Mapping& mapping) {
  const PolicySettings& p = mapping.policy;
  std::string out = "engine " + std::to_string(k_engine_version) + "; ";
  out += joined({p.rules, std::to_string(p.response_days), std::to_string(p.update_days),
                 std::to_string(p.revocation_should_days), std::to_string(p.revocation_must_days),
                 p.full_report ? "1" : "0", std::to_string(p.full_report_days), p.closure_account});
  out += "; ca " + joined(mapping.bugzilla.ca_accounts);
  out += "; ignored " + joined(mapping.bugzilla.ignored_accounts);
  // Stored with every bug's derivation and compared on every run: the digest, not the text (a few
  // kilobytes with a few dozen CA accounts: 17.7 MB read per steady run at 5,000 bugs).
  return "engine " + std::to_string(k_engine_version) + " " + fnv1a_hex(out);
}

Instant settled_from(const BugRecord& record) {
  const Bug& bug = record.bug;
  Instant t = std::max(bug.creation_time, bug.last_change_time);
  if (bug.last_resolved) {
    t = std::max(t, *bug.last_resolved);
  }
  for (const Flag& f : bug.flags) {
    t = std::max({t, f.creation_date, f.modification_date});
  }
  for (const Comment& c : record.comments) {
    t = std::max(t, c.time + k_closure_slack);
  }
  for (const HistoryEntry& h : record.history) {
    t = std::max(t, h.when);
  }
  return t;
}

std::string encode_windows(const std::vector<Obligation>& windows) {
  Writer w;
  w.out() = k_format;
  w.num(static_cast<std::int64_t>(windows.size()));
  for (const Obligation& o : windows) {
    write(w, o);
  }
  return std::move(w.out());
}

std::optional<std::vector<Obligation>> decode_windows(const std::string& bytes) {
  Reader r(bytes);
  std::int64_t n = 0;
  if (!r.expect(k_format) || !r.num(n) || n < 0 ||
      static_cast<std::uint64_t>(n) > bytes.size()) {  // every window takes bytes
    return std::nullopt;
  }
  std::vector<Obligation> out(static_cast<std::size_t>(n));
  for (Obligation& o : out) {
    if (!read(r, o)) {
      return std::nullopt;
    }
  }
  if (!r.at_end()) {
    return std::nullopt;
  }
  return out;
}

void resettle(Obligation& window, Instant now) {
  if (!window.is_open()) {
    return;
  }
  window.status = now > window.deadline ? WindowStatus::overdue : WindowStatus::open;
  window.late_seconds = now - window.deadline;
}

std::vector<Obligation> DerivedWindows::derive_one(const BugRecord& record) {
  std::vector<Obligation> windows = obligation_windows(record, m_mapping.policy, m_accounts, m_now);
  ++m_derived;
  std::vector<Obligation> open, ended;
  for (Obligation& o : windows) {
    if (!o.is_open()) {
      // The plan quotes open windows only. Swapped with an empty string rather than cleared:
      // clear() keeps the text's allocation, and these windows stay in memory until the plan.
      std::string().swap(o.start_text);
    }
    (o.is_open() ? open : ended).push_back(o);
  }
  // A derivation that no later run may reuse is not stored: its bug is derived again anyway.
  const Instant settled = settled_from(record);
  if (settled <= m_now) {
    m_fresh.push_back(DerivedBug{record.bug.id, m_fingerprint, m_now, settled, encode_windows(open),
                                 encode_windows(ended)});
  } else if (!m_unsettled || settled < *m_unsettled) {
    m_unsettled = settled;
  }
  // Kept until the plan (derive_now): without the spare room the list's growth left.
  windows.shrink_to_fit();
  return windows;
}

void DerivedWindows::derive_now(const BugRecord& record) {
  if (in_scope(record.bug, m_mapping.bugzilla.scope)) {
    m_ready[record.bug.id] = derive_one(record);
  }
}

Result<std::vector<BugObligations>> DerivedWindows::derive(
    const std::map<BugId, BugRecord>& records, const std::set<BugId>& reread) {
  auto stored = m_store.load_derived();
  if (!stored) {
    return stored.error();
  }
  std::map<BugId, std::vector<Obligation>> reusable;
  for (DerivedBug& d : *stored) {
    auto it = records.find(d.bug_id);
    if (it == records.end() || m_ready.count(d.bug_id) != 0 || reread.count(d.bug_id) != 0 ||
        d.fingerprint != m_fingerprint || d.derived_at > m_now || d.settled_at > d.derived_at) {
      continue;
    }
    if (auto windows = decode_windows(d.open_windows)) {
      reusable[d.bug_id] = std::move(*windows);
    }
  }
  stored->clear();
  // Bugs to derive from the store's complete records (their derivation is missing or stale).
  std::vector<BugId> to_load;
  for (const auto& [id, record] : records) {
    if (in_scope(record.bug, m_mapping.bugzilla.scope) && reusable.count(id) == 0 &&
        m_ready.count(id) == 0) {
      to_load.push_back(id);
    }
  }
  for (std::size_t first = 0; first < to_load.size(); first += k_derive_chunk) {
    const std::size_t last = std::min(to_load.size(), first + k_derive_chunk);
    auto got =
        m_store.load_some_bugs(std::vector<BugId>(to_load.begin() + first, to_load.begin() + last));
    if (!got) {
      return got.error();
    }
    for (const BugRecord& r : *got) {
      m_ready[r.bug.id] = derive_one(r);
    }
  }
  std::vector<BugObligations> out;
  for (const auto& [id, head] : records) {
    if (!in_scope(head.bug, m_mapping.bugzilla.scope)) {
      continue;
    }
    BugObligations b;
    b.bug_id = id;
    b.summary = head.bug.summary;
    b.resolved = is_resolved_status(head.bug.status);
    b.resolution = head.bug.resolution;
    if (auto ready = m_ready.find(id); ready != m_ready.end()) {
      b.windows = std::move(ready->second);
      m_ready.erase(ready);
    } else if (auto hit = reusable.find(id); hit != reusable.end()) {
      b.windows = std::move(hit->second);
      for (Obligation& o : b.windows) {
        resettle(o, m_now);
      }
      m_from_cache.insert(id);
      ++m_reused;
    } else {
      // Not in the store either (a fake that keeps no records): derived from what is at hand.
      b.windows = derive_one(head);
    }
    out.push_back(std::move(b));
  }
  if (!m_fresh.empty()) {
    if (Status s = m_store.save_derived(m_fresh); !s) {
      return s.error();
    }
  }
  m_fresh.clear();
  return out;
}

Status DerivedWindows::add_ended(std::vector<BugObligations>& bugs,
                                 const std::vector<MirroredIssue>& mirrored) {
  if (m_from_cache.empty()) {
    return ok_status();
  }
  std::map<BugId, BugObligations*> by_id;
  for (BugObligations& b : bugs) {
    if (m_from_cache.count(b.bug_id) != 0) {
      by_id[b.bug_id] = &b;
    }
  }
  std::vector<BugId> wanted;
  for (const MirroredIssue& issue : mirrored) {
    const std::optional<BugId> bug = bug_id_of(issue);
    if (issue.category == StatusCategory::done || !bug) {
      continue;
    }
    auto it = by_id.find(*bug);
    if (it == by_id.end()) {
      continue;
    }
    const std::vector<Obligation>& open = it->second->windows;
    for (const std::string& label : issue.labels) {
      if (names_window_key(label) &&
          std::none_of(open.begin(), open.end(),
                       [&](const Obligation& o) { return o.key == label; })) {
        wanted.push_back(*bug);
        by_id.erase(it);  // once per bug
        break;
      }
    }
  }
  if (wanted.empty()) {
    return ok_status();
  }
  auto ended = m_store.load_ended(wanted);
  if (!ended) {
    return ended.error();
  }
  std::vector<BugId> damaged;
  for (BugObligations& b : bugs) {
    auto it = ended->find(b.bug_id);
    if (it == ended->end()) {
      continue;
    }
    auto windows = decode_windows(it->second);
    if (!windows) {
      damaged.push_back(b.bug_id);
      continue;
    }
    b.windows.insert(b.windows.end(), windows->begin(), windows->end());
    std::stable_sort(b.windows.begin(), b.windows.end(), by_start);
  }
  if (damaged.empty()) {
    return ok_status();
  }
  // A damaged row is not trusted: those bugs are derived from their records.
  auto records = m_store.load_some_bugs(damaged);
  if (!records) {
    return records.error();
  }
  for (const BugRecord& record : *records) {
    for (BugObligations& b : bugs) {
      if (b.bug_id == record.bug.id) {
        b.windows = obligation_windows(record, m_mapping.policy, m_accounts, m_now);
      }
    }
  }
  return ok_status();
}

}  // namespace bzjira::sync
