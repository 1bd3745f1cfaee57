// Issue 7 item 5: every command, at every log level, in both log formats, through failures (a
// wrong key, an unreachable Jira, injected faults), with secrets from the environment and from
// *_FILE variables: the secrets, their Basic-auth form and any 10-character piece of them appear in
// no output, log line, metrics file, state database (and its -wal), snapshot or dry-run plan.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <set>

#include "tests/reliability/http_wire.h"
#include "tests/reliability/kill_proxy.h"
#include "tests/reliability/world.h"

namespace bzjira::reliability {
namespace {

constexpr const char* k_now = "2026-10-05T12:00:00Z";
const std::string k_key = "BzKey-S3cr3t-q7Lw9Xv2Rk";
const std::string k_user = "bot.secret-user@example.com";
const std::string k_token = "JiraTok-S3cr3t-m4Rt8Zp1Hs";
const std::string k_bad_key = "BzKey-WRONG-h5Jd3Kc8Ft";
const std::string k_bad_token = "JiraTok-WRONG-n2Vb6Yq4Gu";

std::string base64(const std::string& in) {
  static const char* k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) {
      out += k_alphabet[(v >> shift) & 63];
    }
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) {
      v |= static_cast<unsigned char>(in[i + 1]) << 8;
    }
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? k_alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Every string that must not appear: the secrets, each 10-character piece of them (a "redacted"
// prefix is a leak too), and the Basic-auth header values built from them.
std::set<std::string> forbidden() {
  std::set<std::string> out;
  for (const std::string& s : {k_key, k_token, k_bad_key, k_bad_token}) {
    for (std::size_t i = 0; i + 10 <= s.size(); ++i) {
      out.insert(s.substr(i, 10));
    }
  }
  for (const std::string& token : {k_token, k_bad_token}) {
    const std::string basic = base64(k_user + ":" + token);
    out.insert(basic);
    out.insert(basic.substr(basic.size() - 16));  // the part that encodes the token
  }
  return out;
}

// The first forbidden string found in `text`, or "".
std::string leak_in(const std::string& text) {
  static const std::set<std::string> k_forbidden = forbidden();
  for (const std::string& f : k_forbidden) {
    if (text.find(f) != std::string::npos) {
      return f;
    }
  }
  return "";
}

Json dataset_with_key() {
  Json ds = Json::parse(read_file(data_file("example_ca.json")));
  ds["api_keys"] = {{k_key, k_ca_login}, {k_insider_key, "insider@example.org"}};
  return ds;
}

struct Scenario {
  std::string name;
  double faults = 0;
  bool bad_credentials = false;
  bool jira_unreachable = false;
  bool upstream = false;  // Bugzilla 5.x: the key goes in the URL as api_key=
};

// A port on 127.0.0.1 where nothing listens.
int closed_port() {
  int port = 0;
  const int fd = listen_loopback(port);
  ::close(fd);
  return port;
}

class SecretsWorld {
 public:
  SecretsWorld(const Scenario& s, const TempDir& secrets_dir) : m_dir("secrets-ds") {
    write_file(m_dir.file("dataset.json"), dataset_with_key().dump());
    WorldOptions o;
    o.dataset = m_dir.file("dataset.json");
    o.clock = k_now;
    o.faults = s.faults;
    o.seed = 5;
    o.hang_seconds = 1.2;
    o.request_timeout_seconds = 1;
    o.bugzilla_auth = s.upstream ? "upstream" : "bmo";
    o.jira_users = k_user + ":" + k_token;
    const bool upstream = s.upstream;
    o.edit_mapping = [upstream](Json& m) {
      if (upstream) {
        m["bugzilla"]["auth"] = "query";
      }
      for (const char* side : {"bugzilla", "jira"}) {
        m[side]["http"]["max_attempts"] = 2;
        m[side]["http"]["max_retry_seconds"] = 2;
      }
    };
    m_world = std::make_unique<World>(o);
    if (s.jira_unreachable) {
      m_world->point_at(m_world->bugzilla_url(),
                        "http://127.0.0.1:" + std::to_string(closed_port()));
    }
    write_file(secrets_dir.file("key"), (s.bad_credentials ? k_bad_key : k_key) + "\n");
    write_file(secrets_dir.file("token"), (s.bad_credentials ? k_bad_token : k_token) + "\n");
    write_file(secrets_dir.file("user"), k_user + "\n");
  }
  World& world() { return *m_world; }

 private:
  TempDir m_dir;
  std::unique_ptr<World> m_world;
};

void use_secrets(World& world, const TempDir& secrets_dir, bool from_files, bool bad) {
  Env& env = world.env();
  for (const char* name :
       {"BZJIRA_BUGZILLA_API_KEY", "BZJIRA_JIRA_USER", "BZJIRA_JIRA_TOKEN",
        "BZJIRA_BUGZILLA_API_KEY_FILE", "BZJIRA_JIRA_USER_FILE", "BZJIRA_JIRA_TOKEN_FILE"}) {
    env.erase(name);
  }
  if (from_files) {
    env["BZJIRA_BUGZILLA_API_KEY_FILE"] = secrets_dir.file("key");
    env["BZJIRA_JIRA_TOKEN_FILE"] = secrets_dir.file("token");
    env["BZJIRA_JIRA_USER_FILE"] = secrets_dir.file("user");
  } else {
    env["BZJIRA_BUGZILLA_API_KEY"] = bad ? k_bad_key : k_key;
    env["BZJIRA_JIRA_TOKEN"] = bad ? k_bad_token : k_token;
    env["BZJIRA_JIRA_USER"] = k_user;
  }
}

std::vector<std::vector<std::string>> commands(World& world) {
  const std::string& m = world.mapping_path();
  const std::string& db = world.state_path();
  return {
      {"sync", "-c", m, "--state", db, "--now", k_now, "--metrics-file",
       world.dir().file("metrics.prom")},
      {"sync", "-c", m, "--state", db, "--now", k_now, "--dry-run"},
      {"status", "-c", m, "--state", db, "--now", k_now},
      {"audit", "-c", m, "--now", k_now, "--format", "json"},
      {"check", "-c", m, "--online"},
      {"snapshot", "-c", m, "-o", world.dir().file("snapshot.json")},
  };
}

int g_runs = 0;

// Runs `args` with the log options and checks its output; returns its exit code.
int run_and_check(World& world, std::vector<std::string> args, const std::string& level,
                  const std::string& format) {
  args.insert(args.end(), {"--log-level", level, "--log-format", format});
  const RunResult r = world.bzjira(args, std::chrono::seconds(60));
  ++g_runs;
  INFO(args[0] << (args.size() > 8 && args[7] == "--dry-run" ? " --dry-run" : "") << " at " << level
               << "/" << format << " exited " << r.code);
  CHECK_FALSE(r.timed_out);
  INFO("stderr ends: " << r.err.substr(r.err.size() > 3000 ? r.err.size() - 3000 : 0));
  CHECK((r.code >= 0 && r.code <= 4));
  CHECK(leak_in(r.out) == "");
  CHECK(leak_in(r.err) == "");
  return r.code;
}

// Every file bzjira may have written in the world's directory (state, -wal, -shm, lock, metrics,
// snapshot, anything under $HOME), except the simulator's dataset, which holds the key by design.
void check_files(World& world) {
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(world.dir().path())) {
    if (!entry.is_regular_file() || entry.path().filename() == "dataset.json") {
      continue;
    }
    ++files;
    INFO("file " << entry.path().string());
    CHECK(leak_in(read_file(entry.path())) == "");
  }
  CHECK(files >= 3);  // at least the mapping, the state database and the lock file
}

const std::vector<std::string> k_levels = {"trace", "debug",    "info", "warning",
                                           "error", "critical", "off"};

}  // namespace

