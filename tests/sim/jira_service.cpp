// The Jira simulator's routing and shared helpers (time formats, users, error answers).
#include "tests/sim/jira_service.h"

#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <functional>

namespace bzjira::sim::jirasim {

const Json& empty_object() {
  static const Json k_empty = Json::object();
  return k_empty;
}

Answer json_answer(int status, const Json& body) {
  Answer a;
  a.status = status;
  // Invalid UTF-8 stored from a request is replaced, never thrown on.
  a.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return a;
}

Answer error_answer(int status, std::vector<std::string> messages, Json errors) {
  return json_answer(status, Json{{"errorMessages", std::move(messages)}, {"errors", errors}});
}

namespace {

// Milliseconds added to the system clock; an atomic because every request thread reads it.
std::atomic<std::int64_t> g_wall_offset_ms{0};

}  // namespace

WallTime wall_now() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()) +
         wall_clock_offset();
}

std::chrono::milliseconds wall_clock_offset() {
  return std::chrono::milliseconds{g_wall_offset_ms.load()};
}

void set_wall_clock_offset(std::chrono::milliseconds offset) {
  g_wall_offset_ms.store(offset.count());
}

std::string format_jira_time(WallTime t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03d+0000",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

namespace {

bool digits(const std::string& s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) {
    return false;
  }
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

int num(const std::string& s, std::size_t pos, std::size_t n) {
  return std::stoi(s.substr(pos, n));
}

}  // namespace

bool valid_date(const std::string& text) {
  if (text.size() != 10 || !digits(text, 0, 4) || text[4] != '-' || !digits(text, 5, 2) ||
      text[7] != '-' || !digits(text, 8, 2)) {
    return false;
  }
  const std::chrono::year_month_day d{std::chrono::year{num(text, 0, 4)},
                                      std::chrono::month{static_cast<unsigned>(num(text, 5, 2))},
                                      std::chrono::day{static_cast<unsigned>(num(text, 8, 2))}};
  return d.ok();
}

std::optional<WallTime> parse_jira_time(const std::string& text) {
  if (text.size() < 19 || !valid_date(text.substr(0, 10)) || (text[10] != 'T' && text[10] != ' ') ||
      !digits(text, 11, 2) || text[13] != ':' || !digits(text, 14, 2) || text[16] != ':' ||
      !digits(text, 17, 2)) {
    return std::nullopt;
  }
  const int hh = num(text, 11, 2);
  const int mm = num(text, 14, 2);
  const int ss = num(text, 17, 2);
  if (hh > 23 || mm > 59 || ss > 59) {
    return std::nullopt;
  }
  std::size_t i = 19;
  int ms = 0;
  if (i < text.size() && text[i] == '.') {
    std::size_t j = i + 1;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) {
      ++j;
    }
    if (j == i + 1) {
      return std::nullopt;
    }
    ms = num(text.substr(i + 1, 3) + "00", 0, 3);
    i = j;
  }
  int offset_minutes = 0;
  if (i < text.size()) {
    const std::string zone = text.substr(i);
    if (zone == "Z") {
      offset_minutes = 0;
    } else if ((zone[0] == '+' || zone[0] == '-') &&
               ((zone.size() == 5 && digits(zone, 1, 4)) ||
                (zone.size() == 6 && digits(zone, 1, 2) && zone[3] == ':' && digits(zone, 4, 2)))) {
      const int h = num(zone, 1, 2);
      const int m = num(zone, zone.size() - 2, 2);
      offset_minutes = (zone[0] == '-' ? -1 : 1) * (h * 60 + m);
    } else {
      return std::nullopt;
    }
  }
  const std::chrono::year_month_day d{std::chrono::year{num(text, 0, 4)},
                                      std::chrono::month{static_cast<unsigned>(num(text, 5, 2))},
                                      std::chrono::day{static_cast<unsigned>(num(text, 8, 2))}};
  return WallTime{std::chrono::sys_days{d}} + std::chrono::hours{hh} + std::chrono::minutes{mm} +
         std::chrono::seconds{ss} + std::chrono::milliseconds{ms} -
         std::chrono::minutes{offset_minutes};
}

std::size_t utf8_chars(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) {
    // Jira (Java) measures String.length(): UTF-16 code units, 2 for a 4-byte UTF-8 sequence.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      n += static_cast<unsigned char>(c) >= 0xF0 ? 2 : 1;
    }
  }
  return n;
}

Service::Service(Options options) : m_options(std::move(options)) {}

void Service::set_base_url(const std::string& url) {
  std::lock_guard<std::mutex> lock(m_mu);
  m_base_url = url;
}

void Service::set_search_delay_ms(int ms) {
  std::lock_guard<std::mutex> lock(m_mu);
  m_options.search_delay_ms = ms;
}

std::string Service::route_of(const std::string& method, const std::string& path) {
  std::string out;
  std::string previous;
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) {
      slash = path.size();
    }
    std::string part = path.substr(start, slash - start);
    if ((previous == "issue" && part != "bulk" && part != "createmeta") || previous == "project" ||
        previous == "createmeta") {
      part = "{key}";
    }
    out += "/" + part;
    previous = part;
    start = slash + 1;
  }
  return method + " " + out;
}

std::string Service::self_url(Version v, const std::string& rest) const {
  return m_base_url + (v == Version::v3 ? "/rest/api/3" : "/rest/api/2") + rest;
}

std::string Service::account_id(const std::string& user) const {
  // Stable and opaque like Cloud's account ids.
  char buf[32];
  std::snprintf(buf, sizeof buf, "557058:%016zx", std::hash<std::string>{}(user));
  return buf;
}

