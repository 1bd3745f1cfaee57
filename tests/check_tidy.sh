#!/usr/bin/env bash
# clang-tidy-14 with the repository's .clang-tidy over the project's C++ files, every finding an
# error. Usage: tests/check_tidy.sh BUILD_DIR [all|changed]
#   all      every .cpp file of sync/, adapters/ and tests/ in BUILD_DIR/compile_commands.json
#            (CI: .ci/run sets BZJIRA_TIDY=all)
#   changed  (default, or BZJIRA_TIDY=changed) the .cpp files changed against the merge base with
#            main, committed or not, and the .cpp files that include a changed header; a file in a
#            unity batch has its whole batch checked again
# Runs BZJIRA_JOBS clang-tidy processes at once (default: the cores). Exit 0 when there is no
# finding.
#
# Unity batches (cmake/Unity.cmake) are checked as the build compiles them, one translation unit
# each, which parses the headers their files share once (tests/tidy_commands.py). That reports
# everything checking each file alone reports (shown with injected findings of every check family)
# as long as the batch is checked with its files' own configuration (tests/.clang-tidy leaves out
# readability-container-size-empty; checked with the top-level one, the batches of tests/ gave 40
# findings no file gave alone) and the three checks whose verdict on a declaration depends on the
# rest of the translation unit (bugprone-argument-comment, bugprone-forward-declaration-namespace,
# modernize-use-equals-delete: another file of the batch can define or use what a file only
# declares) also run on each of its files alone. No enabled check skips code outside the main
# file (clang-tidy 14's sources: none of them tests isInMainFile or the like). The core (sync/)
# and files compiled alone are checked alone. BZJIRA_TIDY_UNITS=files checks every file alone with
# every check, as before batches were checked whole.
#
# Result cache, as ccache does for compiles: a run (a file, or a batch) found clean is not done
# again while the input clang-tidy would see is the same. The key is the SHA-256 of the run's file
# preprocessed by clang with comments kept (so every file of a batch, every header it includes,
# the macros its flags define, and NOLINT markers; the repository's path is replaced so that every
# clone shares the cache), of its compile flags and clang-tidy arguments, of clang-tidy's version,
# of every .clang-tidy in the repository and of this script and tests/tidy_commands.py. Only clean
# results are kept, as empty files named by their key, under BZJIRA_TIDY_CACHE (default
# ~/.cache/bzjira/tidy; BZJIRA_TIDY_CACHE=off checks everything). A run with findings is done again
# every time until it is clean. Preprocessing every run costs minutes (a batch pulls in cpprest and
# Boost), so a run found clean also leaves a manifest, as ccache's direct mode does: keyed by its
# arguments, the files its preprocessing read. The next time, when each of those files is as it was
# (the repository's and the temporary batches' by content, the system's headers by size and
# modification time), the run is known clean without preprocessing; else it is preprocessed.
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

# The runs that check our files (tests/tidy_commands.py): each unity batch as the one translation
# unit the build compiles, plus the few context checks on each of its files alone, and every other
# file alone. A line per run: N, kind, the file clang-tidy checks, the files of ours it covers.
db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
per_file=()
[ "${BZJIRA_TIDY_UNITS:-batches}" = files ] && per_file=(--per-file)
mapfile -t runs < <(python3 tests/tidy_commands.py "$build/compile_commands.json" "$(pwd)" "$db" "$tidy" "${per_file[@]}")
if [ ${#runs[@]} -eq 0 ]; then
  echo "tidy: tests/tidy_commands.py found nothing to check in $build/compile_commands.json"
  exit 1
fi
mapfile -t known < <(printf '%s\n' "${runs[@]}" | cut -f4 | tr ' ' '\n' | sort -u)

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
  cat tests/check_tidy.sh tests/tidy_commands.py
  find . -name .clang-tidy -not -path './build/*' | sort | xargs cat
} | sha256sum | cut -c1-64)
[ "$cache" = off ] || mkdir -p "$cache" || cache=off
mkdir -p "$db/out"

