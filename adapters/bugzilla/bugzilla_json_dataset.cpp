// The dataset file: the REST shapes of bugs, comments and history gathered in one document, so the
// simulator can serve it verbatim and `bzjira snapshot` can save what a run saw. Read part by part
// (bugzilla_json_split.h): "bugs" whole, each bug's comments and history on their own. Written
// with nlohmann/json, which renders every JSON bzjira sends or saves.
#include <algorithm>
#include <exception>
#include <map>

#include <nlohmann/json.hpp>

#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/bugzilla/bugzilla_json_detail.h"
#include "adapters/bugzilla/bugzilla_json_split.h"

namespace bzjira::adapters::bugzilla {

using sync::Error;
using sync::ErrorKind;
using sync::make_error;

namespace {

using json = nlohmann::json;
using detail::Element;

// One member of "comments" or "history" ({"<bug id>": [...]}), read before it is known whether
// "bugs" holds that bug ("bugs" may come later in the file).
struct Keyed {
  std::string key;
  std::optional<sync::BugId> id;
  std::string type;  // of the value, when it is not an array
  std::vector<sync::Comment> comments;
  std::vector<std::string> problems;  // of single comments, already worded
  std::optional<sync::Result<std::vector<sync::HistoryEntry>>> history;
};

class DatasetReader {
 public:
  explicit DatasetReader(JsonText& text) : m_text(text) {}

  sync::Result<Dataset> read() {
    m_text_start = std::string(m_text.view().substr(0, 256));  // for messages: pages go back
    const auto visit = [this](const detail::Part& part) { return take(part); };
    if (auto error = detail::split(m_text, {"comments", "history"}, k_what, visit)) {
      // A file cut short is not a passing network hiccup: report it as what it is.
      error->kind = ErrorKind::internal;
      return *error;
    }
    if (!m_bugs_seen) {
      return not_a_dataset();
    }
    file("comments", m_comments, [&](Keyed& k, std::size_t at) {
      m_ds.records[at].comments = std::move(k.comments);
      for (std::string& p : k.problems) {
        m_ds.problems.push_back(std::move(p));
      }
    });
    file("history", m_history, [&](Keyed& k, std::size_t at) {
      if (k.history->ok()) {
        m_ds.records[at].history = std::move(k.history->value());
      } else {
        m_ds.problems.push_back(where("history", k.key) + ": " + k.history->error().message +
                                "; history skipped");
      }
    });
    return std::move(m_ds);
  }

 private:
  static constexpr const char* k_what = "dataset";

  Error not_a_dataset() const {
    return make_error(ErrorKind::internal, std::string(k_what) +
                                               " is not a JSON object with a 'bugs' array: " +
                                               detail::excerpt(m_text_start));
  }

  static std::string where(const char* member, const std::string& key) {
    return std::string(member) + "[\"" + detail::excerpt(key, 40) + "\"]";
  }

  std::optional<Error> take(const detail::Part& part) {
    if (part.opening) {
      return std::nullopt;
    }
    auto value = m_dom.part(part.json, m_text_start, k_what, part.whole_document);
    if (!value) {
      return value.error();
    }
    if (part.whole_document) {
      return not_a_dataset();
    }
    if (part.member == "bugs") {
      if (!value->is_array()) {
        return not_a_dataset();
      }
      read_bugs(*value);
    } else if (part.member == "comments" || part.member == "history") {
      if (!part.opened) {
        if (!value->is_null()) {
          m_ds.problems.push_back("'" + std::string(part.member) +
                                  "' must be an object keyed by bug id, got " +
                                  detail::describe(*value) + "; ignored");
        }
        return std::nullopt;
      }
      keyed(part, *value);
    }
    return std::nullopt;
  }

  // The "bugs" array: one record per bug that parses, the others as problems.
  void read_bugs(Element bugs) {
    m_bugs_seen = true;
    std::size_t i = 0;
    for (const Element item : detail::array_of(bugs)) {
      auto bug = detail::read_bug(item);
      const std::string where = "bugs[" + std::to_string(i++) + "]: ";
      if (!bug) {
        m_ds.problems.push_back(where + bug.error().message + "; skipped");
      } else if (!m_index.emplace(bug->id, m_ds.records.size()).second) {
        m_ds.problems.push_back(where + "bug " + std::to_string(bug->id) +
                                " appears a second time; skipped");
      } else {
        m_ds.records.push_back(sync::BugRecord{std::move(bug.value()), {}, {}});
      }
    }
  }

  void keyed(const detail::Part& part, Element value) {
    const bool comments = part.member == "comments";
    Keyed k;
    k.key = std::string(part.key);
    k.id = detail::bug_id_from_key(part.key);
    if (!value.is_array()) {
      k.type = detail::describe(value);
    } else if (k.id && comments) {
      const auto items = detail::array_of(value);
      k.comments.reserve(items.size());
      std::size_t j = 0;
      for (const Element item : items) {
        auto c = detail::read_comment(item, *k.id);
        if (c) {
          k.comments.push_back(std::move(c.value()));
        } else {
          k.problems.push_back(where("comments", k.key) + "[" + std::to_string(j) +
                               "]: " + c.error().message + "; skipped");
        }
        ++j;
      }
    } else if (k.id) {
      k.history = detail::read_history_entries(value, *k.id);
    }
    (comments ? m_comments : m_history).push_back(std::move(k));
  }

