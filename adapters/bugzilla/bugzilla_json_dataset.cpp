// The dataset file: the REST shapes of bugs, comments and history gathered in one document, so the
// simulator can serve it verbatim and `bzjira snapshot` can save what a run saw. Read part by part
// (bugzilla_json_split.h): "bugs" whole, each bug's comments and history on their own. Written
// with nlohmann/json, which renders every JSON bzjira sends or saves.
#include <algorithm>
#include <cstring>
#include <exception>
#include <functional>
#include <iterator>
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
  std::size_t order = 0;  // its place among the member's keys, in document order
  std::optional<sync::BugId> id;
  std::string type;  // of the value, when it is not an array
  std::vector<sync::Comment> comments;
  std::vector<std::string> problems;  // of single comments, already worded
  std::optional<sync::Result<std::vector<sync::HistoryEntry>>> history;
};

// How a reading goes: all at once (parse_dataset), or in two passes over a file (stream_dataset):
// first everything but the comments, whose keys are only noted, then the comments bug by bug.
enum class Pass { whole, index, comments };

class DatasetReader {
 public:
  // `start`: the document's first bytes, for messages; filled as reading begins, at the latest.
  explicit DatasetReader(const std::string& start) : m_text_start(start) {}

  // `split` hands the document's parts to the visitor it is given (detail::split over a text or a
  // source), opening "comments" and "history".
  template <typename Split>
  sync::Result<Dataset> read(const Split& split) {
    if (auto error = pass(Pass::whole, split)) {
      return *error;
    }
    file("comments", m_comments, [&](Keyed& k, std::size_t at) {
      m_ds.records[at].comments = std::move(k.comments);
      for (std::string& p : k.problems) {
        m_ds.problems.push_back(std::move(p));
      }
    });
    file_history();
    return std::move(m_ds);
  }

  // The first of two passes: the bugs, their history and which key of "comments" is filed with
  // which bug; the problems but those of single comments.
  template <typename Split>
  std::optional<Error> index(const Split& split) {
    if (auto error = pass(Pass::index, split)) {
      return error;
    }
    for (const Keyed& k : m_comments) {
      m_comment_keys.push_back(k.key);
    }
    // Where each filed key's comment problems go: where parse_dataset lists them.
    file("comments", m_comments, [&](Keyed& k, std::size_t at) {
      m_filed.emplace(k.order, Filed{at, m_ds.problems.size(), m_filed.size(), {}});
    });
    m_comments.clear();
    file_history();
    return std::nullopt;
  }

  // The second pass: each bug's comments, then its record to `take` at once; the bugs without
  // comments after the others, in the order of "bugs".
  template <typename Split>
  std::optional<Error> stream(const Split& split, const RecordTake& give) {
    m_take = &give;
    if (auto error = pass(Pass::comments, split)) {
      return error;
    }
    if (m_order != m_comment_keys.size()) {
      return changed();
    }
    std::vector<bool> handed(m_ds.records.size(), false);
    for (const auto& [order, filed] : m_filed) {
      handed[filed.record] = true;
    }
    for (std::size_t i = 0; i < m_ds.records.size(); ++i) {
      if (!handed[i]) {
        give(std::move(m_ds.records[i]));
      }
    }
    m_ds.records = {};
    // Each filed key's comment problems into its place, in the order the keys were filed.
    std::vector<Filed*> groups;
    for (auto& [order, filed] : m_filed) {
      groups.push_back(&filed);
    }
    std::sort(groups.begin(), groups.end(),
              [](const Filed* a, const Filed* b) { return a->rank < b->rank; });
    std::vector<std::string> problems;
    auto group = groups.begin();
    for (std::size_t i = 0; i <= m_ds.problems.size(); ++i) {
      for (; group != groups.end() && (*group)->slot == i; ++group) {
        std::move((*group)->problems.begin(), (*group)->problems.end(),
                  std::back_inserter(problems));
      }
      if (i < m_ds.problems.size()) {
        problems.push_back(std::move(m_ds.problems[i]));
      }
    }
    m_ds.problems = std::move(problems);
    return std::nullopt;
  }

  std::vector<std::string> problems() && { return std::move(m_ds.problems); }

  static constexpr const char* k_what = "dataset";

 private:
  Error not_a_dataset() const {
    return make_error(ErrorKind::internal, std::string(k_what) +
                                               " is not a JSON object with a 'bugs' array: " +
                                               detail::excerpt(m_text_start));
  }

