// The `bzjira` command line: global options, the command table, help, and exit codes. main() is a
// single call to run(); everything else is testable in-process through the Io overload.
#pragma once

#include <string>
#include <vector>

#include "adapters/cli/command.h"

namespace bzjira::adapters::cli {

// Runs `bzjira <args...>` with std::cout, std::cerr and the system clock. Returns the exit code
// (0 ok, 1 some actions rejected, 2 usage or configuration, 3 a system unreachable or the
// mapping's state locked by another run, 4 internal).
// Never throws: an unexpected exception becomes a one-line message on stderr and exit code 4.
int run(int argc, char** argv);

// The same with explicit streams and clock; `args` excludes the program name.
int run(const std::vector<std::string>& args, Io& io);

// Runs another command line from within a command (`bzjira init` ends with `check --online` and
// `sync --dry-run` on the mapping it wrote): as run(), but exceptions are left to the outer run().
int run_nested(const std::vector<std::string>& args, Io& io);

// Every command bzjira knows, in the order `bzjira --help` lists them (available or not).
const std::vector<Command>& commands();

}  // namespace bzjira::adapters::cli
