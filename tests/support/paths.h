// Where the test programs find the checkout and the build: the source tree (mappings, docs,
// deploy files), its test data (tests/data) and the build tree (the bzjira and bzjira-sim
// binaries). Only tests/support/paths.cpp is compiled with these paths, so every other test object
// is the same in every clone and ccache reuses it across clones (CONTRIBUTING.md, "The loop").
#pragma once

#include <string>

namespace bzjira::test_support {

std::string source_dir();     // the repository's root
std::string test_data_dir();  // source_dir() + "/tests/data"
std::string binary_dir();     // the CMake build tree the test programs were built in

}  // namespace bzjira::test_support
