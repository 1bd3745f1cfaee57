#!/usr/bin/env bash
# Installs, from Debian 12 packages, everything bzjira needs to build, run and test.
# Only missing packages are installed; nothing happens when all are present.
# Used by deploy/quickstart.sh, tests/run.sh and deploy/container/Containerfile.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates tzdata openssl curl
  libcpprest-dev libssl-dev zlib1g-dev libboost-program-options-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev catch2 libsqlite3-dev sqlite3 libhowardhinnant-date-dev
  libsimdjson-dev
)
if [ "${1:-}" = "--test" ]; then
  # The checks of tests/run.sh: formatting and static checks (clang-tidy-14), fuzzing (clang-14 + libFuzzer runtime), promtool for the
  # metrics file, systemd-analyze for the units, curl for the quickstart and e2e checks, and ccache,
  # which the build uses as its compiler launcher when present (cmake/Ccache.cmake).
  packages+=(clang-format-14 clang-tidy-14 clang-14 libclang-rt-14-dev prometheus systemd curl ccache)
  packages+=(chromium)  # headless browser of the HTML report tests (tests/report)
  packages+=(dpkg-dev fakeroot lintian man-db)  # the Debian package and its checks (tests/package)
  # Node.js and npm run the contract test (Prism) and the Kubernetes schema check. A machine may
  # already have them from another source (NodeSource bundles npm inside its nodejs package, and
  # Debian's npm package would conflict with it): install Debian's only when the commands are absent.
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
  fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
