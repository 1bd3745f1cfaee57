#!/usr/bin/env bash
# Regenerates the pictures in docs/ from the bundled demo (mappings/demo.json,
# deploy/demo/example-ca.dataset.json at the demo's fixed time), with headless Chromium:
#   docs/report-demo.png   the top of `bzjira audit --format html`: the summary and the first bugs
#   docs/status-demo.png   `bzjira status --format html`
#   docs/report-dense.png  a dense year (tests/report/dense_dataset.mjs: one bug, 204 windows)
# Never edit the pictures by hand: change the renderer (adapters/report) or the demo, then run
#   docs/make-screenshots.sh [BZJIRA_BINARY]      (default: build/dev/bzjira)
# Needs Debian's chromium and node (deploy/install-deps.sh --test).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bzjira=${1:-$root/build/dev/bzjira}
chromium=${BZJIRA_CHROMIUM:-/usr/bin/chromium}
[ -x "$bzjira" ] || { echo "make-screenshots: $bzjira is not built (cmake --build build/dev --target bzjira)" >&2; exit 1; }
[ -x "$chromium" ] || { echo "make-screenshots: $chromium is missing (Debian package chromium)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Relative paths: the pages name the mapping and dataset files as given.
cd "$root"
demo=(-c mappings/demo.json --from-file deploy/demo/example-ca.dataset.json
      --now 2026-11-26T12:00:00Z --format html)
"$bzjira" audit "${demo[@]}" -o "$work/report.html"
"$bzjira" status "${demo[@]}" --state "$work/none.db" -o "$work/status.html"
node tests/report/dense_dataset.mjs "$work/dense-year.dataset.json"
cp mappings/demo.json "$work/demo.json"
(cd "$work" && "$bzjira" audit -c demo.json --from-file dense-year.dataset.json \
  --now 2026-11-26T12:00:00Z --format html -o dense.html)

# The flags this machine needs (no sandbox as root, nothing in the background on a closed network).
shoot() {  # PAGE OUT WIDTH HEIGHT
  mkdir -p "$work/profile-$2"
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --force-color-profile=srgb --user-data-dir="$work/profile-$2" --window-size="$3,$4" \
    --screenshot="$work/$2" "file://$work/$1" >"$work/$2.log" 2>&1 ||
    { cat "$work/$2.log" >&2; exit 1; }
  [ -s "$work/$2" ] || { echo "make-screenshots: no $2 was written" >&2; cat "$work/$2.log" >&2; exit 1; }
  cp "$work/$2" "$root/docs/$2"
  echo "docs/$2: $(stat -c %s "$root/docs/$2") bytes"
}
shoot report.html report-demo.png 1400 1750
shoot status.html status-demo.png 1400 560
shoot dense.html report-dense.png 1400 1250
