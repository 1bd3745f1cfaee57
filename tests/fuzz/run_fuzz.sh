#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang-14, ASan + UBSan), seeds them with the real
# samples of tests/data/samples and the repo's mappings, and runs each for a bounded time.
#   usage: tests/fuzz/run_fuzz.sh [--build-only | --no-build] <build dir>
#   --build-only         build the targets only (tests/run.sh builds them while the tests run)
#   --no-build           fuzz with the targets built before
#   BZJIRA_FUZZ_SECONDS  time per target (default 60)
#   BZJIRA_FUZZ_TARGETS  space-separated subset of targets (default: all)
#   BZJIRA_JOBS          build parallelism, and how many targets fuzz at once (default: nproc);
#                        each target is one process, so N cores fuzz N targets in the time of one
# Prints each target's executions; exits non-zero when a target crashed, hung, ran out of memory
# or leaked (the input is kept as <build dir>/crashes/<target>-{crash,timeout,oom,leak}-*) or could
# not be built. Inputs of crashes that were fixed live in tests/fuzz/regressions/<target>/: they
# are replayed on every run before fuzzing (and by the Catch2 *_fuzz_regressions_test.cpp).
# A new target is a tests/fuzz/fuzz_<name>.cpp plus its seeds below.
set -uo pipefail

mode=all
case "${1:-}" in
  --build-only) mode=build; shift ;;
  --no-build) mode=fuzz; shift ;;
esac
if [ $# -ne 1 ]; then
  echo "usage: $0 [--build-only | --no-build] <build dir>" >&2
  exit 2
fi
script_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)
samples="$script_dir/../data/samples"
mkdir -p "$1" || exit 2
build=$(cd "$1" && pwd)
seconds=${BZJIRA_FUZZ_SECONDS:-60}
jobs=${BZJIRA_JOBS:-$(nproc)}
all_targets=$(find "$script_dir" -maxdepth 1 -name 'fuzz_*.cpp' -printf '%f\n' | sed -e 's/^fuzz_//' -e 's/\.cpp$//' | sort | tr '\n' ' ')
targets=${BZJIRA_FUZZ_TARGETS:-$all_targets}

if [ ! -d "$samples" ]; then
  echo "fuzz: samples not found at $samples" >&2
  exit 2
fi
samples=$(cd "$samples" && pwd)
for tool in clang++-14 cmake ninja; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool is missing (deploy/install-deps.sh --test)" >&2; exit 2; }
done

if [ "$mode" != fuzz ]; then
  echo "fuzz: building with clang++-14 in $build/cmake"
  # Through ccache when it is installed (no precompiled headers here, so no settings needed).
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  if ! cmake -S "$script_dir" -B "$build/cmake" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >"$build/configure.log" 2>&1; then
    cat "$build/configure.log"
    exit 1
  fi
  if ! cmake --build "$build/cmake" -j "$jobs" >"$build/build.log" 2>&1; then
    grep -E -A5 'error|FAILED' "$build/build.log" | head -n 60
    exit 1
  fi
  echo "fuzz: built $(grep -c '^\[' "$build/build.log") steps"
  if [ "$mode" = build ]; then
    exit 0
  fi
fi

# Seeds are rebuilt from the samples on every run; the corpus (what libFuzzer found) is kept.
seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds" "$build/corpus" "$build/crashes" "$build/logs"
copy_seeds() {  # target, files...
  local target=$1
  shift
  mkdir -p "$seeds/$target"
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$seeds/$target/$(basename "$(dirname "$f")")-$(basename "$f")"
  done
}
split_seeds() {  # target, mode, file
  mkdir -p "$seeds/$1"
  "$build/cmake/make_seeds" "$2" "$3" "$seeds/$1" >/dev/null || exit 1
}
copy_seeds bugzilla_json "$samples"/bugzilla/bmo_comments_*.json "$samples"/bugzilla/bmo_search_*.json \
  "$samples"/bugzilla-5.2/*.json "$repo"/tests/data/bugzilla/*.json "$script_dir"/seeds/bugzilla_json/*
split_seeds whiteboard whiteboards "$samples"/bugzilla/bmo_whiteboard_values_2026-10.json
copy_seeds whiteboard "$script_dir"/seeds/whiteboard/*
copy_seeds mapping "$repo"/mappings/*.json "$repo"/tests/data/mappings/*.json
split_seeds jira_json jira-examples "$samples"/jira/jira_cloud_examples_from_openapi.json
copy_seeds jira_json "$script_dir"/seeds/jira_json/*

dict_of() {
  case $1 in
    whiteboard) echo "$script_dir/whiteboard.dict" ;;
    *) echo "$script_dir/json.dict" ;;
  esac
}

export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# One target: its regression inputs, then fuzzing. Prints its report; exit 0 when it passed.
fuzz_target() {
  local target=$1 exe="$build/cmake/fuzz_$1"
  if [ ! -x "$exe" ]; then
    echo "fuzz: no target fuzz_$target"
    return 1
  fi
  # The inputs of fixed crashes first, each once (one is large: it must stay out of max_len).
  local regressions=("$script_dir/regressions/$target"/*)
  if [ -e "${regressions[0]}" ]; then
    if ! "$exe" -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$build/crashes/$target-" \
      "${regressions[@]}" >"$build/logs/$target.regressions.log" 2>&1; then
      echo "fuzz_$target: a regression input fails again; log $build/logs/$target.regressions.log"
      grep -E 'ERROR: |runtime error|fuzz property violated|Running: ' \
        "$build/logs/$target.regressions.log" | tail -n 4
      return 1
    fi
    echo "fuzz_$target: ${#regressions[@]} regression inputs pass"
  fi
  mkdir -p "$build/corpus/$target" "$seeds/$target"
  local dirs=("$build/corpus/$target" "$seeds/$target") log="$build/logs/$target.log" rc runs units
  "$exe" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -dict="$(dict_of "$target")" -artifact_prefix="$build/crashes/$target-" "${dirs[@]}" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  units=$(find "$build/corpus/$target" -type f | wc -l)
  echo "${runs:-0}" >"$build/logs/$target.runs"
  if [ $rc -eq 0 ]; then
    printf 'fuzz_%-14s %10s executions in %ss, corpus %s, no crash\n' "$target" "${runs:-?}" "$seconds" "$units"
  else
    printf 'fuzz_%-14s %10s executions, FAILED (exit %s); log %s\n' "$target" "${runs:-?}" "$rc" "$log"
    grep -E 'ERROR: |runtime error|fuzz property violated|Test unit written' "$log" | head -n 8
    return 1
  fi
}

# Up to $jobs targets at once, each in the background; reports are printed in target order.
echo "fuzz: $seconds s per target, $jobs at a time"
for target in $targets; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
    wait -n
  done
  rm -f "$build/logs/$target.runs" "$build/logs/$target.rc"
  { fuzz_target "$target" >"$build/logs/$target.report" 2>&1; echo $? >"$build/logs/$target.rc"; } &
done
wait
failed=()
total_runs=0
for target in $targets; do
  [ "$(cat "$build/logs/$target.rc" 2>/dev/null)" = 0 ] || failed+=("$target")
  cat "$build/logs/$target.report"
  total_runs=$((total_runs + $(cat "$build/logs/$target.runs" 2>/dev/null || echo 0)))
done

echo "fuzz: $total_runs executions in total"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (crashing inputs in $build/crashes)"
  exit 1
fi
