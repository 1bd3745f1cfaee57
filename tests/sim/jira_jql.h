// The JQL subset the Jira simulator understands: project, labels, status, statusCategory,
// resolution, key/issuekey, id, created, updated, resolutiondate, duedate and summary (~) with =,
// !=, IN, NOT IN, IS [NOT] EMPTY, date comparisons (literals, "-1d"-style periods, now(),
// startOfDay(), endOfDay()), AND, OR, NOT, parentheses, ORDER BY. Anything else is an error with
// Jira's wording. Internal to tests/sim.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/sim/jira_service.h"

namespace bzjira::sim::jirasim {

// What a query can ask about an issue.
struct JqlFacts {
  long id = 0;
  long number = 0;
  std::string key;
  std::string project;
  std::string summary;
  std::string status;    // "To Do", "In Progress", "Done"
  std::string category;  // "new", "indeterminate", "done"
  std::string resolution;
  std::vector<std::string> labels;
  WallTime created{};
  WallTime updated{};
  std::optional<WallTime> resolved;
  std::optional<std::string> duedate;
};

class JqlQuery {
 public:
  // The parsed query, or Jira's error message for it (for a 400 errorMessages entry).
  static std::pair<std::unique_ptr<JqlQuery>, std::string> parse(const std::string& text);

  bool bounded() const;  // has a search restriction (not only ORDER BY)
  bool matches(const JqlFacts& issue, WallTime now) const;
  // Strict weak order of the ORDER BY clause (default: created DESC), ties broken by id.
  bool before(const JqlFacts& a, const JqlFacts& b) const;

  struct Value {
    enum class Kind { text, function, empty } kind = Kind::text;
    std::string text;
    std::string argument;  // startOfDay("+1d"): the offset, "" when none
  };
  struct Node {
    enum class Kind { all, any, negate, clause } kind = Kind::clause;
    std::vector<int> children;
    std::string field;  // lower case, aliases resolved
    std::string op;  // "=", "!=", "<", ">", "<=", ">=", "~", "!~", "in", "not in", "is", "is not"
    std::vector<Value> values;
  };
  std::vector<Node> nodes;  // nodes[root] is the top; children index into this vector
  int root = -1;
  std::vector<std::pair<std::string, bool>> order;  // field, ascending
};

}  // namespace bzjira::sim::jirasim
