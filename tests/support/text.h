// Small text and file helpers the test programs share: substring checks on outputs, whole files
// read and written at once.
#pragma once

#include <filesystem>
#include <string>

namespace bzjira::test_support {

// Whether `needle` occurs in `haystack` (for checks on outputs, messages and texts).
inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string read_file(const std::filesystem::path& path);  // "" when unreadable
void write_file(const std::filesystem::path& path, const std::string& content);  // replaces it

}  // namespace bzjira::test_support