# The direct key of a run (see above): `k1`, the key of its arguments, and the state of the files
# its manifest lists. Empty when there is no manifest or one of the files is gone.
direct_key() {
  local k1=$1 f files=() mine=() system=()
  [ -s "$cache/m-$k1" ] || return 0
  mapfile -t files <"$cache/m-$k1"
  for f in "${files[@]}"; do
    f=${f//@ROOT@/$root}
    f=${f//@DB@/$db}
    case "$f" in
      "$root"/* | "$db"/*) mine+=("$f") ;;
      *) system+=("$f") ;;
    esac
  done
  local state=""
  if [ ${#mine[@]} -gt 0 ] && ! state=$(sha256sum -- "${mine[@]}" 2>/dev/null); then
    return 0
  fi
  if [ ${#system[@]} -gt 0 ] && ! state+=$(stat -c '%n %s %Y' -- "${system[@]}" 2>/dev/null); then
    return 0
  fi
  { echo "$k1"; echo "$state"; } | sed -e "s|$db|@DB@|g" -e "s|$root|@ROOT@|g" | sha256sum | cut -c1-64
}

# One run: its index N (see tests/tidy_commands.py) and the file clang-tidy checks. Writes
# clang-tidy's output to $db/out/N, and "cached" there instead when the cache holds a clean result
# for the same input. The key covers the run's arguments (which name the checks of a context run)
# and its file preprocessed, so a batch is checked again when any of its files changes.
check_one() {
  local n=$1 file=$2 key="" k1="" dir args extra direct
  mapfile -t extra <"$db/args/$n"
  if [ "$cache" != off ]; then
    mapfile -t args <"$db/pp/$n"
    dir=${args[0]}
    k1=$({
      echo "$stamp"
      printf '%s\n' "${extra[@]}" "${args[@]:1}" | sed -e "s|$db|@DB@|g" -e "s|$root|@ROOT@|g"
    } | sha256sum | cut -c1-64)
    direct=$(direct_key "$k1")
    if [ -n "$direct" ] && [ -e "$cache/d-$direct" ]; then
      echo cached >"$db/out/$n"
      return 0
    fi
    (cd "$dir" && "${args[@]:1}" 2>/dev/null) >"$db/pre.$n"
    key=$({
      echo "$stamp"
      printf '%s\n' "${extra[@]}" "${args[@]:1}" | sed -e "s|$db|@DB@|g" -e "s|$root|@ROOT@|g"
      sed -e "s|$db|@DB@|g" -e "s|$root|@ROOT@|g" "$db/pre.$n"
    } | sha256sum | cut -c1-64)
    # The preprocessor failing leaves a key nobody else gets; the check itself then reports why.
    if [ -e "$cache/$key" ]; then
      remember "$n" "$dir" "$k1"
      rm -f "$db/pre.$n"
      echo cached >"$db/out/$n"
      return 0
    fi
  fi
  # -Wno-unknown-warning-option: the build's GCC-only warning flags mean nothing to clang.
  "$tidy" -p "$db" --quiet --extra-arg=-Wno-unknown-warning-option "${extra[@]}" "$file" \
    >"$db/out/$n" 2>/dev/null
  local rc=$?
  if [ "$cache" != off ] && [ $rc = 0 ] && ! grep -qE "$finding" "$db/out/$n"; then
    : >"$cache/$key"
    remember "$n" "$dir" "$k1"
  fi
  rm -f "$db/pre.$n"
}

# After a clean result: the manifest of run N (the files named by its preprocessed output's line
# markers, absolute) and its direct key.
remember() {
  local n=$1 dir=$2 k1=$3 direct
  grep -aoE '^# [0-9]+ "[^"<][^"]*"' "$db/pre.$n" | sed -E 's/^# [0-9]+ "(.*)"$/\1/' | sort -u |
    (cd "$dir" && xargs -r -d '\n' realpath -e --) 2>/dev/null | sort -u |
    sed -e "s|$db|@DB@|g" -e "s|$root|@ROOT@|g" >"$cache/m-$k1.$$" &&
    mv "$cache/m-$k1.$$" "$cache/m-$k1"
  direct=$(direct_key "$k1")
  [ -z "$direct" ] || : >"$cache/d-$direct"
}
finding='(warning|error): .*\[[a-z]+-[a-z0-9.-]+(,-warnings-as-errors)?\]$'
root=$(pwd)
export -f check_one direct_key remember
export tidy db cache stamp root finding

# The runs covering a file to check: a batch is checked again as a whole when one of its files is.
declare -A wanted
for f in "${files[@]}"; do
  wanted[$f]=1
done
work=()
batches=0
for r in "${runs[@]}"; do
  IFS=$'\t' read -r n kind file members <<<"$r"
  for m in $members; do
    if [ -n "${wanted[$m]:-}" ]; then
      work+=("$n"$'\t'"$file")
      [ "$kind" = batch ] && batches=$((batches + 1))
      break
    fi
  done
done
# shellcheck disable=SC2016 # $1 is bash -c's own argument
printf '%s\n' "${work[@]}" |
  xargs -P "$jobs" -n 1 -d '\n' bash -c 'IFS=$(printf "\t") read -r n f <<<"$1"; check_one "$n" "$f"' _
cached=$(grep -lx cached "$db"/out/* 2>/dev/null | wc -l)
findings=$(cat "$db"/out/* 2>/dev/null | grep -E "$finding" | sort -u)
what="${#files[@]} files, $mode: ${#work[@]} clang-tidy runs, $batches of them unity batches"
if [ -n "$findings" ]; then
  echo "$findings" | head -60
  echo "tidy: $(echo "$findings" | wc -l) findings ($what)"
  exit 1
fi
if [ "$cache" = off ]; then
  echo "tidy ok ($what)"
else
  echo "tidy ok ($what; $cached of the runs unchanged since found clean, from $cache)"
fi
