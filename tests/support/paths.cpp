#include "tests/support/paths.h"

// tests/CMakeLists.txt defines these for this file alone (see paths.h for why).
std::string bzjira::test_support::source_dir() { return BZJIRA_SOURCE_DIR; }
std::string bzjira::test_support::test_data_dir() { return BZJIRA_TEST_DATA_DIR; }
std::string bzjira::test_support::binary_dir() { return BZJIRA_BINARY_DIR; }
