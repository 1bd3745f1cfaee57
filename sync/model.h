// The Bugzilla facts the engine reasons about: a bug with its flags, comments and history, already
// parsed from the REST shapes by adapters/bugzilla. Plain data; no invariants beyond the comments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sync/time.h"

namespace bzjira::sync {

using BugId = std::int64_t;
using CommentId = std::int64_t;
using FlagId = std::int64_t;

struct Comment {
  CommentId id = 0;  // globally unique; the only reliable identity (counts may have gaps)
  BugId bug_id = 0;
  int count = 0;        // 0 is the description; deleted comments leave gaps
  std::string creator;  // login (e-mail form)
  Instant time{};       // creation time
  std::string text;
  bool is_private = false;
  std::vector<std::string> tags;
};

struct Flag {
  FlagId id = 0;
  std::string name;    // "needinfo"
  int type_id = 0;     // 800 on bugzilla.mozilla.org; differs elsewhere, so match on name
  std::string status;  // "?", "+", "-"
  std::string setter;
  std::string requestee;  // empty when none
  Instant creation_date{};
  Instant modification_date{};
};

struct FieldChange {
  std::string
      field_name;  // "status", "resolution", "flagtypes.name", "whiteboard"/"status_whiteboard"
  std::string removed;
  std::string added;
};

struct HistoryEntry {
  Instant when{};
  std::string who;
  std::vector<FieldChange> changes;
};

struct Bug {
  BugId id = 0;
  std::string summary;
  std::string status;      // NEW, ASSIGNED, REOPENED, RESOLVED, VERIFIED, CLOSED, ...
  std::string resolution;  // empty while open
  std::string whiteboard;
  std::string product;
  std::string component;
  std::string creator;
  std::string assigned_to;
  Instant creation_time{};
  Instant last_change_time{};
  std::optional<Instant> last_resolved;  // cf_last_resolved when the server sends it
  std::vector<Flag> flags;
};

// Everything known about one bug. Comments may arrive in any order; the engine sorts by time, id.
struct BugRecord {
  Bug bug;
  std::vector<Comment> comments;
  std::vector<HistoryEntry> history;
};

// Resolved statuses (docs/rules.md#resolution-and-reopening).
bool is_resolved_status(const std::string& status);

// A needinfo request still waiting: the flag named "needinfo" in any case (the type id differs
// between Bugzilla installations, so the name decides), status "?". The one test every caller uses.
bool is_open_needinfo(const Flag& flag);

}  // namespace bzjira::sync
