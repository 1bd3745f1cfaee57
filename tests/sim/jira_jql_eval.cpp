// JQL evaluation for the simulator: which issues match a parsed query, and in what order.
// Date literals and periods are read in UTC (the simulated searching user's time zone).
#include <algorithm>
#include <cctype>

#include "tests/sim/jira_jql.h"

namespace bzjira::sim::jirasim {

std::string jql_lower(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

namespace {

using Node = JqlQuery::Node;
using Value = JqlQuery::Value;

// "yyyy-MM-dd" or "yyyy/MM/dd", optionally followed by " HH:mm".
std::optional<WallTime> date_literal(const std::string& text) {
  if (text.size() != 10 && text.size() != 16) {
    return std::nullopt;
  }
  std::string date = text.substr(0, 10);
  if (date[4] == '/' && date[7] == '/') {
    date[4] = '-';
    date[7] = '-';
  }
  std::string iso = date + "T00:00:00Z";
  if (text.size() == 16) {
    if (text[10] != ' ') {
      return std::nullopt;
    }
    iso = date + "T" + text.substr(11, 5) + ":00Z";
  }
  return parse_jira_time(iso);
}

// "-5d", "4w 2d", "+3h", "30m": a period relative to now.
std::optional<std::chrono::milliseconds> period(const std::string& text) {
  std::size_t i = 0;
  int sign = 1;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    sign = text[i] == '-' ? -1 : 1;
    ++i;
  }
  std::chrono::milliseconds total{0};
  bool any = false;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    long n = 0;
    const std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && i - start < 9) {
      n = n * 10 + (text[i] - '0');
      ++i;
    }
    if (i == start || i >= text.size()) {
      return std::nullopt;
    }
    const char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++])));
    const long minutes = unit == 'w'   ? 7 * 24 * 60
                         : unit == 'd' ? 24 * 60
                         : unit == 'h' ? 60
                         : unit == 'm' ? 1
                                       : 0;
    if (minutes == 0) {
      return std::nullopt;
    }
    total += std::chrono::minutes{n * minutes};
    any = true;
  }
  if (!any) {
    return std::nullopt;
  }
  return sign * total;
}

// "+1d", "-2w", "3" (a bare number counts days): Jira's startOfDay/endOfDay offset.
std::optional<std::chrono::milliseconds> day_offset(std::string text) {
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.back()))) {
    text += 'd';
  }
  return period(text);
}

std::optional<WallTime> instant_of(const Value& v, WallTime now) {
  if (v.kind == Value::Kind::function) {
    auto day = std::chrono::floor<std::chrono::days>(now);
    if (!v.argument.empty()) {
      const auto offset = day_offset(v.argument);
      if (!offset) {
        return std::nullopt;
      }
      day = std::chrono::floor<std::chrono::days>(now + *offset);
    }
    if (v.text == "startofday") {
      return WallTime{day};
    }
    if (v.text == "endofday") {
      return WallTime{day} + std::chrono::days{1} - std::chrono::milliseconds{1};
    }
    return now;
  }
  if (auto literal = date_literal(v.text)) {
    return literal;
  }
  if (auto p = period(v.text)) {
    return now + *p;
  }
  return std::nullopt;
}

std::string date_of(WallTime t) { return format_jira_time(t).substr(0, 10); }

bool same_text(const std::string& a, const std::string& b) { return jql_lower(a) == jql_lower(b); }

// Equality of one value with the issue's field (for =, !=, IN, NOT IN).
bool equals(const JqlFacts& i, const std::string& field, const Value& v, WallTime now) {
  if (v.kind == Value::Kind::empty) {
    if (field == "labels") {
      return i.labels.empty();
    }
    if (field == "resolution") {
      return i.resolution.empty();
    }
    if (field == "duedate") {
      return !i.duedate.has_value();
    }
    if (field == "resolutiondate") {
      return !i.resolved.has_value();
    }
    return false;
  }
  const std::string& t = v.text;
  if (field == "project") {
    return same_text(t, i.project) || t == "10000";
  }
  if (field == "labels") {
    return std::find(i.labels.begin(), i.labels.end(), t) != i.labels.end();
  }
  if (field == "status") {
    static const std::pair<const char*, const char*> ids[] = {
        {"10000", "To Do"}, {"3", "In Progress"}, {"10001", "Done"}};
    for (const auto& [id, name] : ids) {
      if (t == id) {
        return i.status == name;
      }
    }
    return same_text(t, i.status);
  }
  if (field == "statuscategory") {
    static const char* const k_cat[][3] = {
        {"new", "to do", "2"}, {"indeterminate", "in progress", "4"}, {"done", "done", "3"}};
    for (const auto& c : k_cat) {
      if (i.category == c[0]) {
        const std::string l = jql_lower(t);
        return l == c[0] || l == c[1] || l == c[2];
      }
    }
    return false;
  }
  if (field == "resolution") {
    return same_text(t, "unresolved") ? i.resolution.empty() : same_text(t, i.resolution);
  }
  if (field == "key") {
    return same_text(t, i.key);
  }
  if (field == "id") {
    return t == std::to_string(i.id);
  }
  const auto instant = instant_of(v, now);
  if (!instant) {
    return false;
  }
  if (field == "duedate") {
    return i.duedate && *i.duedate == date_of(*instant);
  }
  const std::optional<WallTime> have = field == "created"   ? std::optional<WallTime>(i.created)
                                       : field == "updated" ? std::optional<WallTime>(i.updated)
                                                            : i.resolved;
  return have && *have == *instant;
}

