// The API key check of a run (BugSource::verify_auth), remembered per Bugzilla server in the
// state: the first run checks, later runs use what it found (how the key is sent, the login) and
// ask again once a day, when the server or the mapping's bugzilla.auth changed, or when the clock
// went back. Steady runs thus send no request for it.
#pragma once

#include <optional>
#include <string>

#include "sync/mapping.h"
#include "sync/ports.h"
#include "sync/result.h"
#include "sync/state.h"
#include "sync/time.h"

namespace bzjira::sync {

// How long a check vouches for the server and the key.
constexpr Seconds k_auth_check_every{86400};

// What a run remembers of a check (meta "bugzilla_auth:<bugzilla.url>", four fields separated
// by spaces: the configured mode, the mode found, the check's time, the login or nothing).
struct AuthMemo {
  BugzillaAuth configured = BugzillaAuth::header;
  BugzillaAuth mode = BugzillaAuth::header;
  Instant checked_at{};
  std::string login;
};

std::string auth_memo_key(const Mapping& mapping);
std::string format_auth_memo(const AuthMemo& memo);
// nullopt when malformed (then the key is checked again).
std::optional<AuthMemo> parse_auth_memo(const std::string& text);

// "header", "query", "auto".
const char* to_string(BugzillaAuth auth);

// The login bzjira learned from its first reply read back (meta "bugzilla_reply_account:<url>"):
// the reply account where the server cannot say who the key is (upstream 5.x has no whoami).
std::string reply_account_key(const Mapping& mapping);

// The login replies are posted as: `whoami` when the server said, else the one learned from a
// reply read back, else mapping.replies.account; empty when unknown. Errors: the store's.
Result<std::string> reply_account(StateStore& store, const Mapping& mapping,
                                  const std::string& whoami);

struct AuthOutcome {
  std::string login;         // the key's login when known (whoami, now or remembered); else empty
  bool checked_now = false;  // a request was sent for it in this run
  std::string detail;        // what the check found, when it ran now (AuthCheck::detail)
};

// Step 0 of a run: uses a fresh memo (bugs.use_auth) or checks (bugs.verify_auth) and, unless
// `dry_run`, remembers the result. Errors: verify_auth's (config when the server reads the key's
// requests anonymously, auth when the key is refused, transient), and the store's.
Result<AuthOutcome> ensure_auth(BugSource& bugs, StateStore& store, const Mapping& mapping,
                                Instant now, bool dry_run);

}  // namespace bzjira::sync
