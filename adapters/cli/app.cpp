#include "adapters/cli/app.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include <boost/program_options.hpp>

#include "adapters/cli/help.h"
#include "adapters/http/http_client.h"
#include "adapters/http/version.h"
#include "adapters/log/log.h"

namespace bzjira::adapters::cli {

namespace {

// Boost's default minus abbreviations: `--form` must not silently mean `--format` in a crontab.
constexpr int k_parser_style =
    po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

// The HTTP library's I/O threads (http::set_io_threads says why a few are enough).
constexpr std::size_t k_io_threads = 2;

const Command* find_command(const std::string& name) {
  const auto& all = commands();
  const auto it =
      std::find_if(all.begin(), all.end(), [&](const Command& c) { return c.name == name; });
  return it == all.end() ? nullptr : &*it;
}

std::string command_names() {
  std::string names;
  for (const Command& c : commands()) {
    names += (names.empty() ? "" : ", ") + c.name;
  }
  return names;
}

// The program's own help text: the terminal help and the manual pages both print it (help.h).
const ProgramHelp& program_help() {
  static const ProgramHelp k_help = {
      http::k_version,
      "keep a CA's Bugzilla incident obligations on its Jira board",
      "bzjira keeps a Certificate Authority's Bugzilla incident obligations on its Jira board. A\n"
      "scheduled `bzjira sync` reads the CA's incident bugs, computes every obligation of the\n"
      "CCADB Incident Reporting Guidelines (an answer to each comment or question within 7 days,\n"
      "weekly or \"Next update\" updates, needinfo requests) with its deadline, keeps exactly one\n"
      "Jira issue per open obligation due at that deadline, and closes it when the CA's reply\n"
      "lands. `bzjira audit` lists every past response window and whether it was met.\n\n"
      "One mapping (a JSON file) per Jira project says which bugs, which accounts speak for the\n"
      "CA and which Jira project to use; `bzjira init` proposes one from the CA's bugs, with the\n"
      "evidence for each account. Secrets never sit in a mapping: they come from the environment.",
      {{"0", "ok"},
       {"1", "some actions were rejected by Bugzilla or Jira (the others were applied)"},
       {"2",
        "usage or configuration error, including a refused API key or an untrusted "
        "certificate"},
       {"3",
        "Bugzilla or Jira could not be reached, or another run of the mapping holds its "
        "lock (try again later)"},
       {"4", "internal error"}},
      {{"BZJIRA_BUGZILLA_API_KEY",
        "the Bugzilla API key (the variable a mapping's "
        "bugzilla.api_key_env names; this is the default)"},
       {"BZJIRA_JIRA_USER", "the Jira Cloud account's e-mail address (jira.user_env)"},
       {"BZJIRA_JIRA_TOKEN",
        "the Jira Cloud API token or Data Center personal access token "
        "(jira.token_env)"},
       {"NAME_FILE",
        "for each variable above: a file holding the secret, read when NAME is "
        "unset (systemd credentials, Kubernetes secrets)"},
       {"STATE_DIRECTORY",
        "where the state database <name>.db is kept by default (set by "
        "systemd's StateDirectory=); else $XDG_STATE_HOME/bzjira, else "
        "~/.local/state/bzjira"}},
      {{"/etc/bzjira/NAME.json", "the mapping the systemd unit bzjira@NAME.service syncs"},
       {"/etc/bzjira/credentials/NAME.*",
        "its secrets: NAME.bugzilla-api-key, NAME.jira-user, "
        "NAME.jira-token (root only, read by systemd)"},
       {"/var/lib/bzjira/NAME.db", "its state: a cache and the action journal, disposable"},
       {"/usr/share/doc/bzjira/examples/",
        "the demo mapping and dataset, Jira automation "
        "templates"}}};
  return k_help;
}

std::string exit_codes_text() { return text_list("Exit codes", program_help().exit_codes); }

po::options_description global_options() {
  po::options_description desc("Global options");
  desc.add_options()("help,h", "print this help and exit")("version,V",
                                                           "print the version and exit");
  return desc;
}

po::options_description command_options(const Command& command) {
  // 100 columns: the long option names of the log options would squeeze descriptions into a
  // narrow column.
  po::options_description desc("Options of '" + command.name + "'", 100, 50);
  desc.add_options()("help,h", "print this command's help and exit");
  if (command.add_options) {
    command.add_options(desc);
    add_log_options(desc);
  }
  return desc;
}

void print_global_help(std::ostream& out) {
  const ProgramHelp& help = program_help();
  out << "bzjira " << help.version << ": " << help.tagline << ".\n\n"
      << help.description << "\n\n"
      << "Usage: bzjira [--version] [--help] <command> [options]\n"
         "       bzjira help <command>\n\n"
         "Commands:\n";
  for (const Command& c : commands()) {
    out << "  " << std::left << std::setw(10) << c.name << c.summary
        << (c.run ? "" : " (not available in this build yet)") << "\n";
  }
  out << "\n"
      << global_options() << "\n"
      << exit_codes_text() << "\n"
      << text_list("Environment", help.environment) << "\n"
      << text_list("Files (Debian package)", help.files);
}

void print_command_help(const Command& command, std::ostream& out) {
  std::string summary = command.summary;
  if (!summary.empty()) {
    summary.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(summary.front())));
  }
  out << "Usage: bzjira " << command.usage << "\n\n" << summary << ".\n";
  if (!command.details.empty()) {
    out << "\n" << command.details << "\n";
  }
  if (!command.run) {
    out << "\n'" << command.name << "' is not available in this build yet.\n";
    return;
  }
  out << "\n" << command_options(command) << "\n" << exit_codes_text();
}

