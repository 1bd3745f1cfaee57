# Project warning set (docs/toolchain.md#warnings). BZJIRA_WERROR turns them into errors (CI does).
option(BZJIRA_WERROR "Treat warnings as errors" OFF)
function(bzjira_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Woverloaded-virtual)
  if(BZJIRA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
    # GCC 12 at -O3 reports -Wrestrict inside libstdc++'s char_traits.h for plain string
    # concatenation (GCC bug 105329, fixed in GCC 13): a false positive in a system header, kept
    # as a warning so the rest of the set still fails the build.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE -Wno-error=restrict)
    endif()
  endif()
endfunction()
