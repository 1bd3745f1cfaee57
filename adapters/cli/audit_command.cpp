// `bzjira audit`: every obligation window of the mapping's bugs and whether it was met, read live
// from Bugzilla or from a dataset file.
#include <algorithm>
#include <fstream>
#include <functional>

#include <boost/program_options.hpp>

#include "adapters/cli/audit_build.h"
#include "adapters/cli/bulk_heap.h"
#include "adapters/cli/command.h"
#include "adapters/cli/inputs.h"
#include "adapters/cli/metrics.h"
#include "adapters/cli/output_json.h"
#include "adapters/cli/services.h"
#include "adapters/http/version.h"
#include "adapters/report/audit_html.h"
#include "adapters/tz/tz_zone.h"
#include "sync/audit.h"

namespace bzjira::adapters::cli {

namespace {

constexpr const char* k_name = "audit";
const char* const k_formats[] = {"text", "markdown", "json", "csv", "html"};

void add_audit_options(po::options_description& desc) {
  desc.add_options()  //
      ("config,c", po::value<std::string>()->value_name("MAPPING")->required(),
       "the project's mapping file (JSON; required)")  //
      ("from-file", po::value<std::string>()->value_name("DATASET"),
       "audit the bugs of this dataset file (the simulator's format, as `bzjira snapshot` "
       "writes it) instead of reading Bugzilla (default: none: read the mapping's Bugzilla "
       "with the API key from its environment variable)")  //
      ("now", po::value<std::string>()->value_name("RFC3339"),
       "the time the audit is made at, e.g. 2026-11-26T12:00:00Z (default: the current time)")  //
      ("since", po::value<std::string>()->value_name("YYYY-MM-DD"),
       "keep windows that start on or after this UTC date (default: no lower bound)")  //
      ("until", po::value<std::string>()->value_name("YYYY-MM-DD"),
       "keep windows that start on or before this UTC date (default: no upper bound)")  //
      ("format", po::value<std::string>()->value_name("FORMAT")->default_value("text"),
       "text, markdown (an incident report's timeline), json (one object per window), csv, or "
       "html (one self-contained page: a summary and a timeline picture per bug)")  //
      ("timeline-only",
       "with --format markdown: print only the timeline's lines, one per missed deadline, ready "
       "to paste under an incident report's \"Timeline\" heading (default: off, the whole "
       "report)")  //
      ("output,o", po::value<std::string>()->value_name("FILE"),
       "write the report to FILE (default: standard output)");
}

std::string render(const std::string& format, bool timeline_only, const sync::AuditReport& report) {
  if (format == "markdown") {
    return timeline_only ? sync::render_audit_timeline(report)
                         : sync::render_audit_markdown(report);
  }
  if (format == "csv") {
    return sync::render_audit_csv(report);
  }
  return sync::render_audit_text(report);
}

// `write` renders the report into the stream it is given.
int write_report(Io& io, const po::variables_map& vm,
                 const std::function<void(std::ostream&)>& write) {
  if (vm.count("output") == 0) {
    write(io.out);
    io.out.flush();
    return io.out ? k_exit_ok
                  : fail(io, k_name, "could not write to standard output", k_exit_usage);
  }
  const auto& path = vm["output"].as<std::string>();
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  write(file);
  file.close();
  if (!file) {
    return fail(io, k_name, "could not write the report to '" + path + "'", k_exit_usage);
  }
  return k_exit_ok;
}

// The page is replaced atomically (temporary file, rename): a web server publishing it never
// serves half a page.
int write_html(Io& io, const po::variables_map& vm, const std::vector<sync::BugRecord>& records,
               const sync::Mapping& mapping, const sync::AuditReport& report,
               const sync::AuditOptions& options, const std::string& source) {
  const auto zone = tz::make_zone(mapping.policy.time_zone);
  if (!zone) {
    return fail(io, k_name, zone.error().message, k_exit_usage);
  }
  report::AuditPageOptions page;
  page.since = options.since;
  page.until = options.until;
  page.version = http::k_version;
  page.source = source;
  const std::string html = report::render_audit_html(report, records, mapping, **zone, page);
  if (vm.count("output") == 0) {
    return write_report(io, vm, [&](std::ostream& out) { out << html; });
  }
  if (auto written = write_file_atomically(vm["output"].as<std::string>(), html, 0644); !written) {
    return fail(io, k_name, written.error().message, k_exit_usage);
  }
  return k_exit_ok;
}

int run_audit(const po::variables_map& vm, Io& io) {
  const auto& format = vm["format"].as<std::string>();
  if (std::find(std::begin(k_formats), std::end(k_formats), format) == std::end(k_formats)) {
    return usage_error(
        io, k_name,
        "unknown --format '" + format + "': expected text, markdown, json, csv or html");
  }
  const bool timeline_only = vm.count("timeline-only") != 0;
  if (timeline_only && format != "markdown") {
    return usage_error(io, k_name, "--timeline-only needs --format markdown");
  }
  const auto now = now_option(vm, io);
  if (!now) {
    return usage_error(io, k_name, now.error().message);
  }
  sync::AuditOptions options;
  for (const char* name : {"since", "until"}) {
    auto date = date_option(vm, name);
    if (!date) {
      return usage_error(io, k_name, date.error().message);
    }
    (std::string(name) == "since" ? options.since : options.until) = *date;
  }
  if (options.since && options.until && *options.until < *options.since) {
    return usage_error(io, k_name,
                       "--until " + sync::format_date(*options.until) + " is before --since " +
                           sync::format_date(*options.since));
  }
  const auto mapping = load_mapping(io, k_name, vm["config"].as<std::string>());
  if (!mapping) {
    return k_exit_usage;
  }
  const bool from_file = vm.count("from-file") != 0;
  const std::string dataset_path =
      from_file ? vm["from-file"].as<std::string>() : mapping->bugzilla.url;
  const auto scope_warning = [&](std::size_t bugs, std::size_t in_scope) {
    if (bugs > 0 && in_scope == 0) {
      warn(io, k_name,
           "none of the " + std::to_string(bugs) + " bugs in '" + dataset_path +
               "' is in the scope of mapping '" + mapping->name +
               "' (product, component, summary prefix, assignee, whiteboard)");
    }
  };
  AuditBuilder builder(*mapping, *now, options);
  if (from_file && format != "html") {
    // Bug by bug as the file is read: one bug's comments are held at once, not the dataset's.
    prepare_bulk_heap();
    if (!stream_dataset(io, k_name, dataset_path,
                        [&](sync::BugRecord&& record) { builder.add(std::move(record)); })) {
      return k_exit_usage;
    }
  } else if (!from_file && format != "html") {
    // Bug by bug as the comment answers are read: one wave of answers is held, not the history.
    if (const int code =
            stream_records_live(io, k_name, *mapping, HistoryFor::every_bug,
                                [&](sync::BugRecord&& record) { builder.add(std::move(record)); });
        code != k_exit_ok) {
      return code;
    }
  } else {
    auto records = read_records(io, k_name, vm, *mapping, HistoryFor::every_bug);
    if (!records) {
      return records.error();
    }
    if (format == "html") {
      scope_warning(records->size(), static_cast<std::size_t>(std::count_if(
                                         records->begin(), records->end(), [&](const auto& r) {
                                           return sync::in_scope(r.bug, mapping->bugzilla.scope);
                                         })));
      // The page draws comment markers, so it needs the records after the report is built.
      const sync::AuditReport report = sync::build_audit(*records, *mapping, *now, options);
      return write_html(io, vm, *records, *mapping, report, options, dataset_path);
    }
    for (sync::BugRecord& record : *records) {
      builder.add(std::move(record));
    }
  }
  scope_warning(builder.bugs(), builder.in_scope());
  const sync::AuditReport report = builder.finish();
  if (format == "json") {
    return write_report(io, vm, [&](std::ostream& out) { write_audit_json(out, report); });
  }
  return write_report(io, vm,
                      [&](std::ostream& out) { out << render(format, timeline_only, report); });
}

}  // namespace

Command audit_command() {
  Command c;
  c.name = k_name;
  c.summary = "every obligation window of every bug and whether it was met";
  c.usage = "audit -c MAPPING [--from-file DATASET] [options]";
  c.details =
      "For each bug in the mapping's scope: every question, needinfo, update and full-report\n"
      "window from the first comment to now (or to the bug's resolution), its deadline, when and\n"
      "by whom it was satisfied, and how early or late. The Markdown format has one line per\n"
      "missed deadline (the late windows one CA answer ended, or still open), the way an\n"
      "incident report's Timeline does; --timeline-only prints those lines alone. Dates are\n"
      "UTC. Windows are kept by their start date with\n"
      "--since/--until. Without --from-file the mapping's Bugzilla is read live: the bugs in\n"
      "scope, all their comments and each bug's history.\n\n"
      "Example (the bundled demo):\n"
      "  bzjira audit -c mappings/demo.json --from-file deploy/demo/example-ca.dataset.json \\\n"
      "      --now 2026-11-26T12:00:00Z --format markdown";
  c.add_options = add_audit_options;
  c.run = run_audit;
  return c;
}

}  // namespace bzjira::adapters::cli
