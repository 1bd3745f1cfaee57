#include "adapters/cli/services.h"

#include <algorithm>
#include <map>

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

sync::Status stream_bugs_live(sync::BugSource& source, const sync::Mapping& mapping,
                              HistoryFor history_for, const ProgressFn& progress,
                              const std::function<void(sync::BugRecord&&)>& take) {
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
  // Each bug waits here for its comments, the last of its parts to be read.
  std::map<sync::BugId, sync::BugRecord> waiting;
  std::vector<sync::BugId> wanted;  // whose history is read
  for (sync::Bug& bug : *found) {
    if (!sync::in_scope(bug, mapping.bugzilla.scope)) {
      continue;
    }
    if (history_for == HistoryFor::every_bug || !sync::is_resolved_status(bug.status)) {
      wanted.push_back(bug.id);
    }
    const sync::BugId id = bug.id;
    sync::BugRecord record;
    record.bug = std::move(bug);
    waiting.insert_or_assign(id, std::move(record));
  }
  found->clear();
  if (waiting.empty()) {
    return sync::ok_status();
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  if (!wanted.empty()) {
    // Batched like the comments (a few requests, not one per bug), and read first: histories are
    // small, so each bug can be handed over as soon as its comments arrive.
    say("Bugzilla: reading the history of " + std::to_string(wanted.size()) + " bugs");
    auto histories = source.histories(wanted);
    if (!histories) {
      return histories.error();
    }
    for (auto& [id, entries] : *histories) {
      if (auto it = waiting.find(id); it != waiting.end()) {
        it->second.history = std::move(entries);
      }
    }
  }
  std::vector<sync::BugId> ids;
  ids.reserve(waiting.size());
  for (const auto& entry : waiting) {
    ids.push_back(entry.first);
  }
  say("Bugzilla: reading the comments of " + std::to_string(ids.size()) + " bugs");
  auto read = source.comments_by_batch(ids, std::nullopt,
                                       [&](sync::BugSource::CommentBatch&& batch) -> sync::Status {
                                         for (auto& [id, comments] : batch) {
                                           auto it = waiting.find(id);
                                           if (it == waiting.end()) {
                                             continue;  // not asked for, or already handed over
                                           }
                                           it->second.comments = std::move(comments);
                                           take(std::move(it->second));
                                           waiting.erase(it);
                                         }
                                         return sync::ok_status();
                                       });
  if (!read.ok()) {
    return read;
  }
  // comments_by_batch names every requested id; a source that left one out gets it with none.
  for (auto& entry : waiting) {
    take(std::move(entry.second));
  }
  return sync::ok_status();
}

sync::Result<std::vector<sync::BugRecord>> read_bugs_live(sync::BugSource& source,
                                                          const sync::Mapping& mapping,
                                                          HistoryFor history_for,
                                                          const ProgressFn& progress) {
  std::vector<sync::BugRecord> records;
  auto read =
      stream_bugs_live(source, mapping, history_for, progress,
                       [&](sync::BugRecord&& record) { records.push_back(std::move(record)); });
  if (!read.ok()) {
    return read.error();
  }
  std::sort(records.begin(), records.end(),
            [](const sync::BugRecord& a, const sync::BugRecord& b) { return a.bug.id < b.bug.id; });
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

namespace {

// The mapping's Bugzilla client after the key check (BugSource::verify_auth), or the exit code.
sync::Result<std::unique_ptr<bugzilla::BugzillaClient>, int> checked_client(
    Io& io, const std::string& command, const sync::Mapping& mapping) {
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
  return client;
}

// The skipped bugs' warnings, then the read's failure, if any: its exit code, else 0.
int report_live_read(Io& io, const std::string& command, const sync::Mapping& mapping,
                     const bugzilla::BugzillaClient& client, const sync::Status& read) {
  for (const std::string& problem : client.problems()) {
    warn(io, command, "Bugzilla: skipped a bug that could not be read: " + problem);
  }
  if (!read.ok()) {
    const int code = exit_code_for(read.error());
    fail(io, command, "Bugzilla (" + mapping.bugzilla.url + "): " + read.error().message, code);
    return code;
  }
  return k_exit_ok;
}

}  // namespace

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
  auto client = checked_client(io, command, mapping);
  if (!client) {
    return client.error();
  }
  auto records =
      read_bugs_live(*client.value(), mapping, history_for, terminal_progress(io, command));
  const int code = report_live_read(io, command, mapping, *client.value(),
                                    records ? sync::ok_status() : sync::Status(records.error()));
  if (code != k_exit_ok) {
    return code;
  }
  return std::move(*records);
}

int stream_records_live(Io& io, const std::string& command, const sync::Mapping& mapping,
                        HistoryFor history_for,
                        const std::function<void(sync::BugRecord&&)>& take) {
  prepare_bulk_heap();
  auto client = checked_client(io, command, mapping);
  if (!client) {
    return client.error();
  }
  const sync::Status read =
      stream_bugs_live(*client.value(), mapping, history_for, terminal_progress(io, command), take);
  return report_live_read(io, command, mapping, *client.value(), read);
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
