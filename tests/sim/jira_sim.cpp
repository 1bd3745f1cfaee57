// The HTTP side of the Jira simulator: cpprest's listener (the only file of this half that includes
// cpprest), authentication, rate limiting, fault injection and the /__sim control endpoints.
#include "tests/sim/jira_sim.h"

#include <cpprest/http_listener.h>
#include <cpprest/uri.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <optional>
#include <stdexcept>

#include "tests/sim/jira_service.h"
#include "tests/sim/sim_common.h"

namespace bzjira::sim {

namespace {

namespace wh = web::http;
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

std::optional<FaultKind> fault_named(const std::string& name) {
  for (FaultKind kind :
       {FaultKind::none, FaultKind::http500, FaultKind::http503_html, FaultKind::hang,
        FaultKind::reset, FaultKind::truncated_json, FaultKind::rate_limit}) {
    if (name == to_string(kind)) {
      return kind;
    }
  }
  return std::nullopt;
}

}  // namespace

struct JiraSim::Impl {
  explicit Impl(JiraSimOptions o)
      : options(std::move(o)),
        service(jirasim::Options{options.flavor == "cloud", options.project_key,
                                 options.search_delay_ms}),
        faults(options.fault_rate, options.seed) {}

  void on_request(wh::http_request request);
  Answer control(const std::string& method, const std::string& path, const std::string& body);
  std::optional<std::string> authenticate(const std::string& header) const;
  std::optional<Answer> rate_limited();
  FaultKind next_fault();
  void hang();
  static void send(wh::http_request& request, const Answer& a,
                   std::optional<std::size_t> claimed_length = std::nullopt);

  JiraSimOptions options;
  std::vector<std::pair<std::string, std::string>> users;  // e-mail, token
  jirasim::Service service;
  FaultPlan faults;
  RequestCounter counter;
  std::unique_ptr<wh::experimental::listener::http_listener> listener;
  int port = 0;

  std::mutex mu;  // guards everything below
  std::condition_variable wake;
  bool stopping = false;
  std::deque<FaultKind> forced;
  long forced_injected = 0;
  long rate_limited_count = 0;
  std::deque<Steady::time_point> window;
};

void JiraSim::Impl::send(wh::http_request& request, const Answer& a,
                         std::optional<std::size_t> claimed_length) {
  wh::http_response response(static_cast<wh::status_code>(a.status));
  for (const auto& [name, value] : a.headers) {
    response.headers().add(name, value);
  }
  // A cut connection needs a body stream even for a 204: without one cpprest's listener throws
  // std::logic_error ("uninitialized stream object") on its own thread, ending the process.
  if (a.status != 204 || claimed_length) {
    response.set_body(a.body, a.content_type);
  } else {
    // Jira's document declares application/json even for its bodiless 204 answers.
    response.headers().set_content_type(a.content_type);
  }
  if (claimed_length) {
    // More than the body holds: the listener sends what it has and drops the connection.
    response.headers().set_content_length(*claimed_length);
    response.headers().add("Connection", "close");
  }
  request.reply(response).then([](pplx::task<void> sent) {
    try {
      sent.get();
    } catch (...) {  // the client went away, or the connection was cut on purpose
    }
  });
}

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

std::optional<Answer> JiraSim::Impl::rate_limited() {
  std::lock_guard<std::mutex> lock(mu);
  const double rate = options.rate_limit_per_second;
  if (rate <= 0) {
    return std::nullopt;
  }
  const auto now = Steady::now();
  while (!window.empty() && window.front() <= now - std::chrono::seconds(1)) {
    window.pop_front();
  }
  if (static_cast<double>(window.size()) + 1 > std::max(1.0, rate)) {
    ++rate_limited_count;
    return too_many(rate, 1);  // the oldest request leaves the window within a second
  }
  window.push_back(now);
  return std::nullopt;
}

FaultKind JiraSim::Impl::next_fault() {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!forced.empty()) {
      const FaultKind kind = forced.front();
      forced.pop_front();
      forced_injected += kind == FaultKind::none ? 0 : 1;
      return kind;
    }
  }
  return faults.next();
}

void JiraSim::Impl::hang() {
  std::unique_lock<std::mutex> lock(mu);
  wake.wait_for(lock, std::chrono::duration<double>(options.hang_seconds),
                [this] { return stopping; });
}

void JiraSim::Impl::on_request(wh::http_request request) {
  try {
    jirasim::Request r;
    r.method = request.method();
    r.path = decode(request.request_uri().path());
    r.query = split_query(request.request_uri().query());
    try {
      r.body = request.extract_utf8string(true).get();
    } catch (const std::exception&) {
      r.body.clear();  // an unreadable body is treated as none
    }
    if (r.path.rfind("/__sim", 0) == 0) {
      send(request, control(r.method, r.path, r.body));
      return;
    }
    counter.add(jirasim::Service::route_of(r.method, r.path));
    if (auto limited = rate_limited()) {
      send(request, *limited);
      return;
    }
    const FaultKind fault = next_fault();
    switch (fault) {
      case FaultKind::http500:
        send(request, html(500, "Internal Server Error"));
        return;
      case FaultKind::http503_html:
        send(request, html(503, "Service Unavailable"));
        return;
      case FaultKind::rate_limit:
        send(request, too_many(options.rate_limit_per_second, 1));
        return;
      case FaultKind::hang:
        hang();
        break;
      default:
        break;
    }
    const auto auth = request.headers().find("Authorization");
    const auto user = authenticate(auth == request.headers().end() ? "" : auth->second);
    if (!user) {
      Answer denied = jirasim::error_answer(
          401, {"You are not authenticated. Authentication required to perform this operation."});
      denied.headers = {{"WWW-Authenticate", options.flavor == "cloud"
                                                 ? "Basic realm=\"protected-area\""
                                                 : "Bearer realm=\"jira\""}};
      send(request, denied);
      return;
    }
    r.user = *user;
    Answer answer = service.handle(r);
    if (fault == FaultKind::reset) {
      const std::size_t full = answer.body.size() + 1;
      answer.body.resize(answer.body.size() / 2);
      send(request, answer, full);
      return;
    }
    if (fault == FaultKind::truncated_json) {
      answer.body.resize(answer.body.size() / 2);
    }
    send(request, answer);
  } catch (const std::exception& e) {
    send(request, html(500, std::string("Simulator error: ") + e.what()));
  }
}

