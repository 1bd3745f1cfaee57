// The shapes every Bugzilla answer and the dataset share: a bug with its flags, a comment, a
// bug's history (bugzilla_json_detail.h declares them, bugzilla_json.h states their rules).
#include <exception>

#include "adapters/bugzilla/bugzilla_json_detail.h"

namespace bzjira::adapters::bugzilla {

using sync::ErrorKind;
using sync::Instant;
using sync::make_error;

namespace {

using detail::describe;
using detail::Element;
using detail::excerpt;
using detail::Fields;
using detail::Type;

std::string bug_context(Element bug) {
  std::optional<Element> id;
  for (const auto field : detail::object_of(bug)) {
    if (field.key == "id") {
      id = field.value;  // the last of repeated keys counts
    }
  }
  if (id && id->is_int64()) {
    return "bug " + std::to_string(id->get_int64().value_unsafe());
  }
  if (id && id->type() == Type::UINT64) {
    return "bug " + std::to_string(id->get_uint64().value_unsafe());
  }
  return "bug (no valid id)";
}

std::string not_an_object(const std::string& context, Element value) {
  return context + ": must be an object, got " + describe(value);
}

sync::Result<sync::Flag> read_flag(Element obj, const std::string& context) {
  if (!obj.is_object()) {
    return make_error(ErrorKind::internal, not_an_object(context, obj));
  }
  Fields f(detail::object_of(obj), [&] { return context; });
  sync::Flag flag;
  f.integer("id", flag.id, true, 1);
  f.text("name", flag.name, true);
  f.integer("type_id", flag.type_id);
  f.text("status", flag.status, true);
  f.text("setter", flag.setter);
  f.text("requestee", flag.requestee);
  flag.creation_date = f.time("creation_date", true).value_or(Instant{});
  flag.modification_date = f.time("modification_date", false).value_or(flag.creation_date);
  if (f.error()) {
    return *f.error();
  }
  return flag;
}

sync::Result<sync::HistoryEntry> read_history_entry(Element obj, const std::string& context) {
  if (!obj.is_object()) {
    return make_error(ErrorKind::internal, not_an_object(context, obj));
  }
  Fields f(detail::object_of(obj), [&] { return context; });
  sync::HistoryEntry entry;
  entry.when = f.time("when", true).value_or(Instant{});
  f.text("who", entry.who, true);
  if (const auto changes = f.get("changes", false)) {
    if (!changes->is_array()) {
      f.fail("field 'changes' must be an array, got " + describe(*changes));
    } else {
      std::size_t i = 0;
      for (const Element c : detail::array_of(*changes)) {
        const std::string change_context = context + ": changes[" + std::to_string(i++) + "]";
        if (!c.is_object()) {
          return make_error(ErrorKind::internal, not_an_object(change_context, c));
        }
        Fields cf(detail::object_of(c), [&]() -> const std::string& { return change_context; });
        sync::FieldChange change;
        cf.text("field_name", change.field_name, true);
        cf.text("removed", change.removed);
        cf.text("added", change.added);
        if (cf.error()) {
          return *cf.error();
        }
        entry.changes.push_back(std::move(change));
      }
    }
  }
  if (f.error()) {
    return *f.error();
  }
  return entry;
}

}  // namespace

namespace detail {

sync::Result<sync::Bug> read_bug(Element obj) {
  try {
    if (!obj.is_object()) {
      return make_error(ErrorKind::internal, "bug: must be an object, got " + describe(obj));
    }
    Fields f(detail::object_of(obj), [&] { return bug_context(obj); });
    sync::Bug bug;
    f.integer("id", bug.id, true, 1);
    f.text("summary", bug.summary);
    f.text("status", bug.status);
    f.text("resolution", bug.resolution);
    f.text("whiteboard", bug.whiteboard);
    f.text("product", bug.product);
    f.text("component", bug.component);
    f.text("creator", bug.creator);
    f.text("assigned_to", bug.assigned_to);
    bug.creation_time = f.time("creation_time", true).value_or(Instant{});
    bug.last_change_time = f.time("last_change_time", false).value_or(Instant{});
    bug.last_resolved = f.time("cf_last_resolved", false);
    if (f.error()) {
      return *f.error();
    }
    if (const auto flags = f.get("flags", false)) {
      const std::string context = bug_context(obj);
      if (!flags->is_array()) {
        return make_error(ErrorKind::internal,
                          context + ": field 'flags' must be an array, got " + describe(*flags));
      }
      std::size_t i = 0;
      for (const Element item : detail::array_of(*flags)) {
        auto flag = read_flag(item, context + ": flags[" + std::to_string(i++) + "]");
        if (!flag) {
          return flag.error();
        }
        bug.flags.push_back(std::move(flag.value()));
      }
    }
    return bug;
  } catch (const std::exception& e) {
    return make_error(ErrorKind::internal, "bug could not be read: " + excerpt(e.what()));
  }
}

sync::Result<sync::Comment> read_comment(Element obj, sync::BugId bug_from_key) {
  try {
    const auto context = [&] { return "bug " + std::to_string(bug_from_key) + " comment"; };
    if (!obj.is_object()) {
      return make_error(ErrorKind::internal, not_an_object(context(), obj));
    }
    sync::Comment c;
    c.bug_id = bug_from_key;
    Fields f(detail::object_of(obj),
             [&] { return context() + (c.id > 0 ? " " + std::to_string(c.id) : std::string()); });
    f.integer("id", c.id, true, 1);
    if (f.error()) {
      return *f.error();
    }
    f.integer("bug_id", c.bug_id, bug_from_key == 0, 1);
    f.integer("count", c.count);
    // Upstream 5.x sends only "creator" and "time"; BMO adds "author" and "creation_time".
    const char* creator_key = f.get("creator", false) ? "creator" : "author";
    const char* time_key = f.get("creation_time", false) ? "creation_time" : "time";
    if (!f.get(creator_key, false)) {
      f.fail("field 'creator' (or 'author') is missing");
    }
    if (!f.get(time_key, false)) {
      f.fail("field 'creation_time' (or 'time') is missing");
    }
    f.text(creator_key, c.creator);
    c.time = f.time(time_key, false).value_or(Instant{});
    f.text("text", c.text);
    f.flag("is_private", c.is_private);
    f.strings("tags", c.tags);
    if (!f.error() && bug_from_key != 0 && c.bug_id != bug_from_key) {
      f.fail("bug_id " + std::to_string(c.bug_id) + " does not match its bug");
    }
    if (f.error()) {
      return *f.error();
    }
    return c;
  } catch (const std::exception& e) {
    return make_error(ErrorKind::internal, "comment could not be read: " + excerpt(e.what()));
  }
}

sync::Result<std::vector<sync::HistoryEntry>> read_history_entries(Element entries,
                                                                   sync::BugId bug) {
  try {
    const std::string context = "bug " + std::to_string(bug) + " history";
    if (!entries.is_array()) {
      return make_error(ErrorKind::internal,
                        context + ": must be an array, got " + describe(entries));
    }
    std::vector<sync::HistoryEntry> out;
    std::size_t i = 0;
    for (const Element item : detail::array_of(entries)) {
      auto entry = read_history_entry(item, context + "[" + std::to_string(i++) + "]");
      if (!entry) {
        return entry.error();
      }
      out.push_back(std::move(entry.value()));
    }
    return out;
  } catch (const std::exception& e) {
    return make_error(ErrorKind::internal, "history could not be read: " + excerpt(e.what()));
  }
}

}  // namespace detail

}  // namespace bzjira::adapters::bugzilla
