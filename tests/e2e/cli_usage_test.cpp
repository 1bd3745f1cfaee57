// The bzjira binary's command line: version, help, exit codes and one-line errors
// (issue 2 item 11, issue 6 item 8). Runs the real executable from the build directory.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "tests/e2e/cli_run.h"
#include "tests/support/paths.h"

using bzjira::e2e::count_lines;
using bzjira::e2e::demo_dataset;
using bzjira::e2e::demo_mapping;
using bzjira::e2e::run_bzjira;
using bzjira::e2e::TempDir;

TEST_CASE("bzjira --version prints the program name and a semantic version", "[e2e][cli]") {
  const auto r = run_bzjira({"--version"});
  CHECK(r.code == 0);
  CHECK(std::regex_match(r.out, std::regex("bzjira [0-9]+\\.[0-9]+\\.[0-9]+\n")));
  CHECK(r.err.empty());
}

TEST_CASE("bzjira --help lists every command and the exit codes", "[e2e][cli]") {
  const auto r = run_bzjira({"--help"});
  CHECK(r.code == 0);
  for (const char* command : {"sync", "status", "audit", "check", "snapshot"}) {
    CHECK(r.out.find(std::string("  ") + command + " ") != std::string::npos);
  }
  CHECK(r.out.find("--version") != std::string::npos);
  CHECK(r.out.find("Exit codes") != std::string::npos);
}

namespace {

// Help text with its line wrapping undone: runs of white space become one space.
std::string unwrapped(const std::string& text) {
  return std::regex_replace(text, std::regex("\\s+"), " ");
}

}  // namespace

TEST_CASE("bzjira help audit lists every audit option with its default", "[e2e][cli]") {
  auto r = run_bzjira({"help", "audit"});
  r.out = unwrapped(r.out);
  CHECK(r.code == 0);
  for (const char* option : {"--config", "--from-file", "--now", "--since", "--until", "--format",
                             "--output", "--help"}) {
    CHECK(r.out.find(option) != std::string::npos);
  }
  CHECK(r.out.find("(=text)") != std::string::npos);
  CHECK(r.out.find("default: the current time") != std::string::npos);
  CHECK(r.out.find("default: standard output") != std::string::npos);
  // `audit --help` is the same page.
  CHECK(unwrapped(run_bzjira({"audit", "--help"}).out) == r.out);
}

TEST_CASE("bzjira check --help lists its options", "[e2e][cli]") {
  const auto r = run_bzjira({"check", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("--config") != std::string::npos);
  CHECK(r.out.find("--online") != std::string::npos);
}

TEST_CASE("usage errors exit with 2 and one line on stderr", "[e2e][cli]") {
  struct Case {
    const char* what;
    std::vector<std::string> args;
    const char* mentions;
  };
  const std::vector<Case> cases = {
      {"no command", {}, "no command"},
      {"an unknown command", {"frobnicate"}, "frobnicate"},
      {"an unknown global option", {"--colour"}, "--colour"},
      {"an unknown audit option",
       {"audit", "-c", demo_mapping(), "--from-file", demo_dataset(), "--bogus"},
       "--bogus"},
      {"an abbreviated option (no guessing)",
       {"audit", "-c", demo_mapping(), "--from-file", demo_dataset(), "--form", "json"},
       "--form"},
      {"a stray positional argument", {"check", "-c", demo_mapping(), "extra"}, "extra"},
      {"a missing -c", {"check"}, "config"},
      {"-c without its value", {"check", "-c"}, "config"},
      {"help for an unknown command", {"help", "frobnicate"}, "frobnicate"},
      {"an empty -c (an unset shell variable)", {"check", "-c", ""}, "'--config' needs a value"},
      {"-c followed by another option", {"sync", "-c", "--dry-run"}, "'--config' needs a value"},
      {"an empty --metrics-file",
       {"sync", "-c", demo_mapping(), "--metrics-file", ""},
       "'--metrics-file' needs a value"},
      {"a value for a switch", {"check", "-c", demo_mapping(), "--online=yes"}, "--online"},
      {"an unknown --log-level",
       {"check", "-c", demo_mapping(), "--log-level", "loud"},
       "--log-level"},
      {"a bad --now",
       {"audit", "-c", demo_mapping(), "--from-file", demo_dataset(), "--now", "2026-11-26 noon"},
       "--now"},
      {"a --now with month 13",
       {"audit", "-c", demo_mapping(), "--from-file", demo_dataset(), "--now",
        "2026-13-01T00:00:00Z"},
       "--now"},
      {"a bad --since",
       {"audit", "-c", demo_mapping(), "--from-file", demo_dataset(), "--since", "2026-13-45"},
       "--since"},
      {"a bad --until",
       {"audit", "-c", demo_mapping(), "--from-file", demo_dataset(), "--until", "yesterday"},
       "--until"},
      {"--until before --since",
       {"audit", "-c", demo_mapping(), "--from-file", demo_dataset(), "--since", "2026-11-10",
        "--until", "2026-11-01"},
       "--until"},
      {"an unknown --format",
       {"audit", "-c", demo_mapping(), "--from-file", demo_dataset(), "--format", "yaml"},
       "yaml"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const auto r = run_bzjira(c.args);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find(c.mentions) != std::string::npos);
  }
}

TEST_CASE("commands that read a live service name the missing secret and exit with 2",
          "[e2e][cli]") {
  for (const char* command : {"sync", "status", "snapshot", "audit"}) {
    INFO(command);
    std::vector<std::string> args = {"-u",
                                     "BZJIRA_BUGZILLA_API_KEY",
                                     "-u",
                                     "BZJIRA_BUGZILLA_API_KEY_FILE",
                                     bzjira::test_support::binary_dir() + "/bzjira",
                                     command,
                                     "-c",
                                     demo_mapping()};
    if (std::string(command) == "snapshot") {
      args.insert(args.end(), {"-o", "/nonexistent/snapshot.json"});
    }
    const auto r = bzjira::e2e::run_program("env", args);
    CHECK(r.code == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("BZJIRA_BUGZILLA_API_KEY") != std::string::npos);
  }
}

TEST_CASE("every command's help lists its options with defaults, logging included", "[e2e][cli]") {
  for (const char* command : {"sync", "status", "audit", "check", "snapshot"}) {
    INFO(command);
    const auto r = run_bzjira({"help", command});
    CHECK(r.code == 0);
    CHECK(r.out.find("--log-format") != std::string::npos);
    CHECK(r.out.find("(=text)") != std::string::npos);
    CHECK(r.out.find("--log-level") != std::string::npos);
    CHECK(r.out.find("(=info)") != std::string::npos);
  }
  const auto sync = run_bzjira({"help", "sync"});
  for (const char* option : {"--dry-run", "--now", "--state", "--metrics-file"}) {
    CHECK(sync.out.find(option) != std::string::npos);
  }
}

TEST_CASE("check accepts the demo mapping and summarises it", "[e2e][cli][config]") {
  const auto r = run_bzjira({"check", "-c", demo_mapping()});
  CHECK(r.code == 0);
  // mappings/demo.json: name example-ca-demo, three CA accounts, Europe/Berlin.
  CHECK(r.out == "mapping OK: example-ca-demo (3 CA accounts, zone Europe/Berlin)\n");
  CHECK(r.err.empty());
}

TEST_CASE("check prints every problem of a broken mapping and exits with 2", "[e2e][cli][config]") {
  TempDir dir;
  const auto path = dir.file("broken.json", R"({
    "name": "broken",
    "colour": "blue",
    "bugzilla": {"url": "http://127.0.0.1:8080", "ca_accounts": ["ca@example.test"]},
    "policy": {"time_zone": "Mars/Olympus_Mons", "response_days": 0}
  })");
  const auto r = run_bzjira({"check", "-c", path});
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("colour") != std::string::npos);
  CHECK(r.err.find("$.policy.time_zone") != std::string::npos);
  CHECK(r.err.find("$.policy.response_days") != std::string::npos);
  CHECK(r.err.find(path) != std::string::npos);
}

