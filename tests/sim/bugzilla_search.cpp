// The simulator's GET /rest/bug (docs/bugzilla-api.md#search): the documented simple parameters,
// the advanced-search ones (bug_status, status_whiteboard(_type), short_desc(_type), f1/o1/v1
// charts), include_fields, order, limit (capped at 10,000; 0 = the cap and no offset), offset,
// count_only.
#include <algorithm>
#include <cctype>
#include <functional>
#include <regex>

#include "tests/sim/bugzilla_service.h"

namespace bzjira::sim {

namespace {

using Predicate = std::function<bool(const Json&)>;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool contains_ci(const std::string& haystack, const std::string& needle) {
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text + " ") {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
      if (!current.empty()) {
        out.push_back(current);
      }
      current.clear();
    } else {
      current += c;
    }
  }
  return out;
}

bool is_open_status(const std::string& status) {
  return !(status == "RESOLVED" || status == "VERIFIED" || status == "CLOSED");
}

// A bug member as text: strings as they are, numbers in decimal, arrays of strings joined by
// ", ", flags rendered as Bugzilla's flagtypes.name ("needinfo?(ca@example.org)").
std::string field_text(const Json& bug, const std::string& field) {
  if (field == "flagtypes.name") {
    std::string out;
    for (const auto& flag : bug.value("flags", Json::array())) {
      if (!flag.is_object()) {
        continue;
      }
      out += (out.empty() ? "" : ", ") + flag.value("name", "") + flag.value("status", "");
      if (flag.contains("requestee") && flag["requestee"].is_string()) {
        out += "(" + flag["requestee"].get<std::string>() + ")";
      }
    }
    return out;
  }
  const auto it = bug.find(field);
  if (it == bug.end() || it->is_null()) {
    return "";
  }
  if (it->is_string()) {
    return it->get<std::string>();
  }
  if (it->is_array()) {
    std::string out;
    for (const auto& item : *it) {
      out += (out.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
    }
    return out;
  }
  return it->dump();
}

// Advanced-search field names (Search.pm) to the REST member that holds the value.
std::optional<std::string> chart_field(const std::string& name) {
  static const std::map<std::string, std::string> k_fields = {
      {"short_desc", "summary"},
      {"summary", "summary"},
      {"status_whiteboard", "whiteboard"},
      {"whiteboard", "whiteboard"},
      {"bug_status", "status"},
      {"status", "status"},
      {"resolution", "resolution"},
      {"product", "product"},
      {"component", "component"},
      {"assigned_to", "assigned_to"},
      {"reporter", "creator"},
      {"creator", "creator"},
      {"qa_contact", "qa_contact"},
      {"bug_id", "id"},
      {"id", "id"},
      {"delta_ts", "last_change_time"},
      {"last_change_time", "last_change_time"},
      {"creation_ts", "creation_time"},
      {"creation_time", "creation_time"},
      {"keywords", "keywords"},
      {"alias", "alias"},
      {"flagtypes.name", "flagtypes.name"}};
  if (auto it = k_fields.find(name); it != k_fields.end()) {
    return it->second;
  }
  if (name.rfind("cf_", 0) == 0) {
    return name;
  }
  return std::nullopt;
}

// Orders values as Bugzilla compares them: datetimes as instants, integers numerically, else text.
int compare_values(const std::string& a, const std::string& b) {
  const auto ta = parse_sim_time(a);
  const auto tb = parse_sim_time(b);
  if (ta && tb) {
    return *ta < *tb ? -1 : (*ta > *tb ? 1 : 0);
  }
  if (all_digits(a) && all_digits(b)) {
    const auto na = std::stoll(a);
    const auto nb = std::stoll(b);
    return na < nb ? -1 : (na > nb ? 1 : 0);
  }
  return a.compare(b) < 0 ? -1 : (a.compare(b) > 0 ? 1 : 0);
}

// One operator of Search.pm applied to a field's text. nullopt for an unknown operator.
std::optional<bool> apply_operator(const std::string& op, const std::string& value,
                                   const std::string& wanted) {
  if (op == "equals") {
    return value == wanted;
  }
  if (op == "notequals") {
    return value != wanted;
  }
  if (op == "anyexact") {
    const auto list = words(wanted);
    return std::find(list.begin(), list.end(), value) != list.end();
  }
  if (op == "substring") {
    return contains_ci(value, wanted);
  }
  if (op == "casesubstring") {
    return value.find(wanted) != std::string::npos;
  }
  if (op == "notsubstring") {
    return !contains_ci(value, wanted);
  }
  if (op == "anywordssubstr" || op == "allwordssubstr" || op == "nowordssubstr") {
    const auto list = words(wanted);
    const auto hits = std::count_if(list.begin(), list.end(),
                                    [&](const std::string& w) { return contains_ci(value, w); });
    if (op == "anywordssubstr") {
      return hits > 0;
    }
    return op == "allwordssubstr" ? hits == static_cast<long>(list.size()) : hits == 0;
  }
  if (op == "anywords" || op == "allwords" || op == "nowords") {
    const auto have = words(lower(value));
    const auto list = words(lower(wanted));
    const auto hits = std::count_if(list.begin(), list.end(), [&](const std::string& w) {
      return std::find(have.begin(), have.end(), w) != have.end();
    });
    if (op == "anywords") {
      return hits > 0;
    }
    return op == "allwords" ? hits == static_cast<long>(list.size()) : hits == 0;
  }
  if (op == "regexp" || op == "notregexp") {
    try {
      const bool found = std::regex_search(value, std::regex(wanted, std::regex::icase));
      return op == "regexp" ? found : !found;
    } catch (const std::regex_error&) {
      return false;
    }
  }
  if (op == "lessthan") {
    return compare_values(value, wanted) < 0;
  }
  if (op == "lessthaneq") {
    return compare_values(value, wanted) <= 0;
  }
  if (op == "greaterthan") {
    return compare_values(value, wanted) > 0;
  }
  if (op == "greaterthaneq") {
    return compare_values(value, wanted) >= 0;
  }
  if (op == "isempty") {
    return value.empty();
  }
  if (op == "isnotempty") {
    return !value.empty();
  }
  return std::nullopt;
}

// Parameters that shape the answer rather than select bugs.
bool is_control_param(const std::string& key) {
  static const std::set<std::string> k_names = {"include_fields",
                                                "exclude_fields",
                                                "limit",
                                                "offset",
                                                "order",
                                                "count_only",
                                                "api_key",
                                                "Bugzilla_api_key",
                                                "Bugzilla_login",
                                                "Bugzilla_password",
                                                "Bugzilla_token",
                                                "query_format",
                                                "j_top",
                                                "ctype",
                                                "format",
                                                "short_desc_type",
                                                "status_whiteboard_type"};
  return k_names.count(key) != 0 ||
         (key.size() > 1 && (key[0] == 'o' || key[0] == 'v' || key[0] == 'n') &&
          all_digits(key.substr(1)));
}

struct SortKey {
  std::string field;
  bool descending = false;
};

std::vector<SortKey> parse_order(const std::optional<std::string>& order) {
  static const std::map<std::string, std::string> k_columns = {
      {"bug_id", "id"},
      {"id", "id"},
      {"changeddate", "last_change_time"},
      {"last_change_time", "last_change_time"},
      {"delta_ts", "last_change_time"},
      {"opendate", "creation_time"},
      {"creation_time", "creation_time"},
      {"creation_ts", "creation_time"},
      {"bug_status", "status"},
      {"status", "status"},
      {"short_desc", "summary"},
      {"summary", "summary"}};
  std::vector<SortKey> keys;
  if (order) {
    std::size_t start = 0;
    while (start <= order->size()) {
      std::size_t end = order->find(',', start);
      if (end == std::string::npos) {
        end = order->size();
      }
      const auto parts = words(order->substr(start, end - start));
      if (!parts.empty()) {
        if (auto it = k_columns.find(parts[0]); it != k_columns.end()) {
          keys.push_back({it->second, parts.size() > 1 && lower(parts[1]) == "desc"});
        }
      }
      start = end + 1;
    }
  }
  keys.push_back({"id", false});  // Bugzilla's default order and the tie-breaker
  return keys;
}

}  // namespace

