// `bzjira snapshot`: the mapping's bugs in scope, with all their comments and history, saved as a
// dataset file (the simulator's format) that `audit --from-file` and bzjira-sim read back.
#include <boost/program_options.hpp>

#include "adapters/bugzilla/bugzilla_json.h"
#include "adapters/cli/command.h"
#include "adapters/cli/inputs.h"
#include "adapters/cli/metrics.h"
#include "adapters/cli/services.h"

namespace bzjira::adapters::cli {

namespace {

constexpr const char* k_name = "snapshot";

void add_snapshot_options(po::options_description& desc) {
  desc.add_options()  //
      ("config,c", po::value<std::string>()->value_name("MAPPING")->required(),
       "the project's mapping file (JSON; required)")  //
      ("output,o", po::value<std::string>()->value_name("DATASET")->required(),
       "the dataset file to write (required, no default; replaced atomically, mode 0600 "
       "since it may hold private comments)");
}

int run_snapshot(const po::variables_map& vm, Io& io) {
  const auto mapping = load_mapping(io, k_name, vm["config"].as<std::string>());
  if (!mapping) {
    return k_exit_usage;
  }
  const auto records = read_records(io, k_name, vm, *mapping, HistoryFor::every_bug);
  if (!records) {
    return records.error();
  }
  const auto& path = vm["output"].as<std::string>();
  if (auto written = write_file_atomically(path, bugzilla::write_dataset(*records), 0600);
      !written) {
    return fail(io, k_name, written.error().message, k_exit_usage);
  }
  std::size_t comments = 0;
  std::size_t history = 0;
  for (const sync::BugRecord& r : *records) {
    comments += r.comments.size();
    history += r.history.size();
  }
  io.out << "wrote " << records->size() << " bugs, " << comments << " comments and " << history
         << " history entries of " << mapping->name << " to " << path << "\n";
  return k_exit_ok;
}

}  // namespace

Command snapshot_command() {
  Command c;
  c.name = k_name;
  c.summary = "save the scoped bugs as a dataset file";
  c.usage = "snapshot -c MAPPING -o DATASET";
  c.details =
      "Reads the mapping's bugs in scope from Bugzilla, with every comment the API key may see\n"
      "and each bug's history, and writes them in the dataset format (docs/dataset-format.md)\n"
      "that `bzjira audit --from-file` and bzjira-sim read. An audit of the file equals the\n"
      "live audit at the same --now.";
  c.add_options = add_snapshot_options;
  c.run = run_snapshot;
  return c;
}

}  // namespace bzjira::adapters::cli
