// Test support for the Jira client against the Jira simulator: an in-process simulator, a client
// pointed at it, and plain HTTP access to the /__sim control endpoints.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "adapters/http/http_client.h"
#include "adapters/jira/jira_client.h"
#include "sync/mapping.h"
#include "tests/sim/jira_sim.h"

namespace bzjira::testing {

inline sync::HttpSettings fast_http() {
  sync::HttpSettings h;
  h.connect_timeout_seconds = 2;
  h.request_timeout_seconds = 3;
  h.max_attempts = 5;
  h.max_retry_seconds = 30;
  return h;
}

// A running simulator of one flavour and a client for it (project CAINC, deadline field
// customfield_10050, user ann@example.com).
struct JiraWorld {
  explicit JiraWorld(const std::string& flavor = "cloud", sim::JiraSimOptions options = {})
      : sim(with_flavor(std::move(options), flavor)) {
    sim.start();
    settings.url = sim.base_url();
    settings.flavor = flavor == "cloud" ? sync::JiraFlavor::cloud : sync::JiraFlavor::datacenter;
    settings.project = "CAINC";
    settings.deadline_field = "customfield_10050";
    settings.http = fast_http();
    client = make_client();
  }

  static sim::JiraSimOptions with_flavor(sim::JiraSimOptions options, const std::string& flavor) {
    options.flavor = flavor;
    return options;
  }

  std::unique_ptr<adapters::jira::JiraClient> make_client(std::string user = "ann@example.com",
                                                          std::string token = "t0ken") const {
    return std::make_unique<adapters::jira::JiraClient>(
        settings, adapters::jira::JiraCredentials{std::move(user), std::move(token)});
  }

  // Raw HTTP to the simulator (control endpoints, or API calls a test makes by hand).
  adapters::http::Response raw(const std::string& method, const std::string& path,
                               const std::string& body = {},
                               adapters::http::Headers headers = {}) const {
    auto transport = adapters::http::make_cpprest_transport(fast_http());
    adapters::http::Request r;
    r.method = method;
    r.url = sim.base_url() + path;
    r.body = body;
    r.headers = std::move(headers);
    if (!body.empty()) {
      r.headers.emplace_back("Content-Type", "application/json");
    }
    auto outcome = transport->send_once(r);
    if (!outcome.result.ok()) {
      adapters::http::Response failed;
      failed.status = -1;
      failed.body = outcome.result.error().message;
      return failed;
    }
    return outcome.result.value();
  }

  nlohmann::json control(const std::string& method, const std::string& path,
                         const std::string& body = {}) const {
    return nlohmann::json::parse(raw(method, path, body).body, nullptr, false);
  }

  nlohmann::json issues() const { return control("GET", "/__sim/issues")["issues"]; }

  nlohmann::json issue(const std::string& key) const {
    for (const auto& i : issues()) {
      if (i["key"] == key) {
        return i;
      }
    }
    return nullptr;
  }

  long count(const std::string& route) const {
    const auto stats = control("GET", "/__sim/stats");
    return stats["requests"].value(route, 0L);
  }

  sim::JiraSim sim;
  sync::JiraSettings settings;
  std::unique_ptr<adapters::jira::JiraClient> client;
};

inline sync::IssueDraft make_draft(int bug, const std::string& text = "Question on the bug") {
  sync::IssueDraft d;
  d.summary = "BMO " + std::to_string(bug) + ": reply due";
  d.description = {sync::paragraph(text)};
  d.due = std::chrono::year{2026} / 10 / 7;
  d.labels = {"bzjira", "bz-" + std::to_string(bug)};
  d.deadline = std::chrono::sys_days{std::chrono::year{2026} / 10 / 7} + std::chrono::hours{12};
  return d;
}

// The basic-auth header for raw API calls.
inline adapters::http::Headers cloud_auth() {
  return {{"Authorization", "Basic " + adapters::jira::base64_encode("ann@example.com:t0ken")}};
}

}  // namespace bzjira::testing
