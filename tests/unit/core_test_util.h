// Small builders for the core's tests: bugs with comments, flags and history written inline, so
// each test case shows its whole input (Ninja's style). Test-only; links nothing but the core.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sync/model.h"
#include "sync/obligations.h"
#include "sync/time.h"

namespace bzjira::sync::testing {

inline Instant at(const char* text) {
  const auto t = parse_rfc3339(text);
  REQUIRE(t.has_value());
  return *t;
}

// A bug under construction. Times are RFC 3339 strings.
class BugMaker {
 public:
  BugMaker(BugId id, const char* created, const char* creator) {
    m_r.bug.id = id;
    m_r.bug.summary = "Example CA: test bug " + std::to_string(id);
    m_r.bug.status = "ASSIGNED";
    m_r.bug.product = "CA Program";
    m_r.bug.component = "CA Certificate Compliance";
    m_r.bug.creator = creator;
    m_r.bug.assigned_to = creator;
    m_r.bug.creation_time = at(created);
    m_r.bug.last_change_time = m_r.bug.creation_time;
  }

  BugMaker& comment(CommentId id, int count, const char* who, const char* when,
                    std::string text = "text", bool is_private = false) {
    Comment c;
    c.id = id;
    c.bug_id = m_r.bug.id;
    c.count = count;
    c.creator = who;
    c.time = at(when);
    c.text = std::move(text);
    c.is_private = is_private;
    m_r.comments.push_back(std::move(c));
    return *this;
  }

  BugMaker& needinfo(FlagId id, const char* setter, const char* requestee, const char* when,
                     const char* status = "?") {
    Flag f;
    f.id = id;
    f.name = "needinfo";
    f.type_id = 1;  // not BMO's 800: the engine must match on the name
    f.status = status;
    f.setter = setter;
    f.requestee = requestee;
    f.creation_date = at(when);
    f.modification_date = f.creation_date;
    m_r.bug.flags.push_back(std::move(f));
    return *this;
  }

  BugMaker& change(const char* when, const char* who, const char* field, const char* removed,
                   const char* added) {
    m_r.history.push_back(HistoryEntry{at(when), who, {FieldChange{field, removed, added}}});
    return *this;
  }

  BugMaker& whiteboard(const char* value) {
    m_r.bug.whiteboard = value;
    return *this;
  }

  BugMaker& resolved(const char* resolution, const char* when) {
    m_r.bug.status = "RESOLVED";
    m_r.bug.resolution = resolution;
    m_r.bug.last_resolved = at(when);
    m_r.bug.last_change_time = at(when);
    return *this;
  }

  BugRecord& record() { return m_r; }
  operator const BugRecord&() const { return m_r; }  // NOLINT(google-explicit-constructor)

 private:
  BugRecord m_r;
};

inline const std::vector<std::string>& ca_accounts() {
  static const std::vector<std::string> accounts = {"ca@example.com",
                                                    "ca-incidents-bot@nowhere.invalid"};
  return accounts;
}

inline const std::vector<std::string>& ignored_accounts() {
  static const std::vector<std::string> accounts = {"bot@example.org"};
  return accounts;
}

inline std::vector<Obligation> windows(const BugRecord& r, const char* now,
                                       const PolicySettings& policy = PolicySettings{}) {
  return obligation_windows(r, policy, ca_accounts(), ignored_accounts(), at(now));
}

inline const Obligation* find_window(const std::vector<Obligation>& all, const std::string& key) {
  for (const Obligation& o : all) {
    if (o.key == key) {
      return &o;
    }
  }
  return nullptr;
}

inline std::vector<std::string> keys_of(const std::vector<Obligation>& all) {
  std::vector<std::string> keys;
  keys.reserve(all.size());
  for (const Obligation& o : all) {
    keys.push_back(o.key);
  }
  return keys;
}

}  // namespace bzjira::sync::testing

// REQUIRE that the window exists and copy it into `name` (`all` may be a temporary).
#define BZ_WINDOW(name, all, key)                                                                  \
  const bzjira::sync::Obligation name = [&] {                                                      \
    const auto name##_all = (all);                                                                 \
    const bzjira::sync::Obligation* found = bzjira::sync::testing::find_window(name##_all, (key)); \
    INFO("window " << (key));                                                                      \
    REQUIRE(found != nullptr);                                                                     \
    return *found;                                                                                 \
  }()
