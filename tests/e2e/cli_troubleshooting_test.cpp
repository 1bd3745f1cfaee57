// README.md's troubleshooting table against the real binary: every message it quotes is provoked
// (missing secret, typo, plain http, held lock, unreachable host, untrusted certificate, wrong API
// key, wrong base URL, header key to upstream 5.x, unknown transition, unconfirmed create) and must
// match what bzjira prints, with the exit code the row names (issues 6 and 12).
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/e2e/sim_fixture.h"
#include "tests/support/paths.h"

using bzjira::e2e::Env;
using bzjira::e2e::k_demo_env;
using bzjira::e2e::k_demo_now;
using bzjira::e2e::run_bzjira_env;
using bzjira::e2e::Sim;
using nlohmann::json;

namespace {

struct Row {
  std::string quote;  // the first cell's code span
  std::string advice;
};

// The rows of the table under "## Troubleshooting".
std::vector<Row> troubleshooting_rows() {
  std::istringstream in(bzjira::e2e::read_file(bzjira::test_support::source_dir() + "/README.md"));
  std::vector<Row> rows;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) {
      inside = line == "## Troubleshooting";
      continue;
    }
    if (!inside || line.rfind("| `", 0) != 0) {
      continue;
    }
    const auto close = line.find("` |", 3);
    REQUIRE(close != std::string::npos);
    rows.push_back({line.substr(3, close - 3), line.substr(close + 3)});
  }
  return rows;
}

// The quote as a regular expression: literal text, each <placeholder> any text.
std::regex quote_pattern(const std::string& quote) {
  std::string pattern;
  for (std::size_t i = 0; i < quote.size(); ++i) {
    const char c = quote[i];
    const auto end = c == '<' ? quote.find('>', i) : std::string::npos;
    if (end != std::string::npos) {
      pattern += ".+?";
      i = end;
    } else if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) {
      pattern += std::string("\\") + c;
    } else {
      pattern += c;
    }
  }
  return std::regex(pattern);
}

// A loopback port nobody listens on (bound, then released).
int unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

struct Produced {
  std::string what;
  bzjira::e2e::RunResult result;
};

// `bzjira sync` of `mapping` with its own state file in the simulator's directory.
bzjira::e2e::RunResult sync(const Sim& sim, const std::string& mapping, const std::string& state,
                            const std::string& now = k_demo_now, const Env& env = k_demo_env) {
  return run_bzjira_env(
      env, {"sync", "-c", mapping, "--now", now, "--state", (sim.dir().path() / state).string()});
}

// A TLS server with a self-signed certificate (openssl s_server), stopped by the destructor.
class SelfSignedServer {
 public:
  explicit SelfSignedServer(const bzjira::e2e::TempDir& dir) : m_port(unused_port()) {
    const auto key = (dir.path() / "tls.key").string();
    const auto cert = (dir.path() / "tls.pem").string();
    const auto made = bzjira::e2e::run_program(
        "openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=bzjira-test"});
    INFO("openssl (Debian package openssl, deploy/install-deps.sh): " << made.err);
    REQUIRE(made.code == 0);
    const auto started = bzjira::e2e::run_program(
        "sh", {"-c", "openssl s_server -quiet -www -accept 127.0.0.1:" + std::to_string(m_port) +
                         " -cert " + bzjira::e2e::shell_quote(cert) + " -key " +
                         bzjira::e2e::shell_quote(key) + " >/dev/null 2>&1 & echo $!"});
    m_pid = std::stoi(started.out);
    for (int i = 0; i < 250 && !accepts_connections(m_port); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~SelfSignedServer() { ::kill(m_pid, SIGTERM); }
  SelfSignedServer(const SelfSignedServer&) = delete;
  SelfSignedServer& operator=(const SelfSignedServer&) = delete;
  int port() const { return m_port; }

 private:
  int m_port;
  int m_pid = -1;
};

// Every situation the table describes, provoked for real.
std::vector<Produced> provoke_everything() {
  std::vector<Produced> produced;
  Sim sim;
  const auto mapping = sim.mapping();

  Env no_token = k_demo_env;
  no_token.pop_back();  // BZJIRA_JIRA_TOKEN
  produced.push_back({"a missing secret", sync(sim, mapping, "a.db", k_demo_now, no_token)});

  const auto typo = sim.mapping([](json& m) { m["jira"]["projct"] = "CAINC"; }, "typo.json");
  produced.push_back({"a typo in the mapping", sync(sim, typo, "a.db")});

  const auto plain =
      sim.mapping([](json& m) { m["jira"]["url"] = "http://jira.example.com"; }, "plain.json");
  produced.push_back({"plain http to another host", sync(sim, plain, "a.db")});

  {
    // Another run's lock: held here, with a pid in the file as bzjira writes it.
    const auto lock_path = (sim.dir().path() / "locked.db.lock").string();
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    const std::string pid = std::to_string(::getpid()) + "\n";
    REQUIRE(::write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size()));
    produced.push_back({"a run holding the lock", sync(sim, mapping, "locked.db")});
    ::close(fd);
  }