Json Service::user_json(const std::string& user, Version v) const {
  const std::string display = user.substr(0, user.find('@'));
  Json u = {{"displayName", display}, {"active", true}, {"timeZone", "UTC"}};
  if (m_options.cloud) {
    u["accountId"] = account_id(user);
    u["accountType"] = "atlassian";
    u["emailAddress"] = user;
    u["self"] = self_url(v, "/user?accountId=" + account_id(user));
  } else {
    u["name"] = display;
    u["key"] = display;
    u["emailAddress"] = user;
    u["self"] = self_url(v, "/user?username=" + display);
  }
  return u;
}

Issue* Service::find_issue(const std::string& key_or_id) {
  for (Issue& issue : m_issues) {
    if (issue.key == key_or_id || std::to_string(issue.id) == key_or_id) {
      return &issue;
    }
  }
  return nullptr;
}

Answer Service::handle(const Request& r) {
  std::lock_guard<std::mutex> lock(m_mu);
  const auto not_found = [&r, this] {
    return error_answer(404, {"null for uri: " + m_base_url + r.path});
  };
  Version v = Version::v2;
  if (r.path.rfind("/rest/api/3/", 0) == 0) {
    v = Version::v3;
    if (!m_options.cloud) {
      return not_found();  // Data Center has no REST v3
    }
  } else if (r.path.rfind("/rest/api/2/", 0) != 0) {
    return not_found();
  }
  std::vector<std::string> parts;
  std::size_t start = 12;
  while (start < r.path.size()) {
    std::size_t slash = r.path.find('/', start);
    if (slash == std::string::npos) {
      slash = r.path.size();
    }
    parts.push_back(r.path.substr(start, slash - start));
    start = slash + 1;
  }
  Answer a = route(r, v, parts);
  if (a.status == 404 && a.body.empty()) {
    return not_found();
  }
  return a;
}

Answer Service::route(const Request& r, Version v, const std::vector<std::string>& p) {
  const std::string& m = r.method;
  const auto is = [&p](std::initializer_list<const char*> want) {
    if (p.size() != want.size()) {
      return false;
    }
    std::size_t i = 0;
    for (const char* w : want) {
      if (std::string(w) != "*" && p[i] != w) {
        return false;
      }
      ++i;
    }
    return true;
  };
  Answer method_not_allowed;
  method_not_allowed.status = 405;
  Answer unknown;
  unknown.status = 404;

  if (is({"issue"}) || is({"issue", "bulk"})) {
    if (m != "POST") {
      return method_not_allowed;
    }
    return p.size() == 1 ? create_one(r, v) : create_bulk(r, v);
  }
  if (p.size() >= 4 && p[0] == "issue" && p[1] == "createmeta") {
    return m == "GET" ? get_create_meta(r, v, p) : method_not_allowed;
  }
  if (!p.empty() && p[0] == "issue" && p.size() <= 3) {
    Issue* issue = find_issue(p[1]);
    if (issue == nullptr) {
      return error_answer(404, {"Issue does not exist or you do not have permission to see it."});
    }
    const std::string what = p.size() == 3 ? p[2] : "";
    if (what.empty()) {
      return m == "GET"   ? get_issue(r, v, *issue)
             : m == "PUT" ? edit_issue(r, v, *issue)
                          : method_not_allowed;
    }
    if (what == "transitions") {
      return m == "GET"    ? get_transitions(r, v, *issue)
             : m == "POST" ? do_transition(r, v, *issue)
                           : method_not_allowed;
    }
    if (what == "comment") {
      return m == "GET"    ? get_comments(r, v, *issue)
             : m == "POST" ? add_comment(r, v, *issue)
                           : method_not_allowed;
    }
    if (what == "remotelink") {
      return m == "GET"    ? get_remote_links(r, v, *issue)
             : m == "POST" ? post_remote_link(r, v, *issue)
                           : method_not_allowed;
    }
    return unknown;
  }
  if (is({"search", "jql"})) {
    if (!m_options.cloud) {
      return unknown;
    }
    return (m == "GET" || m == "POST") ? search_jql(r, v) : method_not_allowed;
  }
  if (is({"search"})) {
    if (m_options.cloud) {
      // CHANGE-2046: removed on Cloud, exact message observed
      // (docs/jira-api.md#legacy-search-removed).
      return error_answer(410,
                          {"The requested API has been removed. Please migrate to the "
                           "/rest/api/3/search/jql API. A full migration guideline is "
                           "available at https://developer.atlassian.com/changelog/#CHANGE-2046"});
    }
    return (m == "GET" || m == "POST") ? search_dc(r, v) : method_not_allowed;
  }
  if (m != "GET") {
    return is({"project", "*"}) || is({"project", "*", "statuses"}) || is({"field"}) ||
                   is({"issuetype"}) || is({"mypermissions"}) || is({"myself"})
               ? method_not_allowed
               : unknown;
  }
  if (is({"project", "*"})) {
    return get_project(v, p[1]);
  }
  if (is({"project", "*", "statuses"})) {
    return get_project_statuses(v, p[1]);
  }
  if (is({"field"})) {
    return get_fields(v);
  }
  if (is({"issuetype"})) {
    return get_issue_types(v);
  }
  if (is({"mypermissions"})) {
    return get_permissions(r, v);
  }
  if (is({"myself"})) {
    return json_answer(200, user_json(r.user, v));
  }
  return unknown;
}

}  // namespace bzjira::sim::jirasim
