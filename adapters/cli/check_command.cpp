// `bzjira check`: validates a mapping offline (every problem at once); the online self-checks
// against Bugzilla and Jira arrive with their clients.
#include "adapters/cli/command.h"
#include "adapters/cli/inputs.h"
#include "adapters/tz/tz_zone.h"

namespace bzjira::adapters::cli {

namespace {

constexpr const char* k_name = "check";

void add_check_options(po::options_description& desc) {
  desc.add_options()  //
      ("config,c", po::value<std::string>()->value_name("MAPPING")->required(),
       "the mapping file to validate (JSON; required)")  //
      ("online",
       "also check Bugzilla and Jira: credentials, project, issue type, transitions, "
       "fields, permissions (default: off; not available in this build yet)");
}

int run_check(const po::variables_map& vm, Io& io) {
  if (vm.count("online") != 0) {
    io.err << "bzjira: 'check --online' is not available in this build yet\n";
    return k_exit_usage;
  }
  const auto mapping = load_mapping(io, k_name, vm["config"].as<std::string>());
  if (!mapping) {
    return k_exit_usage;
  }
  // The loader checks the zone too; asking again keeps this line honest if that ever changes.
  const auto zone = tz::make_zone(mapping->policy.time_zone);
  if (!zone) {
    io.err << mapping->source_path << ": $.policy.time_zone: " << zone.error().message << "\n";
    return k_exit_usage;
  }
  const auto accounts = mapping->bugzilla.ca_accounts.size();
  io.out << "mapping OK: " << mapping->name << " (" << accounts
         << (accounts == 1 ? " CA account" : " CA accounts") << ", zone " << (*zone)->name()
         << ")\n";
  return k_exit_ok;
}

}  // namespace

Command check_command() {
  Command c;
  c.name = k_name;
  c.summary = "validate a mapping file";
  c.usage = "check -c MAPPING [--online]";
  c.details =
      "Reads the mapping and reports every problem at once, each with the file and the JSON path\n"
      "(unknown keys, wrong types, bad values, an unknown time zone). Secrets are not read.";
  c.add_options = add_check_options;
  c.run = run_check;
  return c;
}

}  // namespace bzjira::adapters::cli
