// bzjira's help in its three forms, from one text: the terminal help (`bzjira --help`,
// `bzjira help <command>`), the manual pages bzjira(1) and bzjira-<command>(1) (`bzjira help --man
// [command]`, roff, generated at build time for the Debian package), and the words bash completion
// offers (`bzjira help --complete [command]`, read by deploy/completion/bzjira).
#pragma once

#include <string>
#include <vector>

#include "adapters/cli/command.h"

namespace bzjira::adapters::cli {

struct HelpItem {
  std::string term;  // "0", "BZJIRA_JIRA_TOKEN", "/etc/bzjira/NAME.json"
  std::string text;
};

// What the whole program's help says besides its commands and options.
struct ProgramHelp {
  std::string version;      // "0.1.0"
  std::string tagline;      // bzjira(1)'s NAME line: "keep a CA's Bugzilla ... on its Jira board"
  std::string description;  // paragraphs separated by blank lines
  std::vector<HelpItem> exit_codes;
  std::vector<HelpItem> environment;
  std::vector<HelpItem> files;
};

// The terminal form of exit codes, environment and files: a titled list, terms in a column.
std::string text_list(const std::string& title, const std::vector<HelpItem>& items);

// bzjira(1): synopsis, description, the commands (each pointing at its page), global options,
// exit status, environment, files, see also.
std::string man_page(const ProgramHelp& program, const std::vector<Command>& commands,
                     const po::options_description& global_options);

// bzjira-<command>(1): the command's usage, summary and details, its options as `bzjira help
// <command>` lists them, exit status, environment, see also.
std::string man_page(const ProgramHelp& program, const Command& command,
                     const po::options_description& options, const std::vector<Command>& commands);

// One option per line: its long form, its short form if any, a tab, and the name of its value
// when it takes one ("--config -c\tMAPPING", "--dry-run\t").
std::string completion_words(const po::options_description& options);

}  // namespace bzjira::adapters::cli
