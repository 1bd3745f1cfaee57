# BZJIRA_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer.
# -fno-sanitize=vptr: cpprest's own headers trip UBSan's vptr check
# (docs/toolchain.md#ubsan-and-cpprest).
# Three UBSan checks are left out because AddressSanitizer already catches what they would, at
# the access itself, and they were most of the instrumentation: `null` (a load or store through
# a null pointer is a SEGV that ASan reports with its stack), `alignment` (x86-64 does misaligned
# loads; a misaligned object outside its allocation is an ASan report) and `pointer-overflow`
# (a wrapped pointer is reported by ASan when it is used). Each check site carries a static
# descriptor in .data: with them bzjira's .data was 27 MB, which LeakSanitizer scans at every
# process exit, and adapters/bugzilla/bugzilla_client.cpp took 20.2 s to compile (1.26 MB of
# code, 1.12 MB of data) against 11.5-16.3 s (0.79 MB, 0.15 MB) without them
# (docs/toolchain.md#sanitizer-checks). Every other UBSan check stays: signed overflow, shifts,
# bounds, enum and bool loads, float casts, division by zero, unreachable, missing return,
# object size, non-null arguments.
set(BZJIRA_UBSAN_OFF vptr,null,alignment,pointer-overflow)
option(BZJIRA_SANITIZE "Build with ASan+UBSan" OFF)
if(BZJIRA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=${BZJIRA_UBSAN_OFF}
                      -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined -fno-sanitize=${BZJIRA_UBSAN_OFF})
  # GCC 12's -Wmaybe-uninitialized is unreliable under the sanitizers' instrumentation: it fires
  # inside libstdc++ (std::function in <regex>) on code that is clean without them. The plain
  # warnings-as-errors build still checks it.
  add_compile_options(-Wno-maybe-uninitialized)
  # -O1 -g1, whatever the build type says: both sanitizers at -O2 -g make GCC 12 several times
  # slower (a file that parses and dumps one JSON value: 9 s of CPU at -O2 -g without them, 49 s with
  # them, 20 s at -O1 -g1). -O1 is what the AddressSanitizer documentation recommends; -g1 keeps
  # the line tables that the sanitizers' reports need. The Release build (tests/run.sh) still
  # checks -Wmaybe-uninitialized at -O3.
  add_compile_options(-O1 -g1)
  # Position-dependent executables: a PIE of this build carries about 960,000 relative relocations
  # (23 MB of .rela.dyn, mostly the instrumentation's global descriptors) that the dynamic loader
  # applies at every start, page by page: `bzjira --version` took 0.23 s, 0.13 s without them. The
  # end-to-end and reliability tests start bzjira and bzjira-sim thousands of times. The shipped
  # Release build stays a hardened PIE (cmake/Packaging.cmake).
  add_compile_options(-fno-pie)
  add_link_options(-no-pie)
endif()

# The tests' own code (Catch2 cases, their support library, the reliability harness) at -O0 under
# the sanitizers: GCC spends three quarters of such a file's compile time optimizing and generating
# the code that Catch2's assertion macros expand to, and -O1 buys that code nothing (e.g.
# tests/unit/run_test.cpp: 19.7 s of CPU at -O1 -g1, 12.3 s at -O0 -g1). The code under test (sync/,
# adapters/, the simulator) keeps -O1. bzjira_test_pch gets it too: a .gch is only used by files
# compiled at its own optimization level.
function(bzjira_test_code target)
  if(BZJIRA_SANITIZE)
    target_compile_options(${target} PRIVATE -O0)
  endif()
endfunction()
