// `bzjira check`: validates a mapping offline (every problem at once) and, with --online, runs
// read-only self-checks against its Bugzilla and Jira, one line each with what to do on failure.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <tuple>
#include <vector>

#include <boost/program_options.hpp>

#include "adapters/cli/command.h"
#include "adapters/cli/inputs.h"
#include "adapters/cli/services.h"
#include "adapters/config/secrets.h"
#include "adapters/store/sqlite_store.h"
#include "adapters/tz/tz_zone.h"
#include "sync/auth_check.h"
#include "sync/obligations.h"

namespace bzjira::adapters::cli {

namespace {

constexpr const char* k_name = "check";

void add_check_options(po::options_description& desc) {
  desc.add_options()  //
      ("config,c", po::value<std::string>()->value_name("MAPPING")->required(),
       "the mapping file to validate (JSON; required)")  //
      ("online",
       "also check Bugzilla and Jira with the secrets from the environment: the API key and "
       "its auth mode, the reply account, the search scope, the Jira project, issue type, "
       "fields and permissions; nothing is written (default: off)");
  add_state_option(desc);
}

struct CheckLine {
  std::string name;
  bool ok = false;
  std::string detail;
  std::string what_to_do;
  bool unreachable = false;  // failed because a system could not be reached (exit 3)
  bool warning = false;      // ok, but worth knowing ("warn"): does not change the exit code
};

CheckLine failed_call(const std::string& name, const sync::Error& e, const std::string& url) {
  CheckLine l{name, false, e.message, {}, e.kind == sync::ErrorKind::transient};
  if (l.unreachable) {
    l.what_to_do = "check bugzilla.url (" + url + "), the network and any proxy";
  } else if (e.message.find("TLS certificate verification failed") != std::string::npos) {
    // The key is not the problem here: the advice would send people looking in the wrong place.
    l.what_to_do =
        "point bugzilla.http.ca_bundle at a PEM file with the CA that signed the server's "
        "certificate, or use the host name the certificate names in bugzilla.url";
  } else if (e.kind == sync::ErrorKind::config) {
    l.what_to_do = "check bugzilla.url: the base of the Bugzilla site, without /rest";
  } else {
    l.what_to_do = "check bugzilla.url and the API key";
  }
  return l;
}

// The reply account (who replies are posted as), when replies are enabled: the key's login from
// whoami, else replies.account, else what an earlier sync learned from a reply it read back.
std::vector<CheckLine> check_reply_account(const sync::Mapping& mapping, const std::string& whoami,
                                           const std::string& learned) {
  const sync::RepliesSettings& replies = mapping.replies;
  if (!replies.enabled) {
    return {};
  }
  const std::string name = "Bugzilla reply account";
  if (!whoami.empty() && !replies.account.empty() && !sync::account_in(whoami, {replies.account})) {
    return {{name, false,
             "replies.account says " + replies.account + ", but the key authenticates as " + whoami,
             "set replies.account to " + whoami + " (or leave it out: whoami says it)"}};
  }
  const std::string login =
      !whoami.empty() ? whoami : (!replies.account.empty() ? replies.account : learned);
  if (login.empty()) {
    return {{name, true,
             "unknown: this server cannot say whom the key belongs to (upstream Bugzilla 5.x has "
             "no whoami); sync learns it from the first reply it reads back",
             "set replies.account to the key's login to check it now", false, true}};
  }
  if (!sync::account_in(login, mapping.bugzilla.ca_accounts)) {
    return {{name, false,
             "replies are posted as " + login +
                 ", which is not one of bugzilla.ca_accounts: they do not count as the CA's "
                 "answer, and the Jira issue stays open after the reply",
             "add " + login +
                 " to bugzilla.ca_accounts if it speaks for the CA, or use a CA account's key"}};
  }
  return {{name,
           true,
           "replies are posted as " + login +
               ", one of bugzilla.ca_accounts: they answer the "
               "obligations they reply to",
           {}}};
}

// The key, and whether the mapping sends it the way this server understands (sync/ports.h
// verify_auth: upstream Bugzilla 5.x has no /rest/whoami and silently ignores the header).
std::vector<CheckLine> check_bugzilla_key(const sync::Mapping& mapping, const std::string& key,
                                          const std::string& learned_account) {
  const sync::BugzillaSettings& settings = mapping.bugzilla;
  const std::string& url = settings.url;
  bugzilla::BugzillaClient client(settings, key);
  auto found = client.verify_auth();
  if (!found) {
    const sync::Error& e = found.error();
    if (e.kind == sync::ErrorKind::auth) {
      return {{"Bugzilla API key", false, e.message,
               "create an API key at " + url + "/userprefs.cgi?tab=apikey and put it in $" +
                   settings.api_key_env}};
    }
    const std::size_t advice = e.message.find("; set bugzilla.auth");
    if (e.kind == sync::ErrorKind::config && advice != std::string::npos) {
      return {
          {"Bugzilla auth mode", false, e.message.substr(0, advice), e.message.substr(advice + 2)}};
    }
    return {failed_call("Bugzilla API key", e, url)};
  }
  std::vector<CheckLine> lines{{"Bugzilla API key", true, found->detail, {}}};
  if (found->mode == sync::BugzillaAuth::query) {
    CheckLine l{"Bugzilla API key in URLs",
                true,
                "sent as the api_key parameter, the key is part of every request URL and ends up "
                "in the server's access log (and any proxy's)",
                "use a dedicated bot account's key; prefer the header where the server takes it",
                false,
                true};
    if (settings.auth == sync::BugzillaAuth::query) {
      // Does this server take the header (bugzilla.mozilla.org does)? Then say so.
      sync::BugzillaSettings header_settings = settings;
      header_settings.auth = sync::BugzillaAuth::header;
      bugzilla::BugzillaClient header_client(header_settings, key);
      if (header_client.whoami()) {
        l.detail += "; this server also takes the X-BUGZILLA-API-KEY header";
        l.what_to_do = "set bugzilla.auth to \"header\" (or \"auto\")";
      }
    }
    lines.push_back(std::move(l));
  }
  for (CheckLine& l : check_reply_account(mapping, found->login, learned_account)) {
    lines.push_back(std::move(l));
  }
  return lines;
}

std::vector<CheckLine> check_bugzilla(const sync::Mapping& mapping,
                                      const std::string& learned_account) {
  auto key = config::read_secret(mapping.bugzilla.api_key_env);
  if (!key) {
    return {{"Bugzilla API key", false, key.error().message,
             "export " + mapping.bugzilla.api_key_env + " (or " + mapping.bugzilla.api_key_env +
                 "_FILE naming a file that holds it)"}};
  }
  auto lines = check_bugzilla_key(mapping, *key, learned_account);
  const bool reachable = !lines.empty() && !lines.front().unreachable;
  if (reachable) {
    bugzilla::BugzillaClient client(mapping.bugzilla, *key);
    auto found = client.search_bugs(mapping.bugzilla.scope, std::nullopt);
    if (!found) {
      lines.push_back(failed_call("Bugzilla search scope", found.error(), mapping.bugzilla.url));
    } else {
      const auto n = found->size();
      lines.push_back({"Bugzilla search scope",
                       true,
                       std::to_string(n) + (n == 1 ? " bug matches" : " bugs match") +
                           (n == 0 ? " (a new CA may have none; else check bugzilla.scope)" : ""),
                       {}});
    }
  }
  return lines;
}

std::vector<CheckLine> check_jira(const sync::Mapping& mapping) {
  jira::JiraCredentials credentials;
  for (const auto& [env, target, cloud_only] :
       {std::tuple{mapping.jira.user_env, &credentials.user, true},
        std::tuple{mapping.jira.token_env, &credentials.token, false}}) {
    if (cloud_only && mapping.jira.flavor != sync::JiraFlavor::cloud) {
      continue;
    }
    auto value = config::read_secret(env);
    if (!value) {
      return {{"Jira credentials", false, value.error().message,
               "export " + env + " (or " + env + "_FILE naming a file that holds it)"}};
    }
    *target = std::move(*value);
  }
  jira::JiraClient client(mapping.jira, credentials);
  std::vector<CheckLine> lines;
  for (jira::SelfCheck& c : client.self_check()) {
    lines.push_back({std::move(c.name), c.ok, std::move(c.detail), std::move(c.what_to_do)});
  }
  return lines;
}

// The reply account an earlier sync learned (sync/auth_check.h), from the state when it exists.
std::string learned_reply_account(Io& io, const po::variables_map& vm,
                                  const sync::Mapping& mapping) {
  if (!mapping.replies.enabled) {
    return {};
  }
  const auto path = vm.count("state") != 0 ? vm["state"].as<std::string>()
                                           : store::default_state_path(mapping.name);
  std::error_code ec;
  if (path.empty() || !std::filesystem::exists(path, ec)) {
    return {};
  }
  auto state = store::SqliteStore::open(path);
  if (!state) {
    warn(io, k_name, "the state could not be read: " + state.error().message);
    return {};
  }
  auto learned = (*state)->get_meta(sync::reply_account_key(mapping));
  return learned && *learned ? **learned : std::string();
}

int run_online(Io& io, const po::variables_map& vm, const sync::Mapping& configured) {
  // A person is waiting: one retry is enough to ride out a blip, and a service that is down
  // should not cost minutes of backoff per check.
  sync::Mapping mapping = configured;
  for (sync::HttpSettings* http : {&mapping.bugzilla.http, &mapping.jira.http}) {
    http->max_attempts = std::min(http->max_attempts, 2);
    http->max_retry_seconds = std::min(http->max_retry_seconds, 10);
  }
  std::vector<CheckLine> lines = check_bugzilla(mapping, learned_reply_account(io, vm, mapping));
  for (CheckLine& l : check_jira(mapping)) {
    lines.push_back(std::move(l));
  }
  int code = k_exit_ok;
  for (const CheckLine& l : lines) {
    io.out << (!l.ok ? "FAIL " : l.warning ? "warn " : "ok   ") << l.name << ": " << l.detail;
    if ((!l.ok || l.warning) && !l.what_to_do.empty()) {
      io.out << " -> " << l.what_to_do;
    }
    io.out << "\n";
    if (!l.ok) {
      code = std::max(code, l.unreachable ? k_exit_unreachable : k_exit_usage);
    }
  }
  io.out.flush();
  return code;
}

int run_check(const po::variables_map& vm, Io& io) {
  const auto mapping = load_mapping(io, k_name, vm["config"].as<std::string>());
  if (!mapping) {
    return k_exit_usage;
  }
  // The loader checks the zone too; asking again keeps this line honest if that ever changes.
  const auto zone = tz::make_zone(mapping->policy.time_zone);
  if (!zone) {
    diagnostic(io, Severity::error, "mapping_problem",
               mapping->source_path + ": $.policy.time_zone: " + zone.error().message);
    return k_exit_usage;
  }
  const auto accounts = mapping->bugzilla.ca_accounts.size();
  io.out << "mapping OK: " << mapping->name << " (" << accounts
         << (accounts == 1 ? " CA account" : " CA accounts") << ", zone " << (*zone)->name()
         << ")\n";
  if (vm.count("online") == 0) {
    return k_exit_ok;
  }
  return run_online(io, vm, *mapping);
}

}  // namespace

Command check_command() {
  Command c;
  c.name = k_name;
  c.summary = "validate a mapping file";
  c.usage = "check -c MAPPING [--online [--state PATH]]";
  c.details =
      "Reads the mapping and reports every problem at once, each with the file and the JSON path\n"
      "(unknown keys, wrong types, bad values, an unknown time zone); offline, no secret is read.\n"
      "With --online, reads the secrets from the environment and checks, one line each, with\n"
      "what to do on failure: the Bugzilla API key and whether bugzilla.auth suits the server\n"
      "(a key in URLs is named: it ends up in access logs), the reply account when replies are\n"
      "enabled (its replies count only if it is one of the CA's accounts), the search scope, and\n"
      "Jira's project, issue type, fields and permissions. \"warn\" lines are worth knowing but\n"
      "pass. Exit 0 when every check passed, 3 when a system could not be reached, else 2.";
  c.add_options = add_check_options;
  c.run = run_check;
  return c;
}

}  // namespace bzjira::adapters::cli
