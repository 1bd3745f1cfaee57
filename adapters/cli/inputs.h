// Reading a command's inputs the same way in every command: the mapping (every problem printed),
// text files, and the --now / --since / --until values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/cli/command.h"
#include "sync/mapping.h"
#include "sync/model.h"
#include "sync/result.h"
#include "sync/time.h"

namespace bzjira::adapters::cli {

// Loads and validates the mapping at `path`. On problems prints each one on stderr (already
// formatted "<file>: <$.json.path>: <message>") and returns nullopt: the caller exits with 2.
std::optional<sync::Mapping> load_mapping(Io& io, const std::string& command,
                                          const std::string& path);

// The bugs of a dataset file (docs/dataset-format.md, as `bzjira snapshot` writes it). Unreadable
// or invalid: printed, nullopt (exit 2). A bad bug, comment or history is a warning and is skipped.
std::optional<std::vector<sync::BugRecord>> load_dataset(Io& io, const std::string& command,
                                                         const std::string& path);

// The bugs of a dataset file as load_dataset reads them, handed to `take` one by one as the file
// is read (bugzilla::stream_dataset: two passes, one bug's comments held at once). Unreadable or
// invalid: printed, false (exit 2), and the records taken so far are to be dropped. Problems are
// warnings, printed after the last record was taken.
bool stream_dataset(Io& io, const std::string& command, const std::string& path,
                    const bugzilla::RecordTake& take);

// The whole file. Errors: not_found when it does not exist, config when it cannot be read or is
// larger than `max_bytes`; the message names the file and the system's reason.
sync::Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes);

// --now: an RFC 3339 instant, or the clock when the option is absent. Errors: config, with a
// message naming the option and the expected form.
sync::Result<sync::Instant> now_option(const po::variables_map& vm, const Io& io);

// --since / --until: "YYYY-MM-DD", nullopt when absent. Errors: config, naming the option.
sync::Result<std::optional<sync::Date>> date_option(const po::variables_map& vm,
                                                    const std::string& name);

}  // namespace bzjira::adapters::cli