TEST_CASE("issue 7: no command leaks a secret at any log level in either format", "[e2e]") {
  TempDir secrets_dir("secret-files");
  SecretsWorld sw(Scenario{"ok"}, secrets_dir);
  World& world = sw.world();
  use_secrets(world, secrets_dir, false, false);
  for (const auto& args : commands(world)) {
    for (const std::string& level : k_levels) {
      for (const std::string format : {"text", "json"}) {
        const int code = run_and_check(world, args, level, format);
        CHECK(code == 0);  // the secrets work: everything ran against the simulators
      }
    }
  }
  CHECK(std::filesystem::exists(world.dir().file("metrics.prom")));
  CHECK(std::filesystem::exists(world.dir().file("snapshot.json")));
  // A clean exit folds the write-ahead log into the database: kill a sync in the middle (after
  // Jira's first answer, when the Bugzilla cache is written) so that its -wal stays to be read.
  auto kill_switch = std::make_shared<KillSwitch>();
  CountingProxy jira(world.jira_port(), kill_switch);
  world.point_at(world.bugzilla_url(), jira.url());
  world.add_comment(3000005, "reviewer@example.net", "One more question.", k_now);
  kill_switch->arm(1, KillSwitch::When::after_answer);
  TempDir out("secrets-kill");
  Child child(bzjira_binary(),
              {"sync", "-c", world.mapping_path(), "--state", world.state_path(), "--now",
               plus_minutes(k_now, 5), "--log-level", "trace"},
              world.env(), out.file("out"), out.file("err"));
  kill_switch->set_victim(child.pid());
  REQUIRE(child.wait(std::chrono::seconds(60)));
  CHECK(kill_switch->fired());
  CHECK(leak_in(read_file(out.file("out")) + read_file(out.file("err"))) == "");
  CHECK(std::filesystem::exists(world.state_path() + "-wal"));
  check_files(world);
}

TEST_CASE("issue 7: no secret leaks through failures, from env or *_FILE variables", "[e2e]") {
  const std::vector<Scenario> scenarios = {
      {"wrong key and token", 0, true, false, false},
      {"Jira unreachable", 0, false, true, false},
      {"30% faults", 0.3, false, false, false},
      {"upstream Bugzilla, key in the URL", 0, false, false, true},
  };
  for (const Scenario& s : scenarios) {
    for (const bool from_files : {false, true}) {
      TempDir secrets_dir("secret-files");
      SecretsWorld sw(s, secrets_dir);
      World& world = sw.world();
      use_secrets(world, secrets_dir, from_files, s.bad_credentials);
      INFO(s.name << (from_files ? ", secrets from *_FILE" : ", secrets from the environment"));
      int failures = 0;
      for (const auto& args : commands(world)) {
        for (const std::string format : {"text", "json"}) {
          const int code = run_and_check(world, args, format == "text" ? "trace" : "debug", format);
          failures += code != 0 ? 1 : 0;
        }
      }
      if (s.bad_credentials || s.jira_unreachable) {
        CHECK(failures >= 4);  // the failure really happened (check, sync, status, ...)
      }
      if (s.upstream) {
        CHECK(failures == 0);  // the key from the file or variable worked, in the URL
      }
      check_files(world);
    }
  }
  WARN("secrets: " << g_runs << " command runs checked");
}

}  // namespace bzjira::reliability
