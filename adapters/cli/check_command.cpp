// `bzjira check`: validates a mapping offline (every problem at once) and, with --online, runs
// read-only self-checks against its Bugzilla and Jira, one line each with what to do on failure.
#include <algorithm>
#include <memory>
#include <tuple>
#include <vector>

#include "adapters/cli/command.h"
#include "adapters/cli/inputs.h"
#include "adapters/cli/services.h"
#include "adapters/config/secrets.h"
#include "adapters/tz/tz_zone.h"
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
       "its auth mode, the search scope, the Jira project, issue type, fields and permissions; "
       "nothing is written (default: off)");
}

struct CheckLine {
  std::string name;
  bool ok = false;
  std::string detail;
  std::string what_to_do;
  bool unreachable = false;  // failed because a system could not be reached (exit 3)
};

const char* mode_name(sync::BugzillaAuth auth) {
  return auth == sync::BugzillaAuth::header ? "header" : "query";
}

const char* mode_words(sync::BugzillaAuth auth) {
  return auth == sync::BugzillaAuth::header ? "the X-BUGZILLA-API-KEY header"
                                            : "the api_key query parameter";
}

CheckLine failed_call(const std::string& name, const sync::Error& e, const std::string& url) {
  CheckLine l{name, false, e.message, {}, e.kind == sync::ErrorKind::transient};
  if (l.unreachable) {
    l.what_to_do = "check bugzilla.url (" + url + "), the network and any proxy";
  } else if (e.message.find("TLS certificate verification failed") != std::string::npos) {
    // The key is not the problem here: the advice would send people looking in the wrong place.
    l.what_to_do =
        "point bugzilla.http.ca_bundle at a PEM file with the CA that signed the server's "
        "certificate, or use the host name the certificate names in bugzilla.url";
  } else {
    l.what_to_do = "check bugzilla.url and the API key";
  }
  return l;
}

// The key, and whether the mapping sends it the way this server understands. Upstream Bugzilla
// 5.x has no /rest/whoami and silently ignores the header (docs/bugzilla-api.md#upstream-5x), so
// "the key made no difference" is recognised by trying the other way.
std::vector<CheckLine> check_bugzilla_key(const sync::Mapping& mapping, const std::string& key) {
  const sync::BugzillaSettings& settings = mapping.bugzilla;
  const std::string& url = settings.url;
  sync::BugzillaSettings other_settings = settings;
  other_settings.auth = settings.auth == sync::BugzillaAuth::header ? sync::BugzillaAuth::query
                                                                    : sync::BugzillaAuth::header;
  const std::string set_other =
      std::string("set bugzilla.auth to \"") + mode_name(other_settings.auth) + "\"";
  const std::string new_key = "create an API key at " + url +
                              "/userprefs.cgi?tab=apikey and put it in $" + settings.api_key_env;
  bugzilla::BugzillaClient client(settings, key);
  auto who = client.whoami();
  if (who) {
    std::vector<CheckLine> lines{
        {"Bugzilla API key",
         true,
         "authenticated as " + *who + " (sent in " + mode_words(settings.auth) + ")",
         {}}};
    if (mapping.replies.enabled && !sync::account_in(*who, settings.ca_accounts)) {
      lines.push_back(
          {"Bugzilla reply account", false,
           "replies would be posted as " + *who + ", which is not one of bugzilla.ca_accounts",
           "add " + *who + " to bugzilla.ca_accounts or use a CA account's key"});
    }
    return lines;
  }
  const sync::Error& e = who.error();
  if (e.kind == sync::ErrorKind::not_found) {
    // No whoami: upstream 5.x. Only the query parameter authenticates there, and any request
    // carrying it is refused when the key is bad.
    if (settings.auth == sync::BugzillaAuth::header) {
      return {{"Bugzilla auth mode", false,
               "the server has no /rest/whoami: it is upstream Bugzilla 5.x, which ignores the "
               "X-BUGZILLA-API-KEY header and reads anonymously",
               set_other}};
    }
    auto time = client.server_time();
    if (!time) {
      return {failed_call("Bugzilla API key", time.error(), url)};
    }
    return {{"Bugzilla API key",
             true,
             "accepted as the api_key parameter (upstream Bugzilla 5.x has no /rest/whoami)",
             {}}};
  }
  if (e.kind == sync::ErrorKind::auth) {
    bugzilla::BugzillaClient other(other_settings, key);
    auto other_who = other.whoami();
    if (other_who) {
      return {{"Bugzilla auth mode", false,
               std::string("the key in ") + mode_words(settings.auth) +
                   " is not taken (anonymous), but in " + mode_words(other_settings.auth) +
                   " it authenticates as " + *other_who,
               set_other}};
    }
    return {{"Bugzilla API key", false, e.message, new_key}};
  }
  return {failed_call("Bugzilla", e, url)};
}

std::vector<CheckLine> check_bugzilla(const sync::Mapping& mapping) {
  auto key = config::read_secret(mapping.bugzilla.api_key_env);
  if (!key) {
    return {{"Bugzilla API key", false, key.error().message,
             "export " + mapping.bugzilla.api_key_env + " (or " + mapping.bugzilla.api_key_env +
                 "_FILE naming a file that holds it)"}};
  }
  auto lines = check_bugzilla_key(mapping, *key);
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

int run_online(Io& io, const sync::Mapping& configured) {
  // A person is waiting: one retry is enough to ride out a blip, and a service that is down
  // should not cost minutes of backoff per check.
  sync::Mapping mapping = configured;
  for (sync::HttpSettings* http : {&mapping.bugzilla.http, &mapping.jira.http}) {
    http->max_attempts = std::min(http->max_attempts, 2);
    http->max_retry_seconds = std::min(http->max_retry_seconds, 10);
  }
  std::vector<CheckLine> lines = check_bugzilla(mapping);
  for (CheckLine& l : check_jira(mapping)) {
    lines.push_back(std::move(l));
  }
  int code = k_exit_ok;
  for (const CheckLine& l : lines) {
    io.out << (l.ok ? "ok   " : "FAIL ") << l.name << ": " << l.detail;
    if (!l.ok && !l.what_to_do.empty()) {
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
  return run_online(io, *mapping);
}

}  // namespace

Command check_command() {
  Command c;
  c.name = k_name;
  c.summary = "validate a mapping file";
  c.usage = "check -c MAPPING [--online]";
  c.details =
      "Reads the mapping and reports every problem at once, each with the file and the JSON path\n"
      "(unknown keys, wrong types, bad values, an unknown time zone); offline, no secret is read.\n"
      "With --online, reads the secrets from the environment and checks, one line each, with\n"
      "what to do on failure: the Bugzilla API key and whether bugzilla.auth suits the server,\n"
      "the search scope, and Jira's project, issue type, fields and permissions. Exit 0 when\n"
      "every check passed, 3 when a system could not be reached, else 2.";
  c.add_options = add_check_options;
  c.run = run_check;
  return c;
}

}  // namespace bzjira::adapters::cli
