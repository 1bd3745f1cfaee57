#include "tests/reliability/compare.h"

#include <algorithm>

namespace bzjira::reliability {

namespace {

// Hand-written scanning instead of std::regex: GCC 12 with -O2 and the sanitizers warns inside
// <regex> (-Wmaybe-uninitialized), which -Werror turns into a build failure.
bool digit(char c) { return c >= '0' && c <= '9'; }
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool word(char c) { return digit(c) || upper(c) || (c >= 'a' && c <= 'z') || c == '_'; }

// Digits from `i`; their count (0 when none).
std::size_t digits_at(const std::string& t, std::size_t i) {
  std::size_t n = 0;
  while (i + n < t.size() && digit(t[i + n])) {
    ++n;
  }
  return n;
}

// Whether `n` digits are at `i`, exactly where expected.
bool fixed_digits(const std::string& t, std::size_t i, std::size_t n) {
  return i + n <= t.size() && digits_at(t, i) >= n;
}

// An instant such as 2026-10-05T12:00:00Z, 2026-10-05T12:00:00.123+0000 or 2026-10-05 12:00 UTC
// at `i`: its length, 0 when there is none.
std::size_t instant_at(const std::string& t, std::size_t i) {
  if (!(fixed_digits(t, i, 4) && t[i + 4] == '-' && fixed_digits(t, i + 5, 2) && t[i + 7] == '-' &&
        fixed_digits(t, i + 8, 2) && i + 10 < t.size() && (t[i + 10] == 'T' || t[i + 10] == ' ') &&
        fixed_digits(t, i + 11, 2) && t[i + 13] == ':' && fixed_digits(t, i + 14, 2))) {
    return 0;
  }
  std::size_t j = i + 16;
  if (j < t.size() && t[j] == ':' && fixed_digits(t, j + 1, 2)) {
    j += 3;
    if (j < t.size() && t[j] == '.' && digits_at(t, j + 1) > 0) {
      j += 1 + digits_at(t, j + 1);
    }
  }
  if (j < t.size() && t[j] == 'Z') {
    ++j;
  } else if (j < t.size() && (t[j] == '+' || t[j] == '-') && fixed_digits(t, j + 1, 2)) {
    const std::size_t colon = j + 3 < t.size() && t[j + 3] == ':' ? 1 : 0;
    if (fixed_digits(t, j + 3 + colon, 2)) {
      j += 5 + colon;
    }
  }
  if (t.compare(j, 4, " UTC") == 0) {
    j += 4;
  }
  return j - i;
}

// A duration such as "20h" or "6d 5h" at `i` (a word of its own): its length, 0 when none.
std::size_t duration_at(const std::string& t, std::size_t i) {
  const auto unit_at = [&t](std::size_t k) {
    const std::size_t n = digits_at(t, k);
    const bool ok = n > 0 && k + n < t.size() &&
                    std::string("dhms").find(t[k + n]) != std::string::npos &&
                    (k + n + 1 == t.size() || !word(t[k + n + 1]));
    return ok ? n + 1 : 0;
  };
  const std::size_t first = unit_at(i);
  if (first == 0) {
    return 0;
  }
  const std::size_t second =
      i + first < t.size() && t[i + first] == ' ' ? unit_at(i + first + 1) : 0;
  return second == 0 ? first : first + 1 + second;
}

// An issue key such as CAINC-12 at `i` (a word of its own): its length, 0 when none.
std::size_t issue_key_at(const std::string& t, std::size_t i) {
  std::size_t j = i;
  if (j >= t.size() || !upper(t[j])) {
    return 0;
  }
  while (j < t.size() && (upper(t[j]) || digit(t[j]) || t[j] == '_')) {
    ++j;
  }
  if (j - i < 2 || j >= t.size() || t[j] != '-' || digits_at(t, j + 1) == 0) {
    return 0;
  }
  j += 1 + digits_at(t, j + 1);
  return j < t.size() && word(t[j]) ? 0 : j - i;
}

// "bzq-<bug>-<comment id>" or "bzu-<bug>-<comment id>" at `i`: the length of the "bzq-<bug>-"
// prefix, and of the whole key in `whole`; 0 when none.
std::size_t keyed_at(const std::string& t, std::size_t i, std::size_t& whole) {
  if (!(t.compare(i, 4, "bzq-") == 0 || t.compare(i, 4, "bzu-") == 0)) {
    return 0;
  }
  const std::size_t bug = digits_at(t, i + 4);
  if (bug == 0 || i + 4 + bug >= t.size() || t[i + 4 + bug] != '-') {
    return 0;
  }
  const std::size_t prefix = 5 + bug;
  const std::size_t id = digits_at(t, i + prefix);
  if (id == 0 || (i + prefix + id < t.size() && word(t[i + prefix + id]))) {
    return 0;
  }
  whole = prefix + id;
  return prefix;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) {
    return text;
  }
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

struct Canon {
  std::string bugzilla_url, jira_url;
  std::map<std::string, std::string> comment_ids;  // Bugzilla comment id -> "c<number in bug>"
  std::map<std::string, std::string> issue_keys;   // "CAINC-3" -> its canonical obligation label

