// `bzjira init`: from a Bugzilla URL and a CA Owner name to a reviewed mapping. Reads the CA's
// incident bugs, classes every account seen there from evidence (sync/account_discovery.h), asks
// about the uncertain ones, optionally reads a Jira project for the "jira" section, writes the
// mapping with the evidence in it, then runs `check --online` and `sync --dry-run` on it.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "adapters/cli/command.h"
#include "adapters/cli/init.h"
#include "adapters/cli/inputs.h"

namespace bzjira::adapters::cli {

namespace {

constexpr const char* k_name = "init";

void add_init_options(po::options_description& desc) {
  desc.add_options()  //
      ("bugzilla", po::value<std::string>()->value_name("URL")->required(),
       "the Bugzilla to read, e.g. https://bugzilla.mozilla.org (required)")  //
      ("ca", po::value<std::string>()->value_name("NAME")->required(),
       "the CA Owner name that starts the summary of the CA's incident bugs, as in the CCADB, "
       "without the colon, e.g. \"Example CA\" (required)")  //
      ("output,o", po::value<std::string>()->value_name("FILE"),
       "the mapping file to write (default: <name>.json in the current directory); an existing "
       "file is never replaced without --force")  //
      ("name", po::value<std::string>()->value_name("NAME"),
       "the mapping's name, used for its state file and in logs (default: the output file's name "
       "without .json, else made from --ca)")  //
      ("jira", po::value<std::string>()->value_name("URL"),
       "also fill the jira section from this Jira's project, e.g. https://example.atlassian.net "
       "(needs --jira-project; default: none, the mapping gets no jira section)")  //
      ("jira-project", po::value<std::string>()->value_name("KEY"),
       "the Jira project's key, e.g. CAINC (required with --jira)")  //
      ("jira-flavor", po::value<std::string>()->value_name("FLAVOR")->default_value("cloud"),
       "cloud (Jira Cloud) or datacenter (Jira Data Center)")  //
      ("issue-type", po::value<std::string>()->value_name("NAME")->default_value("Task"),
       "the Jira issue type of the obligations' issues")  //
      ("time-zone", po::value<std::string>()->value_name("ZONE")->default_value("UTC"),
       "your team's IANA time zone, for due dates, e.g. Europe/Madrid")  //
      ("ca-account", po::value<std::vector<std::string>>()->value_name("LOGIN")->composing(),
       "an account that speaks for the CA whatever the evidence, e.g. a disclosed alias that has "
       "not posted yet (repeatable; default: none)")  //
      ("not-ca", po::value<std::vector<std::string>>()->value_name("LOGIN")->composing(),
       "an account that does not speak for the CA whatever the evidence (repeatable; default: "
       "none)")  //
      ("yes,y",
       "take the accounts with strong evidence and no others, without asking (the default when "
       "standard input is not a terminal)")                             //
      ("force", "replace the output file if it exists (default: off)")  //
      ("now", po::value<std::string>()->value_name("RFC3339"),
       "the time the mapping is written at and the dry run is planned for, for tests "
       "(default: the current time)");
}

std::vector<std::string> list_option(const po::variables_map& vm, const char* name) {
  return vm.count(name) != 0 ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
}

// Checks the command line; prints the problem and returns false when it is unusable.
bool read_options(const po::variables_map& vm, Io& io, init::Options& o) {
  o.bugzilla_url = vm["bugzilla"].as<std::string>();
  o.ca_name = vm["ca"].as<std::string>();
  while (!o.ca_name.empty() && (o.ca_name.back() == ':' || o.ca_name.back() == ' ')) {
    o.ca_name.pop_back();
  }
  if (o.ca_name.empty() || o.ca_name.find_first_of("\r\n\t") != std::string::npos) {
    usage_error(io, k_name, "--ca needs the CA Owner name on one line, e.g. \"Example CA\"");
    return false;
  }
  const bool jira = vm.count("jira") != 0;
  if (jira != (vm.count("jira-project") != 0)) {
    usage_error(io, k_name, "--jira and --jira-project go together");
    return false;
  }
  if (jira) {
    o.jira_url = vm["jira"].as<std::string>();
    o.jira_project = vm["jira-project"].as<std::string>();
  }
  o.jira_flavor = vm["jira-flavor"].as<std::string>();
  if (o.jira_flavor != "cloud" && o.jira_flavor != "datacenter") {
    usage_error(io, k_name,
                "--jira-flavor must be cloud or datacenter, got '" + o.jira_flavor + "'");
    return false;
  }
  o.issue_type = vm["issue-type"].as<std::string>();
  o.time_zone = vm["time-zone"].as<std::string>();
  o.named_ca = list_option(vm, "ca-account");
  o.named_not_ca = list_option(vm, "not-ca");
  for (const std::string& login : o.named_ca) {
    if (std::find(o.named_not_ca.begin(), o.named_not_ca.end(), login) != o.named_not_ca.end()) {
      usage_error(io, k_name, "'" + login + "' is given with both --ca-account and --not-ca");
      return false;
    }
  }
  const std::string derived = init::mapping_name_from(o.ca_name);
  if (vm.count("output") != 0) {
    o.output = vm["output"].as<std::string>();
  }
  if (vm.count("name") != 0) {
    o.name = vm["name"].as<std::string>();
  } else if (!o.output.empty()) {
    std::string stem = std::filesystem::path(o.output).filename().string();
    if (stem.size() > 5 && stem.substr(stem.size() - 5) == ".json") {
      stem.resize(stem.size() - 5);
    }
    o.name = init::mapping_name_from(stem);
  }
  if (o.name.empty()) {
    o.name = derived;
  }
  if (o.output.empty()) {
    o.output = o.name + ".json";
  }
  o.yes = vm.count("yes") != 0;
  o.force = vm.count("force") != 0;
  return true;
}

int run_init(const po::variables_map& vm, Io& io) {
  init::Options options;
  if (!read_options(vm, io, options)) {
    return k_exit_usage;
  }
  const auto now = now_option(vm, io);
  if (!now) {
    return usage_error(io, k_name, now.error().message);
  }
  options.now = *now;
  // The options as a mapping, checked by the loader before anything is sent: a bad URL, project
  // key, name or zone is a usage error here, not a surprise after the reads.
  if (const std::string problems = init::check_draft(options); !problems.empty()) {
    return usage_error(io, k_name, problems);
  }
  std::error_code ec;
  if (!options.force &&
      std::filesystem::exists(std::filesystem::symlink_status(options.output, ec))) {
    return fail(io, k_name,
                options.output +
                    " exists: bzjira init does not replace a mapping (give --force "
                    "to replace it, or -o another file)",
                k_exit_usage);
  }
  return init::run_steps(io, options, ::isatty(STDIN_FILENO) == 1 ? &std::cin : nullptr);
}

}  // namespace

Command init_command() {
  Command c;
  c.name = k_name;
  c.summary = "propose a mapping: the CA's accounts with evidence, the Jira project";
  c.usage = "init --bugzilla URL --ca NAME [--jira URL --jira-project KEY] [-o FILE] [options]";
  c.details =
      "Reads the CA's incident bugs (summary starting with \"NAME:\" in CA Program :: CA\n"
      "Certificate Compliance, and CA Security Vulnerability when the API key can see it) and\n"
      "lists every account that commented, set or was asked a flag there, with its bugs and\n"
      "comments, first and last activity, and the evidence that it speaks for the CA or not:\n"
      "incident reports in the IRG template, bugs filed, status updates, needinfo requests a\n"
      "CA account answered, signatures naming the CA; root-program and CCADB accounts, bots,\n"
      "moderators' changes and comments addressed to the CA. Nothing is guessed from an\n"
      "e-mail domain. Accounts with strong evidence go into bugzilla.ca_accounts; on a\n"
      "terminal bzjira asks about each uncertain one (y/n), with --yes it takes none of them.\n"
      "Bots go into bugzilla.ignored_accounts. The mapping keeps each account's evidence in\n"
      "bugzilla.$comment for a reviewer, and no secret: the API key and the Jira credentials\n"
      "come from the environment variables every command reads (BZJIRA_BUGZILLA_API_KEY,\n"
      "BZJIRA_JIRA_USER, BZJIRA_JIRA_TOKEN, or their _FILE forms).\n\n"
      "With --jira and --jira-project it reads the project's issue types, the Due date field\n"
      "on the create screen, the workflow's done and to-do statuses and the custom date-time\n"
      "fields, fills the jira section (or says what is missing), then runs the checks of\n"
      "`bzjira check --online` and prints the summary of `bzjira sync --dry-run`. An\n"
      "existing file is never replaced without --force. Exit 0 when the mapping is written and\n"
      "every check passed, 2 when something must be fixed first, 3 when a system could not be\n"
      "reached.\n\n"
      "Example (as root, for the systemd timer of the Debian package):\n"
      "  export BZJIRA_BUGZILLA_API_KEY_FILE=/etc/bzjira/credentials/my-ca.bugzilla-api-key\n"
      "  bzjira init --bugzilla https://bugzilla.mozilla.org --ca \"My CA\" \\\n"
      "      --jira https://my-ca.atlassian.net --jira-project CAINC -o /etc/bzjira/my-ca.json";
  c.add_options = add_init_options;
  c.run = run_init;
  return c;
}

}  // namespace bzjira::adapters::cli
