#!/usr/bin/env bash
# clang-tidy-14 with the repository's .clang-tidy over the project's C++ files, every finding an
# error. Usage: tests/check_tidy.sh BUILD_DIR [all|changed]
#   all      every .cpp file of sync/, adapters/ and tests/ in BUILD_DIR/compile_commands.json
#            (CI: .ci/run sets BZJIRA_TIDY=all)
#   changed  (default, or BZJIRA_TIDY=changed) the .cpp files changed against the merge base with
#            main, committed or not, and the .cpp files that include a changed header
# Runs BZJIRA_JOBS files at once (default: the cores). Exit 0 when there is no finding.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: tests/check_tidy.sh BUILD_DIR [all|changed]}
mode=${2:-${BZJIRA_TIDY:-changed}}
jobs=${BZJIRA_JOBS:-$(nproc)}
tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
if [ -z "$tidy" ]; then
  echo "clang-tidy-14 is missing (deploy/install-deps.sh --test installs it)"
  exit 1
fi
if [ ! -f "$build/compile_commands.json" ]; then
  echo "no $build/compile_commands.json: configure the build first"
  exit 1
fi

# Every translation unit of ours the build knows, and its compile command without GCC's
# precompiled header (tests/tidy_commands.py).
db=$(mktemp -d)
out=$(mktemp)
trap 'rm -rf "$db" "$out"' EXIT
mapfile -t known < <(python3 tests/tidy_commands.py "$build/compile_commands.json" "$(pwd)" "$db")

files=()
case "$mode" in
  all) files=("${known[@]}") ;;
  changed)
    base=$(git merge-base HEAD main 2>/dev/null || git rev-parse HEAD 2>/dev/null || true)
    mapfile -t changed < <({ git diff --name-only "$base" 2>/dev/null; git ls-files --others --exclude-standard; } | sort -u)
    headers=()
    for f in "${changed[@]}"; do
      case "$f" in *.h) headers+=("$f") ;; esac
    done
    for f in "${known[@]}"; do
      if printf '%s\n' "${changed[@]}" | grep -qxF "$f"; then
        files+=("$f")
      elif [ ${#headers[@]} -gt 0 ] && grep -qF -f <(printf '"%s"\n' "${headers[@]}") "$f"; then
        files+=("$f")
      fi
    done
    ;;
  *) echo "unknown mode $mode (all or changed)"; exit 2 ;;
esac

if [ ${#files[@]} -eq 0 ]; then
  echo "tidy: no changed C++ file to check (BZJIRA_TIDY=all checks all ${#known[@]})"
  exit 0
fi
# -Wno-unknown-warning-option: the build's GCC-only warning flags mean nothing to clang.
printf '%s\n' "${files[@]}" |
  xargs -P "$jobs" -n 4 "$tidy" -p "$db" --quiet --extra-arg=-Wno-unknown-warning-option \
    >"$out" 2>/dev/null
findings=$(grep -E '(warning|error): .*\[[a-z]+-[a-z0-9.-]+(,-warnings-as-errors)?\]$' "$out" | sort -u)
if [ -n "$findings" ]; then
  echo "$findings" | head -60
  echo "tidy: $(echo "$findings" | wc -l) findings in ${#files[@]} files"
  exit 1
fi
echo "tidy ok (${#files[@]} files, $mode)"
