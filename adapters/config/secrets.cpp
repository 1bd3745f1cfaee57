#include "adapters/config/secrets.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace bzjira::adapters::config {

using sync::ErrorKind;
using sync::make_error;

namespace {

constexpr std::size_t k_max_secret_bytes = 64 * 1024;

bool valid_name(const std::string& name) {
  return !name.empty() && std::isdigit(static_cast<unsigned char>(name[0])) == 0 &&
         std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; });
}

std::string strip_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

}  // namespace

sync::Result<std::string> read_secret(const std::string& env_name) {
  if (!valid_name(env_name)) {
    return make_error(ErrorKind::config,
                      "a secret's environment variable name must match [A-Za-z_][A-Za-z0-9_]*");
  }
  const char* value = std::getenv(env_name.c_str());
  if (value != nullptr && *value != '\0') {
    return std::string(value);
  }
  const std::string file_var = env_name + "_FILE";
  const char* file = std::getenv(file_var.c_str());
  if (file == nullptr || *file == '\0') {
    return make_error(ErrorKind::config,
                      "environment variable " + env_name + " (or " + file_var + ") is not set");
  }
  const std::string path = file;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorKind::config, "cannot open " + path + " (named by " + file_var +
                                             "): " + std::strerror(errno));
  }
  std::string content;
  content.resize(k_max_secret_bytes + 1);
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  if (in.bad()) {
    return make_error(ErrorKind::config, "cannot read " + path + " (named by " + file_var + ")");
  }
  content.resize(static_cast<std::size_t>(in.gcount()));
  if (content.size() > k_max_secret_bytes) {
    return make_error(ErrorKind::config, path + " (named by " + file_var + ") is larger than " +
                                             std::to_string(k_max_secret_bytes) +
                                             " bytes: not a secret file");
  }
  content = strip_newlines(std::move(content));
  if (content.empty()) {
    return make_error(ErrorKind::config, path + " (named by " + file_var + ") is empty");
  }
  return content;
}

}  // namespace bzjira::adapters::config
