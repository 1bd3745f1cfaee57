# Precompiled headers for the two heavy third-party headers: parsing nlohmann/json.hpp costs about
# 4.5 s of CPU per translation unit and catch2/catch.hpp about 3 s (g++ 12, -O2 -g), and 85 and 76
# of our files include them. Each is compiled once per build directory, in a host target of its own,
# and reused by every target that wants it (target_precompile_headers REUSE_FROM):
#   bzjira_json_pch   nlohmann/json             the adapter libraries that read or write JSON, the
#                                               simulator and the bench library
#   bzjira_test_pch   Catch2 + nlohmann/json    every test program
# REUSE_FROM needs the same compiler flags in the host and its users; they all get the project's
# warnings (bzjira_warnings) and the directory-wide options (sanitizers), and a .gch that GCC
# cannot use is a -Winvalid-pch warning, which BZJIRA_WERROR turns into a build error rather than a
# silent slow build. Extra definitions of a user (e.g. _TURN_OFF_PLATFORM_STRING) are fine: GCC
# only rejects a .gch for macros that its headers mention.
# -DBZJIRA_PCH=OFF builds without them (e.g. to check that every file includes what it uses).
# A Release build is off by default: Debian's hardening flags (cmake/Packaging.cmake) are given to
# the shipped targets only, and GCC refuses a header precompiled without _FORTIFY_SOURCE.
if(CMAKE_BUILD_TYPE STREQUAL "Release")
  set(bzjira_pch_default OFF)
else()
  set(bzjira_pch_default ON)
endif()
option(BZJIRA_PCH "Precompile Catch2 and nlohmann/json" ${bzjira_pch_default})

if(BZJIRA_PCH)
  set(bzjira_pch_host_source ${CMAKE_CURRENT_LIST_DIR}/pch_host.cpp)

  add_library(bzjira_json_pch OBJECT ${bzjira_pch_host_source})
  target_link_libraries(bzjira_json_pch PRIVATE nlohmann_json::nlohmann_json)
  target_precompile_headers(bzjira_json_pch PRIVATE <nlohmann/json.hpp>)
  bzjira_warnings(bzjira_json_pch)
endif()

# The test host needs Catch2, which is only looked for when the tests are built.
function(bzjira_add_test_pch)
  if(BZJIRA_PCH)
    add_library(bzjira_test_pch OBJECT ${bzjira_pch_host_source})
    target_link_libraries(bzjira_test_pch PRIVATE Catch2::Catch2 nlohmann_json::nlohmann_json)
    target_precompile_headers(bzjira_test_pch PRIVATE <catch2/catch.hpp> <nlohmann/json.hpp>)
    bzjira_warnings(bzjira_test_pch)
    bzjira_test_code(bzjira_test_pch)
  endif()
endfunction()

# Makes `target` use the precompiled headers of `host` (bzjira_json_pch or bzjira_test_pch).
function(bzjira_use_pch target host)
  if(BZJIRA_PCH)
    target_precompile_headers(${target} REUSE_FROM ${host})
  endif()
endfunction()
