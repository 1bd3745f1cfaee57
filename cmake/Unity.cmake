# Unity builds for the adapter libraries, the simulator, the bench library and the test programs:
# their files are compiled in batches, one translation unit per batch, so the headers they share
# (Catch2, nlohmann/json, cpprest, Boost, simdjson, spdlog, the project's own) are parsed, and
# their inline functions and templates instantiated and compiled, once per batch instead of once
# per file. The core (sync/) is not batched: its files include only the standard library, and a
# change to one of them stays a one-file recompile.
#   -DBZJIRA_UNITY=OFF          one translation unit per file, as without this module
#   -DBZJIRA_UNITY_BATCH=N      files per batch (default 8)
# A change to one file recompiles its whole batch. Files that define the same name with internal
# linkage (a helper in an anonymous namespace, a file-scope constant) cannot share a batch: the
# target names them APART and they are put in different batches. Files with their own compile
# options or definitions (set before this is called) are compiled alone, with them.
# The batches are written here rather than by CMake's UNITY_BUILD, whose generated files #include
# each source by its absolute path: that path would be in every batch's text and in the __FILE__
# of every Catch2 assertion, so ccache (which hashes both) would miss on every batch in a clone at
# another path. Ours include "tests/unit/x_test.cpp", found through -I<root>, which ccache's
# CCACHE_BASEDIR (tests/run.sh) makes the same in every clone. Each batch is
# <build>/<dir>/unity/<target>_<n>.cpp; the batched sources stay in the target as HEADER_FILE_ONLY.
# clang-tidy reads the batches back (tests/tidy_commands.py).
option(BZJIRA_UNITY "Compile adapters, simulator and tests in batches (unity build)" ON)
set(BZJIRA_UNITY_BATCH 8 CACHE STRING "Files per unity batch")

# bzjira_unity(target [BATCH n] [APART "a.cpp b.cpp" "c.cpp d.cpp" ...])
# Puts the target's .cpp files into batches of about n files: as many batches as n-file batches
# need, or as the largest APART set has files if that is more (sets name files by their base
# name). In their listed order, each file goes to the batch with the fewest files among those that
# hold no file of an APART set it belongs to, or to a new batch when every batch holds one, so files
# are never put in a batch with a file they must stay apart from. The target needs the repository's root among its include directories.
function(bzjira_unity target)
  if(NOT BZJIRA_UNITY)
    return()
  endif()
  cmake_parse_arguments(U "" "BATCH" "APART" ${ARGN})
  if(NOT U_BATCH)
    set(U_BATCH ${BZJIRA_UNITY_BATCH})
  endif()
  get_target_property(sources ${target} SOURCES)
  get_target_property(dir ${target} SOURCE_DIR)
  # The files to batch: a file with its own flags, or marked SKIP_UNITY_BUILD_INCLUSION, is
  # compiled alone.
  set(files "")
  foreach(src IN LISTS sources)
    if(NOT src MATCHES "\\.cpp$")
      continue()
    endif()
    if(NOT IS_ABSOLUTE ${src})
      set(src ${dir}/${src})
    endif()
    set(own_flags FALSE)
    foreach(property SKIP_UNITY_BUILD_INCLUSION COMPILE_OPTIONS COMPILE_DEFINITIONS COMPILE_FLAGS)
      get_source_file_property(value ${src} TARGET_DIRECTORY ${target} ${property})
      if(value)
        set(own_flags TRUE)
      endif()
    endforeach()
    if(NOT own_flags)
      list(APPEND files ${src})
    endif()
  endforeach()
  list(LENGTH files count)
  if(count EQUAL 0)
    return()
  endif()
  math(EXPR batches "(${count} + ${U_BATCH} - 1) / ${U_BATCH}")
  foreach(set IN LISTS U_APART)
    separate_arguments(members UNIX_COMMAND "${set}")
    list(LENGTH members size)
    if(size GREATER batches)
      set(batches ${size})
    endif()
  endforeach()
  math(EXPR last "${batches} - 1")
  foreach(b RANGE ${last})
    set(batch_${b} "")
    set(text_${b} "")
  endforeach()
  foreach(src IN LISTS files)
    get_filename_component(name ${src} NAME)
    # The names this file must not share a batch with.
    set(avoid "")
    foreach(set IN LISTS U_APART)
      separate_arguments(members UNIX_COMMAND "${set}")
      if(name IN_LIST members)
        list(APPEND avoid ${members})
      endif()
    endforeach()
    list(REMOVE_ITEM avoid ${name})
    set(chosen "")
    foreach(b RANGE ${last})
      set(clash FALSE)
      foreach(other IN LISTS avoid)
        if(other IN_LIST batch_${b})
          set(clash TRUE)
        endif()
      endforeach()
      list(LENGTH batch_${b} size)
      if(NOT clash AND (chosen STREQUAL "" OR size LESS chosen_size))
        set(chosen ${b})
        set(chosen_size ${size})
      endif()
    endforeach()
    if(chosen STREQUAL "")
      # Every batch holds a file this one must stay apart from: it starts one more.
      math(EXPR last "${last} + 1")
      set(chosen ${last})
      set(batch_${chosen} "")
      set(text_${chosen} "")
    endif()
    list(APPEND batch_${chosen} ${name})
    file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${src})
    string(APPEND text_${chosen} "#include \"${relative}\"\n")
    set_source_files_properties(${src} TARGET_DIRECTORY ${target} PROPERTIES HEADER_FILE_ONLY ON)
  endforeach()
  get_target_property(binary_dir ${target} BINARY_DIR)
  foreach(b RANGE ${last})
    if(batch_${b})
      # Written only when its text changes, so a reconfigure does not rebuild every batch.
      set(unity_source ${binary_dir}/unity/${target}_${b}.cpp)
      file(CONFIGURE OUTPUT ${unity_source} CONTENT
           "// bzjira unity batch (cmake/Unity.cmake): ${target}\n${text_${b}}" @ONLY)
      target_sources(${target} PRIVATE ${unity_source})
    endif()
  endforeach()
endfunction()
