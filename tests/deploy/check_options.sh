#!/usr/bin/env bash
# Checks that every option the deployment files pass to `bzjira sync` (systemd ExecStart=, the cron
# line, the Kubernetes CronJob's args) is one that `bzjira sync --help` lists, and that each
# --log-format value used is one the help names: a renamed option must not silently break a
# scheduled job.
# Usage: check_options.sh SOURCE_DIR BZJIRA_BINARY
set -euo pipefail
src=${1:?usage: check_options.sh SOURCE_DIR BZJIRA_BINARY}
binary=${2:?}
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$binary" ] || fail "$binary is not built"
help=$("$binary" sync --help 2>&1) || fail "bzjira sync --help exits non-zero: $help"

# "sync ..." command lines of each deployment, one per line.
lines=$(
  sed -n 's/^ExecStart=[^ ]*bzjira \(sync .*\)$/\1/p' "$src/deploy/systemd/bzjira@.service"
  grep -o 'exec bzjira sync [^'"'"']*' "$src/deploy/cron/bzjira.cron" | sed 's/^exec bzjira //'
  # The CronJob's args list, joined into one line.
  awk '/^ *args:/{on=1; next} on && /^ *- /{sub(/^ *- /, ""); printf "%s ", $0; next} on{exit}' \
    "$src/deploy/kubernetes/cronjob.yaml"
  echo
)
[ "$(grep -c '^sync ' <<<"$lines")" = 3 ] || fail "expected a sync command in each of systemd, cron and Kubernetes, got: $lines"

used=$(grep -o -- '--[a-z][a-z-]*' <<<"$lines" | sort -u)
for option in $used; do
  grep -q -- "$option\b" <<<"$help" || fail "'$option' is used by a deployment file but 'bzjira sync --help' does not list it"
done
for format in $(grep -o -- '--log-format [a-z]*' <<<"$lines" | awk '{print $2}' | sort -u); do
  grep -q -- "$format" <<<"$(grep -A2 -- '--log-format' <<<"$help")" ||
    fail "--log-format $format is used but the help of --log-format does not name it"
done
echo "options ok: $(tr '\n' ' ' <<<"$used")listed by bzjira sync --help"