// The issue has some value in `field` (EMPTY never matches !=, as in Jira).
bool has_value(const JqlFacts& i, const std::string& field) {
  return !equals(i, field, Value{Value::Kind::empty, {}, {}}, WallTime{});
}

template <typename T>
bool compare(const T& have, const std::string& op, const T& want) {
  if (op == "<") {
    return have < want;
  }
  if (op == "<=") {
    return have <= want;
  }
  if (op == ">") {
    return have > want;
  }
  return have >= want;
}

bool clause_matches(const Node& n, const JqlFacts& i, WallTime now) {
  if (n.op == "~" || n.op == "!~") {
    const std::string needle = jql_lower(n.values.empty() ? "" : n.values[0].text);
    const bool found = jql_lower(i.summary).find(needle) != std::string::npos;
    return n.op == "~" ? found : !found;
  }
  if (n.op == "is" || n.op == "is not") {
    const bool empty = !has_value(i, n.field);
    return n.op == "is" ? empty : !empty;
  }
  if (n.op == "=" || n.op == "in" || n.op == "!=" || n.op == "not in") {
    bool any = false;
    bool asks_empty = false;
    for (const Value& v : n.values) {
      any = any || equals(i, n.field, v, now);
      asks_empty = asks_empty || v.kind == Value::Kind::empty;
    }
    if (n.op == "=" || n.op == "in") {
      return any;
    }
    return !any && (asks_empty || has_value(i, n.field));
  }
  // <, <=, >, >= on dates and id.
  if (n.field == "id") {
    try {
      return compare(i.id, n.op, std::stol(n.values.at(0).text));
    } catch (const std::exception&) {
      return false;
    }
  }
  const auto want = instant_of(n.values.at(0), now);
  if (!want) {
    return false;
  }
  if (n.field == "duedate") {
    return i.duedate && compare(*i.duedate, n.op, date_of(*want));
  }
  const std::optional<WallTime> have = n.field == "created"   ? std::optional<WallTime>(i.created)
                                       : n.field == "updated" ? std::optional<WallTime>(i.updated)
                                                              : i.resolved;
  return have && compare(*have, n.op, *want);
}

bool node_matches(const JqlQuery& q, int index, const JqlFacts& i, WallTime now) {
  const Node& n = q.nodes.at(static_cast<std::size_t>(index));
  switch (n.kind) {
    case Node::Kind::all:
      return std::all_of(n.children.begin(), n.children.end(),
                         [&](int c) { return node_matches(q, c, i, now); });
    case Node::Kind::any:
      return std::any_of(n.children.begin(), n.children.end(),
                         [&](int c) { return node_matches(q, c, i, now); });
    case Node::Kind::negate:
      return !node_matches(q, n.children.at(0), i, now);
    case Node::Kind::clause:
      return clause_matches(n, i, now);
  }
  return false;
}

// -1, 0, 1; empty values sort after all others.
int order_of(const JqlFacts& a, const JqlFacts& b, const std::string& field) {
  const auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (field == "key") {
    const int p = cmp(a.project, b.project);
    return p != 0 ? p : cmp(a.number, b.number);
  }
  if (field == "created") {
    return cmp(a.created, b.created);
  }
  if (field == "updated") {
    return cmp(a.updated, b.updated);
  }
  if (field == "summary") {
    return cmp(a.summary, b.summary);
  }
  if (field == "status" || field == "statuscategory") {
    return cmp(a.status, b.status);
  }
  if (field == "resolution" || field == "project") {
    return cmp(field == "project" ? a.project : a.resolution,
               field == "project" ? b.project : b.resolution);
  }
  if (field == "duedate" || field == "resolutiondate") {
    const std::optional<std::string> x =
        field == "duedate" ? a.duedate
                           : (a.resolved ? std::optional<std::string>(format_jira_time(*a.resolved))
                                         : std::nullopt);
    const std::optional<std::string> y =
        field == "duedate" ? b.duedate
                           : (b.resolved ? std::optional<std::string>(format_jira_time(*b.resolved))
                                         : std::nullopt);
    if (x.has_value() != y.has_value()) {
      return x ? -1 : 1;
    }
    return x ? cmp(*x, *y) : 0;
  }
  return cmp(a.id, b.id);
}

}  // namespace

bool jql_date_value(const std::string& text) {
  return date_literal(text).has_value() || period(text).has_value();
}

bool valid_day_offset(const std::string& text) { return day_offset(text).has_value(); }

bool JqlQuery::matches(const JqlFacts& issue, WallTime now) const {
  return root < 0 || node_matches(*this, root, issue, now);
}

bool JqlQuery::before(const JqlFacts& a, const JqlFacts& b) const {
  const std::vector<std::pair<std::string, bool>> fallback = {{"created", false}, {"id", false}};
  for (const auto& [field, ascending] : order.empty() ? fallback : order) {
    const int c = order_of(a, b, field);
    if (c != 0) {
      return ascending ? c < 0 : c > 0;
    }
  }
  return a.id < b.id;
}

}  // namespace bzjira::sim::jirasim
