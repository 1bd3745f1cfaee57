#!/usr/bin/env bash
# Builds the Debian package in a build directory (`cmake --build DIR --target package`; make it a
# Release build) and checks it (issue 16):
#   - its control fields, and Depends naming the package of every library the binary loads;
#   - its file list, exactly, with owners and modes;
#   - the unpacked binary (dpkg-deb -x): --version, `help sync`, the bash completion;
#   - `man -l` on every manual page: no warning, and every option `help <command>` lists;
#   - `systemd-analyze verify` (no warning about our units) and `security` on the installed units;
#   - the maintainer scripts' syntax;
#   - lintian: no error, and every warning one that deploy/README.md lists and justifies.
# With BZJIRA_PACKAGE_INSTALL_TEST=1 also tests/package/check_install.sh: apt install on a fresh
# Debian 12 chroot (root, debootstrap, Debian's mirror).
# Needs dpkg-dev, fakeroot, lintian, man-db, systemd (deploy/install-deps.sh --test).
# Usage: check_package.sh BUILD_DIR
set -uo pipefail
build=${1:?usage: check_package.sh BUILD_DIR}
build=$(realpath "$build")
src=$(realpath "$(dirname "$0")/../..")
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die() { echo "FAIL: $*"; exit 1; }

for tool in dpkg-deb lintian man systemd-analyze fakeroot dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || die "$tool is missing (deploy/install-deps.sh --test installs it)"
done
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt" 2>/dev/null ||
  echo "note: $build is not a Release build; the package should come from one"

echo "== building the package in $build"
if ! cmake --build "$build" --target package >"$build/package.log" 2>&1; then
  tail -30 "$build/package.log"
  die "cmake --build $build --target package failed (log: $build/package.log)"
fi
version=$("$build/bzjira" --version | awk '{print $2}')
arch=$(dpkg --print-architecture)
deb="$build/bzjira_${version}_${arch}.deb"
[ -f "$deb" ] || die "no $deb after the build"
echo "package: $deb ($(du -k "$deb" | cut -f1) KiB)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== control fields"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = bzjira ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version '$(field Version)' is not the binary's $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)'"
[ "$(field Section)" = admin ] || fail "Section is '$(field Section)'"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
depends=$(field Depends)
echo "Depends: $depends"
depends_names=$(tr ',' '\n' <<<"$depends" | sed -E 's/^ *//; s/[ (].*//' | sort -u)
for need in adduser ca-certificates tzdata; do
  grep -qx "$need" <<<"$depends_names" || fail "Depends lacks $need"
done
if grep -q -- '-dev$' <<<"$depends_names"; then
  fail "Depends names a development package: $(grep -- '-dev$' <<<"$depends_names" | tr '\n' ' ')"
fi

echo "== file list"
dpkg-deb -c "$deb" >"$work/contents"
# Every entry owned by root; the program executable, everything else 0644 (directories 0755).
awk '$2 != "root/root" {print}' "$work/contents" | grep . && fail "entries not owned by root/root"
awk '$1 ~ /^-/ && $6 != "./usr/bin/bzjira" && $1 != "-rw-r--r--" {print}' "$work/contents" |
  grep . && fail "files that are not mode 0644"
