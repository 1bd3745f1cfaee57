// mappings/README.md against the real loader: every JSON block loads (a fragment merged into the
// README's minimal mapping), every table row's example loads at its key and its documented default
// is the loader's, and every key the loader reads is documented (issue 6).
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/config/mapping_loader.h"
#include "tests/support/paths.h"
#include "tests/support/text.h"

namespace cfg = bzjira::adapters::config;
namespace model = bzjira::sync;
using nlohmann::json;

namespace {

std::string read_source(const std::string& relative) {
  return bzjira::test_support::read_file(bzjira::test_support::source_dir() + "/" + relative);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// The ```json blocks, in order, with the line each starts on (for messages).
std::vector<std::pair<int, std::string>> json_blocks(const std::vector<std::string>& lines) {
  std::vector<std::pair<int, std::string>> blocks;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != "```json") {
      continue;
    }
    std::string body;
    std::size_t j = i + 1;
    for (; j < lines.size() && lines[j] != "```"; ++j) {
      body += lines[j] + "\n";
    }
    blocks.emplace_back(static_cast<int>(i + 1), body);
    i = j;
  }
  return blocks;
}

// The text between the first pair of backticks of `cell`, or "" when there is none.
std::string first_code(const std::string& cell) {
  const auto open = cell.find('`');
  const auto close = open == std::string::npos ? open : cell.find('`', open + 1);
  return close == std::string::npos ? "" : cell.substr(open + 1, close - open - 1);
}

// One row of a key table: the JSON paths it documents ("policy.lead_days"; the http table documents
// two), its cells, and the README line.
struct Row {
  std::vector<std::string> paths;
  std::string key, type, default_cell, example_cell;
  int line = 0;
};

// A "| key | type | default | meaning | example |" table row under a heading naming its section in
// backticks (`bugzilla.scope`), or "Top level". Pipes escaped as \| stay inside their cell.
std::vector<Row> key_rows(const std::vector<std::string>& lines) {
  std::vector<Row> rows;
  std::vector<std::string> prefixes;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.rfind('#', 0) == 0) {
      const std::string section = first_code(line);
      prefixes.clear();
      if (section == "http") {
        prefixes = {"bugzilla.http.", "jira.http."};
      } else if (line == "## Top level") {
        prefixes = {""};
      } else if (!section.empty()) {
        prefixes = {section + "."};
      }
      continue;
    }
    if (line.rfind("| `", 0) != 0 || prefixes.empty()) {
      continue;
    }
    std::vector<std::string> cells(1);
    for (std::size_t c = 1; c < line.size(); ++c) {
      if (line[c] == '|' && line[c - 1] != '\\') {
        cells.emplace_back();
      } else {
        cells.back() += line[c];
      }
    }
    INFO("mappings/README.md line " << i + 1 << ": " << line);
    REQUIRE(cells.size() == 6);  // five cells and what follows the last pipe
    Row row;
    row.key = first_code(cells[0]);
    for (const auto& prefix : prefixes) {
      row.paths.push_back(prefix + row.key);
    }
    row.type = cells[1];
    row.default_cell = cells[2];
    row.example_cell = cells[4];
    row.line = static_cast<int>(i + 1);
    rows.push_back(row);
  }
  return rows;
}

// Sets `value` at a dotted path, creating objects on the way.
void set_path(json& doc, const std::string& path, const json& value) {
  json* at = &doc;
  std::string rest = path;
  for (auto dot = rest.find('.'); dot != std::string::npos; dot = rest.find('.')) {
    at = &(*at)[rest.substr(0, dot)];
    rest = rest.substr(dot + 1);
  }
  (*at)[rest] = value;
}

// Removes the member at a dotted path, if it is there.
void erase_path(json& doc, const std::string& path) {
  json* at = &doc;
  std::string rest = path;
  for (auto dot = rest.find('.'); dot != std::string::npos; dot = rest.find('.')) {
    const auto next = at->find(rest.substr(0, dot));
    if (next == at->end()) {
      return;
    }
    at = &*next;
    rest = rest.substr(dot + 1);
  }
  at->erase(rest);
}

json http_json(const model::HttpSettings& h) {
  return {h.connect_timeout_seconds,
          h.request_timeout_seconds,
          h.max_attempts,
          h.max_retry_seconds,
          h.ca_bundle,
          h.allow_insecure_http,
          h.concurrency};
}

