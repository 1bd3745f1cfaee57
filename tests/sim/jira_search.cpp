// The simulator's JQL search: Cloud's enhanced search/jql (nextPageToken, isLast, no total) and
// Data Center's search (startAt, maxResults, total), with Cloud's eventual consistency.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <variant>

#include "tests/sim/jira_jql.h"
#include "tests/sim/jira_service.h"

namespace bzjira::sim::jirasim {
namespace {

struct SearchArgs {
  std::string jql;
  std::vector<std::string> fields;
  long max_results = 50;
  long start_at = 0;
  std::string token;
  std::vector<long> reconcile;
};

const char* const k_unbounded =
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.";

std::string token_for(long offset, const std::string& jql) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "o%ld.%zx", offset, std::hash<std::string>{}(jql));
  return buf;
}

std::optional<long> offset_of(const std::string& token, const std::string& jql) {
  const std::size_t dot = token.find('.');
  if (token.size() < 3 || token[0] != 'o' || dot == std::string::npos) {
    return std::nullopt;
  }
  try {
    const long offset = std::stol(token.substr(1, dot - 1));
    if (offset < 0 || token_for(offset, jql) != token) {
      return std::nullopt;
    }
    return offset;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Reads the arguments from the query string (GET) or the JSON body (POST). Empty string = ok.
std::string read_args(const Request& r, bool cloud, SearchArgs& a) {
  const auto number = [](const std::string& text, long& out) {
    try {
      std::size_t used = 0;
      out = std::stol(text, &used);
      return used == text.size();
    } catch (const std::exception&) {
      return false;
    }
  };
  if (r.method == "GET") {
    const auto one = [&r](const char* name) {
      const auto it = r.query.find(name);
      return it == r.query.end() ? std::string() : it->second;
    };
    a.jql = one("jql");
    a.fields = list_param(r.query, "fields");
    a.token = one("nextPageToken");
    if ((!one("maxResults").empty() && !number(one("maxResults"), a.max_results)) ||
        (!one("startAt").empty() && !number(one("startAt"), a.start_at))) {
      return "maxResults and startAt must be numbers.";
    }
    for (const std::string& id : list_param(r.query, "reconcileIssues")) {
      long n = 0;
      if (number(id, n)) {
        a.reconcile.push_back(n);
      }
    }
    return {};
  }
  const Json body = Json::parse(r.body, nullptr, false);
  if (!body.is_object()) {
    return "The request body is not a JSON object.";
  }
  // Cloud's SearchAndReconcileRequestBean and Data Center's SearchRequestBean reject unknown keys.
  static const std::vector<std::string> cloud_keys = {
      "expand",        "fields",     "fieldsByKeys",    "jql",     "maxResults",
      "nextPageToken", "properties", "reconcileIssues", "failFast"};
  static const std::vector<std::string> dc_keys = {"expand",  "fields",       "fieldsByKeys",
                                                   "jql",     "maxResults",   "properties",
                                                   "startAt", "validateQuery"};
  const auto& allowed = cloud ? cloud_keys : dc_keys;
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return "Unrecognized field \"" + key + "\"";
    }
  }
  const Json jql = body.value("jql", Json(""));
  const Json max = body.value("maxResults", Json(50));
  const Json start = body.value("startAt", Json(0));
  const Json token = body.value("nextPageToken", Json(""));
  const Json fields = body.value("fields", Json::array());
  if (!jql.is_string() || !max.is_number_integer() || !start.is_number_integer() ||
      !(token.is_string() || token.is_null()) || !fields.is_array()) {
    return "The request body has a value of the wrong type.";
  }
  a.jql = jql.get<std::string>();
  a.max_results = max.get<long>();
  a.start_at = start.get<long>();
  a.token = token.is_string() ? token.get<std::string>() : std::string();
  for (const Json& f : fields) {
    if (!f.is_string()) {
      return "'fields' must hold strings.";
    }
    a.fields.push_back(f.get<std::string>());
  }
  const Json reconcile = body.value("reconcileIssues", Json::array());
  for (const Json& id : reconcile.is_array() ? reconcile : Json::array()) {
    if (id.is_number_integer()) {
      a.reconcile.push_back(id.get<long>());
    }
  }
  return {};
}

JqlFacts facts_of(const Issue& i, const std::string& project) {
  JqlFacts f;
  f.id = i.id;
  f.number = i.number;
  f.key = i.key;
  f.project = project;
  f.summary = i.summary;
  f.status = i.status;
  f.category = i.status == "Done" ? "done" : i.status == "In Progress" ? "indeterminate" : "new";
  f.resolution = i.resolution;
  f.labels = i.labels;
  f.created = i.created;
  f.updated = i.updated;
  f.resolved = i.resolved;
  f.duedate = i.duedate;
  return f;
}

