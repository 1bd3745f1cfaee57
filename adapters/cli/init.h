// The parts of `bzjira init` (init_command.cpp runs them in order): the accounts' report and the
// person's decisions (init_accounts.cpp), the Jira section from what the project allows
// (init_jira.cpp), and the mapping written with its evidence (init_mapping.cpp). Internal to the
// command.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/cli/command.h"
#include "adapters/jira/jira_discovery.h"
#include "sync/account_discovery.h"
#include "sync/mapping.h"
#include "sync/result.h"
#include "sync/time.h"

namespace bzjira::adapters::cli::init {

using Ordered = nlohmann::ordered_json;

// The component that holds the CA's incident bugs, and the one for security-sensitive incidents
// (shared IRG: "CA Security Vulnerability", group ca-program-security).
inline constexpr const char* k_product = "CA Program";
inline constexpr const char* k_compliance = "CA Certificate Compliance";
inline constexpr const char* k_security = "CA Security Vulnerability";

// ---------------------------------------------------------------- the run (init_steps.cpp)

// The command line, checked (init_command.cpp).
struct Options {
  std::string bugzilla_url;
  std::string ca_name;   // without the colon
  std::string jira_url;  // empty: no jira section
  std::string jira_project;
  std::string jira_flavor = "cloud";
  std::string issue_type = "Task";
  std::string time_zone = "UTC";
  std::string output;
  std::string name;
  std::vector<std::string> named_ca;
  std::vector<std::string> named_not_ca;
  bool yes = false;
  bool force = false;
  sync::Instant now{};
};

// The options as a mapping, through the mapping loader: "" when it would load, else its problems
// on one line (a bad URL, name, project key or time zone), before any request is sent.
std::string check_draft(const Options& options);

// Every step after the options: secrets, Bugzilla, accounts (asking on `terminal` when it is not
// null and --yes was not given), Jira, the file, the checks. Returns the exit code.
int run_steps(Io& io, const Options& options, std::istream* terminal);

// ---------------------------------------------------------------- accounts (init_accounts.cpp)

// Accounts known not to speak for any CA, with why: the CCADB's incident-reporting account and
// root-program staff documented as such (extend with --not-ca).
std::vector<sync::KnownAccount> known_accounts();

// Each account with its class, counts, dates and grouped evidence, one block per class.
void print_accounts(std::ostream& out, const std::vector<sync::AccountReport>& accounts);

// One line for a reviewer (the mapping's $comment): class, evidence grouped by kind with bugs and
// comment numbers, counts and dates.
std::string evidence_line(const sync::AccountReport& account);

// Asks, for each uncertain account, whether it speaks for the CA ("y"/"yes" takes it; anything
// else, or the end of input, does not). Returns the logins taken.
std::vector<std::string> ask_uncertain(const std::vector<sync::AccountReport>& accounts,
                                       const std::string& ca_name, std::istream& in,
                                       std::ostream& out);

// What goes into the mapping.
struct AccountChoice {
  std::vector<std::string> ca;       // ca_accounts: strong evidence and accounts a person took
  std::vector<std::string> ignored;  // ignored_accounts: bots that are not the CA
  std::vector<std::string> taken;    // uncertain accounts a person took (subset of ca)
};

AccountChoice choose_accounts(const std::vector<sync::AccountReport>& accounts,
                              const std::vector<std::string>& taken);

// ---------------------------------------------------------------- Jira (init_jira.cpp)

// One finding about the Jira project, as printed: ok, a problem to fix, or a note.
struct Finding {
  enum class Level { ok, fail, note } level = Level::ok;
  std::string text;
  std::string what_to_do;  // for fail
};

struct JiraPlan {
  std::string issue_type;
  std::string deadline_field;  // empty: none
  bool reopen = true;
  std::vector<Finding> findings;
  Ordered notes = Ordered::object();  // the section's $comment: what was found and chosen
  bool failed() const;
};

// The "jira" section's choices from what the project allows: the issue type (`wanted`, when the
// account may create it), Due date on its create screen, the workflow's done and to-do statuses
// (reopen only with a to-do status), a deadline field (a custom date-time field on the create
// screen whose name says "deadline"), the transitions seen on an existing issue.
JiraPlan plan_jira(const jira::ProjectFacts& facts, const std::string& wanted);

// ---------------------------------------------------------------- the mapping (init_mapping.cpp)

struct MappingFacts {
  std::string name;
  std::string ca_name;
  std::string bugzilla_url;
  sync::BugzillaAuth auth = sync::BugzillaAuth::header;
  std::string time_zone;
  std::vector<sync::AccountReport> accounts;
  AccountChoice choice;
  int bugs = 0;                      // incident bugs read
  std::optional<JiraPlan> jira;      // with --jira
  sync::JiraSettings jira_settings;  // url, flavor, project (with --jira)
  std::string written_by;            // "bzjira init 0.1.0 on 2026-12-02T10:00:00Z"
};

// The mapping as JSON, keys in reading order, each account's evidence under bugzilla.$comment.
// Never holds a secret: only the names of the variables that hold them.
Ordered compose_mapping(const MappingFacts& facts);

// Writes `text` to `path` whole or not at all (a temporary file beside it, then a rename; without
// `force` a link that fails when the path exists, so a file made meanwhile is not replaced either).
// Errors: config when the file exists and `force` is off, or it cannot be written.
sync::Status write_mapping_file(const std::string& path, const std::string& text, bool force);

// A mapping name from a file name or a CA name: lower case, [a-z0-9._-], runs of other characters
// made one '-' ("Example CA" -> "example-ca"); empty when nothing is left.
std::string mapping_name_from(const std::string& text);

}  // namespace bzjira::adapters::cli::init