SimResponse BugzillaService::search(const SimRequest& request, const Caller& caller) const {
  const QueryParams& q = request.query;
  std::vector<Predicate> all;
  bool has_criteria = false;

  auto any_exact = [&](const std::string& param, const std::string& member) {
    const auto values = param_values(q, param);
    if (values.empty()) {
      return;
    }
    has_criteria = true;
    all.push_back([values, member](const Json& bug) {
      const std::string value = field_text(bug, member);
      return std::find(values.begin(), values.end(), value) != values.end();
    });
  };
  auto any_op = [&](const std::vector<std::string>& values, const std::string& op,
                    const std::string& member) -> bool {
    if (values.empty()) {
      return true;
    }
    if (!apply_operator(op, "", "")) {
      return false;
    }
    has_criteria = true;
    all.push_back([values, op, member](const Json& bug) {
      const std::string value = field_text(bug, member);
      return std::any_of(values.begin(), values.end(),
                         [&](const std::string& v) { return *apply_operator(op, value, v); });
    });
    return true;
  };

  // Ids: a comma-separated list ("id=12434,43421"), repeatable.
  std::set<std::string> ids;
  for (const char* name : {"id", "bug_id"}) {
    for (const auto& value : param_values(q, name)) {
      for (const auto& id : words(value)) {
        ids.insert(id);
      }
    }
  }
  if (!ids.empty()) {
    has_criteria = true;
    all.push_back([ids](const Json& bug) { return ids.count(field_text(bug, "id")) != 0; });
  }
  any_exact("product", "product");
  any_exact("component", "component");
  any_exact("assigned_to", "assigned_to");
  any_exact("creator", "creator");
  any_exact("reporter", "creator");
  any_exact("qa_contact", "qa_contact");
  any_exact("alias", "alias");

  std::vector<std::string> statuses = param_values(q, "status");
  for (const auto& s : param_values(q, "bug_status")) {
    statuses.push_back(s);
  }
  if (!statuses.empty()) {
    has_criteria = true;
    all.push_back([statuses](const Json& bug) {
      const std::string status = field_text(bug, "status");
      return std::any_of(statuses.begin(), statuses.end(), [&](const std::string& wanted) {
        return wanted == "__all__" || (wanted == "__open__" && is_open_status(status)) ||
               (wanted == "__closed__" && !is_open_status(status)) || wanted == status;
      });
    });
  }
  auto resolutions = param_values(q, "resolution");
  if (!resolutions.empty()) {
    for (auto& r : resolutions) {
      r = r == "---" ? "" : r;  // "---" is how Bugzilla shows the empty resolution
    }
    has_criteria = true;
    all.push_back([resolutions](const Json& bug) {
      const std::string value = field_text(bug, "resolution");
      return std::find(resolutions.begin(), resolutions.end(), value) != resolutions.end();
    });
  }
  // The documented simple parameters are substring searches; the advanced ones default to
  // allwordssubstr like the search form.
  any_op(param_values(q, "whiteboard"), "substring", "whiteboard");
  any_op(param_values(q, "summary"), "substring", "summary");
  const std::string wb_type = first_param(q, "status_whiteboard_type").value_or("allwordssubstr");
  const std::string sd_type = first_param(q, "short_desc_type").value_or("allwordssubstr");
  for (const auto& [param, type] : {std::pair{std::string("status_whiteboard"), wb_type},
                                    std::pair{std::string("short_desc"), sd_type}}) {
    const auto values = param_values(q, param);
    if (!any_op(values, type, param == "short_desc" ? "summary" : "whiteboard")) {
      return error_response(Error{400, 32000, "Can't use " + type + " as an operator."});
    }
  }
  for (const auto& [param, member] : {std::pair{"last_change_time", "last_change_time"},
                                      std::pair{"creation_time", "creation_time"}}) {
    if (auto text = first_param(q, param)) {
      const auto since = parse_sim_time(*text);
      if (!since) {
        return error_response(Error{400, 56, "'" + *text + "' is not a legal date."});
      }
      has_criteria = true;
      const std::string field = member;
      all.push_back([since, field](const Json& bug) {
        const auto t = parse_sim_time(field_text(bug, field));
        return t && *t >= *since;  // "at this time or later"
      });
    }
  }

  // Boolean charts f<N>/o<N>/v<N> (n<N>=1 negates), ANDed unless j_top=OR.
  std::vector<Predicate> charts;
  for (const auto& [key, field_name] : q) {
    if (key.size() < 2 || key[0] != 'f' || !all_digits(key.substr(1))) {
      continue;
    }
    const std::string n = key.substr(1);
    const std::string op = first_param(q, "o" + n).value_or("noop");
    if (op == "noop" || field_name == "noop" || field_name == "OP" || field_name == "CP") {
      continue;
    }
    const auto member = chart_field(field_name);
    if (!member) {
      return error_response(Error{400, 32000, "Can't use " + field_name + " as a field name."});
    }
    if (!apply_operator(op, "", "")) {
      return error_response(Error{400, 32000, "Can't use " + op + " as an operator."});
    }
    const std::string wanted = first_param(q, "v" + n).value_or("");
    const bool negate = first_param(q, "n" + n).value_or("") == "1";
    const std::string& m = *member;
    charts.push_back([m, op, wanted, negate](const Json& bug) {
      return *apply_operator(op, field_text(bug, m), wanted) != negate;
    });
  }
  if (!charts.empty()) {
    has_criteria = true;
    const bool any = first_param(q, "j_top").value_or("AND") == "OR";
    all.push_back([charts, any](const Json& bug) {
      auto hit = [&](const Predicate& p) { return p(bug); };
      return any ? std::any_of(charts.begin(), charts.end(), hit)
                 : std::all_of(charts.begin(), charts.end(), hit);
    });
  }
  for (const auto& [key, value] : q) {
    (void)value;
    has_criteria = has_criteria || !is_control_param(key);
  }
  if (!has_criteria) {
    return error_response(Error{400, 1000, "Please specify at least one search parameter."});
  }

  // Paging (integration.rst): unset, zero or above the cap = the cap; offset needs a limit;
  // limit=0 discards the offset.
  long limit = k_max_search_results;
  long offset = 0;
  const auto limit_text = first_param(q, "limit");
  const auto offset_text = first_param(q, "offset");
  if (offset_text && !limit_text) {
    return error_response(
        Error{400, 50,
              "The function Bug.search requires a limit argument, and that argument was not set."});
  }
  for (const auto& text : {limit_text, offset_text}) {
    if (text && !all_digits(*text)) {
      return error_response(Error{400, 32000, "Invalid integer value '" + *text + "'."});
    }
  }
  if (limit_text) {
    const long asked = std::stol(*limit_text);
    limit = (asked == 0 || asked > k_max_search_results) ? k_max_search_results : asked;
    offset = asked == 0 ? 0 : (offset_text ? std::stol(*offset_text) : 0);
  }

  std::vector<const Json*> found;
  for (const auto& [id, bug] : m_bugs) {
    if (can_see_bug(bug, caller) &&
        std::all_of(all.begin(), all.end(), [&bug = bug](const Predicate& p) { return p(bug); })) {
      found.push_back(&bug);
    }
  }
  if (first_param(q, "count_only")) {
    return json_response(200, {{"bug_count", found.size()}});
  }
  const auto keys = parse_order(first_param(q, "order"));
  std::stable_sort(found.begin(), found.end(), [&](const Json* a, const Json* b) {
    for (const auto& key : keys) {
      const int c = compare_values(field_text(*a, key.field), field_text(*b, key.field));
      if (c != 0) {
        return key.descending ? c > 0 : c < 0;
      }
    }
    return false;
  });
  Json bugs = Json::array();
  for (long i = offset; i < static_cast<long>(found.size()) && i < offset + limit; ++i) {
    bugs.push_back(filter_fields(*found[static_cast<std::size_t>(i)], q, bug_extra_fields()));
  }
  return json_response(200, {{"bugs", bugs}});
}

}  // namespace bzjira::sim
