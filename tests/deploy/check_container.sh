#!/usr/bin/env bash
# Checks deploy/container/Containerfile without a container engine (none runs here): a Debian 12
# build stage that runs deploy/install-deps.sh and a CMake Release build, a runtime stage that runs
# as a non-root user, COPY sources that exist, every source directory the top CMakeLists.txt adds
# copied in; and runtime-packages.sh, run on the built bzjira, names installed runtime packages only.
# Usage: check_container.sh SOURCE_DIR BZJIRA_BINARY
set -euo pipefail
src=${1:?usage: check_container.sh SOURCE_DIR BZJIRA_BINARY}
binary=${2:?}
file="$src/deploy/container/Containerfile"
fail() { echo "FAIL: $*"; exit 1; }
[ -f "$file" ] || fail "$file is missing"

# Instructions with their continuation lines joined, comments dropped.
instructions=$(sed -e '/^[[:space:]]*#/d' "$file" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
froms=$(grep -c '^FROM ' <<<"$instructions" || true)
[ "$froms" -ge 2 ] || fail "expected a build stage and a runtime stage, found $froms FROM lines"
grep -Eq '^ARG DEBIAN_IMAGE=[^ ]*debian:(12|bookworm)' <<<"$instructions" || fail "the base image must be Debian 12"
build_stage=$(awk '/^FROM /{n++} n==1' <<<"$instructions")
runtime_stage=$(awk '/^FROM /{n++} n>=2' <<<"$instructions")
grep -q './deploy/install-deps.sh' <<<"$build_stage" || fail "the build stage must run deploy/install-deps.sh"
grep -q 'CMAKE_BUILD_TYPE=Release' <<<"$build_stage" || fail "the build stage must build Release"
grep -q -- '--target bzjira' <<<"$build_stage" || fail "the build stage must build the bzjira target"
user=$(grep '^USER ' <<<"$runtime_stage" | tail -n1 | awk '{print $2}')
[ -n "$user" ] || fail "the runtime stage sets no USER"
case "${user%%:*}" in root | 0) fail "the runtime stage runs as root ($user)" ;; esac
grep -q '^ENTRYPOINT \["/usr/local/bin/bzjira"\]' <<<"$runtime_stage" || fail "ENTRYPOINT must be /usr/local/bin/bzjira"
if grep -Eq 'install-deps|-dev\b|build-essential|cmake' <<<"$runtime_stage"; then
  fail "the runtime stage must not install build tools or -dev packages"
fi
echo "Containerfile ok: Debian 12, two stages, install-deps.sh + Release build, runs as $user"

# Every COPY source of the build stage exists, and the directories CMake adds are among them.
copied=$(grep '^COPY ' <<<"$build_stage" | grep -v -- '--from' | sed 's/^COPY //' | awk '{$NF=""; print}')
for path in $copied; do
  [ -e "$src/$path" ] || fail "COPY source $path does not exist in the repository"
done
for dir in cmake $(sed -n 's/^add_subdirectory(\([a-z_]*\))$/\1/p' "$src/CMakeLists.txt"); do
  grep -qw -- "$dir/" <<<"$copied" || fail "the build needs $dir/, which the Containerfile does not copy"
done
echo "COPY ok: $(wc -w <<<"$copied") sources present, every top-level add_subdirectory copied"

# The runtime packages of the binary as built here: all installed, none a development package.
[ -x "$binary" ] || fail "$binary is not built"
packages=$("$src/deploy/container/runtime-packages.sh" "$binary") || fail "runtime-packages.sh failed"
[ -n "$packages" ] || fail "runtime-packages.sh found no package"
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || fail "$p is not an installed package"
  [[ "$p" != *-dev ]] || fail "$p is a development package"
done
grep -qx libc6 <<<"$packages" || fail "libc6 missing from $(tr '\n' ' ' <<<"$packages")"
echo "runtime packages ok: $(tr '\n' ' ' <<<"$packages")"