grep -q '^-rwxr-xr-x .* \./usr/bin/bzjira$' "$work/contents" || fail "/usr/bin/bzjira is not 0755"
awk '$1 ~ /^-/ {print $6}' "$work/contents" | sed 's#^\./#/#' | sort >"$work/files"
dpkg-deb -x "$deb" "$work/root"
binary="$work/root/usr/bin/bzjira"
commands=$("$binary" help --complete | sed '/^help$/,$d')
{
  echo /usr/bin/bzjira
  echo /usr/share/bash-completion/completions/bzjira
  echo /lib/systemd/system/bzjira@.service
  echo /lib/systemd/system/bzjira@.timer
  echo /usr/share/man/man1/bzjira.1.gz
  for c in $commands; do echo "/usr/share/man/man1/bzjira-$c.1.gz"; done
  for f in copyright changelog.gz README.md.gz deploy.md.gz mappings.md.gz \
    examples/demo.json examples/example-ca.dataset.json; do
    echo "/usr/share/doc/bzjira/$f"
  done
  for f in "$src"/deploy/jira/*; do echo "/usr/share/doc/bzjira/examples/jira/$(basename "$f")"; done
} | sort >"$work/expected"
if ! diff -u "$work/expected" "$work/files" >"$work/files.diff"; then
  cat "$work/files.diff"
  fail "the file list differs from the expected one (- expected, + in the package)"
else
  echo "files ok: $(wc -l <"$work/files") files, as expected"
fi
grep -q ' \./etc/bzjira/$' "$work/contents" || fail "no /etc/bzjira directory"
echo "directories: $(awk '$1 ~ /^d/ {print $6}' "$work/contents" | grep -c .)"

echo "== maintainer scripts"
dpkg-deb -e "$deb" "$work/control"
for s in postinst prerm postrm; do
  [ -x "$work/control/$s" ] || { fail "control/$s is missing or not executable"; continue; }
  sh -n "$work/control/$s" || fail "control/$s is not valid sh"
done
grep -q 'adduser --system' "$work/control/postinst" || fail "postinst creates no system user"
grep -q '/var/lib/bzjira' "$work/control/postinst" || fail "postinst makes no /var/lib/bzjira"

echo "== the unpacked program"
"$binary" --version | grep -qx "bzjira $version" || fail "--version does not print 'bzjira $version'"
help_sync=$("$binary" help sync) || fail "help sync exits non-zero"
grep -q '^Usage: bzjira sync' <<<"$help_sync" || fail "help sync shows no usage"
ldd "$binary" | grep -q 'not found' && fail "the binary misses libraries: $(ldd "$binary" | grep 'not found')"
# Depends names the package of every library the binary links directly (ELF NEEDED; dpkg-shlibdeps
# chose the versions); the libraries those load come with their own packages' Depends.
for lib in $(objdump -p "$binary" | awk '$1 == "NEEDED" {print $2}'); do
  path=$(ldd "$binary" | awk -v l="$lib" '$1 == l {print $3}')
  owner=""
  for candidate in "$path" "${path#/usr}" "/usr$path" "$(readlink -f "$path")"; do
    owner=$(dpkg-query -S "$candidate" 2>/dev/null | head -n1 | sed 's/:.*//') && [ -n "$owner" ] && break
  done
  # The name in Depends may be one the owner provides (libspdlog1.10 provides libspdlog1.10-fmt9).
  provides=$(dpkg-query -W -f='${Provides}' "$owner" 2>/dev/null | tr ',' '\n' | sed -E 's/^ *//; s/[ (].*//')
  if [ -z "$owner" ]; then
    fail "no Debian package owns $lib ($path)"
  elif ! grep -qxF -f <(printf '%s\n' "$owner" $provides) <<<"$depends_names"; then
    fail "the binary links $lib of package $owner, which Depends lacks"
  fi
done
echo "Depends names the package of each of the $(objdump -p "$binary" | grep -c NEEDED) libraries the binary links"
"$src/tests/package/check_completion.sh" "$binary" \
  "$work/root/usr/share/bash-completion/completions/bzjira" >"$work/completion.log" ||
  { cat "$work/completion.log"; fail "bash completion"; }
tail -1 "$work/completion.log"

echo "== manual pages"
for page in "$work"/root/usr/share/man/man1/*.1.gz; do
  name=$(basename "$page" .1.gz)
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
  [ -z "$warnings" ] || fail "$name(1): man reports: $warnings"
  text=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$page" 2>/dev/null | col -b)
  grep -q "^NAME" <<<"$text" || fail "$name(1) has no NAME section"
  grep -q "^       $name - " <<<"$text" || fail "$name(1)'s NAME line is not '$name - ...'"
  command=${name#bzjira}
  command=${command#-}
  # One source: every option the command's help lists is in its page.
  for option in $("$binary" help --complete $command | sed '/^help$/d' | grep '^-' | cut -f1 | cut -d' ' -f1); do
    grep -q -- "$option" <<<"$text" || fail "$name(1) lacks $option, which its --help lists"
  done
done
echo "pages: $(ls "$work"/root/usr/share/man/man1 | tr '\n' ' ')"

echo "== systemd units as installed"
mkdir -p "$work/units"
for f in "$work"/root/lib/systemd/system/bzjira@.*; do
  sed "s#/usr/bin/bzjira#$binary#g" "$f" >"$work/units/$(basename "$f")"
done
out=$(SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL=info systemd-analyze verify --man=no \
  "$work/units/bzjira@example-ca.service" "$work/units/bzjira@example-ca.timer" 2>&1)
rc=$?
ours=$(grep -F -e "$work/units" -e "bzjira@" <<<"$out" || true)
if [ "$rc" != 0 ] || [ -n "$ours" ]; then
  printf '%s\n' "${ours:-$out}"
  fail "systemd-analyze verify (exit $rc) on the packaged units"
else
  echo "verify ok"
fi
grep -qx 'ExecStart=/usr/bin/bzjira sync .*' "$work/root/lib/systemd/system/bzjira@.service" ||
  fail "the packaged service does not run /usr/bin/bzjira sync"
grep -qx 'User=bzjira' "$work/root/lib/systemd/system/bzjira@.service" || fail "no User=bzjira"
grep -qx 'StateDirectory=bzjira' "$work/root/lib/systemd/system/bzjira@.service" ||
  fail "no StateDirectory=bzjira"
score=$(SYSTEMD_LOG_TARGET=console systemd-analyze security --offline=true --no-pager \
  --threshold=20 "$work/units/bzjira@example-ca.service" 2>&1) ||
  fail "the packaged service's exposure is above 2.0: $(grep Overall <<<"$score")"
echo "security: $(grep -o 'Overall exposure level[^:]*: [0-9.]*' <<<"$score")"

echo "== lintian"
lintian --tag-display-limit 0 --display-info "$deb" >"$work/lintian.txt" 2>&1
cat "$work/lintian.txt"
grep -q '^E: ' "$work/lintian.txt" && fail "lintian reports errors"
# Every warning is listed, with why, in deploy/README.md's "Debian package" section.
while read -r tag; do
  grep -q -- "\`$tag\`" "$src/deploy/README.md" || fail "lintian warning $tag is not justified in deploy/README.md"
done < <(awk '/^W: / {print $3}' "$work/lintian.txt" | sort -u)

# Optional (network to Debian's mirror, root): apt install on a fresh Debian 12 chroot.
if [ "${BZJIRA_PACKAGE_INSTALL_TEST:-0}" = 1 ]; then
  echo "== install on a fresh Debian 12"
  "$src/tests/package/check_install.sh" "$deb" || fail "install on a fresh Debian 12"
fi

if [ "$failures" -gt 0 ]; then
  echo "FAILED: $failures package checks"
  exit 1
fi
echo "package ok: $deb"
