// Loads and validates one project's mapping (sync::Mapping) from its JSON file, reporting every
// problem at once with file and JSON path (mappings/README.md is the field reference).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sync/mapping.h"

namespace bzjira::adapters::config {

struct LoadResult {
  std::optional<sync::Mapping> mapping;  // set exactly when `problems` is empty
  // "<file>: <json path like $.jira.project>: <message>", in the order found.
  std::vector<std::string> problems;
};

// Reads the file (at most 1 MiB) and validates it; mapping.source_path is `path`. A file that
// cannot be read is one problem at "$". Never throws. The time zone is checked against the system
// tzdata. The "jira" section may be left out for audit-only mappings (Jira settings keep their
// defaults and no Jira problem is reported); when present it is validated in full. Secrets are not
// read here: the mapping only names the environment variables that hold them.
LoadResult load_mapping_file(const std::string& path);

// Same, from text; `source_name` starts every problem line and becomes mapping.source_path.
LoadResult load_mapping_text(const std::string& text, const std::string& source_name);

}  // namespace bzjira::adapters::config