// Every field of a loaded mapping, to compare two loads.
json describe(const model::Mapping& m) {
  const auto& b = m.bugzilla;
  const auto& s = b.scope;
  const auto& j = m.jira;
  const auto& p = m.policy;
  const auto& r = m.replies;
  return {m.name,
          {b.url, b.api_key_env, static_cast<int>(b.auth), b.ca_accounts, b.ignored_accounts,
           http_json(b.http)},
          {s.product, s.component, static_cast<int>(s.status), s.whiteboard, s.summary_prefix,
           s.assignee},
          {j.url, static_cast<int>(j.flavor), j.user_env, j.token_env, j.project, j.issue_type,
           j.labels, j.deadline_field, j.dismissed_resolutions, j.reopen, j.close_transition,
           j.reopen_transition, j.resolution, http_json(j.http)},
          {p.rules, p.response_days, p.update_days, p.revocation_should_days,
           p.revocation_must_days, p.full_report, p.full_report_days, p.time_zone, p.lead_days,
           static_cast<int>(p.one_issue_per), p.copy_private_text, p.closure_account},
          {r.enabled, r.marker, r.clear_needinfo}};
}

std::string joined(const std::vector<std::string>& problems) {
  std::string all;
  for (const auto& p : problems) {
    all += p + "\n";
  }
  return all;
}

// Loads `doc`; the problems are the INFO of a failed REQUIRE.
model::Mapping load_ok(const json& doc, const std::string& what) {
  const auto result = cfg::load_mapping_text(doc.dump(2), "README.json");
  INFO(what << "\n" << doc.dump(2) << "\n" << joined(result.problems));
  REQUIRE(result.problems.empty());
  REQUIRE(result.mapping);
  return *result.mapping;
}

struct Readme {
  std::vector<std::string> lines = lines_of(read_source("mappings/README.md"));
  std::vector<std::pair<int, std::string>> blocks = json_blocks(lines);
  std::vector<Row> rows = key_rows(lines);

  // The first block that is a whole mapping (it has a name): what fragments and rows go into.
  json minimal() const {
    for (const auto& [line, text] : blocks) {
      json doc = json::parse(text, nullptr, false);
      if (doc.is_object() && doc.contains("name")) {
        return doc;
      }
    }
    FAIL("mappings/README.md shows no whole mapping in a ```json block");
    return nullptr;
  }
};

// The keys mapping_loader.cpp reads, by section, from its read_* functions: every
// `r.<accessor>("key"` and `check_...(r, "key"`. read_url reads for both services.
std::set<std::string> loader_keys() {
  const std::string source = read_source("adapters/config/mapping_loader.cpp");
  const std::map<std::string, std::vector<std::string>> sections = {
      {"read_http", {"bugzilla.http.", "jira.http."}},
      {"read_url", {"bugzilla.", "jira."}},
      {"read_scope", {"bugzilla.scope."}},
      {"read_bugzilla", {"bugzilla."}},
      {"read_jira", {"jira."}},
      {"read_policy", {"policy."}},
      {"read_replies", {"replies."}},
      {"read_mapping", {""}}};
  const std::regex function(R"(\n(?:void|bool) (read_[a-z]+)\()");
  const std::regex accessor(
      R"re((?:r\.(?:text|boolean|integer|strings|object|choice<[^>]*>)\(\s*|\(r, )"([a-z_]+)")re");
  std::set<std::string> keys;
  for (auto f = std::sregex_iterator(source.begin(), source.end(), function);
       f != std::sregex_iterator(); ++f) {
    const auto body_start = static_cast<std::size_t>(f->position(0) + f->length(0));
    const auto body_end = source.find("\n}\n", body_start);
    const std::string body = source.substr(body_start, body_end - body_start);
    const auto section = sections.find((*f)[1].str());
    INFO("mapping_loader.cpp has a reader this test does not know: " << (*f)[1].str());
    REQUIRE(section != sections.end());
    for (auto k = std::sregex_iterator(body.begin(), body.end(), accessor);
         k != std::sregex_iterator(); ++k) {
      for (const auto& prefix : section->second) {
        keys.insert(prefix + (*k)[1].str());
      }
    }
  }
  return keys;
}

}  // namespace

TEST_CASE("every JSON block of mappings/README.md loads, fragments inside the minimal mapping",
          "[config]") {
  const Readme readme;
  REQUIRE(readme.blocks.size() >= 2);  // the minimal mapping and the fragments after it
  const json minimal = readme.minimal();
  for (const auto& [line, text] : readme.blocks) {
    const std::string where = "mappings/README.md line " + std::to_string(line);
    const json doc = json::parse(text, nullptr, false);
    INFO(where);
    REQUIRE(doc.is_object());
    if (doc.contains("name")) {
      load_ok(doc, where + " (a whole mapping)");
    } else {
      // Into the README's minimal mapping and into the shipped demo (mappings/demo.json).
      const json demo = json::parse(read_source("mappings/demo.json"));
      for (const json& base : {minimal, demo}) {
        json merged = base;
        merged.merge_patch(doc);
        const model::Mapping m = load_ok(
            merged, where + " (a fragment merged into " + base.at("name").get<std::string>() + ")");
        // A fragment changes something, or it shows nothing.
        CHECK(describe(m) != describe(load_ok(base, "the base mapping")));
      }
    }
  }
}

