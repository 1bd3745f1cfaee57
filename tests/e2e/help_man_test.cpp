// The manual pages and completion words the binary renders from its --help text (issue 16, point
// 6): every page formats without a warning from man(1), and says what `bzjira help <command>` says.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "tests/e2e/cli_run.h"

using bzjira::e2e::run_bzjira;
using bzjira::e2e::run_program;
using bzjira::e2e::TempDir;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    out.push_back(line);
  }
  return out;
}

// The command names `bzjira help --complete` lists before "help".
std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const std::string& line : lines_of(run_bzjira({"help", "--complete"}).out)) {
    if (line == "help") {
      break;
    }
    names.push_back(line);
  }
  return names;
}

bool have_man() { return std::system("command -v man >/dev/null 2>&1") == 0; }

std::string collapsed(const std::string& text) {
  return std::regex_replace(text, std::regex("\\s+"), " ");
}

}  // namespace

TEST_CASE("help --complete names the commands of bzjira --help", "[e2e][cli][man]") {
  const auto names = command_names();
  CHECK(names == std::vector<std::string>{"init", "sync", "status", "audit", "check", "snapshot"});
  const auto help = run_bzjira({"--help"}).out;
  for (const auto& name : names) {
    CHECK(help.find("  " + name + " ") != std::string::npos);
  }
  const auto sync = run_bzjira({"help", "--complete", "sync"});
  CHECK(sync.code == 0);
  CHECK(sync.out.find("--config -c\tMAPPING\n") != std::string::npos);
  CHECK(sync.out.find("--dry-run\t\n") != std::string::npos);
  CHECK(sync.out.find("--log-level\tLEVEL\n") != std::string::npos);
  const auto unknown = run_bzjira({"help", "--man", "frobnicate"});
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("unknown command 'frobnicate'") != std::string::npos);
}

TEST_CASE("every manual page formats cleanly and says what the command's help says",
          "[e2e][cli][man]") {
  REQUIRE(have_man());  // Debian package man-db (deploy/install-deps.sh --test)
  TempDir dir;
  std::vector<std::string> pages = {""};
  for (const auto& name : command_names()) {
    pages.push_back(name);
  }
  for (const auto& command : pages) {
    INFO("bzjira help --man " << command);
    const auto roff =
        command.empty() ? run_bzjira({"help", "--man"}) : run_bzjira({"help", "--man", command});
    REQUIRE(roff.code == 0);
    const std::string page = dir.file("page.1", roff.out);
    // man(1) with warnings: roff mistakes (an unescaped line starting with '.', a bad escape)
    // come out on stderr.
    const auto checked = run_program(
        "sh", {"-c", "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z " +
                         bzjira::e2e::shell_quote(page) + " >/dev/null"});
    CHECK(checked.code == 0);
    CHECK(checked.err.empty());
    const auto shown = run_program("sh", {"-c", "LC_ALL=C.UTF-8 MANWIDTH=300 man -l " +
                                                    bzjira::e2e::shell_quote(page) + " | col -b"});
    REQUIRE(shown.code == 0);
    const std::string text = collapsed(shown.out);
    const std::string name = command.empty() ? "bzjira" : "bzjira-" + command;
    CHECK(text.find("NAME " + name + " - ") != std::string::npos);
    if (command.empty()) {
      CHECK(text.find("EXIT STATUS") != std::string::npos);
      CHECK(text.find("BZJIRA_JIRA_TOKEN") != std::string::npos);
      continue;
    }
    // One source: the usage, the details and every option of `bzjira help <command>`.
    const std::string help = run_bzjira({"help", command}).out;
    const std::string usage = help.substr(14, help.find('\n') - 14);  // after "Usage: bzjira "
    CHECK(text.find("bzjira " + usage) != std::string::npos);
    const auto help_lines = lines_of(help);
    REQUIRE(help_lines.size() > 4);
    CHECK(text.find(collapsed(help_lines[4])) != std::string::npos);  // the details' first line
    for (const std::string& line : lines_of(run_bzjira({"help", "--complete", command}).out)) {
      const std::string option = line.substr(0, line.find_first_of(" \t"));
      CHECK(text.find(option) != std::string::npos);
    }
  }
}
