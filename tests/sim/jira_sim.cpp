// The front of the Jira simulator on the shared SimServer (tests/sim/sim_server.h):
// authentication, rate limiting, Jira's fault pages and the Jira-only /__sim control endpoints.
#include "tests/sim/jira_sim.h"

#include <cpprest/asyncrt_utils.h>
#include <cpprest/uri.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <optional>
#include <stdexcept>

#include "tests/sim/jira_service.h"
#include "tests/sim/sim_server.h"

namespace bzjira::sim {

namespace {

using jirasim::Answer;
using jirasim::Json;
using jirasim::json_answer;
using Steady = std::chrono::steady_clock;

std::string decode(std::string text) {
  std::replace(text.begin(), text.end(), '+', ' ');
  try {
    return web::uri::decode(text);
  } catch (const std::exception&) {
    return text;  // a malformed escape is kept as it is
  }
}

std::multimap<std::string, std::string> split_query(const std::string& raw) {
  std::multimap<std::string, std::string> out;
  std::size_t start = 0;
  while (start < raw.size()) {
    std::size_t amp = raw.find('&', start);
    if (amp == std::string::npos) {
      amp = raw.size();
    }
    const std::string pair = raw.substr(start, amp - start);
    const std::size_t eq = pair.find('=');
    if (!pair.empty()) {
      out.emplace(decode(pair.substr(0, eq)),
                  eq == std::string::npos ? std::string() : decode(pair.substr(eq + 1)));
    }
    start = amp + 1;
  }
  return out;
}

Answer html(int status, const std::string& title) {
  Answer a;
  a.status = status;
  a.content_type = "text/html; charset=utf-8";
  a.body = "<html><head><title>" + std::to_string(status) + " " + title +
           "</title></head><body><h1>" + title + "</h1></body></html>\n";
  return a;
}

Answer too_many(double rate, int retry_after) {
  Answer a = jirasim::error_answer(429, {"Rate limit exceeded."});
  a.headers = {{"Retry-After", std::to_string(retry_after)},
               {"X-RateLimit-Limit", std::to_string(static_cast<long>(std::ceil(rate)))},
               {"X-RateLimit-Remaining", "0"},
               {"RateLimit-Reason", "jira-burst-based"}};
  return a;
}

SimReply to_reply(Answer a) {
  return SimReply{
      a.status,    "", std::move(a.content_type), std::move(a.body), std::move(a.headers),
      std::nullopt};
}

}  // namespace

// Jira's front over jirasim::Service: rate_limit_per_second and hang_seconds live in SimServer,
// the rest of the options here.
struct JiraSim::Impl final : SimServer {
  explicit Impl(JiraSimOptions o)
      : SimServer({"jira", o.port, o.fault_rate, o.seed, o.rate_limit_per_second, o.hang_seconds}),
        options(std::move(o)),
        service(jirasim::Options{options.flavor == "cloud", options.project_key,
                                 options.search_delay_ms}) {}
  ~Impl() override { stop(); }

  std::string decode_path(const std::string& raw_path) const override { return decode(raw_path); }
  std::string route_of(const std::string& method, const std::string& path) const override {
    return jirasim::Service::route_of(method, path);
  }
  std::optional<SimReply> screen(const SimIncoming& request) override;
  SimReply refusal(FaultKind kind) override;
  std::optional<SimReply> admit(SimIncoming& request) override;
  SimReply serve(const SimIncoming& request) override;
  SimReply internal_error(const std::string& what) const override {
    return to_reply(html(500, "Simulator error: " + what));
  }
  SimReply json_reply(int status, const Json& body) const override {
    return to_reply(json_answer(status, body));
  }
  std::optional<SimReply> control(const std::string& method, const std::string& path,
                                  const std::string& body) override;
  void apply_fault_settings(const Json& request, Json& answer) override {
    if (request.value("search_delay_ms", Json()).is_number_integer()) {
      options.search_delay_ms = request["search_delay_ms"].get<int>();
      service.set_search_delay_ms(options.search_delay_ms);
    }
    answer["search_delay_ms"] = options.search_delay_ms;
  }
  void forget_rate_window() override { window.clear(); }
  // One byte more than the body, so that even a bodiless 204 is cut.
  std::size_t cut_length(std::size_t full) const override { return full + 1; }
  std::optional<std::string> authenticate(const std::string& header) const;

