// The command dispatcher in-process: exit codes, help, errors, and the catch-all of main.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "adapters/cli/app.h"
#include "tests/support/paths.h"

using namespace bzjira::adapters::cli;

namespace {

struct Captured {
  int code = -1;
  std::string out;
  std::string err;
};

bzjira::sync::Instant fixed_now() { return *bzjira::sync::parse_rfc3339("2026-11-26T12:00:00Z"); }

Captured call(const std::vector<std::string>& args,
              std::function<bzjira::sync::Instant()> clock = fixed_now) {
  std::ostringstream out;
  std::ostringstream err;
  Io io{out, err, std::move(clock)};
  Captured c;
  c.code = run(args, io);
  c.out = out.str();
  c.err = err.str();
  return c;
}

const std::string k_mapping = bzjira::test_support::source_dir() + "/mappings/demo.json";
const std::string k_dataset =
    bzjira::test_support::source_dir() + "/deploy/demo/example-ca.dataset.json";

}  // namespace

TEST_CASE("the command table names the six commands once each", "[cli]") {
  std::vector<std::string> names;
  for (const auto& c : commands()) {
    names.push_back(c.name);
    CHECK_FALSE(c.summary.empty());
    CHECK(c.usage.rfind(c.name, 0) == 0);
  }
  CHECK(names == std::vector<std::string>{"init", "sync", "status", "audit", "check", "snapshot"});
}

TEST_CASE("every available command's help lists its options with their defaults", "[cli]") {
  for (const auto& c : commands()) {
    INFO(c.name);
    const auto r = call({"help", c.name});
    CHECK(r.code == 0);
    CHECK(r.out.find("Usage: bzjira " + c.usage) != std::string::npos);
    if (c.run) {
      CHECK(r.out.find("--help") != std::string::npos);
      if (c.name != "init") {  // init writes a mapping: it reads none
        CHECK(r.out.find("--config") != std::string::npos);
      }
      CHECK(r.out.find("default") != std::string::npos);
    } else {
      CHECK(r.out.find("not available in this build yet") != std::string::npos);
    }
  }
}

TEST_CASE("help via -h or --help works before and after the command", "[cli]") {
  CHECK(call({"-h"}).out == call({"--help"}).out);
  CHECK(call({"help"}).out == call({"--help"}).out);
  CHECK(call({"check", "-h"}).out == call({"help", "check"}).out);
  CHECK(call({"-V"}).out == call({"--version"}).out);
}

TEST_CASE("an option given twice is a usage error", "[cli]") {
  const auto r = call({"check", "-c", k_mapping, "--config", k_mapping});
  CHECK(r.code == 2);
  CHECK(r.err.find("config") != std::string::npos);
}

TEST_CASE("check --online reports missing secrets as failed checks with what to do", "[cli]") {
  for (const char* name : {"BZJIRA_BUGZILLA_API_KEY", "BZJIRA_BUGZILLA_API_KEY_FILE",
                           "BZJIRA_JIRA_USER", "BZJIRA_JIRA_USER_FILE"}) {
    ::unsetenv(name);
  }
  const auto r = call({"check", "-c", k_mapping, "--online"});
  CHECK(r.code == 2);
  CHECK(r.out.find("mapping OK") != std::string::npos);
  CHECK(r.out.find("FAIL Bugzilla API key") != std::string::npos);
  CHECK(r.out.find("export BZJIRA_BUGZILLA_API_KEY") != std::string::npos);
  CHECK(r.out.find("FAIL Jira credentials") != std::string::npos);
}

TEST_CASE("audit without --now asks the clock", "[cli]") {
  // At 2026-08-05 only bug 2061101 had begun (created 2026-08-03): its first update window is
  // open and no window of the later bugs exists yet.
  const auto r = call({"audit", "-c", k_mapping, "--from-file", k_dataset, "--format", "json"},
                      [] { return *bzjira::sync::parse_rfc3339("2026-08-05T00:00:00Z"); });
  CHECK(r.code == 0);
  CHECK(r.out.find("2061101") != std::string::npos);
  CHECK(r.out.find("2061240") == std::string::npos);
  CHECK(r.out.find("\"open\"") != std::string::npos);
}

TEST_CASE("an unexpected exception ends in exit code 4 with a message, not a crash", "[cli]") {
  const auto r = call({"audit", "-c", k_mapping, "--from-file", k_dataset},
                      []() -> bzjira::sync::Instant { throw std::runtime_error("clock broke"); });
  CHECK(r.code == 4);
  CHECK(r.err == "bzjira: internal error: clock broke\n");
}

TEST_CASE("a file that is not a dataset stops the audit with exit 2", "[cli]") {
  // The mapping is a JSON object without "bugs": not a dataset.
  const auto r = call({"audit", "-c", k_mapping, "--from-file", k_mapping});
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("not valid") != std::string::npos);
}
