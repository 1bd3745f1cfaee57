// One project's configuration ("mapping"), as plain data. adapters/config loads and validates it
// from JSON (mappings/README.md documents every key); the core only reads it. Defaults here are the
// documented defaults. Secrets are never stored here: only the names of environment variables.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bzjira::sync {

// Settings every HTTP client honours.
struct HttpSettings {
  int connect_timeout_seconds = 10;
  int request_timeout_seconds = 60;
  int max_attempts = 5;              // including the first try
  int max_retry_seconds = 120;       // total time budget for retries of one request
  std::string ca_bundle;             // PEM file; empty = system trust store
  bool allow_insecure_http = false;  // http:// to a non-loopback host
  int concurrency = 4;               // independent requests in flight at once
};

// How the API key is sent: the X-BUGZILLA-API-KEY header (bugzilla.mozilla.org), the api_key
// query parameter (upstream Bugzilla 5.x, which ignores the header), or `automatic` ("auto"): the
// header where the server takes it, else the parameter (found out once, remembered in the state).
enum class BugzillaAuth { header, query, automatic };
enum class BugStatusScope { open, closed, all };

struct BugScope {
  std::string product = "CA Program";
  std::string component = "CA Certificate Compliance";
  BugStatusScope status = BugStatusScope::all;  // open + recently resolved, so closes are seen
  std::string whiteboard;                       // substring; empty = any
  std::string summary_prefix;                   // e.g. "Example CA:"; empty = any
  std::string assignee;                         // login; empty = any
};

struct BugzillaSettings {
  std::string url;  // base, e.g. https://bugzilla.mozilla.org (no /rest)
  std::string api_key_env = "BZJIRA_BUGZILLA_API_KEY";  // also <name>_FILE
  // A mapping that leaves "auth" out keeps the header (never a key in URLs it did not ask for);
  // new mappings say "auto".
  BugzillaAuth auth = BugzillaAuth::header;
  BugScope scope;
  std::vector<std::string> ca_accounts;       // who speaks for the CA (never guessed)
  std::vector<std::string> ignored_accounts;  // bots: start and satisfy nothing
  HttpSettings http;
};

enum class JiraFlavor { cloud, datacenter };

struct JiraSettings {
  std::string url;
  JiraFlavor flavor = JiraFlavor::cloud;
  std::string user_env = "BZJIRA_JIRA_USER";    // Cloud: account e-mail; unused on Data Center
  std::string token_env = "BZJIRA_JIRA_TOKEN";  // Cloud API token or Data Center PAT; also _FILE
  std::string project;                          // key, e.g. "CAINC"
  std::string issue_type = "Task";
  std::vector<std::string> labels;  // extra labels on every issue
  std::string deadline_field;       // e.g. "customfield_10050"; empty = none
  std::vector<std::string> dismissed_resolutions = {"Won't Do", "Duplicate"};
  bool reopen = true;               // reopen an issue closed by hand while still owed
  std::string close_transition;     // name; empty = any transition to status category "done"
  std::string reopen_transition;    // name; empty = any transition to status category "new"
  std::string resolution = "Done";  // sent when the close transition's screen has the field
  HttpSettings http;
};

enum class OneIssuePer { obligation, bug };

struct PolicySettings {
  std::string rules = "irg-3.2";
  int response_days = 7;           // questions and needinfo
  int update_days = 7;             // update cadence without a Next update date
  int revocation_should_days = 3;  // revocation-delay SHOULD
  int revocation_must_days = 7;    // revocation-delay MUST
  bool full_report = false;        // the optional 14-day full report rule
  int full_report_days = 14;
  std::string time_zone = "UTC";  // IANA name, for Jira due dates and display
  int lead_days = 0;              // due date this many days before the last safe day
  OneIssuePer one_issue_per = OneIssuePer::obligation;
  bool copy_private_text = false;  // copy private comment text into Jira
  std::string closure_account = "incident-reporting@ccadb.org";
};

struct RepliesSettings {
  bool enabled = false;
  std::string marker = "#bugzilla";
  bool clear_needinfo = false;
  // The Bugzilla login replies are posted as, where the server cannot say (upstream 5.x has no
  // whoami); empty = unknown until whoami answers or the first reply is read back.
  std::string account;
};

struct Mapping {
  std::string name;         // short id, used for the state file name and logs
  std::string source_path;  // file it was loaded from (for messages)
  BugzillaSettings bugzilla;
  JiraSettings jira;
  PolicySettings policy;
  RepliesSettings replies;
};

}  // namespace bzjira::sync
