// Secrets (API keys, tokens) come only from the environment: $NAME, or the file named by
// $NAME_FILE (Kubernetes and systemd credentials). Nothing here ever puts a secret in a message.
#pragma once

#include <string>

#include "sync/result.h"

namespace bzjira::adapters::config {

// The value of $env_name when set and non-empty; otherwise the contents of the file named by
// $<env_name>_FILE with trailing newlines (and carriage returns) removed.
// Errors (ErrorKind::config, messages name variables and paths only, never the value):
//   "environment variable NAME (or NAME_FILE) is not set" when neither is set (or both are empty);
//   the file cannot be read, is larger than 64 KiB, or is empty after stripping;
//   `env_name` is empty or not a valid variable name.
sync::Result<std::string> read_secret(const std::string& env_name);

}  // namespace bzjira::adapters::config