Answer JiraSim::Impl::control(const std::string& method, const std::string& path,
                              const std::string& body) {
  if (method == "GET" && path == "/__sim/stats") {
    std::lock_guard<std::mutex> lock(mu);
    Json requests = Json::object();
    for (const auto& [route, count] : counter.snapshot()) {
      requests[route] = count;
    }
    return json_answer(200, Json{{"requests", requests},
                                 {"total", counter.total()},
                                 {"faults_injected", faults.injected() + forced_injected},
                                 {"rate_limited", rate_limited_count}});
  }
  if (method == "POST" && path == "/__sim/reset-stats") {
    counter.reset();
    return json_answer(200, Json{{"ok", true}});
  }
  if (method == "POST" && path == "/__sim/faults") {
    const Json request = Json::parse(body.empty() ? "{}" : body, nullptr, false);
    if (!request.is_object()) {
      return json_answer(400, Json{{"error", "body must be a JSON object"}});
    }
    std::lock_guard<std::mutex> lock(mu);
    if (request.value("rate", Json()).is_number()) {
      faults.set_rate(request["rate"].get<double>());
    }
    if (request.value("rate_limit_per_second", Json()).is_number()) {
      options.rate_limit_per_second = request["rate_limit_per_second"].get<double>();
    }
    if (request.value("hang_seconds", Json()).is_number()) {
      options.hang_seconds = request["hang_seconds"].get<double>();
    }
    if (request.value("search_delay_ms", Json()).is_number_integer()) {
      options.search_delay_ms = request["search_delay_ms"].get<int>();
      service.set_search_delay_ms(options.search_delay_ms);
    }
    for (const Json& name : request.value("next", Json::array())) {
      const auto kind = fault_named(name.is_string() ? name.get<std::string>() : "");
      if (!kind) {
        return json_answer(400, Json{{"error", "unknown fault kind " + name.dump()}});
      }
      forced.push_back(*kind);
    }
    window.clear();
    return json_answer(200, Json{{"rate", faults.rate()},
                                 {"pending", forced.size()},
                                 {"rate_limit_per_second", options.rate_limit_per_second},
                                 {"hang_seconds", options.hang_seconds},
                                 {"search_delay_ms", options.search_delay_ms}});
  }
  if (method == "GET" && path == "/__sim/issues") {
    return service.dump_issues();
  }
  const std::string issues_prefix = "/__sim/issues/";
  if (method == "POST" && path.rfind(issues_prefix, 0) == 0) {
    const std::string rest = path.substr(issues_prefix.size());
    const std::size_t slash = rest.find('/');
    if (slash != std::string::npos) {
      return service.control_issue(rest.substr(0, slash), rest.substr(slash + 1), body);
    }
  }
  if (method == "POST" && path == "/__sim/workflow") {
    return service.control_workflow(body);
  }
  if (method == "POST" && path == "/__sim/permissions") {
    return service.control_permissions(body);
  }
  if (method == "POST" && path == "/__sim/create-screen") {
    return service.control_create_screen(body);
  }
  if (path == "/__sim/clock") {
    return jirasim::control_clock(method, body);
  }
  return json_answer(404, Json{{"error", "no control endpoint " + method + " " + path}});
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
  if (m_impl->listener) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(m_impl->mu);
    m_impl->stopping = false;
  }
  std::string last_error;
  const int attempts = m_impl->options.port == 0 ? 20 : 1;
  for (int i = 0; i < attempts; ++i) {
    const int port = m_impl->options.port == 0 ? pick_free_port() : m_impl->options.port;
    auto listener = std::make_unique<wh::experimental::listener::http_listener>(
        web::uri("http://127.0.0.1:" + std::to_string(port)));
    Impl* impl = m_impl.get();
    listener->support([impl](wh::http_request request) { impl->on_request(std::move(request)); });
    try {
      listener->open().wait();
      m_impl->listener = std::move(listener);
      m_impl->port = port;
      m_impl->service.set_base_url(base_url());
      return;
    } catch (const std::exception& e) {  // taken meanwhile: try another
      last_error = e.what();
    }
  }
  throw std::runtime_error("jira simulator cannot listen: " + last_error);
}

void JiraSim::stop() {
  if (!m_impl || !m_impl->listener) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(m_impl->mu);
    m_impl->stopping = true;
  }
  m_impl->wake.notify_all();
  try {
    m_impl->listener->close().wait();
  } catch (const std::exception&) {  // closing is best effort
  }
  m_impl->listener.reset();
}

int JiraSim::port() const { return m_impl->port; }

std::string JiraSim::base_url() const { return "http://127.0.0.1:" + std::to_string(m_impl->port); }

}  // namespace bzjira::sim
