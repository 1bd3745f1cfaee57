// The HTTP side of the Bugzilla simulator: cpprest's listener (the only file of this half that
// includes cpprest), the front-end behaviours (414, rate limiting, faults) and the control
// endpoints.
#include "tests/sim/bugzilla_sim.h"

#include <cpprest/http_listener.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/sim/bugzilla_service.h"
#include "tests/sim/sim_common.h"

namespace bzjira::sim {

namespace {

namespace wh = web::http;
using Steady = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read dataset " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

SimResponse html(int status, const std::string& title, const std::string& text) {
  SimResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>" +
           std::to_string(status) + " " + title + "</title>\n</head><body>\n<h1>" + title +
           "</h1>\n<p>" + text + "</p>\n</body></html>\n";
  return r;
}

// BMO's rate-limit user error (docs/bugzilla-api.md#rate-limits): code 32000, HTTP 400.
SimResponse rate_limit_json(bool upstream) {
  SimResponse r;
  r.status = 400;
  nlohmann::json body = {{"error", true},
                         {"code", 32000},
                         {"message", "You have exceeded the rate limit."},
                         {"documentation", upstream ? "https://bugzilla.readthedocs.org/en/5.0/api/"
                                                    : "https://bmo.readthedocs.io/en/latest/api/"}};
  r.body = body.dump();
  return r;
}

// BlockIP.pm's answer to a blocked address: HTML, no Retry-After.
SimResponse rate_limit_html() {
  return html(429, "Too Many Requests",
              "Too many requests from your IP address. Please wait before trying again.");
}

std::optional<FaultKind> fault_from_name(const std::string& name) {
  for (FaultKind kind :
       {FaultKind::none, FaultKind::http500, FaultKind::http503_html, FaultKind::hang,
        FaultKind::reset, FaultKind::truncated_json, FaultKind::rate_limit}) {
    if (name == to_string(kind)) {
      return kind;
    }
  }
  return std::nullopt;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 201:
      return "Created";
    case 414:
      return "URI Too Long";
    case 429:
      return "Too Many Requests";
    default:
      return nullptr;  // cpprest's own table
  }
}

}  // namespace

struct BugzillaSim::Impl {
  explicit Impl(BugzillaSimOptions o)
      : options(std::move(o)),
        clock(options.clock),
        service(read_file(options.data_path), options.auth == "upstream", clock),
        faults(options.fault_rate, options.seed) {}

  void on_request(wh::http_request request);
  SimResponse control(const std::string& method, const std::string& path, const std::string& body);
  std::optional<SimResponse> rate_limited();
  FaultKind next_fault();
  void hang();
  static void send(wh::http_request& request, const SimResponse& r,
                   std::optional<std::size_t> claimed_length = std::nullopt);

  BugzillaSimOptions options;
  SimClock clock;
  BugzillaService service;
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
  Steady::time_point blocked_until{};
  bool rate_limit_fault_html = false;
};

void BugzillaSim::Impl::send(wh::http_request& request, const SimResponse& r,
                             std::optional<std::size_t> claimed_length) {
  wh::http_response response(static_cast<wh::status_code>(r.status));
  if (const char* phrase = reason_phrase(r.status)) {
    response.set_reason_phrase(phrase);
  }
  for (const auto& [name, value] : r.headers) {
    response.headers().add(name, value);
  }
  response.set_body(r.body, r.content_type);
  if (claimed_length) {
    // More than the body holds: cpprest's listener sends what it has, finds the body stream
    // ended early and closes the connection, so the client sees it drop mid-answer.
    response.headers().set_content_length(*claimed_length);
    response.headers().add("Connection", "close");
  }
  request.reply(response).then([](pplx::task<void> sent) {
    try {
      sent.get();
    } catch (...) {  // the client went away or the connection was cut on purpose
    }
  });
}