  const int closed_port = unused_port();
  const auto unreachable = sim.mapping(
      [&](json& m) {
        m["bugzilla"]["url"] = "http://127.0.0.1:" + std::to_string(closed_port);
        m["bugzilla"]["http"] = {{"max_attempts", 1}};
      },
      "unreachable.json");
  produced.push_back({"nobody listening", sync(sim, unreachable, "u.db")});

  {
    SelfSignedServer tls(sim.dir());
    const auto untrusted = sim.mapping(
        [&](json& m) {
          m["bugzilla"]["url"] = "https://127.0.0.1:" + std::to_string(tls.port());
          m["bugzilla"]["http"] = {{"max_attempts", 1}};
        },
        "tls.json");
    produced.push_back({"an untrusted certificate", sync(sim, untrusted, "t.db")});
  }

  // Issue 12: a base URL that is not Bugzilla's, and the header sent to upstream Bugzilla 5.x.
  const auto wrong_url = sim.mapping(
      [&](json& m) { m["bugzilla"]["url"] = sim.bugzilla_url() + "/bugzilla"; }, "url.json");
  produced.push_back({"a wrong base URL", sync(sim, wrong_url, "b.db")});
  Sim upstream(bzjira::e2e::SimOptions{"cloud", "upstream"});
  const auto header =
      upstream.mapping([](json& m) { m["bugzilla"]["auth"] = "header"; }, "header.json");
  produced.push_back({"the header to upstream 5.x", sync(upstream, header, "h.db")});

  Env wrong_key = k_demo_env;
  wrong_key.front().second = "not-the-demo-key";
  produced.push_back({"a wrong API key", sync(sim, mapping, "k.db", k_demo_now, wrong_key)});

  // A close transition the workflow does not have: the CA answers bug 2061240's question and
  // needinfo, so their issues are to be closed.
  const auto resolve =
      sim.mapping([](json& m) { m["jira"]["close_transition"] = "Resolve"; }, "resolve.json");
  REQUIRE(sync(sim, resolve, "r.db").code == 0);
  sim.bugzilla("POST", "/__sim/comments",
               {{"bug_id", 2061240},
                {"creator", "compliance@example-ca.test"},
                {"text", "Responding to comment 9: confirmed."}});
  produced.push_back({"an unknown transition", sync(sim, resolve, "r.db", "2026-11-26T13:00:00Z")});

  // A create whose answer is lost (HTTP 500 after Jira's search), then the next run a minute
  // later: a fresh simulator, so that no issue exists yet.
  Sim fresh;
  const auto fresh_mapping = fresh.mapping();
  fresh.jira("POST", "/__sim/faults", {{"next", {"none", "http500"}}});
  REQUIRE(sync(fresh, fresh_mapping, "w.db").code == 1);
  produced.push_back(
      {"an unconfirmed create", sync(fresh, fresh_mapping, "w.db", "2026-11-26T12:01:00Z")});
  return produced;
}

}  // namespace

TEST_CASE(
    "every message quoted in README troubleshooting is printed by bzjira with the row exit code",
    "[e2e][cli]") {
  const std::vector<Row> rows = troubleshooting_rows();
  // The most common problems at least: secrets, mapping, lock, network, TLS, key.
  REQUIRE(rows.size() >= 5);
  const std::vector<Produced> produced = provoke_everything();
  for (const Row& row : rows) {
    INFO("README quotes: " << row.quote);
    const std::regex pattern = quote_pattern(row.quote);
    const Produced* match = nullptr;
    for (const Produced& p : produced) {
      if (std::regex_search(p.result.out + p.result.err, pattern)) {
        match = &p;
        break;
      }
    }
    if (match == nullptr) {
      for (const Produced& p : produced) {
        UNSCOPED_INFO(p.what << " (exit " << p.result.code << "):\n"
                             << p.result.out << p.result.err);
      }
    }
    REQUIRE(match != nullptr);
    std::smatch code;
    if (std::regex_search(row.advice, code, std::regex("Exit ([0-9])"))) {
      INFO(match->what << ":\n" << match->result.out << match->result.err);
      CHECK(match->result.code == std::stoi(code[1].str()));
    }
  }
  // No secret in any of it.
  for (const Produced& p : produced) {
    CHECK((p.result.out + p.result.err).find("demo-ca-key") == std::string::npos);
    CHECK((p.result.out + p.result.err).find("not-the-demo-key") == std::string::npos);
  }
}
