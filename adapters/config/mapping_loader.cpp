#include "adapters/config/mapping_loader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "adapters/config/object_reader.h"
#include "adapters/tz/tz_zone.h"

namespace bzjira::adapters::config {

using nlohmann::json;

namespace {

constexpr std::size_t k_max_mapping_bytes = 1024 * 1024;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool has_space(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

bool all_of(const std::string& s, bool (*ok)(unsigned char)) {
  return std::all_of(s.begin(), s.end(), [ok](unsigned char c) { return ok(c); });
}

bool name_char(unsigned char c) {
  return std::islower(c) || std::isdigit(c) || c == '.' || c == '_' || c == '-';
}
bool env_char(unsigned char c) { return std::isalnum(c) || c == '_'; }
bool project_char(unsigned char c) { return std::isupper(c) || std::isdigit(c) || c == '_'; }

void check_env_name(ObjectReader& r, const char* key, std::string& out) {
  if (r.text(key, out) &&
      (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])) || !all_of(out, env_char))) {
    // The value is not echoed: a misplaced secret must not end up in the output.
    r.problem(key, "must be the name of an environment variable ([A-Za-z_][A-Za-z0-9_]*)");
  }
}

void check_not_empty(ObjectReader& r, const char* key, std::string& out) {
  if (r.text(key, out) && out.empty()) {
    r.problem(key, "must not be empty");
  }
}

bool is_loopback(const std::string& host) {
  if (host == "localhost" || host == "[::1]") {
    return true;
  }
  return host.rfind("127.", 0) == 0 &&
         all_of(host, [](unsigned char c) { return std::isdigit(c) != 0 || c == '.'; });
}

// A base URL: scheme http or https, a host, optional port and path; no credentials, query or
// fragment. Trailing slashes are dropped. Returns the problem, or an empty string.
std::string check_url(std::string& url, bool allow_insecure_http) {
  while (url.size() > 1 && url.back() == '/') {
    url.pop_back();
  }
  const auto scheme_end = url.find("://");
  const std::string scheme =
      scheme_end == std::string::npos ? "" : lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return "must start with https:// (or http:// for a local test server)";
  }
  if (has_space(url) || url.find_first_of("?#") != std::string::npos) {
    return "must be a plain base address without spaces, query or fragment";
  }
  const std::string rest = url.substr(scheme_end + 3);
  const std::string authority = rest.substr(0, rest.find('/'));
  const std::string path = rest.substr(authority.size());
  if (authority.find('@') != std::string::npos) {
    return "must not contain user credentials (secrets come from the environment)";
  }
  std::string host = authority;
  std::string port;
  if (!host.empty() && host[0] == '[') {
    const auto close = host.find(']');
    if (close == std::string::npos) {
      return "has an unterminated IPv6 address";
    }
    port = host.substr(close + 1);
    host = host.substr(0, close + 1);
  } else if (const auto colon = host.find(':'); colon != std::string::npos) {
    port = host.substr(colon);
    host = host.substr(0, colon);
  }
  if (host.empty() || host == "[]") {
    return "has no host name";
  }
  if (!port.empty()) {
    const std::string digits = port.substr(1);
    if (port[0] != ':' || digits.empty() || digits.size() > 5 ||
        !all_of(digits, [](unsigned char c) { return std::isdigit(c) != 0; }) ||
        std::stol(digits) < 1 || std::stol(digits) > 65535) {
      return "has an invalid port";
    }
  }
  const std::string lpath = lower(path);
  if (lpath == "/rest" || lpath.find("/rest/") != std::string::npos) {
    return "must be the base address, without /rest";
  }
  if (scheme == "http" && !is_loopback(lower(host)) && !allow_insecure_http) {
    return "uses http:// to a host that is not loopback (127.0.0.1, ::1, localhost); use https:// "
           "or set http.allow_insecure_http to true";
  }
  return "";
}

// Non-empty entries without spaces, no duplicates ignoring case. `what` names the list in messages.
void check_accounts(ObjectReader& r, const char* key, const std::vector<std::string>& list) {
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].empty() || has_space(list[i])) {
      r.item_problem(key, i, "must be a Bugzilla login without spaces");
    } else if (const auto [it, fresh] = seen.emplace(lower(list[i]), i); !fresh) {
      r.item_problem(key, i,
                     "duplicates " + std::string(key) + "[" + std::to_string(it->second) +
                         "] (logins "
                         "are compared ignoring case)");
    }
  }
}

