// `bzjira init` after its options: the secrets, Bugzilla (auth mode, the CA's bugs), the accounts
// and the person's decisions, Jira, the file, then `check --online` and `sync --dry-run` on it.
#include <algorithm>
#include <filesystem>
#include <sstream>

#include "adapters/cli/app.h"
#include "adapters/cli/init.h"
#include "adapters/cli/services.h"
#include "adapters/config/mapping_loader.h"
#include "adapters/config/secrets.h"
#include "adapters/http/version.h"

namespace bzjira::adapters::cli::init {

namespace {

constexpr const char* k_name = "init";
// Stands for the accounts in the draft checked before any request (the loader wants one).
constexpr const char* k_draft_account = "draft@bzjira.invalid";
constexpr std::size_t k_plan_lines = 12;

sync::BugzillaSettings bugzilla_settings(const Options& o, sync::BugzillaAuth auth) {
  sync::BugzillaSettings s;
  s.url = o.bugzilla_url;
  s.auth = auth;
  // A person is waiting: a few retries ride out a blip, a service that is down is said quickly.
  s.http.max_attempts = 3;
  s.http.max_retry_seconds = 30;
  return s;
}

sync::JiraSettings jira_settings(const Options& o) {
  sync::JiraSettings s;
  s.url = o.jira_url;
  s.flavor = o.jira_flavor == "cloud" ? sync::JiraFlavor::cloud : sync::JiraFlavor::datacenter;
  s.project = o.jira_project;
  s.issue_type = o.issue_type;
  s.http.max_attempts = 3;
  s.http.max_retry_seconds = 30;
  return s;
}

Ordered draft(const Options& o) {
  Ordered m = {{"name", o.name},
               {"bugzilla",
                {{"url", o.bugzilla_url},
                 {"scope", {{"summary_prefix", o.ca_name + ":"}}},
                 {"ca_accounts", {k_draft_account}}}},
               {"policy", {{"time_zone", o.time_zone}}}};
  if (!o.jira_url.empty()) {
    m["jira"] = {{"url", o.jira_url},
                 {"flavor", o.jira_flavor},
                 {"project", o.jira_project},
                 {"issue_type", o.issue_type}};
  }
  return m;
}

// The loader's JSON paths said as the options that set them.
std::string as_options(std::string line) {
  static const std::pair<const char*, const char*> k_paths[] = {
      {"$.bugzilla.url", "--bugzilla"},           {"$.jira.url", "--jira"},
      {"$.jira.project", "--jira-project"},       {"$.jira.issue_type", "--issue-type"},
      {"$.policy.time_zone", "--time-zone"},      {"$.name", "--name"},
      {"$.bugzilla.scope.summary_prefix", "--ca"}};
  const std::string prefix = "bzjira init: ";
  if (line.rfind(prefix, 0) == 0) {
    line = line.substr(prefix.size());
  }
  for (const auto& [path, option] : k_paths) {
    if (line.rfind(path, 0) == 0) {
      return option + line.substr(std::string(path).size());
    }
  }
  return line;
}

struct Bugzilla {
  std::unique_ptr<bugzilla::BugzillaClient> client;
  sync::BugzillaAuth auth = sync::BugzillaAuth::header;
  std::string said;  // how it authenticated, for people
};

// Which way this server takes the key (check_command.cpp does the same for a mapping): BMO
// answers /rest/whoami with the header; upstream 5.x has no whoami and ignores the header, so it
// gets the api_key parameter, which a bad key makes it refuse on any request.
sync::Result<Bugzilla> connect(const Options& o, const std::string& key) {
  using sync::BugzillaAuth;
  Bugzilla b;
  b.client =
      std::make_unique<bugzilla::BugzillaClient>(bugzilla_settings(o, BugzillaAuth::header), key);
  auto who = b.client->whoami();
  if (who) {
    b.said = "authenticated as " + *who + " (key in the X-BUGZILLA-API-KEY header)";
    return b;
  }
  if (who.error().kind != sync::ErrorKind::not_found && who.error().kind != sync::ErrorKind::auth) {
    return who.error();
  }
  const bool upstream = who.error().kind == sync::ErrorKind::not_found;
  b.auth = BugzillaAuth::query;
  b.client =
      std::make_unique<bugzilla::BugzillaClient>(bugzilla_settings(o, BugzillaAuth::query), key);
  if (upstream) {
    auto time = b.client->server_time();
    if (!time) {
      return time.error();
    }
    b.said =
        "key accepted as the api_key parameter (upstream Bugzilla 5.x: no /rest/whoami, the "
        "header is ignored)";
    return b;
  }
  auto other = b.client->whoami();
  if (!other) {
    return who.error();
  }
  b.said =
      "authenticated as " + *other + " (key as the api_key parameter; the header was not taken)";
  return b;
}

struct Found {
  std::vector<sync::BugRecord> compliance;
  std::vector<sync::BugRecord> security;
};

sync::Result<std::vector<sync::BugRecord>> read_component(bugzilla::BugzillaClient& client,
                                                          const Options& o, sync::BugzillaAuth auth,
                                                          const char* component,
                                                          const ProgressFn& progress) {
  sync::Mapping m;
  m.bugzilla = bugzilla_settings(o, auth);
  m.bugzilla.scope.product = k_product;
  m.bugzilla.scope.component = component;
  m.bugzilla.scope.status = sync::BugStatusScope::all;
  m.bugzilla.scope.summary_prefix = o.ca_name + ":";
  return read_bugs_live(client, m, HistoryFor::every_bug, progress);
}

std::string bugs_line(const std::vector<sync::BugRecord>& records) {
  const auto open = std::count_if(records.begin(), records.end(), [](const sync::BugRecord& r) {
    return !sync::is_resolved_status(r.bug.status);
  });
  return std::to_string(records.size()) + (records.size() == 1 ? " bug" : " bugs") + " (" +
         std::to_string(open) + " open)";
}

void print_findings(std::ostream& out, const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    out << (f.level == Finding::Level::ok     ? "  ok   "
            : f.level == Finding::Level::fail ? "  FAIL "
                                              : "  note ")
        << f.text;
    if (f.level == Finding::Level::fail && !f.what_to_do.empty()) {
      out << " -> " << f.what_to_do;
    }
    out << "\n";
  }
}

// The jira section's plan, or why there is none: Jira could not be read.
JiraPlan plan_from_jira(Io& io, const Options& o, const jira::JiraCredentials& credentials,
                        bool& unreachable) {
  jira::JiraClient client(jira_settings(o), credentials);
  auto facts = client.discover_project(o.issue_type);
  io.out << "\nJira " << o.jira_url << " (" << o.jira_flavor << "), project " << o.jira_project;
  if (!facts) {
    io.out << ":\n";
    JiraPlan plan;
    plan.issue_type = o.issue_type;
    unreachable = facts.error().kind == sync::ErrorKind::transient;
    const std::string todo =
        unreachable ? "check --jira, the network and any proxy, then run bzjira check --online"
        : facts.error().kind == sync::ErrorKind::not_found
            ? "check --jira (the site's base address) and --jira-project (the key), or "
              "--jira-flavor"
            : "check the Jira credentials (BZJIRA_JIRA_USER, BZJIRA_JIRA_TOKEN) and the "
              "account's access to the project";
    plan.findings.push_back({Finding::Level::fail, facts.error().message, todo});
    plan.notes["not_checked"] = "Jira could not be read: " + facts.error().message;
    print_findings(io.out, plan.findings);
    return plan;
  }
  io.out << " (\"" << facts->name << "\"):\n";
  JiraPlan plan = plan_jira(*facts, o.issue_type);
  print_findings(io.out, plan.findings);
  return plan;
}

// The dry run's plan, its first k_plan_lines lines and its summary.
std::string plan_excerpt(const std::string& output) {
  std::string plan;
  std::string summary;
  std::istringstream lines(output);
  std::string line;
  std::size_t planned = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("summary:", 0) == 0) {
      summary += "  " + line + "\n";
    } else if (!line.empty() && ++planned <= k_plan_lines) {
      plan += "  " + line + "\n";
    }
  }
  if (planned > k_plan_lines) {
    plan += "  ... and " + std::to_string(planned - k_plan_lines) + " more lines\n";
  }
  return plan + summary;
}

