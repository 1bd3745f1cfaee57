#!/usr/bin/env bash
# clang-tidy-14 with the repository's .clang-tidy over the project's C++ files, every finding an
# error. Usage: tests/check_tidy.sh BUILD_DIR [all|changed]
#   all      every .cpp file of sync/, adapters/ and tests/ in BUILD_DIR/compile_commands.json
#            (CI: .ci/run sets BZJIRA_TIDY=all)
#   changed  (default, or BZJIRA_TIDY=changed) the .cpp files changed against the merge base with
#            main, committed or not, and the .cpp files that include a changed header
# Runs BZJIRA_JOBS files at once (default: the cores). Exit 0 when there is no finding.
#
# Result cache, as ccache does for compiles: a file found clean is not checked again while the
# input clang-tidy would see is the same. The key is the SHA-256 of the file preprocessed by clang
# with comments kept (so every header it includes, the macros its flags define, and NOLINT markers;
# the repository's path is replaced so that every clone shares the cache), of its compile flags, of
# clang-tidy's version, of every .clang-tidy in the repository and of this script. Only clean
# results are kept, as empty files named by their key, under BZJIRA_TIDY_CACHE (default
# ~/.cache/bzjira/tidy; BZJIRA_TIDY_CACHE=off checks every file). A file with findings is checked
# again every time until it is clean.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
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
trap 'rm -rf "$db"' EXIT
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
cache=${BZJIRA_TIDY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bzjira/tidy}
stamp=$({
  "$tidy" --version
  cat tests/check_tidy.sh
  find . -name .clang-tidy -not -path './build/*' | sort | xargs cat
} | sha256sum | cut -c1-64)
[ "$cache" = off ] || mkdir -p "$cache" || cache=off
mkdir -p "$db/out"

# One file: index N in $db/pp (see tests/tidy_commands.py) and its path. Writes clang-tidy's output
# to $db/out/N, and "cached" there instead when the cache holds a clean result for the same input.
check_one() {
  local n=$1 file=$2 key dir args
  if [ "$cache" != off ]; then
    mapfile -t args <"$db/pp/$n"
    dir=${args[0]}
    key=$({
      echo "$stamp"
      printf '%s\n' "${args[@]:1}" | sed "s|$root|@ROOT@|g"
      (cd "$dir" && "${args[@]:1}" 2>/dev/null) | sed "s|$root|@ROOT@|g"
    } | sha256sum | cut -c1-64)
    # The preprocessor failing leaves a key nobody else gets; the check itself then reports why.
    if [ -e "$cache/$key" ]; then
      echo cached >"$db/out/$n"
      return 0
    fi
  fi
  # -Wno-unknown-warning-option: the build's GCC-only warning flags mean nothing to clang.
  "$tidy" -p "$db" --quiet --extra-arg=-Wno-unknown-warning-option "$file" >"$db/out/$n" 2>/dev/null
  local rc=$?
  if [ "$cache" != off ] && [ $rc = 0 ] && ! grep -qE "$finding" "$db/out/$n"; then
    : >"$cache/$key"
  fi
}
finding='(warning|error): .*\[[a-z]+-[a-z0-9.-]+(,-warnings-as-errors)?\]$'
root=$(pwd)
export -f check_one
export tidy db cache stamp root finding

# Each file with its index in $db/pp.
declare -A index
for i in "${!known[@]}"; do
  index[${known[$i]}]=$i
done
work=()
for f in "${files[@]}"; do
  work+=("${index[$f]}"$'\t'"$f")
done
# shellcheck disable=SC2016 # $1 is bash -c's own argument
printf '%s\n' "${work[@]}" |
  xargs -P "$jobs" -n 1 -d '\n' bash -c 'IFS=$(printf "\t") read -r n f <<<"$1"; check_one "$n" "$f"' _
cached=$(grep -lx cached "$db"/out/* 2>/dev/null | wc -l)
findings=$(cat "$db"/out/* 2>/dev/null | grep -E "$finding" | sort -u)
if [ -n "$findings" ]; then
  echo "$findings" | head -60
  echo "tidy: $(echo "$findings" | wc -l) findings in ${#files[@]} files"
  exit 1
fi
if [ "$cache" = off ]; then
  echo "tidy ok (${#files[@]} files, $mode)"
else
  echo "tidy ok (${#files[@]} files, $mode; $cached of them unchanged since found clean, from $cache)"
fi
