#!/usr/bin/env bash
# Checks deploy/cron/bzjira.cron: one /etc/cron.d job every 10 minutes as user bzjira, and its
# command really works: run with /bin/sh as cron would (paths moved to a temp dir, stand-ins for
# bzjira and logger on PATH), it must export the env file's variables to bzjira, pass the sync
# arguments, send stdout and stderr to logger with the bzjira-<name> tag, and skip the run while
# another one holds the flock.
# Usage: check_cron.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: check_cron.sh SOURCE_DIR}
crontab="$src/deploy/cron/bzjira.cron"
fail() { echo "FAIL: $*"; exit 1; }
command -v flock >/dev/null || fail "flock is missing (Debian package util-linux)"

jobs=$(grep -Ev '^[[:space:]]*(#|$)|^[A-Z_]+=' "$crontab" || true)
[ "$(wc -l <<<"$jobs")" = 1 ] && [ -n "$jobs" ] || fail "expected exactly one job line in $crontab, got: $jobs"
read -r minute hour dom month dow user command <<<"$jobs"
[ "$minute $hour $dom $month $dow" = "*/10 * * * *" ] || fail "schedule is '$minute $hour $dom $month $dow', want */10 * * * *"
[ "$user" = bzjira ] || fail "the /etc/cron.d user field is '$user', want bzjira"
[[ "$command" == flock\ -n\ * ]] || fail "the command must start with 'flock -n LOCK'"
[[ "$command" == *"| logger -t bzjira-"* ]] || fail "output must go to logger -t bzjira-<name>"
[[ "$command" != *%* ]] || fail "a bare % in a crontab command ends the command (escape it as \\%)"
echo "crontab ok: every 10 minutes as bzjira, flock -n, logger"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/etc" "$work/state" "$work/metrics" "$work/bin"
moved=$(sed -e "s#/etc/bzjira/#$work/etc/#g" -e "s#/var/lib/bzjira/#$work/state/#g" \
  -e "s#/var/lib/prometheus/node-exporter/#$work/metrics/#g" <<<"$command")
[[ "$moved" != *" /etc/"* && "$moved" != *" /var/"* ]] || fail "a path the check does not know: $moved"

# Stand-ins: bzjira records its arguments and the secret variable it sees, and prints on both
# streams; logger records its arguments and what it reads.
cat >"$work/bin/bzjira" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >"$work/bzjira.args"
printf '%s\n' "\${BZJIRA_JIRA_TOKEN_FILE:-unset}" >"$work/bzjira.env"
echo "bzjira-stdout-line"
echo "bzjira-stderr-line" >&2
exit 3
EOF
cat >"$work/bin/logger" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >"$work/logger.args"
cat >"$work/logger.input"
EOF
chmod +x "$work/bin/bzjira" "$work/bin/logger"
printf 'BZJIRA_JIRA_TOKEN_FILE=/run/bzjira/jira-token\n' >"$work/etc/example-ca.env"

crontab_path=$(sed -n 's/^PATH=//p' "$crontab")
[ -n "$crontab_path" ] || fail "the crontab sets no PATH"
run_as_cron() { env -i HOME="$work" SHELL=/bin/sh PATH="$work/bin:$crontab_path" /bin/sh -c "$moved"; }

run_as_cron
[ -f "$work/bzjira.args" ] || fail "the job did not start bzjira"
args=$(cat "$work/bzjira.args")
[[ "$args" == "sync -c $work/etc/example-ca.json --state $work/state/example-ca.db "* ]] ||
  fail "bzjira got the arguments '$args'"
[ "$(cat "$work/bzjira.env")" = /run/bzjira/jira-token ] ||
  fail "the env file's variables do not reach bzjira (not exported): got '$(cat "$work/bzjira.env")'"
grep -q '^-t bzjira-example-ca' "$work/logger.args" || fail "logger got '$(cat "$work/logger.args")'"
grep -q bzjira-stdout-line "$work/logger.input" && grep -q bzjira-stderr-line "$work/logger.input" ||
  fail "stdout and stderr must both reach logger; it read: $(cat "$work/logger.input")"
echo "run ok: sync started with the env file exported, both streams logged"

lock=$(grep -o 'flock -n [^ ]*' <<<"$moved" | cut -d' ' -f3)
rm -f "$work/bzjira.args"
(
  flock -x 9
  run_as_cron
) 9>"$lock"
[ ! -f "$work/bzjira.args" ] || fail "bzjira started although the previous run held $lock"
echo "lock ok: a run is skipped while the previous one holds the lock"