// An option given an empty value (`-c ""`, an unset shell variable) or another option as its value
// (`-c --dry-run`, a forgotten value): the message would otherwise come later and name a file ''
// or '--dry-run'. Returns the problem, or "" when every value looks like one.
std::string suspicious_value(const po::variables_map& vm, const po::options_description& desc) {
  for (const auto& [name, value] : vm) {
    // Switches (--dry-run) are stored as an empty string too: they take no value to check.
    const po::option_description* option = desc.find_nothrow(name, false);
    if (value.defaulted() || option == nullptr || option->semantic()->max_tokens() == 0) {
      continue;
    }
    const auto* text = boost::any_cast<std::string>(&value.value());
    if (text == nullptr) {
      continue;
    }
    if (text->empty()) {
      return "option '--" + name + "' needs a value, got an empty one";
    }
    if (text->rfind("--", 0) == 0) {
      return "option '--" + name + "' needs a value, got the option '" + *text +
             "' (is the value missing?)";
    }
  }
  return "";
}

int not_available(Io& io, const Command& command) {
  io.err << "bzjira: '" << command.name << "' is not available in this build yet\n";
  return k_exit_usage;
}

// The hidden forms of help for the build and bash completion: `help --man [command]` prints the
// manual page, `help --complete [command]` the completion words (commands, or options).
int run_generated_help(const std::vector<std::string>& rest, Io& io) {
  const bool man = rest.front() == "--man";
  if (rest.size() > 2) {
    return usage_error(io, "help", "expects at most one command name after " + rest.front());
  }
  if (rest.size() == 1) {
    if (man) {
      io.out << man_page(program_help(), commands(), global_options());
    } else {
      for (const Command& c : commands()) {
        io.out << c.name << "\n";
      }
      io.out << "help\n" << completion_words(global_options());
    }
    return k_exit_ok;
  }
  const Command* command = find_command(rest[1]);
  if (command == nullptr) {
    return usage_error(io, "help",
                       "unknown command '" + rest[1] + "' (commands: " + command_names() + ")");
  }
  if (man) {
    io.out << man_page(program_help(), *command, command_options(*command), commands());
  } else {
    io.out << completion_words(command_options(*command));
  }
  return k_exit_ok;
}

// `bzjira help [command]`.
int run_help(const std::vector<std::string>& rest, Io& io) {
  if (!rest.empty() && (rest.front() == "--man" || rest.front() == "--complete")) {
    return run_generated_help(rest, io);
  }
  if (rest.empty() || rest.front() == "--help" || rest.front() == "-h" || rest.front() == "help") {
    print_global_help(io.out);
    return k_exit_ok;
  }
  if (rest.size() > 1) {
    return usage_error(io, "help", "expects one command name, got " + std::to_string(rest.size()));
  }
  const Command* command = find_command(rest.front());
  if (command == nullptr) {
    return usage_error(
        io, "help", "unknown command '" + rest.front() + "' (commands: " + command_names() + ")");
  }
  print_command_help(*command, io.out);
  return k_exit_ok;
}

int run_command(const Command& command, const std::vector<std::string>& rest, Io& io) {
  if (!command.run) {
    // Checked before parsing: its options are not declared yet, so any would look unknown.
    const bool wants_help = std::any_of(
        rest.begin(), rest.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
    if (wants_help) {
      print_command_help(command, io.out);
      return k_exit_ok;
    }
    return not_available(io, command);
  }
  const po::options_description desc = command_options(command);
  // Every input is a named option; stray words are collected only to name them in the error.
  po::options_description all;
  all.add(desc).add_options()("stray-argument", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("stray-argument", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(rest)
                  .options(all)
                  .positional(positional)
                  .style(k_parser_style)
                  .run(),
              vm);
    if (vm.count("stray-argument") != 0) {
      return usage_error(io, command.name,
                         "unexpected argument '" +
                             vm["stray-argument"].as<std::vector<std::string>>().front() + "'");
    }
    if (vm.count("help") != 0) {
      print_command_help(command, io.out);
      return k_exit_ok;
    }
    if (const std::string problem = suspicious_value(vm, desc); !problem.empty()) {
      return usage_error(io, command.name, problem);
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(io, command.name, e.what());
  }
  log::LogFormat format = log::LogFormat::text;
  const auto& format_name = vm["log-format"].as<std::string>();
  if (!log::parse_format(format_name, format)) {
    return usage_error(io, command.name,
                       "unknown --log-format '" + format_name + "': expected text or json");
  }
  const auto& level_name = vm["log-level"].as<std::string>();
  if (!is_log_level(level_name)) {
    return usage_error(io, command.name,
                       "unknown --log-level '" + level_name +
                           "': expected trace, debug, info, warning, error, critical or off");
  }
  start_logging(io, vm, "", "");
  return command.run(vm, io);
}

// --log-format json is honoured before the command line is parsed, so that even a usage error
// comes out as a JSON line.
bool asks_for_json_log(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--log-format=json" ||
        (args[i] == "--log-format" && i + 1 < args.size() && args[i + 1] == "json")) {
      return true;
    }
  }
  return false;
}