std::optional<SimResponse> BugzillaSim::Impl::rate_limited() {
  std::lock_guard<std::mutex> lock(mu);
  const double rate = options.rate_limit_per_second;
  if (rate <= 0) {
    return std::nullopt;
  }
  const auto now = Steady::now();
  if (now < blocked_until) {
    ++rate_limited_count;
    return rate_limit_html();
  }
  // A window of at least one second; below one request per second, one request per 1/rate s.
  const double window_seconds = std::max(1.0, 1.0 / rate);
  const auto horizon = now - std::chrono::duration_cast<Steady::duration>(
                                 std::chrono::duration<double>(window_seconds));
  while (!window.empty() && window.front() < horizon) {
    window.pop_front();
  }
  window.push_back(now);
  if (static_cast<double>(window.size()) > rate * window_seconds) {
    window.clear();
    blocked_until = now + std::chrono::duration_cast<Steady::duration>(
                              std::chrono::duration<double>(options.rate_limit_block_seconds));
    ++rate_limited_count;
    return rate_limit_json(options.auth == "upstream");
  }
  return std::nullopt;
}

FaultKind BugzillaSim::Impl::next_fault() {
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

void BugzillaSim::Impl::hang() {
  std::unique_lock<std::mutex> lock(mu);
  wake.wait_for(lock, std::chrono::duration<double>(options.hang_seconds),
                [this] { return stopping; });
}

void BugzillaSim::Impl::on_request(wh::http_request request) {
  try {
    const std::string method = request.method();
    const std::string raw_path = request.request_uri().path();
    const std::string raw_query = request.request_uri().query();
    const std::string path = percent_decode(raw_path, false);
    std::string body;
    try {
      body = request.extract_utf8string(true).get();
    } catch (const std::exception&) {
      body.clear();  // an unreadable body is treated as none
    }
    if (path.rfind("/__sim", 0) == 0) {
      send(request, control(method, path, body));
      return;
    }
    counter.add(BugzillaService::route_of(method, path));
    // Outside the installation's /rest the web server answers itself, in HTML: what a wrong
    // bugzilla.url (a missing or extra path prefix) meets.
    if (path != "/rest" && path.rfind("/rest/", 0) != 0) {
      send(request, html(404, "Not Found", "The requested URL was not found on this server."));
      return;
    }
    // Varnish in front of BMO answers long targets itself, in plain text
    // (docs/bugzilla-api.md#url-length).
    const std::size_t target = raw_path.size() + (raw_query.empty() ? 0 : raw_query.size() + 1);
    if (target > k_max_request_target) {
      SimResponse r;
      r.status = 414;
      r.content_type = "text/plain; charset=utf-8";
      r.body = "414 URI Too Long\n";
      send(request, r);
      return;
    }
    if (auto limited = rate_limited()) {
      send(request, *limited);
      return;
    }
    const FaultKind fault = next_fault();
    switch (fault) {
      case FaultKind::http500:
        send(request, html(500, "Internal Server Error",
                           "The server encountered an internal error or misconfiguration and "
                           "was unable to complete your request."));
        return;
      case FaultKind::http503_html:
        send(request, html(503, "Service Unavailable",
                           "The server is temporarily unable to service your request. Guru "
                           "Meditation: XID 1001"));
        return;
      case FaultKind::rate_limit: {
        bool as_html = false;
        {
          std::lock_guard<std::mutex> lock(mu);
          as_html = rate_limit_fault_html;
          rate_limit_fault_html = !rate_limit_fault_html;
        }
        send(request, as_html ? rate_limit_html() : rate_limit_json(options.auth == "upstream"));
        return;
      }
      case FaultKind::hang:
        hang();
        break;
      default:
        break;
    }
    SimRequest sim_request;
    sim_request.method = method;
    sim_request.path = path;
    sim_request.query = parse_query(raw_query);
    sim_request.body = body;
    for (const auto& [name, value] : request.headers()) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      sim_request.headers[lower] = value;
    }
    SimResponse response = service.handle(sim_request);
    if (fault == FaultKind::reset) {
      const std::size_t full = response.body.size();
      response.body.resize(full / 2);
      send(request, response, full);
      return;
    }
    if (fault == FaultKind::truncated_json) {
      response.body.resize(response.body.size() / 2);
    }
    send(request, response);
  } catch (const std::exception& e) {
    send(request, html(500, "Internal Server Error", std::string("simulator: ") + e.what()));
  }
}