  JiraSimOptions options;
  std::vector<std::pair<std::string, std::string>> users;  // e-mail, token
  jirasim::Service service;
  std::deque<Steady::time_point> window;  // guarded by m_mu
};

std::optional<std::string> JiraSim::Impl::authenticate(const std::string& header) const {
  const bool cloud = options.flavor == "cloud";
  const std::string scheme = cloud ? "Basic " : "Bearer ";
  if (header.rfind(scheme, 0) != 0) {
    return std::nullopt;
  }
  std::string user;
  std::string token = header.substr(scheme.size());
  if (cloud) {
    std::string decoded;
    try {
      const auto bytes = utility::conversions::from_base64(token);
      decoded.assign(bytes.begin(), bytes.end());
    } catch (const std::exception&) {
      return std::nullopt;
    }
    const std::size_t colon = decoded.find(':');
    if (colon == std::string::npos) {
      return std::nullopt;
    }
    user = decoded.substr(0, colon);
    token = decoded.substr(colon + 1);
  }
  if ((cloud && user.empty()) || token.empty()) {
    return std::nullopt;
  }
  if (users.empty()) {
    return cloud ? user : std::string("pat-user@example.com");
  }
  for (const auto& [email, secret] : users) {
    if (secret == token && (!cloud || email == user)) {
      return email;
    }
  }
  return std::nullopt;
}

std::optional<SimReply> JiraSim::Impl::screen(const SimIncoming& /*request*/) {
  std::lock_guard<std::mutex> lock(m_mu);
  const double rate = m_rate_limit_per_second;
  if (rate <= 0) {
    return std::nullopt;
  }
  const auto now = Steady::now();
  while (!window.empty() && window.front() <= now - std::chrono::seconds(1)) {
    window.pop_front();
  }
  if (static_cast<double>(window.size()) + 1 > std::max(1.0, rate)) {
    ++m_rate_limited;
    return to_reply(too_many(rate, 1));  // the oldest request leaves the window within a second
  }
  window.push_back(now);
  return std::nullopt;
}

SimReply JiraSim::Impl::refusal(FaultKind kind) {
  if (kind == FaultKind::http500) {
    return to_reply(html(500, "Internal Server Error"));
  }
  if (kind == FaultKind::http503_html) {
    return to_reply(html(503, "Service Unavailable"));
  }
  double rate = 0;  // rate_limit
  {
    std::lock_guard<std::mutex> lock(m_mu);
    rate = m_rate_limit_per_second;
  }
  return to_reply(too_many(rate, 1));
}

std::optional<SimReply> JiraSim::Impl::admit(SimIncoming& request) {
  const auto auth = request.headers.find("authorization");
  const auto user = authenticate(auth == request.headers.end() ? "" : auth->second);
  if (user) {
    request.user = *user;
    return std::nullopt;
  }
  Answer denied = jirasim::error_answer(
      401, {"You are not authenticated. Authentication required to perform this operation."});
  denied.headers = {{"WWW-Authenticate", options.flavor == "cloud"
                                             ? "Basic realm=\"protected-area\""
                                             : "Bearer realm=\"jira\""}};
  return to_reply(std::move(denied));
}

SimReply JiraSim::Impl::serve(const SimIncoming& request) {
  jirasim::Request r;
  r.method = request.method;
  r.path = request.path;
  r.query = split_query(request.raw_query);
  r.body = request.body;
  r.user = request.user;
  return to_reply(service.handle(r));
}

std::optional<SimReply> JiraSim::Impl::control(const std::string& method, const std::string& path,
                                               const std::string& body) {
  if (method == "GET" && path == "/__sim/issues") {
    return to_reply(service.dump_issues());
  }
  const std::string issues_prefix = "/__sim/issues/";
  if (method == "POST" && path.rfind(issues_prefix, 0) == 0) {
    const std::string rest = path.substr(issues_prefix.size());
    const std::size_t slash = rest.find('/');
    if (slash != std::string::npos) {
      return to_reply(service.control_issue(rest.substr(0, slash), rest.substr(slash + 1), body));
    }
  }
  if (method == "POST" && path == "/__sim/workflow") {
    return to_reply(service.control_workflow(body));
  }
  if (method == "POST" && path == "/__sim/permissions") {
    return to_reply(service.control_permissions(body));
  }
  if (method == "POST" && path == "/__sim/create-screen") {
    return to_reply(service.control_create_screen(body));
  }
  if (path == "/__sim/clock") {
    return to_reply(jirasim::control_clock(method, body));
  }
  return std::nullopt;
}

JiraSim::JiraSim(JiraSimOptions options) {
  if (options.flavor != "cloud" && options.flavor != "datacenter") {
    throw std::invalid_argument("--jira-flavor must be cloud or datacenter, not " + options.flavor);
  }
  m_impl = std::make_unique<Impl>(std::move(options));
  const std::string& list = m_impl->options.users;
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) {
      comma = list.size();
    }
    const std::string entry = list.substr(start, comma - start);
    const std::size_t colon = entry.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == entry.size()) {
      throw std::invalid_argument("--jira-users entries must be email:token");
    }
    m_impl->users.emplace_back(entry.substr(0, colon), entry.substr(colon + 1));
    start = comma + 1;
  }
}

JiraSim::~JiraSim() { stop(); }

void JiraSim::start() {
  m_impl->start();
  m_impl->service.set_base_url(m_impl->base_url());
}

void JiraSim::stop() {
  if (m_impl) {
    m_impl->stop();
  }
}

int JiraSim::port() const { return m_impl->port(); }

std::string JiraSim::base_url() const { return m_impl->base_url(); }

}  // namespace bzjira::sim