  std::string comment(const std::string& id) const {
    const auto it = comment_ids.find(id);
    return it == comment_ids.end() ? "unknown-comment-" + id : it->second;
  }

  std::string label(const std::string& label) const {
    std::size_t whole = 0;
    const std::size_t prefix = keyed_at(label, 0, whole);
    return prefix > 0 && whole == label.size()
               ? label.substr(0, prefix) + comment(label.substr(prefix))
               : label;
  }

  // Ports, issue numbers, comment ids, instants and durations made comparable (see compare.h).
  std::string text(const std::string& in) const {
    const std::string t =
        replace_all(replace_all(in, bugzilla_url, "<bugzilla>"), jira_url, "<jira>");
    std::string out;
    std::size_t i = 0;
    while (i < t.size()) {
      const bool boundary = i == 0 || !word(t[i - 1]);
      std::size_t whole = 0;
      std::size_t n = 0;
      if (const std::size_t prefix = boundary ? keyed_at(t, i, whole) : 0; prefix > 0) {
        out += t.substr(i, prefix) + comment(t.substr(i + prefix, whole - prefix));
        n = whole;
      } else if (t.compare(i, 11, "comment id ") == 0 && digits_at(t, i + 11) > 0) {
        n = 11 + digits_at(t, i + 11);
        out += "comment id " + comment(t.substr(i + 11, n - 11));
      } else if ((n = i == 0 || !digit(t[i - 1]) ? instant_at(t, i) : 0) > 0) {
        out += "<instant>";
      } else if ((n = boundary ? duration_at(t, i) : 0) > 0) {
        out += "<duration>";
      } else if ((n = boundary ? issue_key_at(t, i) : 0) > 0) {
        const auto it = issue_keys.find(t.substr(i, n));
        out += it == issue_keys.end() ? t.substr(i, n) : "<issue " + it->second + ">";
      } else {
        out += t[i];
        n = 1;
      }
      i += n;
    }
    return out;
  }
};

bool mirrors_one_of(const Json& issue, const std::vector<std::int64_t>& bugs) {
  for (const Json& l : issue.value("labels", Json::array())) {
    for (std::int64_t bug : bugs) {
      if (l == "bz-" + std::to_string(bug)) {
        return true;
      }
    }
  }
  return false;
}

// The label naming what an issue mirrors: the per-bug one when present, else the obligation's.
std::string obligation_label(const Json& issue) {
  std::string found;
  for (const Json& l : issue.value("labels", Json::array())) {
    std::string label = l.is_string() ? l.get<std::string>() : "";
    if (label.rfind("bzb-", 0) == 0) {
      return label;
    }
    if (found.empty() && label.size() > 3 && label.compare(0, 2, "bz") == 0 && label[2] >= 'a' &&
        label[2] <= 'z' && label[3] == '-') {
      found = label;
    }
  }
  return found.empty() ? "(no obligation label)" : found;
}

std::string str(const Json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Json bugzilla_comments(World& world, const std::vector<std::int64_t>& bugs) {
  Json out = Json::object();
  for (std::int64_t bug : bugs) {
    Json list = Json::array();
    for (const Json& c : world.comments(bug)) {
      list.push_back({{"creator", str(c, "creator")},
                      {"text", str(c, "text")},
                      {"is_private", c.value("is_private", false)}});
    }
    out[std::to_string(bug)] = list;
  }
  return out;
}

namespace {

Canon make_canon(World& world, const std::vector<std::int64_t>& bugs, const Json& all) {
  Canon canon;
  canon.bugzilla_url = world.bugzilla_url();
  canon.jira_url = world.jira_url();
  for (std::int64_t bug : bugs) {
    for (const Json& c : world.comments(bug)) {
      canon.comment_ids[std::to_string(c.value("id", 0L))] =
          "c" + std::to_string(c.value("count", 0));
    }
  }
  for (const Json& issue : all) {
    canon.issue_keys[str(issue, "key")] = canon.label(obligation_label(issue));
  }
  return canon;
}

// Jira keys in creation order: CAINC-9 before CAINC-10.
bool key_less(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

}  // namespace

std::map<std::string, std::string> open_issue_keys(World& world,
                                                   const std::vector<std::int64_t>& bugs) {
  const Json all = world.issues();
  const Canon canon = make_canon(world, bugs, all);
  std::map<std::string, std::string> out;
  for (const Json& issue : all) {
    if (!mirrors_one_of(issue, bugs) || issue.value("statusCategory", "") == "done") {
      continue;
    }
    const std::string label = canon.label(obligation_label(issue));
    const std::string key = str(issue, "key");
    if (out.count(label) == 0 || key_less(key, out[label])) {
      out[label] = key;
    }
  }
  return out;
}

Json normalized_issues(World& world, const std::vector<std::int64_t>& bugs) {
  const Json all = world.issues();
  const Canon canon = make_canon(world, bugs, all);
  Json out = Json::object();
  for (const Json& issue : all) {
    if (!mirrors_one_of(issue, bugs)) {
      continue;
    }
    std::vector<std::string> labels;
    for (const Json& l : issue.value("labels", Json::array())) {
      labels.push_back(canon.label(l.get<std::string>()));
    }
    std::sort(labels.begin(), labels.end());
    Json comments = Json::array();
    for (const Json& c : issue.value("comments", Json::array())) {
      comments.push_back({{"author", str(c, "author")}, {"text", canon.text(str(c, "body_text"))}});
    }
    Json links = Json::array();
    for (const Json& l : issue.value("remote_links", Json::array())) {
      const Json object = l.value("object", Json::object());
      const Json status = object.value("status", Json::object());
      links.push_back({{"globalId", canon.text(str(l, "globalId"))},
                       {"url", canon.text(str(object, "url"))},
                       {"title", canon.text(str(object, "title"))},
                       {"summary", canon.text(str(object, "summary"))},
                       {"resolved", status.value("resolved", Json())},
                       {"relationship", str(l, "relationship")}});
    }
    std::sort(links.begin(), links.end(), [](const Json& a, const Json& b) {
      return a["globalId"].get<std::string>() < b["globalId"].get<std::string>();
    });
    Json n = {{"summary", canon.text(str(issue, "summary"))},
              {"duedate", issue.value("duedate", Json())},
              {"issuetype", issue.value("issuetype", Json())},
              {"status", issue.value("status", Json())},
              {"resolution", issue.value("resolution", Json())},
              {"labels", labels},
              {"description", canon.text(str(issue, "description_text"))},
              {"comments", comments},
              {"remote_links", links}};
    out[canon.label(obligation_label(issue))].push_back(n);
  }
  return out;
}

Json without_trail(const Json& normalized) {
  Json out = normalized;
  for (auto& [label, list] : out.items()) {
    for (Json& issue : list) {
      issue.erase("comments");
      issue.erase("remote_links");
    }
  }
  return out;
}

std::vector<std::string> duplicated_labels(const Json& normalized) {
  std::vector<std::string> out;
  for (const auto& [label, list] : normalized.items()) {
    if (list.size() > 1) {
      out.push_back(label + " x" + std::to_string(list.size()));
    }
  }
  return out;
}

std::string first_difference(const Json& expected, const Json& actual, const std::string& path) {
  if (expected == actual) {
    return "";
  }
  auto shorten = [](const Json& j) {
    const std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace);
    return s.size() > 600 ? s.substr(0, 600) + "..." : s;
  };
  if (expected.is_object() && actual.is_object()) {
    for (const auto& [k, v] : expected.items()) {
      if (!actual.contains(k)) {
        return path + "." + k + ": missing (expected " + shorten(v) + ")";
      }
      if (std::string d = first_difference(v, actual[k], path + "." + k); !d.empty()) {
        return d;
      }
    }
    for (const auto& [k, v] : actual.items()) {
      if (!expected.contains(k)) {
        return path + "." + k + ": unexpected " + shorten(v);
      }
    }
  }
  if (expected.is_array() && actual.is_array() && expected.size() == actual.size()) {
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (std::string d =
              first_difference(expected[i], actual[i], path + "[" + std::to_string(i) + "]");
          !d.empty()) {
        return d;
      }
    }
  }
  return path + ": expected " + shorten(expected) + "\n  but got " + shorten(actual);
}

int comments_by(const Json& bugzilla, std::int64_t bug, const std::string& login) {
  int n = 0;
  for (const Json& c : bugzilla.value(std::to_string(bug), Json::array())) {
    n += c.value("creator", "") == login ? 1 : 0;
  }
  return n;
}

}  // namespace bzjira::reliability