  // Files each keyed member with its bug, or words why not; problems come by key.
  template <typename Take>
  void file(const char* member, std::vector<Keyed>& items, Take take) {
    std::stable_sort(items.begin(), items.end(),
                     [](const Keyed& a, const Keyed& b) { return a.key < b.key; });
    std::vector<bool> filed(m_ds.records.size(), false);
    for (Keyed& k : items) {
      const std::string at_key = where(member, k.key);
      const auto found = k.id ? m_index.find(*k.id) : m_index.end();
      if (!k.id) {
        m_ds.problems.push_back(at_key + ": key is not a bug id; skipped");
      } else if (found == m_index.end()) {
        m_ds.problems.push_back(at_key + ": bug " + std::to_string(*k.id) +
                                " is not in 'bugs'; skipped");
      } else if (!k.type.empty()) {
        m_ds.problems.push_back(at_key + ": must be an array, got " + k.type + "; skipped");
      } else if (filed[found->second]) {
        m_ds.problems.push_back(at_key + ": bug " + std::to_string(*k.id) +
                                " appears a second time; skipped");
      } else {
        filed[found->second] = true;
        take(k, found->second);
      }
    }
  }

  JsonText& m_text;
  std::string m_text_start;  // the document's first bytes, for messages
  detail::Dom m_dom;
  Dataset m_ds;
  std::map<sync::BugId, std::size_t> m_index;
  bool m_bugs_seen = false;
  std::vector<Keyed> m_comments, m_history;
};

json flag_to_json(const sync::Flag& f) {
  json j = {{"id", f.id},
            {"name", f.name},
            {"type_id", f.type_id},
            {"status", f.status},
            {"setter", f.setter},
            {"creation_date", sync::format_rfc3339(f.creation_date)},
            {"modification_date", sync::format_rfc3339(f.modification_date)}};
  if (!f.requestee.empty()) {
    j["requestee"] = f.requestee;  // Bugzilla sends it only when a requestee is set
  }
  return j;
}

json bug_to_json(const sync::Bug& b) {
  json flags = json::array();
  for (const auto& f : b.flags) {
    flags.push_back(flag_to_json(f));
  }
  return {{"id", b.id},
          {"summary", b.summary},
          {"status", b.status},
          {"resolution", b.resolution},
          {"whiteboard", b.whiteboard},
          {"product", b.product},
          {"component", b.component},
          {"creator", b.creator},
          {"assigned_to", b.assigned_to},
          {"creation_time", sync::format_rfc3339(b.creation_time)},
          {"last_change_time", sync::format_rfc3339(b.last_change_time)},
          {"cf_last_resolved",
           b.last_resolved ? json(sync::format_rfc3339(*b.last_resolved)) : json(nullptr)},
          {"flags", std::move(flags)}};
}

json comment_to_json(const sync::Comment& c) {
  const std::string time = sync::format_rfc3339(c.time);
  // Both spellings of author and time, as bugzilla.mozilla.org sends them.
  return {{"id", c.id},           {"bug_id", c.bug_id},      {"count", c.count},
          {"creator", c.creator}, {"author", c.creator},     {"creation_time", time},
          {"time", time},         {"text", c.text},          {"is_private", c.is_private},
          {"tags", c.tags},       {"attachment_id", nullptr}};
}

json history_to_json(const sync::HistoryEntry& h) {
  json changes = json::array();
  for (const auto& c : h.changes) {
    changes.push_back({{"field_name", c.field_name}, {"removed", c.removed}, {"added", c.added}});
  }
  return {{"when", sync::format_rfc3339(h.when)}, {"who", h.who}, {"changes", std::move(changes)}};
}

}  // namespace

sync::Result<Dataset> parse_dataset(JsonText& text) {
  try {
    return DatasetReader(text).read();
  } catch (const std::exception& e) {  // out of memory
    return make_error(ErrorKind::internal,
                      "dataset could not be read: " + detail::excerpt(e.what()));
  }
}

sync::Result<Dataset> parse_dataset(const std::string& text) {
  auto padded = JsonText::padded(text);
  if (!padded) {
    return padded.error();
  }
  return parse_dataset(*padded);
}

std::string write_dataset(const std::vector<sync::BugRecord>& records) {
  json bugs = json::array();
  json comments = json::object();
  json history = json::object();
  for (const auto& r : records) {
    bugs.push_back(bug_to_json(r.bug));
    const std::string key = std::to_string(r.bug.id);
    for (const auto& c : r.comments) {
      comments[key].push_back(comment_to_json(c));
    }
    for (const auto& h : r.history) {
      history[key].push_back(history_to_json(h));
    }
  }
  const json doc = {{"bugs", std::move(bugs)},
                    {"comments", std::move(comments)},
                    {"history", std::move(history)}};
  return doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace bzjira::adapters::bugzilla
