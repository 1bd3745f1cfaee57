// Whole-file reads and writes for the tests (text.h).
#include "tests/support/text.h"

#include <fstream>
#include <sstream>

namespace bzjira::test_support {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

}  // namespace bzjira::test_support