void print_next_steps(std::ostream& out, const Options& o, bool with_jira) {
  const std::string instance = std::filesystem::path(o.output).stem().string();
  out << "\nNext:\n"
      << "  1. Review " << o.output << ": bugzilla.$comment holds each account's evidence; "
      << "bugzilla.ca_accounts\n     must list every account that speaks for the CA.\n";
  if (!with_jira) {
    out << "  2. Add the jira section: rerun with --jira URL --jira-project KEY --force, or edit "
           "the file.\n";
  }
  out << "  " << (with_jira ? 2 : 3) << ". bzjira check -c " << o.output << " --online\n"
      << "  " << (with_jira ? 3 : 4)
      << ". With the Debian package: secrets in /etc/bzjira/credentials/" << instance
      << ".{bugzilla-api-key,jira-user,jira-token}\n     (root, 0600), the mapping as "
      << "/etc/bzjira/" << instance << ".json, then\n     systemctl enable --now bzjira@"
      << instance << ".timer\n";
}

}  // namespace

std::string check_draft(const Options& o) {
  const auto loaded = config::load_mapping_text(draft(o).dump(), "bzjira init");
  std::string out;
  for (const std::string& problem : loaded.problems) {
    out += (out.empty() ? "" : "; ") + as_options(problem);
  }
  return out;
}

