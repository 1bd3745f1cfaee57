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
endif()
