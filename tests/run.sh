#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this). From a fresh Debian 12 machine:
#   1. installs what is missing (deploy/install-deps.sh --test; ccache among it)
#   2. formatting (clang-format-14), test names, the core's boundary, the docs' citations
#   3. one build of everything with AddressSanitizer + UndefinedBehaviorSanitizer and warnings as
#      errors (build/asan; adapters, simulator and tests in unity batches: cmake/Unity.cmake), then
#      every test on it (ctest; the end-to-end and reliability tests run the sanitized bzjira and
#      bzjira-sim)
#   4. while the tests run, at the lowest CPU priority: clang-tidy (tests/check_tidy.sh: the files
#      changed against main, all of them with BZJIRA_TIDY=all as .ci/run sets; a file found clean
#      before with the same preprocessed text, flags and checks is not checked again), a Release
#      build of the shipped programs (bzjira, bzjira-sim, bzjira-bench in build/release, warnings
#      as errors at -O3, one translation unit per file, plus the man pages and docs the package
#      ships) and the libFuzzer build (clang-14, build/fuzz)
#   5. the Debian package from build/release and its checks (tests/package/check_package.sh)
#   6. fuzzing: each parser's regression inputs, then BZJIRA_FUZZ_SECONDS of fuzzing (default here
#      30; tests/fuzz/run_fuzz.sh alone defaults to 60), as many targets at once as there are cores
# Prints each phase's duration at the end; exits non-zero on any failure. Compiles through ccache
# (cmake/Ccache.cmake) with its cache shared by every clone of the repository on the machine.
# ctest runs BZJIRA_CTEST_JOBS tests at once (default: twice the cores; the tests use their own
# temporary directories and ports the kernel picks, and many of them wait on processes and sockets).
# For local iterations only: BZJIRA_SKIP_RELEASE=1 (also skips the package), BZJIRA_SKIP_FUZZ=1,
# BZJIRA_CTEST_ARGS="-L core".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${BZJIRA_JOBS:-$(nproc)}
ctest_jobs=${BZJIRA_CTEST_JOBS:-$((2 * jobs))}
export BZJIRA_FUZZ_SECONDS=${BZJIRA_FUZZ_SECONDS:-30}
failed=()
phases=()  # "name seconds", in the order they ended
start=$(date +%s)
mkdir -p build
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

step() { printf '\n==== %s\n' "$*"; }
# Runs "$@" and records its wall time as phase $1 (the command is "$@" without the name).
timed() {
  local name=$1 t0=$SECONDS rc
  shift
  "$@"
  rc=$?
  phases+=("$name $((SECONDS - t0))")
  return $rc
}

dependencies() {
  step "dependencies"
  ./deploy/install-deps.sh --test || { echo "dependency installation failed"; exit 1; }
  # One cache for every clone: paths under the repository are hashed relative to it, and the
  # directory a file is compiled in is left out (cmake/Ccache.cmake sets what PCHs need).
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
  # This run's own hits and misses (the cache itself may be shared with other builds).
  export CCACHE_STATSLOG="$logs/ccache.stats"
}

format_check() {
  step "format (clang-format-14)"
  local sources
  mapfile -t sources < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find sync adapters tests -name '*.cpp' -o -name '*.h')
  if clang-format-14 --dry-run --Werror "${sources[@]}" 2>"$logs/format.log"; then
    echo "format ok (${#sources[@]} files)"
  else
    head -40 "$logs/format.log"; failed+=("format")
  fi
  # catch_discover_tests splits names on ';' and Catch2 reads '[' as a tag: such a test would be
  # registered under a broken name and silently run nothing.
  step "test names"
  if grep -rnE 'TEST_CASE\("[^"]*[];[]' tests/; then
    echo "test names must not contain ';', '[' or ']'"; failed+=("test names")
  else
    echo "test names ok"
  fi
  step "boundary (sync/ is standard C++ only)"
  if ./tests/check_boundary.sh; then echo "boundary ok"; else failed+=("boundary"); fi
  step "doc links (citations of docs/*.md name a heading)"
  ./tests/check_doc_links.sh || failed+=("doc links")
}

# configure_and_build NAME BUILD_TYPE TARGETS... -- CMAKE_ARGS...: build/NAME; logs next to it.
configure_and_build() {
  local name=$1 type=$2 dir="$root/build/$1"
  shift 2
  local targets=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do targets+=(--target "$1"); shift; done
  shift
  if ! cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DBZJIRA_WERROR=ON "$@" \
    >"$dir.configure.log" 2>&1; then
    cat "$dir.configure.log"; return 1
  fi
  if ! cmake --build "$dir" -j "$jobs" "${targets[@]}" >"$dir.build.log" 2>&1; then
    grep -E -A5 'error|FAILED' "$dir.build.log" | head -n 80; return 1
  fi
  echo "build/$name: $(grep -c '^\[' "$dir.build.log") steps"
}

# The sanitizers' settings for every process the tests start.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# cpprest's and OpenSSL's state still in use at exit is not ours to free: see the file.
export LSAN_OPTIONS="suppressions=$root/tests/lsan_third_party.supp"

