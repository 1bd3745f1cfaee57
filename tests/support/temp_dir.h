// A private scratch directory for a test, removed with everything in it when the object goes.
#pragma once

#include <filesystem>
#include <string>

namespace bzjira::test_support {

class TempDir {
 public:
  // Creates <temp>/bzjira-<tag>-XXXXXX (mkdtemp: unique, mode 0700). Throws std::runtime_error
  // when it cannot.
  explicit TempDir(const std::string& tag = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  // The path of `name` inside the directory.
  std::string file(const std::string& name) const { return (m_path / name).string(); }
  // Writes `content` to `name` inside the directory (replacing it); returns its path.
  std::string file(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path m_path;
};

}  // namespace bzjira::test_support
