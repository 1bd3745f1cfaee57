#!/usr/bin/env bash
# Prints the Debian packages that hold the shared libraries a binary loads, one per line, sorted.
# The Containerfile installs exactly these into the runtime image; tests/deploy/check_container.sh
# runs it on the built bzjira. Exits 1 when a library is not found or belongs to no package.
# Usage: runtime-packages.sh BINARY
set -euo pipefail
binary=${1:?usage: runtime-packages.sh BINARY}
[ -x "$binary" ] || { echo "runtime-packages: $binary is not an executable" >&2; exit 1; }

deps=$(ldd "$binary")
if grep -q "not found" <<<"$deps"; then
  echo "runtime-packages: unresolved libraries:" >&2
  grep "not found" <<<"$deps" >&2
  exit 1
fi
mapfile -t libs < <(awk '$2 == "=>" && $3 ~ /^\// {print $3}' <<<"$deps")

# dpkg knows a library under the path its package shipped it with; with merged /usr that may be
# /lib/... or /usr/lib/..., so ask for each path as ldd prints it, with and without /usr, and
# resolved, all in one dpkg-query call (one call per path takes seconds).
candidates() { printf '%s\n' "$1" "${1#/usr}" "/usr$1" "$(readlink -f "$1")"; }
mapfile -t all < <(for lib in "${libs[@]}"; do candidates "$lib"; done | sort -u)
owners=$(dpkg-query -S "${all[@]}" 2>/dev/null || true)  # "pkg[:arch]: path" per path it knows

packages=()
for lib in "${libs[@]}"; do
  package=""
  while read -r candidate; do
    package=$(awk -F': ' -v path="$candidate" '$2 == path {sub(/:.*/, "", $1); print $1; exit}' <<<"$owners")
    [ -z "$package" ] || break
  done < <(candidates "$lib")
  [ -n "$package" ] || { echo "runtime-packages: no Debian package owns $lib" >&2; exit 1; }
  packages+=("$package")
done
printf '%s\n' "${packages[@]}" | sort -u
