#!/usr/bin/env bash
# The newcomer's first command: installs what is missing (Debian 12), builds bzjira, and runs it
# against the bundled demo of an invented CA ("Example CA"). Nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build="$root/build/quickstart"
now="2026-11-26T12:00:00Z"   # fixed, so the demo's output is the same every time

echo "== 1/3 dependencies"
./deploy/install-deps.sh

echo "== 2/3 build (first time: a few minutes on 2 cores)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBZJIRA_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target bzjira bzjira-sim >/dev/null

echo "== 3/3 the demo: every response window of Example CA's incident bugs, as of $now"
"$build/bzjira" audit -c mappings/demo.json --from-file deploy/demo/example-ca.dataset.json \
  --now "$now" --format markdown
