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
endif()