int dispatch(const std::vector<std::string>& args, Io& io) {
  if (asks_for_json_log(args)) {
    io.json_log = true;
    start_logging(io, po::variables_map(), "", "");
  }
  // Global options are the ones before the command name.
  const auto first_word = std::find_if(
      args.begin(), args.end(), [](const std::string& a) { return a.empty() || a.front() != '-'; });
  const std::vector<std::string> globals(args.begin(), first_word);
  const std::vector<std::string> rest(first_word == args.end() ? args.end() : first_word + 1,
                                      args.end());
  po::variables_map vm;
  try {
    po::store(
        po::command_line_parser(globals).options(global_options()).style(k_parser_style).run(), vm);
  } catch (const po::error& e) {
    return usage_error(io, "", e.what());
  }
  if (vm.count("version") != 0) {
    io.out << "bzjira " << http::k_version << "\n";
    return k_exit_ok;
  }
  if (vm.count("help") != 0) {
    print_global_help(io.out);
    return k_exit_ok;
  }
  if (first_word == args.end()) {
    return usage_error(io, "", "no command given (commands: " + command_names() + ")");
  }
  if (*first_word == "help") {
    return run_help(rest, io);
  }
  const Command* command = find_command(*first_word);
  if (command == nullptr) {
    return usage_error(io, "",
                       "unknown command '" + *first_word + "' (commands: " + command_names() + ")");
  }
  return run_command(*command, rest, io);
}

}  // namespace

sync::Instant system_now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

int usage_error(Io& io, const std::string& command, const std::string& message) {
  const std::string who = command.empty() ? "bzjira" : "bzjira " + command;
  // `bzjira help` itself is explained by the global help.
  const std::string help =
      command.empty() || command == "help" ? "bzjira --help" : "bzjira help " + command;
  diagnostic(io, Severity::error, "usage_error", who + ": " + message + " (see '" + help + "')");
  return k_exit_usage;
}

int fail(Io& io, const std::string& command, const std::string& message, int code) {
  diagnostic(io, Severity::error, "command_failed", "bzjira " + command + ": " + message);
  return code;
}

void warn(Io& io, const std::string& command, const std::string& message) {
  diagnostic(io, Severity::warning, "warning", "bzjira " + command + ": warning: " + message);
}

const std::vector<Command>& commands() {
  static const std::vector<Command> k_commands = {
      init_command(),  sync_command(),  status_command(),
      audit_command(), check_command(), snapshot_command(),
  };
  return k_commands;
}

int run_nested(const std::vector<std::string>& args, Io& io) { return dispatch(args, io); }

int run(const std::vector<std::string>& args, Io& io) {
  // The one place that catches everything (ARCHITECTURE.md rule 4): a surprise is exit 4 with a
  // message, never an abort.
  int code = k_exit_internal;
  try {
    code = dispatch(args, io);
    io.out.flush();
  } catch (const std::exception& e) {
    diagnostic(io, Severity::error, "internal_error",
               std::string("bzjira: internal error: ") + e.what());
  } catch (...) {
    diagnostic(io, Severity::error, "internal_error",
               "bzjira: internal error: unexpected exception");
  }
  stop_logging();
  return code;
}

int run(int argc, char** argv) {
  // Before anything can send a request. The answer is ignored: only a pool already started could
  // refuse, and it would work as before (40 threads).
  static_cast<void>(http::set_io_threads(k_io_threads));
  try {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
      args.emplace_back(argv[i]);
    }
    Io io{std::cout, std::cerr, system_now};
    io.err_is_terminal = ::isatty(STDERR_FILENO) == 1;
    return run(args, io);
  } catch (...) {
    // Only reachable if building the argument list itself failed (out of memory).
    std::fputs("bzjira: internal error: could not start\n", stderr);
    return k_exit_internal;
  }
}

}  // namespace bzjira::adapters::cli
