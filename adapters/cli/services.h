// What the commands that talk to Bugzilla or Jira share: the clients built from a mapping and its
// secrets, the live read of a mapping's bugs, the state file's path, and the exit code of an error.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/bugzilla/bugzilla_client.h"
#include "adapters/cli/command.h"
#include "adapters/jira/jira_client.h"
#include "sync/mapping.h"
#include "sync/model.h"
#include "sync/ports.h"
#include "sync/result.h"

namespace bzjira::adapters::cli {

// The exit code for an error of a live read or a store: transient 3, internal 4, anything else
// (auth, config, rejected, not_found: something a person must fix) 2.
int exit_code_for(const sync::Error& error);

// The Bugzilla client of `mapping`, with the API key from $<bugzilla.api_key_env> (or its _FILE)
// registered as a secret. A missing key is printed, naming the variable and never a value, and
// gives nullptr: the caller exits with 2.
std::unique_ptr<bugzilla::BugzillaClient> make_bugzilla_client(Io& io, const std::string& command,
                                                               const sync::Mapping& mapping);

// The Jira credentials of `mapping`: the token always, the user on Cloud only (Data Center's
// personal access token stands alone). The token is registered as a secret. Missing: printed,
// nullopt.
std::optional<jira::JiraCredentials> read_jira_credentials(Io& io, const std::string& command,
                                                           const sync::Mapping& mapping);

// Which bugs' history a live read fetches (in batches, like the comments).
enum class HistoryFor {
  every_bug,  // the audit and the snapshot: every window back to the first comment
  open_bugs,  // status: a resolved bug owes nothing, whatever its history says
};

// Called with a line for people while a long read goes on; may be empty.
using ProgressFn = std::function<void(const std::string&)>;

// The mapping's bugs in scope, read live: the scoped search (every status the scope allows), the
// history of `history_for`, then all visible comments in batches; each bug is handed to `take` as
// soon as its comments are read (in no set order), so a caller that keeps less than the comments
// holds one answer's bugs at a time. Bugs the search returns outside sync::in_scope() are left
// out, as from a dataset file. Errors: the first failed request's, unchanged; the bugs handed over
// before it are not taken back.
sync::Status stream_bugs_live(sync::BugSource& source, const sync::Mapping& mapping,
                              HistoryFor history_for, const ProgressFn& progress,
                              const std::function<void(sync::BugRecord&&)>& take);

// stream_bugs_live() collected and sorted by bug id; nothing partial is returned.
sync::Result<std::vector<sync::BugRecord>> read_bugs_live(sync::BugSource& source,
                                                          const sync::Mapping& mapping,
                                                          HistoryFor history_for,
                                                          const ProgressFn& progress = {});

// Progress lines on io.err when it is a terminal and the log is text; empty otherwise.
ProgressFn terminal_progress(Io& io, const std::string& command);

// The mapping's bugs for audit, status and snapshot: from --from-file DATASET when given (every bug
// of the file; callers apply the scope), else read_bugs_live() with the mapping's Bugzilla and
// secret, after the key check (BugSource::verify_auth: a server that would read anonymously, a
// refused key or a URL that is no Bugzilla REST API stop the command with exit 2). On failure
// prints why and fails with the command's exit code.
sync::Result<std::vector<sync::BugRecord>, int> read_records(Io& io, const std::string& command,
                                                             const po::variables_map& vm,
                                                             const sync::Mapping& mapping,
                                                             HistoryFor history_for);

// stream_bugs_live() with the mapping's Bugzilla and secret, after the same key check and with
// the same messages as read_records(): the audit's text and JSON reports take each bug as it is
// read. 0, or the command's exit code (printed).
int stream_records_live(Io& io, const std::string& command, const sync::Mapping& mapping,
                        HistoryFor history_for, const std::function<void(sync::BugRecord&&)>& take);

// --state, else the mapping's default (adapters/store default_state_path). Empty when neither
// is known (no home directory): printed, with a hint to give --state.
std::optional<std::string> state_path(Io& io, const std::string& command,
                                      const po::variables_map& vm, const sync::Mapping& mapping);

// The --state option's description, shared by the commands that read the state.
void add_state_option(po::options_description& desc);

}  // namespace bzjira::adapters::cli