void read_http(const json& obj, const std::string& path, sync::HttpSettings& h,
               Problems& problems) {
  ObjectReader r(obj, path, problems);
  r.integer("connect_timeout_seconds", h.connect_timeout_seconds, 1, 300);
  r.integer("request_timeout_seconds", h.request_timeout_seconds, 1, 3600);
  r.integer("max_attempts", h.max_attempts, 1, 20);
  r.integer("max_retry_seconds", h.max_retry_seconds, 0, 3600);
  r.text("ca_bundle", h.ca_bundle);
  r.boolean("allow_insecure_http", h.allow_insecure_http);
  r.integer("concurrency", h.concurrency, 1, 32);
  if (h.connect_timeout_seconds > h.request_timeout_seconds) {
    r.problem("connect_timeout_seconds", "must not be larger than request_timeout_seconds (" +
                                             std::to_string(h.request_timeout_seconds) + ")");
  }
  r.finish();
}

// The "http" member of a service section first: the URL check depends on allow_insecure_http.
void read_url(ObjectReader& r, std::string& url, sync::HttpSettings& http, Problems& problems) {
  if (const json* h = r.object("http")) {
    read_http(*h, r.path_of("http"), http, problems);
  }
  if (r.text("url", url, true)) {
    if (const std::string problem = check_url(url, http.allow_insecure_http); !problem.empty()) {
      r.problem("url", problem);
    }
  }
}

void read_scope(const json& obj, const std::string& path, sync::BugScope& s, Problems& problems) {
  ObjectReader r(obj, path, problems);
  check_not_empty(r, "product", s.product);
  check_not_empty(r, "component", s.component);
  r.choice<sync::BugStatusScope>("status", s.status,
                                 {{"open", sync::BugStatusScope::open},
                                  {"closed", sync::BugStatusScope::closed},
                                  {"all", sync::BugStatusScope::all}});
  r.text("whiteboard", s.whiteboard);
  r.text("summary_prefix", s.summary_prefix);
  if (r.text("assignee", s.assignee) && has_space(s.assignee)) {
    r.problem("assignee", "must be a Bugzilla login without spaces");
  }
  r.finish();
}

void read_bugzilla(const json& obj, const std::string& path, sync::BugzillaSettings& b,
                   Problems& problems) {
  ObjectReader r(obj, path, problems);
  read_url(r, b.url, b.http, problems);
  check_env_name(r, "api_key_env", b.api_key_env);
  r.choice<sync::BugzillaAuth>("auth", b.auth,
                               {{"header", sync::BugzillaAuth::header},
                                {"query", sync::BugzillaAuth::query},
                                {"auto", sync::BugzillaAuth::automatic}});
  if (const json* scope = r.object("scope")) {
    read_scope(*scope, r.path_of("scope"), b.scope, problems);
  }
  if (r.strings("ca_accounts", b.ca_accounts, true)) {
    if (b.ca_accounts.empty()) {
      r.problem("ca_accounts", "must list at least one account that speaks for the CA");
    }
    check_accounts(r, "ca_accounts", b.ca_accounts);
  }
  if (r.strings("ignored_accounts", b.ignored_accounts)) {
    check_accounts(r, "ignored_accounts", b.ignored_accounts);
    for (std::size_t i = 0; i < b.ignored_accounts.size(); ++i) {
      for (const auto& ca : b.ca_accounts) {
        if (lower(ca) == lower(b.ignored_accounts[i])) {
          r.item_problem("ignored_accounts", i,
                         "'" + b.ignored_accounts[i] + "' is also in ca_accounts");
        }
      }
    }
  }
  r.finish();
}

// Labels bzjira puts on issues itself: "bzjira" and "bz<letter>-..." / "bz-..." (its idempotency
// keys).
bool reserved_label(const std::string& label) {
  const std::string l = lower(label);
  if (l == "bzjira" || l.rfind("bz-", 0) == 0) {
    return true;
  }
  return l.size() > 3 && l.rfind("bz", 0) == 0 && std::isalpha(static_cast<unsigned char>(l[2])) &&
         l[3] == '-';
}

