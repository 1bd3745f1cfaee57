// The end-to-end fixture's simulator process and its calls (sim_fixture.h says what each does).
#include "tests/e2e/sim_fixture.h"
#include "tests/support/paths.h"

#include <chrono>
#include <stdexcept>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace bzjira::e2e {

Sim::Sim(SimOptions options, const std::string& dataset) : m_options(std::move(options)) {
  m_dataset = m_dir.path() / "dataset.json";
  std::filesystem::copy_file(dataset.empty() ? demo_dataset() : dataset, m_dataset);
  if (m_options.edit_dataset) {
    auto data = nlohmann::json::parse(read_file(m_dataset));
    m_options.edit_dataset(data);
    m_dir.file("dataset.json", data.dump(1));
  }
  const auto ports_file = m_dir.path() / "ports.json";
  const auto out = m_dir.file("sim.out");
  const auto log = m_dir.file("sim.log");
  m_child = std::make_unique<test_support::Child>(
      bzjira::test_support::binary_dir() + "/bzjira-sim",
      std::vector<std::string>{"--bugzilla-data", m_dataset.string(), "--bugzilla-auth",
                               m_options.bugzilla_auth, "--clock", m_options.clock, "--jira-port",
                               "0", "--jira-flavor", m_options.flavor, "--ports-file",
                               ports_file.string()},
      test_support::Env{}, out, log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!std::filesystem::exists(ports_file)) {
    if (!m_child->running()) {
      throw std::runtime_error("bzjira-sim exited: " + read_file(out) + read_file(log));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("bzjira-sim wrote no ports file within 15 s: " + read_file(out) +
                               read_file(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto ports = nlohmann::json::parse(read_file(ports_file));
  m_bugzilla_port = ports.at("bugzilla").get<int>();
  m_jira_port = ports.at("jira").get<int>();
  sync::HttpSettings http;
  http.max_attempts = 1;
  m_http = std::make_unique<adapters::http::Client>(http, std::vector<std::string>{});
}

Sim::~Sim() { m_child->stop(std::chrono::seconds(3)); }

std::string Sim::mapping(const std::function<void(nlohmann::json&)>& edit,
                         const std::string& name) const {
  auto m = nlohmann::json::parse(read_file(demo_mapping()));
  m["bugzilla"]["url"] = bugzilla_url();
  m["jira"]["url"] = jira_url();
  m["jira"]["flavor"] = m_options.flavor;
  if (edit) {
    edit(m);
  }
  return m_dir.file(name, m.dump(2));
}

RunResult Sim::sync(const std::string& mapping_path, const std::string& now,
                    std::vector<std::string> extra) const {
  std::vector<std::string> args = {"sync", "-c", mapping_path, "--now", now, "--state", state()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_bzjira_env(k_demo_env, args);
}

RunResult Sim::sync_ok(const std::string& mapping_path, const std::string& now) const {
  auto r = sync(mapping_path, now);
  INFO("sync at " << now << ":\n" << r.out << r.err);
  REQUIRE(r.code == 0);
  return r;
}

nlohmann::json Sim::call(const std::string& method, const std::string& url, const std::string& body,
                         adapters::http::Headers headers) const {
  adapters::http::Request request;
  request.method = method;
  request.url = url;
  request.body = body;
  if (!body.empty()) {
    headers.emplace_back("Content-Type", "application/json");
  }
  request.headers = std::move(headers);
  auto answer = m_http->send(request);
  if (!answer) {
    throw std::runtime_error(method + " " + url + ": " + answer.error().message);
  }
  m_last_status = answer->status;
  return nlohmann::json::parse(answer->body, nullptr, false);
}
nlohmann::json Sim::bugzilla(const std::string& method, const std::string& path) const {
  return call(method, bugzilla_url() + path);
}
nlohmann::json Sim::bugzilla(const std::string& method, const std::string& path,
                             const nlohmann::json& body) const {
  return call(method, bugzilla_url() + path, body.is_null() ? "" : body.dump());
}
nlohmann::json Sim::jira(const std::string& method, const std::string& path) const {
  return call(method, jira_url() + path);
}
nlohmann::json Sim::jira(const std::string& method, const std::string& path,
                         const nlohmann::json& body) const {
  return call(method, jira_url() + path, body.is_null() ? "" : body.dump());
}

void Sim::reset_stats() const {
  bugzilla("POST", "/__sim/reset-stats");
  jira("POST", "/__sim/reset-stats");
}
nlohmann::json Sim::bugzilla_stats() const { return bugzilla("GET", "/__sim/stats"); }
nlohmann::json Sim::jira_stats() const { return jira("GET", "/__sim/stats"); }

nlohmann::json Sim::issues() const { return jira("GET", "/__sim/issues").at("issues"); }

nlohmann::json Sim::issue_labelled(const std::string& label) const {
  nlohmann::json found = nullptr;
  for (const auto& issue : issues()) {
    for (const auto& l : issue.at("labels")) {
      if (l == label) {
        if (!found.is_null()) {
          throw std::runtime_error("two issues carry " + label);
        }
        found = issue;
      }
    }
  }
  if (found.is_null()) {
    throw std::runtime_error("no issue carries " + label);
  }
  return found;
}

std::string Sim::bugzilla_now() const {
  return bugzilla("GET", "/__sim/clock").at("now").get<std::string>();
}

nlohmann::json Sim::comments(long bug) const {
  const auto answer = call("GET", bugzilla_url() + "/rest/bug/" + std::to_string(bug) + "/comment",
                           "", {{"X-BUGZILLA-API-KEY", "demo-ca-key"}});
  return answer.at("bugs").at(std::to_string(bug)).at("comments");
}

std::map<std::string, int> label_counts(const nlohmann::json& issues) {
  std::map<std::string, int> counts;
  for (const auto& issue : issues) {
    for (const auto& l : issue.at("labels")) {
      counts[l.get<std::string>()] += 1;
    }
  }
  return counts;
}

std::vector<std::string> write_routes(const nlohmann::json& stats) {
  std::vector<std::string> writes;
  for (const auto& [route, count] : stats.at("requests").items()) {
    const bool write = route.rfind("GET ", 0) != 0 && route.find("/search") == std::string::npos;
    if (write && count.get<int>() > 0) {
      writes.push_back(route);
    }
  }
  return writes;
}

}  // namespace bzjira::e2e
