// The simulators' shared HTTP front: cpprest's listener, the request loop with its faults, and the
// /__sim endpoints both halves have.
#include "tests/sim/sim_server.h"

#include <cpprest/http_listener.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace bzjira::sim {

namespace {

namespace wh = web::http;

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

SimIncoming read_request(wh::http_request& request) {
  SimIncoming in;
  in.method = request.method();
  in.raw_path = request.request_uri().path();
  in.raw_query = request.request_uri().query();
  try {
    in.body = request.extract_utf8string(true).get();
  } catch (const std::exception&) {
    in.body.clear();  // an unreadable body is treated as none
  }
  for (const auto& [name, value] : request.headers()) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    in.headers[lower] = value;
  }
  return in;
}

void send(wh::http_request& request, const SimReply& r) {
  wh::http_response response(static_cast<wh::status_code>(r.status));
  if (!r.reason.empty()) {
    response.set_reason_phrase(r.reason);
  }
  for (const auto& [name, value] : r.headers) {
    response.headers().add(name, value);
  }
  // A cut connection needs a body stream even for a 204: without one cpprest's listener throws
  // std::logic_error ("uninitialized stream object") on its own thread, ending the process.
  if (r.status != 204 || r.claimed_length) {
    response.set_body(r.body, r.content_type);
  } else {
    // A bodiless 204 still declares its content type (Jira's document does).
    response.headers().set_content_type(r.content_type);
  }
  if (r.claimed_length) {
    // More than the body holds: cpprest's listener sends what it has, finds the body stream
    // ended early and closes the connection, so the client sees it drop mid-answer.
    response.headers().set_content_length(*r.claimed_length);
    response.headers().add("Connection", "close");
  }
  request.reply(response).then([](const pplx::task<void>& sent) {
    try {
      sent.get();
    } catch (...) {  // the client went away, or the connection was cut on purpose
    }
  });
}

}  // namespace

struct SimServer::Listener {
  explicit Listener(const std::string& url) : http(web::uri(url)) {}
  wh::experimental::listener::http_listener http;
};

SimServer::SimServer(SimServerSettings settings)
    : m_rate_limit_per_second(settings.rate_limit_per_second),
      m_name(std::move(settings.name)),
      m_requested_port(settings.port),
      m_faults(settings.fault_rate, settings.seed),
      m_hang_seconds(settings.hang_seconds) {}

SimServer::~SimServer() { stop(); }

void SimServer::start() {
  if (m_listener) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(m_mu);
    m_stopping = false;
  }
  std::string last_error;
  const int attempts = m_requested_port == 0 ? 20 : 1;
  for (int i = 0; i < attempts; ++i) {
    const int port = m_requested_port == 0 ? pick_free_port() : m_requested_port;
    auto listener = std::make_unique<Listener>("http://127.0.0.1:" + std::to_string(port));
    listener->http.support([this](wh::http_request request) {
      try {
        SimIncoming in = read_request(request);
        SimReply reply = respond(in);
        send(request, reply);
      } catch (const std::exception& e) {
        send(request, internal_error(e.what()));
      }
    });
    try {
      listener->http.open().wait();
      m_listener = std::move(listener);
      m_port = port;
      return;
    } catch (const std::exception& e) {  // taken meanwhile: try another
      last_error = e.what();
    }
  }
  throw std::runtime_error(m_name + " simulator cannot listen: " + last_error);
}

void SimServer::stop() {
  if (!m_listener) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(m_mu);
    m_stopping = true;
  }
  m_wake.notify_all();
  try {
    m_listener->http.close().wait();
  } catch (const std::exception&) {  // closing is best effort
  }
  m_listener.reset();
}

int SimServer::port() const { return m_port; }

std::string SimServer::base_url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

