// `bzjira status`: the open obligations of a mapping right now, most urgent first, with the Jira
// issue the state knows for each. Reads Bugzilla (or a dataset file) and the state; writes nothing.
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <map>
#include <sstream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "adapters/cli/command.h"
#include "adapters/cli/inputs.h"
#include "adapters/cli/metrics.h"
#include "adapters/cli/services.h"
#include "adapters/http/version.h"
#include "adapters/report/status_html.h"
#include "adapters/store/sqlite_store.h"
#include "adapters/tz/tz_zone.h"
#include "sync/audit.h"
#include "sync/obligations.h"

namespace bzjira::adapters::cli {

namespace {

constexpr const char* k_name = "status";

void add_status_options(po::options_description& desc) {
  desc.add_options()  //
      ("config,c", po::value<std::string>()->value_name("MAPPING")->required(),
       "the project's mapping file (JSON; required)")  //
      ("from-file", po::value<std::string>()->value_name("DATASET"),
       "read the bugs from this dataset file instead of Bugzilla (default: none: read the "
       "mapping's Bugzilla with the API key from its environment variable)")  //
      ("now", po::value<std::string>()->value_name("RFC3339"),
       "the time to report at, e.g. 2026-11-26T12:00:00Z (default: the current time)")  //
      ("format", po::value<std::string>()->value_name("FORMAT")->default_value("text"),
       "text (a table for people), json (an array, one object per obligation) or html (a "
       "self-contained page for a wall screen or an intranet, reloading every 5 minutes)")  //
      ("output,o", po::value<std::string>()->value_name("FILE"),
       "write to FILE, replaced atomically (default: standard output)");
  add_state_option(desc);
}

using Row = report::StatusRow;  // the obligation, its bug's summary, the Jira key if known
constexpr int k_html_refresh_seconds = 300;

// Jira keys by obligation key, from the state when there is one. A state that cannot be read only
// costs the keys: the obligations themselves come from Bugzilla.
std::map<std::string, std::string> known_issue_keys(Io& io, const std::string& path) {
  std::map<std::string, std::string> keys;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return keys;
  }
  auto store = store::SqliteStore::open(path);
  if (!store) {
    warn(io, k_name, "no Jira keys shown: " + store.error().message);
    return keys;
  }
  auto mirrors = (*store)->mirrors();
  if (!mirrors) {
    warn(io, k_name, "no Jira keys shown: " + mirrors.error().message);
    return keys;
  }
  for (const auto& [key, entry] : *mirrors) {
    if (!entry.issue_key.empty()) {
      keys[key] = entry.issue_key;
    }
  }
  return keys;
}

std::string render_text(const std::vector<Row>& rows, const sync::Zone& zone,
                        const sync::Mapping& mapping, sync::Instant now) {
  std::ostringstream out;
  const std::string local = "DEADLINE (" + zone.name() + ")";
  const int local_width = static_cast<int>(std::max<std::size_t>(local.size(), 20) + 2);
  out << "Open obligations of " << mapping.name << " at " << sync::format_rfc3339(now)
      << ", most urgent first:\n";
  out << std::left << std::setw(22) << "DEADLINE (UTC)" << std::setw(local_width) << local
      << std::setw(12) << "TIME LEFT" << std::setw(9) << "BUG" << std::setw(12) << "KIND"
      << std::setw(22) << "SINCE (UTC)" << std::setw(11) << "JIRA"
      << "OBLIGATION\n";
  int overdue = 0;
  for (const Row& r : rows) {
    const sync::Obligation& o = r.obligation;
    overdue += o.status == sync::WindowStatus::overdue ? 1 : 0;
    out << std::setw(22) << sync::format_rfc3339(o.deadline) << std::setw(local_width)
        << zone.format_local(o.deadline) << std::setw(12) << sync::format_duration(o.deadline - now)
        << std::setw(9) << o.bug_id << std::setw(12) << sync::to_string(o.kind) << std::setw(22)
        << sync::format_rfc3339(o.start) << std::setw(11) << (r.jira_key.empty() ? "-" : r.jira_key)
        << o.key << "\n";
  }
  out << rows.size() << (rows.size() == 1 ? " open obligation" : " open obligations") << " ("
      << overdue << " overdue)\n";
  return out.str();
}

std::string render_json(const std::vector<Row>& rows, const sync::Zone& zone, sync::Instant now) {
  using json = nlohmann::ordered_json;
  json list = json::array();
  for (const Row& r : rows) {
    const sync::Obligation& o = r.obligation;
    list.push_back({{"bug_id", o.bug_id},
                    {"bug_summary", r.bug_summary},
                    {"key", o.key},
                    {"kind", sync::to_string(o.kind)},
                    {"status", sync::to_string(o.status)},
                    {"since", sync::format_rfc3339(o.start)},
                    {"deadline", sync::format_rfc3339(o.deadline)},
                    {"deadline_local", zone.format_local(o.deadline)},
                    {"seconds_left", (o.deadline - now).count()},
                    {"start_author", o.start_author},
                    {"rule", o.rule},
                    {"jira_key", r.jira_key.empty() ? json(nullptr) : json(r.jira_key)}});
  }
  return list.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

int run_status(const po::variables_map& vm, Io& io) {
  const auto& format = vm["format"].as<std::string>();
  if (format != "text" && format != "json" && format != "html") {
    return usage_error(io, k_name,
                       "unknown --format '" + format + "': expected text, json or html");
  }
  const auto now = now_option(vm, io);
  if (!now) {
    return usage_error(io, k_name, now.error().message);
  }
  const auto mapping = load_mapping(io, k_name, vm["config"].as<std::string>());
  if (!mapping) {
    return k_exit_usage;
  }
  const auto zone = tz::make_zone(mapping->policy.time_zone);
  if (!zone) {
    return fail(io, k_name, zone.error().message, k_exit_usage);
  }
  const auto path = state_path(io, k_name, vm, *mapping);
  if (!path) {
    return k_exit_usage;
  }
  const auto records = read_records(io, k_name, vm, *mapping, HistoryFor::open_bugs);
  if (!records) {
    return records.error();
  }
  const auto issue_keys = known_issue_keys(io, *path);
  std::vector<Row> rows;
  for (const sync::BugRecord& record : *records) {
    if (!sync::in_scope(record.bug, mapping->bugzilla.scope)) {
      continue;
    }
    for (sync::Obligation& o :
         sync::open_obligations(record, mapping->policy, mapping->bugzilla.ca_accounts,
                                mapping->bugzilla.ignored_accounts, *now)) {
      const auto key = issue_keys.find(o.key);
      rows.push_back(
          Row{std::move(o), record.bug.summary, key == issue_keys.end() ? "" : key->second});
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.obligation.deadline, a.obligation.bug_id, a.obligation.key) <
           std::tie(b.obligation.deadline, b.obligation.bug_id, b.obligation.key);
  });
  const std::string text =
      format == "json"   ? render_json(rows, **zone, *now)
      : format == "html" ? report::render_status_html(rows, *mapping, **zone, *now,
                                                      {http::k_version, k_html_refresh_seconds})
                         : render_text(rows, **zone, *mapping, *now);
  if (vm.count("output") != 0) {
    if (auto written = write_file_atomically(vm["output"].as<std::string>(), text, 0644);
        !written) {
      return fail(io, k_name, written.error().message, k_exit_usage);
    }
    return k_exit_ok;
  }
  io.out << text;
  io.out.flush();
  return io.out ? k_exit_ok : fail(io, k_name, "could not write to standard output", k_exit_usage);
}

}  // namespace

Command status_command() {
  Command c;
  c.name = k_name;
  c.summary = "open obligations with their deadlines and Jira keys";
  c.usage =
      "status -c MAPPING [--from-file DATASET] [--now RFC3339] [--format text|json|html] [-o FILE]";
  c.details =
      "Lists what the CA owes right now, most urgent first: the bug, the kind of obligation,\n"
      "since when, the deadline in UTC and in the mapping's time zone, the time left (negative\n"
      "when overdue) and the Jira issue when the state of earlier syncs knows it. Reads the\n"
      "mapping's Bugzilla (or --from-file) and the state; changes nothing.";
  c.add_options = add_status_options;
  c.run = run_status;
  return c;
}

}  // namespace bzjira::adapters::cli