  // One reading of the document as `mode` says.
  template <typename Split>
  std::optional<Error> pass(Pass mode, const Split& split) {
    m_pass = mode;
    const detail::PartVisitor visit = [this](const detail::Part& part) { return take(part); };
    if (auto error = split(visit)) {
      // A file cut short is not a passing network hiccup: report it as what it is.
      if (error->kind == ErrorKind::transient) {
        error->kind = ErrorKind::internal;
      }
      return error;
    }
    if (!m_bugs_seen) {
      return not_a_dataset();
    }
    return std::nullopt;
  }

  Error changed() const {
    return make_error(ErrorKind::internal,
                      std::string(k_what) +
                          " changed between its two readings: " + detail::excerpt(m_text_start));
  }

  void file_history() {
    file("history", m_history, [&](Keyed& k, std::size_t at) {
      if (k.history->ok()) {
        m_ds.records[at].history = std::move(k.history->value());
      } else {
        m_ds.problems.push_back(where("history", k.key) + ": " + k.history->error().message +
                                "; history skipped");
      }
    });
  }

  static std::string where(const char* member, const std::string& key) {
    return std::string(member) + "[\"" + detail::excerpt(key, 40) + "\"]";
  }

  std::optional<Error> take(const detail::Part& part) {
    if (part.opening) {
      return std::nullopt;
    }
    const bool comments = part.member == "comments" && part.opened;
    if (m_pass == Pass::comments) {
      return comments ? stream_comments(part) : std::nullopt;  // the rest was read by index()
    }
    if (m_pass == Pass::index && comments && part.json.front() == '[') {
      Keyed k;
      k.key = std::string(part.key);
      k.id = detail::bug_id_from_key(part.key);
      k.order = m_comments.size();
      m_comments.push_back(std::move(k));
      return std::nullopt;  // read by stream()
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
    k.order = (comments ? m_comments : m_history).size();
    if (!value.is_array()) {
      k.type = detail::describe(value);
    } else if (k.id && comments) {
      read_comments(value, *k.id, k.key, k.comments, k.problems);
    } else if (k.id) {
      k.history = detail::read_history_entries(value, *k.id);
    }
    (comments ? m_comments : m_history).push_back(std::move(k));
  }

  // The comments of one key (an array), those that do not read as problems.
  static void read_comments(Element value, sync::BugId id, const std::string& key,
                            std::vector<sync::Comment>& out, std::vector<std::string>& problems) {
    const auto items = detail::array_of(value);
    out.reserve(items.size());
    std::size_t j = 0;
    for (const Element item : items) {
      auto c = detail::read_comment(item, id);
      if (c) {
        out.push_back(std::move(c.value()));
      } else {
        problems.push_back(where("comments", key) + "[" + std::to_string(j) +
                           "]: " + c.error().message + "; skipped");
      }
      ++j;
    }
  }

  // The second pass over one key of "comments": every key is parsed (so a broken one fails the
  // dataset, as in one pass); a filed one's comments go with its record to the taker.
  std::optional<Error> stream_comments(const detail::Part& part) {
    const std::size_t order = m_order++;
    if (order >= m_comment_keys.size() || m_comment_keys[order] != part.key) {
      return changed();
    }
    auto value = m_dom.part(part.json, m_text_start, k_what);
    if (!value) {
      return value.error();
    }
    const auto filed = m_filed.find(order);
    if (filed == m_filed.end()) {
      return std::nullopt;
    }
    sync::BugRecord& record = m_ds.records[filed->second.record];
    read_comments(*value, record.bug.id, m_comment_keys[order], record.comments,
                  filed->second.problems);
    (*m_take)(std::move(record));
    return std::nullopt;
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

  // A key of "comments" filed with a bug, in a reading of two passes.
  struct Filed {
    std::size_t record = 0;             // in m_ds.records
    std::size_t slot = 0;               // where its comments' problems go in m_ds.problems
    std::size_t rank = 0;               // the order it was filed in (by key)
    std::vector<std::string> problems;  // of its single comments
  };

  const std::string& m_text_start;
  detail::Dom m_dom;
  Dataset m_ds;
  std::map<sync::BugId, std::size_t> m_index;
  bool m_bugs_seen = false;
  std::vector<Keyed> m_comments, m_history;
  Pass m_pass = Pass::whole;
  std::vector<std::string> m_comment_keys;  // of "comments", in document order (two passes)
  std::map<std::size_t, Filed> m_filed;     // by the key's place in m_comment_keys
  std::size_t m_order = 0;                  // keys of "comments" seen in the second pass
  const RecordTake* m_take = nullptr;
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

namespace {

// A source whose first bytes are read ahead and kept, so that every message quotes them whole.
class QuotedSource : public TextSource {
 public:
  explicit QuotedSource(TextSource& source) : m_source(source) {}

  sync::Result<std::size_t> read(char* into, std::size_t max) override {
    if (!m_primed) {
      m_primed = true;
      char ahead[k_quote_bytes];
      while (m_start.size() < k_quote_bytes) {
        auto got = m_source.read(ahead, k_quote_bytes - m_start.size());
        if (!got || *got == 0) {
          if (!got) {
            m_error = got.error();
          }
          break;
        }
        m_start.append(ahead, *got);
      }
    }
    if (m_served < m_start.size()) {
      const std::size_t n = std::min(max, m_start.size() - m_served);
      std::memcpy(into, m_start.data() + m_served, n);
      m_served += n;
      return n;
    }
    if (m_error) {
      return *m_error;
    }
    return m_source.read(into, max);
  }

  // The first bytes, once reading began.
  const std::string& start() const { return m_start; }

 private:
  static constexpr std::size_t k_quote_bytes = 256;
  TextSource& m_source;
  bool m_primed = false;
  std::string m_start;
  std::size_t m_served = 0;
  std::optional<Error> m_error;
};

// QuotedSource over a source read twice: the first bytes are kept from the first pass only.
class QuotedRereadable : public TextSource {
 public:
  explicit QuotedRereadable(RereadableSource& source) : m_source(source), m_quoted(source) {}
  sync::Result<std::size_t> read(char* into, std::size_t max) override {
    return m_first ? m_quoted.read(into, max) : m_source.read(into, max);
  }
  std::optional<Error> rewind() {
    m_first = false;
    return m_source.rewind();
  }
  const std::string& start() const { return m_quoted.start(); }

 private:
  RereadableSource& m_source;
  QuotedSource m_quoted;
  bool m_first = true;
};

sync::Result<Dataset> read_dataset(const std::function<sync::Result<Dataset>()>& read) {
  try {
    return read();
  } catch (const std::exception& e) {  // out of memory
    return make_error(ErrorKind::internal,
                      "dataset could not be read: " + detail::excerpt(e.what()));
  }
}

}  // namespace

sync::Result<Dataset> parse_dataset(const JsonText& text) {
  return read_dataset([&] {
    const std::string start(text.view().substr(0, 256));
    return DatasetReader(start).read([&](const detail::PartVisitor& visit) {
      return detail::split(text, {"comments", "history"}, DatasetReader::k_what, visit);
    });
  });
}

sync::Result<Dataset> parse_dataset(TextSource& source, DatasetStats* stats) {
  return read_dataset([&] {
    QuotedSource quoted(source);
    detail::SplitStats split_stats;
    auto dataset = DatasetReader(quoted.start()).read([&](const detail::PartVisitor& visit) {
      return detail::split(quoted, {"comments", "history"}, DatasetReader::k_what, visit,
                           &split_stats);
    });
    if (stats != nullptr) {
      stats->bytes = split_stats.read;
      stats->window = split_stats.window;
    }
    return dataset;
  });
}

sync::Result<Dataset> parse_dataset(const std::string& text) {
  auto padded = JsonText::padded(text);
  if (!padded) {
    return padded.error();
  }
  return parse_dataset(*padded);
}

sync::Result<std::vector<std::string>> stream_dataset(RereadableSource& source,
                                                      const RecordTake& take, DatasetStats* stats) {
  try {
    QuotedRereadable quoted(source);
    DatasetReader reader(quoted.start());
    detail::SplitStats first;
    detail::SplitStats second;
    const auto splitting = [&](detail::SplitStats& into) {
      return [&](const detail::PartVisitor& visit) {
        return detail::split(quoted, {"comments", "history"}, DatasetReader::k_what, visit, &into);
      };
    };
    auto error = reader.index(splitting(first));
    if (!error) {
      error = quoted.rewind();
    }
    if (!error) {
      error = reader.stream(splitting(second), take);
    }
    if (stats != nullptr) {
      stats->bytes = first.read;
      stats->window = std::max(first.window, second.window);
    }
    if (error) {
      return *error;
    }
    return std::move(reader).problems();
  } catch (const std::exception& e) {  // out of memory
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
