// The front of the Bugzilla simulator on the shared SimServer (tests/sim/sim_server.h): what
// sits before BMO's application (the web server's 404 outside /rest, 414, rate limiting, its
// fault pages) and the Bugzilla-only control endpoints.
#include "tests/sim/bugzilla_sim.h"

#include <algorithm>
#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/sim/bugzilla_service.h"
#include "tests/sim/sim_server.h"

namespace bzjira::sim {

namespace {

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

const char* reason_phrase(int status) {
  switch (status) {
    case 201:
      return "Created";
    case 414:
      return "URI Too Long";
    case 429:
      return "Too Many Requests";
    default:
      return "";  // cpprest's own table
  }
}

SimReply to_reply(SimResponse r) {
  return SimReply{r.status,          reason_phrase(r.status), std::move(r.content_type),
                  std::move(r.body), std::move(r.headers),    std::nullopt};
}

}  // namespace

// The front of BMO over the service: rate_limit_per_second and hang_seconds live in SimServer,
// the rest of the options here.
struct BugzillaSim::Impl final : SimServer {
  explicit Impl(BugzillaSimOptions o)
      : SimServer(
            {"bugzilla", o.port, o.fault_rate, o.seed, o.rate_limit_per_second, o.hang_seconds}),
        options(std::move(o)),
        clock(options.clock),
        service(read_file(options.data_path), options.auth == "upstream", clock) {}
  ~Impl() override { stop(); }

  std::string decode_path(const std::string& raw_path) const override {
    return percent_decode(raw_path, false);
  }
  std::string route_of(const std::string& method, const std::string& path) const override {
    return BugzillaService::route_of(method, path);
  }
  std::optional<SimReply> screen(const SimIncoming& request) override;
  SimReply refusal(FaultKind kind) override;
  SimReply serve(const SimIncoming& request) override;
  SimReply internal_error(const std::string& what) const override {
    return to_reply(html(500, "Internal Server Error", "simulator: " + what));
  }
  SimReply json_reply(int status, const Json& body) const override {
    SimResponse r;
    r.status = status;
    r.body = body.dump();
    return to_reply(std::move(r));
  }
  std::optional<SimReply> control(const std::string& method, const std::string& path,
                                  const std::string& body) override;
  void apply_fault_settings(const Json& request, Json& answer) override {
    if (request.contains("rate_limit_block_seconds") &&
        request["rate_limit_block_seconds"].is_number()) {
      options.rate_limit_block_seconds = request["rate_limit_block_seconds"].get<double>();
    }
    answer["rate_limit_block_seconds"] = options.rate_limit_block_seconds;
  }
  void forget_rate_window() override {
    window.clear();
    blocked_until = {};
  }
  std::optional<SimReply> rate_limited();

  BugzillaSimOptions options;
  SimClock clock;
  BugzillaService service;

  // Guarded by m_mu.
  std::deque<Steady::time_point> window;
  Steady::time_point blocked_until{};
  bool rate_limit_fault_html = false;
};

std::optional<SimReply> BugzillaSim::Impl::rate_limited() {
  std::lock_guard<std::mutex> lock(m_mu);
  const double rate = m_rate_limit_per_second;
  if (rate <= 0) {
    return std::nullopt;
  }
  const auto now = Steady::now();
  if (now < blocked_until) {
    ++m_rate_limited;
    return to_reply(rate_limit_html());
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
    ++m_rate_limited;
    return to_reply(rate_limit_json(options.auth == "upstream"));
  }
  return std::nullopt;
}

std::optional<SimReply> BugzillaSim::Impl::screen(const SimIncoming& request) {
  // Outside the installation's /rest the web server answers itself, in HTML: what a wrong
  // bugzilla.url (a missing or extra path prefix) meets.
  if (request.path != "/rest" && request.path.rfind("/rest/", 0) != 0) {
    return to_reply(html(404, "Not Found", "The requested URL was not found on this server."));
  }
  // Varnish in front of BMO answers long targets itself, in plain text
  // (docs/bugzilla-api.md#url-length).
  const std::size_t target =
      request.raw_path.size() + (request.raw_query.empty() ? 0 : request.raw_query.size() + 1);
  if (target > k_max_request_target) {
    SimResponse r;
    r.status = 414;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "414 URI Too Long\n";
    return to_reply(std::move(r));
  }
  return rate_limited();
}

SimReply BugzillaSim::Impl::refusal(FaultKind kind) {
  if (kind == FaultKind::http500) {
    return to_reply(html(500, "Internal Server Error",
                         "The server encountered an internal error or misconfiguration and was "
                         "unable to complete your request."));
  }
  if (kind == FaultKind::http503_html) {
    return to_reply(html(503, "Service Unavailable",
                         "The server is temporarily unable to service your request. Guru "
                         "Meditation: XID 1001"));
  }
  bool as_html = false;  // rate_limit: the JSON 400, then (every second time) the HTML 429
  {
    std::lock_guard<std::mutex> lock(m_mu);
    as_html = rate_limit_fault_html;
    rate_limit_fault_html = !rate_limit_fault_html;
  }
  return to_reply(as_html ? rate_limit_html() : rate_limit_json(options.auth == "upstream"));
}

SimReply BugzillaSim::Impl::serve(const SimIncoming& request) {
  SimRequest sim_request;
  sim_request.method = request.method;
  sim_request.path = request.path;
  sim_request.query = parse_query(request.raw_query);
  sim_request.body = request.body;
  sim_request.headers = request.headers;
  return to_reply(service.handle(sim_request));
}

std::optional<SimReply> BugzillaSim::Impl::control(const std::string& method,
                                                   const std::string& path,
                                                   const std::string& body) {
  if (path == "/__sim/clock" && (method == "GET" || method == "POST")) {
    if (method == "POST") {
      const Json request = Json::parse(body, nullptr, false);
      const auto now = request.is_object() && request.contains("now") && request["now"].is_string()
                           ? parse_sim_time(request["now"].get<std::string>())
                           : std::nullopt;
      if (!now) {
        return json_reply(400, Json{{"error", "expected {\"now\": \"YYYY-MM-DDTHH:MM:SSZ\"}"}});
      }
      clock.set(*now);
    }
    return json_reply(200, Json{{"now", format_sim_time(clock.now())}});
  }
  if (method == "POST" && path == "/__sim/bugs") {
    return to_reply(service.control_bugs(body));
  }
  if (method == "POST" && path == "/__sim/comments") {
    return to_reply(service.control_comments(body));
  }
  return std::nullopt;
}

BugzillaSim::BugzillaSim(BugzillaSimOptions options) {
  if (options.auth != "bmo" && options.auth != "upstream") {
    throw std::runtime_error("--bugzilla-auth must be bmo or upstream, not " + options.auth);
  }
  m_impl = std::make_unique<Impl>(std::move(options));
}

BugzillaSim::~BugzillaSim() { stop(); }

void BugzillaSim::start() { m_impl->start(); }

void BugzillaSim::stop() {
  if (m_impl) {
    m_impl->stop();
  }
}

int BugzillaSim::port() const { return m_impl->port(); }

std::string BugzillaSim::base_url() const { return m_impl->base_url(); }

}  // namespace bzjira::sim
