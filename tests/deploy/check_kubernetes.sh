#!/usr/bin/env bash
# Checks deploy/kubernetes: validate_k8s.mjs against the Kubernetes schemas (npm kubernetes-models,
# versions pinned by package-lock.json, installed once into the build tree), then `bzjira check` on
# the mapping the ConfigMap carries. Without the npm registry (and no cached install) this FAILS.
# Usage: check_kubernetes.sh SOURCE_DIR BZJIRA_BINARY TOOLS_DIR
set -euo pipefail
src=${1:?usage: check_kubernetes.sh SOURCE_DIR BZJIRA_BINARY TOOLS_DIR}
binary=${2:?}
tools=${3:?}
here="$src/tests/deploy"

command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "FAIL: node and npm are needed (Debian packages nodejs npm)"; exit 1; }

# npm ci only when the lock file changed since the last install here.
mkdir -p "$tools"
stamp="$tools/installed.sha256"
want=$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)
if [ ! -d "$tools/node_modules" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$tools/"
  echo "installing the pinned npm packages into $tools"
  if ! (cd "$tools" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error); then
    echo "FAIL: npm ci could not install kubernetes-models and yaml (is the npm registry reachable?)"
    exit 1
  fi
  echo "$want" >"$stamp"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/validate_k8s.mjs" "$tools/validate_k8s.mjs"  # imports resolve from $tools/node_modules
node "$tools/validate_k8s.mjs" "$src/deploy/kubernetes" "$work"

shopt -s nullglob
mappings=("$work"/*.json)
[ ${#mappings[@]} -gt 0 ] || { echo "FAIL: no mapping found in the ConfigMap"; exit 1; }
for m in "${mappings[@]}"; do
  if ! out=$("$binary" check -c "$m" 2>&1); then
    echo "$out"
    echo "FAIL: the ConfigMap's mapping $(basename "$m") does not pass bzjira check"
    exit 1
  fi
  echo "bzjira check ok: $out"
done
