# ccache as the compiler launcher when it is installed (Debian package ccache; tests/run.sh installs
# it), so a rebuild after `git pull`, a second build directory and CI reuse objects.
#   -DBZJIRA_CCACHE=OFF                      never use it
#   -DCMAKE_CXX_COMPILER_LAUNCHER=ccache     also fine: it gets the same settings as below
# The precompiled headers (cmake/PrecompiledHeaders.cmake) only hit the cache with
# sloppiness=pch_defines,time_macros (ccache(1), "Precompiled headers"): ccache cannot see
# __DATE__/__TIME__ or #defines through a .gch. include_file_mtime,include_file_ctime let a .gch
# made earlier in the same build be used at once (ccache(1), "Handling of newly created header
# files"); the race it guards against is a header edited while it is being compiled.
option(BZJIRA_CCACHE "Use ccache as the compiler launcher when it is installed" ON)

set(bzjira_ccache_sloppiness pch_defines,time_macros,include_file_mtime,include_file_ctime)

if(BZJIRA_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(BZJIRA_CCACHE_PROGRAM ccache)
  if(BZJIRA_CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${BZJIRA_CCACHE_PROGRAM})
  endif()
endif()

# A launcher that is ccache (found above or given on the command line) runs with the sloppiness the
# precompiled headers need; ccache 4.7 takes settings only from its configuration files and the
# environment, hence `cmake -E env`.
if(CMAKE_CXX_COMPILER_LAUNCHER MATCHES "(^|/)ccache$")
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env CCACHE_SLOPPINESS=${bzjira_ccache_sloppiness}
                                  ${CMAKE_CXX_COMPILER_LAUNCHER})
  message(STATUS "bzjira: compiling through ccache (${CMAKE_CXX_COMPILER_LAUNCHER})")
endif()
