#include "tests/reliability/sim.h"

#include <csignal>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/reliability/http_wire.h"

namespace bzjira::reliability {

namespace {

std::string number(double value) {
  std::ostringstream s;
  s << value;
  return s.str();
}

Json parse_answer(const HttpReply& reply, const std::string& what) {
  if (reply.status < 200 || reply.status >= 300) {
    throw std::runtime_error(what + ": status " + std::to_string(reply.status) + ": " +
                             reply.body.substr(0, 300));
  }
  Json body = Json::parse(reply.body, nullptr, false);
  if (body.is_discarded()) {
    throw std::runtime_error(what + ": not JSON: " + reply.body.substr(0, 300));
  }
  return body;
}

}  // namespace

SimProcess::SimProcess(const SimOptions& o) : m_dir(std::make_unique<TempDir>("sim")) {
  std::vector<std::string> args;
  if (!o.bugzilla_data.empty()) {
    args.insert(args.end(), {"--bugzilla-data", o.bugzilla_data, "--bugzilla-port",
                             std::to_string(o.bugzilla_port), "--bugzilla-auth", o.bugzilla_auth});
    if (!o.clock.empty()) {
      args.insert(args.end(), {"--clock", o.clock});
    }
  }
  if (o.jira) {
    args.insert(args.end(), {"--jira-port", std::to_string(o.jira_port)});
    if (!o.jira_users.empty()) {
      args.insert(args.end(), {"--jira-users", o.jira_users});
    }
  }
  args.insert(args.end(),
              {"--faults", number(o.faults), "--seed", std::to_string(o.seed), "--hang-seconds",
               number(o.hang_seconds), "--ports-file", m_dir->file("ports.json")});
  // A port just freed by a stopped simulator may linger a moment: try a few times.
  for (int attempt = 0; attempt < 20; ++attempt) {
    m_child =
        std::make_unique<Child>(sim_binary(), args, Env{}, m_dir->file("out"), m_dir->file("err"));
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until && m_child->running()) {
      const Json ports = Json::parse(read_file(m_dir->file("ports.json")), nullptr, false);
      if (ports.is_object()) {
        m_bugzilla_port = ports.value("bugzilla", 0);
        m_jira_port = ports.value("jira", 0);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    m_child->kill_now();
    const bool fixed_port = o.bugzilla_port != 0 || o.jira_port != 0;
    if (!fixed_port) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("bzjira-sim did not start: " + read_file(m_dir->file("err")));
}

SimProcess::~SimProcess() {
  if (m_child && !m_child->running() && m_child->exit_code() != -SIGKILL) {
    // It died on its own: say how, or a test failure would only show refused connections.
    std::fprintf(stderr, "bzjira-sim (pid %d) died with %d; its stderr:\n%s\n",
                 static_cast<int>(m_child->pid()), m_child->exit_code(),
                 read_file(m_dir->file("err")).c_str());
  }
  if (m_child) {
    m_child->stop(std::chrono::seconds(5));
  }
}

Json control_get(int port, const std::string& path) {
  return parse_answer(http_call(port, "GET", path), "GET " + path);
}

Json control_post(int port, const std::string& path, const Json& body) {
  return parse_answer(http_call(port, "POST", path, body.dump()), "POST " + path);
}

SimStats sim_stats(int port) {
  const Json stats = control_get(port, "/__sim/stats");
  return SimStats{stats.value("total", 0L), stats.value("faults_injected", 0L)};
}

}  // namespace bzjira::reliability
