// The mapping loader (adapters/config/mapping_loader.h) on untrusted file contents: every problem
// must be reported as a line, never as a crash or an exception.
#include <string>

#include "adapters/config/mapping_loader.h"
#include "tests/fuzz/fuzz_check.h"

using bzjira::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = bzjira::fuzz::as_string(data, size);
  const std::string source = "fuzz.json";
  const auto loaded = bzjira::adapters::config::load_mapping_text(text, source);
  require(loaded.mapping.has_value() == loaded.problems.empty(),
          "a mapping is set exactly when there is no problem");
  for (const std::string& problem : loaded.problems) {
    // "<file>: <json path like $.jira.project>: <message>".
    require(problem.rfind(source + ": $", 0) == 0, "problem lines start with file and JSON path");
  }
  if (loaded.mapping) {
    require(loaded.mapping->source_path == source, "the mapping remembers its source");
  }
  return 0;
}