// Shared by both search flavours: the matching, visible issues in query order, or a 400.
std::variant<std::vector<const Issue*>, Answer> run_query(const std::vector<Issue>& issues,
                                                          const std::string& project,
                                                          const SearchArgs& a,
                                                          bool require_bounded) {
  auto [query, error] = JqlQuery::parse(a.jql);
  if (!query) {
    return error_answer(400, {error});
  }
  if (require_bounded && !query->bounded()) {
    return error_answer(400, {k_unbounded});
  }
  const WallTime now = wall_now();
  const auto steady_now = Steady::now();
  std::vector<std::pair<JqlFacts, const Issue*>> hits;
  for (const Issue& issue : issues) {
    const bool reconciled =
        std::find(a.reconcile.begin(), a.reconcile.end(), issue.id) != a.reconcile.end();
    if (steady_now < issue.searchable_from && !reconciled) {
      // Not indexed yet: "Recent updates might not be immediately visible"
      // (docs/jira-api.md#search-lag).
      continue;
    }
    JqlFacts facts = facts_of(issue, project);
    if (query->matches(facts, now)) {
      hits.emplace_back(std::move(facts), &issue);
    }
  }
  std::stable_sort(hits.begin(), hits.end(), [&query = query](const auto& x, const auto& y) {
    return query->before(x.first, y.first);
  });
  std::vector<const Issue*> out;
  out.reserve(hits.size());
  for (const auto& hit : hits) {
    out.push_back(hit.second);
  }
  return out;
}

}  // namespace

Answer Service::search_jql(const Request& r, Version v) {
  SearchArgs a;
  if (std::string problem = read_args(r, true, a); !problem.empty()) {
    return error_answer(400, {problem});
  }
  if (a.jql.find_first_not_of(" \t\r\n") == std::string::npos) {
    return error_answer(400, {k_unbounded});
  }
  if (a.max_results < 0) {
    return error_answer(400, {"The value of 'maxResults' must be 0 or more."});
  }
  long offset = 0;
  if (!a.token.empty()) {
    const auto decoded = offset_of(a.token, a.jql);
    if (!decoded) {
      return error_answer(400, {"The provided next page token is invalid or expired."});
    }
    offset = *decoded;
  }
  auto result = run_query(m_issues, m_options.project_key, a, true);
  if (auto* answer = std::get_if<Answer>(&result)) {
    return *answer;
  }
  const auto& hits = std::get<std::vector<const Issue*>>(result);
  const std::set<std::string> fields = select_fields(a.fields, {"id"});
  // "The greatest number of items returned per page is achieved when requesting id or key only."
  const long cap = fields.empty() ? 5000 : 100;
  const long page = std::min(a.max_results == 0 ? 50 : a.max_results, cap);
  Json issues = Json::array();
  const long n = static_cast<long>(hits.size());
  for (long i = offset; i < std::min(n, offset + page); ++i) {
    issues.push_back(
        issue_json(*hits[static_cast<std::size_t>(i)], v, fields, k_search_comment_limit));
  }
  const bool last = offset + page >= n;
  Json body = {{"issues", issues}, {"isLast", last}};
  if (!last) {
    body["nextPageToken"] = token_for(offset + page, a.jql);
  }
  return json_answer(200, body);
}

Answer Service::search_dc(const Request& r, Version v) {
  SearchArgs a;
  if (std::string problem = read_args(r, false, a); !problem.empty()) {
    return error_answer(400, {problem});
  }
  if (a.max_results < 0 || a.start_at < 0) {
    return error_answer(400, {"startAt and maxResults must be 0 or more."});
  }
  auto result = run_query(m_issues, m_options.project_key, a, false);
  if (auto* answer = std::get_if<Answer>(&result)) {
    return *answer;
  }
  const auto& hits = std::get<std::vector<const Issue*>>(result);
  // jira.search.views.default.max falls back to 1000 (docs/jira-api.md#data-center-search).
  const long page = std::min(a.max_results, 1000L);
  const std::set<std::string> fields = select_fields(a.fields, {"*navigable"});
  Json issues = Json::array();
  const long n = static_cast<long>(hits.size());
  for (long i = a.start_at; i < std::min(n, a.start_at + page); ++i) {
    issues.push_back(
        issue_json(*hits[static_cast<std::size_t>(i)], v, fields, k_search_comment_limit));
  }
  return json_answer(200, Json{{"expand", "schema,names"},
                               {"startAt", a.start_at},
                               {"maxResults", page},
                               {"total", n},
                               {"issues", issues}});
}

}  // namespace bzjira::sim::jirasim
