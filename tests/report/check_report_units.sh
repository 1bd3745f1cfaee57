#!/usr/bin/env bash
# Checks the systemd side of issue 15 (deploy/systemd): bzjira-report@.service and the drop-in
# bzjira@.service.d/50-report.conf that starts it after every sync.
#   1. systemd-analyze verify loads both (the drop-in applied to bzjira@example-ca.service) without
#      one message about them; a self-test proves a misspelt key in the drop-in is reported;
#   2. systemd-analyze security rates the report unit at most 2.0;
#   3. the unit's shell lines really work: ExecStart= and ExecStartPost= are taken from the file,
#      unescaped as systemd does ($$ -> $, %i -> example-ca, continued lines joined), and run
#      with stand-ins (the demo dataset instead of a live Bugzilla read, temporary directories
#      for the state and the web root): both pages must land in the web root, complete (with
#      their CSP), mode 0644, and no temporary file may be left.
# Usage: check_report_units.sh SOURCE_DIR BZJIRA_BINARY
set -euo pipefail
src=${1:?usage: check_report_units.sh SOURCE_DIR BZJIRA_BINARY}
binary=${2:?usage: check_report_units.sh SOURCE_DIR BZJIRA_BINARY}
units="$src/deploy/systemd"
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze is missing (Debian package systemd)"; exit 1; }
[ -x "$binary" ] || { echo "FAIL: $binary is not built"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

stage() {
  local dir=$1
  mkdir -p "$dir/bzjira@.service.d"
  for f in bzjira@.service bzjira@.timer bzjira-report@.service bzjira@.service.d/50-report.conf; do
    sed "s#/usr/local/bin/bzjira#$binary#g" "$units/$f" >"$dir/$f"
  done
}

verify() {
  local dir=$1 out rc=0 ours
  out=$(SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL=info systemd-analyze verify --man=no \
    "$dir/bzjira@example-ca.service" "$dir/bzjira-report@example-ca.service" 2>&1) || rc=$?
  ours=$(grep -F -e "$dir" -e "bzjira" <<<"$out" || true)
  if [ "$rc" != 0 ] || [ -n "$ours" ]; then
    printf 'systemd-analyze verify (exit %s):\n%s\n' "$rc" "${ours:-$out}"
    return 1
  fi
}

stage "$work/typo"
sed -i 's/^OnSuccess=/OnSucess=/' "$work/typo/bzjira@.service.d/50-report.conf"
if verify "$work/typo" >"$work/typo.log" || ! grep -q "OnSucess" "$work/typo.log"; then
  echo "FAIL: self-test: a misspelt key in the drop-in was not reported; verify does not read it here"
  cat "$work/typo.log"
  exit 1
fi
echo "self-test ok: a misspelt key in the drop-in is reported"

stage "$work/units"
verify "$work/units" || { echo "FAIL: systemd-analyze verify reports problems"; exit 1; }
echo "verify ok: bzjira-report@.service and the drop-in load without warnings"

if ! score=$(SYSTEMD_LOG_TARGET=console systemd-analyze security --offline=true --no-pager \
  --threshold=20 "$work/units/bzjira-report@example-ca.service" 2>&1); then
  echo "$score" | grep -E '✗|Overall' || echo "$score"
  echo "FAIL: bzjira-report@.service's exposure is above 2.0"
  exit 1
fi
echo "security ok: $(grep -o 'Overall exposure level[^:]*: [0-9.]*' <<<"$score")"

for want in '^OnSuccess=bzjira-report@%i.service$' '^OnFailure=bzjira-report@%i.service$'; do
  grep -Eq "$want" "$units/bzjira@.service.d/50-report.conf" || { echo "FAIL: the drop-in lacks $want"; exit 1; }
done
grep -q '^LoadCredential=jira' "$units/bzjira-report@.service" && { echo "FAIL: the report unit needs no Jira secret"; exit 1; }

# The value of directive $2 in unit file $1, as systemd reads it: continued lines joined, "$$" as
# "$" and %i as the instance.
directive() {
  awk -v key="$2=" '
    index($0, key) == 1 { line = substr($0, length(key) + 1); on = 1 }
    on && index($0, key) != 1 { line = line " " $0 }
    on { if (sub(/\\$/, "", line)) { next } print line; exit }
  ' "$1" | sed -e 's/%i/example-ca/g' -e 's/\$\$/$/g'
}
start=$(directive "$units/bzjira-report@.service" ExecStart)
post=$(directive "$units/bzjira-report@.service" ExecStartPost)
[[ $start == "/bin/sh -ec '"*"'" ]] || { echo "FAIL: ExecStart= is not one /bin/sh -ec '...' line: $start"; exit 1; }
[[ $post == "+/bin/sh -ec '"*"'" ]] || { echo "FAIL: ExecStartPost= is not one +/bin/sh -ec '...' line: $post"; exit 1; }
start=${start#/bin/sh -ec \'}; start=${start%\'}
post=${post#+/bin/sh -ec \'}; post=${post%\'}

# Stand-ins: the mapping directory, a bzjira whose snapshot copies the demo dataset, the web root.
mkdir -p "$work/etc" "$work/state" "$work/www"
cp "$src/mappings/demo.json" "$work/etc/example-ca.json"
cat >"$work/bzjira" <<STANDIN
#!/bin/sh
if [ "\$1" = snapshot ]; then
  while [ \$# -gt 0 ]; do [ "\$1" = -o ] && cp "$src/deploy/demo/example-ca.dataset.json" "\$2"; shift; done
  exit 0
fi
exec "$binary" "\$@"
STANDIN
chmod +x "$work/bzjira"
start=${start//\/usr\/local\/bin\/bzjira/$work/bzjira}
start=${start//\/etc\/bzjira\//$work/etc/}
post=${post//\/var\/www\/bzjira/$work/www}
STATE_DIRECTORY="$work/state" /bin/sh -ec "$start" || { echo "FAIL: the ExecStart= line failed"; exit 1; }
STATE_DIRECTORY="$work/state" /bin/sh -ec "$post" || { echo "FAIL: the ExecStartPost= line failed"; exit 1; }
for page in audit status; do
  f="$work/www/example-ca/$page.html"
  [ -f "$f" ] || { echo "FAIL: $page.html was not published"; ls -laR "$work/www"; exit 1; }
  [ "$(stat -c %a "$f")" = 644 ] || { echo "FAIL: $page.html has mode $(stat -c %a "$f"), not 644"; exit 1; }
  head -c 15 "$f" | grep -q '<!DOCTYPE html>' || { echo "FAIL: $page.html is not an HTML page"; exit 1; }
  grep -q 'http-equiv="Content-Security-Policy"' "$f" || { echo "FAIL: $page.html has no CSP"; exit 1; }
  tail -c 8 "$f" | grep -q '</html>' || { echo "FAIL: $page.html is cut short"; exit 1; }
done
leftovers=$(find "$work/www" -name '.*' -type f)
[ -z "$leftovers" ] || { echo "FAIL: temporary files left in the web root: $leftovers"; exit 1; }
grep -q 'Incident response obligations of' "$work/www/example-ca/audit.html" || { echo "FAIL: audit.html is not the audit report"; exit 1; }
grep -q 'Open obligations of' "$work/www/example-ca/status.html" || { echo "FAIL: status.html is not the status page"; exit 1; }
echo "unit lines ok: snapshot, audit and status pages made and published atomically, mode 0644"
