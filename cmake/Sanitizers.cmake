# BZJIRA_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer.
# -fno-sanitize=vptr: cpprest's own headers trip UBSan's vptr check
# (docs/toolchain.md#ubsan-and-cpprest).
option(BZJIRA_SANITIZE "Build with ASan+UBSan" OFF)
if(BZJIRA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined -fno-sanitize=vptr)
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
