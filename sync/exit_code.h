// The exit codes of every bzjira command, in one table (README.md "Exit codes"). The run
// (sync/run.h) and the command line (adapters/cli) both use these names.
#pragma once

#include <utility>

#include "sync/result.h"

namespace bzjira::sync {

inline constexpr int k_exit_ok = 0;
// Some actions were rejected by a service; the run did everything else.
inline constexpr int k_exit_rejected = 1;
// A bad command line, mapping or input file, or a refused credential or untrusted certificate:
// nothing that fixes itself by the next run.
inline constexpr int k_exit_usage = 2;
// A system could not be reached (transient): try again later.
inline constexpr int k_exit_unreachable = 3;
// A bug in bzjira, or a state store that failed.
inline constexpr int k_exit_internal = 4;
// Another run of the same mapping holds the state's lock: "try again later", like a system that
// cannot be reached; nothing was touched.
inline constexpr int k_exit_locked = k_exit_unreachable;

// A step of a run that failed: why, and whose fault it was (the exit code it ends the run with).
struct StepFailure {
  int exit_code = k_exit_internal;
  Error error;
};
template <typename T>
using StepResult = Result<T, StepFailure>;

inline StepFailure read_failure(Error error) { return {k_exit_unreachable, std::move(error)}; }
inline StepFailure store_failure(Error error) { return {k_exit_internal, std::move(error)}; }

}  // namespace bzjira::sync
