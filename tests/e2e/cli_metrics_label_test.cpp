// `bzjira sync --metrics-file` for several mappings on one host: every sample carries its mapping's
// name, so two files in one textfile directory never export the same series; and the samples and
// alert rules deploy/README.md shows are real (issue 6).
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/e2e/sim_fixture.h"
#include "tests/support/paths.h"

using bzjira::e2e::k_demo_now;
using bzjira::e2e::promtool_missing;
using bzjira::e2e::read_file;
using bzjira::e2e::run_program;
using bzjira::e2e::shell_quote;
using bzjira::e2e::Sim;
using nlohmann::json;

namespace {

std::vector<std::string> sample_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.front() != '#') {
      lines.push_back(line);
    }
  }
  return lines;
}

// "name{labels}" of a sample line: the series it belongs to.
std::string series(const std::string& line) { return line.substr(0, line.rfind(' ')); }

// The body of the first fenced block of deploy/README.md's metrics section opened by `fence`.
std::string readme_block(const std::string& fence) {
  const std::string text = read_file(bzjira::test_support::source_dir() + "/deploy/README.md");
  const auto section = text.find("## Metrics for Prometheus");
  REQUIRE(section != std::string::npos);
  const auto open = text.find("\n" + fence + "\n", section);
  REQUIRE(open != std::string::npos);
  const auto body = open + fence.size() + 2;
  const auto close = text.find("\n```\n", body);
  REQUIRE(close != std::string::npos);
  return text.substr(body, close - body + 1);
}

}  // namespace

TEST_CASE("two mappings' metrics files in one directory share no series", "[e2e][sync]") {
  REQUIRE(promtool_missing() == "");
  Sim sim;
  const auto dir = sim.dir().path() / "textfile";
  std::filesystem::create_directories(dir);
  const std::vector<std::string> names = {"example-ca-demo", "second-ca"};
  std::vector<std::set<std::string>> seen;
  for (const auto& name : names) {
    INFO(name);
    const auto mapping = sim.mapping([&](json& m) { m["name"] = name; }, name + ".json");
    const auto metrics = (dir / ("bzjira-" + name + ".prom")).string();
    const auto r = bzjira::e2e::run_bzjira_env(
        bzjira::e2e::k_demo_env,
        {"sync", "-c", mapping, "--now", k_demo_now, "--state",
         (sim.dir().path() / (name + ".db")).string(), "--metrics-file", metrics});
    REQUIRE(r.code == 0);
    const auto checked =
        run_program("sh", {"-c", "promtool check metrics < " + shell_quote(metrics)});
    INFO(checked.out << checked.err);
    CHECK(checked.code == 0);
    const std::string text = read_file(metrics);
    INFO(text);
    std::set<std::string> series_of_file;
    const auto lines = sample_lines(text);
    CHECK(lines.size() > 10);
    for (const auto& line : lines) {
      INFO(line);
      // The mapping label comes first, with the mapping's own name.
      CHECK(line.find("{mapping=\"" + name + "\"") == line.find('{'));
      CHECK(line.find('{') != std::string::npos);
      series_of_file.insert(series(line));
    }
    seen.push_back(series_of_file);
  }
  for (const auto& s : seen[0]) {
    INFO(s);
    CHECK(seen[1].count(s) == 0);
  }
}

TEST_CASE("the metric samples deploy/README.md shows are those of the demo's first run",
          "[e2e][sync]") {
  Sim sim;
  const auto metrics = (sim.dir().path() / "bzjira.prom").string();
  REQUIRE(sim.sync(sim.mapping(), k_demo_now, {"--metrics-file", metrics}).code == 0);
  const std::string text = read_file(metrics);
  const auto shown = sample_lines(readme_block("```"));
  REQUIRE(shown.size() >= 3);
  for (const auto& line : shown) {
    INFO(line << "\nnot in:\n" << text);
    CHECK(text.find("\n" + line + "\n") != std::string::npos);
  }
}

TEST_CASE("the alert rules deploy/README.md suggests pass promtool check rules", "[e2e][sync]") {
  REQUIRE(promtool_missing() == "");
  bzjira::e2e::TempDir dir;
  const auto rules = dir.file("bzjira-rules.yml", readme_block("```yaml"));
  const auto checked = run_program("promtool", {"check", "rules", rules});
  INFO(read_file(rules) << checked.out << checked.err);
  CHECK(checked.code == 0);
}
