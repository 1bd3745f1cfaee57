#include "adapters/cli/services.h"

#include <algorithm>

#include <boost/program_options.hpp>

#include "adapters/cli/bulk_heap.h"
#include "adapters/cli/inputs.h"
#include "adapters/config/secrets.h"
#include "adapters/store/sqlite_store.h"
#include "sync/audit.h"

namespace bzjira::adapters::cli {

int exit_code_for(const sync::Error& error) {
  switch (error.kind) {
    case sync::ErrorKind::transient:
      return k_exit_unreachable;
    case sync::ErrorKind::internal:
      return k_exit_internal;
    case sync::ErrorKind::rejected:
    case sync::ErrorKind::not_found:
    case sync::ErrorKind::auth:
    case sync::ErrorKind::config:
      break;
  }
  return k_exit_usage;
}

namespace {

// read_secret's messages name the variable and never the value.
std::optional<std::string> secret(Io& io, const std::string& command, const std::string& what,
                                  const std::string& env_name) {
  auto value = config::read_secret(env_name);
  if (!value) {
    fail(io, command, what + ": " + value.error().message, k_exit_usage);
    return std::nullopt;
  }
  add_secret(io, *value);
  return std::move(*value);
}

}  // namespace

std::unique_ptr<bugzilla::BugzillaClient> make_bugzilla_client(Io& io, const std::string& command,
                                                               const sync::Mapping& mapping) {
  const auto key = secret(io, command, "the Bugzilla API key", mapping.bugzilla.api_key_env);
  if (!key) {
    return nullptr;
  }
  return std::make_unique<bugzilla::BugzillaClient>(mapping.bugzilla, *key);
}

std::optional<jira::JiraCredentials> read_jira_credentials(Io& io, const std::string& command,
                                                           const sync::Mapping& mapping) {
  jira::JiraCredentials credentials;
  if (mapping.jira.flavor == sync::JiraFlavor::cloud) {
    auto user = config::read_secret(mapping.jira.user_env);
    if (!user) {
      fail(io, command, "the Jira user (the account's e-mail): " + user.error().message,
           k_exit_usage);
      return std::nullopt;
    }
    // The account's e-mail is no secret (and redacting it would garble messages naming it); the
    // client redacts the Basic credentials it is part of.
    credentials.user = std::move(*user);
  }
  auto token = secret(io, command, "the Jira API token", mapping.jira.token_env);
  if (!token) {
    return std::nullopt;
  }
  credentials.token = std::move(*token);
  return credentials;
}

sync::Result<std::vector<sync::BugRecord>> read_bugs_live(sync::BugSource& source,
                                                          const sync::Mapping& mapping,
                                                          HistoryFor history_for,
                                                          const ProgressFn& progress) {
  const auto say = [&](const std::string& line) {
    if (progress) {
      progress(line);
    }
  };
  say("Bugzilla: searching the mapping's bugs");
  auto found = source.search_bugs(mapping.bugzilla.scope, std::nullopt);
  if (!found) {
    return found.error();
  }
  std::vector<sync::BugRecord> records;
  std::vector<sync::BugId> ids;
  for (sync::Bug& bug : *found) {
    if (!sync::in_scope(bug, mapping.bugzilla.scope)) {
      continue;
    }
    ids.push_back(bug.id);
    sync::BugRecord record;
    record.bug = std::move(bug);
    records.push_back(std::move(record));
  }
  std::sort(records.begin(), records.end(),
            [](const sync::BugRecord& a, const sync::BugRecord& b) { return a.bug.id < b.bug.id; });
  if (records.empty()) {
    return records;
  }
  say("Bugzilla: reading the comments of " + std::to_string(records.size()) + " bugs");
  auto comments = source.comments(ids, std::nullopt);
  if (!comments) {
    return comments.error();
  }
  std::vector<sync::BugId> wanted;
  for (sync::BugRecord& record : records) {
    record.comments = std::move((*comments)[record.bug.id]);
    if (history_for == HistoryFor::every_bug || !sync::is_resolved_status(record.bug.status)) {
      wanted.push_back(record.bug.id);
    }
  }
  if (wanted.empty()) {
    return records;
  }
  // Batched like the comments (a few requests, not one per bug).
  say("Bugzilla: reading the history of " + std::to_string(wanted.size()) + " bugs");
  auto histories = source.histories(wanted);
  if (!histories) {
    return histories.error();
  }
  for (sync::BugRecord& record : records) {
    if (auto it = histories->find(record.bug.id); it != histories->end()) {
      record.history = std::move(it->second);
    }
  }
  return records;
}

ProgressFn terminal_progress(Io& io, const std::string& command) {
  if (!io.err_is_terminal || io.json_log) {
    return {};
  }
  return [&io, command](const std::string& line) {
    io.err << "bzjira " << command << ": " << line << "\n";
    io.err.flush();
  };
}

sync::Result<std::vector<sync::BugRecord>, int> read_records(Io& io, const std::string& command,
                                                             const po::variables_map& vm,
                                                             const sync::Mapping& mapping,
                                                             HistoryFor history_for) {
  prepare_bulk_heap();
  if (vm.count("from-file") != 0) {
    auto loaded = load_dataset(io, command, vm["from-file"].as<std::string>());
    if (!loaded) {
      return k_exit_usage;
    }
    return std::move(*loaded);
  }
  auto client = make_bugzilla_client(io, command, mapping);
  if (!client) {
    return k_exit_usage;
  }
  // Never a silently anonymous view: it would leave restricted (security) bugs out.
  if (auto auth = client->verify_auth(); !auth) {
    const int code = exit_code_for(auth.error());
    fail(io, command, "Bugzilla (" + mapping.bugzilla.url + "): " + auth.error().message, code);
    return code;
  }
  auto records = read_bugs_live(*client, mapping, history_for, terminal_progress(io, command));
  for (const std::string& problem : client->problems()) {
    warn(io, command, "Bugzilla: skipped a bug that could not be read: " + problem);
  }
  if (!records) {
    const int code = exit_code_for(records.error());
    fail(io, command, "Bugzilla (" + mapping.bugzilla.url + "): " + records.error().message, code);
    return code;
  }
  return std::move(*records);
}

void add_state_option(po::options_description& desc) {
  desc.add_options()  //
      ("state", po::value<std::string>()->value_name("PATH"),
       "the state database (default: $STATE_DIRECTORY/<name>.db, else "
       "$XDG_STATE_HOME/bzjira/<name>.db, else ~/.local/state/bzjira/<name>.db; <name> is the "
       "mapping's name)");
}

std::optional<std::string> state_path(Io& io, const std::string& command,
                                      const po::variables_map& vm, const sync::Mapping& mapping) {
  if (vm.count("state") != 0) {
    return vm["state"].as<std::string>();
  }
  std::string path = store::default_state_path(mapping.name);
  if (path.empty()) {
    fail(io, command, "no home directory is known to keep the state in: give --state PATH",
         k_exit_usage);
    return std::nullopt;
  }
  return path;
}

}  // namespace bzjira::adapters::cli