void read_jira(const json& obj, const std::string& path, sync::JiraSettings& j,
               Problems& problems) {
  ObjectReader r(obj, path, problems);
  read_url(r, j.url, j.http, problems);
  r.choice<sync::JiraFlavor>(
      "flavor", j.flavor,
      {{"cloud", sync::JiraFlavor::cloud}, {"datacenter", sync::JiraFlavor::datacenter}});
  check_env_name(r, "user_env", j.user_env);
  check_env_name(r, "token_env", j.token_env);
  if (r.text("project", j.project, true) &&
      (j.project.size() < 2 || !std::isupper(static_cast<unsigned char>(j.project[0])) ||
       !all_of(j.project, project_char))) {
    r.problem("project",
              "must be a Jira project key: an upper-case letter, then upper-case "
              "letters, digits or _ ([A-Z][A-Z0-9_]+), got \"" +
                  j.project.substr(0, 40) + "\"");
  }
  check_not_empty(r, "issue_type", j.issue_type);
  if (r.strings("labels", j.labels)) {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < j.labels.size(); ++i) {
      const std::string& label = j.labels[i];
      if (label.empty() || has_space(label) || label.size() > 255) {
        r.item_problem("labels", i, "must be a Jira label: 1 to 255 characters, no spaces");
      } else if (reserved_label(label)) {
        r.item_problem("labels", i,
                       "'" + label +
                           "' is reserved: bzjira itself sets 'bzjira' and "
                           "'bz-...', 'bzq-...' style labels");
      } else if (const auto [it, fresh] = seen.emplace(lower(label), i); !fresh) {
        r.item_problem("labels", i, "duplicates labels[" + std::to_string(it->second) + "]");
      }
    }
  }
  if (r.text("deadline_field", j.deadline_field) && !j.deadline_field.empty()) {
    const std::string digits = j.deadline_field.rfind("customfield_", 0) == 0
                                   ? j.deadline_field.substr(12)
                                   : std::string();
    if (digits.empty() || !all_of(digits, [](unsigned char c) { return std::isdigit(c) != 0; })) {
      r.problem("deadline_field", "must be a custom field id like \"customfield_10050\", or empty");
    }
  }
  if (r.strings("dismissed_resolutions", j.dismissed_resolutions)) {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < j.dismissed_resolutions.size(); ++i) {
      if (j.dismissed_resolutions[i].empty()) {
        r.item_problem("dismissed_resolutions", i, "must not be empty");
      } else if (const auto [it, fresh] = seen.emplace(lower(j.dismissed_resolutions[i]), i);
                 !fresh) {
        r.item_problem("dismissed_resolutions", i,
                       "duplicates dismissed_resolutions[" + std::to_string(it->second) + "]");
      }
    }
  }
  r.boolean("reopen", j.reopen);
  r.text("close_transition", j.close_transition);
  r.text("reopen_transition", j.reopen_transition);
  check_not_empty(r, "resolution", j.resolution);
  r.finish();
}

void read_policy(const json& obj, const std::string& path, sync::PolicySettings& p,
                 Problems& problems) {
  ObjectReader r(obj, path, problems);
  r.choice<std::string>("rules", p.rules, {{"irg-3.2", "irg-3.2"}});
  r.integer("response_days", p.response_days, 1, 365);
  r.integer("update_days", p.update_days, 1, 365);
  r.integer("revocation_should_days", p.revocation_should_days, 1, 365);
  r.integer("revocation_must_days", p.revocation_must_days, 1, 365);
  r.boolean("full_report", p.full_report);
  r.integer("full_report_days", p.full_report_days, 1, 365);
  if (r.text("time_zone", p.time_zone)) {
    auto zone = tz::make_zone(p.time_zone);
    if (!zone) {
      r.problem("time_zone", "unknown time zone \"" + p.time_zone.substr(0, 60) +
                                 "\" (use an IANA name such as \"Europe/Madrid\" or \"UTC\")");
    }
  }
  r.integer("lead_days", p.lead_days, 0, 30);
  r.choice<sync::OneIssuePer>(
      "one_issue_per", p.one_issue_per,
      {{"obligation", sync::OneIssuePer::obligation}, {"bug", sync::OneIssuePer::bug}});
  r.boolean("copy_private_text", p.copy_private_text);
  if (r.text("closure_account", p.closure_account) &&
      (p.closure_account.empty() || has_space(p.closure_account))) {
    r.problem("closure_account", "must be a Bugzilla login without spaces");
  }
  if (p.revocation_should_days > p.revocation_must_days) {
    r.problem("revocation_should_days", "must not be larger than revocation_must_days (" +
                                            std::to_string(p.revocation_must_days) + ")");
  }
  if (p.lead_days >= std::min(p.response_days, p.update_days)) {
    r.problem("lead_days", "must be smaller than response_days and update_days (" +
                               std::to_string(std::min(p.response_days, p.update_days)) +
                               "), or due dates would fall before the obligation starts");
  }
  r.finish();
}

