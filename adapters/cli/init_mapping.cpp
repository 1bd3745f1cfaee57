// `bzjira init`: the mapping it proposes, as JSON in reading order with each account's evidence
// in bugzilla.$comment (mappings/README.md: "$comment" may hold any value, in any object), and the
// file written whole, never over an existing one unless asked.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "adapters/cli/init.h"

namespace bzjira::adapters::cli::init {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Why an account is where the mapping puts it (or why it is left out), for a reviewer.
std::string standing(const sync::AccountReport& a, const AccountChoice& choice) {
  switch (a.verdict) {
    case sync::AccountClass::ca:
      return "speaks for the CA (strong evidence)";
    case sync::AccountClass::uncertain:
      return contains(choice.taken, a.login) ? "taken by a person (uncertain evidence)"
                                             : "left out: uncertain evidence, not taken";
    case sync::AccountClass::not_ca:
      return contains(choice.ignored, a.login) ? "not the CA; a bot: its comments are ignored"
                                               : "not the CA";
    case sync::AccountClass::unknown:
      return "left out: no evidence either way";
  }
  return "";
}

Ordered bugzilla_section(const MappingFacts& f) {
  Ordered ca = Ordered::object();
  Ordered ignored = Ordered::object();
  Ordered others = Ordered::object();
  for (const sync::AccountReport& a : f.accounts) {
    const std::string line = standing(a, f.choice) + ". " + evidence_line(a);
    if (contains(f.choice.ca, a.login)) {
      ca[a.login] = line;
    } else if (contains(f.choice.ignored, a.login)) {
      ignored[a.login] = line;
    } else {
      others[a.login] = line;
    }
  }
  Ordered b = Ordered::object();
  b["url"] = f.bugzilla_url;
  b["api_key_env"] = sync::BugzillaSettings{}.api_key_env;
  b["auth"] = f.auth == sync::BugzillaAuth::header ? "header" : "query";
  b["scope"] = Ordered{{"product", k_product},
                       {"component", k_compliance},
                       {"status", "all"},
                       {"summary_prefix", f.ca_name + ":"}};
  b["ca_accounts"] = f.choice.ca;
  b["ignored_accounts"] = f.choice.ignored;
  b["$comment"] = Ordered{
      {"about",
       "Each account seen on the CA's incident bugs, with the evidence bzjira init found (+ for "
       "the CA, - against). Check it: a missing CA account turns its replies into unanswered "
       "questions, an extra one hides questions that are owed."},
      {"ca_accounts", ca},
      {"ignored_accounts", ignored},
      {"left_out", others}};
  return b;
}

Ordered jira_section(const MappingFacts& f) {
  const sync::JiraSettings& s = f.jira_settings;
  const JiraPlan& plan = *f.jira;
  Ordered j = Ordered::object();
  j["url"] = s.url;
  j["flavor"] = s.flavor == sync::JiraFlavor::cloud ? "cloud" : "datacenter";
  if (s.flavor == sync::JiraFlavor::cloud) {
    j["user_env"] = s.user_env;
  }
  j["token_env"] = s.token_env;
  j["project"] = s.project;
  j["issue_type"] = plan.issue_type;
  if (!plan.deadline_field.empty()) {
    j["deadline_field"] = plan.deadline_field;
  }
  j["reopen"] = plan.reopen;
  Ordered notes = plan.notes;
  std::vector<std::string> problems;
  for (const Finding& finding : plan.findings) {
    if (finding.level == Finding::Level::fail) {
      problems.push_back(finding.text + ": " + finding.what_to_do);
    }
  }
  if (!problems.empty()) {
    notes["to_fix"] = problems;
  }
  j["$comment"] = notes;
  return j;
}

}  // namespace

std::string mapping_name_from(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-') {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && (out.back() == '-' || out.back() == '.')) {
    out.pop_back();
  }
  while (!out.empty() && (out.front() == '-' || out.front() == '.')) {
    out.erase(out.begin());
  }
  return out;
}

Ordered compose_mapping(const MappingFacts& f) {
  Ordered m = Ordered::object();
  m["$comment"] = "Written by " + f.written_by + " from " + std::to_string(f.bugs) +
                  " incident bugs of " + f.ca_name + " on " + f.bugzilla_url +
                  ". Review bugzilla.$comment (each account's evidence) before the first run; "
                  "mappings/README.md documents every key. Secrets stay in the environment "
                  "variables named here, never in this file.";
  m["name"] = f.name;
  m["bugzilla"] = bugzilla_section(f);
  if (f.jira) {
    m["jira"] = jira_section(f);
  }
  m["policy"] = Ordered{{"time_zone", f.time_zone}};
  return m;
}

sync::Status write_mapping_file(const std::string& path, const std::string& text, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!force && fs::exists(fs::symlink_status(path, ec))) {
    return sync::make_error(sync::ErrorKind::config,
                            path +
                                " exists: bzjira init does not replace a mapping (give --force "
                                "to replace it, or -o another file)");
  }
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::random_device random;
  const fs::path temp =
      dir / ("." + target.filename().string() + ".init-" + std::to_string(random() % 1000000));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return sync::make_error(sync::ErrorKind::config,
                            "cannot write " + path + ": " + std::strerror(errno));
  }
  std::size_t done = 0;
  bool ok = true;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    ok = n > 0;
    done += ok ? static_cast<std::size_t>(n) : 0;
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    fs::remove(temp, ec);
    return sync::make_error(sync::ErrorKind::config,
                            "cannot write " + path + ": " + std::strerror(saved));
  }
  // Without --force a hard link refuses to replace a file that appeared since the check above.
  const int placed =
      force ? ::rename(temp.c_str(), path.c_str()) : ::link(temp.c_str(), path.c_str());
  const int place_errno = errno;
  if (!force) {
    fs::remove(temp, ec);
  }
  if (placed != 0) {
    fs::remove(temp, ec);
    return sync::make_error(
        sync::ErrorKind::config,
        place_errno == EEXIST
            ? path + " exists: bzjira init does not replace a mapping (give --force to replace it)"
            : "cannot write " + path + ": " + std::strerror(place_errno));
  }
  return sync::ok_status();
}

}  // namespace bzjira::adapters::cli::init
