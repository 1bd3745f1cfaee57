// Checked reading of a JSON configuration document: every problem is collected (with the file and
// a JSON path) instead of stopping at the first, unknown keys are reported with the closest known
// key, and duplicate keys are caught while parsing. Used by the mapping loader.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace bzjira::adapters::config {

// Problem lines formatted "<source>: <json path>: <message>".
class Problems {
 public:
  explicit Problems(std::string source) : m_source(std::move(source)) {}
  void add(const std::string& path, const std::string& message);
  bool empty() const { return m_lines.empty(); }
  const std::vector<std::string>& lines() const { return m_lines; }

 private:
  std::string m_source;
  std::vector<std::string> m_lines;
};

// "$.jira" + "project" -> "$.jira.project"; keys that are not plain names use "$['a key']".
std::string child_path(const std::string& parent, const std::string& key);

// Parses `text`; on invalid JSON adds one problem at "$" (with line and column) and returns
// nullopt. Duplicate keys in an object are problems too (JSON keeps only the last one silently).
std::optional<nlohmann::json> parse_document(const std::string& text, Problems& problems);

// "a string", "number 1.5", "null": how a value is named in "expected ..., got ..." messages.
// String contents are never quoted here (the value could be a misplaced secret).
std::string describe_value(const nlohmann::json& value);

// Reads the members of one JSON object by name. Each accessor marks its key as known; a missing or
// badly typed value leaves `out` at its default and (when it matters) records a problem. finish()
// reports every member that no accessor asked for, except "$comment" (free-form documentation).
class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& object, std::string path, Problems& problems)
      : m_object(object), m_path(std::move(path)), m_problems(problems) {}

  const std::string& path() const { return m_path; }
  std::string path_of(const std::string& key) const { return child_path(m_path, key); }
  void problem(const std::string& key, const std::string& message) {
    m_problems.add(path_of(key), message);
  }
  // A problem with element `index` of the array member `key` ("$.jira.labels[2]").
  void item_problem(const std::string& key, std::size_t index, const std::string& message) {
    m_problems.add(path_of(key) + "[" + std::to_string(index) + "]", message);
  }

  // Each returns true when the key was present with the right type and `out` was set.
  bool text(const char* key, std::string& out, bool required = false);
  bool boolean(const char* key, bool& out);
  bool integer(const char* key, int& out, int min, int max);
  bool strings(const char* key, std::vector<std::string>& out, bool required = false);

  // One of a fixed set of strings, mapped to a value.
  template <typename E>
  bool choice(const char* key, E& out, const std::vector<std::pair<std::string, E>>& options) {
    std::string s;
    if (!text(key, s)) {
      return false;
    }
    std::string names;
    for (const auto& [name, value] : options) {
      if (name == s) {
        out = value;
        return true;
      }
      names += (names.empty() ? "\"" : ", \"") + name + "\"";
    }
    problem(key, "must be one of " + names + "; got \"" + shorten(s) + "\"");
    return false;
  }

  // A nested object; nullptr when absent (a problem when required) or not an object (a problem).
  const nlohmann::json* object(const char* key, bool required = false);

  void finish();

 private:
  // The member, or nullptr when absent (a problem when required). Marks the key as known.
  const nlohmann::json* find(const char* key, bool required);
  void wrong_type(const char* key, const char* expected, const nlohmann::json& got);
  static std::string shorten(const std::string& s);

  const nlohmann::json& m_object;
  std::string m_path;
  Problems& m_problems;
  std::set<std::string> m_known;
};

}  // namespace bzjira::adapters::config
