// Issue 7 item 7: a corpus of broken mappings (tests/reliability/data/bad_mappings.json) through
// the real commands. Each must give its own message, "<file>: <JSON path>: <message>" as
// mappings/README.md describes, exit 2, and send no request anywhere: the mappings point at
// running simulators whose request counters must stay at zero.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/reliability/world.h"

namespace bzjira::reliability {
namespace {

constexpr const char* k_now = "2026-10-05T12:00:00Z";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The file's text for one case: the world's valid mapping changed as the case says.
std::string broken_text(const Json& c, const World& world) {
  if (c.contains("raw")) {
    return replace_all(replace_all(c["raw"].get<std::string>(), "@BUGZILLA@", world.bugzilla_url()),
                       "@JIRA@", world.jira_url());
  }
  Json m = world.mapping();
  m["policy"] = Json::object();  // present so that pointers below it resolve
  const Json set = c.value("set", Json::object());
  for (const auto& [pointer, value] : set.items()) {
    m[Json::json_pointer(pointer)] = value;
  }
  const Json remove = c.value("remove", Json::array());
  for (const Json& pointer : remove) {
    const Json::json_pointer p(pointer.get<std::string>());
    m[p.parent_pointer()].erase(p.back());
  }
  return m.dump(2);
}

}  // namespace

TEST_CASE("issue 7: every broken mapping is refused with its message, exit 2 and no request",
          "[e2e][config]") {
  World world(world_options(data_file("two_bugs.json"), k_now));
  const Json corpus = Json::parse(read_file(data_file("bad_mappings.json")));
  REQUIRE(corpus["cases"].size() >= 30);
  TempDir dir("bad-config");
  int runs = 0;
  for (const Json& c : corpus["cases"]) {
    const std::string name = c["name"].get<std::string>();
    const std::string file = dir.file(name + ".json");
    write_file(file, broken_text(c, world));
    const std::string state = dir.file(name + ".db");
    const std::string expected =
        file + ": " + c["path"].get<std::string>() + ": ";  // then the message
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"sync", "-c", file, "--state", state, "--now", k_now},
          std::vector<std::string>{"sync", "-c", file, "--state", state, "--dry-run"},
          std::vector<std::string>{"check", "-c", file},
          std::vector<std::string>{"check", "-c", file, "--online"}}) {
      const RunResult r = world.bzjira(args);
      ++runs;
      INFO(name << ": bzjira " << args[0] << (args.size() > 5 ? " " + args[5] : "") << "\n"
                << r.out << r.err);
      CHECK(r.code == 2);
      // The problem's own line: file, JSON path, then the specific message.
      bool found = false;
      std::size_t at = r.err.find(expected);
      while (at != std::string::npos && !found) {
        const std::size_t end = r.err.find('\n', at);
        found = contains(r.err.substr(at, end - at), c["message"].get<std::string>());
        at = r.err.find(expected, at + 1);
      }
      CHECK(found);
      CHECK_FALSE(std::filesystem::exists(state));
    }
  }
  // Not one request reached either simulator over the whole corpus.
  CHECK(world.requests() == 0);
  WARN("bad configuration: " << corpus["cases"].size() << " broken mappings, " << runs
                             << " command runs");
}

TEST_CASE("issue 7: a missing file, a huge file or a missing secret is refused without a request",
          "[e2e][config]") {
  World world(world_options(data_file("two_bugs.json"), k_now));
  TempDir dir("bad-config");
  const std::string missing = dir.file("no-such-mapping.json");
  RunResult r = world.bzjira({"sync", "-c", missing, "--state", dir.file("s.db"), "--now", k_now});
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(contains(r.err, missing));

  // Over 1 MiB (README: "At most 1 MiB"), even if it were valid JSON.
  Json big = world.mapping();
  big["$comment"] = std::string(1100000, 'x');
  write_file(dir.file("huge.json"), big.dump());
  r = world.bzjira({"check", "-c", dir.file("huge.json")});
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(contains(r.err, dir.file("huge.json")));

  // A valid mapping without its secrets: the variable is named, no request is sent.
  world.env().erase("BZJIRA_BUGZILLA_API_KEY");
  r = world.sync(k_now);
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(contains(r.err, "BZJIRA_BUGZILLA_API_KEY"));
  world.env()["BZJIRA_BUGZILLA_API_KEY"] = k_ca_key;
  world.env().erase("BZJIRA_JIRA_TOKEN");
  r = world.sync(k_now);
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(contains(r.err, "BZJIRA_JIRA_TOKEN"));
  CHECK(world.requests() == 0);
  CHECK_FALSE(std::filesystem::exists(world.state_path()));
}

}  // namespace bzjira::reliability
