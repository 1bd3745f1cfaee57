#!/usr/bin/env bash
# The newcomer's first command: installs what is missing (Debian 12), builds bzjira, and runs it
# against the bundled demo of an invented CA ("Example CA") served by the local simulators: the
# audit, a first sync to a Jira board, a CA reply on Bugzilla, and the sync that closes its issues.
# Nothing leaves this machine (everything listens on 127.0.0.1). Once built: well under a minute.
#   BZJIRA_BUILD_DIR=DIR  build (or reuse) bzjira there instead of build/quickstart
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build="${BZJIRA_BUILD_DIR:-$root/build/quickstart}"
now="2026-11-26T12:00:00Z"     # fixed, so the demo's output is the same every time
later="2026-11-26T13:00:00Z"   # the second sync, after the CA's reply

echo "== 1/6 dependencies"
./deploy/install-deps.sh
command -v curl >/dev/null || { echo "quickstart: needs curl (apt-get install curl)" >&2; exit 1; }

# Everything the demo writes (build log, dataset copy, mapping, state) goes here, removed at exit.
work=$(mktemp -d "${TMPDIR:-/tmp}/bzjira-quickstart.XXXXXX")
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ]; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== 2/6 build (first time: a few minutes on 2 cores)"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBZJIRA_BUILD_TESTS=ON \
    >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
fi
cmake --build "$build" -j "$(nproc)" --target bzjira bzjira-sim >"$work/build.log" 2>&1 ||
  { tail -n 30 "$work/build.log" >&2; exit 1; }

echo "== 3/6 the audit: every response window of Example CA's incident bugs, as of $now"
"$build/bzjira" audit -c mappings/demo.json --from-file deploy/demo/example-ca.dataset.json \
  --now "$now" --format markdown

echo "== 4/6 the simulators: Example CA's Bugzilla and an empty Jira Cloud project CAINC"
cp deploy/demo/example-ca.dataset.json "$work/dataset.json"
"$build/bzjira-sim" --bugzilla-data "$work/dataset.json" --clock "$now" \
  --jira-port 0 --jira-flavor cloud --ports-file "$work/ports.json" >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do
  [ -s "$work/ports.json" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/ports.json" ] || { echo "quickstart: the simulator did not start" >&2; exit 1; }
bugzilla_port=$(sed -n 's/.*"bugzilla": *\([0-9]*\).*/\1/p' "$work/ports.json")
jira_port=$(sed -n 's/.*"jira": *\([0-9]*\).*/\1/p' "$work/ports.json")
bugzilla="http://127.0.0.1:$bugzilla_port"
jira="http://127.0.0.1:$jira_port"
echo "Bugzilla on $bugzilla, Jira on $jira"
# mappings/demo.json with the simulator's ports; the state lives with the rest of the demo.
sed -e "s#http://127.0.0.1:8080#$bugzilla#" -e "s#http://127.0.0.1:8081#$jira#" \
  mappings/demo.json >"$work/demo.json"
# The demo's secrets: the dataset's "api_keys" give demo-ca-key to compliance@example-ca.test;
# the Jira simulator takes any credentials.
export BZJIRA_BUGZILLA_API_KEY=demo-ca-key
export BZJIRA_JIRA_USER=compliance@example-ca.test
export BZJIRA_JIRA_TOKEN=demo-jira-token
sync_demo() {
  "$build/bzjira" sync -c "$work/demo.json" --state "$work/state.db" --now "$1" \
    --log-level warning
}

# The Jira board from the simulator's issue dump: key, status, due date, summary. A tiny JSON
# reader in awk, so the demo needs neither jq nor Python.
print_board() {
  curl -fsS "$jira/__sim/issues" | awk '
    function ws() { while (pos <= n && index(" \t\r\n", substr(s, pos, 1)) > 0) pos++ }
    function str(   out, start, c, e) {
      pos++; out = ""
      while (pos <= n) {
        start = pos
        while (pos <= n && (c = substr(s, pos, 1)) != "\"" && c != "\\") pos++
        out = out substr(s, start, pos - start)
        if (c == "\"") { pos++; return out }
        e = substr(s, pos + 1, 1); pos += 2
        if (e == "u") { out = out "?"; pos += 4 } else if (e == "n" || e == "t") out = out " "
        else out = out e
      }
      return out
    }
    function keep(path, v,   p) {
      if (path ~ /^\/issues\/[0-9]+\/(key|summary|duedate|status|resolution)$/) {
        split(path, p, "/"); field[p[3], p[4]] = v
        if (p[3] + 1 > count) count = p[3] + 1
      }
    }
    function value(path,   c, k, i, start) {
      ws(); c = substr(s, pos, 1)
      if (c == "{" || c == "[") {
        pos++; ws(); i = 0
        if (substr(s, pos, 1) == (c == "{" ? "}" : "]")) { pos++; return }
        while (pos <= n) {
          if (c == "{") { ws(); k = str(); ws(); pos++ } else k = i++
          value(path "/" k); ws()
          if (substr(s, pos++, 1) != ",") return
        }
        return
      }
      if (c == "\"") { keep(path, str()); return }
      start = pos
      while (pos <= n && index(",}] \t\r\n", substr(s, pos, 1)) == 0) pos++
      keep(path, substr(s, start, pos - start))
    }
    { s = s $0 "\n" }
    END {
      n = length(s); pos = 1; value("")
      printf "%-9s %-18s %-10s  %s\n", "KEY", "STATUS", "DUE", "SUMMARY"
      for (i = 0; i < count; i++) {
        st = field[i, "status"]
        if (field[i, "resolution"] != "" && field[i, "resolution"] != "null")
          st = st " (" field[i, "resolution"] ")"
        printf "%-9s %-18s %-10s  %s\n", field[i, "key"], st, field[i, "duedate"], field[i, "summary"]
      }
    }'
}

echo "== 5/6 the first sync at $now: one Jira issue per open obligation, due before its deadline"
sync_demo "$now"
echo
print_board

echo "== 6/6 Example CA answers the moderator on bug 2061240 (comment 9), then syncs at $later"
reply='Responding to comment 9: yes, the comparison job covers the CRLs of every CA we operate.'
posted=$(curl -fsS -X POST "$bugzilla/rest/bug/2061240/comment" \
  -H "X-BUGZILLA-API-KEY: $BZJIRA_BUGZILLA_API_KEY" -H "Content-Type: application/json" \
  -d "{\"comment\": \"$reply\", \"is_markdown\": true}")
echo "compliance@example-ca.test posted Bugzilla comment $(echo "$posted" | sed -n 's/.*"id": *\([0-9]*\).*/\1/p'): $reply"
echo
sync_demo "$later"
echo
print_board
echo
echo "The question, the needinfo and the update window of bug 2061240 are closed; the CA's reply"
echo "opened the next update window. Try: $build/bzjira help sync"
