// Filesystem helpers shared by the store and the run lock: private parent directories for the state
// files. Internal to adapters/store.
#pragma once

#include <string>

#include "sync/result.h"

namespace bzjira::adapters::store {

// Creates every missing directory above `file_path` with mode 0700 (minus the umask); existing
// directories are left as they are. Not an error if all of them exist or `file_path` has no
// directory part. Errors: ErrorKind::config naming the directory (not creatable, or a non-directory
// in the way). Never throws.
sync::Status make_private_parent_dirs(const std::string& file_path);

}  // namespace bzjira::adapters::store
