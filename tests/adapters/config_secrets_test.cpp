// Secrets from $NAME or the file named by $NAME_FILE; errors never carry the secret.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "adapters/config/secrets.h"

namespace cfg = bzjira::adapters::config;
using bzjira::sync::ErrorKind;

namespace {

// A variable name and a temp file unique to this process, cleaned up afterwards.
struct Scratch {
  std::string name;
  std::filesystem::path file;
  explicit Scratch(const std::string& tag)
      : name("BZJIRA_TEST_SECRET_" + tag + "_" + std::to_string(::getpid())),
        file(std::filesystem::temp_directory_path() /
             ("bzjira-secret-" + tag + "-" + std::to_string(::getpid()))) {
    ::unsetenv(name.c_str());
    ::unsetenv((name + "_FILE").c_str());
  }
  ~Scratch() {
    ::unsetenv(name.c_str());
    ::unsetenv((name + "_FILE").c_str());
    std::error_code ec;
    std::filesystem::remove(file, ec);
  }
  void write(const std::string& content) const {
    std::ofstream out(file, std::ios::binary);
    out << content;
  }
  void point_file_var() const { ::setenv((name + "_FILE").c_str(), file.c_str(), 1); }
};

}  // namespace

TEST_CASE("a secret comes from the variable itself first", "[config]") {
  Scratch s("direct");
  ::setenv(s.name.c_str(), "key-from-env", 1);
  s.write("key-from-file\n");
  s.point_file_var();
  auto secret = cfg::read_secret(s.name);
  REQUIRE(secret.ok());
  CHECK(*secret == "key-from-env");
}

TEST_CASE("a secret comes from NAME_FILE with the trailing newline stripped", "[config]") {
  Scratch s("file");
  s.write("s3cr3t-value\n");
  s.point_file_var();
  auto secret = cfg::read_secret(s.name);
  REQUIRE(secret.ok());
  CHECK(*secret == "s3cr3t-value");

  s.write("crlf-value\r\n");
  CHECK(*cfg::read_secret(s.name) == "crlf-value");

  ::setenv(s.name.c_str(), "", 1);  // an empty variable counts as unset
  CHECK(*cfg::read_secret(s.name) == "crlf-value");
}

TEST_CASE("a secret that is set nowhere is a config error naming both variables", "[config]") {
  Scratch s("none");
  auto secret = cfg::read_secret(s.name);
  REQUIRE_FALSE(secret.ok());
  CHECK(secret.error().kind == ErrorKind::config);
  CHECK(secret.error().message ==
        "environment variable " + s.name + " (or " + s.name + "_FILE) is not set");
}

TEST_CASE("unreadable, empty or oversized secret files are config errors without the secret",
          "[config]") {
  Scratch s("bad");
  s.point_file_var();  // the file does not exist yet
  auto missing = cfg::read_secret(s.name);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::config);
  CHECK(missing.error().message.find(s.file.string()) != std::string::npos);

  s.write("\n");
  auto empty = cfg::read_secret(s.name);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message.find("is empty") != std::string::npos);

  s.write("TOPSECRET" + std::string(70 * 1024, 'x'));
  auto big = cfg::read_secret(s.name);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().kind == ErrorKind::config);
  CHECK(big.error().message.find("TOPSECRET") == std::string::npos);

  CHECK(cfg::read_secret("").error().kind == ErrorKind::config);
  CHECK(cfg::read_secret("NOT-A-NAME").error().kind == ErrorKind::config);
}