void read_replies(const json& obj, const std::string& path, sync::RepliesSettings& s,
                  Problems& problems) {
  ObjectReader r(obj, path, problems);
  r.boolean("enabled", s.enabled);
  if (r.text("marker", s.marker) && (s.marker.empty() || has_space(s.marker))) {
    r.problem("marker", "must be one word without spaces, such as \"#bugzilla\"");
  }
  r.boolean("clear_needinfo", s.clear_needinfo);
  if (r.text("account", s.account) && has_space(s.account)) {
    r.problem("account", "must be a Bugzilla login without spaces (or empty: unknown)");
  }
  r.finish();
}

void read_mapping(const json& doc, sync::Mapping& m, Problems& problems) {
  if (!doc.is_object()) {
    problems.add("$", "expected an object, got " + describe_value(doc));
    return;
  }
  ObjectReader r(doc, "$", problems);
  if (r.text("name", m.name, true) && (m.name.empty() || !all_of(m.name, name_char))) {
    r.problem("name",
              "must be a short id of lower-case letters, digits, '.', '_' or '-' "
              "([a-z0-9._-]+), got \"" +
                  m.name.substr(0, 40) + "\"");
  }
  if (const json* bugzilla = r.object("bugzilla", true)) {
    read_bugzilla(*bugzilla, r.path_of("bugzilla"), m.bugzilla, problems);
  }
  const json* jira = r.object("jira");
  if (jira != nullptr) {
    read_jira(*jira, r.path_of("jira"), m.jira, problems);
  }
  if (const json* policy = r.object("policy")) {
    read_policy(*policy, r.path_of("policy"), m.policy, problems);
  }
  if (const json* replies = r.object("replies")) {
    read_replies(*replies, r.path_of("replies"), m.replies, problems);
    if (m.replies.enabled && jira == nullptr && doc.find("jira") == doc.end()) {
      problems.add(r.path_of("replies") + ".enabled",
                   "replies come from Jira: enabling them needs a 'jira' section");
    }
  }
  r.finish();
}

}  // namespace

LoadResult load_mapping_text(const std::string& text, const std::string& source_name) {
  Problems problems(source_name);
  LoadResult result;
  try {
    if (text.size() > k_max_mapping_bytes) {
      problems.add("$", "is " + std::to_string(text.size()) +
                            " bytes; a mapping may have at most " +
                            std::to_string(k_max_mapping_bytes));
    } else if (auto doc = parse_document(text, problems)) {
      sync::Mapping mapping;
      mapping.source_path = source_name;
      read_mapping(*doc, mapping, problems);
      if (problems.empty()) {
        result.mapping = std::move(mapping);
      }
    }
  } catch (const std::exception& e) {
    problems.add("$", std::string("could not be loaded: ") + e.what());
  }
  result.problems = problems.lines();
  return result;
}

LoadResult load_mapping_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return LoadResult{std::nullopt,
                      {path + ": $: cannot open the file (" + std::strerror(errno) + ")"}};
  }
  std::string text;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) {
    return LoadResult{std::nullopt, {path + ": $: cannot read the file"}};
  }
  if (static_cast<std::size_t>(size) > k_max_mapping_bytes) {
    return LoadResult{
        std::nullopt,
        {path + ": $: is " + std::to_string(size) + " bytes; a mapping may have at most " +
         std::to_string(k_max_mapping_bytes)}};
  }
  in.seekg(0, std::ios::beg);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return LoadResult{std::nullopt, {path + ": $: cannot read the file"}};
  }
  return load_mapping_text(buffer.str(), path);
}

}  // namespace bzjira::adapters::config
