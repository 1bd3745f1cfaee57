// The dataset file: the REST shapes of bugs, comments and history gathered in one document, so the
// simulator can serve it verbatim and `bzjira snapshot` can save what a run saw.
#include <exception>
#include <map>

#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/bugzilla/bugzilla_json_detail.h"
#include "adapters/bugzilla/bugzilla_json_sax.h"

namespace bzjira::adapters::bugzilla {

using nlohmann::json;
using sync::ErrorKind;
using sync::make_error;

namespace {

std::optional<sync::BugId> key_to_bug(const std::string& key) {
  try {
    std::size_t used = 0;
    const long long id = std::stoll(key, &used);
    if (used == key.size() && id > 0) {
      return id;
    }
  } catch (const std::exception&) {
    // not a number: the caller reports it
  }
  return std::nullopt;
}

// Walks "comments" or "history": {"<bug id>": [...]}, handing each known bug's array to `take`.
template <typename Take>
void per_bug(const json& doc, const char* member, const std::map<sync::BugId, std::size_t>& index,
             std::vector<std::string>& problems, Take take) {
  const auto it = doc.find(member);
  if (it == doc.end() || it->is_null()) {
    return;
  }
  if (!it->is_object()) {
    problems.push_back(std::string("'") + member + "' must be an object keyed by bug id, got " +
                       it->type_name() + "; ignored");
    return;
  }
  for (const auto& [key, value] : it->items()) {
    const std::string where = std::string(member) + "[\"" + detail::excerpt(key, 40) + "\"]";
    const auto bug = key_to_bug(key);
    if (!bug) {
      problems.push_back(where + ": key is not a bug id; skipped");
    } else if (index.count(*bug) == 0) {
      problems.push_back(where + ": bug " + key + " is not in 'bugs'; skipped");
    } else if (!value.is_array()) {
      problems.push_back(where + ": must be an array, got " + value.type_name() + "; skipped");
    } else {
      take(*bug, index.at(*bug), value, where);
    }
  }
}

// The "bugs" array: one record per bug that parses, the others as problems.
void read_bugs(const json& bugs, Dataset& ds, std::map<sync::BugId, std::size_t>& index) {
  for (std::size_t i = 0; i < bugs.size(); ++i) {
    auto bug = parse_bug(bugs[i]);
    const std::string where = "bugs[" + std::to_string(i) + "]: ";
    if (!bug) {
      ds.problems.push_back(where + bug.error().message + "; skipped");
    } else if (!index.emplace(bug->id, ds.records.size()).second) {
      ds.problems.push_back(where + "bug " + std::to_string(bug->id) +
                            " appears a second time; skipped");
    } else {
      ds.records.push_back(sync::BugRecord{std::move(bug.value()), {}, {}});
    }
  }
}

void read_history(const json& doc, Dataset& ds, const std::map<sync::BugId, std::size_t>& index) {
  per_bug(doc, "history", index, ds.problems,
          [&](sync::BugId id, std::size_t at, const json& list, const std::string& where) {
            auto h = parse_history_entries(list, id);
            if (h) {
              ds.records[at].history = std::move(h.value());
            } else {
              ds.problems.push_back(where + ": " + h.error().message + "; history skipped");
            }
          });
}

// The dataset from the one-pass reader; nullopt when the DOM reader must look (a missing "bugs"
// array, comments of a bug not in "bugs": it words those problems).
std::optional<Dataset> from_one_pass(detail::SaxDocument doc) {
  if (!doc.bugs || !doc.bugs->is_array()) {
    return std::nullopt;
  }
  Dataset ds;
  std::map<sync::BugId, std::size_t> index;
  read_bugs(*doc.bugs, ds, index);
  doc.bugs.reset();
  for (auto& [id, list] : doc.comments) {
    const auto at = index.find(id);
    if (at == index.end()) {
      return std::nullopt;
    }
    ds.records[at->second].comments = std::move(list);  // each id comes once
  }
  if (doc.history) {
    json rest = json::object();
    rest["history"] = std::move(*doc.history);
    read_history(rest, ds, index);
  }
  return ds;
}

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

namespace detail {

std::optional<Dataset> parse_dataset_one_pass(std::string_view text) {
  try {
    if (auto fast = sax_read(text, SaxShape::dataset, key_to_bug)) {
      return from_one_pass(std::move(*fast));
    }
  } catch (const std::exception&) {
    // out of memory on the way: parse_dataset reports what it can
  }
  return std::nullopt;
}

}  // namespace detail

sync::Result<Dataset> parse_dataset(const std::string& text) {
  try {
    // One pass straight into the records for the usual file (the comments are nearly all of it);
    // the DOM below for anything unusual, so every problem keeps its wording.
    if (auto fast = detail::sax_read(text, detail::SaxShape::dataset, key_to_bug)) {
      if (auto ds = from_one_pass(std::move(*fast))) {
        return std::move(*ds);
      }
    }
  } catch (const std::exception&) {
    // out of memory on the way: the DOM reader below reports what it can
  }
  auto doc = detail::parse_body(text, "dataset");
  if (!doc) {
    // A file cut short is not a passing network hiccup: report it as what it is.
    return make_error(ErrorKind::internal, doc.error().message);
  }
  try {
    const auto bugs = doc->is_object() ? doc->find("bugs") : doc->end();
    if (!doc->is_object() || bugs == doc->end() || !bugs->is_array()) {
      return make_error(ErrorKind::internal, "dataset is not a JSON object with a 'bugs' array: " +
                                                 detail::excerpt(text));
    }
    Dataset ds;
    std::map<sync::BugId, std::size_t> index;
    read_bugs(*bugs, ds, index);
    per_bug(*doc, "comments", index, ds.problems,
            [&](sync::BugId id, std::size_t at, const json& list, const std::string& where) {
              for (std::size_t j = 0; j < list.size(); ++j) {
                auto c = parse_comment(list[j], id);
                if (c) {
                  ds.records[at].comments.push_back(std::move(c.value()));
                } else {
                  ds.problems.push_back(where + "[" + std::to_string(j) +
                                        "]: " + c.error().message + "; skipped");
                }
              }
            });
    read_history(*doc, ds, index);
    return ds;
  } catch (const std::exception& e) {
    return make_error(ErrorKind::internal,
                      "dataset could not be read: " + detail::excerpt(e.what()));
  }
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
