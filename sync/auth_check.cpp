#include "sync/auth_check.h"

#include <vector>

namespace bzjira::sync {

namespace {

std::optional<BugzillaAuth> auth_from(const std::string& name) {
  if (name == "header") {
    return BugzillaAuth::header;
  }
  if (name == "query") {
    return BugzillaAuth::query;
  }
  if (name == "auto") {
    return BugzillaAuth::automatic;
  }
  return std::nullopt;
}

// The first three space-separated fields and the rest (a login is not split).
std::vector<std::string> split_fields(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (out.size() < 3) {
    const std::size_t space = text.find(' ', start);
    if (space == std::string::npos) {
      break;
    }
    out.push_back(text.substr(start, space - start));
    start = space + 1;
  }
  out.push_back(text.substr(start));
  return out;
}

}  // namespace

const char* to_string(BugzillaAuth auth) {
  switch (auth) {
    case BugzillaAuth::header:
      return "header";
    case BugzillaAuth::query:
      return "query";
    case BugzillaAuth::automatic:
      break;
  }
  return "auto";
}

std::string auth_memo_key(const Mapping& mapping) {
  return "bugzilla_auth:" + mapping.bugzilla.url;
}

std::string reply_account_key(const Mapping& mapping) {
  return "bugzilla_reply_account:" + mapping.bugzilla.url;
}

std::string format_auth_memo(const AuthMemo& memo) {
  return std::string(to_string(memo.configured)) + " " + to_string(memo.mode) + " " +
         format_rfc3339(memo.checked_at) + " " + memo.login;
}

std::optional<AuthMemo> parse_auth_memo(const std::string& text) {
  const std::vector<std::string> fields = split_fields(text);
  if (fields.size() != 4) {
    return std::nullopt;
  }
  const auto configured = auth_from(fields[0]);
  const auto mode = auth_from(fields[1]);
  const auto at = parse_rfc3339(fields[2]);
  if (!configured || !mode || *mode == BugzillaAuth::automatic || !at) {
    return std::nullopt;
  }
  return AuthMemo{*configured, *mode, *at, fields[3]};
}

Result<std::string> reply_account(StateStore& store, const Mapping& mapping,
                                  const std::string& whoami) {
  if (!whoami.empty()) {
    return whoami;
  }
  auto learned = store.get_meta(reply_account_key(mapping));
  if (!learned) {
    return learned.error();
  }
  return *learned && !(*learned)->empty() ? **learned : mapping.replies.account;
}

Result<AuthOutcome> ensure_auth(BugSource& bugs, StateStore& store, const Mapping& mapping,
                                Instant now, bool dry_run) {
  const std::string key = auth_memo_key(mapping);
  auto stored = store.get_meta(key);
  if (!stored) {
    return stored.error();
  }
  const auto memo = *stored ? parse_auth_memo(**stored) : std::nullopt;
  if (memo && memo->configured == mapping.bugzilla.auth && memo->checked_at <= now &&
      now - memo->checked_at < k_auth_check_every) {
    bugs.use_auth(memo->mode);
    return AuthOutcome{memo->login, false, {}};
  }
  auto check = bugs.verify_auth();
  if (!check) {
    return check.error();
  }
  if (check->checked && !dry_run) {
    const AuthMemo fresh{mapping.bugzilla.auth, check->mode, now, check->login};
    if (Status s = store.set_meta(key, format_auth_memo(fresh)); !s) {
      return s.error();
    }
  }
  return AuthOutcome{check->login, true, check->detail};
}

}  // namespace bzjira::sync