int run_steps(Io& io, const Options& o, std::istream* terminal) {
  // Every secret before the first request: a missing one costs nothing.
  const std::string key_env = sync::BugzillaSettings{}.api_key_env;
  auto key = config::read_secret(key_env);
  if (!key) {
    return fail(io, k_name, "the Bugzilla API key: " + key.error().message, k_exit_usage);
  }
  add_secret(io, *key);
  std::optional<jira::JiraCredentials> credentials;
  if (!o.jira_url.empty()) {
    sync::Mapping m;
    m.jira = jira_settings(o);
    credentials = read_jira_credentials(io, k_name, m);
    if (!credentials) {
      return k_exit_usage;
    }
  }

  auto bz = connect(o, *key);
  if (!bz) {
    const int code = exit_code_for(bz.error());
    return fail(io, k_name, "Bugzilla (" + o.bugzilla_url + "): " + bz.error().message, code);
  }
  io.out << "Bugzilla " << o.bugzilla_url << ": " << bz->said << "\n";
  const ProgressFn progress = terminal_progress(io, k_name);
  Found found;
  for (auto [component, target] :
       {std::pair{k_compliance, &found.compliance}, std::pair{k_security, &found.security}}) {
    auto records = read_component(*bz->client, o, bz->auth, component, progress);
    if (!records) {
      const int code = exit_code_for(records.error());
      return fail(io, k_name, "Bugzilla (" + o.bugzilla_url + "): " + records.error().message,
                  code);
    }
    *target = std::move(*records);
  }
  for (const std::string& problem : bz->client->problems()) {
    warn(io, k_name, "Bugzilla: skipped a bug that could not be read: " + problem);
  }
  io.out << k_product << " :: " << k_compliance << ": " << bugs_line(found.compliance)
         << " whose summary starts with \"" << o.ca_name << ":\"\n"
         << k_product << " :: " << k_security << ": ";
  if (found.security.empty()) {
    io.out << "none this key can see (security-sensitive incidents need an account in "
              "ca-program-security)\n";
  } else {
    io.out << bugs_line(found.security)
           << ": their accounts count as evidence; the mapping's scope is " << k_compliance
           << " (one component per mapping: track these with a second mapping and Jira project)\n";
  }

  sync::DiscoveryInput input;
  input.ca_name = o.ca_name;
  input.bugs = found.compliance;
  input.bugs.insert(input.bugs.end(), found.security.begin(), found.security.end());
  input.known = known_accounts();
  input.named_ca = o.named_ca;
  input.named_not_ca = o.named_not_ca;
  if (input.bugs.empty() && o.named_ca.empty()) {
    return fail(io, k_name,
                "no incident bug has a summary starting with \"" + o.ca_name +
                    ":\", so there is no account to find: check --ca against the CA Owner name in "
                    "the CCADB, or name the CA's accounts with --ca-account LOGIN",
                k_exit_usage);
  }
  const std::vector<sync::AccountReport> accounts = sync::discover_accounts(input);
  io.out << "\n"
         << accounts.size() << " accounts commented, set or were asked a flag, or changed "
         << "these bugs:\n";
  print_accounts(io.out, accounts);

  const auto uncertain = std::count_if(accounts.begin(), accounts.end(), [](const auto& a) {
    return a.verdict == sync::AccountClass::uncertain;
  });
  std::vector<std::string> taken;
  if (uncertain > 0 && !o.yes && terminal != nullptr) {
    io.out << "\nDecide on the " << uncertain << " uncertain accounts (y: it speaks for "
           << o.ca_name << "; Enter or n: it does not):\n";
    taken = ask_uncertain(accounts, o.ca_name, *terminal, io.out);
  } else if (uncertain > 0) {
    io.out << "\nnote: " << uncertain << " uncertain accounts left out ("
           << (o.yes ? "--yes" : "standard input is not a terminal")
           << "): decide on a terminal without --yes, or name them with --ca-account\n";
  }
  const AccountChoice choice = choose_accounts(accounts, taken);
  if (choice.ca.empty()) {
    return fail(io, k_name,
                "no account speaks for " + o.ca_name +
                    " with strong evidence and none was taken: name the CA's accounts with "
                    "--ca-account LOGIN (nothing written)",
                k_exit_usage);
  }

  bool jira_unreachable = false;
  std::optional<JiraPlan> plan;
  if (credentials) {
    plan = plan_from_jira(io, o, *credentials, jira_unreachable);
  }

  MappingFacts facts;
  facts.name = o.name;
  facts.ca_name = o.ca_name;
  facts.bugzilla_url = o.bugzilla_url;
  facts.auth = bz->auth;
  facts.time_zone = o.time_zone;
  facts.accounts = accounts;
  facts.choice = choice;
  facts.bugs = static_cast<int>(input.bugs.size());
  facts.jira = plan;
  facts.jira_settings = jira_settings(o);
  facts.written_by =
      "bzjira init " + std::string(http::k_version) + " on " + sync::format_rfc3339(o.now);
  const std::string text = compose_mapping(facts).dump(2) + "\n";
  const auto loaded = config::load_mapping_text(text, o.output);
  if (!loaded.problems.empty()) {
    for (const std::string& p : loaded.problems) {
      diagnostic(io, Severity::error, "mapping_problem", p);
    }
    return fail(io, k_name, "the proposed mapping does not load (a bug: please report it)",
                k_exit_internal);
  }
  if (auto written = write_mapping_file(o.output, text, o.force); !written) {
    return fail(io, k_name, written.error().message, k_exit_usage);
  }
  io.out << "\nWrote " << o.output << ": " << choice.ca.size() << " CA accounts ("
         << choice.taken.size() << " taken by you), " << choice.ignored.size()
         << (choice.ignored.size() == 1 ? " ignored bot" : " ignored bots")
         << (plan ? ", Jira project " + o.jira_project : std::string()) << "\n";

  int code = k_exit_ok;
  if (plan) {
    code = jira_unreachable ? k_exit_unreachable : plan->failed() ? k_exit_usage : k_exit_ok;
    io.out << "\nChecks (bzjira check -c " << o.output << " --online):\n";
    io.out.flush();
    code = std::max(
        code, run_nested({"check", "-c", o.output, "--online", "--log-level", "warning"}, io));
    std::ostringstream plan_text;
    Io quiet{plan_text, io.err, io.clock};
    quiet.json_log = io.json_log;
    quiet.secrets = io.secrets;
    const int dry = run_nested({"sync", "-c", o.output, "--dry-run", "--now",
                                sync::format_rfc3339(o.now), "--log-level", "warning"},
                               quiet);
    io.out << "\nFirst run (bzjira sync -c " << o.output << " --dry-run; nothing was changed):\n"
           << plan_excerpt(plan_text.str());
    code = std::max(code, dry);
  }
  print_next_steps(io.out, o, plan.has_value());
  io.out.flush();
  return code;
}

}  // namespace bzjira::adapters::cli::init
