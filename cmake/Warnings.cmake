# Project warning set (docs/toolchain.md#warnings). BZJIRA_WERROR turns them into errors (CI does).
option(BZJIRA_WERROR "Treat warnings as errors" OFF)
function(bzjira_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Woverloaded-virtual)
  if(BZJIRA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
