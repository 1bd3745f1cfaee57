#!/usr/bin/env bash
# Contract test of the Jira client against the official Jira Cloud OpenAPI document (issue 4,
# item 14): bzjira-sim's Jira half (cloud) behind a Prism proxy that validates every request and
# response against the document (--errors turns a violation into an error answer), driven by
# bzjira_contract_driver. Installs Prism with npm into a cache folder outside the repository when
# it is missing; fails with a clear message when it cannot.
#
# usage: run_contract.sh <bzjira-sim> <bzjira_contract_driver> <openapi document>
# env:   BZJIRA_PRISM_DIR  where Prism lives (default ${XDG_CACHE_HOME:-~/.cache}/bzjira/prism-5.14.2)
set -euo pipefail

readonly prism_version="5.14.2"  # the last release that runs on Node 20
sim="${1:?usage: run_contract.sh <bzjira-sim> <driver> <openapi document>}"
driver="${2:?missing driver}"
spec="${3:?missing OpenAPI document}"
prism_dir="${BZJIRA_PRISM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bzjira/prism-${prism_version}}"
prism="${prism_dir}/node_modules/.bin/prism"

fail() {
  echo "contract test FAILED: $*" >&2
  exit 1
}

[[ -x "$sim" ]] || fail "simulator not built: $sim"
[[ -x "$driver" ]] || fail "contract driver not built: $driver"
[[ -r "$spec" ]] || fail "OpenAPI document not readable: $spec (it belongs in tests/data/specs/)"
command -v node >/dev/null || fail "node is not installed (Debian: apt-get install nodejs npm)"

if [[ ! -x "$prism" ]] || [[ "$("$prism" --version 2>/dev/null)" != "$prism_version" ]]; then
  command -v npm >/dev/null || fail "npm is not installed (Debian: apt-get install npm)"
  echo "installing @stoplight/prism-cli@${prism_version} into ${prism_dir}"
  mkdir -p "$prism_dir"
  if ! timeout 600 npm install --prefix "$prism_dir" --no-audit --no-fund --loglevel=error \
      "@stoplight/prism-cli@${prism_version}"; then
    fail "npm could not install @stoplight/prism-cli@${prism_version} (is the npm registry reachable?)"
  fi
  [[ -x "$prism" ]] || fail "npm finished but ${prism} is missing"
fi
echo "prism $("$prism" --version) on node $(node --version)"

work="$(mktemp -d)"
sim_pid=""
prism_pid=""
cleanup() {
  # Only the two processes this script started, by their ids.
  for pid in "$prism_pid" "$sim_pid"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

"$sim" --jira-port 0 --jira-flavor cloud --ports-file "$work/ports.json" >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do
  [[ -s "$work/ports.json" ]] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.log" >&2; fail "bzjira-sim exited"; }
  sleep 0.1
done
jira_port="$(sed -n 's/.*"jira": *\([0-9][0-9]*\).*/\1/p' "$work/ports.json")"
[[ -n "$jira_port" ]] || fail "bzjira-sim wrote no Jira port"

started=""
for attempt in 1 2 3; do
  prism_port="$("$driver" --pick-port)"
  "$prism" proxy "$spec" "http://127.0.0.1:${jira_port}" --errors -h 127.0.0.1 -p "$prism_port" \
    >"$work/prism.log" 2>&1 &
  prism_pid=$!
  # Loading the 2.4 MB document takes a few seconds.
  for _ in $(seq 1 1200); do
    if grep -q "Prism is listening" "$work/prism.log"; then
      started=yes
      break
    fi
    kill -0 "$prism_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n "$started" ]] && break
  kill "$prism_pid" 2>/dev/null || true
  wait "$prism_pid" 2>/dev/null || true
  prism_pid=""
  echo "prism did not start on port ${prism_port} (attempt ${attempt})" >&2
done
[[ -n "$started" ]] || { tail -20 "$work/prism.log" >&2; fail "Prism did not start"; }

status=0
"$driver" "http://127.0.0.1:${prism_port}" || status=$?

# Prism logs every violation it found; none may appear, whatever the driver saw.
if grep -E "VIOLATIONS|UNPROCESSABLE_ENTITY|\[VALIDATOR\].*(error|warning)" "$work/prism.log" >&2; then
  status=1
  echo "Prism reported violations (above)" >&2
fi
if [[ "$status" -ne 0 ]]; then
  echo "--- last Prism log lines ---" >&2
  tail -40 "$work/prism.log" >&2
  fail "the client or the simulator does not follow the Jira Cloud OpenAPI document"
fi
echo "contract test passed: no violations"
