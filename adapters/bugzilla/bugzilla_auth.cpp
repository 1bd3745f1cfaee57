// BugzillaClient's key check (verify_auth, use_auth) and the recognition of answers that do not
// come from Bugzilla's REST API at all (a wrong bugzilla.url, a proxy's page): both are
// configuration problems that the next run would meet again, so they end a run with exit 2.
#include <algorithm>
#include <cctype>

#include "adapters/bugzilla/bugzilla_client.h"

namespace bzjira::adapters::bugzilla {

namespace {

using sync::BugzillaAuth;
using sync::ErrorKind;

// "A REST API resource was not found" (docs/bugzilla-api.md#errors).
constexpr int k_no_such_resource = 32614;
constexpr int k_login_required = 410;  // "You must log in before using this part of Bugzilla."
constexpr int k_bad_key = 306;         // "The API key you specified is invalid."

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

const char* mode_words(BugzillaAuth mode) {
  return mode == BugzillaAuth::query ? "the api_key query parameter"
                                     : "the X-BUGZILLA-API-KEY header";
}

const char* mode_name(BugzillaAuth mode) {
  return mode == BugzillaAuth::query ? "query" : "header";
}

constexpr const char* k_access_log_note =
    "the key then travels in every URL and ends up in the server's access log";

// Whether the server answered as to a caller without a key: Bugzilla's "log in" error, or a bare
// 401 that is not a refused key.
bool anonymous_answer(const sync::Error& e) {
  return e.service_code == k_login_required || (e.kind == ErrorKind::auth && e.http_status == 401 &&
                                                e.service_code != k_bad_key && e.service_code == 0);
}

}  // namespace

std::string html_title(const std::string& body, std::size_t max) {
  const std::string head = lower(body.substr(0, 64 * 1024));
  const std::size_t open = head.find("<title");
  if (open == std::string::npos) {
    return {};
  }
  const std::size_t start = head.find('>', open);
  if (start == std::string::npos) {
    return {};
  }
  const std::size_t end = head.find("</title", start);
  const std::string raw =
      body.substr(start + 1, (end == std::string::npos ? head.size() : end) - start - 1);
  std::string out;
  for (char c : raw) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ') {
      if (!out.empty() && out.back() != ' ') {
        out += ' ';  // white space and control characters fold into one space
      }
    } else if (c != '<' && c != '>') {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  if (out.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) {
      --cut;  // not inside a UTF-8 sequence
    }
    out = out.substr(0, cut) + "...";
  }
  return out;
}

std::optional<sync::Error> not_the_rest_api(const http::Response& response,
                                            const std::string& base) {
  const std::string& body = response.body;
  std::size_t first = 0;
  while (first < body.size() && std::isspace(static_cast<unsigned char>(body[first])) != 0) {
    ++first;
  }
  const bool html = lower(response.header("Content-Type")).find("html") != std::string::npos ||
                    (first < body.size() && body[first] == '<');
  const bool json = first < body.size() && (body[first] == '{' || body[first] == '[');
  const int status = response.status;
  const bool redirect = status >= 300 && status < 400;
  const bool page = html && ((status >= 200 && status < 300) || status == 404);
  if (!redirect && !page && !(status == 404 && !json)) {
    return std::nullopt;
  }
  std::string seen = "HTTP " + std::to_string(status);
  if (redirect) {
    seen += " (a redirect)";
  }
  if (html) {
    const std::string title = html_title(body);
    seen += title.empty() ? " with an HTML page" : " with an HTML page titled \"" + title + "\"";
  }
  return make_error(ErrorKind::config,
                    base + " answered " + seen +
                        ", not Bugzilla's REST API: check bugzilla.url (the base of the Bugzilla "
                        "site, e.g. https://bugzilla.mozilla.org, without /rest)",
                    status);
}

sync::Result<std::string> BugzillaClient::whoami_as(BugzillaAuth mode) {
  m_mode = mode;
  return whoami();
}

void BugzillaClient::use_auth(BugzillaAuth mode) {
  if (m_auth == BugzillaAuth::automatic && mode != BugzillaAuth::automatic) {
    m_mode = mode;
  }
}

sync::Result<sync::AuthCheck> BugzillaClient::verify_auth() {
  sync::AuthCheck check;
  check.mode = m_mode;
  if (m_api_key.empty()) {
    return check;
  }
  check.checked = true;
  const bool automatic = m_auth == BugzillaAuth::automatic;
  const BugzillaAuth first = automatic ? BugzillaAuth::header : m_auth;
  const BugzillaAuth other =
      first == BugzillaAuth::header ? BugzillaAuth::query : BugzillaAuth::header;
  auto who = whoami_as(first);
  if (who) {
    check.mode = first;
    check.login = *who;
    check.detail = "authenticated as " + *who + " (sent in " + mode_words(first) + ")";
    return check;
  }
  const sync::Error& e = who.error();
  if (e.service_code == k_no_such_resource) {
    // No whoami: upstream Bugzilla 5.x, which has no header authentication at all
    // (docs/bugzilla-api.md#upstream-5x).
    if (first == BugzillaAuth::header && !automatic) {
      return make_error(
          ErrorKind::config,
          std::string("the server has no /rest/whoami: it is upstream Bugzilla 5.x, which "
                      "ignores the X-BUGZILLA-API-KEY header and would serve every request "
                      "anonymously, without restricted (security) bugs; set bugzilla.auth to "
                      "\"query\" (or \"auto\"): ") +
              k_access_log_note);
    }
    // A key sent as the parameter is refused on any request when it is bad.
    m_mode = BugzillaAuth::query;
    auto time = server_time();
    if (!time) {
      return time.error();
    }
    check.mode = BugzillaAuth::query;
    check.detail = std::string("upstream Bugzilla 5.x (no /rest/whoami) accepted the key as ") +
                   mode_words(BugzillaAuth::query) + "; " + k_access_log_note;
    return check;
  }
  if (anonymous_answer(e)) {
    if (automatic) {
      auto again = whoami_as(other);
      if (again) {
        check.mode = other;
        check.login = *again;
        check.detail = "the header was not taken; authenticated as " + *again +
                       " with the key sent as the api_key parameter; " + k_access_log_note;
        return check;
      }
      if (!anonymous_answer(again.error())) {
        return again.error();
      }
      m_mode = first;
      return make_error(ErrorKind::config,
                        "the server answered as to an anonymous caller with the key in the "
                        "header and in the api_key parameter: check bugzilla.url and the key");
    }
    return make_error(ErrorKind::config,
                      std::string("the key sent in ") + mode_words(first) +
                          " did not reach the server: it answered as to an anonymous caller (" +
                          e.message + "); set bugzilla.auth to \"" + mode_name(other) +
                          "\" (or \"auto\")");
  }
  return e;
}

}  // namespace bzjira::adapters::bugzilla