TEST_CASE("a missing mapping file is a configuration error naming the file", "[e2e][cli]") {
  TempDir dir;
  const auto missing = (dir.path() / "no-such-mapping.json").string();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"check", "-c", missing},
        std::vector<std::string>{"audit", "-c", missing, "--from-file", demo_dataset()}}) {
    const auto r = run_bzjira(args);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(missing) != std::string::npos);
  }
}

TEST_CASE("a missing or invalid dataset stops the audit with exit 2", "[e2e][cli]") {
  TempDir dir;
  const auto missing = (dir.path() / "no-such-dataset.json").string();
  const auto not_json = dir.file("not-json.json", "{\"bugs\": [ this is not JSON");
  const auto no_bugs = dir.file("no-bugs.json", "{\"comments\": {}}");
  for (const auto& path : {missing, not_json, no_bugs}) {
    INFO(path);
    const auto r = run_bzjira({"audit", "-c", demo_mapping(), "--from-file", path});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(path) != std::string::npos);
  }
}

TEST_CASE("every option of every command's help names its default or says it is required",
          "[e2e][cli]") {
  for (const char* command : {"sync", "status", "audit", "check", "snapshot"}) {
    const auto r = run_bzjira({command, "--help"});
    REQUIRE(r.code == 0);
    // The option table: from "Options of" to the blank line; an entry starts with "  -".
    const auto table = r.out.substr(r.out.find("Options of"));
    std::istringstream lines(table.substr(0, table.find("\n\n")));
    std::vector<std::string> entries;
    std::string line;
    std::getline(lines, line);  // the title
    while (std::getline(lines, line)) {
      if (line.rfind("  -", 0) == 0) {
        entries.push_back(line);
      } else if (!entries.empty()) {
        entries.back() += " " + line;
      }
    }
    CHECK(entries.size() >= 4);  // -c, --help and the two log options at least
    for (const auto& entry : entries) {
      INFO(command << ": " << entry);
      const bool is_help = entry.find("--help") != std::string::npos;
      const bool documented = entry.find("(=") != std::string::npos ||
                              entry.find("default") != std::string::npos ||
                              entry.find("required") != std::string::npos;
      CHECK((is_help || documented));
    }
  }
}

TEST_CASE("bzjira help help shows the global help", "[e2e][cli]") {
  const auto r = run_bzjira({"help", "help"});
  CHECK(r.code == 0);
  CHECK(r.out == run_bzjira({"--help"}).out);
}