# Step 4, in the background at nice 19: it takes only the CPU the tests leave idle (they wait on
# processes and sockets much of the time). Its phases and failures come back through files.
background_builds() {
  local t0
  renice -n 19 -p "$BASHPID" >/dev/null
  t0=$SECONDS
  ./tests/check_tidy.sh "$root/build/asan" >"$logs/tidy.out" 2>&1 || echo "tidy" >>"$logs/failed"
  echo "clang-tidy $((SECONDS - t0))" >>"$logs/phases"
  if [ "${BZJIRA_SKIP_RELEASE:-0}" != 1 ]; then
    t0=$SECONDS
    # The package target would otherwise build `all` (every test program at -O3) first; the
    # package's own files (man pages, compressed docs) are built here instead. One translation
    # unit per file (no unity batches, no PCH in Release): this build checks that every shipped
    # file includes what it uses.
    configure_and_build release Release bzjira bzjira-sim bzjira-bench bzjira_package_files -- \
      -DCMAKE_SKIP_PACKAGE_ALL_DEPENDENCY=ON -DBZJIRA_UNITY=OFF >"$logs/release.out" 2>&1 ||
      echo "release build" >>"$logs/failed"
    echo "release build $((SECONDS - t0))" >>"$logs/phases"
  fi
  if [ -x tests/fuzz/run_fuzz.sh ] && [ "${BZJIRA_SKIP_FUZZ:-0}" != 1 ]; then
    t0=$SECONDS
    ./tests/fuzz/run_fuzz.sh --build-only "$root/build/fuzz" >"$logs/fuzz-build.out" 2>&1 ||
      echo "fuzz build" >>"$logs/failed"
    echo "fuzz build $((SECONDS - t0))" >>"$logs/phases"
  fi
}

run_tests() {
  step "test (ctest -j $ctest_jobs on build/asan)"
  local dir="$root/build/asan"
  # shellcheck disable=SC2086 # BZJIRA_CTEST_ARGS is a list of ctest options
  (cd "$dir" && ctest --output-on-failure -j "$ctest_jobs" --timeout 900 ${BZJIRA_CTEST_ARGS:-}) |
    tee "$dir.ctest.log" | grep -vE '^ +[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed'
  [ "${PIPESTATUS[0]}" = 0 ] || failed+=("tests")
}

timed dependencies dependencies
timed "format, names, boundary, links" format_check

step "build (ASan + UBSan, warnings as errors: build/asan)"
if timed "build" configure_and_build asan RelWithDebInfo -- -DBZJIRA_SANITIZE=ON; then
  background_builds &
  background=$!
  timed "test" run_tests
  step "release and fuzz builds (started with the tests)"
  t0=$SECONDS
  wait "$background"
  phases+=("waiting for them $((SECONDS - t0))")
  cat "$logs"/tidy.out "$logs"/release.out "$logs"/fuzz-build.out 2>/dev/null
  while read -r line; do phases+=("$line"); done < <(cat "$logs/phases" 2>/dev/null)
  while read -r line; do failed+=("$line"); done < <(cat "$logs/failed" 2>/dev/null)
else
  failed+=("build")
fi

# The Debian package, made from the Release build (tests/package/check_package.sh).
if [ "${BZJIRA_SKIP_RELEASE:-0}" != 1 ]; then
  if [ -x "$root/build/release/bzjira" ] && ! grep -qx "release build" "$logs/failed" 2>/dev/null; then
    step "package (tests/package/check_package.sh build/release)"
    timed package ./tests/package/check_package.sh "$root/build/release" || failed+=("package")
  fi
fi

# Fuzzing (clang-14 libFuzzer with ASan+UBSan): each target for a bounded time, seeded with the
# real samples in tests/data/samples. A crash fails the run and leaves its input in build/fuzz/crashes/.
if [ -x tests/fuzz/run_fuzz.sh ] && [ "${BZJIRA_SKIP_FUZZ:-0}" != 1 ] && [ -f "$logs/fuzz-build.out" ] &&
  ! grep -qx "fuzz build" "$logs/failed" 2>/dev/null; then
  step "fuzz"
  timed fuzz ./tests/fuzz/run_fuzz.sh --no-build "$root/build/fuzz" || failed+=("fuzz")
fi

step "ccache (this run)"
if [ -s "$logs/ccache.stats" ]; then
  ccache --show-log-stats | sed -n '1,6p'
  echo "  precompiled header refused: $(grep -c could_not_use_precompiled_header "$logs/ccache.stats")"
else
  echo "no compilation went through ccache"
fi

step "summary ($(( $(date +%s) - start )) s)"
for p in "${phases[@]}"; do
  printf '  %-28s %5s s\n' "${p% *}" "${p##* }"
done
counts=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$root/build/asan.ctest.log" 2>/dev/null | tail -n 1)
total=$(sed -nE 's/.* out of ([0-9]+).*/\1/p' <<<"$counts")
tests_failed=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed.*/\1/p' <<<"$counts")
passed=$(( ${total:-0} - ${tests_failed:-0} ))
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  echo "$passed passed, $(( ${tests_failed:-0} > 0 ? tests_failed : 1 )) failed"
  exit 1
fi
echo "$passed passed, 0 failed"
