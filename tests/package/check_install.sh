#!/usr/bin/env bash
# Installs the Debian package on a fresh Debian 12 (a debootstrap --variant=minbase chroot, from
# Debian's mirror) with `apt install ./bzjira_*.deb`, and checks that apt pulled the libraries the
# program needs and nothing for building, that the program runs there, that postinst made the
# system user bzjira and /var/lib/bzjira, and that remove and purge leave what deploy/README.md
# says. Root only; downloads about 100 MB the first time (the chroot is kept in CACHE_DIR).
# Usage: check_install.sh DEB [CACHE_DIR]
set -uo pipefail
deb=${1:?usage: check_install.sh DEB [CACHE_DIR]}
deb=$(realpath "$deb")
cache=${2:-${TMPDIR:-/tmp}/bzjira-debian12-chroot}
[ "$(id -u)" = 0 ] || { echo "FAIL: check_install.sh needs root (debootstrap, chroot)"; exit 1; }
command -v debootstrap >/dev/null || { echo "FAIL: debootstrap is missing (apt-get install debootstrap)"; exit 1; }
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

base="$cache/base"
if [ ! -x "$base/usr/bin/apt-get" ]; then
  echo "== debootstrap --variant=minbase bookworm into $base"
  rm -rf "$base"
  debootstrap --variant=minbase bookworm "$base" http://deb.debian.org/debian >"$cache.log" 2>&1 ||
    { tail -20 "$cache.log"; echo "FAIL: debootstrap"; exit 1; }
fi
root=$(mktemp -d "$cache.XXXXXX")
cleanup() {
  for m in proc dev; do umount "$root/$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
cp -a "$base/." "$root/"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

in_root dpkg-query -W -f='${Package}\n' | sort >"$root/tmp/before"
echo "== apt install ./$(basename "$deb") (fresh Debian 12 minbase: $(wc -l <"$root/tmp/before") packages)"
in_root apt-get update -qq || fail "apt-get update"
if ! in_root apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")" >"$root/tmp/install.log" 2>&1; then
  tail -20 "$root/tmp/install.log"
  fail "apt install of the package"
fi
in_root dpkg-query -W -f='${Package}\n' | sort >"$root/tmp/after"
pulled=$(comm -13 "$root/tmp/before" "$root/tmp/after" | grep -vx bzjira)
echo "apt pulled: $(tr '\n' ' ' <<<"$pulled")"
grep -E -- '-dev$|^(gcc|g\+\+|cmake|make|ninja-build|build-essential)$' <<<"$pulled" &&
  fail "apt pulled build tools or development packages"
in_root /usr/bin/bzjira --version | grep -q '^bzjira ' || fail "bzjira --version in the fresh system"
in_root /usr/bin/bzjira help sync | grep -q '^Usage: bzjira sync' || fail "bzjira help sync in the fresh system"
missing=$(in_root ldd /usr/bin/bzjira | grep 'not found')
[ -z "$missing" ] || fail "libraries not found in the fresh system: $missing"
in_root getent passwd bzjira | grep -q ':/var/lib/bzjira:/usr/sbin/nologin$' ||
  fail "postinst made no system user bzjira with home /var/lib/bzjira and no shell"
# Owners as the new system names them (its user database, not this machine's).
[ "$(in_root stat -c '%U %a' /var/lib/bzjira)" = "bzjira 700" ] || fail "/var/lib/bzjira is not bzjira's, 0700"
[ "$(in_root stat -c '%U %a' /etc/bzjira/credentials)" = "root 700" ] ||
  fail "/etc/bzjira/credentials is not root's, 0700"

echo "== remove, then purge"
echo '{"name": "kept"}' >"$root/etc/bzjira/kept.json"
touch "$root/var/lib/bzjira/kept.db"
in_root apt-get remove -y -qq bzjira >/dev/null 2>&1 || fail "apt-get remove"
[ ! -e "$root/usr/bin/bzjira" ] || fail "remove left /usr/bin/bzjira"
[ -e "$root/var/lib/bzjira/kept.db" ] || fail "remove deleted the state (only purge may)"
in_root apt-get purge -y -qq bzjira >/dev/null 2>&1 || fail "apt-get purge"
[ ! -e "$root/var/lib/bzjira" ] || fail "purge left /var/lib/bzjira"
[ -e "$root/etc/bzjira/kept.json" ] || fail "purge deleted the administrator's mapping"
in_root getent passwd bzjira >/dev/null || fail "purge removed the user bzjira (it must stay)"

if [ "$failures" -gt 0 ]; then
  echo "FAILED: $failures install checks"
  exit 1
fi
echo "install ok: apt pulled $(wc -w <<<"$pulled") packages; the program runs on a fresh Debian 12"