TEST_CASE("every key documented in mappings/README.md has an example that loads", "[config]") {
  const Readme readme;
  const json minimal = readme.minimal();
  REQUIRE(readme.rows.size() > 40);
  for (const Row& row : readme.rows) {
    INFO("mappings/README.md line " << row.line << ": " << row.key);
    if (row.type.rfind(" object", 0) == 0) {
      continue;  // a section: its keys have their own table
    }
    const std::string example = first_code(row.example_cell);
    REQUIRE_FALSE(example.empty());
    const json value = json::parse(example, nullptr, false);
    REQUIRE_FALSE(value.is_discarded());
    json doc = minimal;
    for (const auto& path : row.paths) {
      set_path(doc, path, value);
    }
    load_ok(doc, "the example of " + row.key);
  }
}

TEST_CASE("every default documented in mappings/README.md is the loader's", "[config]") {
  const Readme readme;
  const json minimal = readme.minimal();
  int checked = 0;
  for (const Row& row : readme.rows) {
    INFO("mappings/README.md line " << row.line << ": " << row.key << " default "
                                    << row.default_cell);
    const bool exempt = row.type.rfind(" object", 0) == 0 ||
                        row.type.find("**required") != std::string::npos || row.key == "$comment";
    if (exempt) {
      continue;
    }
    const json value = json::parse(first_code(row.default_cell), nullptr, false);
    REQUIRE_FALSE(value.is_discarded());
    json with = minimal;
    json without = minimal;
    for (const auto& path : row.paths) {
      set_path(with, path, value);
      erase_path(without, path);
    }
    // Written out, the documented default must give exactly the mapping that leaving it out gives.
    CHECK(describe(load_ok(with, "the default of " + row.key)) ==
          describe(load_ok(without, "the minimal mapping without " + row.key)));
    ++checked;
  }
  CHECK(checked > 35);
}

TEST_CASE("every key the loader reads is documented in mappings/README.md, and only those",
          "[config]") {
  const Readme readme;
  std::set<std::string> documented;
  for (const Row& row : readme.rows) {
    if (row.key != "$comment") {
      documented.insert(row.paths.begin(), row.paths.end());
    }
  }
  const std::set<std::string> read = loader_keys();
  // A scan that finds too few keys proves nothing: the loader reads about 55.
  REQUIRE(read.size() > 50);
  for (const auto& key : read) {
    INFO("read by mapping_loader.cpp, missing from mappings/README.md: " << key);
    CHECK(documented.count(key) == 1);
  }
  for (const auto& key : documented) {
    INFO("documented in mappings/README.md, not read by mapping_loader.cpp: " << key);
    CHECK(read.count(key) == 1);
  }
  // The README says tests/data/mappings/full.json sets every key.
  const json full = json::parse(read_source("tests/data/mappings/full.json"));
  for (const auto& key : read) {
    INFO("not set in tests/data/mappings/full.json: " << key);
    std::string pointer = "/" + key;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    CHECK(full.contains(json::json_pointer(pointer)));
  }
}

TEST_CASE("the messages mappings/README.md quotes are the loader's", "[config]") {
  // Line breaks of the Markdown source do not count.
  const std::string readme =
      std::regex_replace(read_source("mappings/README.md"), std::regex("\\s+"), " ");
  struct Case {
    std::string quote;  // as the README shows it
    std::string mapping;
  };
  const std::string ok_bugzilla =
      R"("bugzilla": {"url": "https://bugzilla.mozilla.org", "ca_accounts": ["a@example.com"]})";
  const std::vector<Case> cases = {
      {"unknown key 'projct' (did you mean 'project'?)",
       R"({"name": "x", )" + ok_bugzilla +
           R"(, "jira": {"url": "https://x.atlassian.net", "project": "AB", "projct": "AB"}})"},
      {"prod.json: $.jira.project: is required",
       R"({"name": "x", )" + ok_bugzilla + R"(, "jira": {"url": "https://x.atlassian.net"}})"},
      {"expected an integer, got a string",
       R"({"name": "x", )" + ok_bugzilla + R"(, "policy": {"response_days": "7"}})"},
  };
  for (const auto& c : cases) {
    INFO(c.quote);
    CHECK(readme.find(c.quote) != std::string::npos);
    const auto result = cfg::load_mapping_text(c.mapping, "prod.json");
    CHECK(joined(result.problems).find(c.quote) != std::string::npos);
  }
}