SimReply SimServer::respond(SimIncoming& request) {
  request.path = decode_path(request.raw_path);
  if (request.path.rfind("/__sim", 0) == 0) {
    return control_endpoint(request.method, request.path, request.body);
  }
  m_counter.add(route_of(request.method, request.path));
  if (auto early = screen(request)) {
    return *early;
  }
  const FaultKind fault = next_fault();
  switch (fault) {
    case FaultKind::http500:
    case FaultKind::http503_html:
    case FaultKind::rate_limit:
      return refusal(fault);
    case FaultKind::hang:
      hang();
      break;
    default:
      break;
  }
  if (auto refused = admit(request)) {
    return *refused;
  }
  SimReply reply = serve(request);
  if (fault == FaultKind::reset) {
    const std::size_t full = reply.body.size();
    reply.body.resize(full / 2);
    reply.claimed_length = cut_length(full);
  } else if (fault == FaultKind::truncated_json) {
    reply.body.resize(reply.body.size() / 2);
  }
  return reply;
}

SimReply SimServer::control_endpoint(const std::string& method, const std::string& path,
                                     const std::string& body) {
  if (method == "GET" && path == "/__sim/stats") {
    std::lock_guard<std::mutex> lock(m_mu);
    Json requests = Json::object();
    for (const auto& [route, count] : m_counter.snapshot()) {
      requests[route] = count;
    }
    return json_reply(200, Json{{"requests", requests},
                                {"total", m_counter.total()},
                                {"faults_injected", m_faults.injected() + m_forced_injected},
                                {"rate_limited", m_rate_limited}});
  }
  if (method == "POST" && path == "/__sim/reset-stats") {
    m_counter.reset();
    return json_reply(200, Json{{"ok", true}});
  }
  if (method == "POST" && path == "/__sim/faults") {
    return faults_endpoint(body);
  }
  if (auto answer = control(method, path, body)) {
    return *answer;
  }
  return json_reply(404, Json{{"error", "no control endpoint " + method + " " + path}});
}

SimReply SimServer::faults_endpoint(const std::string& body) {
  const Json request = Json::parse(body.empty() ? "{}" : body, nullptr, false);
  if (!request.is_object()) {
    return json_reply(400, Json{{"error", "body must be a JSON object"}});
  }
  std::lock_guard<std::mutex> lock(m_mu);
  if (request.contains("rate") && request["rate"].is_number()) {
    m_faults.set_rate(request["rate"].get<double>());
  }
  for (auto [key, target] : {std::pair{"rate_limit_per_second", &m_rate_limit_per_second},
                             std::pair{"hang_seconds", &m_hang_seconds}}) {
    if (request.contains(key) && request[key].is_number()) {
      *target = request[key].get<double>();
    }
  }
  Json answer = Json::object();
  apply_fault_settings(request, answer);
  if (request.contains("next") && request["next"].is_array()) {
    for (const auto& name : request["next"]) {
      const auto kind = fault_named(name.is_string() ? name.get<std::string>() : "");
      if (!kind) {
        return json_reply(400, Json{{"error", "unknown fault kind " + name.dump()}});
      }
      m_forced.push_back(*kind);
    }
  }
  forget_rate_window();
  answer["rate"] = m_faults.rate();
  answer["pending"] = m_forced.size();
  answer["rate_limit_per_second"] = m_rate_limit_per_second;
  answer["hang_seconds"] = m_hang_seconds;
  return json_reply(200, answer);
}

FaultKind SimServer::next_fault() {
  {
    std::lock_guard<std::mutex> lock(m_mu);
    if (!m_forced.empty()) {
      const FaultKind kind = m_forced.front();
      m_forced.pop_front();
      m_forced_injected += kind == FaultKind::none ? 0 : 1;
      return kind;
    }
  }
  return m_faults.next();
}

void SimServer::hang() {
  std::unique_lock<std::mutex> lock(m_mu);
  m_wake.wait_for(lock, std::chrono::duration<double>(m_hang_seconds),
                  [this] { return m_stopping; });
}

}  // namespace bzjira::sim