SimResponse BugzillaSim::Impl::control(const std::string& method, const std::string& path,
                                       const std::string& body) {
  using nlohmann::json;
  SimResponse r;
  if (method == "GET" && path == "/__sim/stats") {
    std::lock_guard<std::mutex> lock(mu);
    json requests = json::object();
    for (const auto& [route, count] : counter.snapshot()) {
      requests[route] = count;
    }
    r.body = json{{"requests", requests},
                  {"total", counter.total()},
                  {"faults_injected", faults.injected() + forced_injected},
                  {"rate_limited", rate_limited_count}}
                 .dump();
    return r;
  }
  if (method == "POST" && path == "/__sim/reset-stats") {
    counter.reset();
    r.body = R"({"ok":true})";
    return r;
  }
  if (method == "POST" && path == "/__sim/faults") {
    const json request = json::parse(body.empty() ? "{}" : body, nullptr, false);
    if (!request.is_object()) {
      r.status = 400;
      r.body = R"({"error":"body must be a JSON object"})";
      return r;
    }
    std::lock_guard<std::mutex> lock(mu);
    if (request.contains("rate") && request["rate"].is_number()) {
      faults.set_rate(request["rate"].get<double>());
    }
    for (auto [key, target] :
         {std::pair{"rate_limit_per_second", &options.rate_limit_per_second},
          std::pair{"rate_limit_block_seconds", &options.rate_limit_block_seconds},
          std::pair{"hang_seconds", &options.hang_seconds}}) {
      if (request.contains(key) && request[key].is_number()) {
        *target = request[key].get<double>();
      }
    }
    if (request.contains("next") && request["next"].is_array()) {
      for (const auto& name : request["next"]) {
        const auto kind = fault_from_name(name.is_string() ? name.get<std::string>() : "");
        if (!kind) {
          r.status = 400;
          r.body = json{{"error", "unknown fault kind " + name.dump()}}.dump();
          return r;
        }
        forced.push_back(*kind);
      }
    }
    window.clear();
    blocked_until = {};
    r.body = json{{"rate", faults.rate()},
                  {"pending", forced.size()},
                  {"rate_limit_per_second", options.rate_limit_per_second},
                  {"rate_limit_block_seconds", options.rate_limit_block_seconds},
                  {"hang_seconds", options.hang_seconds}}
                 .dump();
    return r;
  }
  if (path == "/__sim/clock" && (method == "GET" || method == "POST")) {
    if (method == "POST") {
      const json request = json::parse(body, nullptr, false);
      const auto now = request.is_object() && request.contains("now") && request["now"].is_string()
                           ? parse_sim_time(request["now"].get<std::string>())
                           : std::nullopt;
      if (!now) {
        r.status = 400;
        r.body = R"({"error":"expected {\"now\": \"YYYY-MM-DDTHH:MM:SSZ\"}"})";
        return r;
      }
      clock.set(*now);
    }
    r.body = json{{"now", format_sim_time(clock.now())}}.dump();
    return r;
  }
  if (method == "POST" && path == "/__sim/bugs") {
    return service.control_bugs(body);
  }
  if (method == "POST" && path == "/__sim/comments") {
    return service.control_comments(body);
  }
  r.status = 404;
  r.body = json{{"error", "no control endpoint " + method + " " + path}}.dump();
  return r;
}

BugzillaSim::BugzillaSim(BugzillaSimOptions options) {
  if (options.auth != "bmo" && options.auth != "upstream") {
    throw std::runtime_error("--bugzilla-auth must be bmo or upstream, not " + options.auth);
  }
  m_impl = std::make_unique<Impl>(std::move(options));
}

BugzillaSim::~BugzillaSim() { stop(); }

void BugzillaSim::start() {
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
      return;
    } catch (const std::exception& e) {  // taken meanwhile: try another
      last_error = e.what();
    }
  }
  throw std::runtime_error("bugzilla simulator cannot listen: " + last_error);
}

void BugzillaSim::stop() {
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

int BugzillaSim::port() const { return m_impl->port; }

std::string BugzillaSim::base_url() const {
  return "http://127.0.0.1:" + std::to_string(m_impl->port);
}

}  // namespace bzjira::sim
