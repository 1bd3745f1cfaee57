// What every bzjira command shares: exit codes, the streams and clock it runs with, its entry in
// the command table, and the helpers that print errors the same way everywhere.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "sync/exit_code.h"
#include "sync/time.h"

// Only references to these cross the command interface; the files that define options or read
// them include <boost/program_options.hpp> (a heavy header) themselves.
namespace boost::program_options {
class options_description;
class variables_map;
}  // namespace boost::program_options

namespace bzjira::adapters::cli {

namespace po = boost::program_options;

// Exit codes: the one table in sync/exit_code.h.
using sync::k_exit_internal;
using sync::k_exit_locked;
using sync::k_exit_ok;
using sync::k_exit_rejected;
using sync::k_exit_unreachable;
using sync::k_exit_usage;

// Where a command writes and what time it is. Production: std::cout, std::cerr, the system clock;
// tests pass string streams and a fixed clock.
struct Io {
  std::ostream& out;
  std::ostream& err;
  std::function<sync::Instant()> clock;
  // Set by the dispatcher from --log-format json: every line on `err` is then one JSON object.
  bool json_log = false;
  // Set by run(argc, argv) when stderr is a terminal: long commands then show their progress.
  bool err_is_terminal = false;
  // Secrets the command has read (register them with add_secret): redacted from every line.
  std::vector<std::string> secrets{};
};

// The real clock, truncated to seconds (Bugzilla's precision). Only adapters/ may read it.
sync::Instant system_now();

// One entry of the command table. A command that is not available yet keeps its name, summary and
// usage so `bzjira --help` shows the whole product; running it prints that it is not available.
struct Command {
  std::string name;     // "audit"
  std::string summary;  // one line for `bzjira --help`
  std::string usage;    // after "bzjira ": "audit -c MAPPING --from-file DATASET [options]"
  std::string details;  // a paragraph shown by `bzjira help <command>`; may be empty
  // Adds the command's options (the dispatcher adds -h/--help). Empty for unavailable commands.
  std::function<void(po::options_description&)> add_options;
  // Runs with the parsed options and returns the exit code. Empty = not available in this build.
  std::function<int(const po::variables_map&, Io&)> run;
};

// The commands implemented in their own files.
Command init_command();
Command sync_command();
Command status_command();
Command audit_command();
Command check_command();
Command snapshot_command();

// --log-format and --log-level, which the dispatcher adds to every command.
void add_log_options(po::options_description& desc);

// (Re)starts the process-wide log (adapters/log) on io.err with the command's --log-format and
// --log-level; `run_id` and `mapping_name` are stamped on every JSON line. Never throws.
void start_logging(Io& io, const po::variables_map& vm, const std::string& run_id,
                   const std::string& mapping_name);

// False for a --log-level value that is not one of the names add_log_options lists.
bool is_log_level(const std::string& name);

// Back to the default log on the process's stderr (the streams of `io` may not outlive the call).
void stop_logging();

// Registers a secret read from the environment: it is redacted from every diagnostic and log line.
void add_secret(Io& io, const std::string& secret);

enum class Severity { info, warning, error };

// One diagnostic line on io.err: `line` as it is, or with --log-format json a JSON object whose
// "event" is `event` and "message" is `line` (secrets redacted in both formats).
void diagnostic(Io& io, Severity severity, const std::string& event, const std::string& line);

// The helpers below write through diagnostic(), so they follow --log-format.
// Prints "bzjira <command>: <message> (see 'bzjira help <command>')" on stderr and returns
// k_exit_usage. `command` may be empty for errors before a command was chosen.
int usage_error(Io& io, const std::string& command, const std::string& message);

// Prints "bzjira <command>: <message>" on stderr and returns `code`.
int fail(Io& io, const std::string& command, const std::string& message, int code);

// Prints "bzjira <command>: warning: <message>" on stderr.
void warn(Io& io, const std::string& command, const std::string& message);

}  // namespace bzjira::adapters::cli
